/**
 * Turns wall-clock fields into epoch milliseconds for a time zone.
 * Broker prefixes made with `log_timestamp_format` and syslog headers carry local time
 * without an offset; the zone to read them in is the user's choice (`--tz`, default UTC).
 */

/**
 * Converts local date fields to epoch milliseconds. Months are 1-based. `after` is the last time
 * read before: a wall-clock time the zone shows twice (the hour repeated when daylight
 * saving ends) is its first instance unless that would go back before `after`.
 */
export type Clock = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, after?: number | null) => number;

const utcClock: Clock = (y, mo, d, h, mi, s, ms) => Date.UTC(y, mo - 1, d, h, mi, s, ms);

function fixedOffsetClock(offsetMinutes: number): Clock {
  return (y, mo, d, h, mi, s, ms) => Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMinutes * 60_000;
}

/** Parses `+01:00`, `-0530`, `+01`, `Z`; returns minutes east of UTC, or null. */
export function parseOffset(text: string): number | null {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(text);
  if (!m || Number(m[2]) > 23 || Number(m[3] ?? 0) > 59) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

function zoneClock(timeZone: string): Clock {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  // Offsets change on a quarter hour of UTC in every zone in use (Adelaide and Lord Howe change
  // on the half hour); cache per UTC quarter hour.
  const quarterMs = 900_000;
  const offsets = new Map<number, number>();
  const offsetAt = (utc: number): number => {
    const quarter = Math.floor(utc / quarterMs);
    let offset = offsets.get(quarter);
    if (offset === undefined) {
      const parts: Record<string, number> = {};
      for (const p of format.formatToParts(new Date(quarter * quarterMs))) parts[p.type] = Number(p.value);
      const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
      offset = asUtc - quarter * quarterMs;
      if (offsets.size > 10_000) offsets.clear();
      offsets.set(quarter, offset);
    }
    return offset;
  };
  return (y, mo, d, h, mi, s, ms, after = null) => {
    const guess = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    const first = guess - offsetAt(guess);
    // A second look settles times near a daylight-saving change.
    const time = guess - offsetAt(first);
    // The offsets half a day either side tell whether this wall-clock time happens twice.
    const earlier = guess - offsetAt(guess - 43_200_000);
    const later = guess - offsetAt(guess + 43_200_000);
    if (earlier >= later || offsetAt(earlier) !== guess - earlier || offsetAt(later) !== guess - later) return time;
    return after !== null && earlier < after ? later : earlier;
  };
}

/**
 * Returns a clock for `UTC`, a fixed offset (`+01:00`), `local` (this machine's zone) or an
 * IANA zone name (`Europe/Berlin`). Throws a RangeError for an unknown zone.
 */
export function createClock(zone: string): Clock {
  if (zone === 'UTC' || zone === 'utc' || zone === 'Z') return utcClock;
  const offset = parseOffset(zone);
  if (offset !== null) return offset === 0 ? utcClock : fixedOffsetClock(offset);
  const name = zone === 'local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : zone;
  return zoneClock(name);
}

const monthIndex: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/** Month number (1–12) for an English month name or abbreviation, or 0. */
export function monthNumber(name: string): number {
  return monthIndex[name.slice(0, 3).toLowerCase()] ?? 0;
}

/** A time this far before the last time read is taken to be in a later year, when its stamp names none. */
export const halfYearMs = 183 * 86_400_000;
/**
 * A time of day this far before the last time read is on the next day: a broker's clock goes
 * back only by the hour daylight saving repeats, and a log may be quiet for longer than half a day.
 */
const dayBackMs = 2 * 3_600_000;
const dayMs = 86_400_000;
/** How many New Years one log may pass. */
const maxYearsAhead = 50;

/** What a stamp leaves out, for the time before it to settle: its year, or its whole date. */
export type StampGap = 'year' | 'date' | null;

/**
 * A time of day alone inside an envelope with a time of its own (docker, journald, syslog) is
 * read on the last day that puts it no more than this after the envelope's time: the broker
 * writes before its envelope is stamped, up to hours before when it does not flush a pipe, and
 * its zone may be up to 14 hours ahead of the one the stamp is read in.
 */
const envelopeAheadMs = 14 * 3_600_000;

/**
 * The year a stamp that names none is read in when no time before it says. `latest` is set when
 * the year was not given but taken from the clock: a date that would then lie after it (December
 * read in January) is of the year before, as no log is written ahead of the clock that reads it.
 */
export interface StampYear {
  year: number;
  latest?: number;
  /** For a stamp of a time of day alone: the day of its first line, as days after 1 January of `year` (default 0). */
  day?: number;
  /**
   * For a stamp of a time of day alone, when `day` is not given: the first line is on the last
   * day on which it is not after this time (the clock, for a log followed as it is written).
   */
  dayUntil?: number;
}

/**
 * Reads a stamp that leaves out its year or its date so that it follows `after`, the last time
 * read: a date half a year before that is in the next year (December, then January), a time of
 * day more than two hours before it on the next day (midnight). Without a time before it, a date
 * is read in `first.year`, a time of day on `first.day` of it, or on the last day that puts it
 * before `first.dayUntil` (see {@link StampYear}). A time of day inside an envelope with a time
 * (`envelope`) takes its day from that instead (see {@link envelopeAheadMs}). `read`
 * reads the stamp in a year, and `days` after its first day (1 January of that year for a time
 * of day alone); it returns null for a year that has not the stamp's date (29 February), and
 * such a year is passed over.
 */
export function readAfter(read: (year: number, days: number) => number | null, gap: StampGap, first: StampYear, after: number | null, envelope: number | null = null): number | null {
  if (gap === 'year') return readYearless(read, first, after);
  const year = first.year;
  if (gap === 'date' && envelope !== null) return readNear(read, year, envelope + envelopeAheadMs);
  let firstDay = gap === 'date' ? first.day ?? 0 : 0;
  let time = read(year, firstDay);
  if (time !== null && gap === 'date' && after === null && first.day === undefined && first.dayUntil !== undefined) {
    firstDay += Math.floor((first.dayUntil - time) / dayMs);
    time = read(year, firstDay);
  }
  if (time === null || gap === null || after === null || time >= after - dayBackMs) return time;
  let days = firstDay + Math.ceil((after - dayBackMs - time) / dayMs);
  time = read(year, days);
  // A day with a daylight-saving change is an hour short or long.
  while (time !== null && time < after - dayBackMs) time = read(year, ++days);
  return time;
}

/** A time of day read on the last day that does not put it after `latest`, counted from 1 January of `year`. */
function readNear(read: (year: number, days: number) => number | null, year: number, latest: number): number | null {
  let days = 0;
  let time = read(year, days);
  if (time === null) return null;
  days += Math.floor((latest - time) / dayMs);
  time = read(year, days);
  // A day with a daylight-saving change is an hour short or long.
  while (time !== null && time > latest) time = read(year, --days);
  while (time !== null && time + dayMs <= latest) {
    const next = read(year, days + 1);
    if (next === null || next > latest) break;
    [time, days] = [next, days + 1];
  }
  return time;
}

/** How far back a date without its year is looked for: 29 February is in every fourth year, or eighth. */
const leapYearsBack = 8;

/** {@link readAfter} for a stamp without its year. */
function readYearless(read: (year: number, days: number) => number | null, first: StampYear, after: number | null): number | null {
  if (after === null) {
    let year = first.year;
    let time = read(year, 0);
    for (let back = 0; time === null && back < leapYearsBack; back++) time = read(--year, 0);
    if (time === null || first.latest === undefined || time <= first.latest) return time;
    // After the latest time a log can have: the year before.
    for (let back = 0; back < leapYearsBack; back++) {
      const earlier = read(--year, 0);
      if (earlier !== null) return earlier;
    }
    return time;
  }
  // In the last time's year (the first year may have been taken back, above), or the one before
  // for a line a little before the last across New Year (31 December after 1 January).
  const from = new Date(after).getUTCFullYear();
  let year = from;
  let time = read(year, 0);
  if (time !== null && time > after + halfYearMs) return read(year - 1, 0) ?? time;
  while ((time === null || time < after - halfYearMs) && year < from + maxYearsAhead) time = read(++year, 0);
  return time;
}

/** The clock's time of a date, or null when the year has not that day (29 February, for a stamp without its year). */
export function calendarTime(clock: Clock, year: number, month: number, day: number, h: number, mi: number, s: number, ms: number): number | null {
  return isCalendarDate(year, month, day) ? clock(year, month, day, h, mi, s, ms) : null;
}

/**
 * Reads a date `YYYY-MM-DD` as its year and its day of that year counted from 0 (1 January);
 * throws a RangeError for text that is no such date.
 */
export function calendarDay(text: string): { year: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (year < 1970 || !isCalendarDate(year, month, day)) throw new RangeError(`not a date (YYYY-MM-DD): ${text}`);
  return { year, day: (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / dayMs };
}

/** Whether year, month and day name a day that exists (every month has 28: only a later day needs its month's length). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && (day <= 28 || day <= new Date(Date.UTC(year, month, 0)).getUTCDate());
}

/** Milliseconds from a fraction such as `123456` (the digits after the decimal point). */
export function fractionMs(digits: string | undefined): number {
  if (!digits) return 0;
  return Math.floor(Number(digits.slice(0, 3).padEnd(3, '0')));
}
