/**
 * Running totals for a live view (`mosqlog follow`): what has been seen since following began,
 * what is open now, and rates over the last seconds of wall time. Fed the same records and
 * correlator events as the printer; bounded memory however long it runs.
 */
import type { LogRecord } from '../parse/index.js';
import type { CorrelatorEvent, EndReason, Finding, FindingCode, Flow, Session } from './types.js';

/** A finding as the live view keeps it, with the wall time it was seen. */
export interface RecentFinding {
  finding: Finding;
  seenAt: number;
}

/** The state of a follow at one moment. */
export interface LiveSnapshot {
  /** Wall-clock milliseconds since `follow` started, reading history included. */
  elapsedMs: number;
  /** Lines read since following began. */
  lines: number;
  /** Lines read from the history before that (fed to the correlator, not shown). */
  historyLines: number;
  sessionsStarted: number;
  sessionsEnded: number;
  endReasons: Partial<Record<EndReason, number>>;
  /** Sessions open now, including those begun in the history. */
  sessionsOpen: number;
  /** QoS 1/2 flows waiting for their next acknowledgement now. */
  flowsInFlight: number;
  /** Flows said to have stalled since following began (`flow-stalled` events). */
  flowsStalled: number;
  /** Connections that did not become sessions. */
  failedConnections: number;
  findings: Partial<Record<FindingCode, number>>;
  /** Per second, over the last {@link rateWindowSeconds} seconds of wall time. */
  rates: { lines: number; messages: number; connects: number };
  /** Newest last. */
  recent: RecentFinding[];
  /** Log time of the newest timed record. */
  lastLogTime: number | null;
}

/** Seconds of wall time the rates are averaged over. */
const rateWindowSeconds = 10;

const recentLimit = 8;

interface Bucket {
  second: number;
  lines: number;
  messages: number;
  connects: number;
}

/** Folds records and events into a {@link LiveSnapshot}. */
export class LiveStats {
  private live = false;
  /** When the live phase began: rates are averaged from there. */
  private startedAt = 0;
  private now = 0;
  private lines = 0;
  private historyLines = 0;
  private sessionsStarted = 0;
  private sessionsEnded = 0;
  private failedConnections = 0;
  private flowsStalled = 0;
  private lastLogTime: number | null = null;
  private readonly endReasons: Partial<Record<EndReason, number>> = {};
  private readonly findings: Partial<Record<FindingCode, number>> = {};
  private readonly open = new Map<string, Session>();
  /** Flows the correlator started; those no longer in flight are pruned now and then. */
  private readonly flows = new Set<Flow>();
  private pruneAt = 1024;
  private readonly buckets: Bucket[] = Array.from({ length: rateWindowSeconds }, () => ({ second: -1, lines: 0, messages: 0, connects: 0 }));
  private readonly recent: RecentFinding[] = [];

  /** `createdAt` (epoch ms): when following began, history included. */
  constructor(private readonly createdAt: number) {}

  /** Sets the wall clock (epoch ms) for what follows; call once per batch. */
  tick(now: number): void {
    this.now = now;
  }

  /** Following proper begins: from here on lines and events count as seen. */
  beginLive(now: number): void {
    if (this.live) return;
    this.live = true;
    this.startedAt = now;
    this.now = now;
  }

  /** Counts one record (any order relative to the correlator). */
  onRecord(r: LogRecord): void {
    if (r.time !== null) this.lastLogTime = r.time;
    if (!this.live) {
      this.historyLines++;
    } else {
      this.lines++;
      const bucket = this.bucket();
      bucket.lines++;
      if (r.type === 'client-connected') bucket.connects++;
      else if (r.type === 'packet' && r.cmd === 'publish' && r.direction === 'in') bucket.messages++;
    }
  }

  /**
   * Counts one correlator event, when `selected` (the selection keeps it); a session that ends
   * stops being open whether or not its end is selected.
   */
  onEvent(e: CorrelatorEvent, selected = true): void {
    if (e.kind === 'session-end' && this.open.get(e.session.client) === e.session) this.open.delete(e.session.client);
    if (!selected) return;
    switch (e.kind) {
      case 'session-start':
        this.open.set(e.session.client, e.session);
        if (this.live) this.sessionsStarted++;
        return;
      case 'session-end':
        if (!this.live) return;
        this.sessionsEnded++;
        this.endReasons[e.session.endReason] = (this.endReasons[e.session.endReason] ?? 0) + 1;
        return;
      case 'attempt':
        if (this.live) this.failedConnections++;
        return;
      case 'flow-start':
        this.flows.add(e.flow);
        this.pruneFlows(false);
        return;
      case 'flow-stalled':
        if (this.live) this.flowsStalled++;
        return;
      case 'finding':
        if (this.live) this.findings[e.finding.code] = (this.findings[e.finding.code] ?? 0) + 1;
        return;
    }
  }

  /** Keeps a finding for the "recent problems" list (the caller decides which are shown). */
  addRecent(finding: Finding): void {
    this.recent.push({ finding, seenAt: this.now });
    if (this.recent.length > recentLimit) this.recent.shift();
  }

  /** The totals now. Returns fresh objects; later records do not change them. */
  snapshot(now: number): LiveSnapshot {
    this.pruneFlows(true);
    const since = Math.floor(now / 1000) - rateWindowSeconds;
    const totals = { lines: 0, messages: 0, connects: 0 };
    for (const b of this.buckets) {
      if (b.second <= since) continue;
      totals.lines += b.lines;
      totals.messages += b.messages;
      totals.connects += b.connects;
    }
    const span = Math.min(rateWindowSeconds, Math.max(1, (now - this.startedAt) / 1000));
    return {
      elapsedMs: Math.max(0, now - this.createdAt),
      lines: this.lines,
      historyLines: this.historyLines,
      sessionsStarted: this.sessionsStarted,
      sessionsEnded: this.sessionsEnded,
      endReasons: { ...this.endReasons },
      sessionsOpen: this.open.size,
      flowsInFlight: this.flows.size,
      flowsStalled: this.flowsStalled,
      failedConnections: this.failedConnections,
      findings: { ...this.findings },
      rates: { lines: totals.lines / span, messages: totals.messages / span, connects: totals.connects / span },
      recent: [...this.recent],
      lastLogTime: this.lastLogTime,
    };
  }

  private bucket(): Bucket {
    const second = Math.floor(this.now / 1000);
    const b = this.buckets[second % rateWindowSeconds] as Bucket;
    if (b.second !== second) {
      b.second = second;
      b.lines = 0;
      b.messages = 0;
      b.connects = 0;
    }
    return b;
  }

  /** Forgets flows that are no longer in flight; amortised so each flow is looked at O(1) times. */
  private pruneFlows(force: boolean): void {
    if (!force && this.flows.size < this.pruneAt) return;
    for (const flow of this.flows) if (flow.state !== 'in-flight') this.flows.delete(flow);
    this.pruneAt = Math.max(1024, this.flows.size * 2);
  }

}
