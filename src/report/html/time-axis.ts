/**
 * The time axis the report's charts share: a span of epoch milliseconds mapped onto chart
 * units, with ticks at round times of the report's time zone.
 */
import { type WallTime, wallClock } from '../wall-clock.js';

/** A span of time laid out over `width` chart units starting at `left`. */
export interface TimeAxis {
  start: number;
  end: number;
  left: number;
  width: number;
  timeZone: string;
  /** Chart x of a time (not clamped). */
  x(time: number): number;
  ticks: Array<{ time: number; label: string }>;
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** Tick spacings, smallest first. */
const steps = [
  second, 2 * second, 5 * second, 10 * second, 15 * second, 30 * second,
  minute, 2 * minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute,
  hour, 2 * hour, 3 * hour, 6 * hour, 12 * hour, day, 2 * day, 7 * day, 14 * day, 28 * day,
];

/** Reads wall-clock fields of instants in one zone, with the zone's offset at each. */
function zoneClock(timeZone: string): (time: number) => { offset: number; parts: WallTime } {
  const clock = wallClock(timeZone);
  return (time) => {
    const parts = clock(time);
    const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return { offset: wall - Math.floor(time / second) * second, parts };
  };
}

/**
 * An axis from `start` to `end` (widened to at least a second) over `width` units, with about
 * `maxTicks` ticks at multiples of a round step in the zone's wall-clock time: seconds shown
 * when the step is under a minute, the date when it is a day or more.
 */
export function createTimeAxis(start: number, end: number, left: number, width: number, timeZone: string, maxTicks = 8): TimeAxis {
  const to = Math.max(end, start + second);
  const span = to - start;
  const step = steps.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / day) * day;
  const clock = zoneClock(timeZone);
  const ticks: Array<{ time: number; label: string }> = [];
  const startOffset = clock(start).offset;
  for (let wall = Math.ceil((start + startOffset) / step) * step; ticks.length <= maxTicks * 2; wall += step) {
    // The instant that reads `wall` in the zone, at the offset in force then: daylight saving
    // may have begun or ended since the start.
    const near = wall - startOffset;
    const time = wall - clock(wall - clock(near).offset).offset;
    if (time > to) break;
    if (time < start) continue;
    const { offset, parts } = clock(time);
    // A wall-clock time the zone skips (the hour daylight saving begins) gets no tick.
    if (time + offset !== wall) continue;
    const label = step >= day ? `${parts.month}-${parts.day}` : step < minute ? `${parts.hour}:${parts.minute}:${parts.second}` : `${parts.hour}:${parts.minute}`;
    ticks.push({ time, label });
  }
  return { start, end: to, left, width, timeZone, x: (time) => left + ((time - start) / span) * width, ticks };
}
