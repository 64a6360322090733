/**
 * QoS 1/2 message flows: PUBLISH → PUBACK, or PUBLISH → PUBREC → PUBREL → PUBCOMP, per client,
 * direction and message id. The correlator owns the clients; this module owns what happens to
 * their flows, the totals and latencies finished flows are folded into, and the flow findings.
 */
import type { Direction, LogRecord, MqttVersion, PacketRecord, Where } from '../parse/index.js';
import type { FlowTable } from './flow-table.js';
import { NewestKept, OldestFirst } from './oldest-first.js';
import { LatencyHistogram, ownCopy } from './stats.js';
import type { Correlation, Finding, Flow, FlowStep, FlowTotals, StalledAt } from './types.js';

/** A client's flows in flight, by message id, one table per direction. */
export interface ClientFlows {
  inFlows: FlowTable;
  outFlows: FlowTable;
  /** The MQTT version of the client's latest connection, when the log named it. */
  mqttVersion: MqttVersion | null;
}

/** What to keep, and where flow starts and findings go. */
export interface FlowOptions {
  keep: 'all' | 'unfinished' | 'none';
  /** Link deliveries to the inbound PUBLISH that caused them (`flow.origin`). */
  traceOrigins: boolean;
  onStart(flow: Flow): void;
  /** A flow in flight began, took a step or was sent again, at `time`; only when someone listens. */
  onStep?: (flow: Flow, time: number | null) => void;
  /** A flow finished; only when someone listens. */
  onEnd?: (flow: Flow) => void;
  /**
   * A finished flow will change no more; only when someone listens. That is when it ends, but for
   * a QoS 2 flow refused at its PUBREC, whose PUBREL and PUBCOMP may still join its steps.
   */
  onSettled?: (flow: Flow) => void;
  /** An acknowledgement of no flow in flight; only when someone listens. */
  onOrphanAck?: (ack: PacketRecord) => void;
  /** The PUBLISH `r` sent a flow in flight again (`d1`, or the same message after its session ended); only when someone listens. */
  onResend?: (flow: Flow, r: PacketRecord) => void;
  /** The broker refused a message it received with its acknowledgement's reason code: it was not published. */
  onRefusedIn(flow: Flow): void;
  onFinding(finding: Finding): void;
}

/** What links a delivery to the inbound PUBLISH it came from: its payload size and topic. */
function traceKeyOf(payloadBytes: number | null, topic: string): string {
  return `${payloadBytes ?? -1} ${topic}`;
}

/** Why unfinished flows are given up, when it is not their session ending. */
export type DropReason = NonNullable<Flow['dropped']>;

/** How a flow ends: `in-flight` when the log ends first. */
type FinalState = Flow['state'];

/** An inbound PUBLISH remembered for linking the deliveries it causes. */
interface Inbound {
  client: string;
  at: Where;
  mid?: number;
  time: number | null;
  count: number;
  /** The time of the one before it with the same topic and size, when one is remembered. */
  before?: number | null;
  /** A will the broker sent as its client's connection ended (`at`), rather than a PUBLISH. */
  will?: true;
  /** A v5 will, which may wait for a delay the log does not give: one of its topic and size sent now may be another message. */
  mayWait?: true;
  /**
   * A v5 will that may still be waiting for its delay: a delivery of its topic and size may be
   * it however late, until its client connects again or its session expires ({@link FlowTracker.waitingWills}).
   */
  waiting?: true;
}

/** A v5 will that may wait for its delay, until its client connects again or its session expires. */
interface WaitingWill {
  topic: string;
  payloadBytes: number | null;
  origin: Inbound;
}

/**
 * Whether a client of `version` cannot read the reason code of the broker's PUBACK or PUBREC: only
 * MQTT v5's carry one, so an MQTT 3.1 or 3.1.1 client takes a refused message as accepted. False
 * when the version is not known.
 */
export function readsNoReasonCode(version: MqttVersion | null): boolean {
  return version === '3.1' || version === '3.1.1';
}

const steps: Record<1 | 2, readonly FlowStep[]> = {
  1: ['publish', 'puback'],
  2: ['publish', 'pubrec', 'pubrel', 'pubcomp'],
};

/** QoS 2 flows refused at PUBREC whose PUBREL/PUBCOMP may still come; the oldest are forgotten first. */
const refusedKept = 1000;
/** Inbound PUBLISH packets remembered for tracing; the oldest are forgotten first. */
const recentInboundLimit = 10_000;
/** v5 wills that may still wait for their delay, by client; the oldest are forgotten first. */
const waitingWillsKept = 10_000;
/** Clients whose last message dropped on a full queue is remembered; the oldest are forgotten first. */
const droppedForKept = 10_000;
/** Re-sent PUBLISH lines kept per flow: a client that re-sends without end would grow it. */
const resendsKept = 10;
/** Steps kept per flow: past them the last is replaced, so one sent without end does not grow it. */
const stepsKept = 16;

/**
 * How long before the end of a log a flow of a session still open may have been waiting and
 * count as cut by the end, not stalled: a client acknowledges within milliseconds, so one still
 * connected that has not answered for this long has stopped answering.
 */
export const endGraceMs = 10_000;
/** Without times, the last lines of a log within which a flow's last step counts as cut by its end ({@link FlowTracker.logEnded}). */
export const untimedGraceLines = 100;
/** Lines a flow's finding names as evidence, at most. */
const evidenceKept = 20;

/** A delivery later than this after an inbound PUBLISH is not linked to it. */
const originWindowMs = 2000;

/**
 * Whether a PUBLISH without `d1`, after the flow's session ended, is the flow's message sent
 * again. The broker marks every message it sends again `d1` (1.4 to 2.1 alike), so one of its
 * own without is a new message (after a restart that lost the old one). A client may forget the
 * flag: an incoming one with the same topic, QoS and size is taken as sent again.
 */
function sameMessage(flow: Flow, r: PacketRecord): boolean {
  return r.direction === 'in' && flow.topic === (r.topic ?? null) && flow.qos === r.qos && flow.payloadBytes === (r.payloadBytes ?? null);
}

/** Whether a PUBLISH starts a flow, which needs its client's state. */
export function opensFlow(r: PacketRecord): r is PacketRecord & { qos: 1 | 2; mid: number } {
  return (r.qos === 1 || r.qos === 2) && r.mid !== undefined;
}

/** Whether a packet acknowledges a QoS 1/2 message: PUBACK, PUBREC, PUBREL or PUBCOMP with an id. */
export function isAck(r: PacketRecord): r is PacketRecord & { cmd: FlowStep; mid: number } {
  return (r.cmd === 'puback' || r.cmd === 'pubrec' || r.cmd === 'pubrel' || r.cmd === 'pubcomp') && r.mid !== undefined;
}

/**
 * The direction of the flow an acknowledgement belongs to: PUBREL comes from the sender of the
 * message, the other acknowledgements from its receiver.
 */
export function ackedDirection(r: PacketRecord): Direction {
  return r.cmd === 'pubrel' ? r.direction : r.direction === 'in' ? 'out' : 'in';
}

/** Totals and latencies of finished flows, by QoS. */
export class FlowTally {
  private readonly totals = { 1: emptyTotals(), 2: emptyTotals() };
  private readonly latency = { 1: new LatencyHistogram(), 2: new LatencyHistogram() };

  /** Folds in a finished flow: its state, `stalledAt` and `latencyMs` are set. */
  add(flow: Flow): void {
    const totals = this.totals[flow.qos];
    if (flow.state === 'complete') {
      totals.complete++;
      if (flow.latencyMs !== undefined) this.latency[flow.qos].add(flow.latencyMs);
    } else if (flow.state === 'refused') {
      totals.refused++;
    } else if (flow.state === 'in-flight') {
      totals.inFlight++;
    } else {
      totals.incomplete++;
      if (flow.dropped === 'evicted') totals.untracked++;
      else if (flow.stalledAt) totals.stalledAt[flow.stalledAt] = (totals.stalledAt[flow.stalledAt] ?? 0) + 1;
    }
  }

  result(): Pick<Correlation, 'flowTotals' | 'latency' | 'latencyDistribution'> {
    return {
      flowTotals: { qos1: this.totals[1], qos2: this.totals[2] },
      latency: { qos1: this.latency[1].summary(), qos2: this.latency[2].summary() },
      latencyDistribution: { qos1: this.latency[1].distribution(), qos2: this.latency[2].distribution() },
    };
  }
}

/** Follows the flows of all clients, folding finished ones into totals. */
export class FlowTracker {
  private readonly kept: Flow[] = [];
  private readonly tally = new FlowTally();
  private orphanAcks = 0;
  private openCount = 0;
  private readonly recentInbound = new Map<string, Inbound>();
  /** The wills of v5 sessions whose connection ended without a DISCONNECT, by client ({@link WaitingWill}). */
  private readonly waitingWills = new NewestKept<string, WaitingWill>(waitingWillsKept);
  private readonly oldestInbound = new OldestFirst(this.recentInbound);
  /**
   * The inbound message whose deliveries the broker sends now, and its trace key: set by its
   * PUBLISH (by its PUBREL at QoS 2, when the broker releases it), ended by the next packet that
   * comes in or a line of another kind (an acknowledgement the broker sends may come before the
   * deliveries, as in 1.x). A delivery of it after that was queued, so an earlier message may be
   * its origin.
   */
  private fanout: { key: string; origin: Inbound } | null = null;
  /**
   * A PUBREC with a reason code ends a QoS 2 flow, but an MQTT 3.1.1 client never sees the code
   * and goes on with PUBREL, which the broker answers: those are the refused flow's, not orphans.
   */
  private readonly refusedAtPubrec = new Map<string, Flow>();
  private readonly oldestRefused = new OldestFirst(this.refusedAtPubrec);
  /**
   * A v5 client's PUBREC just read, whose reason code the broker does not log: the broker answers
   * it with PUBREL on the next line, unless the code refused the message.
   */
  private pubrecUnanswered: { st: ClientFlows; flow: Flow } | null = null;
  /** By client, the message last dropped for it as its queue was full ({@link queueFull}). */
  private readonly droppedFor = new NewestKept<string, Inbound>(droppedForKept);
  /** When a flow in flight was last sent again, for how long it had waited when the log ended. */
  private readonly resentTimes = new WeakMap<Flow, number>();
  /** When the session that holds a flow in flight last came back: the broker sends it again then. */
  private readonly resumedTimes = new WeakMap<Flow, number>();
  /**
   * For a flow whose session ended with it in flight: when the latest such session ended, if the
   * broker keeps it (`keptFrom`) or may (`keptMaybe`: a v5 clean start, kept for an expiry
   * interval the log does not give), whether a stop without a save lost it since (`lost`), and the re-sends MQTT asks for, one each time as the session
   * resumes (`owed`), and those made (`made`). Only re-sends past those are duplicates to report.
   */
  private readonly endedInFlight = new WeakMap<Flow, { keptFrom: number | null; keptMaybe: boolean; lost: boolean; owed: number; made: number }>();
  /** Flows given up at the log's end that a session the broker may keep may still hold ({@link logEnded}). */
  private readonly mayBeHeld = new WeakSet<Flow>();
  /** The line that ended the latest session a flow was in flight at the end of: evidence of its finding. */
  private readonly sessionEndAt = new WeakMap<Flow, Where>();
  /** Flows whose PUBLISH was sent again since their last step: that step may come again, in answer. */
  private readonly resentSinceStep = new WeakSet<Flow>();
  /** The last PUBLISH taken for a re-send, and what that changed: undone if the broker says it reused the id ({@link reused}). */
  private lastResend: { record: PacketRecord; flow: Flow; kept: boolean; resumed: boolean; owed: boolean } | null = null;

  constructor(private readonly options: FlowOptions) {}

  /** Flows in flight, across all clients. */
  get open(): number {
    return this.openCount;
  }

  /**
   * A PUBLISH line. `st` is the client's state when {@link opensFlow} says the packet starts a
   * flow, else null. A re-sent message (`d1`; the same message after its session ended, or at
   * QoS 2 while its handshake goes on) counts as a duplicate of the flow in flight, and true is
   * returned: it is no new message. Another PUBLISH with that id gives the old flow up. A
   * delivery `fromStore` (retained, sent on subscribe) is linked to no origin.
   */
  publish(r: PacketRecord, st: ClientFlows | null, fromStore = false): boolean {
    const traceKey = this.traceKey(r);
    if (r.direction === 'in') this.fanout = traceKey === null ? null : { key: traceKey, origin: this.rememberInbound(traceKey, r) };
    this.lastResend = null;
    if (st === null || !opensFlow(r)) return false;
    const flows = r.direction === 'in' ? st.inFlows : st.outFlows;
    const existing = flows.get(r.mid);
    if (existing && existing.state === 'in-flight') {
      // A plugin denies a message after its `Received PUBLISH` line: the `Denied PUBLISH` with
      // its id is that message's, refused.
      if (r.outcome === 'denied' && existing.steps.length === 1 && sameMessage(existing, r)) {
        existing.dropped = 'denied';
        return true;
      }
      // The broker keeps a QoS 2 message it received until its PUBREL: the same one again is
      // that message (2.0.9 and later say when another reuses its id, see {@link reused}).
      if (r.dup || (sameMessage(existing, r) && (existing.sessionEnded || existing.qos === 2))) {
        const resentAt = (existing.resentAt ??= []);
        const owed = this.payResend(existing, 1);
        this.lastResend = { record: r, flow: existing, kept: resentAt.length < resendsKept, resumed: existing.resumed, owed };
        existing.duplicates++;
        if (resentAt.length < resendsKept) resentAt.push({ file: r.file, line: r.line });
        if (r.time !== null) this.resentTimes.set(existing, r.time);
        this.resentSinceStep.add(existing);
        if (existing.sessionEnded) existing.resumed = true;
        this.options.onStep?.(existing, r.time);
        this.options.onResend?.(existing, r);
        return true;
      }
      this.giveUpReused(st, existing, r);
    }
    this.startFlow(r, st, traceKey, fromStore);
    return false;
  }

  /**
   * The broker says the PUBLISH `r` just read reused the id of the message in flight, which it
   * dropped (2.0.9 and later, for a QoS 2 message whose payload differs): if `r` was taken for
   * that message's re-send, it is a message of its own, and true is returned.
   */
  reused(r: PacketRecord, st: ClientFlows): boolean {
    const resend = this.lastResend;
    this.lastResend = null;
    if (resend === null || resend.record !== r || !opensFlow(r)) return false;
    const { flow } = resend;
    flow.duplicates--;
    if (resend.owed) this.payResend(flow, -1);
    if (resend.kept) flow.resentAt?.pop();
    if (flow.resentAt?.length === 0) delete flow.resentAt;
    flow.resumed = resend.resumed;
    if (flow.state === 'in-flight') this.giveUpReused(st, flow, r);
    this.startFlow(r, st, this.traceKey(r), false, true);
    return true;
  }

  /** The key that links a delivery to the PUBLISH it came from, when origins are traced. */
  private traceKey(r: PacketRecord): string | null {
    return this.options.traceOrigins && r.topic !== undefined ? traceKeyOf(r.payloadBytes ?? null, r.topic) : null;
  }

  /** Gives up a flow in flight whose id the PUBLISH `r` reused, with its finding. */
  private giveUpReused(st: ClientFlows, existing: Flow, r: PacketRecord): void {
    existing.dropped = 'mid-reused';
    this.finalize(st, existing, 'incomplete');
    this.options.onFinding({
      code: 'mid-reused', severity: 'warning', client: r.client, time: r.time, at: [{ file: r.file, line: r.line }, existing.steps[0]?.at ?? { file: r.file, line: r.line }],
      direction: r.direction, mid: existing.mid, qos: existing.qos, topic: existing.topic,
    });
  }

  /**
   * Starts the flow of a PUBLISH that opens one; `traceKey` links a delivery to its origin, and
   * `reusing` says the broker took it for a new message that reused an id.
   */
  private startFlow(r: PacketRecord & { qos: 1 | 2; mid: number }, st: ClientFlows, traceKey: string | null, fromStore: boolean, reusing = false): void {
    const flows = r.direction === 'in' ? st.inFlows : st.outFlows;
    const flow: Flow = {
      client: r.client, direction: r.direction, mid: r.mid, qos: r.qos, topic: r.topic ?? null,
      payloadBytes: r.payloadBytes ?? null, state: 'in-flight',
      steps: [{ step: 'publish', time: r.time, at: { file: r.file, line: r.line } }],
      sessionEnded: false, duplicates: 0, outOfOrder: false, resumed: false,
    };
    if (r.retain === true) flow.retain = true;
    // A `d1` PUBLISH of no flow in flight is a re-send of one already acknowledged (the sender
    // missed the acknowledgement when its connection broke) or sent before the log: it is
    // handled as a new message, and was delivered again. One the broker said reused an id is new.
    if (r.dup && !reusing) {
      flow.duplicates = 1;
      flow.resentAt = [{ file: r.file, line: r.line }];
    }
    // The message being sent out now, else the latest that came in with the same topic and size.
    // A retained message just after a SUBACK comes from the store, unless it is the one being sent
    // out now (a v5 retain-as-published forward).
    const sending = r.direction === 'out' && traceKey !== null && this.fanout?.key === traceKey ? this.fanout.origin : null;
    if (r.direction === 'out' && traceKey !== null && (!fromStore || sending !== null)) {
      const latest = this.recentInbound.get(traceKey);
      // A queued delivery is not of the message the broker dropped for this client; which one it is, is not known.
      const dropped = this.droppedFor.get(r.client);
      const origin = sending ?? (latest !== undefined && dropped !== undefined && sameLine(dropped.at, latest.at) ? undefined : latest);
      const within = (time: number | null): boolean => r.time === null || time === null || r.time - time <= originWindowMs;
      if (origin && (within(origin.time) || origin.waiting === true)) {
        // A queued delivery may be of the message before the latest, if that came in the window too.
        const queued = sending === null && origin.before !== undefined && within(origin.before);
        // A will sent as its connection ends is the one being sent, whatever came in that second,
        // unless it may wait for a delay.
        const ambiguous = origin.mayWait === true || (sending !== null && origin.will === true ? false : origin.count > 1 || queued);
        const from: NonNullable<Flow['origin']> = { client: origin.client, at: origin.at, ambiguous };
        if (origin.mid !== undefined) from.mid = origin.mid;
        if (origin.will) from.will = true;
        flow.origin = from;
      }
    }
    // The broker acknowledges a PUBLISH it denied or dropped as too large all the same, with a
    // reason code only 2.0+ logs: the flow is refused however it ends, and the drop's own finding says so.
    if (r.outcome === 'denied') flow.dropped = 'denied';
    else if (r.outcome === 'dropped') flow.dropped = 'too-large';
    flows.set(r.mid, flow);
    this.options.onStart(flow);
    this.options.onStep?.(flow, r.time);
    this.openCount++;
  }

  /**
   * Sees each record before it is handled: the line after a v5 client's PUBREC is the broker's
   * PUBREL, or the PUBREC refused the message (its reason code is not logged).
   */
  answerPubrec(r: LogRecord): void {
    const asked = this.pubrecUnanswered;
    if (asked === null) return;
    this.pubrecUnanswered = null;
    const { st, flow } = asked;
    // 2.0 warns of a PUBREC for an id it no longer holds before it answers it, which it does
    // only for a reason code below 0x80: the PUBREL is still to come.
    if (r.type === 'packet' && r.outcome === 'unknown-mid' && r.cmd === 'pubrec' && r.client === flow.client && r.mid === flow.mid) {
      this.pubrecUnanswered = asked;
      return;
    }
    const answered = r.type === 'packet' && r.cmd === 'pubrel' && r.direction === 'out' && r.client === flow.client && r.mid === flow.mid;
    if (!answered && flow.state === 'in-flight') this.finalize(st, flow, 'refused');
  }

  /**
   * The broker said the client's queue is full while it handled a message: that message was
   * dropped for the client, and is the origin of none of its later deliveries.
   */
  queueFull(client: string): void {
    if (this.fanout === null) return;
    this.droppedFor.set(client, this.fanout.origin);
  }

  /** Something other than a PUBLISH came in, or a line of another kind: the deliveries sent now are queued ones (a PUBREL then starts its own run). */
  endFanout(): void {
    this.fanout = null;
  }

  /** A PUBACK, PUBREC, PUBREL or PUBCOMP line; `st` is its client's state, if it has one. */
  ack(r: PacketRecord, st: ClientFlows | undefined): void {
    if (r.mid === undefined || r.outcome === 'unknown-mid') return;
    const step = r.cmd as FlowStep;
    const direction = ackedDirection(r);
    const flow = (direction === 'in' ? st?.inFlows : st?.outFlows)?.get(r.mid);
    // Map keys make -0 and 0 one id; a line's `m-0` is not the `m0` of another.
    if (!st || !flow || flow.state !== 'in-flight' || !Object.is(flow.mid, r.mid)) {
      if (!this.endsRefused(r, step, direction)) {
        this.orphanAcks++;
        this.options.onOrphanAck?.(r);
      }
      return;
    }
    const order = steps[flow.qos];
    const index = order.indexOf(step);
    const seen = order.indexOf(flow.steps[flow.steps.length - 1]?.step ?? 'publish');
    // The last step may come again, in answer to the PUBLISH sent again (MQTT 3.1.1 §4.3.3): after
    // a reconnect, or when the sender did not wait for it.
    // Only a flow with a duplicate can have been sent again: most need no look.
    const resentSinceStep = flow.duplicates > 0 && this.resentSinceStep.delete(flow);
    const resent = index === seen && (flow.sessionEnded || resentSinceStep);
    if (index < 0 || (index !== seen + 1 && !resent)) flow.outOfOrder = true;
    if (step === 'pubrel' && direction === 'in' && this.options.traceOrigins && flow.topic !== null) this.fanout = { key: traceKeyOf(flow.payloadBytes, flow.topic), origin: inboundOf(flow, r) };
    addStep(flow, { step, time: r.time, at: { file: r.file, line: r.line }, ...(r.reasonCode !== undefined ? { reasonCode: r.reasonCode } : {}) });
    if (flow.sessionEnded) flow.resumed = true;
    this.options.onStep?.(flow, r.time);
    // A packet of the other QoS's handshake (a PUBREC to a QoS 1 message) breaks the protocol: it
    // neither refuses the message nor ends its flow, which goes on to its own next step.
    if (index < 0) return;
    // The broker logs no reason code of a PUBREC it receives; a v5 client's may refuse the message.
    if (step === 'pubrec' && r.direction === 'in' && r.reasonCode === undefined && st.mqttVersion === '5.0') this.pubrecUnanswered = { st, flow };
    if (r.reasonCode !== undefined && r.reasonCode >= 0x80) {
      flow.reasonCode = r.reasonCode;
      if (step === 'pubrec') this.rememberRefused(flow);
      // A message denied or too large was never counted as published.
      if (flow.direction === 'in' && !droppedByBroker(flow)) this.options.onRefusedIn(flow);
      this.finalize(st, flow, 'refused');
    } else if (index === order.length - 1) {
      // The last step without those before it (PUBCOMP right after PUBLISH) ends no handshake:
      // the broker takes it for a protocol error, and the message was not delivered.
      this.finalize(st, flow, missingStep(flow) !== undefined ? 'incomplete' : droppedByBroker(flow) ? 'refused' : 'complete');
    }
  }

  /**
   * The client's session ended. Its flows go on when `flowsGoOn` (a persistent session keeps
   * them); otherwise they end incomplete. `keptFrom` is when it ended, for a session the broker
   * keeps: what it left in flight is held for it, or may be, when the keep is not sure (`keptMaybe`).
   * `endAt` is the line that ended it.
   */
  sessionEnded(st: ClientFlows, flowsGoOn: boolean, keptFrom: number | null = null, keptMaybe = false, endAt: Where | null = null): void {
    for (const flow of [...st.inFlows.values(), ...st.outFlows.values()]) {
      flow.sessionEnded = true;
      if (endAt !== null) this.sessionEndAt.set(flow, endAt);
      const ended = this.endedInFlight.get(flow);
      if (ended) {
        ended.owed++;
        ended.keptFrom = keptFrom;
        ended.keptMaybe = keptMaybe;
        // A session that ends anew is kept anew, whatever a stop did to the one before.
        ended.lost = false;
      } else this.endedInFlight.set(flow, { keptFrom, keptMaybe, lost: false, owed: 1, made: 0 });
    }
    if (!flowsGoOn) this.giveUp(st);
  }

  /** The client came back to a session the broker may keep, at `time`: what it holds is sent again from then. */
  sessionResumed(st: ClientFlows, time: number | null): void {
    if (time === null) return;
    for (const flow of [...st.inFlows.values(), ...st.outFlows.values()]) this.resumedTimes.set(flow, time);
  }

  /** The broker lost the client's kept session (it stopped without saving it): nothing is held for it. */
  forgetKept(st: ClientFlows): void {
    for (const flow of [...st.inFlows.values(), ...st.outFlows.values()]) {
      const ended = this.endedInFlight.get(flow);
      if (ended) ended.lost = true;
    }
  }

  /**
   * Counts a re-send of `flow` (`by` 1), or takes one back (-1), against those its resumed sessions
   * ask for; returns whether it was one of those.
   */
  private payResend(flow: Flow, by: 1 | -1): boolean {
    const resends = this.endedInFlight.get(flow);
    if (!resends || (by === 1 ? resends.made >= resends.owed : resends.made === 0)) return false;
    resends.made += by;
    return true;
  }

  /**
   * The broker did not resume the client's session (its CONNACK says no session is present):
   * the flows in flight end incomplete, `at` the CONNACK. They are all of earlier connections,
   * also when the log did not say those ended (`connection_messages false`): a CONNACK comes
   * before anything of its own connection.
   */
  notResumed(st: ClientFlows, at: Where): void {
    this.sessionEnded(st, true);
    this.giveUp(st, 'not-resumed', true, at);
  }

  /**
   * Ends every flow a client has in flight as incomplete; `reason` says why, when it is not the
   * session ending, and `at` is the line that says so. With `report` false no finding is made
   * (state evicted at the cap). Returns how many flows ended.
   */
  giveUp(st: ClientFlows, reason?: DropReason, report = true, at?: Where): number {
    const open = [...st.inFlows.values(), ...st.outFlows.values()];
    for (const flow of open) {
      if (reason !== undefined) flow.dropped = reason;
      this.finalize(st, flow, 'incomplete', report, at);
    }
    return open.length;
  }

  /**
   * The broker did not send the message `mid` it logged as sent to the client last: it was too
   * large for the client. That flow ends refused, as `too-large`; the drop's own finding reports it.
   */
  dropTooLarge(st: ClientFlows, mid: number, at: Where): void {
    const flow = st.outFlows.get(mid);
    if (!flow || flow.state !== 'in-flight') return;
    flow.dropped = 'too-large';
    this.finalize(st, flow, 'refused', false, at);
  }

  /**
   * The log ended, at `end` (its last time and line). A flow of a client still `connected` that
   * waited less than {@link endGraceMs} before the log's last time was cut by the end of the log:
   * it stays in flight, without a finding. So does one whose session ended within that wait, when
   * the broker keeps the session for its client, which has not come back: it is `held`; one the
   * broker may keep may hold it, which its finding says. Without times to measure the wait by, a
   * flow whose last step is among the log's last {@link untimedGraceLines} lines counts as cut.
   * Every other flow still in flight is given up as stalled.
   */
  logEnded(st: ClientFlows, connected: boolean, end: { time: number | null; at: Where | null }): void {
    for (const flow of [...st.inFlows.values(), ...st.outFlows.values()]) {
      // A message sent again, or to be sent again as its session came back, is waited for from then.
      const stepTime = flow.steps[flow.steps.length - 1]?.time ?? null;
      const again = Math.max(this.resentTimes.get(flow) ?? -Infinity, this.resumedTimes.get(flow) ?? -Infinity);
      const waitedSince = again !== -Infinity && (stepTime === null || again > stepTime) ? again : stepTime;
      // Flows of a client not connected are left only where its kept session goes on.
      const ended = this.endedInFlight.get(flow);
      const kept = connected || (ended !== undefined && !ended.lost);
      const until = connected ? end.time : ended?.keptFrom ?? null;
      const lastAt = flow.steps[flow.steps.length - 1]?.at;
      // A clock that went back measures no wait: the flow is judged stalled.
      const cut = kept && (until !== null && waitedSince !== null
        ? until - waitedSince >= 0 && until - waitedSince < endGraceMs
        : end.time === null && lastAt !== undefined && end.at !== null && lastAt.file === end.at.file && end.at.line - lastAt.line < untimedGraceLines);
      // Of a client away: held for it, or, when the broker may not keep its session, given up as maybe held.
      const away = cut && !connected;
      const maybeHeld = away && ended?.keptMaybe === true;
      if (maybeHeld) this.mayBeHeld.add(flow);
      else if (away) flow.held = true;
      this.finalize(st, flow, cut && !maybeHeld ? 'in-flight' : 'incomplete');
    }
  }

  /** Gives up one flow to stay under the cap; no finding is made. */
  evict(st: ClientFlows, flow: Flow): void {
    flow.dropped = 'evicted';
    this.finalize(st, flow, 'incomplete', false);
  }

  /** Messages to the client still waiting for their acknowledgement. */
  deliveriesInFlight(st: ClientFlows | undefined): number {
    let n = 0;
    for (const flow of st?.outFlows.values() ?? []) if (flow.state === 'in-flight') n++;
    return n;
  }

  /** The log has ended: the flows refused at PUBREC whose PUBREL or PUBCOMP did not come are settled. */
  settleRefused(): void {
    for (const flow of this.refusedAtPubrec.values()) this.options.onSettled?.(flow);
    this.refusedAtPubrec.clear();
  }

  /** The flow part of the correlation. */
  result(): Pick<Correlation, 'flows' | 'flowTotals' | 'latency' | 'latencyDistribution' | 'orphanAcks'> {
    return { flows: this.kept, ...this.tally.result(), orphanAcks: this.orphanAcks };
  }

  private rememberRefused(flow: Flow): void {
    const key = refusedKey(flow.client, flow.direction, flow.mid);
    const before = this.refusedAtPubrec.get(key);
    if (before !== undefined) {
      this.refusedAtPubrec.delete(key);
      this.options.onSettled?.(before);
    } else if (this.refusedAtPubrec.size >= refusedKept) {
      const oldest = this.oldestRefused.next();
      if (oldest !== undefined) {
        this.refusedAtPubrec.delete(oldest[0]);
        this.options.onSettled?.(oldest[1]);
      }
    }
    this.refusedAtPubrec.set(key, flow);
  }

  /** Whether a PUBREL or PUBCOMP finishes the handshake of a flow refused at PUBREC; it joins its steps. */
  private endsRefused(r: PacketRecord, step: FlowStep, direction: Direction): boolean {
    if ((step !== 'pubrel' && step !== 'pubcomp') || r.mid === undefined) return false;
    const key = refusedKey(r.client, direction, r.mid);
    const flow = this.refusedAtPubrec.get(key);
    if (!flow) return false;
    addStep(flow, { step, time: r.time, at: { file: r.file, line: r.line } });
    if (step === 'pubcomp') {
      this.refusedAtPubrec.delete(key);
      this.options.onSettled?.(flow);
    }
    return true;
  }

  /**
   * The broker sends `client`'s will now, as it ends its connection at `at`: deliveries of its
   * topic and size that follow are of that will, not of a PUBLISH before it. A v5 will that
   * `mayWait` for its delay may not be sent yet: such a delivery may be of either. One that
   * `waits` may be sent later, however late, until its client connects again ({@link willCancelled})
   * or its session expires ({@link sessionExpired}).
   */
  sendsWill(client: string, topic: string, payloadBytes: number | null, at: Where, time: number | null, mayWait = false, waits = false): void {
    if (!this.options.traceOrigins) return;
    const key = traceKeyOf(payloadBytes, topic);
    const origin = this.rememberInbound(key, { client, file: at.file, line: at.line, time, mid: undefined }, true);
    if (mayWait) origin.mayWait = true;
    if (waits) {
      origin.waiting = true;
      this.waitingWills.set(ownCopy(client), { topic, payloadBytes, origin });
    }
    this.fanout = { key, origin };
  }

  /** `client` connected again: a will still waiting for its delay is cancelled, and is the origin of no later delivery. */
  willCancelled(client: string): void {
    this.stopWaiting(client);
  }

  /** `client`'s session expired at `at`: a will still waiting for its delay is sent now, and a delivery of it then may be it. */
  sessionExpired(client: string, at: Where, time: number | null): void {
    const will = this.stopWaiting(client);
    if (will !== undefined) this.sendsWill(client, will.topic, will.payloadBytes, at, time, true);
  }

  /** The will `client` left waiting, if any, which waits no longer. */
  private stopWaiting(client: string): WaitingWill | undefined {
    const will = this.waitingWills.get(client);
    if (will === undefined) return undefined;
    delete will.origin.waiting;
    this.waitingWills.delete(client);
    return will;
  }

  /** Remembers an inbound PUBLISH (or a will) as the latest of its topic and size, and returns what it keeps. */
  private rememberInbound(key: string, r: Pick<PacketRecord, 'client' | 'file' | 'line' | 'time' | 'mid'>, will = false): Inbound {
    const previous = this.recentInbound.get(key);
    const sameMoment = previous !== undefined && previous.time === r.time;
    this.recentInbound.delete(key);
    if (this.recentInbound.size > recentInboundLimit) {
      const oldest = this.oldestInbound.next();
      if (oldest !== undefined) this.recentInbound.delete(oldest[0]);
    }
    // Set one by one rather than spread in: this runs for every inbound PUBLISH.
    const inbound: Inbound = { client: r.client, at: { file: r.file, line: r.line }, time: r.time, count: sameMoment ? (previous?.count ?? 0) + 1 : 1 };
    if (previous !== undefined) inbound.before = previous.time;
    if (r.mid !== undefined && r.mid !== 0) inbound.mid = r.mid;
    if (will) inbound.will = true;
    this.recentInbound.set(key, inbound);
    return inbound;
  }

  /** Ends a flow; `droppedAt` is the line that gave it up, which leads its finding's evidence. */
  private finalize(st: ClientFlows, flow: Flow, state: FinalState, report = true, droppedAt?: Where): void {
    const flows = flow.direction === 'in' ? st.inFlows : st.outFlows;
    if (flows.get(flow.mid) === flow) {
      flows.delete(flow.mid);
      this.openCount--;
    }
    flow.state = state;
    const first = flow.steps[0];
    const lastStep = flow.steps[flow.steps.length - 1];
    if (state === 'complete') {
      if (first?.time != null && lastStep?.time != null) flow.latencyMs = Math.max(0, lastStep.time - first.time);
    } else if (state === 'incomplete') {
      const next = awaitedStep(flow);
      if (next) flow.stalledAt = next;
    }
    this.tally.add(flow);
    this.options.onEnd?.(flow);
    if (this.options.onSettled && (this.refusedAtPubrec.size === 0 || this.refusedAtPubrec.get(refusedKey(flow.client, flow.direction, flow.mid)) !== flow)) this.options.onSettled(flow);
    if (this.options.keep === 'all' || (this.options.keep === 'unfinished' && state !== 'complete')) this.kept.push(flow);
    // Findings only for what did not go as it should; most flows complete without one.
    if (!report || state === 'in-flight' || (state === 'complete' && flow.duplicates === 0)) return;
    // Evidence, latest first: what gave the flow up, then its packets, then the end of the
    // session it was left in flight at, then its re-sends.
    const packets = flow.steps.map((s) => s.at).reverse();
    const resends = [...(flow.resentAt ?? [])].reverse();
    const sessionEnd = state === 'incomplete' ? this.sessionEndAt.get(flow) : undefined;
    const base = {
      client: flow.client, time: first?.time ?? null, at: pickEvidence([...(droppedAt ? [droppedAt] : []), ...packets, ...(sessionEnd ? [sessionEnd] : []), ...resends]),
      direction: flow.direction, mid: flow.mid, qos: flow.qos, topic: flow.topic,
    };
    if (state === 'incomplete' && flow.dropped !== 'mid-reused') {
      const dropped = flow.dropped === 'expired' || flow.dropped === 'clean-start' || flow.dropped === 'not-resumed' ? { dropped: flow.dropped } : {};
      const held = this.mayBeHeld.has(flow) ? { mayBeHeld: true as const } : {};
      this.options.onFinding({ code: 'flow-incomplete', severity: 'error', ...base, sessionEnded: flow.sessionEnded, ...(flow.stalledAt ? { stalledAt: flow.stalledAt } : {}), ...dropped, ...held });
    } else if (state === 'refused' && !droppedByBroker(flow)) {
      const notTold = flow.direction === 'in' && flow.reasonCode !== undefined && readsNoReasonCode(st.mqttVersion) ? { notTold: true as const } : {};
      this.options.onFinding({ code: 'flow-refused', severity: 'warning', ...base, ...(flow.reasonCode !== undefined ? { reasonCode: flow.reasonCode } : {}), ...notTold });
    }
    // A re-send as the session resumed is what MQTT asks for; one more is a duplicate, found when it was sent.
    if (flow.duplicates > (this.endedInFlight.get(flow)?.made ?? 0)) {
      const time = this.resentTimes.get(flow) ?? base.time;
      // The flow's first PUBLISH already re-sent: sent before on an earlier connection (another flow), or before the log.
      const resentFirst = flow.resentAt?.[0];
      const firstResent = resentFirst !== undefined && first !== undefined && sameLine(resentFirst, first.at) ? { firstResent: true as const } : {};
      this.options.onFinding({ code: 'flow-duplicate', severity: 'info', ...base, time, at: pickEvidence([...resends, ...packets]), duplicates: flow.duplicates, ...firstResent });
    }
  }
}

/**
 * Whether the broker threw the flow's message away, denied or too large: the flow is refused, and
 * the drop's own finding (`publish-denied`, `publish-too-large`, `messages-dropped`) reports it.
 */
function droppedByBroker(flow: Flow): boolean {
  return flow.dropped === 'denied' || flow.dropped === 'too-large';
}

/**
 * The step a flow waits for: the one after the furthest of its own QoS it reached (a stray one,
 * PUBREC for a QoS 1 message, moves nothing on); for a flow that reached its last step without
 * one before it, the first it lacks.
 */
export function awaitedStep(flow: Flow): StalledAt | undefined {
  const order = steps[flow.qos];
  const reached = flow.steps.reduce((far, s) => Math.max(far, order.indexOf(s.step)), 0);
  return (reached === order.length - 1 ? missingStep(flow) : order[reached + 1]) as StalledAt | undefined;
}

/** The first step of its QoS a flow has not seen, if any. */
function missingStep(flow: Flow): FlowStep | undefined {
  return steps[flow.qos].find((step) => !flow.steps.some((seen) => seen.step === step));
}

/** Adds a step to a flow; once it holds {@link stepsKept}, the new one takes the last one's place. */
function addStep(flow: Flow, seen: Flow['steps'][number]): void {
  if (flow.steps.length < stepsKept) flow.steps.push(seen);
  else flow.steps[flow.steps.length - 1] = seen;
}

/** Lines of evidence: each once (a flow opened by a re-send has it as packet and re-send), at most {@link evidenceKept}. */
function pickEvidence(lines: readonly Where[]): Where[] {
  const seen = new Set<string>();
  return lines.filter((at) => {
    const key = `${at.line} ${at.file}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, evidenceKept);
}

/**
 * The origin of the deliveries of a QoS 2 message the broker releases on its PUBREL (`pubrel`):
 * that very message, at its PUBLISH; the release is the moment they follow.
 */
function inboundOf(flow: Flow, pubrel: PacketRecord): Inbound {
  return { client: flow.client, at: flow.steps[0]?.at ?? { file: pubrel.file, line: pubrel.line }, time: pubrel.time, count: 1, mid: flow.mid };
}

function sameLine(a: Where, b: Where): boolean {
  return a.line === b.line && a.file === b.file;
}

function refusedKey(client: string, direction: Direction, mid: number): string {
  return `${direction} ${mid} ${client}`;
}

function emptyTotals(): FlowTotals {
  return { complete: 0, incomplete: 0, refused: 0, inFlight: 0, stalledAt: {}, untracked: 0 };
}
