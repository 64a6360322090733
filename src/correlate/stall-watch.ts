/**
 * QoS 1/2 flows waiting for their next step, oldest wait first, for a log that is followed: one
 * that waits too long while its client stays connected has stalled, which the log's end or the
 * session's would say only much later.
 */
import type { Flow } from './types.js';

/**
 * How long a flow may wait for its next step before it is said to have stalled. An
 * acknowledgement comes within a round trip; the broker does not send a message again while its
 * client stays connected, so one unanswered this long is not coming.
 */
export const stallAfterMs = 30_000;

/**
 * The waits are kept in a queue in the order they began, with a Map of each flow's current one.
 * A Map walked by a live iterator would do (as eviction walks), but its iterator waits on the
 * oldest flow for up to {@link stallAfterMs}, and V8 keeps every table a Map outgrows while an
 * iterator may still move on from it: in a busy followed log, the flows of those 30 s.
 */
export class StallWatch {
  /** Each flow in flight by the time of its latest step. */
  private readonly waiting = new Map<Flow, number>();
  /** Waits in the order they began, from {@link head} on; those a later step or an end made stale among them. */
  private queue: Array<{ flow: Flow; since: number }> = [];
  private head = 0;

  /** Waits held, stale ones included: in proportion to the flows in flight, whatever the log's rate. */
  get held(): number {
    return this.queue.length - this.head;
  }

  /** A flow began, took a step or was sent again at `time`: it waits from then. */
  stepped(flow: Flow, time: number | null): void {
    this.waiting.delete(flow);
    if (time === null) return;
    this.waiting.set(flow, time);
    this.queue.push({ flow, since: time });
    this.compact();
  }

  /** A flow finished: it waits for nothing. */
  ended(flow: Flow): void {
    this.waiting.delete(flow);
  }

  /** Flows in flight that have waited {@link stallAfterMs} by `now`, each with the time it waited since; each is given once per wait. */
  *overdue(now: number): Generator<{ flow: Flow; since: number }> {
    for (let entry = this.queue[this.head]; entry !== undefined && entry.since + stallAfterMs <= now; entry = this.queue[this.head]) {
      this.head++;
      // A wait a later step or an end made stale.
      if (this.waiting.get(entry.flow) !== entry.since) continue;
      this.waiting.delete(entry.flow);
      if (entry.flow.state === 'in-flight') yield entry;
    }
  }

  /** Drops the stale waits once they outnumber the live ones, and the waits passed. */
  private compact(): void {
    if (this.held > 2 * this.waiting.size + compactAfter) {
      this.queue = Array.from(this.waiting, ([flow, since]) => ({ flow, since }));
      this.head = 0;
    } else if (this.head > compactAfter && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

/** Stale or passed waits kept before the queue is compacted: compacting costs as much as the waits held. */
const compactAfter = 1024;
