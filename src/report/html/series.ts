/**
 * The numbers behind the report's charts, derived from a correlation: events per time bucket,
 * sessions open per bucket, and a latency histogram. Pure; bounded by the bucket count asked for.
 */
import type { Correlation, SessionSpan } from '../../correlate/index.js';

/** A bucket of a time series: `[start, end)` in epoch ms and its value. */
export interface TimeBucket {
  start: number;
  end: number;
  value: number;
}

const second = 1000;
const minute = 60 * second;

/**
 * Records per minute in buckets of whole minutes, as few minutes per bucket as keep the count
 * at or under `maxBuckets`. Minutes without records are empty buckets, not gaps.
 */
export function eventsPerBucket(perMinute: ReadonlyArray<readonly [number, number]>, maxBuckets: number): { buckets: TimeBucket[]; bucketMs: number } {
  const first = perMinute[0]?.[0];
  const last = perMinute[perMinute.length - 1]?.[0];
  if (first === undefined || last === undefined) return { buckets: [], bucketMs: minute };
  const minutes = Math.floor((last - first) / minute) + 1;
  const bucketMs = Math.max(1, Math.ceil(minutes / Math.max(1, maxBuckets))) * minute;
  const buckets: TimeBucket[] = [];
  for (let start = first; start <= last; start += bucketMs) buckets.push({ start, end: start + bucketMs, value: 0 });
  for (const [time, count] of perMinute) {
    const bucket = buckets[Math.floor((time - first) / bucketMs)];
    if (bucket) bucket.value += count;
  }
  return { buckets, bucketMs };
}

/** Bucket widths for sessions open over time: finer than a minute only for short logs. */
const openSteps = [second, 2 * second, 5 * second, 10 * second, 15 * second, 30 * second, minute];

/**
 * The bucket width for sessions open over a span: a minute, widened to whole minutes when that
 * would make more than `maxBuckets`; for a log shorter than ten minutes (fewer than ten
 * per-minute bars) the smallest of 1–30 s that gives at most 120 buckets.
 */
export function openBucketMs(span: number, maxBuckets: number): number {
  if (span < 10 * minute) return openSteps.find((s) => span / s <= 120) ?? minute;
  return Math.max(1, Math.ceil(span / minute / Math.max(1, maxBuckets))) * minute;
}

/**
 * Sessions open at any moment of each bucket from `start` to just before `end`: a session
 * counts in every bucket its connect-to-end span touches. A session still open at the end of
 * the log counts up to `end`; one without an end time counts only where it started. Sessions
 * without a start time are left out.
 */
export function sessionsOpenPerBucket(sessions: Iterable<SessionSpan>, start: number, end: number, bucketMs: number): TimeBucket[] {
  const origin = Math.floor(start / bucketMs) * bucketMs;
  const count = Math.max(1, Math.ceil((end - origin) / bucketMs));
  const delta = new Array<number>(count + 1).fill(0);
  const index = (t: number): number => Math.min(count - 1, Math.max(0, Math.floor((t - origin) / bucketMs)));
  for (const s of sessions) {
    if (s.start === null) continue;
    const to = s.end ?? (s.endReason === 'open' ? end : s.start);
    const i = index(s.start);
    const j = index(Math.max(s.start, to));
    delta[i] = (delta[i] ?? 0) + 1;
    delta[j + 1] = (delta[j + 1] ?? 0) - 1;
  }
  const buckets: TimeBucket[] = [];
  let open = 0;
  for (let i = 0; i < count; i++) {
    open += delta[i] ?? 0;
    buckets.push({ start: origin + i * bucketMs, end: origin + (i + 1) * bucketMs, value: open });
  }
  return buckets;
}

/** Upper bounds (ms, inclusive) of the latency classes; a last class takes everything above. */
const latencyBounds = [0, 10, 100, 1000, 5000, 30_000, 300_000] as const;
/** The same for times stamped to the whole second, which cannot tell 0 ms from 999 ms: the same second, the next, then as above. */
const wholeSecondBounds = [0, 1000, 5000, 30_000, 300_000] as const;

/** One latency class with its flow counts per QoS. */
export interface LatencyClass {
  /** Inclusive upper bound in ms; null for the open-ended last class. */
  upTo: number | null;
  /** What it holds: `0 ms`, `≤ 10 ms`, `> 5 min`; at whole seconds `<1 s` (the same second) and `1 s`. */
  label: string;
  qos1: number;
  qos2: number;
}

/** Completed flows counted into latency classes per QoS, from the correlation's distribution. */
export function latencyHistogram(c: Correlation): { classes: LatencyClass[]; timed: number } {
  const bounds = c.wholeSeconds ? wholeSecondBounds : latencyBounds;
  const classes: LatencyClass[] = [...bounds, null].map((upTo, i) => ({ upTo, label: latencyClassLabel(upTo, bounds[i - 1] ?? 0, c.wholeSeconds), qos1: 0, qos2: 0 }));
  let timed = 0;
  for (const q of ['qos1', 'qos2'] as const) {
    for (const [ms, n] of c.latencyDistribution[q]) {
      const found = classes.find((k) => k.upTo === null || ms <= k.upTo);
      if (!found) continue;
      found[q] += n;
      timed += n;
    }
  }
  return { classes, timed };
}

/** Short durations for latency class labels. */
function shortDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  return `${ms / 60_000} min`;
}

/** A latency class's label, from its bound and the one below it. */
function latencyClassLabel(upTo: number | null, below: number, wholeSeconds: boolean): string {
  if (upTo === 0) return wholeSeconds ? '<1 s' : '0 ms';
  if (upTo === 1000 && wholeSeconds) return '1 s';
  if (upTo === null) return `> ${shortDuration(below)}`;
  return `≤ ${shortDuration(upTo)}`;
}
