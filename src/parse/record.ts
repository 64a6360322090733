/**
 * The typed records the parser produces: one {@link LogRecord} per input line.
 * Every record carries where it came from (`file`, `line`), its time, its family
 * (the catalogue's grouping of broker messages) and its raw text.
 */

/** Message families, as grouped in the broker log catalogue, plus the parser's own. */
export const families = [
  'auth/acl', 'bridge', 'config', 'connack', 'connect', 'control', 'debug-other', 'debug-tree-print',
  'disconnect', 'error-other', 'file-permissions', 'internal', 'listener', 'persistence', 'ping',
  'plugin', 'plugin/dynsec', 'plugin/example', 'plugin/persist-sqlite', 'puback', 'puback/pubcomp',
  'pubcomp', 'publish-in', 'publish-out', 'pubrec', 'pubrel', 'session-expiry', 'shutdown', 'startup',
  'subscribe', 'tls', 'unsubscribe', 'usage', 'warning-other', 'websockets', 'will',
  'envelope', 'unknown',
] as const;
/** One of {@link families}. */
export type Family = (typeof families)[number];

/** The broker's log levels (never printed in the line; known from the message or the envelope). */
export const levels = [
  'error', 'warning', 'notice', 'info', 'debug', 'subscribe', 'unsubscribe',
  'websockets', 'internal', 'stdout', 'stderr',
] as const;
/** One of {@link levels}. */
export type Level = (typeof levels)[number];

/** MQTT control packets as the broker logs them. */
export const packetCmds = [
  'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp',
  'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp',
  'disconnect', 'auth',
] as const;
/** One of {@link packetCmds}. */
export type PacketCmd = (typeof packetCmds)[number];

/** An MQTT quality of service level. */
export type Qos = 0 | 1 | 2;

/** `in` = client (or remote bridge) to broker, `out` = broker to client. */
export type Direction = 'in' | 'out';

/** The protocol a client connected with: its CONNECT's protocol level 3, 4 or 5. */
export type MqttVersion = '3.1' | '3.1.1' | '5.0';

/** Where a line came from. */
export interface Where {
  file: string;
  line: number;
}

/** Fields every record has. */
export interface RecordBase extends Where {
  /** Epoch milliseconds, or null when the line carries no time. */
  time: number | null;
  family: Family;
  /** Known from the message format, the `$SYS` topic or the syslog priority. */
  level?: Level;
  /** The broker cut the line at its buffer size; fields may be partial. */
  truncated?: true | undefined;
  /** The whole input line, envelope included. */
  raw: string;
  /**
   * Who wrote the line, as its envelope names it (left out without one): a syslog or journal
   * line's host and program with its process id (`gw1 mosquitto[812]`), a docker compose service
   * (`broker-1`), a `kubectl logs --prefix` object and container (`pod/mosquitto-0/mosquitto`).
   */
  origin?: string;
}

/** Why the broker says a connection ended, normalised across 1.4 – 2.1 wording. */
export type DisconnectCause =
  | 'client-disconnect' | 'closed' | 'timeout' | 'socket-error' | 'protocol-error'
  | 'malformed-packet' | 'not-authorised' | 'bad-credentials' | 'banned' | 'invalid-client-id'
  | 'bad-auth-method' | 'server-unavailable' | 'server-busy' | 'quota-exceeded'
  | 'rate-exceeded' | 'implementation-error' | 'topic-alias-invalid' | 'http-origin'
  | 'oversize-packet' | 'oversize-payload' | 'out-of-memory' | 'disallowed-feature'
  | 'administrative' | 'session-taken-over' | 'receive-maximum' | 'os-error' | 'bad-socket'
  /** The broker cut the line before the words that tell the endings apart, or inside a reason that starts several (`detail` holds what is left of it). */
  | 'unknown';

/** `New connection from ADDR[:PORT] on port L.` */
export interface ConnectionRecord extends RecordBase {
  type: 'connection';
  address: string;
  /** Remote port (2.0+), null for 1.x lines. */
  port: number | null;
  listenerPort: number;
}

/** `New client connected …` / `New bridge connected …`: a session starts. */
export interface ClientConnectedRecord extends RecordBase {
  type: 'client-connected';
  client: string;
  address: string;
  port: number | null;
  bridge: boolean;
  /** The raw `p` value (1.6+), null before 1.6. */
  protocolLevel: number | null;
  mqttVersion: MqttVersion | null;
  /** The `p` value does not fit the broker version known from the log. */
  versionAmbiguous?: true;
  cleanSession: boolean;
  keepalive: number;
  username: string | null;
}

/** A line saying a client's connection ended. */
export interface DisconnectRecord extends RecordBase {
  type: 'disconnect';
  /** Null when the broker printed `<unknown>`. */
  client: string | null;
  /** 2.1.1+ prints `[address:port]`; 2.1+ prints the address where the id is unknown. */
  address: string | null;
  port: number | null;
  cause: DisconnectCause;
  /** OS or library error text, when the broker gave one. */
  detail?: string;
}

/** `Client X already connected, closing old connection.` (1.x – 2.0, logged for the new connection). */
export interface TakeoverRecord extends RecordBase {
  type: 'takeover';
  client: string;
}

/** An MQTT control packet sent or received. */
export interface PacketRecord extends RecordBase {
  type: 'packet';
  cmd: PacketCmd;
  direction: Direction;
  /** Client id, or for CONNACK before the id is known, the address. */
  client: string;
  mid?: number;
  qos?: Qos;
  dup?: boolean;
  retain?: boolean;
  topic?: string;
  payloadBytes?: number;
  /** MQTT v5 / CONNACK reason code. */
  reasonCode?: number;
  sessionPresent?: boolean;
  /** What the broker did with it, when not the normal handling. */
  outcome?: 'denied' | 'dropped' | 'rejected' | 'unknown-mid';
  /** Auth method of an AUTH packet. */
  method?: string;
}

/** A topic line of a SUBSCRIBE/UNSUBSCRIBE (tab-indented debug line or `log_type subscribe` line). */
export interface SubscriptionRecord extends RecordBase {
  type: 'subscription';
  action: 'subscribe' | 'unsubscribe';
  /** The client the topic belongs to (from the line, or the SUBSCRIBE line before it). */
  client: string | null;
  filter: string;
  qos?: Qos;
  denied?: true;
}

/** Will message lines that follow a connect. */
export interface WillRecord extends RecordBase {
  type: 'will';
  client: string | null;
  event: 'specified' | 'none' | 'topic';
  payloadBytes?: number;
  retain?: boolean;
  qos?: Qos;
  topic?: string;
}

/** Broker life cycle: start, stop, config, listeners, persistence. */
export interface BrokerRecord extends RecordBase {
  type: 'broker';
  event:
    | 'starting' | 'running' | 'terminating' | 'config-loaded' | 'default-config' | 'listening'
    | 'reloading' | 'saving';
  version?: string;
  path?: string;
  port?: number;
  socket?: 'ipv4' | 'ipv6' | 'websockets' | 'unix' | 'http-api';
}

/** A client's queued messages are being dropped (`max_queued_messages`), or one was too large. */
export interface DropRecord extends RecordBase {
  type: 'messages-dropped';
  client: string;
  /** The size of the packet too large for the client (its maximum packet size); absent for a full queue. */
  packetBytes?: number;
}

/** `Expiring client X due to timeout.` */
export interface SessionExpiryRecord extends RecordBase {
  type: 'session-expiry';
  client: string;
}

/**
 * Any other catalogued broker message, with its parameters in order.
 * `client`, `address` and `port` are filled where the format names them.
 */
export interface MessageRecord extends RecordBase {
  type: 'message';
  /** The broker's printf format this line was made from. */
  format: string;
  params: Array<string | number>;
  client?: string;
  address?: string;
  port?: number;
}

/** A physical line that belongs to the message before it (wrapped text, trailing blank line). */
export interface ContinuationRecord extends RecordBase {
  type: 'continuation';
  /** Line number of the message it continues. */
  parentLine: number;
  /** The parent's format, so later lines of the same message can be recognised. */
  format: string;
  /** Which physical line of the message this is (1 = the second line). */
  part: number;
  /** The values of the `%` conversions on this line, in order, when it has any. */
  params?: Array<string | number>;
}

/** Lines added by the log's envelope rather than the broker (journald `-- Boot … --`). */
export interface MarkerRecord extends RecordBase {
  type: 'marker';
  text: string;
  /**
   * Lines of the broker's that the system logger left out of the log here: `suppressed` at its
   * rate limit (journald's `Suppressed N messages from …`), or `repeated`: copies of one line
   * it folded into this one (rsyslog's `message repeated N times: [ … ]`).
   */
  missing?: { lines: number; cause: 'suppressed' | 'repeated' };
  /** systemd's `UNIT: Main process exited, code=…, status=…`: how a service's process ended. */
  exit?: ServiceExit;
}

/** How a service's process ended, as systemd says it. */
export interface ServiceExit {
  /** The systemd unit, such as `mosquitto.service`. */
  unit: string;
  /** `exited` (with `status`), `killed` (by the signal `status`) or `dumped` (core, on the signal `status`). */
  how: 'exited' | 'killed' | 'dumped';
  /** The exit status or the signal, as systemd gives it: `0/SUCCESS`, `3/NOTIMPLEMENTED`, `9/KILL`, `11/SEGV`. */
  status: string;
}

/** Why a line could not be decoded. */
export type UnknownReason = 'no-match' | 'empty' | 'too-long' | 'binary' | 'other-program';

/** A line the parser could not decode; kept in place and counted. */
export interface UnknownRecord extends RecordBase {
  type: 'unknown';
  reason: UnknownReason;
  /** The message after any recognised prefix. */
  message: string;
}

/** One record per input line. */
export type LogRecord =
  | ConnectionRecord | ClientConnectedRecord | DisconnectRecord | TakeoverRecord | PacketRecord
  | SubscriptionRecord | WillRecord | BrokerRecord | DropRecord | SessionExpiryRecord
  | MessageRecord | ContinuationRecord | MarkerRecord | UnknownRecord;

/** The kinds of record, one per member of {@link LogRecord}. */
export type RecordType = LogRecord['type'];

/**
 * The part of a record a family decoder supplies; the parser adds the base fields. A decoder
 * that knows the line was cut, whatever its length, says so with `truncated`.
 */
export type RecordBody<R extends LogRecord = LogRecord> = R extends LogRecord
  ? Omit<R, keyof RecordBase> & { family: Family; level?: Level; truncated?: true }
  : never;

/** For exhaustive `switch` statements over unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
