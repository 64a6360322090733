/**
 * Outgoing bridges, seen from the broker that makes them. Each connection of a bridge is a
 * session of its local client id, from the CONNACK the remote broker sent to the line that ends
 * it; the time a bridge spends down, and the attempts that failed meanwhile, become findings.
 *
 * A bridge has three names: its connection name (`Connecting bridge (step 1) NAME (host:port)`),
 * its client id on the remote broker (`Bridge REMOTE-ID sending CONNECT`, on the next line) and
 * its local id, which the packet lines use (`Received CONNACK on connection LOCAL-ID.`). The local
 * id is `local.` + the remote id unless configured otherwise; then it is the bridge that was
 * connecting last.
 */
import type { LogRecord, MessageRecord, PacketRecord, Where } from '../parse/index.js';
import type { AttemptOutcome, BridgeFinding, EndReason } from './types.js';

/** A line, with its time. */
type Line = Where & { time: number | null };

/** What the tracker asks of the correlator. */
export interface BridgeHooks {
  /** Opens a session of the local end of `bridge`, at its CONNACK. */
  open(localId: string, bridge: Readonly<Bridge>, at: Line): void;
  /** Ends the open session of `localId`: its end was not logged, `at` is the line that shows it. */
  closeUnlogged(localId: string, at: Line): void;
  /** A connection the remote broker refused. */
  refused(localId: string | null, bridge: Readonly<Bridge>, at: Line, outcome: AttemptOutcome, reasonCode: number | undefined): void;
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
  /** A connection of it is up: its local id has a session open. */
  up: boolean;
  down: Outage | null;
}

/** A time the bridge was not connected: after a connection ended, or since its first attempt. */
interface Outage {
  since: number | null;
  /** The line that began it, and the latest failed attempt. */
  at: Where[];
  attempts: number;
  lastError: string | null;
  /** The bridge was connected before: a connection was lost. */
  wasUp: boolean;
}

const connectingFormats = new Set(['Connecting bridge (step 1) %s (%s:%d)', 'Connecting bridge (step 2) %s (%s:%d)', 'Connecting bridge %s (%s:%d)']);
const unableFormats = new Set(['Warning: Unable to connect to bridge %s.', 'Warning: Unable to connect bridge %s.']);
const idleFormat = 'Bridge connection %s has exceeded idle timeout, disconnecting.';

/** The CONNACK codes of MQTT 3.1.1 refusals, by the words mosquitto logs for them. */
const refusalCodes: Record<string, number> = {
  'unacceptable protocol version': 1, 'identifier rejected': 2, 'bad user name or password': 4, 'not authorised': 5,
};

/**
 * A refusal's outcome: a login the remote turned down, or another refusal. 2.0 logs a 3.1.1
 * CONNACK 4 as `broker unavailable`, the words of 3, so that one stays a plain refusal.
 */
function refusalOutcome(text: string): AttemptOutcome {
  return /not authori[sz]ed|user ?name or password/i.test(text) ? 'not-authorised' : 'refused';
}

function lineOf(r: Line): Line {
  return { file: r.file, line: r.line, time: r.time };
}

/** Follows the outgoing bridges of one broker. */
export class BridgeTracker {
  private readonly byName = new Map<string, Bridge>();
  private readonly byLocalId = new Map<string, Bridge>();
  /** The bridge named by the last `Connecting bridge` line: the next CONNECT, error or CONNACK is its. */
  private connecting: Bridge | null = null;
  /** A CONNACK whose next line says whether the remote refused it. */
  private answer: { bridge: Bridge; localId: string; at: Line } | null = null;

  constructor(private readonly hooks: BridgeHooks) {}

  /** Whether `localId` is the local end of a bridge. */
  isLocalEnd(localId: string): boolean {
    return this.byLocalId.has(localId);
  }

  /**
   * Called before each record: a CONNACK is a connection unless the line after it is a refusal.
   * Returns true when `r` was that refusal, and is taken.
   */
  before(r: LogRecord): boolean {
    const answer = this.answer;
    if (answer === null) return false;
    this.answer = null;
    if (r.type === 'message' && r.family === 'connack' && r.format.startsWith('Connection Refused:')) {
      const text = r.format === 'Connection Refused: %s' ? String(r.params[0] ?? '') : r.format.slice('Connection Refused: '.length);
      this.hooks.refused(answer.localId, answer.bridge, answer.at, refusalOutcome(text), refusalCodes[text]);
      this.failed(answer.bridge, r, `refused: ${text}`);
      return true;
    }
    this.connected(answer.bridge, answer.localId, answer.at);
    return false;
  }

  /** A bridge line of the catalogue; false when `r` is none. */
  message(r: MessageRecord): boolean {
    if (connectingFormats.has(r.format)) {
      this.onConnecting(String(r.params[0]), typeof r.params[1] === 'string' ? r.params[1] : null, typeof r.params[2] === 'number' ? r.params[2] : null, r);
    } else if (r.format === 'Bridge %s sending CONNECT') {
      if (this.connecting) this.connecting.remoteId = String(r.params[0]);
    } else if (r.format === 'Error creating bridge: %s.') {
      if (this.connecting) this.failed(this.connecting, r, String(r.params[0]));
    } else if (unableFormats.has(r.format)) {
      this.failed(this.bridge(String(r.params[0])), r, 'unable to connect');
    } else if (r.format === idleFormat) {
      // A lazy bridge idle for its timeout disconnects on purpose: it is not down.
      const bridge = this.byName.get(String(r.params[0]));
      if (bridge) bridge.up = false;
    } else {
      return false;
    }
    return true;
  }

  /** `Received CONNACK on connection LOCAL-ID.`: its next line says whether it was a refusal. */
  connack(r: PacketRecord): void {
    const bridge = this.byLocalId.get(r.client) ?? this.byRemoteId(r.client) ?? this.connecting ?? this.bridge(r.client);
    if (bridge.localId !== r.client) {
      if (bridge.localId !== null) this.byLocalId.delete(bridge.localId);
      bridge.localId = r.client;
      this.byLocalId.set(r.client, bridge);
    }
    this.answer = { bridge, localId: bridge.localId, at: lineOf(r) };
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
    bridge.down = { since: at.time, at: [{ file: at.file, line: at.line }], attempts: 0, lastError: null, wasUp: true };
  }

  /** The log ended, `last` being its last time: a bridge still down is reported so. */
  finish(last: number | null): void {
    if (this.answer) this.connected(this.answer.bridge, this.answer.localId, this.answer.at);
    this.answer = null;
    for (const bridge of this.byName.values()) {
      if (bridge.down) this.report(bridge, bridge.down, 'bridge-down', last);
    }
  }

  private onConnecting(name: string, host: string | null, port: number | null, r: Line): void {
    const bridge = this.bridge(name);
    bridge.host = host;
    bridge.port = port;
    this.connecting = bridge;
    // A bridge connects again while its connection looked up: that one ended without a line
    // (mosquitto closes a bridge whose PINGREQ went unanswered without logging it).
    if (bridge.up && bridge.localId !== null) this.hooks.closeUnlogged(bridge.localId, lineOf(r));
  }

  private connected(bridge: Bridge, localId: string, at: Line): void {
    this.hooks.open(localId, bridge, at);
    bridge.up = true;
    const down = bridge.down;
    bridge.down = null;
    // Failed attempts before a bridge first connects are its start-up, not an outage.
    if (down?.wasUp) this.report(bridge, down, 'bridge-outage', at.time);
  }

  /** An attempt to connect failed: the bridge is down, if it was not already. */
  private failed(bridge: Bridge, at: Line, error: string): void {
    bridge.down ??= { since: at.time, at: [{ file: at.file, line: at.line }], attempts: 0, lastError: null, wasUp: false };
    bridge.down.attempts++;
    bridge.down.lastError = error;
    bridge.down.at[1] = { file: at.file, line: at.line };
  }

  private report(bridge: Bridge, down: Outage, code: BridgeFinding['code'], until: number | null): void {
    this.hooks.finding({
      code, severity: code === 'bridge-down' ? 'error' : 'warning', client: bridge.localId, time: down.since, at: down.at,
      bridge: bridge.name, remote: bridge.host === null ? null : `${bridge.host}:${bridge.port ?? '?'}`,
      downMs: down.since !== null && until !== null ? Math.max(0, until - down.since) : null,
      attempts: down.attempts, lastError: down.lastError, wasUp: down.wasUp,
    });
  }

  private bridge(name: string): Bridge {
    let bridge = this.byName.get(name);
    if (!bridge) this.byName.set(name, (bridge = { name, host: null, port: null, remoteId: null, localId: null, up: false, down: null }));
    return bridge;
  }

  private byRemoteId(localId: string): Bridge | undefined {
    for (const bridge of this.byName.values()) if (bridge.remoteId !== null && `local.${bridge.remoteId}` === localId) return bridge;
    return undefined;
  }
}
