/**
 * Taking the oldest entries of a Map one at a time, as eviction does.
 */

/**
 * Walks a Map in insertion order with one live iterator. Evicting by `map.keys().next()` costs
 * a scan over every entry deleted since the Map was last compacted; at a full `--max-open` cap
 * that made each eviction cost thousands of steps. A live iterator skips each deleted entry
 * once (Map iteration sees deletions and later insertions), so every call is O(1) amortised.
 *
 * `next()` is the oldest entry only while the caller deletes each entry it is given, which is
 * what eviction does.
 */
export class OldestFirst<K, V> {
  private cursor: Iterator<[K, V]> | null = null;

  constructor(private readonly map: Map<K, V>) {}

  /** The next entry in insertion order, or undefined when the Map is empty. */
  next(): [K, V] | undefined {
    this.cursor ??= this.map.entries();
    let step = this.cursor.next();
    if (step.done) {
      // A finished iterator stays finished: entries added since need a fresh one.
      this.cursor = this.map.entries();
      step = this.cursor.next();
    }
    return step.done ? undefined : step.value;
  }
}
