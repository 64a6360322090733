/**
 * What the correlator rebuilds from records: sessions, connection attempts, QoS 1/2 flows,
 * findings and aggregates. Plain data; nothing here renders text.
 */
import type { Direction, MessageRecord, MqttVersion, PacketCmd, PacketRecord, Qos, RecordType, ServiceExit, Where } from '../parse/index.js';

/** Why a session ends, in the order reports list them. */
export const endReasons = [
  'disconnect', 'closed', 'timeout', 'socket-error', 'takeover', 'protocol-error',
  'not-authorised', 'kicked', 'broker-shutdown', 'open', 'other',
] as const;

/** Why a session ended. */
export type EndReason = (typeof endReasons)[number];

/**
 * Session ends that point at trouble, in every report: coloured in tables and timelines, listed
 * first and flagged in the HTML page, and counted per client in the summary. A DISCONNECT, a
 * closed socket, the broker's shutdown and a session still open are none.
 */
export const troubledEnds: ReadonlySet<EndReason> = new Set<EndReason>(['timeout', 'socket-error', 'protocol-error', 'not-authorised', 'takeover', 'kicked', 'other']);

/** Packet counts by MQTT command (every command present, 0 when none were seen). */
export type PacketCounts = Record<PacketCmd, number>;

/** One client connection, from `New client connected` to the line that ended it. */
export interface Session {
  client: string;
  address: string | null;
  port: number | null;
  listenerPort: number | null;
  mqttVersion: MqttVersion | null;
  protocolLevel: number | null;
  /** Null when the log does not say: a session known by its CONNACK alone ({@link fromConnack}). */
  cleanSession: boolean | null;
  /** Seconds; null when the log does not say: a session known by its CONNACK alone. */
  keepalive: number | null;
  /** Whether the broker resumed a session it kept for the client, as its CONNACK said; unset when the log does not say. */
  sessionPresent?: boolean;
  username: string | null;
  bridge: boolean;
  /**
   * The session is known by the broker's CONNACK to the client alone: the log has no line of its
   * connection (`connection_messages false`, or `log_type` without `notice`), so its address,
   * MQTT version, clean session flag and keepalive are not known, and its end only by the
   * client's DISCONNECT, the next CONNACK to the same id, the broker's stop or the log's end.
   */
  fromConnack?: true;
  /**
   * The connection name of an outgoing bridge whose local end this session is: a connection
   * this broker made to `address`:`port`, from the remote's CONNACK on.
   */
  outgoingBridge?: string;
  /** Epoch ms, null when the log has no times. */
  start: number | null;
  end: number | null;
  durationMs: number | null;
  endReason: EndReason;
  /** The broker's words for an `other` end, or an OS error text. */
  endDetail?: string;
  startAt: Where;
  /** The line that ended the session; null while it is open or when no line ended it. */
  endAt: Where | null;
  packetsIn: PacketCounts;
  packetsOut: PacketCounts;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  subscriptions: number;
  /** Time of the last packet received from the client. */
  lastActivity: number | null;
  /**
   * Whether the client set a will: null when the log does not say (the lines after a connect that
   * say so are debug lines, and 1.4 prints none).
   */
  will: boolean | null;
}

/** How a connection that never became a session ended. */
export type AttemptOutcome = 'refused' | 'not-authorised' | 'closed' | 'denied' | 'protocol-error' | 'tls-error' | 'no-connect';

/** A network connection that did not become a session. */
export interface ConnectionAttempt {
  address: string | null;
  port: number | null;
  listenerPort: number | null;
  /** Client id, when the broker printed one. */
  client: string | null;
  time: number | null;
  at: Where;
  outcome: AttemptOutcome;
  /** CONNACK return / reason code, when logged. */
  reasonCode?: number;
  /**
   * Why it failed, when a line said so: OpenSSL's error for a `tls-error`, what a
   * `protocol-error`'s CONNECT broke (`will topic with invalid UTF-8`), or why a `refused` one
   * was (`its will is over message_size_limit`, `keepalive 120s, over max_keepalive`).
   */
  detail?: string;
}

/** Steps of a QoS 1/2 exchange. */
export type FlowStep = 'publish' | 'puback' | 'pubrec' | 'pubrel' | 'pubcomp';

/** What a flow that did not finish was waiting for. */
export type StalledAt = 'puback' | 'pubrec' | 'pubrel' | 'pubcomp';

/** Where a flow stands: under way, finished, given up unfinished, or refused by a reason code of 0x80 or more. */
export type FlowState = 'in-flight' | 'complete' | 'incomplete' | 'refused';

/** One step seen, with its time and line. */
export interface FlowStepSeen {
  step: FlowStep;
  time: number | null;
  at: Where;
  reasonCode?: number;
}

/** A QoS 1/2 message exchange between the broker and one client. */
export interface Flow {
  client: string;
  direction: Direction;
  mid: number;
  qos: 1 | 2;
  topic: string | null;
  payloadBytes: number | null;
  /** The PUBLISH had its retain flag set (`r1`): a message the broker keeps for the topic, or (out) one it sent from its store. */
  retain?: true;
  state: FlowState;
  /** The packet it was waiting for when it stopped (incomplete flows). */
  stalledAt?: StalledAt;
  steps: FlowStepSeen[];
  /** The client's session ended while the flow was in flight. */
  sessionEnded: boolean;
  /**
   * In flight when the log ended, held by the broker for the client's kept session: its connection
   * ended within 10 s of the flow's last step, and it has not come back.
   */
  held?: true;
  /** Re-sent PUBLISH packets (`d1`). */
  duplicates: number;
  /** Where the re-sent PUBLISH packets are, when there are any. */
  resentAt?: Where[];
  /** A reason code ≥ 0x80 that refused it. */
  reasonCode?: number;
  /** A step arrived out of order. */
  outOfOrder: boolean;
  /** Continued in a later session of the same client (persistent session). */
  resumed: boolean;
  /**
   * Why an unfinished flow was given up: session expired, clean start, the session not
   * resumed (a CONNACK without session present), an id reused, or state cap; why a refused
   * one was: too large (for the broker's `message_size_limit` coming in, for the client going
   * out), or its PUBLISH denied by the broker's access control.
   */
  dropped?: 'expired' | 'clean-start' | 'not-resumed' | 'evicted' | 'mid-reused' | 'too-large' | 'denied';
  /** The inbound PUBLISH that caused this delivery (outbound flows), or the end of the session whose will it is (`will`). */
  origin?: { client: string; at: Where; mid?: number; ambiguous: boolean; will?: true };
  /** Milliseconds from PUBLISH to the final acknowledgement. */
  latencyMs?: number;
}

/** Finding codes, most severe first: errors, then warnings, then information. */
export const findingCodes = [
  'flow-incomplete', 'keepalive-timeout', 'protocol-error', 'dropped-by-broker', 'auth-failure', 'takeover-flapping', 'bridge-down',
  'socket-error', 'tls-failure', 'connection-refused', 'takeover', 'bridge-outage', 'mass-disconnect', 'session-lost', 'messages-dropped', 'publish-denied', 'publish-too-large', 'subscribe-denied', 'flow-refused', 'mid-reused',
  'lines-missing', 'broker-restart', 'broker-start-failed', 'broker-exited', 'reload-failed', 'local-only', 'persistence-failed', 'state-evicted', 'no-debug-lines', 'no-connection-lines', 'flow-duplicate', 'unknown-lines',
] as const;
/** What a finding is about; its string is what `--fail-on` names. */
export type FindingCode = (typeof findingCodes)[number];

/** The codes of findings about QoS flows, which only packet lines (`log_type debug` or `all`) give. */
export const flowFindingCodes = ['flow-incomplete', 'flow-refused', 'flow-duplicate', 'mid-reused'] as const satisfies readonly FindingCode[];

/** The codes of findings that only debug lines give: the flows', PUBLISH and SUBSCRIBE packets the broker denied or dropped, and a session lost (its CONNACK says so). */
export const packetFindingCodes = [...flowFindingCodes, 'publish-denied', 'publish-too-large', 'subscribe-denied', 'session-lost'] as const satisfies readonly FindingCode[];

/** Findings per code. */
export type FindingCounts = Partial<Record<FindingCode, number>>;

/** How bad a finding is: errors fail the default gate; warnings and information only when named. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * A broker's version as its lines show it, for a log that names none (rotated after the start):
 * a disconnect line that names its connection is 2.1's or later; connect lines with ports are
 * 2.0's or later; without them, older.
 */
export type BrokerEra = '2.1 or later' | '2.0 or later' | 'before 2.0';

interface FindingBase {
  code: FindingCode;
  severity: Severity;
  client: string | null;
  time: number | null;
  /** The log lines it comes from, first the one it is about. */
  at: Where[];
}

/** The broker dropped a client that sent nothing for 1.5 times its keepalive. */
export interface KeepaliveFinding extends FindingBase {
  code: 'keepalive-timeout';
  /** Seconds, or null for a session begun before the log. */
  keepalive: number | null;
  /** The last packet from the client, when the log has packet lines. */
  lastActivity: number | null;
  /** Milliseconds between the last packet from the client and the timeout. */
  gapMs: number | null;
}
/** A session, or a connection before it became one, that ended in a socket error, or that the broker dropped for breaking the protocol. */
export interface SessionEndFinding extends FindingBase {
  code: 'socket-error' | 'protocol-error';
  detail?: string;
  /** Of a connection the broker dropped before it became a session: where it came from, when known. */
  address?: string | null;
}
/** MQTT 3.1.1's CONNACK code `identifier rejected`: an empty client id, or (2.0.12 on) a keepalive `max_keepalive` refuses. */
export const identifierRejected = 2;

/** Causes for which the broker ends a session of its own accord, not for what the client's packets broke. */
export const brokerCauses = ['out-of-memory', 'implementation-error', 'server-busy', 'server-unavailable', 'quota-exceeded', 'rate-exceeded', 'http-origin'] as const;
/** One of {@link brokerCauses}. */
export type BrokerCause = (typeof brokerCauses)[number];
/** The broker ended the session for a cause of its own. */
export interface DroppedByBrokerFinding extends FindingBase {
  code: 'dropped-by-broker';
  detail: BrokerCause;
}
/** A client connected with the id of a connected client, which the broker disconnected. */
export interface TakeoverFinding extends FindingBase {
  code: 'takeover';
  oldAddress: string | null;
  newAddress: string | null;
  /** Known by a connect of the id while its session was open, with no takeover line: or the broker restarted without logging it. */
  inferred: boolean;
}
/** An id taken over the third time within 5 minutes, and the takeovers that follow it closely: two clients share the id. */
export interface FlappingFinding extends FindingBase {
  code: 'takeover-flapping';
  takeovers: number;
  windowMs: number;
  /** Every takeover it counts was inferred ({@link TakeoverFinding.inferred}). */
  inferred: boolean;
}
/** A TLS handshake that failed, with OpenSSL's reason where the broker logged it. */
export interface TlsFinding extends FindingBase {
  code: 'tls-failure';
  /** Where the connection came from, when a line named it; for an outgoing bridge, the remote broker it connected to. */
  address: string | null;
  /** OpenSSL's error, as the broker logged it. */
  detail: string;
  /** The connection name of an outgoing bridge whose handshake with the remote broker failed. */
  bridge?: string;
}
/** A connection refused for who the client is: its credentials, its id, or what it may access. */
export interface AuthFinding extends FindingBase {
  code: 'auth-failure';
  /** Where the client came from (`address:port` when a line named the port); for an outgoing bridge, the remote broker it was refused by. */
  address: string | null;
  reasonCode?: number;
  /** The connection name of an outgoing bridge the remote broker refused. */
  bridge?: string;
}
/**
 * A connection the broker turned away for a cause other than who the client is: at
 * `max_connections`, by tcpd, for want of a file descriptor, or with a CONNACK such as server
 * busy, connection rate exceeded or an unsupported protocol version.
 */
export interface RefusedFinding extends FindingBase {
  code: 'connection-refused';
  /** Where the connection came from (`address:port` when a line named the port). */
  address: string | null;
  reasonCode?: number;
  /** Why the broker denied it, when no CONNACK was sent: `max_connections exceeded`, `denied by tcpd`, `socket count exceeded`. */
  detail?: string;
  /**
   * The keepalive the client asked for, when the broker logged it connected and then refused it
   * with `identifier rejected` (or, in a log without debug lines, closed its connection at once
   * with `Invalid arguments provided.`): from 2.0.12 an MQTT 3.x client's keepalive over
   * `max_keepalive`, or 0 while that is set.
   */
  keepalive?: number;
  /**
   * The client's will had a payload over `message_size_limit` (2.0.6 on): refused with `packet
   * too large` (149), or `not authorised` (5) where the client reads no other code (MQTT 3.x).
   */
  willTooLarge?: true;
}
/** A QoS 1/2 flow that went wrong: unfinished, refused, sent more than once, or whose id was reused while in flight. */
export interface FlowFinding extends FindingBase {
  code: (typeof flowFindingCodes)[number];
  direction: Direction;
  mid: number;
  qos: 1 | 2;
  topic: string | null;
  stalledAt?: StalledAt;
  reasonCode?: number;
  duplicates?: number;
  sessionEnded?: boolean;
  /** Why an unfinished flow was given up, when it was not its session ending. */
  dropped?: 'expired' | 'clean-start' | 'not-resumed';
  /**
   * Its v5 session with clean start ended with it in flight just before the log did: the broker
   * keeps such a session for an expiry interval the log does not give, and may hold it still.
   */
  mayBeHeld?: true;
  /** On a `flow-duplicate`: the first PUBLISH of its flow was marked as re-sent (`d1`), sent before on an earlier connection or before the log. */
  firstResent?: true;
  /**
   * On a `flow-refused` of a message from an MQTT 3.1 or 3.1.1 client: its PUBACK or PUBREC
   * cannot carry a reason code, so the client took the message as accepted.
   */
  notTold?: true;
}
/**
 * A PUBLISH the broker's access control (its ACL, or a plugin) denied: one a client sent on a
 * topic it may not write to, which the broker threw away (acknowledged at QoS 1 and 2, which
 * only a v5 client sees as a refusal), or, from 2.1, a delivery to a subscriber that may not
 * read it, which was not sent.
 */
export interface DeniedFinding extends FindingBase {
  code: 'publish-denied';
  direction: Direction;
  qos: Qos | null;
  /** The message id of a denied QoS 1/2 PUBLISH from a client. */
  mid: number | null;
  topic: string | null;
}

/**
 * A PUBLISH from a client larger than the broker's `message_size_limit`, which the broker
 * dropped (`Dropped too large PUBLISH from`): acknowledged at QoS 1 and 2, with a reason code
 * only a v5 client sees, and at QoS 0 lost without a word to anyone.
 */
export interface TooLargeFinding extends FindingBase {
  code: 'publish-too-large';
  qos: Qos | null;
  /** The message id of a QoS 1/2 PUBLISH. */
  mid: number | null;
  topic: string | null;
  /** The payload's size, when the line gives it. */
  payloadBytes: number | null;
  /**
   * The client was not told its message was dropped: a QoS 0 message has no acknowledgement, and
   * an MQTT 3.1/3.1.1 client takes the PUBACK or PUBREC for accepted (it cannot read the code).
   */
  notTold?: true;
}

/**
 * A topic filter of a SUBSCRIBE the broker's access control denied: the client gets no message
 * on it. 2.1 says so (`\tFILTER (denied)`); before, the filter lacks the `log_type subscribe`
 * line of a granted one.
 */
export interface SubscribeDeniedFinding extends FindingBase {
  code: 'subscribe-denied';
  filter: string;
  /** The QoS asked for, which 2.1 does not log for a denied filter. */
  qos: Qos | null;
}
/** Messages for a client the broker dropped: its queue was full, or a message was too large for it. */
export interface DroppedFinding extends FindingBase {
  code: 'messages-dropped';
  /** Outgoing QoS 1/2 messages in flight to that client at that moment. */
  inFlight: number;
  /** The size of a message's packet too large for the client; absent when its queue was full. */
  packetBytes?: number;
  /** The topic of that message, when its PUBLISH line gave one. */
  topic?: string;
  /** Set when the client's queue overflowed while it was not connected (its session ended in the log). */
  offline?: true;
}
/** The broker started again in the log: the sessions of its run before ended. */
export interface RestartFinding extends FindingBase {
  code: 'broker-restart';
  version: string | null;
  /** The version of the broker that ran before, when the log named it and it was another: an upgrade or a downgrade. */
  previousVersion?: string;
  /** Sessions that were open when the broker went down. */
  sessionsEnded: number;
  /** The broker logged its stop (`terminating`); false after a crash or a kill, which log nothing. */
  stopLogged: boolean;
}
/** A broker that logged its start, then an error, and did not run (its port taken, a file it could not open); or one whose configuration failed before it logged its start. */
export interface StartFailedFinding extends FindingBase {
  code: 'broker-start-failed';
  version: string | null;
  /** The error it logged, without `Error: `; null when it logged none. */
  detail: string | null;
  /** A broker was running beside it: lines of one came before it (since the last start, with no stop) or after it. */
  brokerRunning: boolean;
  /**
   * It failed on its configuration or its command line, which it reads before it logs `starting`:
   * the log has no line of the start itself.
   */
  beforeStarting?: true;
  /** It failed on its command line (an option it does not know), not its configuration. */
  commandLine?: true;
  /** It could not open its persistent database (a corrupt or foreign `mosquitto.db`), not its configuration. */
  database?: true;
}
/**
 * systemd said the broker's service ended in failure (`mosquitto.service: Main process exited,
 * code=killed, status=11/SEGV`): its process exited with a status other than 0, was killed by a
 * signal, or dumped core. The broker logs nothing as it crashes; only its service manager says so.
 */
export interface ExitedFinding extends FindingBase, ServiceExit {
  code: 'broker-exited';
}
/** A configuration reload (SIGHUP) the broker logged errors for: what failed did not load (an unreadable password file refuses every login). */
export interface ReloadFailedFinding extends FindingBase {
  code: 'reload-failed';
  /** The first error it logged, without `Error: ` and its last full stop. */
  detail: string;
  /** The error lines it logged. */
  errors: number;
}
/**
 * A 2.0 broker that started without a listener in its configuration: it listens on the loopback
 * interface alone, so clients on other machines cannot connect, and their attempts leave no line.
 */
export interface LocalOnlyFinding extends FindingBase {
  code: 'local-only';
}
/**
 * The broker could not save its in-memory database (`persistence true`): what it keeps for
 * persistent sessions, queued messages and retained messages would not survive a restart.
 */
export interface PersistenceFailedFinding extends FindingBase {
  code: 'persistence-failed';
  /** Why, in the broker's words, with the system's error when it gave one (`unable to open mosquitto.db.new for writing: Permission denied`). */
  detail: string;
}
/**
 * Many clients lost their connections at once (a keepalive timeout or a socket error each, within
 * a minute of the one before, at least 5 clients and half of those connected): a cause they
 * share. `at` the first end and the last. Judged while the clients connected are known: the log
 * shows every session since the broker started, or, in one with packet lines that began later,
 * it has run ten minutes and they are the clients heard from ({@link connectedHeard}).
 */
export interface MassDisconnectFinding extends FindingBase {
  code: 'mass-disconnect';
  /** Clients whose sessions ended so. */
  clients: number;
  /** Clients connected as the first ended: those that ended, and those still connected then. */
  connected: number;
  /**
   * The log begins after the broker started: `connected` counts the clients heard from since
   * (sessions it shows begin, and those begun before it that sent a packet).
   */
  connectedHeard?: true;
  byEndReason: Partial<Record<EndReason, number>>;
  /** From the first end to the last. */
  spanMs: number;
}
/**
 * An MQTT 3.1.1 client connected again without clean session, as it had before, and the broker's
 * CONNACK said it held no session for it: what the session held (its subscriptions, the QoS 1/2
 * messages queued for it) was lost. `at` the CONNACK, then the end of the session before.
 */
export interface SessionLostFinding extends FindingBase {
  code: 'session-lost';
  /** The broker started again between the two sessions: it kept no sessions across its restart. */
  restarted: boolean;
}
/** State let go unjudged to stay under `--max-open`: how much of each kind, and the cap. */
export interface EvictionFinding extends FindingBase {
  code: 'state-evicted';
  sessions: number;
  flows: number;
  connections: number;
  limit: number;
}
/**
 * An outgoing bridge not connected: `bridge-down` when it still was at the end of the log (or
 * never connected), `bridge-outage` when a lost connection came back.
 */
export interface BridgeFinding extends FindingBase {
  code: 'bridge-down' | 'bridge-outage';
  /** The bridge's connection name. */
  bridge: string;
  /** The remote broker it was connected or connecting to when it went down, `host:port`. */
  remote: string | null;
  /** How long it was down: to its next connection, or to the end of the log. */
  downMs: number | null;
  /** Attempts to connect that failed meanwhile. */
  attempts: number;
  /** What the last of them failed with. */
  lastError: string | null;
  /** It was connected before: a connection was lost, rather than never made. */
  wasUp: boolean;
  /** A `bridge-down` reported while the outage went on, by `follow`: down for `downMs` then. */
  ongoing?: true;
}
/** The log has sessions and no packet lines: QoS flows cannot be followed. */
export interface NoDebugFinding extends FindingBase {
  code: 'no-debug-lines';
}
/**
 * The log has sessions known by their CONNACK alone and no connection line: how its sessions
 * ended, but by a DISCONNECT, is not in it.
 */
export interface NoConnectionLinesFinding extends FindingBase {
  code: 'no-connection-lines';
  /** Sessions known by their CONNACK alone. */
  sessions: number;
}
/**
 * Lines of the broker's that the system logger says it left out (see the `marker` record's
 * `missing`): what they said is not counted, so sessions, flows and findings of that time may be
 * wrong or missing.
 */
export interface LinesMissingFinding extends FindingBase {
  code: 'lines-missing';
  lines: number;
  cause: 'suppressed' | 'repeated';
}
/** Lines not understood: how many, and the first few of them. */
export interface UnknownLinesFinding extends FindingBase {
  code: 'unknown-lines';
  count: number;
  examples: string[];
}

/** Something that went wrong, pointing at the log lines it comes from. */
export type Finding =
  | KeepaliveFinding | SessionEndFinding | DroppedByBrokerFinding | TakeoverFinding | FlappingFinding | AuthFinding | RefusedFinding | TlsFinding
  | FlowFinding | DeniedFinding | TooLargeFinding | SubscribeDeniedFinding | DroppedFinding | RestartFinding | StartFailedFinding | ExitedFinding | ReloadFailedFinding | LocalOnlyFinding | PersistenceFailedFinding | SessionLostFinding | MassDisconnectFinding | EvictionFinding | BridgeFinding | LinesMissingFinding | NoDebugFinding | NoConnectionLinesFinding | UnknownLinesFinding;

/** Counts for one kind of flow. */
export interface FlowTotals {
  complete: number;
  incomplete: number;
  refused: number;
  /** Flows still in flight when the log ended, cut by its end rather than stalled (their client still connected). */
  inFlight: number;
  /** Incomplete flows by the step they stalled at; not those given up at the cap on open state. */
  stalledAt: Partial<Record<StalledAt, number>>;
  /**
   * Incomplete flows given up at the cap on open state (`--max-open`), counted apart from
   * `stalledAt`: they were dropped to save memory, not found stalled (a flow's own `stalledAt`
   * says what it was waiting for then).
   */
  untracked: number;
}

/** Latency percentiles in milliseconds (null without timed flows). */
export interface Latency {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Activity per key (client or topic). */
export interface Activity {
  messages: number;
  bytes: number;
}

/** Everything the correlator found, at the end of the stream. */
export interface Correlation {
  lines: number;
  records: number;
  /** Records by type. */
  recordTypes: Partial<Record<RecordType, number>>;
  unknown: number;
  unknownExamples: string[];
  /** Lines of other programs in a system log (syslog, a journal), by the program their envelope names: not counted in `unknown`. */
  otherProgramLines: number;
  /** The files read, in the order they were read. */
  files: string[];
  first: number | null;
  last: number | null;
  brokerVersions: string[];
  /** With no version named, what the broker's lines show of it; unset when they show nothing or a version is named. */
  brokerEra?: BrokerEra;
  brokerStarts: number;
  /** Starts that failed (a `broker-start-failed` finding each): they are not in `brokerStarts`. */
  brokerFailedStarts: number;
  /** Configuration reloads (`Reloading config.`, on SIGHUP). */
  brokerReloads: number;
  /** Sessions, in start order (when kept). */
  sessions: Session[];
  sessionCount: number;
  sessionsByEnd: Partial<Record<EndReason, number>>;
  /** Sessions known by their CONNACK alone ({@link Session.fromConnack}). */
  sessionsFromConnack: number;
  /** Distinct client ids that connected. */
  clients: number;
  /** True when there were more distinct ids than are counted exactly (`clients` is then a minimum). */
  clientsCapped: boolean;
  attempts: ConnectionAttempt[];
  attemptCount: number;
  attemptsByOutcome: Partial<Record<AttemptOutcome, number>>;
  /** Flows kept for listing (all, or only the unfinished, as asked). */
  flows: Flow[];
  flowTotals: { qos1: FlowTotals; qos2: FlowTotals };
  latency: { qos1: Latency; qos2: Latency };
  /** Completed flows by latency: `[milliseconds, flows]` pairs, ascending (values rounded when many). */
  latencyDistribution: { qos1: Array<[number, number]>; qos2: Array<[number, number]> };
  orphanAcks: number;
  /** Findings kept (capped per code), most severe first. */
  findings: Finding[];
  /** How many findings of each code there were, kept or not. */
  findingTotals: FindingCounts;
  /** True when the log has debug packet lines, so flows could be followed. */
  debugLines: boolean;
  /**
   * True when the log has times and every one is a whole second: a duration of 0 between two
   * of them is anything under a second.
   */
  wholeSeconds: boolean;
  /**
   * True unless a run of the broker logged SUBSCRIBE topic lines without the `log_type subscribe`
   * lines of the filters it granted, and before 2.1: a denied filter there is known only by the one it lacks.
   */
  filtersJudged: boolean;
  topClients: Array<{ client: string } & Activity>;
  topTopics: Array<{ topic: string } & Activity>;
  /** More distinct clients sent or received messages than are counted at once: `topClients` counts are lower bounds. */
  topClientsCapped: boolean;
  /** More distinct topics were published to than are counted at once: `topTopics` counts are lower bounds. */
  topTopicsCapped: boolean;
  /** The broker's error and warning messages by format, errors first, then the most frequent. */
  loggedMessages: LoggedMessage[];
  /** The clients whose sessions ended in trouble ({@link troubledEnds}) most often, most first: at most 10. */
  troubledClients: TroubledClient[];
  /** More clients had sessions end in trouble than are counted at once: `troubledClients` counts are lower bounds. */
  troubledClientsCapped: boolean;
  /** Records per minute (epoch minute → count), for the activity chart. */
  perMinute: Array<[number, number]>;
  evicted: { sessions: number; flows: number; connections: number };
}

/** Lines of one format the broker logged at error or warning level: how many, and the first. */
export interface LoggedMessage {
  level: 'error' | 'warning';
  /** The broker's printf format. */
  format: string;
  count: number;
  /** The first line's values for the format's placeholders. */
  params: Array<string | number>;
  time: number | null;
  /** The first line. */
  at: Where;
}

/** A client whose sessions ended in trouble: how many did, and how. */
export interface TroubledClient {
  client: string;
  /** Sessions of the client that ended in trouble. */
  ends: number;
  byEndReason: Partial<Record<EndReason, number>>;
  /** How long the shortest and the longest of those sessions lasted, of those whose times the log gives; null when none does. */
  shortestMs: number | null;
  longestMs: number | null;
}

/** An error or a warning the broker logged ({@link CorrelatorEvent}). */
export type LoggedEvent = Extract<CorrelatorEvent, { kind: 'logged' }>;

/** What the correlator reports as it happens, for live views (`mosqlog follow`). */
export type CorrelatorEvent =
  | { kind: 'session-start'; session: Session }
  | { kind: 'session-end'; session: Session }
  /**
   * The end of a session begun before the log (a log rotated while the client was connected),
   * which the log has no start of, so no {@link Session}; `detail` as a session's `endDetail`.
   */
  | { kind: 'ended-before-log'; client: string; reason: EndReason; detail?: string; time: number | null; at: Where }
  | { kind: 'attempt'; attempt: ConnectionAttempt }
  | { kind: 'flow-start'; flow: Flow }
  /** A flow finished: complete, refused, or given up incomplete (its `state` says which). */
  | { kind: 'flow-end'; flow: Flow }
  /**
   * A finished flow will change no more: at its end, but for a QoS 2 flow refused at its PUBREC,
   * whose PUBREL and PUBCOMP may follow. Every flow started is settled by the end of the log.
   */
  | { kind: 'flow-settled'; flow: Flow }
  /** A flow in flight was sent again (`d1`, or the same message after its session ended), at `at`: its PUBLISH line. */
  | { kind: 'flow-resent'; flow: Flow; time: number | null; at: Where }
  /**
   * A flow in flight has waited for `awaiting` since `since` while its client stayed connected,
   * as the log's time reached `time` ({@link CorrelateOptions.watchStalledFlows}); said once per wait.
   */
  | { kind: 'flow-stalled'; flow: Flow; awaiting: StalledAt | null; since: number; time: number }
  /** An acknowledgement of no flow in flight (its PUBLISH is before the log, or was not logged). */
  | { kind: 'orphan-ack'; ack: PacketRecord }
  /** The broker logged an error or a warning, as the summary's `errorsAndWarnings` counts them. */
  | { kind: 'logged'; record: MessageRecord; level: LoggedMessage['level'] }
  /**
   * A filter of a SUBSCRIBE the broker denied, known after its topic line (`at`): before 2.1 only
   * by the `log_type subscribe` line a granted filter has and it lacks.
   */
  | { kind: 'subscription-denied'; client: string; filter: string; at: Where }
  /**
   * A filter of a SUBSCRIBE taken as granted, for good, after its topic line (`at`): by its grant
   * line, its SUBACK, or a run of the broker that ends without saying it denies filters.
   */
  | { kind: 'subscription-granted'; client: string; at: Where }
  /**
   * A finding, as it is made. `time` is when: by the log's times, the finding's own or the latest
   * before it, whichever is later (a flow's finding is timed by its last step, and made when its
   * session ends), so that events come in time order; null while the log has no times.
   */
  | {
    kind: 'finding'; finding: Finding; time: number | null;
    /** The finding may still change (a run of takeovers that goes on), until its `finding-settled` event. */
    open?: true;
  }
  /**
   * A connection the line of a failed attempt was taken to be, by a guess among several waiting,
   * which a later line may put right (moving the attempt); then `attempt-settled`.
   */
  | { kind: 'attempt-guessed'; attempt: ConnectionAttempt }
  | { kind: 'attempt-settled'; attempt: ConnectionAttempt }
  /**
   * A session that may change after its end, until `session-settled`: one of an outgoing bridge
   * whose local id was guessed among several (a later line may show it was another bridge's, and
   * name it again), or one the broker's stop ended (what the broker sends as it stops counts in
   * it, until it starts again). Said before its `session-end`.
   */
  | { kind: 'session-unsettled'; session: Session }
  | { kind: 'session-settled'; session: Session }
  /** A finding that changed after its event (a run of takeovers that went on) changes no more. */
  | { kind: 'finding-settled'; finding: Finding };
