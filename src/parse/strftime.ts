/**
 * Reading times that the broker wrote with `log_timestamp_format` (strftime, local time).
 * A known format compiles to a regex; an unknown one is read loosely.
 */
import { type Clock, type StampGap, type StampYear, fractionMs, isCalendarDate, monthNumber, parseOffset, readAfter } from './clock.js';

/** A compiled strftime format: matches a line's start and reads its time. */
export interface TimestampFormat {
  /** Matches the timestamp followed by the broker's `: ` separator at the start of a line. */
  re: RegExp;
  /**
   * Reads the time of a match. A format without a year takes `year`'s, one without a date 1 January
   * of it; either follows `after`, the last time read, and one without a date takes its day from
   * `envelope`, the time of the line's envelope, when it has one (see {@link readAfter}).
   */
  read(m: RegExpExecArray, clock: Clock, year: StampYear, after?: number | null, envelope?: number | null): number | null;
}

type Part = 'Y' | 'y' | 'm' | 'b' | 'd' | 'H' | 'I' | 'M' | 'S' | 'f' | 'p' | 'z' | 'Z' | 's' | 'j' | 'skip';

const conversions: Record<string, { re: string; part: Part } | string> = {
  Y: { re: '(\\d{4})', part: 'Y' },
  y: { re: '(\\d{2})', part: 'y' },
  m: { re: '(\\d{1,2})', part: 'm' },
  d: { re: '(\\d{1,2})', part: 'd' },
  e: { re: ' ?(\\d{1,2})', part: 'd' },
  H: { re: '(\\d{1,2})', part: 'H' },
  k: { re: ' ?(\\d{1,2})', part: 'H' },
  I: { re: '(\\d{1,2})', part: 'I' },
  l: { re: ' ?(\\d{1,2})', part: 'I' },
  M: { re: '(\\d{2})', part: 'M' },
  S: { re: '(\\d{2})', part: 'S' },
  f: { re: '(\\d+)', part: 'f' },
  b: { re: '([A-Za-z]{3})', part: 'b' },
  h: { re: '([A-Za-z]{3})', part: 'b' },
  B: { re: '([A-Za-z]+)', part: 'b' },
  a: { re: '(?:[A-Za-z]{3})', part: 'skip' },
  A: { re: '(?:[A-Za-z]+)', part: 'skip' },
  p: { re: '(AM|PM|am|pm)', part: 'p' },
  P: { re: '(am|pm)', part: 'p' },
  z: { re: '([+-]\\d{2}:?\\d{2}|Z)', part: 'z' },
  Z: { re: '([A-Za-z][A-Za-z0-9+/_-]*|[+-]\\d{2}(?:\\d{2})?)', part: 'Z' },
  s: { re: '(\\d+)', part: 's' },
  j: { re: '(\\d{3})', part: 'j' },
  F: '%Y-%m-%d',
  T: '%H:%M:%S',
  R: '%H:%M',
  D: '%m/%d/%y',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
  r: '%I:%M:%S %p',
  c: '%a %b %e %H:%M:%S %Y',
  n: '\n',
  t: '\t',
  '%': '%',
};

/**
 * Minutes east of UTC of a zone as `%Z` or `%z` print it: a name (`CET`) when it means one offset
 * only, an offset (`+0100`, `Z`), or the numbers glibc prints for `%Z` in zones without a name
 * (`+04` in Asia/Dubai). Null for anything else.
 */
export function zoneOffset(zone: string): number | null {
  if (/^[A-Y]/.test(zone)) return zoneNames.get(zone) ?? null;
  return parseOffset(zone);
}

/**
 * Minutes east of UTC of the zone names `%Z` prints that mean one offset only. Others (`CST`,
 * `IST`, `BST` stand for several zones) leave the time to `--tz`.
 */
const zoneNames: ReadonlyMap<string, number> = new Map(Object.entries({
  UTC: 0, GMT: 0, Z: 0, UT: 0,
  WET: 0, WEST: 60, CET: 60, CEST: 120, EET: 120, EEST: 180, MSK: 180,
  EST: -300, EDT: -240, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600,
  JST: 540, KST: 540, AWST: 480, ACST: 570, ACDT: 630, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
}));

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * A conversion's regex under a glibc flag: `-` (no padding) and `_` (spaces) let a number take
 * fewer digits, `_` after spaces; `^` and `#` change the case of names (which are read in any
 * case already) and of `%P`'s am/pm.
 */
function applyFlag(conv: { re: string; part: Part }, flag: string): string {
  if (flag === '-' || flag === '_') return `${flag === '_' ? ' *' : ''}${conv.re.replace('\\d{2}', '\\d{1,2}').replace('\\d{3}', '\\d{1,3}')}`;
  if ((flag === '^' || flag === '#') && conv.part === 'p') return '(AM|PM|am|pm)';
  return conv.re;
}

/**
 * Compiles a strftime format (as given to `log_timestamp_format`, plus `%f` for fractional
 * seconds). Throws a RangeError naming the first conversion it does not know.
 */
export function compileTimestampFormat(format: string): TimestampFormat {
  const parts: Part[] = [];
  const expand = (fmt: string): string => {
    let out = '';
    for (let i = 0; i < fmt.length; i++) {
      const ch = fmt[i] as string;
      if (ch !== '%') {
        out += escape(ch);
        continue;
      }
      // glibc's flags: `-` drops the padding, `_` pads with spaces, `0` with zeros, `^` and `#` change case.
      const flag = '-_0^#'.includes(fmt[i + 1] ?? '%') ? (fmt[++i] as string) : '';
      const code = fmt[++i] ?? '';
      const conv = conversions[code];
      if (conv === undefined) throw new RangeError(`unsupported strftime conversion %${flag}${code}`);
      if (typeof conv === 'string') {
        out += conv.startsWith('%') ? expand(conv) : escape(conv);
      } else {
        out += applyFlag(conv, flag);
        if (conv.part !== 'skip') parts.push(conv.part);
      }
    }
    return out;
  };
  const re = new RegExp('^' + expand(format) + ': ');
  const has = (...wanted: Part[]): boolean => parts.some((p) => wanted.includes(p));
  const gap: StampGap = has('s') ? null : !has('m', 'b', 'd', 'j') ? 'date' : !has('Y', 'y') ? 'year' : null;
  const readIn = (m: RegExpExecArray, clock: Clock, year: number, days: number): number | null => {
    let y = year;
    let mo = 1;
    let d = 1;
    let h = 0;
    let mi = 0;
    let s = 0;
    let ms = 0;
    let pm: boolean | null = null;
    let offset: number | null = null;
    let dayOfYear: number | null = null;
    for (let i = 0; i < parts.length; i++) {
      const v = m[i + 1] ?? '';
      switch (parts[i]) {
        case 'Y': y = Number(v); break;
        case 'y': y = 2000 + Number(v); break;
        case 'm': mo = Number(v); break;
        case 'b': mo = monthNumber(v); break;
        case 'd': d = Number(v); break;
        case 'H': h = Number(v); break;
        case 'I': h = Number(v) % 12; break;
        case 'M': mi = Number(v); break;
        case 'S': s = Number(v); break;
        case 'f': ms = fractionMs(v); break;
        case 'p': pm = v.toLowerCase() === 'pm'; break;
        case 'z': offset = parseOffset(v); break;
        case 'Z': offset = zoneOffset(v) ?? offset; break;
        case 's': return Number(v) * 1000;
        case 'j': dayOfYear = Number(v); break;
        default: break;
      }
    }
    // The day of the year counts in the year the stamp names, wherever it names it.
    if (dayOfYear !== null) {
      const date = new Date(Date.UTC(y, 0, dayOfYear));
      mo = date.getUTCMonth() + 1;
      d = date.getUTCDate();
    }
    if (pm === true) h += 12;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
    if (!isCalendarDate(y, mo, d)) return null;
    // `days` moves a time of day alone on from 1 January; the fields roll over into months.
    if (offset !== null) return Date.UTC(y, mo - 1, d + days, h, mi, s, ms) - offset * 60_000;
    return clock(y, mo, d + days, h, mi, s, ms);
  };
  return {
    re,
    read: (m, clock, year, after = null, envelope = null) => readAfter((y, days) => readIn(m, clock, y, days), gap, year, after, envelope),
  };
}

/** A time of day of colons; its hour is no year's last digits (`14/Nov/2023:08:13:20`). */
const looseTime = /(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?: ?(AM|PM|am|pm))?/;
/** A time without colons, after a date of eight digits: ISO 8601's basic form (`20231114T221320`), or `_` or `-` between. */
const compactTime = /(?<=\d{8}[T _-])(\d{2})(\d{2})(\d{2})(?:[.,](\d+))?(?!\d)/;
/** A time of dots at the stamp's end, after a date and a space (`2023-11-14 22.13.20`; not `Tue 14.11.23`, a date). */
const dottedTime = /(?<=\d\s)(\d{2})\.(\d{2})\.(\d{2})(?:[.,](\d+))?()$/;
/** A time of dashes at the stamp's end, after a date and `_` or `T` (`2023-11-14_22-13-20`, a name for a file). */
const dashedTime = /(?<=\d[_T])(\d{2})-(\d{2})-(\d{2})(?:[.,](\d+))?()$/;
/** A year in a stamp (`05-Mar-2024`): of this era, so not the digits of an offset (`+0100`). */
const looseYear = /(?<!\d)((?:19|20|21)\d\d)(?!\d)/;
/**
 * A zone at a stamp's end, or before a year there (`date`'s `%Z %Y`), and before the brackets
 * or marks a format may close the stamp with (`[%FT%T%z]`); `+04` alone after a space (after a
 * digit it may end a date).
 */
const looseZone = /(?:(?:\s|\d)(Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5})|\s([+-]\d{2}))(?:\s\d{4})?[\s\])}>|]*$/;

const month = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';

/** A date's fields as a stamp of unknown shape writes them; a year of null is not written. */
interface LooseDate {
  y: number | null;
  mo: number;
  d: number;
  /** The order of day and month a numeric date shows, or `either` when it could be read both ways (see {@link DateOrder}). */
  shows?: DateOrder | 'either';
  /** Where a year of two digits stands, when the date shows it. */
  yearShows?: 'year-first' | 'year-last';
}

/**
 * The order of a numeric date, as a line of the log showed it. With the year last (`%d/%m/%Y` or
 * `%m/%d/%Y`): `03/13/2026` shows `month-first`, `13/03/2026` `day-first`; before one does, day
 * first, or month first for `%x`. A year of two digits may stand first too (`%y-%m-%d`):
 * `year-first` and `year-last` are shown by a date that could not be read the other way (`26-11-30`
 * is no 26 November of 2030, which is yet to come); `day-first` and `month-first` imply `year-last`.
 */
export type DateOrder = 'day-first' | 'month-first' | 'year-first' | 'year-last';

/** What a stamp of unknown shape is read against: the order its log showed, and the latest time a log can have (see {@link StampYear}). */
interface DateReading {
  order: DateOrder | undefined;
  latest: number | undefined;
}

/** The first moment of a date's day, in UTC. */
const dayStart = (date: LooseDate): number => Date.UTC(date.y ?? 0, date.mo - 1, date.d);

/** A year of two digits, read in this century. */
const century = (digits: number): number => 2000 + digits;

/**
 * A day and a month `a` and `b`, in the order the log showed unless one cannot be a month, of the
 * year `y` written after them (`%d.%m.%Y`, `%x`'s `%m/%d/%y`). Before the log showed an order, a
 * reading after `latest`, the latest time a log can have, shows the other order.
 */
function yearLast(a: number, b: number, y: number, cLocale: boolean, order: DateOrder | undefined, latest?: number): LooseDate {
  // A day that is its month too (`05/05/2026`) reads the same both ways, and shows nothing.
  const shows: DateOrder | 'either' | undefined = b > 12 ? 'month-first' : a > 12 ? 'day-first' : a === b ? undefined : 'either';
  // `%x` is month first until the log shows otherwise: its dates that could be read both
  // ways are no guess that a date shown month first would prove wrong.
  const dayOrMonth = order === 'day-first' || order === 'month-first' ? order : undefined;
  let monthFirst = (shows === undefined || shows === 'either' ? (dayOrMonth ?? (cLocale ? 'month-first' : 'day-first')) : shows) === 'month-first';
  let told = cLocale && shows === 'either' ? undefined : shows;
  const read = (first: boolean): LooseDate => ({ y, mo: first ? a : b, d: first ? b : a });
  if (shows === 'either' && dayOrMonth === undefined && latest !== undefined && dayStart(read(monthFirst)) > latest && dayStart(read(!monthFirst)) <= latest) {
    monthFirst = !monthFirst;
    told = monthFirst ? 'month-first' : 'day-first';
  }
  return { ...read(monthFirst), ...(told ? { shows: told } : {}) };
}

/**
 * A date of three numbers with a year of two digits, which may stand last (`%d-%m-%y`) or first
 * (`%y-%m-%d`): in the order the log showed; else a reading that is no date, or one after the
 * latest time a log can have, shows the other; else the later of the two is the guess.
 */
function twoDigitYear(a: number, b: number, c: number, cLocale: boolean, { order, latest }: DateReading): LooseDate {
  const last = yearLast(a, b, century(c), cLocale, order, latest);
  const first: LooseDate = { y: century(a), mo: b, d: c };
  if (order === 'year-first') return first;
  if (order !== undefined) return last;
  const possible = (date: LooseDate): boolean => isCalendarDate(date.y ?? 0, date.mo, date.d) && (latest === undefined || dayStart(date) <= latest);
  const [lastPossible, firstPossible] = [possible(last), possible(first)];
  if (firstPossible && !lastPossible) return { ...first, yearShows: 'year-first' };
  if (lastPossible && !firstPossible) return { ...last, yearShows: 'year-last' };
  if (!firstPossible) return last;
  return dayStart(first) > dayStart(last) ? first : last;
}

/** The date shapes strftime prints, each read into its fields; the leftmost in a stamp wins. */
const dateShapes: ReadonlyArray<{ re: RegExp; read(m: RegExpExecArray, reading: DateReading): LooseDate }> = [
  // %Y-%m-%d, %Y/%m/%d, %Y.%m.%d
  { re: /(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/, read: (m) => ({ y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) }) },
  // %Y-%j: the day of the year.
  {
    re: /(?<!\d)(\d{4})-(\d{3})(?![\d-])/,
    read: (m) => {
      const date = new Date(Date.UTC(Number(m[1]), 0, Number(m[2])));
      return { y: Number(m[1]), mo: date.getUTCMonth() + 1, d: date.getUTCDate() };
    },
  },
  // %d.%m.%Y, %d/%m/%Y, %m/%d/%Y; with a year of two digits, that (%d.%m.%y; %x and %D in the C
  // locale, %m/%d/%y) or %y-%m-%d.
  {
    re: /(?<!\d)(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/,
    read: (m, reading) => {
      const [a, b, year] = [Number(m[1]), Number(m[3]), m[4] ?? ''];
      const cLocale = year.length === 2 && m[2] === '/';
      return year.length === 2 ? twoDigitYear(a, b, Number(year), cLocale, reading) : yearLast(a, b, Number(year), false, reading.order, reading.latest);
    },
  },
  // %d/%m, %m-%d, %d.%m. (no year): in the order the log showed, unless one cannot be a month.
  {
    re: /(?<![\d/.-])(\d{1,2})([-/.])(\d{1,2})\.?(?![\d/.-])/,
    read: (m, reading) => ({ ...yearLast(Number(m[1]), Number(m[3]), 0, false, reading.order), y: null }),
  },
  // %Y%m%d
  { re: /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/, read: (m) => ({ y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) }) },
  // %y%m%d
  { re: /(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)/, read: (m) => ({ y: century(Number(m[1])), mo: Number(m[2]), d: Number(m[3]) }) },
  // %b %d (%c, syslog-like), and %d %b or %d-%b-%Y; the year, if any, stands elsewhere.
  { re: new RegExp(`(?<![a-z])${month} +(\\d{1,2})(?!\\d)`, 'i'), read: (m) => ({ y: null, mo: monthNumber(m[1] ?? ''), d: Number(m[2]) }) },
  { re: new RegExp(`(?<!\\d)(\\d{1,2})[ ./-]?${month}(?![a-z])`, 'i'), read: (m) => ({ y: null, mo: monthNumber(m[2] ?? ''), d: Number(m[1]) }) },
];

/** Reads the date of a stamp of unknown shape (its time of day taken out), or null. */
function looseDate(text: string, reading: DateReading): LooseDate | null {
  let best: { at: number; date: LooseDate } | null = null;
  for (const shape of dateShapes) {
    const m = shape.re.exec(text);
    if (m && (best === null || m.index < best.at)) best = { at: m.index, date: shape.read(m, reading) };
  }
  if (best === null || best.date.y !== null) return best?.date ?? null;
  const year = looseYear.exec(text);
  return { ...best.date, y: year ? Number(year[1]) : null };
}

/**
 * Reads a timestamp of unknown strftime shape, such as `Thu Nov 26 12:00:00 2026` or
 * `26/11/2026 12:00:00`. A numeric date is read in `order` as far as its numbers allow (see
 * {@link DateOrder}); `shown` hears which order such a date shows, or that it could be read both
 * ways. A time of day alone inside an envelope with a time takes its day from that (see
 * {@link readAfter}). Returns null when no time of day is found.
 */
export function readLooseTime(
  text: string, clock: Clock, year: StampYear, after: number | null = null, order?: DateOrder, shown?: (order: DateOrder | 'either') => void, envelope: number | null = null,
): number | null {
  const t = looseTime.exec(text) ?? compactTime.exec(text) ?? dottedTime.exec(text) ?? dashedTime.exec(text);
  if (!t) return null;
  // A year of null is the one given; no date is 1 January of it.
  const date = looseDate(text.replace(t[0], ' '), { order, latest: year.latest });
  if (date?.yearShows) shown?.(date.yearShows);
  if (date?.shows) shown?.(date.shows);
  let h = Number(t[1]);
  const ampm = t[5]?.toLowerCase();
  if (ampm) h = (h % 12) + (ampm === 'pm' ? 12 : 0);
  const mi = Number(t[2]);
  const s = Number(t[3] ?? 0);
  const ms = fractionMs(t[4]);
  const mo = date?.mo ?? 1;
  const d = date?.d ?? 1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const zone = looseZone.exec(text);
  const offset = zone === null ? null : zoneOffset(zone[1] ?? zone[2] ?? '');
  const gap: StampGap = date === null ? 'date' : date.y === null ? 'year' : null;
  const readIn = (y: number, days: number): number | null => {
    const at = date?.y ?? y;
    if (!isCalendarDate(at, mo, d)) return null;
    return offset !== null ? Date.UTC(at, mo - 1, d + days, h, mi, s, ms) - offset * 60_000 : clock(at, mo, d + days, h, mi, s, ms);
  };
  return readAfter(readIn, gap, year, after, envelope);
}
