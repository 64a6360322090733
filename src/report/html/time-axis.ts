/**
 * The time axis the report's charts share: a span of epoch milliseconds mapped onto chart
 * units, with ticks at round times of the report's time zone.
 */
import { type WallTime, repeatedTimeOffset, wallClock } from '../wall-clock.js';

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
 * when the step is under a minute, the date when it is a day or more, or on the first tick of
 * each day when the ticks span days.
 */
export function createTimeAxis(start: number, end: number, left: number, width: number, timeZone: string, maxTicks = 8): TimeAxis {
  const to = Math.max(end, start + second);
  const span = to - start;
  const step = steps.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / day) * day;
  const clock = zoneClock(timeZone);
  const marks: Array<{ time: number; parts: WallTime }> = [];
  const [startOffset, endOffset] = [clock(start).offset, clock(to).offset];
  const lastWall = to + Math.max(startOffset, endOffset);
  for (let wall = Math.ceil((start + Math.min(startOffset, endOffset)) / step) * step; wall <= lastWall; wall += step) {
    // The instants that read `wall` in the zone: none in the hour daylight saving skips, two in
    // the hour it repeats. Offsets change months apart: a day either side holds those in force.
    const near = wall - startOffset;
    const offsets = new Set([clock(near - day).offset, clock(near + day).offset]);
    for (const offset of offsets) {
      const time = wall - offset;
      const read = clock(time);
      if (time >= start && time <= to && read.offset === offset) marks.push({ time, parts: read.parts });
    }
  }
  marks.sort((a, b) => a.time - b.time);
  // Times of day over several days: the first tick of each day names its date.
  const days = new Set(marks.map(({ parts }) => parts.day)).size;
  const ticks = marks.map(({ time, parts }, i) => {
    const label = tickLabel(parts, step, timeZone, time);
    const newDay = step < day && days > 1 && (i === 0 || marks[i - 1]?.parts.day !== parts.day);
    return { time, label: newDay ? `${parts.month}-${parts.day} ${label}` : label };
  });
  return { start, end: to, left, width, timeZone, x: (time) => left + ((time - start) / span) * width, ticks };
}

/** A tick's label: seconds shown when the step is under a minute, the date when it is a day or more; a time the zone shows twice adds its offset. */
function tickLabel(parts: WallTime, step: number, timeZone: string, time: number): string {
  if (step >= day) return `${parts.month}-${parts.day}`;
  const label = step < minute ? `${parts.hour}:${parts.minute}:${parts.second}` : `${parts.hour}:${parts.minute}`;
  return label + repeatedTimeOffset(timeZone, time, parts);
}
