/**
 * Outgoing bridges, seen from the broker that makes them. Each connection of a bridge is a
 * session of its local client id, from the CONNACK the remote broker sent to the line that ends
 * it; the time a bridge spends down, and the attempts that failed meanwhile, become findings.
 *
 * A bridge has three names: its connection name (`Connecting bridge (step 1) NAME (host:port)`),
 * its client id on the remote broker (`Bridge REMOTE-ID sending CONNECT`) and its local id, which
 * the packet lines use (`Received CONNACK on connection LOCAL-ID.`). A broker with several bridges
 * logs each step for all of them before the next (every step 1, every step 2, every CONNECT, then
 * the CONNACKs), so the names are joined by what ties them:
 * - `Bridge LOCAL-ID doing local SUBSCRIBE …` comes just before its `Connecting bridge (step 1)`;
 * - a remote id is `<host>.NAME` unless configured otherwise, a local id `local.` + the remote id;
 * - otherwise the bridges waiting for their CONNECT, then for their CONNACK, are taken in order.
 *   With several waiting, that is a guess (a broker built with ADNS sends each CONNECT once its
 *   socket connects, not in the order of its steps): a later CONNECT of one bridge alone shows
 *   whose remote id it is, and a wrong guess is put right then. Until then a guessed bridge's
 *   connection is not taken as ended when it tries to connect again: it may be the other's.
 * `Error creating bridge` follows the step or the CONNECT of the bridge that failed.
 */
import type { LogRecord, MessageRecord, PacketRecord, Where } from '../parse/index.js';
import { endGraceMs } from './flows.js';
import { NewestKept } from './oldest-first.js';
import type { AttemptOutcome, BridgeFinding, EndReason } from './types.js';

/** A line, with its time. */
type Line = Where & { time: number | null };

/** What the tracker asks of the correlator. */
export interface BridgeHooks {
  /** Opens a session of the local end of `bridge`, at its CONNACK. */
  open(localId: string, bridge: Readonly<Bridge>, at: Line): void;
  /** Ends the open session of `localId`, whose end was not logged; `at` is the line that shows it. */
  closeUnlogged(localId: string, at: Line): void;
  /** Ends the open session of `localId`, a lazy bridge that disconnected when idle. */
  closeIdle(localId: string, at: Line): void;
  /** The sessions of `localId` named `from` were `to`'s: their bridge was guessed wrong. */
  retag(localId: string, from: Readonly<Bridge>, to: Readonly<Bridge>): void;
  /** A connection the remote broker refused. */
  refused(localId: string, bridge: Readonly<Bridge>, at: Line, outcome: AttemptOutcome, reasonCode: number | undefined): void;
  finding(finding: BridgeFinding): void;
}

/** One bridge connection as configured. */
export interface Bridge {
  name: string;
  /** The remote broker's host and port. */
  host: string | null;
  port: number | null;
  remoteId: string | null;
  localId: string | null;
  /** Its remote id was taken by order among bridges connecting together: it may be another's. */
  guessed: boolean;
  /** Its local id was taken from a guessed remote id, or by order among CONNACKs: it may be another's. */
  localGuessed: boolean;
  /** A connection of it is up: its local id has a session open. */
  up: boolean;
  down: Outage | null;
  /** When its attempt under way began (`Connecting bridge`), until it connects or fails. */
  attemptAt: number | null;
  /**
   * The line of its attempt under way while the connection of its guessed local id looked up: once
   * its CONNECT shows whose that connection is, the bridge's own ended there unlogged.
   */
  replacing: Line | null;
}

/** A time the bridge was not connected: after a connection ended, or since its first attempt. */
interface Outage {
  /** The remote broker it was connected or connecting to then, `host:port`. */
  remote: string | null;
  since: number | null;
  /** The line that began it, and the latest failed attempt. */
  at: Where[];
  attempts: number;
  lastError: string | null;
  /** The bridge was connected before: a connection was lost. */
  wasUp: boolean;
  /** The remote broker refused an attempt: a login problem, not a broker that went away. */
  refused: boolean;
  /** The connection's end was not logged: it was found at the attempt that replaced it. */
  unlogged: boolean;
  /** Reported as `bridge-down` while it went on ({@link BridgeTracker.announceDown}). */
  announced?: true;
}

const connectingFormats = new Set(['Connecting bridge (step 1) %s (%s:%d)', 'Connecting bridge %s (%s:%d)']);
const unableFormats = new Set(['Warning: Unable to connect to bridge %s.', 'Warning: Unable to connect bridge %s.']);
const idleFormat = 'Bridge connection %s has exceeded idle timeout, disconnecting.';
const noV5Format = 'Warning: Remote bridge %s does not support MQTT v5.0, reconnecting using MQTT v3.1.1.';

/**
 * A connection whose end was not logged, replaced sooner than this without a failed attempt, was
 * replaced on purpose (`round_robin` going back to its first address), not lost.
 */
const switchMs = 2_000;

/** Ends of sessions begun before the log kept for bridges that may connect again. */
const endsBeforeLogKept = 64;

/** The CONNACK codes of MQTT 3.1.1 refusals, by the words mosquitto logs for them. */
const refusalCodes: Record<string, number> = {
  'unacceptable protocol version': 1, 'identifier rejected': 2, 'bad user name or password': 4, 'not authorised': 5,
  // A v5 remote's reason codes, in the words of 2.x (capitals and all: 3.1.1's words are lower case).
  'Unspecified error': 128, 'Malformed Packet': 129, 'Protocol Error': 130, 'Implementation specific error': 131,
  'Unsupported Protocol Version': 132, 'Client Identifier not valid': 133, 'Bad User Name or Password': 134, 'Not authorized': 135,
  'Server unavailable': 136, 'Server busy': 137, 'Banned': 138, 'Bad authentication method': 140, 'Topic Name invalid': 144,
  'Packet too large': 149, 'Quota exceeded': 151, 'Payload format invalid': 153, 'Use another server': 156, 'Server moved': 157,
  'Connection rate exceeded': 159,
};

/**
 * A refusal's outcome: a login the remote turned down, or another refusal. 2.0 logs a 3.1.1
 * CONNACK 4 as `broker unavailable`, the words of 3, so that one stays a plain refusal.
 */
function refusalOutcome(text: string): AttemptOutcome {
  return /not authori[sz]ed|user ?name or password/i.test(text) ? 'not-authorised' : 'refused';
}

function remoteOf(bridge: Bridge): string | null {
  return bridge.host === null ? null : `${bridge.host}:${bridge.port ?? '?'}`;
}

function lineOf(r: Line): Line {
  return { file: r.file, line: r.line, time: r.time };
}

/** Follows the outgoing bridges of one broker. */
export class BridgeTracker {
  private readonly byName = new Map<string, Bridge>();
  private readonly byLocalId = new Map<string, Bridge>();
  /** The local id of the `doing local SUBSCRIBE` lines just read: the next bridge to connect's. */
  private subscribingAs: string | null = null;
  /** Bridges that began to connect and have not sent their CONNECT yet, in order. */
  private awaitingConnect: Bridge[] = [];
  /** Bridges waiting for their CONNECT when another's was guessed: theirs may have been taken. */
  private readonly unsure = new Set<Bridge>();
  /** Bridges that sent their CONNECT and have no CONNACK yet, in order. */
  private awaitingConnack: Bridge[] = [];
  /**
   * The bridge named by the last `Connecting bridge` or CONNECT line: an `Error creating bridge`,
   * printed when a step or the CONNECT fails, is its.
   */
  private lastNamed: Bridge | null = null;
  /** A CONNACK whose next line says whether the remote refused it. */
  private answer: { bridge: Bridge; localId: string; at: Line } | null = null;
  /** Whether this broker's start was in the log: attempts before it are of bridges up before the log. */
  private started = false;
  /** Whether the broker's last start or stop line was a stop. */
  private stopped = false;
  /** The time of the stop, while {@link stopped}. */
  private stoppedAt: number | null = null;
  /**
   * The latest ends of sessions begun before the log, by client id: a bridge that connects again
   * later names its local id, and its outage began at that end. A bridge reconnects within
   * seconds, so only the latest few are kept.
   */
  private readonly endsBeforeLog = new NewestKept<string, Line>(endsBeforeLogKept);

  /**
   * Report a bridge down once it has been down for {@link endGraceMs} with no attempt to connect
   * under way, rather than when the log ends: a log that is followed has no end. No second
   * finding is made at the end; its next connection is an outage, also for a bridge that had not
   * connected before.
   */
  announceDown = false;
  /** The time of the last record with one: outages are measured up to it. */
  private lastTime: number | null = null;

  constructor(private readonly hooks: BridgeHooks) {}

  /** Called before each record: a CONNACK is a connection unless the line after it says otherwise. */
  before(r: LogRecord): void {
    const answer = this.answer;
    this.answer = null;
    if (answer !== null) this.answered(answer, r);
    if (r.time !== null) this.timePassed(r.time);
  }

  /**
   * A line's time. Once a moment has passed with a bridge down long enough, it is said: as of the
   * moment before this one, whose lines are all in (this moment's may be the attempt that connects again).
   */
  private timePassed(time: number): void {
    if (this.lastTime !== null && time > this.lastTime && this.announceDown) this.announceLongOutages(this.lastTime);
    if (this.lastTime === null || time > this.lastTime) this.lastTime = time;
  }

  /** A followed log has been quiet until `time`, by the clock: the bridges down long enough by then are said. */
  quietUntil(time: number): void {
    if (this.announceDown && this.lastTime !== null && time > this.lastTime) this.announceLongOutages(time);
  }

  /** The line after a bridge's CONNACK: a refusal, a v5 bridge falling back to 3.1.1, or else the connection. */
  private answered(answer: { bridge: Bridge; localId: string; at: Line }, r: LogRecord): void {
    if (r.type === 'message' && r.family === 'connack' && r.format.startsWith('Connection Refused:')) {
      const text = r.format === 'Connection Refused: %s' ? String(r.params[0] ?? '') : r.format.slice('Connection Refused: '.length);
      this.hooks.refused(answer.localId, answer.bridge, answer.at, refusalOutcome(text), refusalCodes[text]);
      this.failed(answer.bridge, r, `refused: ${text}`, true);
      return;
    }
    // A v5 bridge the remote answered as a 3.1.1 broker connects again at once, with 3.1.1.
    if (r.type === 'message' && r.format === noV5Format) return;
    this.connected(answer.bridge, answer.localId, answer.at);
  }

  /** The broker stopped (`terminating`): a bridge lost just before went with it. */
  brokerStopped(): void {
    this.stopped = true;
    this.stoppedAt = this.lastTime;
  }

  /**
   * The broker started, at `time`: what its bridges were doing before is over, and each is about
   * to connect (one still down is not said to be down before it has had its chance).
   */
  brokerStarted(time: number | null): void {
    this.started = true;
    this.stopped = false;
    this.subscribingAs = null;
    this.awaitingConnect = [];
    this.unsure.clear();
    this.awaitingConnack = [];
    this.lastNamed = null;
    for (const bridge of this.byName.values()) {
      bridge.up = false;
      bridge.replacing = null;
      // Failed attempts of a run that never connected are over with it: this run's start-up is its own.
      if (bridge.down && !bridge.down.wasUp && !bridge.down.announced) bridge.down = null;
      bridge.attemptAt = bridge.down ? time : null;
    }
  }

  /** A bridge line of the catalogue; false when `r` is none. */
  message(r: MessageRecord): boolean {
    const param = String(r.params[0] ?? '');
    if (connectingFormats.has(r.format)) {
      this.onConnecting(param, typeof r.params[1] === 'string' ? r.params[1] : null, typeof r.params[2] === 'number' ? r.params[2] : null, r);
    } else if (r.format === 'Bridge %s doing local SUBSCRIBE on topic %s') {
      // The first line of a bridge's attempt to connect, before its `Connecting bridge`.
      this.subscribingAs = param;
      const bridge = this.byLocalId.get(param);
      if (bridge) bridge.attemptAt = r.time;
    } else if (r.format === 'Bridge %s sending CONNECT') {
      this.onConnect(param);
    } else if (r.format === 'Connecting bridge (step 2) %s (%s:%d)') {
      this.lastNamed = this.byName.get(param) ?? this.lastNamed;
    } else if (r.format === 'Error creating bridge: %s.') {
      const bridge = this.lastNamed;
      if (bridge) {
        this.forget(bridge);
        this.failed(bridge, r, param);
      }
    } else if (unableFormats.has(r.format)) {
      const bridge = this.bridge(param);
      this.forget(bridge);
      this.failed(bridge, r, 'unable to connect');
    } else if (r.format === idleFormat) {
      // A lazy bridge idle for its timeout disconnects on purpose: it is not down.
      const bridge = this.byLocalId.get(param) ?? this.byName.get(param);
      if (bridge?.up && bridge.localId !== null) {
        bridge.up = false;
        this.hooks.closeIdle(bridge.localId, lineOf(r));
      }
    } else {
      return r.format === noV5Format;
    }
    return true;
  }

  /** `Received CONNACK on connection LOCAL-ID.`: its next line says whether it was a refusal. */
  connack(r: PacketRecord): void {
    const known = this.byLocalId.get(r.client);
    const byRemoteId = known ? undefined : this.awaitingConnack.find((b) => b.remoteId !== null && `local.${b.remoteId}` === r.client);
    const bridge = known ?? byRemoteId ?? this.awaitingConnack[0] ?? this.bridge(r.client);
    const guessed = known ? bridge.localGuessed : byRemoteId ? byRemoteId.guessed : this.awaitingConnack.length > 1;
    this.awaitingConnack = this.awaitingConnack.filter((b) => b !== bridge);
    if (this.lastNamed === bridge) this.lastNamed = null;
    this.bindLocalId(bridge, r.client, guessed);
    this.answer = { bridge, localId: r.client, at: lineOf(r) };
  }

  /**
   * The session of a bridge's local end ended, for `reason`. Unless the broker was shutting
   * down, or a lazy bridge went idle, the bridge is down from `at` on.
   */
  ended(localId: string, reason: EndReason, at: Line): void {
    const bridge = this.byLocalId.get(localId);
    if (!bridge) return;
    const wasUp = bridge.up;
    bridge.up = false;
    if (!wasUp || reason === 'broker-shutdown' || reason === 'open' || bridge.down) return;
    bridge.down = { remote: remoteOf(bridge), since: at.time, at: [{ file: at.file, line: at.line }], attempts: 0, lastError: null, wasUp: true, refused: false, unlogged: false };
  }

  /**
   * A connection of `localId` ended with no session open, `error` saying how. When it is a
   * bridge's with an attempt to connect under way, that attempt failed: a broker built without
   * ADNS connects without blocking and learns of a refused connection only when it uses the socket
   * (`Client local.x disconnected: Broken pipe.`), with no `Error creating bridge`. Returns the
   * bridge then, else null.
   */
  attemptEnded(localId: string, error: string, at: Line): Readonly<Bridge> | null {
    const bridge = this.byLocalId.get(localId);
    if (!bridge || bridge.up || bridge.attemptAt === null) return null;
    this.forget(bridge);
    this.failed(bridge, at, error);
    return bridge;
  }

  /** A session begun before the log ended, for `reason`: perhaps a bridge's, not yet known as one. */
  endedBeforeLog(client: string, reason: EndReason, at: Line): void {
    if (reason === 'broker-shutdown' || this.byLocalId.has(client)) return;
    this.endsBeforeLog.set(client, lineOf(at));
  }

  /**
   * The log ended, `last` being its last time. A bridge still down is reported, unless it went
   * down in the last moments of the log without a refusal, and then either this broker stopped or
   * no attempt to connect again failed (its broker being stopped after the remote one, say). An
   * attempt that failed while this broker ran on shows it could not reach its remote.
   */
  finish(last: number | null): void {
    if (this.answer) this.connected(this.answer.bridge, this.answer.localId, this.answer.at);
    this.answer = null;
    for (const bridge of this.byName.values()) {
      const down = bridge.down;
      if (!down || down.announced) continue;
      const lately = down.wasUp && !down.refused && (down.attempts === 0 || this.stopped) && down.since !== null && last !== null && last - down.since >= 0 && last - down.since < endGraceMs;
      // A lost connection followed by an attempt that neither failed nor went on: a lazy bridge
      // waiting for messages to send.
      const waiting = down.wasUp && down.attempts === 0 && bridge.attemptAt !== null;
      if (!lately && !waiting) this.report(bridge, down, 'bridge-down', last);
    }
  }

  /**
   * Reports the bridges down for {@link endGraceMs} by `now`, once each outage, unless an attempt
   * to connect is under way: a lazy bridge waits in one, for messages to send, as long as it takes.
   */
  private announceLongOutages(now: number): void {
    for (const bridge of this.byName.values()) {
      const down = bridge.down;
      if (!down || down.announced || down.since === null) continue;
      const until = this.downUntil(down, now);
      if (until - down.since < endGraceMs) continue;
      if (bridge.attemptAt !== null && (down.attempts === 0 || now - bridge.attemptAt < endGraceMs)) continue;
      down.announced = true;
      this.report(bridge, down, 'bridge-down', until, true);
    }
  }

  /**
   * Until when an outage has lasted by `now`. Once this broker has stopped, a connection lost
   * without a refusal lasted only up to the stop, as at the log's end ({@link finish}): the bridge
   * went with its broker.
   */
  private downUntil(down: Outage, now: number): number {
    return this.stopped && this.stoppedAt !== null && down.wasUp && !down.refused ? Math.min(now, this.stoppedAt) : now;
  }

  private onConnecting(name: string, host: string | null, port: number | null, r: Line): void {
    const bridge = this.bridge(name);
    bridge.host = host;
    bridge.port = port;
    bridge.attemptAt = r.time;
    if (this.subscribingAs !== null) this.bindLocalId(bridge, this.subscribingAs, false);
    this.subscribingAs = null;
    if (!this.awaitingConnect.includes(bridge)) this.awaitingConnect.push(bridge);
    this.awaitingConnack = this.awaitingConnack.filter((b) => b !== bridge);
    this.lastNamed = bridge;
    bridge.replacing = bridge.up ? bridge.replacing ?? lineOf(r) : null;
    // Whose the connection is that looked up is known once the CONNECT shows the remote id.
    if (!bridge.localGuessed) this.replaceUnlogged(bridge);
  }

  /**
   * A bridge connects again while its connection looked up: that one ended without a line
   * (mosquitto closes a bridge whose PINGREQ went unanswered without logging it).
   */
  private replaceUnlogged(bridge: Bridge): void {
    const at = bridge.replacing;
    bridge.replacing = null;
    if (at === null || !bridge.up || bridge.localId === null) return;
    this.hooks.closeUnlogged(bridge.localId, at);
    if (bridge.down) bridge.down.unlogged = true;
  }

  private onConnect(remoteId: string): void {
    // A guessed remote id or local id names no bridge.
    const named = (b: Bridge): boolean => remoteId.endsWith(`.${b.name}`) || remoteId === b.name || (!b.guessed && b.remoteId === remoteId) || (!b.localGuessed && b.localId === `local.${remoteId}`);
    const bridge = this.awaitingConnect.find(named) ?? this.awaitingConnect[0];
    if (!bridge) return;
    const guessed = !named(bridge) && (this.awaitingConnect.length > 1 || this.unsure.has(bridge));
    this.awaitingConnect = this.awaitingConnect.filter((b) => b !== bridge);
    this.unsure.delete(bridge);
    if (guessed) for (const b of this.awaitingConnect) this.unsure.add(b);
    if (!guessed) {
      const wrong = [...this.byName.values()].find((b) => b !== bridge && b.guessed && b.remoteId === remoteId);
      if (wrong) this.exchange(bridge, wrong);
    }
    bridge.remoteId = remoteId;
    bridge.guessed = guessed;
    this.awaitingConnack.push(bridge);
    this.lastNamed = bridge;
    if (!guessed || !bridge.localGuessed) this.replaceUnlogged(bridge);
  }

  /**
   * `owner`'s CONNECT shows that `holder` was given its remote id by a wrong guess: that id is
   * `owner`'s, and what `owner` held is `holder`'s. So is the local id taken from it, with whether
   * its connection is up and its outage, unless a line named either bridge's local id. Sessions
   * already opened are named again; findings already made stay as they were.
   */
  private exchange(owner: Bridge, holder: Bridge): void {
    [owner.remoteId, holder.remoteId] = [holder.remoteId, owner.remoteId];
    // The other's remote id is still a guess when more than two connected together.
    holder.guessed = holder.remoteId !== null;
    if (!holder.localGuessed || (owner.localId !== null && !owner.localGuessed)) return;
    const held = { localId: holder.localId, up: holder.up, down: holder.down };
    const own = { localId: owner.localId, up: owner.up, down: owner.down };
    for (const [bridge, ties] of [[owner, held], [holder, own]] as const) {
      bridge.localId = ties.localId;
      bridge.localGuessed = bridge === holder && ties.localId !== null;
      bridge.up = ties.up;
      bridge.down = ties.down === null ? null : { ...ties.down, remote: remoteOf(bridge) };
      if (ties.localId !== null) this.byLocalId.set(ties.localId, bridge);
    }
    if (held.localId !== null) this.hooks.retag(held.localId, holder, owner);
    if (own.localId !== null) this.hooks.retag(own.localId, owner, holder);
  }

  private connected(bridge: Bridge, localId: string, at: Line): void {
    this.hooks.open(localId, bridge, at);
    bridge.up = true;
    bridge.attemptAt = null;
    bridge.replacing = null;
    const down = bridge.down;
    bridge.down = null;
    if (!down) return;
    const lasted = down.since !== null && at.time !== null ? at.time - down.since : null;
    // Attempts that fail for a moment before a bridge first connects are its start-up (the
    // remote broker starting too); for as long as `follow` gives it before it says the bridge is
    // down, they are an outage. A bridge said to be down is said to be back.
    if (!down.wasUp && !down.announced && (down.attempts === 0 || lasted === null || lasted < endGraceMs)) return;
    // A connection whose end was not logged, replaced at once without a failed attempt, was
    // replaced on purpose.
    const switched = down.unlogged && down.attempts === 0 && lasted !== null && lasted < switchMs;
    if (!switched) this.report(bridge, down, 'bridge-outage', at.time);
  }

  /** An attempt to connect failed (`refused` by the remote broker): the bridge is down, if it was not already. */
  private failed(bridge: Bridge, at: Line, error: string, refused = false): void {
    const where = { file: at.file, line: at.line };
    bridge.attemptAt = null;
    // Attempts before the broker's start was in the log are of a bridge that may have been up.
    bridge.down ??= { remote: remoteOf(bridge), since: at.time, at: [where], attempts: 0, lastError: null, wasUp: !this.started, refused: false, unlogged: false };
    bridge.down.attempts++;
    bridge.down.lastError = error;
    if (refused) bridge.down.refused = true;
    const first = bridge.down.at[0];
    if (first?.file !== where.file || first.line !== where.line) bridge.down.at[1] = where;
    // A failed attempt is said at once, rather than at the line after it.
    if (this.announceDown && at.time !== null) this.announceLongOutages(at.time);
  }

  /** The bridge gave up this attempt: it waits for nothing any more. */
  private forget(bridge: Bridge): void {
    bridge.attemptAt = null;
    this.awaitingConnect = this.awaitingConnect.filter((b) => b !== bridge);
    this.unsure.delete(bridge);
    this.awaitingConnack = this.awaitingConnack.filter((b) => b !== bridge);
    if (this.lastNamed === bridge) this.lastNamed = null;
  }

  /**
   * A finding about `down`, which lasted `until` its next connection or the log's end: timed by
   * that end, so that a window that holds it (`--since 1h`) holds the outage.
   */
  private report(bridge: Bridge, down: Outage, code: BridgeFinding['code'], until: number | null, ongoing = false): void {
    this.hooks.finding({
      code, severity: code === 'bridge-down' ? 'error' : 'warning', client: bridge.localId, time: until ?? down.since, at: down.at,
      bridge: bridge.name, remote: down.remote,
      downMs: down.since !== null && until !== null ? Math.max(0, until - down.since) : null,
      attempts: down.attempts, lastError: down.lastError, wasUp: down.wasUp, ...(ongoing ? { ongoing: true } : {}),
    });
  }

  private bindLocalId(bridge: Bridge, localId: string, guessed: boolean): void {
    bridge.localGuessed = guessed;
    if (bridge.localId === localId) return;
    if (bridge.localId !== null && this.byLocalId.get(bridge.localId) === bridge) this.byLocalId.delete(bridge.localId);
    bridge.localId = localId;
    this.byLocalId.set(localId, bridge);
    // Its connection was up when the log began, and the log saw it end: down since then.
    const earlier = this.endsBeforeLog.get(localId);
    this.endsBeforeLog.delete(localId);
    if (earlier && !bridge.up && bridge.down === null) {
      bridge.down = { remote: remoteOf(bridge), since: earlier.time, at: [{ file: earlier.file, line: earlier.line }], attempts: 0, lastError: null, wasUp: true, refused: false, unlogged: false };
    }
  }

  private bridge(name: string): Bridge {
    let bridge = this.byName.get(name);
    if (!bridge) this.byName.set(name, (bridge = { name, host: null, port: null, remoteId: null, localId: null, guessed: false, localGuessed: false, up: false, down: null, attemptAt: null, replacing: null }));
    return bridge;
  }
}
