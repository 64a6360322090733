/**
 * QoS 1/2 flows waiting for their next step, oldest wait first, for a log that is followed: one
 * that waits too long while its client stays connected has stalled, which the log's end or the
 * session's would say only much later.
 */
import { OldestFirst } from './oldest-first.js';
import type { Flow } from './types.js';

/**
 * How long a flow may wait for its next step before it is said to have stalled. An
 * acknowledgement comes within a round trip; the broker does not send a message again while its
 * client stays connected, so one unanswered this long is not coming.
 */
export const stallAfterMs = 30_000;

export class StallWatch {
  /** Flows in flight by the time of their latest step, in the order of those steps. */
  private readonly waiting = new Map<Flow, number>();
  private readonly walk = new OldestFirst(this.waiting);

  /** A flow began, took a step or was sent again at `time`: it waits from then. */
  stepped(flow: Flow, time: number | null): void {
    this.waiting.delete(flow);
    if (time !== null) this.waiting.set(flow, time);
  }

  /** A flow finished: it waits for nothing. */
  ended(flow: Flow): void {
    this.waiting.delete(flow);
  }

  /** Flows in flight that have waited {@link stallAfterMs} by `now`, each with the time it waited since; each is given once per wait. */
  *overdue(now: number): Generator<{ flow: Flow; since: number }> {
    for (let entry = this.walk.peek(); entry !== undefined && entry[1] + stallAfterMs <= now; entry = this.walk.peek()) {
      this.walk.next();
      const [flow, since] = entry;
      // An entry the walk held may have been deleted or moved on since.
      if (this.waiting.get(flow) !== since) continue;
      this.waiting.delete(flow);
      if (flow.state === 'in-flight') yield { flow, since };
    }
  }
}
