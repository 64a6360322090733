/**
 * One client's flows in flight in one direction, by message id.
 */
import { OldestFirst } from './oldest-first.js';
import type { Flow } from './types.js';

/**
 * The flows a client has in flight in one direction. The Map behind it exists only while a flow
 * is in flight. V8 gives a Map a new, smaller table when a delete leaves it nearly empty, so a
 * Map kept for the client's whole life left one table behind per finished flow; those outlived
 * young-generation collection while the client was idle and piled up in the old generation,
 * where only a full collection frees them.
 */
export class FlowTable {
  private map: Map<number, Flow> | null = null;
  private walk: OldestFirst<number, Flow> | null = null;

  get size(): number {
    return this.map?.size ?? 0;
  }

  get(mid: number): Flow | undefined {
    return this.map?.get(mid);
  }

  set(mid: number, flow: Flow): void {
    (this.map ??= new Map()).set(mid, flow);
  }

  /** Forgets the flow with this id; the table lets go of its Map when it empties. */
  delete(mid: number): void {
    if (this.map === null || !this.map.delete(mid) || this.map.size > 0) return;
    this.map = null;
    this.walk = null;
  }

  /** The flows in flight, oldest first. */
  values(): Iterable<Flow> {
    return this.map?.values() ?? [];
  }

  /**
   * The oldest flow the eviction walk has not passed yet, moving past it. The caller gives it
   * up, so each call is O(1) amortised (see {@link OldestFirst}).
   */
  nextToEvict(): Flow | undefined {
    if (this.map === null) return undefined;
    this.walk ??= new OldestFirst(this.map);
    return this.walk.next()?.[1];
  }
}
