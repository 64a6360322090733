/**
 * Wall-clock time in the zone the user named with `--tz`: `UTC`, `local`, a fixed offset
 * (`+01:00`, `-0530`) or an IANA name. Offsets are applied here, because `Intl` in Node 20
 * knows only named zones.
 */
import { type Clock, createClock, parseOffset } from '../parse/index.js';

/** The fields of an instant's wall-clock time, each two digits (the year four). */
export interface WallTime {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const clocks = new Map<string, (time: number) => WallTime>();

/** Reads instants as wall-clock time in `timeZone`. Throws a RangeError for an unknown zone. */
export function wallClock(timeZone: string): (time: number) => WallTime {
  let clock = clocks.get(timeZone);
  if (clock === undefined) {
    clock = makeClock(timeZone);
    clocks.set(timeZone, clock);
  }
  return clock;
}

function makeClock(timeZone: string): (time: number) => WallTime {
  const offset = timeZone === 'UTC' || timeZone === 'utc' ? 0 : parseOffset(timeZone);
  if (offset !== null) {
    return (time) => {
      const iso = new Date(time + offset * 60_000).toISOString();
      return { year: iso.slice(0, 4), month: iso.slice(5, 7), day: iso.slice(8, 10), hour: iso.slice(11, 13), minute: iso.slice(14, 16), second: iso.slice(17, 19) };
    };
  }
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timeZone === 'local' ? undefined : timeZone,
    hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  return (time) => {
    const parts: Record<string, string> = {};
    for (const p of format.formatToParts(new Date(time))) parts[p.type] = p.value;
    return {
      year: parts.year ?? '', month: parts.month ?? '', day: parts.day ?? '',
      hour: parts.hour ?? '', minute: parts.minute ?? '', second: parts.second ?? '',
    };
  };
}

const zoneClocks = new Map<string, Clock>();

/**
 * The zone's offset at `time` (`+02:00`) when the wall-clock time `w` it shows there is one the
 * zone shows twice (the hour repeated when daylight saving ends), or '' when it shows it once:
 * only the offset tells the two instants apart.
 */
export function repeatedTimeOffset(timeZone: string, time: number, w: WallTime): string {
  if (timeZone === 'UTC' || timeZone === 'utc' || parseOffset(timeZone) !== null) return '';
  let clock = zoneClocks.get(timeZone);
  if (clock === undefined) {
    clock = createClock(timeZone);
    zoneClocks.set(timeZone, clock);
  }
  const fields = [Number(w.year), Number(w.month), Number(w.day), Number(w.hour), Number(w.minute), Number(w.second), 0] as const;
  // Read as late as possible, a time shown twice is its second instance; otherwise the same one.
  if (clock(...fields) === clock(...fields, Number.POSITIVE_INFINITY)) return '';
  const minutes = Math.round((Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]) - Math.floor(time / 1000) * 1000) / 60_000);
  const size = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(size / 60)).padStart(2, '0')}:${String(size % 60).padStart(2, '0')}`;
}
