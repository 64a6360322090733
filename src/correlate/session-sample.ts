/**
 * Sessions kept in part, for a listing of a log of any size: the HTML report draws and lists a
 * few thousand sessions at most, so of the sessions that ended in trouble and of the others it
 * needs the first and the latest few, whatever their number. What it counts of every session
 * (how it ended, when it was open) is kept compactly, in a few bytes each.
 */
import type { Selector } from './select.js';
import { type EndReason, type Session, endReasons, troubledEnds } from './types.js';

/** Of each kind (ended in trouble or not), the first this many and the latest this many are kept. */
export const sessionsSampled = 2000;

/** When a session was open: what a chart of sessions over time needs of it. */
export type SessionSpan = Pick<Session, 'start' | 'end' | 'endReason'>;

/** What the sessions of a log came to, all of them counted, when only some were kept. */
export interface SessionOverview {
  /** Sessions in all. */
  count: number;
  /** Of the sessions that ended in trouble and of the others, the first and the latest this many were kept. */
  sampled: number;
  byEnd: Partial<Record<EndReason, number>>;
  /** Every session's span, in the order they ended. */
  spans(): Iterable<SessionSpan>;
}

/** The first `cap` items, and the latest `cap` in a ring once past them. */
class FirstAndLatest<T> {
  private readonly first: T[] = [];
  private readonly latest: T[] = [];
  private oldest = 0;

  constructor(private readonly cap: number) {}

  add(item: T): void {
    if (this.first.length < this.cap) this.first.push(item);
    else if (this.latest.length < this.cap) this.latest.push(item);
    else {
      this.latest[this.oldest] = item;
      this.oldest = (this.oldest + 1) % this.cap;
    }
  }

  /** The items kept, in the order they came. */
  all(): T[] {
    return [...this.first, ...this.latest.slice(this.oldest), ...this.latest.slice(0, this.oldest)];
  }
}

/** Numbers in a typed array that grows as they come. */
class Column {
  private values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  at(i: number): number {
    return this.values[i] ?? Number.NaN;
  }
}

/** A time, or NaN for none. */
const timeOrNaN = (t: number | null): number => t ?? Number.NaN;
const timeOrNull = (t: number): number | null => (Number.isNaN(t) ? null : t);

/**
 * Fed each session as it ends (`session-end`), of those `wanted` accepts: keeps the first and the
 * latest {@link sessionsSampled} of those that ended in trouble and of the others, and the span
 * and end of every one. Its memory grows by about 24 bytes a session.
 */
export class SessionSample {
  private readonly troubled: FirstAndLatest<{ session: Session; seq: number }>;
  private readonly others: FirstAndLatest<{ session: Session; seq: number }>;
  private readonly starts = new Column();
  private readonly ends = new Column();
  private readonly reasons = new Column();

  constructor(private readonly wanted: (session: Session) => boolean = () => true, private readonly cap = sessionsSampled) {
    this.troubled = new FirstAndLatest(cap);
    this.others = new FirstAndLatest(cap);
  }

  /** A session ended (or was still open as the log ended). */
  add(session: Session): void {
    if (!this.wanted(session)) return;
    const kept = { session, seq: this.starts.length };
    (troubledEnds.has(session.endReason) ? this.troubled : this.others).add(kept);
    this.starts.push(timeOrNaN(session.start));
    this.ends.push(timeOrNaN(session.end));
    this.reasons.push(endReasons.indexOf(session.endReason));
  }

  /** The sessions kept that `s` selects, in the order they ended, and what all it selects came to. */
  result(s: Selector): { sessions: Session[]; overview: SessionOverview } {
    const sessions = [...this.troubled.all(), ...this.others.all()].sort((a, b) => a.seq - b.seq).map((k) => k.session).filter((x) => s.span(x.start, x.end));
    const selected: number[] = [];
    const byEnd: Partial<Record<EndReason, number>> = {};
    for (let i = 0; i < this.starts.length; i++) {
      if (!s.span(timeOrNull(this.starts.at(i)), timeOrNull(this.ends.at(i)))) continue;
      selected.push(i);
      const reason = endReasons[this.reasons.at(i)] ?? 'other';
      byEnd[reason] = (byEnd[reason] ?? 0) + 1;
    }
    const { starts, ends, reasons } = this;
    const overview: SessionOverview = {
      count: selected.length,
      sampled: this.cap,
      byEnd,
      *spans() {
        for (const i of selected) yield { start: timeOrNull(starts.at(i)), end: timeOrNull(ends.at(i)), endReason: endReasons[reasons.at(i)] ?? 'other' };
      },
    };
    return { sessions, overview };
  }
}
