/**
 * Per-client timelines: what happened to the selected clients, in order — connects, subscriptions,
 * messages (each QoS 1/2 flow as one entry), collapsed pings, silent gaps longer than the
 * keepalive, findings and how each session ended. Fed the same records and correlator events
 * as the correlator; keeps entries only for the selected clients.
 */
import type { DropRecord, LogRecord, PacketRecord, Qos, Where } from '../parse/index.js';
import { ackedDirection, isAck } from './flows.js';
import { type Selector, findingAbout, flowInWindow } from './select.js';
import type { ConnectionAttempt, CorrelatorEvent, EndReason, Finding, FindingCode, Flow, Session } from './types.js';

interface EntryBase {
  client: string;
  time: number | null;
  at: Where;
}

/** One thing in a client's life. */
export type TimelineEntry =
  | (EntryBase & { kind: 'connect'; session: Session })
  | (EntryBase & { kind: 'end'; session: Session })
  /** The end of a session begun before the log, which the log has no start of. */
  | (EntryBase & { kind: 'end-before-log'; reason: EndReason; detail?: string })
  /** A connection that never became a session; `client` is null when it was refused before it gave an id. */
  | (Omit<EntryBase, 'client'> & { kind: 'attempt'; client: string | null; attempt: ConnectionAttempt })
  | (EntryBase & { kind: 'subscribe' | 'unsubscribe'; filters: Array<{ filter: string; qos?: number; denied?: boolean }> })
  | (EntryBase & { kind: 'flow'; flow: Flow })
  /** A flow's PUBLISH sent again (`d1`; as a kept session resumed, in its new session), at its line. */
  | (EntryBase & { kind: 'resend'; flow: Flow })
  | (EntryBase & {
    kind: 'message'; direction: 'in' | 'out'; qos: Qos | null; topic: string | null; bytes: number | null; retain: boolean;
    /** Set when the broker did not pass the message on (ACL denial, size limit, bad topic). */
    outcome?: 'denied' | 'dropped' | 'rejected';
  })
  | (EntryBase & { kind: 'pings'; count: number; last: number | null })
  | (EntryBase & { kind: 'gap'; gapMs: number; keepalive: number })
  /** The broker expired the client's kept session (`Expiring client … due to timeout.`). */
  | (EntryBase & { kind: 'expired' })
  | (EntryBase & { kind: 'finding'; finding: Finding })
  | (EntryBase & { kind: 'packet'; packet: PacketRecord });

/** Topic lines whose filter is remembered for a denial found later. */
const filtersKept = 100_000;

/** Findings that say why a session ended, which its end entry says too. */
const sessionEndCodes: ReadonlySet<FindingCode> = new Set<FindingCode>(['keepalive-timeout', 'socket-error', 'protocol-error']);

/** Findings whose line is an entry of its own (a refused connection, a denied or dropped PUBLISH, a denied filter). */
const shownOnTheirOwn: ReadonlySet<FindingCode> = new Set<FindingCode>(['auth-failure', 'connection-refused', 'publish-denied', 'publish-too-large', 'subscribe-denied']);

/**
 * Builds timelines for the clients `wanted` accepts; `wanted(null)` says whether connections
 * refused before they gave an id are kept too.
 */
export class TimelineBuilder {
  private readonly entries: TimelineEntry[] = [];
  private readonly last = new Map<string, TimelineEntry>();
  /** Each client's latest delivery, when it was at QoS 0: a drop as too large that follows drops it. */
  private readonly lastDelivery = new Map<string, Extract<TimelineEntry, { kind: 'message' }>>();
  private readonly lastHeard = new Map<string, number>();
  private readonly keepalive = new Map<string, number>();
  /** Whether the log has shown a packet line yet: without them no silence can be measured. */
  private heardPackets = false;
  /** Clients whose SUBSCRIBE or UNSUBSCRIBE came in and whose topic lines start a new entry. */
  private readonly newRequest = new Set<string>();
  /**
   * Each client's SUBSCRIBE or UNSUBSCRIBE entry of its connection so far, which its next topic
   * lines join (other lines, such as a drop of messages, may come between).
   */
  private readonly lastRequest = new Map<string, TimelineEntry>();
  /** Entries begun by a SUBSCRIBE or UNSUBSCRIBE packet line: their topic lines join them whatever their time. */
  private readonly packetStarted = new WeakSet<TimelineEntry>();
  /**
   * The filter each recent topic line of a SUBSCRIBE asked for, by `file:line`: the correlator may
   * find it denied later. Two generations: when the newer is full, it becomes the older.
   */
  private filterAt = new Map<string, { denied?: boolean }>();
  /** Entries left out past the limit. */
  private left = 0;
  private olderFilterAt = new Map<string, { denied?: boolean }>();

  /**
   * `window` is the time window the timeline will be cut to, when it is known before the log is
   * read: no group of pings spans one of its ends, so each group is inside it or outside.
   */
  constructor(
    private readonly wanted: (client: string | null) => boolean,
    private readonly packets = false,
    private readonly limit = 1_000_000,
    private readonly window: { since: number | null; until: number | null } = { since: null, until: null },
  ) {}

  /** Whether times `a` and `b` lie on two sides of an end of the window. */
  private acrossWindowEnd(a: number | null, b: number | null): boolean {
    if (a === null || b === null) return false;
    const { since, until } = this.window;
    return (since !== null && (a < since) !== (b < since)) || (until !== null && (a <= until) !== (b <= until));
  }

  /** Sees a record (before or after the correlator; order among records is what matters). */
  onRecord(r: LogRecord): void {
    // A new connection's topic lines are its own requests.
    if (r.type === 'client-connected') this.lastRequest.delete(r.client);
    if (r.type === 'packet') this.onPacket(r);
    else if (r.type === 'messages-dropped') this.onDropped(r);
    else if (r.type === 'session-expiry' && this.wanted(r.client)) this.add({ kind: 'expired', client: r.client, time: r.time, at: where(r) });
    else if (r.type === 'subscription' && r.client !== null && this.wanted(r.client)) {
      const open = this.lastRequest.get(r.client);
      const kind = r.action;
      const filter = { filter: r.filter, ...(r.qos !== undefined ? { qos: r.qos } : {}), ...(r.denied ? { denied: true } : {}) };
      // The topic lines of one request are one entry: its packet line starts it, and without
      // packet lines, a new second or a filter asked for again at another QoS (in a debug log each
      // topic has two lines, which say the same).
      const sameRequest = open?.kind === kind && !this.newRequest.has(r.client) && (this.packetStarted.has(open) || open.time === r.time);
      const known = sameRequest ? open.filters.find((f) => f.filter === r.filter) : undefined;
      let shown: { denied?: boolean } = filter;
      if (sameRequest && (known === undefined || (known.qos === filter.qos && known.denied === filter.denied))) {
        if (known === undefined) open.filters.push(filter);
        else shown = known;
      } else {
        const entry: TimelineEntry = { kind, client: r.client, time: r.time, at: where(r), filters: [filter] };
        if (this.newRequest.delete(r.client)) this.packetStarted.add(entry);
        this.add(entry);
        this.lastRequest.set(r.client, entry);
      }
      if (kind === 'subscribe' && r.level !== 'subscribe') this.rememberFilter(r, shown);
    }
  }

  /** Remembers the filter a topic line asked for, the latest {@link filtersKept} of them at least. */
  private rememberFilter(at: Where, filter: { denied?: boolean }): void {
    if (this.filterAt.size >= filtersKept) {
      this.olderFilterAt = this.filterAt;
      this.filterAt = new Map();
    }
    this.filterAt.set(`${at.file}:${at.line}`, filter);
  }

  /** Sees a correlator event. */
  onEvent(e: CorrelatorEvent): void {
    switch (e.kind) {
      case 'session-start':
        if (!this.wanted(e.session.client)) return;
        this.keepalive.set(e.session.client, e.session.keepalive);
        if (e.session.start !== null) this.lastHeard.set(e.session.client, e.session.start);
        this.add({ kind: 'connect', client: e.session.client, time: e.session.start, at: e.session.startAt, session: e.session });
        return;
      case 'session-end': {
        if (!this.wanted(e.session.client) || e.session.endReason === 'open') return;
        const at = e.session.endAt ?? e.session.startAt;
        // The silence before a keepalive timeout is what explains it; a log without packet lines cannot show it.
        if (e.session.end !== null && this.heardPackets) this.gapUntil(e.session.client, e.session.end, at);
        this.add({ kind: 'end', client: e.session.client, time: e.session.end, at, session: e.session });
        this.keepalive.delete(e.session.client);
        return;
      }
      case 'ended-before-log': {
        if (!this.wanted(e.client)) return;
        if (e.time !== null && this.heardPackets) this.gapUntil(e.client, e.time, e.at);
        this.add({ kind: 'end-before-log', client: e.client, time: e.time, at: e.at, reason: e.reason, ...(e.detail !== undefined ? { detail: e.detail } : {}) });
        return;
      }
      case 'subscription-denied': {
        // Known at the request's SUBACK, or later: the filter its topic line asked for.
        const key = `${e.at.file}:${e.at.line}`;
        const filter = this.filterAt.get(key) ?? this.olderFilterAt.get(key);
        if (filter) filter.denied = true;
        return;
      }
      case 'attempt':
        if (!this.wanted(e.attempt.client)) return;
        this.add({ kind: 'attempt', client: e.attempt.client, time: e.attempt.time, at: e.attempt.at, attempt: e.attempt });
        return;
      case 'flow-start': {
        const first = e.flow.steps[0];
        if (!first || !this.wanted(e.flow.client)) return;
        this.add({ kind: 'flow', client: e.flow.client, time: first.time, at: first.at, flow: e.flow });
        return;
      }
      case 'flow-resent':
        if (this.wanted(e.flow.client)) this.add({ kind: 'resend', client: e.flow.client, time: e.time, at: e.at, flow: e.flow });
        return;
      case 'finding': {
        const f = e.finding;
        // Flow, refused-login and denied PUBLISH and SUBSCRIBE findings are shown on their own entries, and so
        // is the end of a session, begun in the log or before it.
        if (f.client === null || !this.wanted(f.client) || f.code.startsWith('flow-') || shownOnTheirOwn.has(f.code)) return;
        const at = f.at[0];
        if (at && !(sessionEndCodes.has(f.code) && this.endsSession(f.client, at))) this.add({ kind: 'finding', client: f.client, time: f.time, at, finding: f });
        return;
      }
    }
  }

  /** The entries, in log order; a silence where it began. */
  finish(): TimelineEntry[] {
    return this.entries;
  }

  /**
   * The broker found the client's latest delivery too large for it, and dropped it: at QoS 0 its
   * message entry says so (a QoS 1/2 flow says it itself).
   */
  private onDropped(r: DropRecord): void {
    const last = this.lastDelivery.get(r.client);
    if (r.packetBytes === undefined || last === undefined) return;
    this.lastDelivery.delete(r.client);
    if ((last.bytes ?? 0) < r.packetBytes) last.outcome = 'dropped';
  }

  private onPacket(r: PacketRecord): void {
    this.heardPackets = true;
    if (!this.wanted(r.client)) return;
    if (r.direction === 'in' && (r.cmd === 'subscribe' || r.cmd === 'unsubscribe')) this.newRequest.add(r.client);
    // Its SUBACK ends the request: lines after it join it only as lines without packets do.
    if (r.direction === 'out' && (r.cmd === 'suback' || r.cmd === 'unsuback')) {
      const request = this.lastRequest.get(r.client);
      if (request) this.packetStarted.delete(request);
    }
    if (r.direction === 'in' && r.time !== null) {
      this.gapUntil(r.client, r.time, where(r));
      this.lastHeard.set(r.client, r.time);
    }
    if (this.packets) {
      this.add({ kind: 'packet', client: r.client, time: r.time, at: where(r), packet: r });
      return;
    }
    if (r.cmd === 'pingreq' || r.cmd === 'pingresp') {
      const open = this.last.get(r.client);
      if (open?.kind === 'pings' && !this.acrossWindowEnd(open.time, r.time)) {
        if (r.cmd === 'pingreq') open.count++;
        open.last = r.time;
      } else if (r.cmd === 'pingreq') {
        this.add({ kind: 'pings', client: r.client, time: r.time, at: where(r), count: 1, last: r.time });
      }
      return;
    }
    if (r.cmd === 'publish' && r.direction === 'out') this.lastDelivery.delete(r.client);
    // A QoS 1/2 PUBLISH with a packet id is shown once, as the flow the correlator starts for it.
    if (r.cmd === 'publish' && !((r.qos === 1 || r.qos === 2) && r.mid !== undefined)) {
      const outcome = r.outcome === 'unknown-mid' ? undefined : r.outcome;
      const entry: TimelineEntry = {
        kind: 'message', client: r.client, time: r.time, at: where(r), direction: r.direction, qos: r.qos ?? null,
        topic: r.topic ?? null, bytes: r.payloadBytes ?? null, retain: r.retain === true, ...(outcome ? { outcome } : {}),
      };
      if (r.direction === 'out') this.lastDelivery.set(r.client, entry);
      this.add(entry);
    }
  }

  /** A gap entry when the client was silent for more than 1.5 keepalives before `time`. */
  private gapUntil(client: string, time: number, at: Where): void {
    const heard = this.lastHeard.get(client);
    const keepalive = this.keepalive.get(client);
    // A keepalive of 0 is none; a negative one (a damaged line) would make every step back in time a gap.
    if (heard !== undefined && keepalive !== undefined && keepalive > 0 && time - heard > keepalive * 1500) {
      this.addSince({ kind: 'gap', client, time: heard, at, gapMs: time - heard, keepalive });
    }
  }

  /**
   * Adds an entry known only later (a silence, once it ends) where its time puts it: after the
   * client's last entry no later than it, so that what was sent to it meanwhile follows it.
   * Those later entries stay the client's last.
   */
  private addSince(entry: TimelineEntry & { time: number }): void {
    let i = this.entries.length;
    for (; i > 0; i--) {
      const e = this.entries[i - 1];
      if (e?.client === entry.client && (e.time === null || e.time <= entry.time)) break;
    }
    if (i === this.entries.length || i === 0) this.add(entry);
    else if (this.entries.length < this.limit) this.entries.splice(i, 0, entry);
    else this.left++;
  }

  /** Whether `at` is the line of the session end just shown for `client`. */
  private endsSession(client: string, at: Where): boolean {
    const last = this.last.get(client);
    return (last?.kind === 'end' || last?.kind === 'end-before-log') && last.at.line === at.line && last.at.file === at.file;
  }

  /** Entries past {@link limit} left out: the timeline holds the first ones. */
  get omitted(): number {
    return this.left;
  }

  private add(entry: TimelineEntry): void {
    if (entry.client !== null) this.last.set(entry.client, entry);
    if (this.outsideWindow(entry)) return;
    if (this.entries.length >= this.limit) this.left++;
    else this.entries.push(entry);
  }

  /**
   * Whether an entry of one moment lies outside the window known before reading, which
   * {@link selectTimeline} would leave out: it takes no room under the limit. A flow, a silence
   * and a group of pings span a time, which may still reach into the window.
   */
  private outsideWindow(entry: TimelineEntry): boolean {
    if (entry.kind === 'flow' || entry.kind === 'gap' || entry.kind === 'pings' || entry.time === null) return false;
    const { since, until } = this.window;
    return (since !== null && entry.time < since) || (until !== null && entry.time > until);
  }
}

function where(r: LogRecord): Where {
  return { file: r.file, line: r.line };
}

/**
 * The entries of a timeline inside a selection's window (a flow, a silence or a group of pings
 * that overlaps it) and about its topics: a flow, a message
 * or a PUBLISH (`--packets`) by its topic, a finding as `problems` selects it, an acknowledgement
 * when it answers a PUBLISH kept, a (un)subscription with its filters that share a topic with
 * those asked for. What is about no topic (connects, ends, pings) stays.
 */
export function selectTimeline(entries: readonly TimelineEntry[], s: Selector): TimelineEntry[] {
  /** PUBLISH packets kept, by direction, id and client, for their acknowledgements. */
  const kept = new Set<string>();
  const packetSelected = (r: PacketRecord): boolean => {
    if (r.cmd === 'publish') {
      const selected = s.topic(r.topic ?? null);
      if (r.mid !== undefined && r.qos !== undefined && r.qos > 0) {
        const key = `${r.direction} ${r.mid} ${r.client}`;
        if (selected) kept.add(key);
        else kept.delete(key);
      }
      return selected;
    }
    return isAck(r) ? kept.has(`${ackedDirection(r)} ${r.mid} ${r.client}`) : true;
  };
  const selected: TimelineEntry[] = [];
  for (const e of entries) {
    if (e.kind === 'flow') {
      if (flowInWindow(e.flow, s)) selected.push(e);
      continue;
    }
    // A silence, or a group of pings, that overlaps the window (a group is cut at its ends, when
    // they were known before the log was read).
    if (e.kind === 'gap' || e.kind === 'pings') {
      if (s.span(e.time, e.kind === 'gap' ? (e.time === null ? null : e.time + e.gapMs) : e.last)) selected.push(e);
      continue;
    }
    if (!s.time(e.time)) continue;
    switch (e.kind) {
      case 'message':
        if (s.topic(e.topic)) selected.push(e);
        break;
      case 'resend':
        if (s.topic(e.flow.topic)) selected.push(e);
        break;
      case 'finding':
        if (findingAbout(e.finding, s)) selected.push(e);
        break;
      case 'packet':
        if (packetSelected(e.packet)) selected.push(e);
        break;
      case 'subscribe':
      case 'unsubscribe': {
        // The filters that share a topic with those asked for, as `problems` keeps a denied one.
        const filters = e.filters.filter((f) => s.filter(f.filter));
        if (filters.length === e.filters.length) selected.push(e);
        else if (filters.length > 0) selected.push({ ...e, filters });
        break;
      }
      default:
        selected.push(e);
    }
  }
  return selected;
}
