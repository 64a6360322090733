/**
 * Taking the oldest entries of a Map (or a Set) one at a time, as eviction does.
 */

/**
 * Walks a Map in insertion order with one live iterator. Evicting by `map.keys().next()` costs
 * a scan over every entry deleted since the Map was last compacted; at a full `--max-open` cap
 * that made each eviction cost thousands of steps. A live iterator skips each deleted entry
 * once (Map iteration sees deletions and later insertions), so every step is O(1) amortised.
 *
 * The walk's entry is the oldest one while the caller deletes each entry it moves past, which is
 * what eviction does. An entry held by {@link peek} may since have been deleted: check it.
 */
export class OldestFirst<K, V> {
  private cursor: Iterator<[K, V]> | null = null;
  private current: [K, V] | undefined;

  /** `map` may be a Set, whose entries are each value twice. */
  constructor(private readonly map: { entries(): Iterator<[K, V]> }) {}

  /** The entry the walk is at, kept until {@link next}; undefined when the Map is empty. */
  peek(): [K, V] | undefined {
    if (this.current === undefined) {
      this.cursor ??= this.map.entries();
      let step = this.cursor.next();
      if (step.done) {
        // A finished iterator stays finished: entries added since need a fresh one.
        this.cursor = this.map.entries();
        step = this.cursor.next();
      }
      this.current = step.done ? undefined : step.value;
    }
    return this.current;
  }

  /** The entry the walk is at, moving past it. */
  next(): [K, V] | undefined {
    const entry = this.peek();
    this.current = undefined;
    return entry;
  }
}

/**
 * A Map that keeps its newest entries: setting a key makes it the newest, and once there are more
 * than `limit` the oldest goes, walked to with {@link OldestFirst} (each eviction O(1) amortised).
 */
export class NewestKept<K, V> {
  private readonly map = new Map<K, V>();
  private readonly oldest = new OldestFirst(this.map);

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** Sets `key` as the newest entry, letting the oldest go once there are more than the limit. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) this.map.delete((this.oldest.next() as [K, V])[0]);
  }
}
