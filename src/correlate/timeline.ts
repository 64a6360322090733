/**
 * Per-client timelines: what happened to the selected clients, in order — connects, subscriptions,
 * messages (each QoS 1/2 flow as one entry), collapsed pings, silent gaps longer than the
 * keepalive, findings and how each session ended. Fed the same records and correlator events
 * as the correlator; keeps entries only for the selected clients.
 */
import type { DropRecord, LogRecord, PacketRecord, Qos, Where } from '../parse/index.js';
import { ackedDirection, isAck } from './flows.js';
import { type Selector, findingAbout, flowInWindow } from './select.js';
import { SessionSettling } from './session-settling.js';
import type { ConnectionAttempt, CorrelatorEvent, EndReason, Finding, FindingCode, Flow, Session } from './types.js';
import { UnjudgedFilters } from './unjudged-filters.js';

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

/** Findings that say why a session ended, which its end entry says too. */
const sessionEndCodes: ReadonlySet<FindingCode> = new Set<FindingCode>(['keepalive-timeout', 'socket-error', 'protocol-error', 'dropped-by-broker']);

/** Findings whose line is an entry of its own (a refused connection, a denied or dropped PUBLISH, a denied filter). */
const shownOnTheirOwn: ReadonlySet<FindingCode> = new Set<FindingCode>(['auth-failure', 'connection-refused', 'publish-denied', 'publish-too-large', 'subscribe-denied']);

/**
 * Where a timeline's entries go, in order: each place is taken when an entry is made, and filled
 * once, when the entry will change no more, with it and the silences found to follow it.
 */
export interface TimelineSink<Place = unknown> {
  reserve(): Place;
  fill(place: Place, entries: readonly TimelineEntry[]): void;
}

/** A place in {@link TimelineList}; `counted` for one past the limit, whose entries are only counted. */
interface ListPlace {
  entries: readonly TimelineEntry[] | null;
  counted?: true;
}

/**
 * The entries in memory, in order: the first `limit` of them, with a count of those left out.
 * Entries filled behind a place not filled yet wait; once the entries kept and waiting reach the
 * limit, a place taken after them can only be past it, so its entries are counted, not held.
 */
export class TimelineList implements TimelineSink<ListPlace> {
  readonly entries: TimelineEntry[] = [];
  /** Entries past the limit left out. */
  omitted = 0;
  private waitingEntries = 0;
  private queue: ListPlace[] = [];
  private head = 0;

  constructor(private readonly limit: number) {}

  /** Entries in places filled and not yet released: they wait behind one not filled. */
  get waiting(): number {
    return this.waitingEntries;
  }

  reserve(): ListPlace {
    if (this.entries.length + this.waitingEntries >= this.limit) return { entries: null, counted: true };
    const place: ListPlace = { entries: null };
    this.queue.push(place);
    return place;
  }

  fill(place: ListPlace, entries: readonly TimelineEntry[]): void {
    if (place.counted) {
      this.omitted += entries.length;
      return;
    }
    place.entries = entries;
    this.waitingEntries += entries.length;
    for (let next = this.queue[this.head]; next !== undefined && next.entries !== null; next = this.queue[this.head]) {
      this.head++;
      this.waitingEntries -= next.entries.length;
      for (const e of next.entries) {
        if (this.entries.length < this.limit) this.entries.push(e);
        else this.omitted++;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * An entry whose place is not filled yet: while it may change (`open`), and while a silence of
 * its client may still be found to follow it (it is the client's latest entry, or the latest
 * no later than when the client was last heard from).
 */
interface Held {
  place: unknown;
  open: boolean;
  latest: boolean;
  anchor: boolean;
  /** Silences placed after it. */
  gaps: TimelineEntry[];
}

/** A client's latest entry with a place, and the latest no later than when it was last heard from. */
interface GapPlaces {
  latest: TimelineEntry | null;
  anchor: TimelineEntry | null;
}

/**
 * Builds timelines for the clients `wanted` accepts; `wanted(null)` says whether connections
 * refused before they gave an id are kept too. Entries go to a sink as they settle, in order;
 * without one they are kept in memory, up to `limit` ({@link finish}).
 */
export class TimelineBuilder {
  private readonly sink: TimelineSink;
  private readonly list: TimelineList | null;
  private readonly held = new Map<TimelineEntry, Held>();
  private readonly last = new Map<string, TimelineEntry>();
  /**
   * For each client a silence may still be found for: its latest entry with a place, and the
   * latest no later than when it was last heard from, which a silence found later follows.
   */
  private readonly gapPlaces = new Map<string, GapPlaces>();
  /** Each client's latest delivery, when it was at QoS 0: a drop as too large that follows drops it. */
  private readonly lastDelivery = new Map<string, Extract<TimelineEntry, { kind: 'message' }>>();
  private readonly lastHeard = new Map<string, number>();
  private readonly keepalive = new Map<string, number>();
  /** Whether the log has shown a packet line yet: without them no silence can be measured. */
  private heardPackets = false;
  /** Clients whose SUBSCRIBE or UNSUBSCRIBE came in and whose topic lines start a new entry. */
  private readonly newRequest = new Set<string>();
  /**
   * Each client's SUBSCRIBE or UNSUBSCRIBE entry that its next topic lines may still join (other
   * lines, such as a drop of messages, may come between): until another request, connection or
   * end of the client, or a line of a later time once its SUBACK is sent (or without packet lines).
   */
  private readonly lastRequest = new Map<string, Extract<TimelineEntry, { kind: 'subscribe' | 'unsubscribe' }>>();
  /** Entries begun by a SUBSCRIBE or UNSUBSCRIBE packet line: their topic lines join them whatever their time. */
  private readonly packetStarted = new WeakSet<TimelineEntry>();
  /**
   * The filter each topic line of a SUBSCRIBE asked for, and the request entry it is in, until
   * the correlator judges it: it may find it denied later.
   */
  private readonly filters = new UnjudgedFilters<{ filter: { denied?: boolean }; entry: TimelineEntry }>(({ filter, entry }, denied) => {
    if (denied) filter.denied = true;
    this.judged(entry);
  });
  /** Topic lines of each request entry still to be judged. */
  private readonly unjudged = new Map<TimelineEntry, number>();
  /** Says when a session changes no more, which its connect and end entries show as it is. */
  private readonly settling = new SessionSettling((session) => this.sessionSettled(session), (client) => this.wanted(client));
  /** The connect and end entries of each session not settled yet. */
  private readonly sessionEntries = new Map<Session, Array<Extract<TimelineEntry, { kind: 'connect' | 'end' }>>>();
  /** Attempts added while the record that made them is handled: one may yet be guessed, then put right. */
  private freshAttempts: Array<Extract<TimelineEntry, { kind: 'attempt' }>> = [];
  /** Entries of attempts whose connection is a guess a later line may put right. */
  private readonly guessedAttempts = new Map<ConnectionAttempt, TimelineEntry | null>();
  /** Entries of findings that may still change after their event (a run of takeovers), once made. */
  private readonly changingFindings = new Map<Finding, TimelineEntry | null>();
  /** Each flow's entries, which show it as it is until it settles. */
  private readonly flowEntries = new Map<Flow, TimelineEntry[]>();
  private readonly settledFlows = new WeakSet<Flow>();

  /**
   * `window` is the time window the timeline will be cut to, when it is known before the log is
   * read: no group of pings spans one of its ends, so each group is inside it or outside.
   */
  constructor(
    private readonly wanted: (client: string | null) => boolean,
    private readonly packets = false,
    limit = 1_000_000,
    private readonly window: { since: number | null; until: number | null } = { since: null, until: null },
    sink: TimelineSink | null = null,
  ) {
    this.list = sink === null ? new TimelineList(limit) : null;
    this.sink = sink ?? (this.list as TimelineList);
  }

  /** Whether times `a` and `b` lie on two sides of an end of the window. */
  private acrossWindowEnd(a: number | null, b: number | null): boolean {
    if (a === null || b === null) return false;
    const { since, until } = this.window;
    return (since !== null && (a < since) !== (b < since)) || (until !== null && (a <= until) !== (b <= until));
  }

  /** Sees a record, after the correlator has. */
  onRecord(r: LogRecord): void {
    // The correlator has handled the record: an attempt it made is a guess now or never.
    if (this.freshAttempts.length > 0) this.settleFreshAttempts();
    if (this.lastRequest.size > 0 && r.time !== null) this.closeRequestsBefore(r.time);
    // A new connection's topic lines are its own requests.
    if (r.type === 'client-connected') this.closeRequest(r.client);
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
      let entry: TimelineEntry;
      if (sameRequest && (known === undefined || (known.qos === filter.qos && known.denied === filter.denied))) {
        entry = open;
        if (known === undefined) open.filters.push(filter);
        else shown = known;
      } else {
        this.closeRequest(r.client);
        const request: TimelineEntry = { kind, client: r.client, time: r.time, at: where(r), filters: [filter] };
        if (this.newRequest.delete(r.client)) this.packetStarted.add(request);
        this.lastRequest.set(r.client, request);
        this.add(request);
        entry = request;
      }
      // A topic line that says `(denied)` was judged by the correlator as it read it.
      if (kind === 'subscribe' && r.level !== 'subscribe' && !r.denied) this.rememberFilter(r, shown, entry);
    }
    this.settling.onRecord(r);
  }

  /** Remembers the filter a topic line asked for until it is judged. */
  private rememberFilter(at: Where, filter: { denied?: boolean }, entry: TimelineEntry): void {
    this.filters.remember(at, { filter, entry });
    this.unjudged.set(entry, (this.unjudged.get(entry) ?? 0) + 1);
  }

  /** One topic line of a request entry was judged: the entry is settled once all are, and it takes no more. */
  private judged(entry: TimelineEntry): void {
    const left = (this.unjudged.get(entry) ?? 1) - 1;
    if (left > 0) this.unjudged.set(entry, left);
    else this.unjudged.delete(entry);
    this.settleRequest(entry);
  }

  /** A session changes no more: its connect and end entries are settled. */
  private sessionSettled(session: Session): void {
    const entries = this.sessionEntries.get(session);
    this.sessionEntries.delete(session);
    for (const entry of entries ?? []) this.settle(entry);
  }

  /** The client's request entry takes no more topic lines. */
  private closeRequest(client: string): void {
    const request = this.lastRequest.get(client);
    if (request === undefined) return;
    this.lastRequest.delete(client);
    this.settleRequest(request);
  }

  /** Requests whose SUBACK was sent (or had no packet line) take no lines of a time other than theirs. */
  private closeRequestsBefore(time: number): void {
    for (const request of this.lastRequest.values()) {
      if (!this.packetStarted.has(request) && request.time !== time) this.closeRequest(request.client);
    }
  }

  private settleRequest(entry: TimelineEntry): void {
    if (!this.unjudged.has(entry) && this.lastRequest.get(entry.client as string) !== entry) this.settle(entry);
  }

  private settleFreshAttempts(): void {
    for (const entry of this.freshAttempts) {
      if (this.guessedAttempts.has(entry.attempt)) this.guessedAttempts.set(entry.attempt, entry);
      else this.settle(entry);
    }
    this.freshAttempts = [];
  }

  /** Sees a correlator event. */
  onEvent(e: CorrelatorEvent): void {
    this.addFor(e);
    // Once its entries are in: a session that ends settled settles them at once.
    this.settling.onEvent(e);
  }

  /** The entries a correlator event makes or settles. */
  private addFor(e: CorrelatorEvent): void {
    switch (e.kind) {
      case 'session-start':
        if (!this.wanted(e.session.client)) return;
        // A keepalive the log does not give is taken for none: no silence is judged against it.
        this.keepalive.set(e.session.client, e.session.keepalive ?? 0);
        if (e.session.start !== null) this.lastHeard.set(e.session.client, e.session.start);
        this.setDelivery(e.session.client, undefined);
        this.add({ kind: 'connect', client: e.session.client, time: e.session.start, at: e.session.startAt, session: e.session });
        return;
      case 'session-end': {
        const client = e.session.client;
        if (!this.wanted(client) || e.session.endReason === 'open') return;
        const at = e.session.endAt ?? e.session.startAt;
        // The silence before a keepalive timeout is what explains it; a log without packet lines cannot show it.
        if (e.session.end !== null && this.heardPackets) this.gapUntil(client, e.session.end, at);
        this.add({ kind: 'end', client, time: e.session.end, at, session: e.session });
        this.keepalive.delete(client);
        this.noMoreGaps(client);
        this.setDelivery(client, undefined);
        this.closeRequest(client);
        return;
      }
      case 'ended-before-log': {
        if (!this.wanted(e.client)) return;
        if (e.time !== null && this.heardPackets) this.gapUntil(e.client, e.time, e.at);
        this.add({ kind: 'end-before-log', client: e.client, time: e.time, at: e.at, reason: e.reason, ...(e.detail !== undefined ? { detail: e.detail } : {}) });
        return;
      }
      case 'subscription-denied':
        // Known at the request's SUBACK, or later: the filter its topic line asked for (marked
        // before its entry, judged, may be written).
        this.filters.judge(e.at, true);
        return;
      case 'subscription-granted':
        this.filters.judge(e.at, false);
        return;
      case 'attempt':
        if (!this.wanted(e.attempt.client)) return;
        this.add({ kind: 'attempt', client: e.attempt.client, time: e.attempt.time, at: e.attempt.at, attempt: e.attempt });
        return;
      case 'attempt-guessed':
        this.guessedAttempts.set(e.attempt, null);
        return;
      case 'attempt-settled': {
        const entry = this.guessedAttempts.get(e.attempt);
        this.guessedAttempts.delete(e.attempt);
        if (entry) this.settle(entry);
        return;
      }
      case 'finding-settled': {
        const entry = this.changingFindings.get(e.finding);
        this.changingFindings.delete(e.finding);
        if (entry) this.settle(entry);
        return;
      }
      case 'flow-start': {
        const first = e.flow.steps[0];
        if (!first || !this.wanted(e.flow.client)) return;
        this.add({ kind: 'flow', client: e.flow.client, time: first.time, at: first.at, flow: e.flow });
        return;
      }
      case 'flow-resent':
        if (this.wanted(e.flow.client)) this.add({ kind: 'resend', client: e.flow.client, time: e.time, at: e.at, flow: e.flow });
        return;
      case 'flow-settled': {
        // Only a selected client's flows have entries, now or later (the PUBLISH sent again).
        if (!this.wanted(e.flow.client)) return;
        const entries = this.flowEntries.get(e.flow);
        this.flowEntries.delete(e.flow);
        this.settledFlows.add(e.flow);
        for (const entry of entries ?? []) this.settle(entry);
        return;
      }
      case 'finding': {
        const f = e.finding;
        // Its entry waits for it to settle.
        if (e.open) this.changingFindings.set(f, null);
        // Flow, refused-login and denied PUBLISH and SUBSCRIBE findings are shown on their own entries, and so
        // is the end of a session, begun in the log or before it.
        if (f.client === null || !this.wanted(f.client) || f.code.startsWith('flow-') || shownOnTheirOwn.has(f.code)) return;
        const at = f.at[0];
        if (at && !(sessionEndCodes.has(f.code) && this.endsSession(f.client, at))) this.add({ kind: 'finding', client: f.client, time: f.time, at, finding: f });
        return;
      }
    }
  }

  /**
   * Fills every place left, the log being over; returns the entries kept in memory, in log order
   * (a silence where it began), or none when they went to a sink.
   */
  finish(): TimelineEntry[] {
    this.settling.finish();
    for (const [entry, held] of [...this.held]) {
      held.open = false;
      held.latest = false;
      held.anchor = false;
      this.fillIfDone(entry, held);
    }
    this.gapPlaces.clear();
    return this.list?.entries ?? [];
  }

  /**
   * The broker found the client's latest delivery too large for it, and dropped it: at QoS 0 its
   * message entry says so (a QoS 1/2 flow says it itself).
   */
  private onDropped(r: DropRecord): void {
    const last = this.lastDelivery.get(r.client);
    if (r.packetBytes === undefined || last === undefined) return;
    if ((last.bytes ?? 0) < r.packetBytes) last.outcome = 'dropped';
    this.setDelivery(r.client, undefined);
  }

  /** The client's latest QoS 0 delivery, which a drop may still be found for; the one before is settled. */
  private setDelivery(client: string, entry: Extract<TimelineEntry, { kind: 'message' }> | undefined): void {
    const before = this.lastDelivery.get(client);
    if (entry === undefined) this.lastDelivery.delete(client);
    else this.lastDelivery.set(client, entry);
    if (before !== undefined && before !== entry) this.settle(before);
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
      this.heardAt(r.client, r.time);
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
    if (r.cmd === 'publish' && r.direction === 'out') this.setDelivery(r.client, undefined);
    // A QoS 1/2 PUBLISH with a packet id is shown once, as the flow the correlator starts for it.
    if (r.cmd === 'publish' && !((r.qos === 1 || r.qos === 2) && r.mid !== undefined)) {
      const outcome = r.outcome === 'unknown-mid' ? undefined : r.outcome;
      const entry: Extract<TimelineEntry, { kind: 'message' }> = {
        kind: 'message', client: r.client, time: r.time, at: where(r), direction: r.direction, qos: r.qos ?? null,
        topic: r.topic ?? null, bytes: r.payloadBytes ?? null, retain: r.retain === true, ...(outcome ? { outcome } : {}),
      };
      if (r.direction === 'out') this.lastDelivery.set(r.client, entry);
      this.add(entry);
    }
  }

  /** The client was heard from at `time`: its latest entry, if no later, is what a silence found next follows. */
  private heardAt(client: string, time: number): void {
    this.lastHeard.set(client, time);
    const places = this.gapPlaces.get(client);
    const latest = places?.latest;
    if (!places || !latest || latest === places.anchor || (latest.time !== null && latest.time > time)) return;
    this.moveAnchor(places, latest);
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
   * Adds a silence, known only once it ends, where it began: after the client's latest entry no
   * later than its start (and the silences already after it), so that what was sent to the
   * client meanwhile follows it. Without such an entry it goes last.
   */
  private addSince(entry: Extract<TimelineEntry, { kind: 'gap' }>): void {
    const anchor = this.gapPlaces.get(entry.client)?.anchor;
    const held = anchor ? this.held.get(anchor) : undefined;
    if (!anchor || !held) {
      this.add(entry);
      return;
    }
    held.gaps.push(entry);
    // Nothing of the client's after it: the silence is its latest entry.
    if (this.last.get(entry.client) === anchor) this.setLast(entry.client, entry);
  }

  /** Whether `at` is the line of the session end just shown for `client`. */
  private endsSession(client: string, at: Where): boolean {
    const last = this.last.get(client);
    return (last?.kind === 'end' || last?.kind === 'end-before-log') && last.at.line === at.line && last.at.file === at.file;
  }

  /** Entries past the limit left out: the timeline holds the first ones. Known once {@link finish}ed. */
  get omitted(): number {
    return this.list?.omitted ?? 0;
  }

  /** The client's latest entry, which a group of pings may grow on; the group before is settled. */
  private setLast(client: string, entry: TimelineEntry): void {
    const before = this.last.get(client);
    this.last.set(client, entry);
    if (before?.kind === 'pings' && before !== entry) this.settle(before);
  }

  private add(entry: TimelineEntry): void {
    if (entry.client !== null) this.setLast(entry.client, entry);
    if (this.outsideWindow(entry)) return;
    const held: Held = { place: this.sink.reserve(), open: this.opens(entry), latest: false, anchor: false, gaps: [] };
    this.held.set(entry, held);
    const client = entry.client;
    // While a silence of the client may still be found, it may follow this entry. (Not only once
    // the log has shown packet lines: a log's first connect comes before its first packet line.)
    if (client !== null && (this.keepalive.get(client) ?? 0) > 0 && this.lastHeard.has(client)) {
      let places = this.gapPlaces.get(client);
      if (places === undefined) this.gapPlaces.set(client, (places = { latest: null, anchor: null }));
      const before = places.latest;
      places.latest = entry;
      held.latest = true;
      if (before !== null) this.release(before, 'latest');
      if (entry.time === null || entry.time <= (this.lastHeard.get(client) as number)) this.moveAnchor(places, entry);
    }
    this.fillIfDone(entry, held);
  }

  /** Whether an entry may still change (it shows something still going on), noting what will settle it. */
  private opens(entry: TimelineEntry): boolean {
    switch (entry.kind) {
      case 'connect':
      case 'end': {
        // Each shows the session as it is, until it is settled.
        const entries = this.sessionEntries.get(entry.session);
        if (entries) entries.push(entry);
        else this.sessionEntries.set(entry.session, [entry]);
        return true;
      }
      case 'flow':
      case 'resend': {
        if (this.settledFlows.has(entry.flow)) return false;
        const entries = this.flowEntries.get(entry.flow);
        if (entries) entries.push(entry);
        else this.flowEntries.set(entry.flow, [entry]);
        return true;
      }
      case 'pings':
      case 'subscribe':
      case 'unsubscribe':
        return true;
      case 'attempt':
        this.freshAttempts.push(entry);
        return true;
      case 'finding':
        if (!this.changingFindings.has(entry.finding)) return false;
        this.changingFindings.set(entry.finding, entry);
        return true;
      case 'message':
        return this.lastDelivery.get(entry.client) === entry;
      default:
        return false;
    }
  }

  /** A silence found next follows `entry`. */
  private moveAnchor(places: GapPlaces, entry: TimelineEntry): void {
    const before = places.anchor;
    places.anchor = entry;
    const held = this.held.get(entry);
    if (held) held.anchor = true;
    if (before !== null && before !== entry) this.release(before, 'anchor');
  }

  /** The client's silences can be found no more (its session ended): its entries need not wait for one. */
  private noMoreGaps(client: string): void {
    const places = this.gapPlaces.get(client);
    if (places === undefined) return;
    this.gapPlaces.delete(client);
    if (places.latest) this.release(places.latest, 'latest');
    if (places.anchor) this.release(places.anchor, 'anchor');
  }

  private release(entry: TimelineEntry, why: 'latest' | 'anchor'): void {
    const held = this.held.get(entry);
    if (held === undefined) return;
    held[why] = false;
    this.fillIfDone(entry, held);
  }

  /** The entry will change no more. */
  private settle(entry: TimelineEntry): void {
    const held = this.held.get(entry);
    if (held === undefined) return;
    held.open = false;
    this.fillIfDone(entry, held);
  }

  private fillIfDone(entry: TimelineEntry, held: Held): void {
    if (held.open || held.latest || held.anchor) return;
    this.held.delete(entry);
    this.sink.fill(held.place, held.gaps.length === 0 ? [entry] : [entry, ...held.gaps]);
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
  const select = timelineSelector(s);
  const selected: TimelineEntry[] = [];
  for (const e of entries) {
    const kept = select(e);
    if (kept !== null) selected.push(kept);
  }
  return selected;
}

/**
 * {@link selectTimeline} one entry at a time, given in log order: the entry, the part of it
 * selected (a request's filters), or null.
 */
export function timelineSelector(s: Selector): (e: TimelineEntry) => TimelineEntry | null {
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
  return (e) => {
    if (e.kind === 'flow') return flowInWindow(e.flow, s) ? e : null;
    // A silence, or a group of pings, that overlaps the window (a group is cut at its ends, when
    // they were known before the log was read).
    if (e.kind === 'gap' || e.kind === 'pings') {
      return s.span(e.time, e.kind === 'gap' ? (e.time === null ? null : e.time + e.gapMs) : e.last) ? e : null;
    }
    if (!s.time(e.time)) return null;
    switch (e.kind) {
      case 'message':
        return s.topic(e.topic) ? e : null;
      case 'resend':
        return s.topic(e.flow.topic) ? e : null;
      case 'finding':
        return findingAbout(e.finding, s) ? e : null;
      case 'packet':
        return packetSelected(e.packet) ? e : null;
      case 'subscribe':
      case 'unsubscribe': {
        // The filters that share a topic with those asked for, as `problems` keeps a denied one.
        const filters = e.filters.filter((f) => s.filter(f.filter));
        return filters.length === e.filters.length ? e : filters.length > 0 ? { ...e, filters } : null;
      }
      default:
        return e;
    }
  };
}
