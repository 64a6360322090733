/**
 * When a session changes no more, for a listing written while the log is read: once it ended,
 * nothing holds it unsettled (a guessed bridge, the broker's stop: `session-unsettled`), and each
 * filter its client asked for is judged, since those granted count in its `subscriptions` (a
 * run of the broker without grant lines may judge them much later, or at the log's end).
 */
import type { LogRecord } from '../parse/index.js';
import type { CorrelatorEvent, Session } from './types.js';
import { UnjudgedFilters } from './unjudged-filters.js';

/** Sees the correlator's events and the records, and says when each ended session is settled. */
export class SessionSettling {
  /** Sessions ended and not settled yet. */
  private readonly ended = new Set<Session>();
  private readonly unsettled = new Set<Session>();
  /** Filters asked for and not judged yet, by client. */
  private readonly unjudgedOf = new Map<string, number>();
  /** The client of each filter not judged yet. */
  private readonly filters = new UnjudgedFilters<string>((client) => this.judged(client));
  /** Ended sessions whose client's filters are still to be judged, by client. */
  private readonly waiting = new Map<string, Session[]>();

  /** Only the sessions of clients `wanted` accepts are settled (and their filters remembered). */
  constructor(private readonly settled: (session: Session) => void, private readonly wanted: (client: string) => boolean = () => true) {}

  onEvent(e: CorrelatorEvent): void {
    switch (e.kind) {
      case 'session-unsettled':
        if (this.wanted(e.session.client)) this.unsettled.add(e.session);
        return;
      case 'session-settled':
        this.unsettled.delete(e.session);
        this.settle(e.session);
        return;
      case 'session-end':
        if (!this.wanted(e.session.client)) return;
        this.ended.add(e.session);
        this.settle(e.session);
        return;
      case 'subscription-granted':
      case 'subscription-denied':
        this.filters.judge(e.at, false);
        return;
      default:
        return;
    }
  }

  /** Sees a record after the correlator has: a topic line asks for a filter, to be judged later. */
  onRecord(r: LogRecord): void {
    // A topic line that says `(denied)` was judged by the correlator as it read it.
    if (r.type !== 'subscription' || r.client === null || r.action !== 'subscribe' || r.level === 'subscribe' || r.denied || !this.wanted(r.client)) return;
    this.filters.remember(r, r.client);
    this.unjudgedOf.set(r.client, (this.unjudgedOf.get(r.client) ?? 0) + 1);
  }

  /** The log is read: every session ended is settled now. */
  finish(): void {
    const left = [...this.ended];
    this.ended.clear();
    this.waiting.clear();
    for (const session of left) this.settled(session);
  }

  /** Settles an ended session, unless something still holds it. */
  private settle(session: Session): void {
    if (!this.ended.has(session) || this.unsettled.has(session)) return;
    if (this.unjudgedOf.has(session.client)) {
      const waiting = this.waiting.get(session.client);
      if (waiting === undefined) this.waiting.set(session.client, [session]);
      else waiting.push(session);
      return;
    }
    this.ended.delete(session);
    this.settled(session);
  }

  /** One filter of the client was judged: its sessions waiting for it settle once all are. */
  private judged(client: string): void {
    const left = (this.unjudgedOf.get(client) ?? 1) - 1;
    if (left > 0) {
      this.unjudgedOf.set(client, left);
      return;
    }
    this.unjudgedOf.delete(client);
    const waiting = this.waiting.get(client) ?? [];
    this.waiting.delete(client);
    for (const session of waiting) this.settle(session);
  }
}
