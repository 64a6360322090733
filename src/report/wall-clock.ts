/**
 * Wall-clock time in the zone the user named with `--tz`: `UTC`, `local`, a fixed offset
 * (`+01:00`, `-0530`) or an IANA name. Offsets are applied here, because `Intl` in Node 20
 * knows only named zones.
 */
import { parseOffset } from '../parse/index.js';

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
