/**
 * Taking the oldest entries of a Map one at a time, as eviction does.
 */

/** Sets `key` as the newest entry of `map`, letting the oldest go once it holds more than `limit`. */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}

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

  constructor(private readonly map: Map<K, V>) {}

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
