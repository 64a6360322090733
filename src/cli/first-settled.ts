/**
 * The first items of a listing held while the log is read, for a table or Markdown, which lay
 * out their columns from every item they list: the items in the order they started, at most a
 * limit of them, and a count of those wanted past it, which a warning gives.
 */
import { formatCount } from '../report/index.js';
import type { Io } from './io.js';

/** What a table or Markdown lists at most, for the warning on what it left out. */
export interface ListLimit {
  limit: number;
  /** The items, one and many: `flow`, `flows`. */
  item: string;
  items: string;
  /** The options that narrow the listing. */
  narrowedBy: string;
}

/** Says on stderr how many items a table or Markdown (`format`) left out past its limit. */
export function warnLeftOut(list: ListLimit, format: string, omitted: number, io: Pick<Io, 'stderr'>): void {
  if (omitted === 0) return;
  io.stderr.write(`mosqlog: warning: the ${format === 'markdown' ? 'Markdown' : 'table'} lists the first ${formatCount(list.limit)} ${list.items}; ${formatCount(omitted)} more were left out (--format ndjson lists every ${list.item}; ${list.narrowedBy} narrow the list)\n`);
}

/** An item held from its start while it may be among the first listed; `wanted` once it settled. */
interface Candidate<T> {
  item: T;
  wanted: boolean | null;
}

/**
 * The first `limit` items `wanted` keeps, in the order they started. Whether an item is wanted is
 * known when it settles (a window its end reaches, say), so each item is held from its start until
 * it settles not wanted. Once `limit` items have settled wanted, an item that starts later comes
 * after them all: it is counted if wanted, not held.
 */
export class FirstSettled<T> {
  private held: Array<Candidate<T>> = [];
  private readonly open = new Map<T, Candidate<T>>();
  /** Held items that settled not wanted, let go of when they are most of those held. */
  private dropped = 0;
  private settledWanted = 0;
  /** Items started once the first were known, until they settle. */
  private readonly later = new Set<T>();
  private laterWanted = 0;

  constructor(private readonly limit: number, private readonly wanted: (item: T) => boolean) {}

  started(item: T): void {
    if (this.settledWanted >= this.limit) {
      this.later.add(item);
      return;
    }
    const candidate: Candidate<T> = { item, wanted: null };
    this.held.push(candidate);
    this.open.set(item, candidate);
  }

  settled(item: T): void {
    if (this.later.delete(item)) {
      if (this.wanted(item)) this.laterWanted++;
      return;
    }
    const candidate = this.open.get(item);
    if (candidate === undefined) return;
    this.open.delete(item);
    candidate.wanted = this.wanted(item);
    if (candidate.wanted) this.settledWanted++;
    else if (++this.dropped > 1024 && this.dropped * 2 > this.held.length) {
      this.held = this.held.filter((c) => c.wanted !== false);
      this.dropped = 0;
    }
  }

  /** Once the log is read: the items listed, and how many more were wanted. */
  finish(): { items: T[]; omitted: number } {
    const wanted = this.held.filter((c) => c.wanted ?? this.wanted(c.item)).map((c) => c.item);
    return { items: wanted.slice(0, this.limit), omitted: Math.max(0, wanted.length - this.limit) + this.laterWanted };
  }
}
