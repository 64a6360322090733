/**
 * Many clients losing their connections at once: sessions ended by a keepalive timeout or a socket
 * error, within a minute of each other, numbering at least half of the clients connected then.
 * Each end is a finding of its own; together they point at a cause the clients share, the network
 * or a broker that stalled, which no one of them shows.
 */
import type { Where } from '../parse/index.js';
import type { EndReason, MassDisconnectFinding } from './types.js';

/** Ends counted together: those within this time of the latest. */
export const massDisconnectWindowMs = 60_000;
/** Fewest clients that make a burst: fewer is too little to tell from chance. */
const fewestClients = 5;

/**
 * How the clients connected are known: every session since the broker started is in the log
 * (`started`); or the log began later, and they are the clients heard from since (`heard`).
 */
export type ConnectedKnown = 'started' | 'heard';

/** Ends that can be the network's or a stalled broker's, not the client's choice. */
const lostEnds: ReadonlySet<EndReason> = new Set<EndReason>(['timeout', 'socket-error']);

interface LostEnd {
  client: string;
  reason: EndReason;
  time: number;
  at: Where;
}

interface Burst {
  first: LostEnd;
  last: LostEnd;
  clients: Set<string>;
  byEndReason: Partial<Record<EndReason, number>>;
  /** Clients connected as it began: those that ended in the window and those still connected. */
  connected: number;
  known: ConnectedKnown;
}

/** Fed each session end in log order by the correlator; reports each burst once, when it is over. */
export class MassDisconnectWatch {
  /** The lost ends of the last {@link massDisconnectWindowMs}, oldest first, from `head`. */
  private window: LostEnd[] = [];
  private head = 0;
  private burst: Burst | null = null;

  constructor(private readonly report: (finding: MassDisconnectFinding) => void) {}

  /**
   * A session ended; `open` clients are still connected after it, as far as `known` says; null when
   * the log cannot tell a share of the broker's clients.
   */
  ended(client: string, reason: EndReason, time: number | null, at: Where, open: number, known: ConnectedKnown | null): void {
    if (time === null || !lostEnds.has(reason)) return;
    this.settle(time);
    const end: LostEnd = { client, reason, time, at };
    if (this.burst !== null) {
      this.add(this.burst, end);
      return;
    }
    while (this.head < this.window.length && time - (this.window[this.head] as LostEnd).time > massDisconnectWindowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.window.length) {
      this.window = this.window.slice(this.head);
      this.head = 0;
    }
    this.window.push(end);
    const recent = this.window.length - this.head;
    // Fewer ends than clients still connected cannot be half of them: the window is not walked.
    if (known === null || recent < fewestClients || recent < open) return;
    const first = this.window[this.head] as LostEnd;
    const burst: Burst = { first, last: first, clients: new Set(), byEndReason: {}, connected: 0, known };
    for (let i = this.head; i < this.window.length; i++) this.add(burst, this.window[i] as LostEnd);
    // At least half of the clients connected when the window began: those lost in it, and those still connected.
    if (burst.clients.size < fewestClients || burst.clients.size < open) return;
    burst.connected = burst.clients.size + open;
    this.burst = burst;
    this.window = [];
    this.head = 0;
  }

  /** The log's time went on to `time`: a burst with no lost end for a window is over, and said. */
  settle(time: number): void {
    if (this.burst !== null && time - this.burst.last.time > massDisconnectWindowMs) this.finish();
  }

  /** Says a burst still under way (the log ended). */
  finish(): void {
    const b = this.burst;
    if (b === null) return;
    this.burst = null;
    this.report({
      code: 'mass-disconnect', severity: 'warning', client: null, time: b.first.time, at: b.first === b.last ? [b.first.at] : [b.first.at, b.last.at],
      clients: b.clients.size, connected: Math.max(b.connected, b.clients.size), byEndReason: b.byEndReason, spanMs: b.last.time - b.first.time,
      ...(b.known === 'heard' ? { connectedHeard: true as const } : {}),
    });
  }

  private add(burst: Burst, end: LostEnd): void {
    burst.last = end;
    burst.clients.add(end.client);
    burst.byEndReason[end.reason] = (burst.byEndReason[end.reason] ?? 0) + 1;
  }
}
