/**
 * What each topic line of a SUBSCRIBE asked for, remembered until the correlator judges its
 * filter (`subscription-granted` or `subscription-denied`), which may come much later: at the
 * SUBACK, or in a run of the broker without grant lines, at the log's end.
 */
import type { Where } from '../parse/index.js';

/** Topic lines a generation holds: once the newer holds this many, the older ones count as granted. */
const filtersKept = 100_000;

/** Values by their topic line, in two generations: when the newer is full, the older is judged granted. */
export class UnjudgedFilters<T> {
  private newer = new Map<string, T>();
  private older = new Map<string, T>();

  /** `judged` is called once for each value remembered, when its filter is judged or taken as granted. */
  constructor(private readonly judged: (value: T, denied: boolean) => void, private readonly kept = filtersKept) {}

  /** Remembers the value of the topic line at `at`. */
  remember(at: Where, value: T): void {
    if (this.newer.size >= this.kept) {
      const older = this.older;
      this.older = this.newer;
      this.newer = new Map();
      for (const value of older.values()) this.judged(value, false);
    }
    this.newer.set(lineKey(at), value);
  }

  /** The filter of the topic line at `at` was judged, unless it is not remembered. */
  judge(at: Where, denied: boolean): void {
    const key = lineKey(at);
    const value = this.newer.get(key) ?? this.older.get(key);
    if (value === undefined) return;
    this.newer.delete(key);
    this.older.delete(key);
    this.judged(value, denied);
  }
}

function lineKey(at: Where): string {
  return `${at.file}:${at.line}`;
}
