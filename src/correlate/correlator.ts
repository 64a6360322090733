/**
 * The correlator: a state machine fed one record at a time, in log order. It rebuilds client
 * sessions, connection attempts and QoS 1/2 flows, and turns what went wrong into findings.
 * One pass, bounded state: finished work is folded into aggregates unless asked to be kept.
 */
import {
  type BrokerRecord, type ClientConnectedRecord, type DisconnectCause, type DisconnectRecord, type DropRecord, type LogRecord, type MessageRecord, type MqttVersion, type PacketCmd, type PacketRecord,
  type RecordType, type ServiceExit, type Where, type WillRecord, assertNever, isAtLeast21, isKnownBefore, publishesLogLine,
} from '../parse/index.js';
import { type Bridge, BridgeTracker } from './bridges.js';
import { FailedConnections, endpoint } from './failed-connections.js';
import { BrokerErrorWatch, brokerLevel, errorDetail, settledAfterMs } from './broker-errors.js';
import { type ClientFlows, FlowTracker, awaitedStep, opensFlow, readsNoReasonCode, untimedGraceLines } from './flows.js';
import { FlappingWatch, type Takeovers } from './flapping.js';
import { FlowTable } from './flow-table.js';
import { KeptFindings } from './kept-findings.js';
import { type ConnectedKnown, MassDisconnectWatch } from './mass-disconnect.js';
import { NewestKept, OldestFirst } from './oldest-first.js';
import { Remembered } from './remembered.js';
import { type PendingConnection, PendingConnections } from './pending-connections.js';
import { StallWatch, stallAfterMs } from './stall-watch.js';
import { SubscribeRequests } from './subscribe-requests.js';
import { ActivityCounter, LoggedMessageTally, TroubledClients, distinctClientLimit, errorOrWarning, ownCopy, troubledClientsListed } from './stats.js';
import {
  type Activity, type AttemptOutcome, type BrokerEra, type LoggedMessage, type ConnectionAttempt, type Correlation, type EndReason, type Finding,
  type CorrelatorEvent, type FindingCode, type Flow, type Session, type BrokerCause, type FlappingFinding, type TakeoverFinding, brokerCauses, findingCodes, identifierRejected,
} from './types.js';

/** What to keep and how much state to allow. */
export interface CorrelateOptions {
  /** Keep every session for listing (default true). */
  keepSessions?: boolean;
  /** Which finished flows to keep for listing (default `unfinished`). */
  keepFlows?: 'all' | 'unfinished' | 'none';
  /** Cap on clients with open state and on pending connections (default 1 000 000). */
  maxOpen?: number;
  /** Keep every failed connection for listing (default true); they are always counted. */
  keepAttempts?: boolean;
  /** Findings kept per code; the rest are counted (default 10 000; 0 keeps only counts). */
  maxFindingsPerCode?: number;
  /**
   * Which findings are kept for listing, up to the cap per code (default all; every finding is
   * counted): those a selection lists. With `keepLatestFindings` the last ones of a code past the
   * cap are kept rather than the first, for a window counted back from the log's end.
   */
  keepFinding?: (finding: Finding) => boolean;
  keepLatestFindings?: boolean;
  /** Link deliveries to the inbound PUBLISH that caused them (`flow.origin`; default false). */
  traceOrigins?: boolean;
  /** Called as sessions start and end, attempts fail and findings arise. */
  onEvent?: (event: CorrelatorEvent) => void;
  /**
   * Report an outgoing bridge down once it has been down for 10 s of log time with no attempt to
   * connect under way (a `bridge-down` that is `ongoing`), rather than when the log ends, and its
   * next connection as an outage: for a log that is followed.
   */
  announceBridgesDown?: boolean;
  /**
   * Watch flows in flight for a `flow-stalled` event: one that waits {@link stallAfterMs} for its
   * next step while its client stays connected, once {@link Correlator.announceStalledFlows} is on.
   */
  watchStalledFlows?: boolean;
}

interface OpenSession {
  session: Session;
  /** The client's DISCONNECT packet, when logged (1.3 logs nothing after it). */
  disconnectAt: (Where & { time: number | null }) | null;
  /**
   * An outgoing bridge's PINGREQ to the remote broker that no PINGRESP answered yet. A
   * connection whose end was not logged died there; without one, it was replaced on purpose.
   */
  pingUnanswered: (Where & { time: number | null }) | null;
  /** The topic and size of its will, when the log said them (debug lines). */
  willMessage: { topic: string | null; payloadBytes: number | null } | null;
  /** Its connection had no `New connection` line: a websockets connection, whose end after a takeover comes late. */
  unannounced: boolean;
  /** The broker accepted it with a CONNACK: another accepted CONNACK to the id is of a new connection. */
  accepted: boolean;
}

interface ClientState extends ClientFlows {
  /** The client id, in text of its own: the map's key, and what the client's sessions name. */
  id: string;
  session: OpenSession | null;
  /**
   * Whether the broker may keep the session after its connection ends: a 3.x session without
   * clean session, and any v5 session (its expiry interval is not logged) until a CONNACK or a
   * clean start says it did not.
   */
  mayResume: boolean;
  /**
   * The old connection's end line still to come after a takeover: 1.x logs `Client X disconnected.`;
   * a websockets connection closes later and logs its end as lost. `causes` are those the line may give.
   * See {@link Correlator.isTakeoverEcho}.
   */
  takeoverEcho: { until: number; time: number | null; causes: ReadonlySet<DisconnectCause> } | null;
  /** Its takeovers, once it has had one ({@link FlappingWatch}). */
  takeovers: Takeovers | null;
  /** A takeover finding waiting for the new connection's address. */
  takeoverFinding: Finding | null;
  /** The flapping finding that takeover began, announced after it. */
  flappingFinding: FlappingFinding | null;
  /**
   * After a CONNACK that refused a login of this id, the record until which its disconnect line
   * is that refusal's own: the CONNACK was the attempt already.
   */
  refusedUntil: number;
  /** When the broker last sent the client a SUBACK: retained messages it sends just after come from its store. */
  subackAt: number | null;
  /**
   * The id of the last PUBLISH sent to the client (null at QoS 0, or after a drop), its payload
   * size and its topic (null after a drop), for a drop as too large that follows.
   */
  lastSentMid: number | null;
  lastSentBytes: number;
  lastSentTopic: string | null;
  /** Whether that PUBLISH was counted as a message sent (not a re-send of one in flight). */
  lastSentCounted: boolean;
  /**
   * An outgoing bridge just connected: it sends the remote its retained QoS 1 state message
   * (`$SYS/broker/connection/…/state`) without a line, so the first PUBACK of no flow is for it.
   */
  bridgeNotice: boolean;
  /** The client's entry in the top-clients counts, while it is live (`byClient.generation`). */
  activity: Activity | null;
  activityGeneration: number;
}

/**
 * A session this correlator does not hold, for the line that ends it: one begun before the log
 * (keepalive and start unknown), or one given up at the state limit.
 */
interface UntrackedSession {
  keepalive: number | null;
  /** The last packet from the client (or the session's start), for a timeout's silence. */
  lastHeard: number | null;
  startAt: Where | null;
}

/** A line saying the broker drops a client for a packet that breaks the protocol, and what was wrong. */
interface Violation {
  /** The client it names, else the address (and port, from 2.1). */
  client: string | null;
  address: string | null;
  port: number | null;
  detail: string;
  at: Where;
}

/** What a new session's connection says of it. */
type SessionHead = Pick<Session, 'client' | 'address' | 'port' | 'listenerPort' | 'mqttVersion' | 'protocolLevel' | 'cleanSession' | 'keepalive' | 'username' | 'bridge' | 'outgoingBridge'>;

/**
 * A session opened at `at`, with nothing counted yet. Its fields are written out, not spread: the
 * correlator reads them for every packet, and one literal gives every session the same fast shape.
 */
function newSession(head: SessionHead, at: Where & { time: number | null }): Session {
  const session: Session = {
    client: head.client, address: head.address, port: head.port, listenerPort: head.listenerPort, mqttVersion: head.mqttVersion,
    protocolLevel: head.protocolLevel, cleanSession: head.cleanSession, keepalive: head.keepalive, username: head.username, bridge: head.bridge,
    start: at.time, end: null, durationMs: null, endReason: 'open', startAt: { file: at.file, line: at.line }, endAt: null,
    packetsIn: newPacketCounts(), packetsOut: newPacketCounts(), messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0,
    subscriptions: 0, lastActivity: at.time, will: null,
  };
  if (head.outgoingBridge !== undefined) session.outgoingBridge = head.outgoingBridge;
  return session;
}

/** How each disconnect cause ends a session. */
const causeEnds: Record<DisconnectCause, EndReason> = {
  'client-disconnect': 'disconnect',
  closed: 'closed',
  timeout: 'timeout',
  'socket-error': 'socket-error',
  'bad-socket': 'socket-error',
  'os-error': 'socket-error',
  unknown: 'other',
  'protocol-error': 'protocol-error',
  'malformed-packet': 'protocol-error',
  'oversize-packet': 'protocol-error',
  'oversize-payload': 'protocol-error',
  'disallowed-feature': 'protocol-error',
  'topic-alias-invalid': 'protocol-error',
  'receive-maximum': 'protocol-error',
  'not-authorised': 'not-authorised',
  'bad-credentials': 'not-authorised',
  banned: 'not-authorised',
  'invalid-client-id': 'not-authorised',
  'bad-auth-method': 'not-authorised',
  administrative: 'kicked',
  'session-taken-over': 'takeover',
  'server-unavailable': 'other',
  'server-busy': 'other',
  'quota-exceeded': 'other',
  'rate-exceeded': 'other',
  'implementation-error': 'other',
  'http-origin': 'other',
  'out-of-memory': 'other',
};

/**
 * How long a log with packet lines that begins after the broker started runs before every client
 * connected as it began is taken to have been heard from: a client sends a packet at least once a
 * keepalive, most often a minute, rarely more than five.
 */
const heardAllAfterMs = 10 * 60_000;

/** An end's detail that is a cause of the broker's own: a `dropped-by-broker` finding. */
const isBrokerCause = (detail: string): detail is BrokerCause => (brokerCauses as readonly string[]).includes(detail);

/**
 * The broker logs `Bad socket read/write on client X: <its error text>` for any reason without a
 * line of its own, not only the socket's: by that text, the end the client's own packets caused.
 * `Unknown error` is the text of the codes 2.0 has no words for, all of a packet the broker
 * refused (an invalid topic alias, retain not supported).
 */
const badSocketEnds: Readonly<Record<string, EndReason>> = {
  'A network protocol error occurred when communicating with the broker': 'protocol-error',
  'Malformed UTF-8': 'protocol-error',
  'Duplicate property in property list': 'protocol-error',
  'Requested QoS not supported on server': 'protocol-error',
  'This feature is not supported': 'protocol-error',
  'Packet larger than supported by the server': 'protocol-error',
  'Payload too large': 'protocol-error',
  'Unknown error': 'protocol-error',
  'Out of memory': 'other',
};

/** The text cut to at most `max` UTF-16 units, one fewer where the cut would split a surrogate pair (an emoji). */
function cutToLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** How a disconnect line ends a session: by its cause, and for `Bad socket read/write` by its error text. */
function endOf(r: DisconnectRecord): EndReason {
  if (r.cause === 'bad-socket' && r.detail !== undefined) return badSocketEnds[r.detail.replace(/\.$/, '')] ?? 'socket-error';
  return causeEnds[r.cause];
}

/**
 * CONNACK codes that refuse the client itself: its id, its credentials, its authentication method,
 * not authorised or banned (3.1.1: 2, 4, 5; v5: 0x85, 0x86, 0x87, 0x8A, 0x8C). These are the
 * causes a disconnect line names for an attempt that is not authorised.
 */
const authCodes = new Set([2, 4, 5, 133, 134, 135, 138, 140]);

/** The broker's words for `MOSQ_ERR_INVAL`, with which it closes a connection it refused for its keepalive. */
const invalidArgumentsText = 'Invalid arguments provided.';

/**
 * Whether a CONNACK to a client of this MQTT version says if a session was present: the broker
 * sets the flag for 3.1.1 and v5 only, so a 3.1 client always reads 0. A 1.4/1.5 connect line
 * names no version; its clients are taken to be the 3.1.1 most were.
 */
function saysSessionPresent(mqttVersion: MqttVersion | null | undefined): boolean {
  return mqttVersion !== '3.1';
}

/** An IPv4 address, or an IPv6 one (two colons at least, `::ffff:127.0.0.1` too): what no client id is taken for. */
const ipLiteral = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)$/;

/**
 * Catalogue formats that record a refused network connection, with why the broker refused it.
 * Out of file descriptors (1.5.2 on), the broker accepts a connection on the one it keeps spare
 * and closes it at once, a line each time; built with tcpd, it has a descriptor to accept on but
 * none for tcpd to read its files with, which then denies the connection.
 */
const deniedFormats: ReadonlyMap<string, string> = new Map([
  ['Client connection from %s denied access by tcpd.', 'denied by tcpd'],
  ['Client connection from %s denied: max_connections exceeded.', 'max_connections exceeded'],
  ['Unable to accept new connection, system socket count has been exceeded. Try increasing "ulimit -n" or equivalent.', 'socket count exceeded'],
]);

/**
 * A TLS handshake the broker gave up as it accepted the connection (2.0 and older), before any
 * `New connection` line: one line per OpenSSL error.
 */
const handshakeFailedFormat = 'Client connection from %s failed: %s.';

/** OpenSSL's errors, one line each, the reason last (1.x, 1.6.9–2.0, 2.1). */
const opensslErrorFormats = new Set(['OpenSSL Error: %s', 'OpenSSL Error[%d]: %s', 'OpenSSL Error %s[%d]: %s']);

/**
 * The broker's lines for a packet that breaks the protocol, which it then drops the client for,
 * and what each says was wrong. Before 2.0 the end line that follows says `Socket error`.
 */
const violationFormats = new Map<string, string | ((params: ReadonlyArray<string | number>) => string)>([
  ['Invalid QoS in PUBLISH from %s, disconnecting.', 'invalid QoS in PUBLISH'],
  ['Too high QoS in PUBLISH from %s, disconnecting.', "PUBLISH at a QoS over its listener's max_qos"],
  ['Invalid PUBLISH (QoS=0 and DUP=1) from %s, disconnecting.', 'PUBLISH with QoS 0 and DUP 1'],
  ['Client %s sent topic with invalid UTF-8, disconnecting.', 'topic with invalid UTF-8'],
  ['Empty subscription string from %s, disconnecting.', 'empty subscription filter'],
  ['Invalid QoS in subscription command from %s, disconnecting.', 'invalid QoS in SUBSCRIBE'],
  ['Invalid subscription string from %s, disconnecting.', 'invalid subscription filter'],
  ['Malformed UTF-8 in subscription string from %s, disconnecting.', 'subscription filter with invalid UTF-8'],
  ['Empty unsubscription string from %s, disconnecting.', 'empty unsubscription filter'],
  ['Invalid unsubscription string from %s, disconnecting.', 'invalid unsubscription filter'],
  ['Malformed UTF-8 in unsubscription string from %s, disconnecting.', 'unsubscription filter with invalid UTF-8'],
  ['Bad client %s sending multiple CONNECT messages.', 'a second CONNECT'],
  ['Bad client %s:%d sending multiple CONNECT messages.', 'a second CONNECT'],
  // 2.1 says what broke the protocol for every packet it checks.
  ['Protocol error from %s: AUTH packet without existing auth-method.', 'AUTH without an authentication method'],
  ['Protocol error from %s: AUTH packet when session not MQTT v5.0.', 'AUTH from a client not on MQTT v5'],
  ['Protocol error from %s: AUTH packet with non-matching auth-method property (%s:%s).', 'AUTH with another authentication method'],
  ['Protocol error from %s: AUTH packet with reason-code = %d.', (p) => `AUTH with reason code ${p[1]}`],
  ['Protocol error from %s: AUTH packet without auth-method property.', 'AUTH naming no authentication method'],
  ['Protocol error from %s: AUTH reauthentication packet before session is active,', 'AUTH out of turn (reauthentication before the session was active, or no authentication under way)'],
  ['Protocol error from %s: Sending AUTH packet when session not MQTT v5.0.', 'AUTH to a client not on MQTT v5'],
  ['Protocol error from %s: CONNACK when not a bridge.', 'CONNACK from a client'],
  ['Protocol error from %s: DISCONNECT packet with incorrect flags %02X.', 'DISCONNECT with wrong flags'],
  ['Protocol error from %s: DISCONNECT packet with mismatched session-expiry-interval (%d:%d).', 'DISCONNECT setting a session expiry the CONNECT had not'],
  ['Protocol error from %s: DISCONNECT packet with overlong remaining length (%d:%d).', 'DISCONNECT longer than its fields'],
  ['Protocol error from %s: PINGREQ before session is active.', 'PINGREQ before the session was active'],
  ['Protocol error from %s: PINGRESP before session is active.', 'PINGRESP before the session was active'],
  ['Protocol error from %s: PINGRESP when not a bridge.', 'PINGRESP from a client'],
  ['Protocol error from %s: %s before session is active.', (p) => `${p[1]} before the session was active`],
  ['Protocol error from %s: %s with mid = 0.', (p) => `${p[1]} with message id 0`],
  ['Protocol error from %s: %s with reason code = %d.', (p) => `${p[1]} with reason code ${p[2]}`],
  ['Protocol error from %s: Mismatched QoS (%d:%d) when deleting outgoing message.', 'acknowledgement of another QoS than its message'],
  ['Protocol error from %s: Mismatched state (%d:%d) when deleting outgoing message.', 'acknowledgement out of turn'],
  ['Protocol error from %s: Mismatched QoS (%d:%d) when updating outgoing message.', 'PUBREC for a message not sent at QoS 2'],
  ['Protocol error from %s: Incorrect QoS (%d) when deleting incoming message.', 'PUBREL for a message not received at QoS 2'],
  ['Protocol error from %s: Incorrect QoS (%d) when releasing incoming message.', 'PUBREL for a message not received at QoS 2'],
  ['Protocol error from %s: PUBLISH before session is active.', 'PUBLISH before the session was active'],
  ['Protocol error from %s: PUBLISH invalid topic alias (%d).', (p) => `invalid topic alias ${p[1]} in PUBLISH`],
  ['Protocol error from %s: PUBLISH packet with mid = 0.', 'PUBLISH with message id 0'],
  ['Protocol error from %s: PUBLISH with dup = %d.', (p) => `PUBLISH with DUP ${p[1]}`],
  ['Protocol error from %s: PUBREC before session is active.', 'PUBREC before the session was active'],
  ['Protocol error from %s: PUBREC with invalid properties.', 'PUBREC with invalid properties'],
  ['Protocol error from %s: PUBREC with mid = 0.', 'PUBREC with message id 0'],
  ['Protocol error from %s: PUBREC with reason code = %d.', (p) => `PUBREC with reason code ${p[1]}`],
  ['Protocol error from %s: PUBREL before session is active.', 'PUBREL before the session was active'],
  ['Protocol error from %s: PUBREL with invalid properties.', 'PUBREL with invalid properties'],
  ['Protocol error from %s: PUBREL with mid = 0.', 'PUBREL with message id 0'],
  ['Protocol error from %s: PUBREL with non-zero reserved flags (%02X).', 'PUBREL with wrong flags'],
  ['Protocol error from %s: PUBREL with reason code = %d.', (p) => `PUBREL with reason code ${p[1]}`],
  ['Protocol error from %s: $share subscription with no-local set.', 'shared subscription with no-local'],
  ['Protocol error from %s: SUBACK before session is active.', 'SUBACK before the session was active'],
  ['Protocol error from %s: SUBACK when not a bridge.', 'SUBACK from a client'],
  ['Protocol error from %s: SUBSCRIBE before session is active.', 'SUBSCRIBE before the session was active'],
  ['Protocol error from %s: SUBSCRIBE packet with invalid properties.', 'SUBSCRIBE with invalid properties'],
  ['Protocol error from %s: UNSUBACK before session is active.', 'UNSUBACK before the session was active'],
  ['Protocol error from %s: UNSUBACK when not a bridge.', 'UNSUBACK from a client'],
  ['Protocol error from %s: UNSUBSCRIBE before session is active.', 'UNSUBSCRIBE before the session was active'],
  ['Protocol error from %s: UNSUBSCRIBE packet with invalid properties.', 'UNSUBSCRIBE with invalid properties'],
  // A CONNECT's: its connection ends before it is a session.
  ['Malformed UTF-8 in will topic string from %s, disconnecting.', 'will topic with invalid UTF-8'],
  ['Invalid Will QoS in CONNECT from %s.', 'invalid will QoS in CONNECT'],
  ['Invalid protocol "%s" in CONNECT from %s.', 'invalid protocol name in CONNECT'],
  ['Protocol error from %s: password without username, closing connection.', 'password without username in CONNECT'],
  ['Protocol error from %s: CONNECT packet invalid property (%d).', (p) => `invalid property ${p[1]} in CONNECT`],
  ['Protocol error from %s: CONNECT packet with maximum-packet-size = 0.', 'maximum packet size 0 in CONNECT'],
  ['Protocol error from %s: CONNECT packet with overlong remaining length (%d:%d).', 'CONNECT longer than its fields'],
  ['Protocol error from %s: CONNECT packet with receive-maximum = 0.', 'receive maximum 0 in CONNECT'],
  ['Protocol error from %s: CONNECT with password flag but no password.', 'password flag without a password in CONNECT'],
  ['Protocol error from %s: CONNECT with username flag but no username.', 'username flag without a username in CONNECT'],
  ['Protocol error from %s: Will with empty topic.', 'will with an empty topic in CONNECT'],
  ['Protocol error from %s: CONNECT without Will with non-zero QoS (%d) or retain (%d).', 'will QoS or retain without a will in CONNECT'],
  ['Protocol error from %s:%d CONNECT with missing clientid string.', 'CONNECT without a client id'],
  ['Protocol error from %s:%d: CONNECT with incorrect protocol string length (%d).', 'wrong protocol name length in CONNECT'],
  ['Protocol error from %s:%d: CONNECT with invalid protocol "%s".', 'invalid protocol name in CONNECT'],
  ['Protocol error from %s:%d: CONNECT with invalid protocol version (%d).', (p) => `invalid protocol version ${p[2]} in CONNECT`],
  ['Protocol error from %s:%d: CONNECT with missing connect flags.', 'CONNECT without its flags'],
  ['Protocol error from %s:%d: CONNECT with missing protocol string length.', 'CONNECT without a protocol name'],
  ['Protocol error from %s:%d: CONNECT with missing protocol string.', 'CONNECT without a protocol name'],
  ['Protocol error from %s:%d: CONNECT with missing protocol version.', 'CONNECT without a protocol version'],
  ['Protocol error from %s:%d: CONNECT with non-zero connect reserved flag (%02X).', 'reserved flag set in CONNECT'],
  ['Protocol error from %s:%d: CONNECT with non-zero reserved flags (%02X).', 'reserved flags set in CONNECT'],
  ['Protocol error from %s:%d: CONNECT with zero length clientid when forbidden.', 'empty client id in CONNECT where not allowed'],
  ['Protocol error from %s:%d: v3.1 CONNECT with zero length clientid.', 'empty client id in an MQTT 3.1 CONNECT'],
  ['Protocol error from %s:%d: CONNECT with invalid Will QoS (%d).', 'invalid will QoS in CONNECT'],
  ['Protocol error from %s:%d: First packet not CONNECT (%02X).', 'first packet not CONNECT'],
  ['Protocol error from %s:%d: RESERVED packet.', 'packet of the reserved type'],
]);

/** Record types only a running broker logs: its clients, their packets, and its own `running`, saves and reloads. */
const runningTypes: ReadonlySet<RecordType> = new Set(['connection', 'client-connected', 'disconnect', 'takeover', 'packet', 'subscription', 'will', 'messages-dropped', 'session-expiry']);

/** Whether `r` shows the broker was running, rather than starting. */
function showsBrokerRunning(r: LogRecord): boolean {
  return runningTypes.has(r.type) || (r.type === 'broker' && (r.event === 'running' || r.event === 'saving' || r.event === 'reloading' || r.event === 'terminating'));
}

/**
 * Whether a packet line shows the log has debug lines. The warning of an acknowledgement's
 * unknown id is logged without them. (Not by the record's level: an envelope may give every line
 * its own.)
 */
export function isDebugLine(r: PacketRecord): boolean {
  return r.outcome !== 'unknown-mid';
}

/** What a protocol violation's line says was wrong; a value the broker cut off the line is `?`. */
function violationDetail(r: MessageRecord): string {
  const detail = violationFormats.get(r.format) ?? '';
  return typeof detail === 'string' ? detail : detail([0, 1, 2].map((i) => r.params[i] ?? '?'));
}

/**
 * The ends whose connection the broker closes with its will sent at once (`context__disconnect`).
 * A takeover sends it as the new connection is accepted; a shutdown, a drop at a reload and a
 * kick (disconnecting first) not at all.
 */
const willSentAtEnd: ReadonlySet<EndReason> = new Set(['closed', 'timeout', 'socket-error', 'protocol-error']);

/** A `starting` line whose start is not yet known to have gone on, and the first error after it. */
interface PendingStart {
  r: BrokerRecord;
  /** The time before the `starting` line: when the sessions of the broker before it ended. */
  lastTime: number | null;
  error: MessageRecord | null;
}

/** How many records after a protocol violation the end line of its client is looked for. */
const violationRecords = 2;

/** How many records after an OpenSSL error the disconnect line of its connection is looked for. */
const tlsErrorRecords = 5;

/** Sessions of a local id kept to name again, while which bridge it is was guessed. */
const guessedBridgeSessionsKept = 64;

/** The broker dropped a QoS 2 message in flight whose id the PUBLISH just received reused (2.0.9+). */
const reusedMidFormat = 'Reused message ID %u from %s detected. Clearing from storage.';

/**
 * The line a broker logs (debug, 2.0.6 on) as it refuses a CONNECT whose will's payload is over
 * `message_size_limit`: its CONNACK, to the address, follows at once, then the connection's end
 * (`oversize payload`).
 */
const willTooLargeFormat = 'Client %s connected with too large Will payload';

/** How many records after the line of a will too large its refusal's CONNACK is looked for. */
const willTooLargeRecords = 2;

/** 2.0's warning as it starts without a listener in its configuration. */
const localOnlyFormat = 'Starting in local only mode. Connections will only be possible from clients running on this machine.';

/** Findings of each code a correlation lists by default (`maxFindingsPerCode`); the rest are counted. */
export const defaultFindingsPerCode = 10_000;

const takeoverEchoRecords = 50;
/** The causes of the old connection's end line after a takeover: 1.x's echo; a websockets connection's loss (2.0: `closed its connection`, 1.6: `Socket error`). */
const echoCauses1x: readonly DisconnectCause[] = ['client-disconnect'];
const echoCausesWebsockets: readonly DisconnectCause[] = ['closed', 'socket-error'];
/**
 * How long the broker waits for a new connection's CONNECT: one that waited less when the log
 * ended may still send it (the log was cut mid-handshake), so it is not counted as failed.
 */
const connectWaitMs = 90_000;
/** How many guessed `Client <unknown>` connections are kept to put right. */
const guessesKept = 16;
/** A client id the broker also prints for a connection with none. */
const literalUnknown = '<unknown>';
/** Ids of sessions ended lately kept past the cap on distinct ids, to tell an end's echo. */
const recentEndsKept = 10_000;
/** Persistent sessions ended lately, kept to tell one the broker no longer holds ({@link Correlator.persistentEnded}). */
const persistentEndsKept = 100_000;
/** Records from a connect line to its CONNACK: the will's line, its topic's and 2.1's line of the TLS cipher come between. */
const connackAfterConnectRecords = 4;
/** How many records after a refused CONNACK its connection's disconnect line is looked for. */
const refusalEchoRecords = 50;

/**
 * The fewest characters of a client id left on a line the broker cut inside it: 1.x keeps 499
 * bytes past its format, 2.x 999 in all, and the id comes before most of the other fields.
 */
const cutIdLength = 256;

/** Rebuilds sessions, flows and findings from records pushed in log order. */
export class Correlator {
  private readonly keepSessions: boolean;
  /** The cap on clients with open state, and on connections pending. */
  readonly maxOpen: number;
  private readonly emit: (event: CorrelatorEvent) => void;

  private readonly clients = new Map<string, ClientState>();
  private readonly pending: PendingConnections;
  private readonly failed: FailedConnections;
  /** Records of the broker sending its log lines to `$SYS` topics, which {@link records} leaves out. */
  private logLinesSent = 0;
  private readonly flapping = new FlappingWatch((finding) => this.emit({ kind: 'finding-settled', finding }));
  /** Connections `Client <unknown>` lines were taken to end, newest last, to put right (see {@link reclaimGuessed}). */
  private readonly guessed: Array<{ attempt: ConnectionAttempt; taken: PendingConnection; rival: PendingConnection | null }> = [];
  /** The connection of a refused CONNACK sent to an id, whose disconnect line may name its address alone (2.1). */
  private readonly refusedNamed = new Remembered<{ address: string; port: number }>();
  /** A refused CONNACK sent to an address (no id yet), whose disconnect line is still to come. */
  private readonly refusedUnnamed = new Remembered<ConnectionAttempt>();
  /** The first of a run of OpenSSL errors, whose connection's disconnect line is still to come. */
  private readonly tlsError = new Remembered<{ detail: string; at: Where }>();
  /** The version the broker's last line that names one gave (`starting`, `running`, `terminating`). */
  private runVersion: string | null = null;
  /** The broker stopped, and has not said it saved its database since (`Saving in-memory database`). */
  private stoppedUnsaved = false;
  /**
   * A `Reloading config.` line not yet followed by a packet the broker received or a connection:
   * the clients it then drops, as no longer allowed in, are logged as plain `disconnected.` lines.
   */
  private reloadedAt: { time: number | null } | null = null;
  /** The record of the last `New connection` line. */
  private lastConnectionAt = 0;
  /** The last connect line (`New client connected`): its client and record. */
  private lastConnected: { client: string; record: number } | null = null;
  /**
   * The end of a session begun before the log, logged right after a new connection: unless the
   * next line connects the same client, which shows the end was the broker dropping the client's
   * offline session as it came back (1.4, 1.5).
   */
  private resumeEcho: { client: string; reason: EndReason; r: DisconnectRecord; detail: string | undefined } | null = null;
  /** An error or warning of several lines whose later lines have values, until they are in ({@link tellLogged}). */
  private heldLogged: { record: MessageRecord; level: LoggedMessage['level'] } | null = null;
  /** The client whose will was too large, whose refusal's CONNACK is still to come. */
  private readonly willTooLarge = new Remembered<string>();
  /** The last line saying the broker drops a client for a packet that breaks the protocol. */
  private readonly violation = new Remembered<Violation>();
  /**
   * Whether a line since the log's start, or the broker's last start, came from a broker running:
   * not one of the lines it prints as it starts (2.1 prints who it runs as before `starting`).
   */
  private ranBeforeStart = false;
  /** The last `starting` line, until what follows shows whether the broker started ({@link settleStart}). */
  private startPending: PendingStart | null = null;
  private readonly brokerErrors = new BrokerErrorWatch({
    finding: (f) => this.addFinding(f),
    starting: () => this.startPending !== null,
    brokerRunning: () => this.ranBeforeStart && this.terminated === null,
  });
  /** The record of the last timeout of a connection without an id. */
  private unknownTimeoutAt = 0;
  /** The record of the last handshake that failed as it was accepted, from where, and why. */
  private lastHandshakeFailed: { address: string; detail: string; record: number } | null = null;

  private records = 0;
  private lastTime: number | null = null;
  /** Where the last record was: a log without times measures what its end cut by lines. */
  private lastFile: string | null = null;
  private lastLine = 0;
  private first: number | null = null;
  private last: number | null = null;
  private readonly recordTypes: Partial<Record<RecordType, number>> = {};
  private unknown = 0;
  private otherProgramLines = 0;
  private readonly unknownExamples: string[] = [];
  private readonly loggedMessages = new LoggedMessageTally();
  private readonly troubled = new TroubledClients();
  /** Sessions open now. */
  private openSessions = 0;
  /** Every session since the broker's start is in the log, none let go at the cap: the clients connected are known. */
  private sessionsKnown = false;
  private readonly massDisconnects = new MassDisconnectWatch((finding) => this.addFinding(finding));
  private unknownAt: Where | null = null;
  private readonly versions = new Set<string>();
  /** Whether a connect line named its client's port, which only 2.0 and later do. */
  private portsNamed = false;
  /** Whether a connect line named no port (before 2.0). */
  private portsUnnamed = false;
  /** Whether a disconnect line named the address and port its client connected from (2.1 and later). */
  private endsNamed = false;
  private starts = 0;
  private reloads = 0;
  private terminated: { time: number | null; ended: number } | null = null;
  /**
   * The sessions the broker's stop ended, by client, until its next start or stop line: it still
   * sends what it has queued as it closes them (2.1 its last log lines to `$SYS/broker/log/#`),
   * which they count.
   */
  private readonly stoppedSessions = new Map<string, Session>();
  private debugLines = false;
  /** Flows in flight, by how long they have waited ({@link CorrelateOptions.watchStalledFlows}). */
  private readonly stalls: StallWatch | null;
  private announceStalls = false;
  /** True once a line's time had a fraction of a second: the log's stamps are finer than whole seconds. */
  private finerThanSeconds = false;

  private readonly sessions: Session[] = [];
  private sessionCount = 0;
  private sessionsFromConnack = 0;
  private readonly sessionsByEnd: Partial<Record<EndReason, number>> = {};
  private readonly clientIds = new Set<string>();
  /** Sessions not held whose end line has not come yet, by client (see {@link UntrackedSession}). */
  private readonly untracked = new Map<string, UntrackedSession>();
  private clientIdsCapped = false;
  /**
   * The ids of the sessions ended latest, once {@link clientIds} is capped: an end line of one of
   * them is an echo of its end, not the end of a session begun before the log.
   */
  private readonly recentEnds = new NewestKept<string, true>(recentEndsKept);
  /**
   * By client, the latest session of an MQTT 3.1.1 client without clean session that ended, and
   * the broker starts counted then: the broker should hold it when the client comes back, unless
   * it expired or a clean session took its place ({@link SessionLostFinding}).
   */
  private readonly persistentEnded = new NewestKept<string, { at: Where; starts: number }>(persistentEndsKept);
  private readonly flows: FlowTracker;
  /** The latest sessions of each local id opened while whose it is was guessed ({@link Bridge.localGuessed}). */
  private readonly guessedBridgeSessions = new Map<string, Session[]>();
  /** Sessions that may change after their end, with how many reasons hold each ({@link holdSession}). */
  private readonly unsettled = new Map<Session, number>();
  private readonly bridges = new BridgeTracker({
    open: (localId, bridge, at) => this.openBridgeSession(localId, bridge, at),
    closeUnlogged: (localId, at) => {
      // Unanswered since a PINGREQ, it died then (mosquitto drops it at its keepalive, silently);
      // else it ends at the attempt that replaced it (`round_robin` going back to its first address).
      const st = this.clients.get(localId);
      if (st?.session) this.closeSession(localId, st, 'other', st.session.pingUnanswered ?? at, 'not logged; the bridge connected again');
    },
    closeIdle: (localId, at) => {
      const st = this.clients.get(localId);
      if (st?.session) this.closeSession(localId, st, 'disconnect', at, 'idle timeout');
    },
    retag: (localId, from, to) => {
      for (const session of this.guessedBridgeSessions.get(localId) ?? []) {
        if (session.outgoingBridge !== from.name) continue;
        session.outgoingBridge = to.name;
        session.address = to.host;
        session.port = to.port;
      }
      this.guessesOfBridgeOver(localId);
    },
    refused: (localId, bridge, at, outcome, reasonCode) => {
      this.failed.add(localId, bridge.host, bridge.port, null, at, outcome, { reasonCode, bridge: bridge.name });
      // Its `closed its connection` line is the refusal's, not a session's end.
      this.state(localId).refusedUntil = this.records + refusalEchoRecords;
    },
    finding: (f) => this.addFinding(f),
  });
  private readonly findings: KeptFindings;
  /** The files read, in the order their first lines came. */
  private readonly files: string[] = [];
  private readonly findingTotals: Partial<Record<FindingCode, number>> = {};
  private readonly byClient = new ActivityCounter();
  private readonly byTopic = new ActivityCounter(undefined, true);
  private readonly perMinute = new Map<number, number>();
  private readonly evicted = { sessions: 0, flows: 0, connections: 0 };
  private readonly clientsToEvict = new OldestFirst(this.clients);
  /** Where flow eviction is among the clients; each client's {@link FlowTable} keeps its own place. */
  private readonly flowClientsToEvict = new OldestFirst(this.clients);
  /** The minute of the last timed record, and its records not yet added to `perMinute`. */
  private minute = 0;
  private minuteLines = 0;

  /**
   * The last packet line, and which record it was: the broker's second line about a packet (a
   * plugin's `Denied PUBLISH`, the warning of an unknown packet id) follows the packet's own.
   */
  private lastPacket: PacketRecord | null = null;
  private lastPacketAt = 0;

  private readonly subscribeRequests = new SubscribeRequests({
    sessionOf: (client) => this.clients.get(client)?.session?.session ?? null,
    granted: (client, at) => this.emit({ kind: 'subscription-granted', client, at }),
    denied: (client, filter, qos, at, time) => {
      this.emit({ kind: 'subscription-denied', client, filter, at });
      this.addFinding({ code: 'subscribe-denied', severity: 'warning', client, time, at: [at], filter, qos });
    },
  });

  constructor(options: CorrelateOptions = {}) {
    this.keepSessions = options.keepSessions ?? true;
    this.maxOpen = options.maxOpen ?? 1_000_000;
    this.pending = new PendingConnections(this.maxOpen, {
      gaveUp: (p) => this.neverConnected(p),
      evicted: (count) => { this.evicted.connections += count; },
    });
    this.findings = new KeptFindings(options.maxFindingsPerCode ?? defaultFindingsPerCode, options.keepFinding, options.keepLatestFindings);
    this.failed = new FailedConnections(options.keepAttempts ?? true, {
      told: (attempt) => this.emit({ kind: 'attempt', attempt }),
      finding: (f) => this.addFinding(f),
    });
    this.bridges.announceDown = options.announceBridgesDown ?? false;
    this.emit = options.onEvent ?? (() => undefined);
    const stalls = options.watchStalledFlows === true && options.onEvent ? new StallWatch() : null;
    this.stalls = stalls;
    this.flows = new FlowTracker({
      keep: options.keepFlows ?? 'unfinished',
      traceOrigins: options.traceOrigins ?? false,
      onStart: (flow) => this.emit({ kind: 'flow-start', flow }),
      ...(options.onEvent ? {
        onEnd: (flow: Flow) => {
          stalls?.ended(flow);
          this.emit({ kind: 'flow-end', flow });
        },
        onSettled: (flow: Flow) => this.emit({ kind: 'flow-settled', flow }),
        onOrphanAck: (ack: PacketRecord) => this.emit({ kind: 'orphan-ack', ack }),
        onResend: (flow: Flow, r: PacketRecord) => this.emit({ kind: 'flow-resent', flow, time: r.time, at: { file: r.file, line: r.line } }),
      } : {}),
      ...(stalls ? { onStep: (flow: Flow, time: number | null) => stalls.stepped(flow, time) } : {}),
      onRefusedIn: (flow) => this.uncountRefused(flow),
      onFinding: (finding) => this.addFinding(finding),
    });
  }

  /** Whether an outgoing bridge down for 10 s is reported then ({@link CorrelateOptions.announceBridgesDown}). */
  set announceBridgesDown(on: boolean) {
    this.bridges.announceDown = on;
  }

  /**
   * Whether a flow that has waited {@link stallAfterMs} for its next step while its client stays
   * connected is said then (`flow-stalled`), for a log that is followed; the wait of a flow in
   * flight before is counted from its latest step all the same.
   */
  set announceStalledFlows(on: boolean) {
    this.announceStalls = on;
  }

  /**
   * The log's time went on to `time` without a line: a followed log gone quiet. What depends on
   * time alone (a bridge down long enough, a flow waiting long enough) is said.
   */
  quietUntil(time: number): void {
    // A broker says it failed to start, or that it runs, within moments of its start.
    const pendingSince = this.startPending?.error?.time ?? this.startPending?.r.time;
    if (pendingSince != null && time - pendingSince >= settledAfterMs) this.settleStartAtEnd();
    this.brokerErrors.quietUntil(time);
    if (this.heldLogged !== null) this.tellLogged();
    this.bridges.quietUntil(time);
    this.massDisconnects.settle(time);
    this.sayStalledFlows(time);
  }

  /** Says each flow that has waited long enough by `now` while its client is connected ({@link announceStalledFlows}). */
  private sayStalledFlows(now: number): void {
    if (this.stalls === null || !this.announceStalls) return;
    for (const { flow, since } of this.stalls.overdue(now)) {
      // A message held for a client that is away waits for it to come back.
      if (!this.clients.get(flow.client)?.session) continue;
      this.emit({ kind: 'flow-stalled', flow, awaiting: awaitedStep(flow) ?? null, since, time: since + stallAfterMs });
    }
  }

  /** Sessions, flows and connections dropped from tracking so far at the `maxOpen` cap. */
  get evictions(): number {
    return this.evicted.sessions + this.evicted.flows + this.evicted.connections;
  }

  /** Clients with open state (a session, flows in flight, or a takeover still to resolve). */
  get openClients(): number {
    return this.clients.size;
  }

  /** Feeds one record. Records must come in log order. */
  /** A record of another file than the one before: a file read next, or one read before again (a copy, a line decoded late). */
  private noteFile(file: string): void {
    if (!this.files.includes(file)) this.files.push(file);
  }

  push(record: LogRecord): void {
    const r = record.truncated === true ? this.withWholeClient(record) : record;
    if (r.file !== this.lastFile) this.noteFile(r.file);
    // The broker sending a log line to `$SYS/broker/log/#` comes between the lines it logs: the
    // lines told apart by what comes next (`records`) read past it.
    if (publishesLogLine(r)) {
      this.logLinesSent++;
    } else if (r.type === 'unknown' && r.reason === 'other-program') {
      // Another program's line in a system log is none of the broker's: it is counted, and it
      // neither times the log nor comes between the broker's lines.
      this.otherProgramLines++;
      return;
    } else {
      if (this.resumeEcho !== null) this.settleResumeEcho(r.type === 'client-connected' ? r.client : null);
      this.records++;
    }
    if (this.heldLogged !== null && r.type !== 'continuation') this.tellLogged();
    if (this.startPending !== null) this.settleStart(r);
    this.brokerErrors.before(r);
    this.bridges.before(r);
    // The broker sends a message's deliveries as it handles its PUBLISH (or PUBREL, which starts
    // a run of its own): anything else that comes in, or any other line, ends that run.
    // A client's queue that overflows as a message is handled drops that message for it.
    if (r.type === 'messages-dropped' && r.packetBytes === undefined) this.flows.queueFull(r.client);
    if (r.type !== 'packet' || (r.direction === 'in' && r.cmd !== 'publish')) this.flows.endFanout();
    this.flows.answerPubrec(r);
    this.recordTypes[r.type] = (this.recordTypes[r.type] ?? 0) + 1;
    if (!this.ranBeforeStart && showsBrokerRunning(r)) this.ranBeforeStart = true;
    if (r.time !== null) {
      if (r.time !== this.lastTime) {
        if (this.flapping.watching) this.flapping.before(r.time);
        if (this.first === null || r.time < this.first) this.first = r.time;
        if (this.last === null || r.time > this.last) this.last = r.time;
        if (r.time % 1000 !== 0) this.finerThanSeconds = true;
        this.sayStalledFlows(r.time);
        this.massDisconnects.settle(r.time);
        const minute = Math.floor(r.time / 60_000) * 60_000;
        if (minute !== this.minute) this.countMinute(minute);
      }
      this.minuteLines++;
    }
    switch (r.type) {
      case 'connection': this.onConnection(r.address, r.port, r.listenerPort, r); break;
      case 'client-connected': this.onConnected(r); break;
      case 'disconnect':
        // A request whose client is gone gets no SUBACK: its filters without a grant line were not subscribed.
        this.subscribeRequests.answered(r.client);
        this.onDisconnect(r);
        break;
      case 'takeover': this.onTakeover(r.client, r); break;
      case 'packet': this.onPacket(r); break;
      case 'subscription': this.subscribeRequests.line(r); break;
      case 'will':
        if (r.client !== null) this.onWill(r.client, r);
        break;
      case 'broker': this.onBroker(r); break;
      case 'messages-dropped': this.onDropped(r); break;
      case 'session-expiry': this.onExpiry(r.client, r); break;
      case 'message': this.onMessage(r); break;
      case 'unknown':
        // A blank line says nothing to understand (an editor's last newline, files joined).
        if (r.raw.trim() === '') break;
        this.unknown++;
        this.unknownAt ??= { file: r.file, line: r.line };
        if (this.unknownExamples.length < 5) this.unknownExamples.push(cutToLength(r.raw, 200));
        break;
      case 'marker': {
        if (r.missing) this.addFinding({ code: 'lines-missing', severity: 'warning', client: null, time: r.time, at: [{ file: r.file, line: r.line }], ...r.missing });
        if (r.exit && brokerFailed(r.exit)) this.addFinding({ code: 'broker-exited', severity: 'warning', client: null, time: r.time, at: [{ file: r.file, line: r.line }], ...r.exit });
        break;
      }
      case 'continuation':
        this.loggedMessages.continued(r);
        if (r.params !== undefined && this.heldLogged?.record.line === r.parentLine && this.heldLogged.record.file === r.file) this.heldLogged.record.params.push(...r.params);
        break;
      default:
        assertNever(r);
    }
    if (r.time !== null) this.lastTime = r.time;
    this.lastFile = r.file;
    this.lastLine = r.line;
  }

  /**
   * A record of a line the broker cut inside its client id (the line ends with it), named by the
   * client with open state whose id starts the same for {@link cutIdLength} characters or more: an
   * id too long for one line is cut at a different place in each of its lines. Any other record
   * as it is.
   */
  private withWholeClient(r: LogRecord): LogRecord {
    if (!('client' in r) || typeof r.client !== 'string' || r.client.length < cutIdLength || !r.raw.endsWith(r.client) || this.clients.has(r.client)) return r;
    const cut = r.client;
    for (const known of this.clients.keys()) {
      if (known.length >= cutIdLength && (known.startsWith(cut) || cut.startsWith(known))) return { ...r, client: known };
    }
    return r;
  }

  /** Adds the records counted for the current minute to `perMinute` and moves on to `minute`. */
  private countMinute(minute: number): void {
    if (this.minuteLines > 0) this.perMinute.set(this.minute, (this.perMinute.get(this.minute) ?? 0) + this.minuteLines);
    this.minute = minute;
    this.minuteLines = 0;
  }

  /** Ends the stream: what is still open is reported as such. */
  finish(): Correlation {
    if (this.heldLogged !== null) this.tellLogged();
    this.brokerErrors.finish();
    this.settleStartAtEnd();
    if (this.resumeEcho !== null) this.settleResumeEcho(null);
    this.subscribeRequests.finish();
    this.countMinute(this.minute);
    this.bridges.finish(this.lastTime);
    this.massDisconnects.finish();
    if (this.stoppedUnsaved) this.forgetKeptSessions();
    for (const [client, st] of this.clients) {
      this.announceTakeover(st);
      // Connected at the end: a session open, or one begun before the log that did not end in it.
      const connected = st.session !== null || this.untracked.has(client);
      if (st.session) this.closeSession(client, st, 'open', null, undefined);
      this.flows.logEnded(st, connected, { time: this.lastTime, at: this.lastFile === null ? null : { file: this.lastFile, line: this.lastLine } });
    }
    this.flows.settleRefused();
    this.settleStoppedSessions();
    if (this.sessionCount > 0 && !this.debugLines) {
      this.addFinding({ code: 'no-debug-lines', severity: 'warning', client: null, time: null, at: [] });
    }
    if (this.sessionsFromConnack > 0 && !this.connectionLinesSeen) {
      this.addFinding({ code: 'no-connection-lines', severity: 'warning', client: null, time: null, at: [], sessions: this.sessionsFromConnack });
    }
    // Without a line that names the version, its lines show the broker's age.
    const era: BrokerEra | null = this.versions.size > 0 ? null
      : this.endsNamed ? '2.1 or later' : this.portsNamed ? '2.0 or later' : this.portsUnnamed ? 'before 2.0' : null;
    if (this.unknown > 0 && this.unknownAt) {
      this.addFinding({ code: 'unknown-lines', severity: 'info', client: null, time: null, at: [this.unknownAt], count: this.unknown, examples: this.unknownExamples });
    }
    if (this.evictions > 0) {
      this.addFinding({ code: 'state-evicted', severity: 'warning', client: null, time: null, at: [], ...this.evicted, limit: this.maxOpen });
    }
    for (const p of this.pending) {
      if (!this.stillConnecting(p)) this.neverConnected(p);
    }
    const flows = this.flows.result();
    const rank = (code: FindingCode): number => findingCodes.indexOf(code);
    const findings = this.findings.all().sort((a, b) => rank(a.code) - rank(b.code) || (a.time ?? 0) - (b.time ?? 0));
    return {
      lines: this.records + this.logLinesSent + this.otherProgramLines,
      records: this.records + this.logLinesSent,
      recordTypes: this.recordTypes,
      unknown: this.unknown,
      unknownExamples: this.unknownExamples,
      otherProgramLines: this.otherProgramLines,
      files: this.files,
      first: this.first,
      last: this.last,
      brokerVersions: [...this.versions],
      ...(era !== null ? { brokerEra: era } : {}),
      brokerStarts: this.starts,
      brokerFailedStarts: this.findingTotals['broker-start-failed'] ?? 0,
      brokerReloads: this.reloads,
      sessions: this.sessions,
      sessionCount: this.sessionCount,
      sessionsByEnd: this.sessionsByEnd,
      sessionsFromConnack: this.sessionsFromConnack,
      clients: this.clientIds.size,
      clientsCapped: this.clientIdsCapped,
      ...this.failed.result(),
      flows: flows.flows,
      flowTotals: flows.flowTotals,
      latency: flows.latency,
      latencyDistribution: flows.latencyDistribution,
      orphanAcks: flows.orphanAcks,
      findings,
      findingTotals: this.findingTotals,
      debugLines: this.debugLines,
      wholeSeconds: this.first !== null && !this.finerThanSeconds,
      filtersJudged: this.subscribeRequests.filtersJudged,
      topClients: this.byClient.top(10).map(([client, a]) => ({ client, ...a })),
      topTopics: this.byTopic.top(10).map(([topic, a]) => ({ topic, ...a })),
      topClientsCapped: this.byClient.capped,
      topTopicsCapped: this.byTopic.capped,
      troubledClients: this.troubled.top(troubledClientsListed),
      troubledClientsCapped: this.troubled.capped,
      loggedMessages: this.loggedMessages.result(),
      perMinute: [...this.perMinute].sort((a, b) => a[0] - b[0]),
      evicted: this.evicted,
    };
  }

  private state(client: string): ClientState {
    let st = this.clients.get(client);
    if (!st) {
      if (this.clients.size >= this.maxOpen) this.evictClient();
      const id = ownCopy(client);
      st = { id, session: null, inFlows: new FlowTable(), outFlows: new FlowTable(), mqttVersion: null, mayResume: false, takeoverEcho: null, takeovers: null, takeoverFinding: null, flappingFinding: null, refusedUntil: 0, subackAt: null, lastSentMid: null, lastSentBytes: 0, lastSentTopic: null, lastSentCounted: false, bridgeNotice: false, activity: null, activityGeneration: 0 };
      this.clients.set(id, st);
      this.cachedState = undefined;
    }
    return st;
  }

  private evictClient(): void {
    const oldest = this.clientsToEvict.next();
    if (!oldest) return;
    const [client, st] = oldest;
    this.announceTakeover(st);
    // Its flows are given up first: closing the session would report them as ended with it.
    this.evicted.flows += this.flows.giveUp(st, 'evicted', false);
    const open = st.session?.session;
    // Its end line may still come, to be read like the end of a session begun before the log.
    if (open && this.untracked.size < distinctClientLimit) {
      this.untracked.set(st.id, { keepalive: open.keepalive, lastHeard: open.lastActivity, startAt: open.startAt });
    }
    if (st.session) {
      this.closeSession(client, st, 'other', null, 'state limit reached');
      this.evicted.sessions++;
      this.sessionsKnown = false;
    }
    this.clients.delete(client);
    this.cachedState = undefined;
  }

  private onConnection(address: string, port: number | null, listenerPort: number, r: LogRecord): void {
    this.reloadedAt = null;
    this.lastConnectionAt = this.records;
    this.pending.add({ address, port, listenerPort, time: r.time, at: { file: r.file, line: r.line }, seq: this.records });
  }

  /** A connection announced that sent no CONNECT: it waited too long, the broker restarted, or the log ended. */
  private neverConnected(p: PendingConnection): void {
    this.failed.add(null, p.address, p.port, p.listenerPort, { ...p.at, time: p.time }, 'no-connect');
  }

  /** A guess of the connection a line ended, which a later line may show wrong ({@link reclaimGuessed}). */
  private noteGuess(attempt: ConnectionAttempt, taken: PendingConnection, rival: PendingConnection | null): void {
    this.guessed.push({ attempt, taken, rival });
    this.emit({ kind: 'attempt-guessed', attempt });
    if (this.guessed.length > guessesKept) this.guessGone(0);
  }

  /** The guess at `i` is put right, or kept no more: its attempt changes no more. */
  private guessGone(i: number): void {
    const [guess] = this.guessed.splice(i, 1);
    if (guess) this.emit({ kind: 'attempt-settled', attempt: guess.attempt });
  }

  /**
   * The line of a login a CONNACK to `client` refused names its connection (2.1.1 on): when the
   * CONNACK's guess took another, that one waits again and the attempt moves to this one.
   */
  private refusedAt(client: string, address: string, port: number): void {
    const i = this.guessed.findLastIndex((g) => g.attempt.client === client);
    const guess = this.guessed[i];
    if (!guess || (guess.taken.address === address && guess.taken.port === port)) return;
    const exact = this.pending.take(address, port);
    if (!exact) return;
    this.pending.restore(guess.taken);
    this.failed.move(guess.attempt, exact);
    this.guessGone(i);
  }

  /**
   * A connection now known to be `address`:`port` (any port of the address with `'any'`: a
   * CONNACK names the address alone; none with null) that an earlier `Client <unknown>` line was taken to end:
   * that line ended another connection, and its attempt (and a TLS failure's finding) is moved
   * there: the oldest still pending from the address, else the one that was the newest after the
   * guess, if it is still pending. Null when no guess took this connection.
   */
  private reclaimGuessed(address: string, port: number | 'any' | null): PendingConnection | null {
    const i = port === null ? -1 : this.guessed.findIndex((g) => g.taken.address === address && (port === 'any' || g.taken.port === port));
    const guess = this.guessed[i];
    if (!guess) return null;
    const other = this.pending.take(address, null) ?? (guess.rival && this.pending.remove(guess.rival) ? guess.rival : null);
    // Without another, the line ended a connection the log did not announce.
    this.failed.move(guess.attempt, other);
    this.guessGone(i);
    return guess.taken;
  }

  /**
   * Whether a connection still waiting for its CONNECT at the end of the log may yet send it: it
   * came within the broker's wait for one ({@link connectWaitMs}) before the log's last time, or,
   * without times, among its last {@link untimedGraceLines} lines.
   */
  private stillConnecting(p: PendingConnection): boolean {
    if (p.time !== null && this.lastTime !== null) return this.lastTime - p.time < connectWaitMs;
    return this.lastTime === null && p.at.file === this.lastFile && this.lastLine - p.at.line < untimedGraceLines;
  }

  private onConnected(r: ClientConnectedRecord): void {
    if (r.port !== null) this.portsNamed = true;
    else this.portsUnnamed = true;
    // Before 2.0 the lines name no remote port: of connections from one address to several
    // listeners, which one this is cannot be told.
    const listeners = r.port === null ? this.pending.from(r.address) : undefined;
    const ambiguous = listeners !== undefined && listeners.some((p) => p.listenerPort !== listeners[0]?.listenerPort);
    const pending = this.pending.take(r.address, r.port) ?? this.reclaimGuessed(r.address, r.port);
    const prior = this.state(r.client);
    if (prior.session?.disconnectAt) this.closeSession(r.client, prior, 'disconnect', prior.session.disconnectAt, undefined);
    else if (prior.session) this.onTakeover(r.client, r);
    // Ending the previous session may have released the client's state; the new one needs it kept.
    const st = this.state(r.client);
    // A clean start discards what the session still held (a v5 one may have ended with its connection).
    if (r.cleanSession) {
      this.flows.giveUp(st, 'clean-start', true, { file: r.file, line: r.line });
      this.persistentEnded.delete(r.client);
    }
    st.mayResume = !r.cleanSession || r.mqttVersion === '5.0';
    if (!r.cleanSession) this.flows.sessionResumed(st, r.time);
    st.mqttVersion = r.mqttVersion;
    st.refusedUntil = 0;
    // A session outlives its CONNECT line: its text is its own, so it does not keep the line.
    const session = newSession({
      client: st.id,
      address: ownCopy(r.address),
      port: r.port ?? pending?.port ?? null,
      listenerPort: ambiguous ? null : pending?.listenerPort ?? null,
      mqttVersion: r.mqttVersion,
      protocolLevel: r.protocolLevel,
      cleanSession: r.cleanSession,
      keepalive: r.keepalive,
      username: r.username === null ? null : ownCopy(r.username),
      bridge: r.bridge,
    }, r);
    if (st.takeoverFinding?.code === 'takeover') {
      st.takeoverFinding.newAddress = endpoint(r.address, r.port);
      // A takeover known by this very line (no takeover line came) names it once.
      if (!st.takeoverFinding.inferred) st.takeoverFinding.at.push({ file: r.file, line: r.line });
    }
    // Without a `New connection` line in a log that has them: a websockets connection.
    this.startSession(st, session, pending === null && this.lastConnectionAt > 0);
    this.lastConnected = { client: st.id, record: this.records };
  }

  /**
   * Whether a CONNACK to `client` answers the connect line just before it: only the lines of its
   * will (and, in 2.1, of its TLS cipher) came between, as the broker prints them all as it
   * handles the CONNECT.
   */
  private answersConnectLine(client: string): boolean {
    const last = this.lastConnected;
    return last !== null && last.client === client && this.records - last.record <= connackAfterConnectRecords && this.lastConnectionAt < last.record;
  }

  /**
   * A connection of an outgoing bridge, at the remote's CONNACK: a session of its local id. Its
   * MQTT version, clean session flag and keepalive are not logged on this side. The remote may
   * keep its session, so what it had in flight goes on (re-sent `d1` when it connects again).
   */
  private openBridgeSession(localId: string, bridge: Readonly<Bridge>, at: Where & { time: number | null }): void {
    const prior = this.state(localId);
    if (prior.session) this.closeSession(localId, prior, 'other', at, 'not logged; the bridge connected again');
    const st = this.state(localId);
    st.mayResume = true;
    st.mqttVersion = null;
    st.refusedUntil = 0;
    st.bridgeNotice = true;
    const session = newSession({
      client: st.id, address: bridge.host, port: bridge.port, listenerPort: null, mqttVersion: null, protocolLevel: null,
      cleanSession: false, keepalive: 0, username: null, bridge: true, outgoingBridge: bridge.name,
    }, at);
    // A bridge known by a guess may turn out to be another: its sessions are named again then.
    if (!bridge.localGuessed) this.guessesOfBridgeOver(st.id);
    else {
      const guessed = this.guessedBridgeSessions.get(st.id) ?? [];
      this.holdSession(session);
      if (guessed.push(session) > guessedBridgeSessionsKept) {
        const named = guessed.shift();
        if (named) this.releaseSession(named);
      }
      this.guessedBridgeSessions.set(st.id, guessed);
    }
    this.startSession(st, session);
  }

  /** Which bridge the sessions of a local id are is known, or guessed no more: they are named for good. */
  private guessesOfBridgeOver(localId: string): void {
    for (const session of this.guessedBridgeSessions.get(localId) ?? []) this.releaseSession(session);
    this.guessedBridgeSessions.delete(localId);
  }

  /** One more reason a session may change after its end; the first says so (`session-unsettled`). */
  private holdSession(session: Session): void {
    const reasons = this.unsettled.get(session) ?? 0;
    this.unsettled.set(session, reasons + 1);
    if (reasons === 0) this.emit({ kind: 'session-unsettled', session });
  }

  /** One reason a session may change is over; with the last, it changes no more (`session-settled`). */
  private releaseSession(session: Session): void {
    const reasons = this.unsettled.get(session);
    if (reasons === undefined) return;
    if (reasons > 1) {
      this.unsettled.set(session, reasons - 1);
      return;
    }
    this.unsettled.delete(session);
    this.emit({ kind: 'session-settled', session });
  }

  /** The sessions the broker's stop ended count what it sends no more: it started, stopped again, or the log ended. */
  private settleStoppedSessions(): void {
    for (const session of this.stoppedSessions.values()) this.releaseSession(session);
    this.stoppedSessions.clear();
  }

  private startSession(st: ClientState, session: Session, unannounced = false): void {
    st.session = { session, disconnectAt: null, pingUnanswered: null, willMessage: null, unannounced, accepted: false };
    this.openSessions++;
    // A client back within its will's delay cancels the will.
    this.flows.willCancelled(st.id);
    // A session begun before the log or given up, if there was one, is over.
    this.untracked.delete(st.id);
    this.announceTakeover(st);
    this.emit({ kind: 'session-start', session });
    this.noteClientId(st.id);
  }

  /** Counts a client id among the distinct ones, up to the cap; one more past it caps the count. */
  private noteClientId(client: string): void {
    if (this.clientIdsCapped || this.clientIds.has(client)) return;
    if (this.clientIds.size >= Math.min(this.maxOpen, distinctClientLimit)) this.clientIdsCapped = true;
    else this.clientIds.add(ownCopy(client));
  }

  private onTakeover(client: string, r: LogRecord): void {
    const open = this.clients.get(client)?.session;
    // `already connected, closing old connection` (2.1: `session taken over`) for a session begun before the log.
    const takeoverLine = r.type === 'takeover' || (r.type === 'disconnect' && r.cause === 'session-taken-over');
    if (!open && !(takeoverLine && this.endsUntracked(client))) return;
    const st = this.state(client);
    const time = r.time;
    // A connect of an id whose session is open, with no takeover line: a log without the broker's
    // error lines, or one that restarted without its information lines.
    const inferred = r.type === 'client-connected';
    const finding: TakeoverFinding = {
      code: 'takeover', severity: 'warning', client, time, at: open ? [{ file: r.file, line: r.line }, open.session.startAt] : [{ file: r.file, line: r.line }], inferred,
      // 2.1 names the old connection in its line: the address of a session begun before the log, or known by its CONNACK alone.
      oldAddress: (open ? endpoint(open.session.address, open.session.port) : null) ?? (r.type === 'disconnect' && r.address !== null ? endpoint(r.address, r.port) : null), newAddress: null,
    };
    // Announced when the new connection has named its address (see `announceTakeover`).
    this.addFinding(finding, false);
    this.announceTakeover(st);
    st.takeoverFinding = finding;
    this.closeSession(client, st, 'takeover', r, undefined);
    // Only 1.x echoes a takeover of a TCP connection: a log that names no version may show it is 2.0
    // or later by its ports. Before 2.1, a websockets connection logs its end as lost once it closes.
    const maybe1x = this.versions.size === 0 ? !this.portsNamed : [...this.versions].some((v) => v.startsWith('1.'));
    const websockets = open?.unannounced === true;
    if (r.type === 'takeover' && (maybe1x || websockets)) {
      const causes = new Set([...(maybe1x ? echoCauses1x : []), ...(websockets ? echoCausesWebsockets : [])]);
      st.takeoverEcho = { until: this.records + takeoverEchoRecords, time, causes };
    }
    if (time === null) return;
    st.takeovers ??= { recent: [], run: null };
    const flapping = this.flapping.takeover(st.takeovers, client, time, { file: r.file, line: r.line }, inferred);
    if (flapping !== null) {
      this.addFinding(flapping, false);
      st.flappingFinding = flapping;
    }
  }

  private onDisconnect(r: DisconnectRecord): void {
    // Only 2.1 names the connection an end is of: the one its client connected from (an id may hold such text).
    if (r.port !== null && r.client !== null && !this.endsNamed) {
      const open = this.clients.get(r.client)?.session?.session;
      if (open !== undefined && open.address === r.address && open.port === r.port) this.endsNamed = true;
    }
    const dropped = this.droppedAtReload(r);
    const reason = dropped ? 'not-authorised' : endOf(r);
    // The broker logs OpenSSL's errors just before it ends their connection: any end takes them.
    const tls = this.tlsError.take(this.records);
    if (r.client === null) {
      if (this.endsRefusedNamed(r)) return;
      // 1.4 and 1.5 log a socket error right after a timeout, for the same connection.
      const echo = reason === 'socket-error' && this.unknownTimeoutAt === this.records - 1;
      if (reason === 'timeout') this.unknownTimeoutAt = this.records;
      if (echo) return;
      if (this.closesRefused(null)) return;
      if (this.endsLiteralUnknown(r)) {
        this.onDisconnect({ ...r, client: literalUnknown });
        return;
      }
      // 2.1 prints the address where a connection has no id: a client whose id is its address looks the same.
      const addressId = this.findAddressAsId(r);
      if (addressId !== null) {
        this.onDisconnect({ ...r, client: addressId });
        return;
      }
      // Before 2.0 a CONNECT the broker refused as breaking the protocol ends in a `Socket error`.
      const taken = tls === null ? this.takeViolation(r) : null;
      // 2.1 names the connection in both lines: another's reason is not this one's.
      const violation = taken !== null && (taken.port === null || r.port === null || (taken.address === r.address && taken.port === r.port)) ? taken : null;
      const outcome = tls !== null ? 'tls-error' : violation !== null ? 'protocol-error' : attemptOutcomeOf(reason, r.cause);
      // A timeout ends a connection that waited for its CONNECT longest, not the one just made.
      const p = r.address === null && reason === 'timeout' ? this.pending.takeOldest() : this.pending.take(r.address, r.port);
      if (!p && r.address === null && tls === null) return;
      const attempt = this.failed.add(
        violation?.client ?? null, r.address ?? p?.address ?? null, r.port ?? p?.port ?? null, p?.listenerPort ?? null, r, outcome,
        { detail: tls?.detail ?? violation?.detail, willTooLarge: outcome === 'refused' },
      );
      if (tls !== null) this.failed.tlsFailed(attempt, tls.at);
      // `Client <unknown>` names no connection: the newest was taken, which a later line may show wrong.
      if (p && r.address === null) this.noteGuess(attempt, p, this.pending.newest());
      return;
    }
    const st = this.clients.get(r.client);
    if (st && this.isTakeoverEcho(st, r)) {
      st.takeoverEcho = null;
      return;
    }
    // The line of a login a CONNACK just refused: with a session open, one that says so or names
    // another connection.
    const refusal = st !== undefined && st.refusedUntil > this.records
      && (reason === 'not-authorised' || !st.session || (r.address !== null && !sameConnection(st.session.session, r)));
    // A line of another connection with the id (a login refused while the client is connected)
    // does not end its session.
    const open = st?.session && !refusal && sameConnection(st.session.session, r) ? st.session : null;
    // 2.1 says `session taken over` also as a client resumes its offline session: of a session
    // begun before the log, only one seen connected since (a packet from or to it, and no end) was taken over.
    if (!open && r.cause === 'session-taken-over' && this.untracked.has(r.client)) {
      this.onTakeover(r.client, r);
      return;
    }
    if (!st || !open) {
      // No open session: a resumed offline session (2.1 `session taken over`), the second line
      // of a 1.x timeout, an acknowledgement after DISCONNECT (2.1.2), a refused login (2.x), or
      // a bridge's attempt to connect that failed.
      if (!refusal && this.bridgeAttemptEnded(r.client, r, reason, tls)) return;
      if (this.pending.has(r.client)) {
        // 2.1.0 prints the address where it has no id, in the old wording without brackets.
        if (this.closesRefused(r.client)) return;
        const p = this.pending.take(r.client, r.port);
        const outcome = attemptOutcomeOf(reason, r.cause);
        this.failed.add(null, r.client, p?.port ?? null, p?.listenerPort ?? null, r, outcome, { willTooLarge: outcome === 'refused' });
      } else if (refusal) {
        st.refusedUntil = 0;
        if (r.address !== null && r.port !== null) this.refusedAt(r.client, r.address, r.port);
      } else if (reason === 'not-authorised' || st?.session) {
        // A refused login without its CONNACK in the log, or another connection with the id of
        // a connected client that ended before it became a session.
        const p = this.pending.take(r.address, r.port);
        const outcome = attemptOutcomeOf(reason, r.cause);
        this.failed.add(r.client, r.address ?? p?.address ?? null, r.port ?? p?.port ?? null, p?.listenerPort ?? null, r, outcome, { willTooLarge: outcome === 'refused' });
      } else if (this.endsUntracked(r.client)) {
        // Right after a new connection it may be 1.4/1.5 dropping the client's offline session
        // as the client connects again: whether it is shows on the next line.
        const end = { client: r.client, reason, r, detail: this.endDetail(r, reason) };
        if (this.lastConnectionAt === this.records - 1) this.resumeEcho = end;
        else this.endBeforeLog(end.client, st, end.reason, end.r, end.detail);
      }
      return;
    }
    if (r.cause === 'session-taken-over') {
      this.onTakeover(r.client, r);
      return;
    }
    // 2.0 says `out of memory` where the acknowledgement it just logged found the client gone.
    const unanswerable = r.cause === 'out-of-memory' ? this.acknowledgementUnwritten(r.client) : null;
    if (unanswerable !== null) {
      this.closeSession(r.client, st, 'closed', r, `logged as out of memory: its ${unanswerable.toUpperCase()} found the client gone`);
      return;
    }
    // Without debug lines, the refusal of an MQTT 3.x client for its keepalive shows as this end
    // alone, right after its connect line: from there on, nothing else ends a connection with
    // MOSQ_ERR_INVAL's words.
    if (r.cause === 'bad-socket' && r.detail === invalidArgumentsText && open.session.mqttVersion !== '5.0' && !open.accepted && this.answersConnectLine(r.client)) {
      this.refuseConnected(st, open, r, undefined);
      return;
    }
    // A line cut before its cause, after the client's DISCONNECT: the client ended the session.
    if (reason === 'other' && r.cause === 'unknown' && r.truncated === true && open.disconnectAt) {
      this.closeSession(r.client, st, 'disconnect', r, undefined);
      return;
    }
    // The session ends where the broker said why.
    const broke = this.violationEnding(r, open.session);
    if (broke !== null) this.closeSession(r.client, st, 'protocol-error', { ...broke.at, time: r.time }, broke.detail);
    else this.closeSession(r.client, st, reason, r, dropped ? 'config reloaded' : this.endDetail(r, reason));
  }

  /**
   * The line a session's end follows when that line said the broker drops the client for a
   * packet that breaks the protocol (the address of a client whose SUBSCRIBE or UNSUBSCRIBE was
   * wrong, its id otherwise), and what was wrong: the end itself says `Socket error` (1.x) or
   * `malformed packet` (2.0). Null for any other end.
   */
  private violationEnding(r: DisconnectRecord, session: Session): Violation | null {
    const v = this.takeViolation(r);
    return v !== null && (v.client === r.client || (v.client === null && v.address === session.address)) ? v : null;
  }

  /** The line just before an end that said the broker drops the client for a packet that breaks the protocol, if this end can be its. */
  private takeViolation(r: DisconnectRecord): Violation | null {
    const v = this.violation.take(this.records);
    if (v === null) return null;
    return r.cause === 'socket-error' || endOf(r) === 'protocol-error' ? v : null;
  }

  /**
   * Whether a plain `disconnected.` line is a client the broker dropped as it reloaded its
   * configuration (its password changed, or anonymous logins were turned off). The broker checks
   * every connected client right after `Reloading config.`, before it reads any packet, and logs
   * each it drops the way it logs a client's own DISCONNECT. Any other end, or one past the
   * reload's second, shows the checks are over. (Without packet lines in the log, a client's own
   * DISCONNECT in that second reads the same.)
   */
  private droppedAtReload(r: DisconnectRecord): boolean {
    const reload = this.reloadedAt;
    if (reload === null) return false;
    if (r.cause !== 'client-disconnect' || (reload.time !== null && r.time !== null && Math.floor(r.time / 1000) !== Math.floor(reload.time / 1000))) {
      this.reloadedAt = null;
      return false;
    }
    const open = r.client === null ? null : this.clients.get(r.client)?.session;
    return open != null && open.disconnectAt === null;
  }

  /**
   * Whether a `Client <unknown>` line ends the session of a client whose id is `<unknown>` itself,
   * which the broker prints the same way as a missing id: one is open, and the line names its
   * address, is a keepalive timeout (a connection without CONNECT has no keepalive), follows its
   * DISCONNECT, or no connection without an id is waiting.
   */
  private endsLiteralUnknown(r: DisconnectRecord): boolean {
    const open = this.clients.get(literalUnknown)?.session;
    if (!open) return false;
    if (r.address !== null) return sameConnection(open.session, r);
    return r.cause === 'timeout' || open.disconnectAt !== null || this.pending.size === 0;
  }

  /** The id of a client whose id is the address a line naming no id names, when that line ends its session (on the port it names); else null. */
  private findAddressAsId(r: DisconnectRecord): string | null {
    const open = r.address === null || r.port === null ? null : this.clients.get(r.address)?.session;
    return open != null && sameConnection(open.session, r) ? r.address : null;
  }

  /**
   * Whether an end line is the old connection's, after a takeover just logged: 1.x's echo, or a
   * websockets connection's loss. It comes within a few records and a second of the takeover,
   * before the new connection says anything, and before the new connection's line or after it.
   */
  private isTakeoverEcho(st: ClientState, r: DisconnectRecord): boolean {
    const echo = st.takeoverEcho;
    if (echo === null || !echo.causes.has(r.cause) || echo.until <= this.records || st.session?.disconnectAt) return false;
    return echo.time === null || r.time === null || Math.abs(r.time - echo.time) <= 1000;
  }

  /** What to say beyond the end reason: the broker's detail, or the cause when it is more precise. */
  private endDetail(r: DisconnectRecord, reason: EndReason): string | undefined {
    // 1.6 gives the size of a packet too large.
    if (r.cause === 'oversize-packet' && r.detail !== undefined) return `oversize-packet, ${r.detail} bytes`;
    return r.detail ?? (r.cause !== reason && r.cause !== 'client-disconnect' ? r.cause : undefined);
  }

  /**
   * Whether a client whose end the log shows without its start had its session before the log
   * began (a log rotated while it was connected). A client seen connecting in this log is not:
   * lines after its end are echoes of that end (1.x logs a socket error after a timeout).
   */
  private beganBeforeLog(client: string): boolean {
    if (this.clientIds.has(client)) return false;
    // Past the cap an id not counted may have connected in the log: one whose session ended
    // lately is taken for an echo of that end; nothing can show that any other was seen.
    return !this.clientIdsCapped || !this.recentEnds.has(client);
  }

  /**
   * The clients connected, as far as the log shows, for {@link MassDisconnectWatch}: the sessions
   * open, in a log that holds every session since the broker started; or, in one with packet lines
   * that began later and has run {@link heardAllAfterMs}, those and the sessions begun before it
   * that a packet was heard from (a connected client sends one at least once a keepalive). Null
   * otherwise: a share of the clients cannot be told.
   */
  private connectedNow(): [number, ConnectedKnown | null] {
    if (this.sessionsKnown) return [this.openSessions, 'started'];
    const heardLongEnough = this.debugLines && this.first !== null && this.lastTime !== null && this.lastTime - this.first >= heardAllAfterMs;
    if (heardLongEnough && this.evicted.sessions === 0 && this.untracked.size < distinctClientLimit) return [this.openSessions + this.untracked.size, 'heard'];
    return [this.openSessions, null];
  }

  /** Whether an end line without an open session ends one this correlator does not hold. */
  private endsUntracked(client: string): boolean {
    return this.untracked.has(client) || this.beganBeforeLog(client);
  }

  /** Reports the end held in {@link resumeEcho}, unless `connected`, the client the next line connects, is its client. */
  private settleResumeEcho(connected: string | null): void {
    const end = this.resumeEcho;
    this.resumeEcho = null;
    if (end === null || end.client === connected) return;
    this.endBeforeLog(end.client, this.clients.get(end.client), end.reason, end.r, end.detail);
  }

  /** A session begun before the log ends: its problem is reported, though the session is not known. */
  private endBeforeLog(client: string, st: ClientState | undefined, reason: EndReason, r: DisconnectRecord, detail: string | undefined): void {
    this.noteClientId(client);
    this.noteEnded(client);
    this.emit({ kind: 'ended-before-log', client, reason, ...(detail !== undefined ? { detail } : {}), time: r.time, at: { file: r.file, line: r.line } });
    const untracked = this.untracked.get(client);
    this.untracked.delete(client);
    const at: Where[] = [{ file: r.file, line: r.line }, ...(untracked?.startAt ? [untracked.startAt] : [])];
    this.addEndFinding(client, reason, r.time, at, detail, untracked?.keepalive ?? null, this.debugLines ? (untracked?.lastHeard ?? null) : null);
    this.massDisconnects.ended(client, reason, r.time, { file: r.file, line: r.line }, ...this.connectedNow());
    // It may be a bridge's, which the log names as one when the bridge connects again.
    this.bridges.endedBeforeLog(client, reason, r);
    if (!st) return;
    // Whether the broker keeps its session is not known: what it left in flight is not taken as held.
    this.flows.sessionEnded(st, true);
    this.release(client, st);
  }

  /** A connect's will lines: whether it has one, then its size, then its topic. */
  private onWill(client: string, r: WillRecord): void {
    const open = this.clients.get(client)?.session;
    if (!open) return;
    if (r.event === 'topic') {
      if (open.willMessage !== null) open.willMessage.topic = r.topic ?? null;
      // A bridge's will is its state on the remote broker: a v5 bridge, whose connect line is a
      // client's (`New client connected`), is known by it.
      if (r.topic === `$SYS/broker/connection/${client}/state`) open.session.bridge = true;
      return;
    }
    open.session.will = r.event === 'specified';
    open.willMessage = r.event === 'specified' ? { topic: null, payloadBytes: r.payloadBytes ?? null } : null;
  }

  private closeSession(client: string, st: ClientState, reason: EndReason, r: Where & { time: number | null } | null, detail: string | undefined): void {
    const open = st.session;
    if (!open) return;
    // 1.3 logs no end line after a client's DISCONNECT: the packet itself ended the session.
    if (open.disconnectAt && (reason === 'open' || reason === 'broker-shutdown' || reason === 'takeover')) {
      reason = 'disconnect';
      r = open.disconnectAt;
    }
    const s = open.session;
    st.session = null;
    this.openSessions--;
    s.endReason = reason;
    if (r) {
      s.end = r.time ?? this.lastTime;
      s.endAt = { file: r.file, line: r.line };
      s.durationMs = s.start !== null && s.end !== null ? Math.max(0, s.end - s.start) : null;
    }
    if (detail !== undefined) s.endDetail = detail;
    // A v5 session lasts as long as an expiry interval the log does not give; a 3.1 CONNACK says nothing of one kept.
    if (!s.cleanSession && s.mqttVersion === '3.1.1' && s.outgoingBridge === undefined && reason !== 'open') {
      this.persistentEnded.set(s.client, { at: s.endAt ?? s.startAt, starts: this.starts });
    }
    this.sessionCount++;
    if (s.fromConnack) this.sessionsFromConnack++;
    this.sessionsByEnd[reason] = (this.sessionsByEnd[reason] ?? 0) + 1;
    this.troubled.add(client, reason, s.durationMs);
    this.massDisconnects.ended(s.client, reason, s.end, s.endAt ?? s.startAt, ...this.connectedNow());
    if (this.keepSessions) this.sessions.push(s);
    this.noteEnded(client);
    this.emit({ kind: 'session-end', session: s });
    if (s.outgoingBridge !== undefined) this.bridges.ended(client, reason, { file: s.endAt?.file ?? s.startAt.file, line: s.endAt?.line ?? s.startAt.line, time: s.end });
    const at: Where[] = s.endAt ? [s.endAt, s.startAt] : [s.startAt];
    // Without packet lines in the log the client's silence cannot be known.
    this.addEndFinding(client, reason, s.end, at, detail, s.keepalive, this.debugLines ? s.lastActivity : null);
    // A clean session's unfinished messages die with it; one the broker may keep keeps them. A
    // session still open when the log ends has not ended: its flows are still in flight.
    // A session without clean session (clean start, in v5) is one the broker keeps; a v5 clean
    // start's is kept for an expiry interval the log does not give, most often 0, so may be.
    const v5 = s.mqttVersion === '5.0';
    if (reason !== 'open') this.flows.sessionEnded(st, st.mayResume, s.cleanSession === true && !v5 ? null : s.end, s.cleanSession === true && v5, s.endAt ?? null);
    // The broker sends the will of a connection that ended without a DISCONNECT as it ends it. An
    // MQTT v5 will may wait for a delay the log does not give, and a v5 DISCONNECT may ask for it
    // (reason code 4, which the log does not give either): a delivery of it then may be it.
    const will = open.willMessage;
    if (will !== null && will.topic !== null && r !== null && (willSentAtEnd.has(reason) || (v5 && reason === 'disconnect'))) {
      this.flows.sendsWill(client, will.topic, will.payloadBytes, { file: r.file, line: r.line }, r.time, v5, v5 && reason !== 'disconnect');
    }
    this.release(client, st);
  }

  /** Keeps the id of a session that ended, past the cap on distinct ids ({@link recentEnds}). */
  private noteEnded(client: string): void {
    if (!this.clientIdsCapped || this.clientIds.has(client)) return;
    this.recentEnds.set(ownCopy(client), true);
  }

  /** The finding a session's end makes, if its reason is a problem. */
  private addEndFinding(client: string, reason: EndReason, time: number | null, at: Where[], detail: string | undefined, keepalive: number | null, lastActivity: number | null): void {
    if (reason === 'timeout') {
      const gapMs = time !== null && lastActivity !== null ? Math.max(0, time - lastActivity) : null;
      this.addFinding({ code: 'keepalive-timeout', severity: 'error', client, time, at, keepalive, lastActivity, gapMs });
    } else if (reason === 'socket-error' || reason === 'protocol-error') {
      this.addFinding({ code: reason, severity: reason === 'protocol-error' ? 'error' : 'warning', client, time, at, ...(detail !== undefined ? { detail } : {}) });
    } else if (reason === 'other' && detail !== undefined) {
      // `Bad socket read/write` gives the broker's text for it.
      const cause = detail === 'Out of memory.' ? 'out-of-memory' : detail;
      if (isBrokerCause(cause)) this.addFinding({ code: 'dropped-by-broker', severity: 'error', client, time, at, detail: cause });
    }
  }

  /** Forgets a client with nothing open, so state grows with what is open, not with the log. */
  private release(client: string, st: ClientState): void {
    if (st.session || st.inFlows.size > 0 || st.outFlows.size > 0 || st.takeoverFinding || st.refusedUntil > this.records) return;
    if (st.takeovers !== null && this.lastTime !== null && this.flapping.recentAt(st.takeovers, this.lastTime)) return;
    this.clients.delete(client);
    this.cachedState = undefined;
  }

  private onBroker(r: BrokerRecord): void {
    const { event } = r;
    // A start waits for a line that shows it went on ({@link settleStart}).
    if (event === 'starting') {
      this.startPending = { r, lastTime: this.lastTime, error: null };
      return;
    }
    this.noteBrokerRun(r.version ?? null, event, r.time);
    // A reload's errors follow it at once.
    if (event === 'reloading') this.brokerErrors.reloading(r);
    // A broker with persistence saves its sessions as it stops; one without loses them.
    if (event === 'saving') this.stoppedUnsaved = false;
    if (event !== 'terminating') return;
    this.settleStoppedSessions();
    this.stoppedUnsaved = true;
    this.subscribeRequests.newRun();
    const ended = this.endAllSessions(r, r.time);
    this.terminated = { time: r.time, ended };
    this.bridges.brokerStopped();
  }

  /** A line of the broker's own, at `time`, of a run of `version`: what the version and a reload change. */
  private noteBrokerRun(version: string | null, event: BrokerRecord['event'], time: number | null): void {
    // A log rotated after the broker started names its version only when it runs or stops.
    if (version) this.versions.add(version);
    if (version) this.runVersion = version;
    // 2.1 and later mark a denied filter `(denied)`.
    if (version) this.subscribeRequests.marksDenials = isAtLeast21(version);
    this.reloadedAt = event === 'reloading' ? { time } : null;
    // A reload may change what the broker logs.
    if (event === 'reloading') {
      this.reloads++;
      this.subscribeRequests.newRun();
    }
  }

  /**
   * A line after a `starting` line that did not yet show the start went on. A second broker
   * started beside one that runs fails (its port is taken) and exits with an error, while the
   * first runs on: a start is a restart once the broker says it runs, or its bridges connect, or
   * a client line comes (1.6.10 and older say nothing when they run), unless an error came first.
   */
  private settleStart(r: LogRecord): void {
    const start = this.startPending;
    if (start === null) return;
    if (r.type === 'broker' && r.event === 'running') this.commitStart(start);
    else if (r.type === 'message' && brokerLevel(r) === 'error') start.error ??= r;
    // A busy broker logs on for its clients as another starts beside it: a broker just started has no session yet.
    else if (start.error === null && this.isOfOpenSession(r)) return;
    // Bridges connect after the listeners open, where a second broker fails: a bridge line after an error is the running broker's.
    else if (showsBrokerRunning(r) || (r.type === 'message' && r.family === 'bridge')) {
      if (start.error === null) this.commitStart(start);
      else this.failStart(start, true);
    } else if (r.type === 'broker' && r.event === 'starting') this.settleStartAtEnd();
  }

  /** Whether `r` is a line of a client's session open in the log, other than a new connection of its id. */
  private isOfOpenSession(r: LogRecord): boolean {
    if (r.type === 'client-connected' || !('client' in r) || typeof r.client !== 'string') return false;
    return this.clients.get(r.client)?.session != null;
  }

  /** A start with nothing after it, at the log's end or once it has been quiet: it went on, unless an error said otherwise. */
  private settleStartAtEnd(): void {
    const start = this.startPending;
    if (start === null) return;
    if (start.error === null) this.commitStart(start);
    else this.failStart(start, false);
  }

  /** The broker did start: the sessions of the one before are over. */
  private commitStart({ r, lastTime }: PendingStart): void {
    this.startPending = null;
    const version = r.version ?? null;
    const previousVersion = this.runVersion;
    this.noteBrokerRun(version, 'starting', r.time);
    this.settleStoppedSessions();
    const crashed = this.terminated === null;
    this.subscribeRequests.newRun();
    const ended = this.endAllSessions(r, lastTime, crashed ? 'no stop logged: a crash or a kill' : undefined);
    // A start with no stop before it follows a crash, which saved nothing either: not even the
    // sessions open at the crash, which end only now.
    if (this.stoppedUnsaved || crashed) this.forgetKeptSessions();
    this.bridges.brokerStarted(r.time);
    // A broker that ran before it starts was restarted, though the log began after its last
    // start and holds no session it had open (a rotated log, a crash).
    if (this.starts > 0 || this.terminated || ended > 0 || this.ranBeforeStart) {
      this.addFinding({
        code: 'broker-restart', severity: 'warning', client: null, time: r.time, at: [{ file: r.file, line: r.line }],
        version, sessionsEnded: ended + (this.terminated?.ended ?? 0), stopLogged: this.terminated !== null,
        ...(previousVersion !== null && version !== null && previousVersion !== version ? { previousVersion } : {}),
      });
    }
    this.terminated = null;
    this.ranBeforeStart = false;
    this.starts++;
    this.sessionsKnown = this.evicted.sessions === 0;
    // Connections announced before the restart never completed.
    for (const p of this.pending) this.neverConnected(p);
    this.pending.clear();
    while (this.guessed.length > 0) this.guessGone(0);
  }

  /**
   * The broker that logged `starting` did not start. A broker was running beside it when lines of
   * one came before it (since the last start, with no stop) or `after` it.
   */
  private failStart({ r, error }: PendingStart, after: boolean): void {
    const brokerRunning = after || (this.ranBeforeStart && this.terminated === null);
    this.startPending = null;
    if (r.version) this.versions.add(r.version);
    const at = [{ file: r.file, line: r.line }];
    if (error !== null) at.push({ file: error.file, line: error.line });
    this.addFinding({
      code: 'broker-start-failed', severity: 'warning', client: null, time: r.time, at,
      version: r.version ?? null, detail: error === null ? null : errorDetail(error), brokerRunning,
    });
  }

  /** The broker stopped without saving its sessions, or crashed: what the kept ones left in flight is not held for them. */
  private forgetKeptSessions(): void {
    this.stoppedUnsaved = false;
    for (const st of this.clients.values()) if (st.session === null) this.flows.forgetKept(st);
  }

  /** Ends every open session as the broker stops (`r` terminating) or starts again, at `time`; `detail` says more of why. */
  private endAllSessions(r: BrokerRecord, time: number | null, detail?: string): number {
    let ended = 0;
    const stopping = r.event === 'terminating';
    for (const [client, st] of this.clients) {
      if (!st.session) continue;
      ended++;
      if (stopping) {
        this.stoppedSessions.set(client, st.session.session);
        this.holdSession(st.session.session);
      }
      this.closeSession(client, st, 'broker-shutdown', { ...r, time }, detail);
    }
    return ended;
  }

  private onDropped(r: DropRecord): void {
    const st = this.clients.get(r.client);
    const at = { file: r.file, line: r.line };
    // A message too large for the client is the last one logged as sent to it (the broker logs
    // the PUBLISH, then finds it too large): it never went out. Its packet is larger than its payload.
    const tooLarge = st !== undefined && r.packetBytes !== undefined && r.packetBytes > st.lastSentBytes;
    if (st && tooLarge && st.lastSentMid !== null) this.flows.dropTooLarge(st, st.lastSentMid, at);
    // Nor was it delivered: it is no message sent.
    if (st && tooLarge && st.lastSentCounted) this.uncountSent(st);
    // The dropped message's topic, so that a `--topic` selection keeps the drop.
    const topic = st && tooLarge ? st.lastSentTopic : null;
    if (st) {
      st.lastSentMid = null;
      st.lastSentTopic = null;
      st.lastSentCounted = false;
    }
    const inFlight = this.flows.deliveriesInFlight(st);
    // A client whose session ended in the log and that is not connected again: its queue of a
    // session the broker keeps is what overflows. Since a start the log holds, every connection
    // is in it, if it logs them: one restored from the broker's database without one is offline.
    const connectsLogged = this.starts > 0 && (this.recordTypes['client-connected'] ?? 0) > 0;
    const offline = r.packetBytes === undefined && !st?.session && (connectsLogged || this.clientIds.has(r.client)) && !this.untracked.has(r.client);
    this.addFinding({
      code: 'messages-dropped', severity: 'warning', client: r.client, time: r.time, at: [at], inFlight,
      ...(r.packetBytes !== undefined ? { packetBytes: r.packetBytes } : {}), ...(topic !== null ? { topic } : {}), ...(offline ? { offline: true } : {}),
    });
  }

  private onExpiry(client: string, r: LogRecord): void {
    // A v5 will still waiting for its delay is sent as the session expires.
    this.flows.sessionExpired(client, { file: r.file, line: r.line }, r.time);
    this.persistentEnded.delete(client);
    const st = this.clients.get(client);
    if (!st) return;
    this.flows.giveUp(st, 'expired', true, { file: r.file, line: r.line });
    st.mayResume = false;
  }

  /** An OpenSSL error: the first of a run names why the handshake of the connection that ends next failed. */
  private onOpensslError(detail: string | number | undefined, r: LogRecord): void {
    if (this.tlsError.at(this.records) !== null) return;
    this.tlsError.keep({ detail: String(detail ?? ''), at: { file: r.file, line: r.line } }, this.records + tlsErrorRecords);
  }

  /**
   * A handshake that failed as the broker accepted it: one attempt however many errors it logs.
   * The line after one of the same address with another error is its next error; with the same
   * error, it is the next connection's.
   */
  private onHandshakeFailed(address: string | number | undefined, detail: string | number | undefined, r: LogRecord): void {
    if (typeof address !== 'string') return;
    const why = String(detail ?? '');
    const last = this.lastHandshakeFailed;
    this.lastHandshakeFailed = { address, detail: why, record: this.records };
    if (last !== null && last.address === address && last.detail !== why && last.record === this.records - 1) return;
    const attempt = this.failed.add(null, address, null, null, r, 'tls-error', { detail: why });
    this.failed.tlsFailed(attempt, null);
  }

  /**
   * Whether the disconnect line `r` of a client without an open session ended an outgoing bridge's
   * attempt to connect. The OpenSSL error logged just before it (`tls`) is why the attempt
   * failed: the bridge's TLS handshake with the remote broker, which is a failed connection.
   */
  private bridgeAttemptEnded(client: string, r: DisconnectRecord, reason: EndReason, tls: { detail: string; at: Where } | null): boolean {
    const bridge = this.bridges.attemptEnded(client, tls === null ? this.endDetail(r, reason) ?? reason : `TLS: ${tls.detail}`, r);
    if (bridge === null) return false;
    if (tls !== null) this.failed.tlsFailed(this.failed.add(client, bridge.host, bridge.port, null, r, 'tls-error', { detail: tls.detail, bridge: bridge.name }), tls.at, bridge.name);
    return true;
  }

  /**
   * Whether a disconnect line of a client without an id (`address` when the line gives one) ends
   * the connection a CONNACK sent to its address just refused. That refusal is the attempt
   * already, and its reason code says more than the disconnect line.
   */
  private closesRefused(address: string | null): boolean {
    const refused = this.refusedUnnamed.take(this.records);
    return refused !== null && (address === null || refused.address === address);
  }

  /** Whether an end naming no id but an address and port is that of the connection a refused CONNACK named by its id. */
  private endsRefusedNamed(r: DisconnectRecord): boolean {
    const refused = this.refusedNamed.at(this.records);
    if (refused === null || r.address !== refused.address || r.port !== refused.port) return false;
    this.refusedNamed.forget();
    return true;
  }

  /** The state of the client named last: packets of one client tend to come in runs. */
  private cachedName = '';
  private cachedState: ClientState | undefined;

  private lookup(client: string): ClientState | undefined {
    if (client !== this.cachedName || this.cachedState === undefined) {
      this.cachedName = client;
      this.cachedState = this.clients.get(client);
    }
    return this.cachedState;
  }

  private onPacket(r: PacketRecord): void {
    if (isDebugLine(r)) this.debugLines = true;
    if (r.cmd === 'connack' && r.direction === 'out' && r.reasonCode === 0) this.onAccepted(r);
    if (this.reloadedAt !== null && r.direction === 'in') this.reloadedAt = null;
    // Two fields, not an object: this runs for every packet line.
    const echo = this.lastPacketAt === this.records - 1 && this.lastPacket !== null && secondLineOf(r, this.lastPacket);
    this.lastPacket = r;
    this.lastPacketAt = this.records;
    const st = this.lookup(r.client);
    const open = st?.session?.session;
    const stopped = open === undefined && this.stoppedSessions.size > 0 ? this.stoppedSessions.get(r.client) : undefined;
    if (open) {
      const counts = r.direction === 'in' ? open.packetsIn : open.packetsOut;
      if (!echo) counts[r.cmd]++;
      // Only an MQTT v5 acknowledgement carries a reason code other than 0: an outgoing bridge's
      // version, which this side does not log otherwise, shows in those of the remote broker.
      if (st && st.mqttVersion === null && open.outgoingBridge !== undefined && r.direction === 'in' && r.reasonCode !== undefined && r.reasonCode !== 0) {
        st.mqttVersion = '5.0';
        open.mqttVersion = '5.0';
      }
      if (r.direction === 'in') open.lastActivity = r.time ?? open.lastActivity;
      if (st && st.takeoverEcho !== null && r.direction === 'in') st.takeoverEcho = null;
    } else if (stopped) {
      if (!echo) (r.direction === 'in' ? stopped.packetsIn : stopped.packetsOut)[r.cmd]++;
    } else if (r.direction === 'out' || r.time !== null) {
      // A packet from a client, or to it (the broker sends to a connected client only), without a
      // session in the log: its session began before the log. Only one from it is heard.
      const heard = r.direction === 'in' ? r.time : null;
      const untracked = this.untracked.get(r.client);
      if (untracked) untracked.lastHeard = heard ?? untracked.lastHeard;
      else if (this.beganBeforeLog(r.client) && this.untracked.size < distinctClientLimit) {
        this.untracked.set(ownCopy(r.client), { keepalive: null, lastHeard: heard, startAt: null });
      }
    }
    switch (r.cmd) {
      case 'publish': this.onPublish(r, st, open ?? stopped, echo); return;
      case 'puback':
        if (st?.bridgeNotice && r.direction === 'in') {
          st.bridgeNotice = false;
          if (r.mid !== undefined && st.outFlows.get(r.mid) === undefined) return;
        }
        this.flows.ack(r, st);
        return;
      case 'pubrec':
      case 'pubrel':
      case 'pubcomp': this.flows.ack(r, st); return;
      case 'disconnect':
        if (r.direction === 'in' && st?.session) {
          st.session.disconnectAt = { file: r.file, line: r.line, time: r.time };
          // With no connection lines, no line after the client's DISCONNECT says the session ended.
          if (st.session.session.fromConnack && !this.connectionLinesSeen) this.closeSession(r.client, st, 'disconnect', r, undefined);
        }
        return;
      // A SUBSCRIBE starts a request: one whose SUBACK was not logged is over.
      case 'subscribe':
        if (r.direction === 'in') this.subscribeRequests.subscribed();
        return;
      case 'suback':
        if (r.direction === 'out') this.subscribeRequests.answered(r.client);
        if (st && r.direction === 'out') st.subackAt = r.time;
        return;
      // Only an outgoing bridge sends PINGREQ out and receives PINGRESP.
      case 'pingreq':
        if (st?.session && r.direction === 'out') st.session.pingUnanswered ??= { file: r.file, line: r.line, time: r.time };
        return;
      case 'pingresp':
        if (st?.session && r.direction === 'in') st.session.pingUnanswered = null;
        return;
      case 'connack':
        // The CONNACK of a bridge's remote broker: `Received CONNACK on connection LOCAL-ID.`
        if (r.direction === 'in') this.bridges.connack(r);
        // A refusal is of a new connection, also when the id has a session open on another.
        else if (r.direction === 'out' && r.reasonCode !== undefined && r.reasonCode !== 0) {
          // An address whose connection a `Client <unknown>` line was taken to end is one too: that guess was wrong.
          // A websockets connection has no `New connection` line: its address is known by its form alone.
          const looksLikeAddress = (/^[\d.]+$|:/.test(r.client) && (this.pending.has(r.client) || this.guessed.some((g) => g.taken.address === r.client))) || ipLiteral.test(r.client);
          if (!looksLikeAddress && st?.session && !st.session.accepted && this.answersConnectLine(r.client)) {
            this.refuseConnected(st, st.session, r, r.reasonCode);
            return;
          }
          const p = looksLikeAddress ? this.pending.take(r.client, null) ?? this.reclaimGuessed(r.client, 'any') : this.pending.take(null, null);
          // A will too large is refused with `not authorised` where the client reads no other code (MQTT 3.x).
          const willOf = looksLikeAddress ? this.willTooLarge.take(this.records) : null;
          const outcome: AttemptOutcome = willOf === null && authCodes.has(r.reasonCode) ? 'not-authorised' : 'refused';
          const attempt = this.failed.add(
            looksLikeAddress ? willOf : r.client, p?.address ?? (looksLikeAddress ? ownCopy(r.client) : null), p?.port ?? null, p?.listenerPort ?? null, r, outcome,
            { reasonCode: r.reasonCode, willTooLarge: willOf !== null },
          );
          // The CONNACK names no port: with others waiting, which connection it refused is a guess
          // that a later line may show wrong (its disconnect line naming the port, or the connect of the one taken).
          if (p && (looksLikeAddress ? this.pending.has(p.address) : this.pending.size > 0)) this.noteGuess(attempt, p, looksLikeAddress ? null : this.pending.newest());
          if (looksLikeAddress) this.refusedUnnamed.keep(attempt, this.records + refusalEchoRecords);
          else {
            this.state(r.client).refusedUntil = this.records + refusalEchoRecords;
            // 2.1 may drop the id after refusing it, and end the connection by its address.
            if (p?.port != null) this.refusedNamed.keep({ address: p.address, port: p.port }, this.records + refusalEchoRecords);
          }
        } else if (r.direction === 'out' && r.sessionPresent !== undefined && st && saysSessionPresent(st.session?.session.mqttVersion)) {
          if (st.session) st.session.session.sessionPresent = r.sessionPresent;
          // The broker kept no session for the client: what its last one left in flight is lost.
          if (!r.sessionPresent) this.flows.notResumed(st, { file: r.file, line: r.line });
          this.settlePersistent(r.client, r.sessionPresent, st.session?.session, r);
        }
        return;
      default:
        return;
    }
  }

  /**
   * The acknowledgement the broker logged sending to `client` on the line just before, when that
   * line's broker is one that takes a failure to write it for running out of memory: 2.0 before
   * 2.0.22 for a PUBACK or PUBREC, before 2.1 for a SUBACK (mosquitto's issue 3253). The client
   * had gone as the broker answered it (it sent its message and closed its connection at once);
   * the broker's memory was not short. A broker whose version the log does not name may be one.
   */
  private acknowledgementUnwritten(client: string): 'puback' | 'pubrec' | 'suback' | null {
    const ack = this.lastPacket;
    if (ack === null || this.lastPacketAt !== this.records - 1 || ack.direction !== 'out' || ack.client !== client) return null;
    if (ack.cmd !== 'puback' && ack.cmd !== 'pubrec' && ack.cmd !== 'suback') return null;
    const fixedIn = ack.cmd === 'suback' ? '2.1.0' : '2.0.22';
    return this.runVersion === null || isKnownBefore(this.runVersion, fixedIn) ? ack.cmd : null;
  }

  /**
   * A refusal of the connection its connect line had just logged as connected: the broker turned
   * the client away after all, which from 2.0.12 it does to an MQTT 3.x client whose keepalive is
   * over `max_keepalive`, or 0 while that is set, with CONNACK 2, `identifier rejected`, then closes
   * the connection (`Bad socket read/write … Invalid arguments provided.`). That connection is a
   * refused attempt, and its session ends at the refusal: its CONNACK (`reasonCode`), or, in a
   * log without debug lines, the line that closes it. After a CONNACK that line is the refusal's,
   * not a socket error.
   */
  private refuseConnected(st: ClientState, open: OpenSession, r: Where & { time: number | null }, reasonCode: number | undefined): void {
    const s = open.session;
    const forKeepalive = reasonCode === identifierRejected || reasonCode === undefined;
    const keepalive = forKeepalive && s.keepalive !== null ? { keepalive: s.keepalive } : {};
    this.failed.add(st.id, s.address, s.port, s.listenerPort, r, 'refused', { reasonCode, ...keepalive });
    st.refusedUntil = this.records + refusalEchoRecords;
    this.closeSession(st.id, st, 'other', r, reasonCode === undefined ? 'refused for its keepalive' : `refused with CONNACK ${reasonCode}`);
  }

  /** Whether the log has shown a line of a client's connection or its end (`connection_messages true`, `log_type notice`). */
  private get connectionLinesSeen(): boolean {
    return (this.recordTypes['client-connected'] ?? 0) + (this.recordTypes.disconnect ?? 0) > 0;
  }

  /**
   * The broker accepted a connection: the CONNACK of the session its connect line opened, or,
   * when the log has no such line (`connection_messages false`, `log_type` without `notice`, or a
   * log that begins between the two), the only line that shows the session. A session the broker
   * had accepted before ended unseen then: the client connected again without a DISCONNECT.
   */
  private onAccepted(r: PacketRecord): void {
    const prior = this.clients.get(r.client);
    const open = prior?.session;
    if (open && !open.accepted) {
      open.accepted = true;
      return;
    }
    if (prior && open) {
      if (open.disconnectAt) this.closeSession(r.client, prior, 'disconnect', open.disconnectAt, undefined);
      else this.closeSession(r.client, prior, 'other', r, 'not logged; it connected again without a DISCONNECT');
    }
    // Ending the previous session may have released the client's state; the new one needs it kept.
    const st = this.state(r.client);
    // The log says neither its clean session flag nor its MQTT version: the broker may keep it.
    st.mayResume = true;
    st.mqttVersion = null;
    st.refusedUntil = 0;
    const session = newSession({
      client: st.id, address: null, port: null, listenerPort: null, mqttVersion: null, protocolLevel: null,
      cleanSession: null, keepalive: null, username: null, bridge: false,
    }, r);
    session.fromConnack = true;
    this.startSession(st, session);
    if (st.session) st.session.accepted = true;
  }

  /**
   * The CONNACK of a session without clean session said whether the broker held one for the
   * client: not holding the one that ended before in the log (and did not expire) is a
   * `session-lost` finding.
   */
  private settlePersistent(client: string, present: boolean, session: Session | undefined, r: Where & { time: number | null }): void {
    if (session === undefined || session.cleanSession || session.mqttVersion !== '3.1.1') return;
    const before = this.persistentEnded.get(client);
    this.persistentEnded.delete(client);
    if (present || before === undefined) return;
    this.addFinding({ code: 'session-lost', severity: 'warning', client: session.client, time: r.time, at: [{ file: r.file, line: r.line }, before.at], restarted: this.starts > before.starts });
  }

  /** A message of the broker's not read as a typed record: what it says of errors, refusals, TLS and the protocol. */
  private onMessage(r: MessageRecord): void {
    const level = errorOrWarning(r);
    if (level !== null) {
      this.loggedMessages.add(r, level);
      // A message whose second line has values of its own is told once that line is in.
      const secondLine = r.format.indexOf('\n');
      if (secondLine >= 0 && r.format.includes('%', secondLine)) this.heldLogged = { record: { ...r, params: [...r.params] }, level };
      else this.emit({ kind: 'logged', record: r, level });
    }
    if (this.brokerErrors.message(r) || this.bridges.message(r)) return;
    if (deniedFormats.has(r.format)) this.failed.add(null, typeof r.params[0] === 'string' ? r.params[0] : null, null, null, r, 'denied', { detail: deniedFormats.get(r.format) });
    else if (r.format === reusedMidFormat) this.onReusedMid(r.params[0], r.params[1]);
    else if (r.format === willTooLargeFormat && typeof r.params[0] === 'string') this.willTooLarge.keep(r.params[0], this.records + willTooLargeRecords);
    else if (r.format === localOnlyFormat) this.addFinding({ code: 'local-only', severity: 'warning', client: null, time: r.time, at: [{ file: r.file, line: r.line }] });
    else if (r.format === handshakeFailedFormat) this.onHandshakeFailed(r.params[0], r.params[1], r);
    else if (opensslErrorFormats.has(r.format)) this.onOpensslError(r.params[r.params.length - 1], r);
    else if (violationFormats.has(r.format)) {
      // 2.1 names a CONNECT's client before it has read the id: glibc prints the null pointer.
      const client = r.client === '(null)' ? null : r.client ?? null;
      this.violation.keep({ client, address: r.address ?? null, port: r.port ?? null, detail: violationDetail(r), at: { file: r.file, line: r.line } }, this.records + violationRecords);
    }
  }

  /** Tells the error or warning held for the values of its later lines, with those it has. */
  private tellLogged(): void {
    const held = this.heldLogged;
    this.heldLogged = null;
    if (held !== null) this.emit({ kind: 'logged', record: held.record, level: held.level });
  }

  /** The client's top-clients counts, held on its state: one map lookup per client, not per message. */
  private activityOf(st: ClientState): Activity {
    if (st.activity === null || st.activityGeneration !== this.byClient.generation) {
      st.activity = this.byClient.entry(st.id);
      st.activityGeneration = this.byClient.generation;
    }
    return st.activity;
  }

  /**
   * The broker says the PUBLISH on the line before reused the id `mid` of `client`'s message in
   * flight, which it dropped: taken for that message's re-send, it is a message of its own.
   */
  private onReusedMid(mid: unknown, client: unknown): void {
    const p = this.lastPacket;
    if (p === null || this.lastPacketAt !== this.records - 1 || p.cmd !== 'publish' || p.direction !== 'in' || p.mid !== mid || p.client !== client) return;
    const st = this.clients.get(p.client);
    if (st && this.flows.reused(p, st)) this.countMessage(p, st, st.session?.session);
  }

  /** `echo`: the line is a plugin's denial of the PUBLISH on the line before ({@link secondLineOf}). */
  private onPublish(r: PacketRecord, st: ClientState | undefined, open: Session | undefined, echo: boolean): void {
    if (r.outcome === 'denied') {
      this.addFinding({
        code: 'publish-denied', severity: 'warning', client: r.client, time: r.time, at: [{ file: r.file, line: r.line }],
        direction: r.direction, qos: r.qos ?? null, mid: r.qos ? (r.mid ?? null) : null, topic: r.topic ?? null,
      });
      // A plugin's denial of a QoS 0 message just received is that message, counted already.
      if (r.qos === 0 && echo) return;
    } else if (r.outcome === 'dropped' && r.direction === 'in') {
      this.addFinding({
        code: 'publish-too-large', severity: 'warning', client: r.client, time: r.time, at: [{ file: r.file, line: r.line }],
        qos: r.qos ?? null, mid: r.qos ? (r.mid ?? null) : null, topic: r.topic ?? null, payloadBytes: r.payloadBytes ?? null,
        ...(r.qos === 0 || readsNoReasonCode(st?.mqttVersion ?? null) ? { notTold: true as const } : {}),
      });
    }
    if (r.outcome !== 'rejected') {
      // A retained message sent within a second of a SUBACK comes from the store, not from a
      // PUBLISH just received (a v5 retain-as-published forward is marked retained too).
      const fromStore = r.retain === true && st?.subackAt != null && r.time !== null && r.time - st.subackAt <= 1000;
      const resent = this.flows.publish(r, opensFlow(r) ? (st ?? this.state(r.client)) : null, fromStore);
      // A flow's PUBLISH made the client's state if it had none.
      const sentTo = r.direction === 'out' ? (st ?? this.clients.get(r.client)) : undefined;
      if (sentTo) {
        sentTo.lastSentMid = opensFlow(r) ? r.mid : null;
        sentTo.lastSentBytes = r.payloadBytes ?? 0;
        sentTo.lastSentTopic = r.topic ?? null;
        sentTo.lastSentCounted = !resent;
      }
      if (this.flows.open > this.maxOpen) this.evictFlow();
      // A re-send of a message in flight is that message again, not another one.
      if (resent) return;
    }
    this.countMessage(r, st, open);
  }

  /** Takes the last message counted as sent to the client out of its counts: the broker dropped it as too large, and sent no packet. */
  private uncountSent(st: ClientState): void {
    const bytes = st.lastSentBytes;
    const open = st.session?.session;
    if (open && open.messagesOut > 0) {
      open.messagesOut--;
      open.bytesOut -= bytes;
      if (open.packetsOut.publish > 0) open.packetsOut.publish--;
    }
    this.uncountActivity(st, bytes);
  }

  /** Takes one message of `bytes` back from the client's top-clients counts. */
  private uncountActivity(st: ClientState, bytes: number): void {
    const activity = this.activityOf(st);
    if (activity.messages > 0) {
      activity.messages--;
      activity.bytes -= bytes;
    }
  }

  /**
   * Takes a message the broker received and then refused (its PUBACK or PUBREC has a reason code
   * of 128 or more, such as quota exceeded) out of the top clients and topics: it was not
   * published. The session's `messagesIn` keeps it, as a packet received.
   */
  private uncountRefused(flow: Flow): void {
    const bytes = flow.payloadBytes ?? 0;
    const st = this.clients.get(flow.client);
    if (st) this.uncountActivity(st, bytes);
    if (flow.topic !== null) this.byTopic.takeBack(flow.topic, bytes);
  }

  /** Counts a message published, for its session and the top clients and topics. */
  private countMessage(r: PacketRecord, st: ClientState | undefined, open: Session | undefined): void {
    const bytes = r.payloadBytes ?? 0;
    if (open) {
      if (r.direction === 'in') {
        open.messagesIn++;
        open.bytesIn += bytes;
      } else {
        open.messagesOut++;
        open.bytesOut += bytes;
      }
    }
    // Top clients and topics count what was published: not what the broker refused, denied or dropped.
    if (r.outcome === 'rejected' || r.outcome === 'denied' || r.outcome === 'dropped') return;
    if (st) {
      const activity = this.activityOf(st);
      activity.messages++;
      activity.bytes += bytes;
    } else {
      this.byClient.add(r.client, bytes);
    }
    // A line the broker cut before the size may have cut the topic: it is marked so, and not
    // taken for a topic of its own.
    if (r.direction === 'in' && r.topic !== undefined) this.byTopic.add(r.truncated && r.payloadBytes === undefined ? `${r.topic}…` : r.topic, bytes);
  }

  /**
   * Gives up the oldest flow of the first client holding any (its deliveries first), and the
   * client's state when nothing else is open. The walk stays on a client while it has flows, so
   * each client is passed over once per round, not once per eviction.
   */
  private evictFlow(): void {
    for (let passed = 0; passed <= this.clients.size; passed++) {
      const entry = this.flowClientsToEvict.peek();
      if (!entry) return;
      const [client, st] = entry;
      const flows = st.outFlows.size > 0 ? st.outFlows : st.inFlows;
      if (this.clients.get(client) === st && flows.size > 0) {
        const flow = flows.nextToEvict();
        if (flow) {
          this.flows.evict(st, flow);
          this.evicted.flows++;
          this.release(client, st);
          return;
        }
      }
      this.flowClientsToEvict.next();
    }
  }

  /** Counts and keeps a finding; `announce` false leaves its event to the caller. */
  private addFinding(finding: Finding, announce = true): void {
    this.findingTotals[finding.code] = (this.findingTotals[finding.code] ?? 0) + 1;
    this.findings.add(finding);
    if (announce) this.announce(finding);
  }

  /** Sends a finding's event, timed by the log's latest time when the finding's own is earlier. */
  private announce(finding: Finding, open = false): void {
    const time = finding.time === null || this.last === null ? finding.time ?? this.last : Math.max(finding.time, this.last);
    this.emit({ kind: 'finding', finding, time, ...(open ? { open } : {}) });
  }

  /**
   * Sends the event of the client's takeover finding, which waited for the new connection's
   * line (it comes next, or after 1.4's echo) so that listeners see its address, then that of
   * the flapping it began.
   */
  private announceTakeover(st: ClientState): void {
    if (!st.takeoverFinding) return;
    this.announce(st.takeoverFinding);
    // A run of takeovers may go on, and its finding count them.
    if (st.flappingFinding) this.announce(st.flappingFinding, st.takeovers?.run?.finding === st.flappingFinding);
    st.takeoverFinding = null;
    st.flappingFinding = null;
  }
}

/**
 * Whether systemd says the broker's service ended in failure: a unit named for mosquitto (a whole
 * syslog has other services' lines too) whose process was killed, dumped core, or exited with a
 * status other than 0.
 */
function brokerFailed(exit: ServiceExit): boolean {
  return /mosquitto/i.test(exit.unit) && !(exit.how === 'exited' && /^0(?:\/|$)/.test(exit.status));
}

/** Counts for every command, in one fixed order: the same shape for every session. */
function newPacketCounts(): Record<PacketCmd, number> {
  return {
    connect: 0, connack: 0, publish: 0, puback: 0, pubrec: 0, pubrel: 0, pubcomp: 0, subscribe: 0,
    suback: 0, unsubscribe: 0, unsuback: 0, pingreq: 0, pingresp: 0, disconnect: 0, auth: 0,
  };
}

/**
 * Whether a packet line is the broker's second line about the packet of the line before, which
 * was counted there: a plugin's `Denied PUBLISH` of the message just received, or the warning that
 * an acknowledgement just received names an unknown packet id.
 */
function secondLineOf(r: PacketRecord, before: PacketRecord): boolean {
  if (before.outcome !== undefined || before.direction !== 'in' || r.direction !== 'in' || before.cmd !== r.cmd || before.client !== r.client || before.mid !== r.mid) return false;
  if (r.outcome === 'unknown-mid') return true;
  return r.outcome === 'denied' && before.qos === r.qos && before.topic === r.topic && before.payloadBytes === r.payloadBytes;
}

/**
 * Whether a disconnect line can be of the session's connection: 2.1.1 and later name it
 * (`Client c [addr:port] disconnected`), older lines do not.
 */
function sameConnection(session: Session, r: DisconnectRecord): boolean {
  if (r.address === null || session.address === null) return true;
  return r.address === session.address && (r.port === null || session.port === null || r.port === session.port);
}

/** How a connection that never became a session ended, from its disconnect line's reason. */
function attemptOutcomeOf(reason: EndReason, cause: DisconnectCause): AttemptOutcome {
  // The will of its CONNECT was over message_size_limit (2.0.6 on), the cause's one source.
  if (cause === 'oversize-payload') return 'refused';
  switch (reason) {
    case 'not-authorised':
    case 'protocol-error': return reason;
    // The broker dropped it for want of a CONNECT (keepalive of a connection without one).
    case 'timeout': return 'no-connect';
    default: return 'closed';
  }
}

/** Correlates a finished list of records (tests and small inputs). */
export function correlateRecords(records: Iterable<LogRecord>, options?: CorrelateOptions): Correlation {
  const c = new Correlator(options);
  for (const r of records) c.push(r);
  return c.finish();
}
