/**
 * Connection life: new connections, clients connecting, CONNACK, will details, takeovers,
 * session expiry, and every wording of a connection ending from 1.4 to 2.1.
 */
import { isIP } from 'node:net';
import {
  type DecodeContext, type PatternSpec, clientOrNull, definePatterns, int, isAtLeast21, isBefore2, isKnownBefore,
  optionalFlag, optionalInt, plausibleAddress, str, toQos,
} from '../pattern.js';
import type { DisconnectCause, MqttVersion, RecordBody } from '../record.js';
import type { Fields } from '../template.js';

/** The lines of a connection's life, by kind: each template with its family, level and the versions that print it. */
export const connectionPatterns = {
  // 2.0.0–2.1.2
  newConnectionWithPort: { template: 'New connection from {address}:{port:int} on port {listener:int}.', family: 'connect', level: 'notice', versions: '2.0.0–2.1.2' },
  newConnection: { template: 'New connection from {address} on port {listener:int}.', family: 'connect', level: 'notice', versions: '1.3.1–1.6.15' },
  connectedPortUser: { template: "New {kind} connected from {address:short}:{port:int} as {client} (p{p:int}, c{c:int}, k{k:int}, u'{username}').", family: 'connect', level: 'notice', versions: '2.0.0–2.1.2' },
  connectedPort: { template: 'New {kind} connected from {address:short}:{port:int} as {client} (p{p:int}, c{c:int}, k{k:int}).', family: 'connect', level: 'notice', versions: '2.0.0–2.1.2' },
  connectedProtoUser: { template: "New {kind} connected from {address:short} as {client} (p{p:int}, c{c:int}, k{k:int}, u'{username}').", family: 'connect', level: 'notice', versions: '1.6.0–1.6.15' },
  connectedProto: { template: 'New {kind} connected from {address:short} as {client} (p{p:int}, c{c:int}, k{k:int}).', family: 'connect', level: 'notice', versions: '1.6.0–1.6.15' },
  connectedUser: { template: "New {kind} connected from {address:short} as {client} (c{c:int}, k{k:int}, u'{username}').", family: 'connect', level: 'notice', versions: '1.4.0–1.5.11' },
  connectedUserUnquoted: { template: 'New {kind} connected from {address:short} as {client} (c{c:int}, k{k:int}, u{username}).', family: 'connect', level: 'notice', versions: '1.3.1–1.3.5' },
  connected: { template: 'New {kind} connected from {address:short} as {client} (c{c:int}, k{k:int}).', family: 'connect', level: 'notice', versions: '1.3.1–1.5.11' },
  alreadyConnected: { template: 'Client {client} already connected, closing old connection.', family: 'connect', level: 'error', versions: '1.3.1–2.0.22' },
  connackSent: { template: 'Sending CONNACK to {client} ({sp:int}, {rc:int})', family: 'connack', level: 'debug', versions: '1.4.0–2.1.2' },
  connackSentOld: { template: 'Sending CONNACK to {client} ({rc:int})', family: 'connack', level: 'debug', versions: '1.3.1–1.3.5' },
  connackReceived: { template: 'Received CONNACK on connection {client}.', family: 'connack', level: 'debug', versions: '1.3.1–2.1.2' },
  willSpecified: { template: 'Will message specified ({bytes:int} bytes) (r{r:int}, q{q:int}).', family: 'will', level: 'debug', versions: '1.5.0–2.1.2' },
  willNone: { template: 'No will message specified.', family: 'will', level: 'debug', versions: '1.5.0–2.1.2' },
  expiring: { template: 'Expiring client {client} due to timeout.', family: 'session-expiry', level: 'notice', versions: '1.6.8–2.1.2' },
  expiringPersistent: { template: 'Expiring persistent client {client} due to timeout.', family: 'session-expiry', level: 'notice', versions: '1.3.1–1.6.7' },
  // Disconnect wording, 2.1.1+: `Client ID [ADDR:PORT] disconnected[: reason].`
  endedPlain: { template: 'Client {client} [{address}:{port:int}] disconnected.', family: 'disconnect', level: 'notice', versions: '2.1.1–2.1.2' },
  endedBadSocket: { template: 'Client {client} [{address}:{port:int}] disconnected: bad socket read/write: {detail}', family: 'disconnect', level: 'notice', versions: '2.1.1–2.1.2' },
  endedReason: { template: 'Client {client} [{address}:{port:int}] disconnected: {reason}.', family: 'disconnect', level: 'notice', versions: '2.1.1–2.1.2' },
  // 1.3–2.1.0 wording.
  disconnected: { template: 'Client {client} disconnected.', family: 'disconnect', level: 'notice', versions: '1.3.1–2.1.0' },
  disconnectedComma: { template: 'Client {client} disconnected, {reason}.', family: 'disconnect', level: 'notice', versions: '1.6.0–2.1.0' },
  disconnectedDueTo: { template: 'Client {client} disconnected due to {reason}.', family: 'disconnect', level: 'notice', versions: '1.6.0–2.1.0' },
  disconnectedErrno: { template: 'Client {client} disconnected: {detail}.', family: 'disconnect', level: 'notice', versions: '2.0.6–2.1.0' },
  closed: { template: 'Client {client} closed its connection.', family: 'disconnect', level: 'notice', versions: '2.0.0–2.1.0' },
  timeout: { template: 'Client {client} has exceeded timeout, disconnecting.', family: 'disconnect', level: 'notice', versions: '1.3.1–2.1.0' },
  socketError: { template: 'Socket error on client {client}, disconnecting.', family: 'disconnect', level: 'notice', versions: '1.3.1–1.6.15' },
  badSocketOld: { template: 'Bad socket read/write on client {client}, disconnecting.', family: 'disconnect', level: 'notice', versions: '2.0.0–2.0.5' },
  badSocket: { template: 'Bad socket read/write on client {client}: {detail}', family: 'disconnect', level: 'notice', versions: '2.0.6–2.1.0' },
  kicked: { template: 'Client {client} been disconnected by administrative action.', family: 'disconnect', level: 'notice', versions: '2.0.0–2.1.0' },
  tooLarge: { template: 'Client {client} sent too large packet {size:int}, disconnecting.', family: 'disconnect', level: 'info', versions: '1.6.0–1.6.15' },
} as const satisfies Record<string, PatternSpec>;

/** The name of one of {@link connectionPatterns}. */
export type ConnectionPatternKind = keyof typeof connectionPatterns;

/** Reason texts after `disconnected:` (2.1.1+), `disconnected,` (1.6–2.1.0) or `due to` (1.6–2.1.0). */
const reasonCauses: Record<string, DisconnectCause> = {
  'administrative action': 'administrative',
  'bad authentication method': 'bad-auth-method',
  'bad username or password': 'bad-credentials',
  'client banned': 'banned',
  'client identifier not valid': 'invalid-client-id',
  'connection closed by client': 'closed',
  'connection rate exceeded': 'rate-exceeded',
  'exceeded timeout': 'timeout',
  'implementation specific error': 'implementation-error',
  'malformed packet': 'malformed-packet',
  'non-matching http origin': 'http-origin',
  'not authorised': 'not-authorised',
  'no longer authorised': 'not-authorised',
  'out of memory': 'out-of-memory',
  'oversize packet': 'oversize-packet',
  'oversize payload': 'oversize-payload',
  'protocol error': 'protocol-error',
  'quota exceeded': 'quota-exceeded',
  'receive maximum exceeded': 'receive-maximum',
  'exceeding the receive maximum': 'receive-maximum',
  'server busy': 'server-busy',
  'server unavailable': 'server-unavailable',
  'session taken over': 'session-taken-over',
  'topic alias invalid': 'topic-alias-invalid',
  'used disallowed feature (QoS too high, retain not supported, or bad AUTH method)': 'disallowed-feature',
  'using not allowed feature (QoS too high, retain not supported, or bad AUTH method)': 'disallowed-feature',
  'QoS too high or retain not supported': 'disallowed-feature',
};

/**
 * MQTT version from the `p` value. 1.6–2.0 print the protocol enum (1 = 3.1, 2 = 3.1.1),
 * 2.1+ the protocol level (3 = 3.1, 4 = 3.1.1); 5 is MQTT 5 in both.
 */
function mqttVersionOf(p: number, brokerVersion: string | undefined): { version: MqttVersion | null; ambiguous: boolean } {
  const version: MqttVersion | null = p === 1 || p === 3 ? '3.1' : p === 2 || p === 4 ? '3.1.1' : p === 5 ? '5.0' : null;
  if (version === null) return { version, ambiguous: true };
  if (brokerVersion === undefined || p === 5) return { version, ambiguous: false };
  const modern = !/^(1\.|2\.0\.)/.test(brokerVersion);
  return { version, ambiguous: modern ? p < 3 : p > 2 };
}

function decodeConnected(kind: ConnectionPatternKind, f: Fields, ctx: DecodeContext): RecordBody | null {
  const which = str(f, 'kind');
  if (which !== 'client' && which !== 'bridge') return null;
  const hasPort = kind === 'connectedPort' || kind === 'connectedPortUser';
  const address = str(f, 'address');
  if (hasPort && (!plausibleAddress(address) || isBefore2(ctx.brokerVersion))) return null;
  const p = 'p' in f ? int(f, 'p') : null;
  const { version, ambiguous } = p === null ? { version: null, ambiguous: false } : mqttVersionOf(p, ctx.brokerVersion);
  return {
    type: 'client-connected',
    family: 'connect',
    level: 'notice',
    client: str(f, 'client'),
    address,
    port: hasPort ? int(f, 'port') : null,
    bridge: which === 'bridge',
    protocolLevel: p,
    mqttVersion: version,
    ...(ambiguous ? { versionAmbiguous: true as const } : {}),
    cleanSession: int(f, 'c') !== 0,
    keepalive: int(f, 'k'),
    username: 'username' in f ? str(f, 'username') : null,
  };
}

/** The cause a disconnect's reason text names; on a cut line, the one reason that starts so. */
function causeOf(reason: string, ctx: DecodeContext): DisconnectCause | undefined {
  const cause = reasonCauses[reason];
  if (cause !== undefined || !ctx.cut || reason === '') return cause;
  const starting = Object.keys(reasonCauses).filter((text) => text.startsWith(reason)).map((text) => reasonCauses[text]);
  return starting.length > 0 && starting.every((c) => c === starting[0]) ? starting[0] : undefined;
}

/** A disconnect whose reason the broker's cut left as the start of several (`conne`): what is left is its detail. */
function cutEnd(f: Fields, ctx: DecodeContext, reason: string): RecordBody {
  return disconnect(f, ctx, 'unknown', reason === '' ? undefined : `${reason}…`);
}

/** A connection ended by an error the broker names by its errno text. */
function errnoEnd(f: Fields, ctx: DecodeContext, text: string): RecordBody {
  // errno 0 (glibc's "Success", musl's "No error information"): the client closed its
  // connection in the middle of a packet.
  return text === 'Success' || text === 'No error information' ? disconnect(f, ctx, 'closed', 'mid-packet') : disconnect(f, ctx, 'os-error', text);
}

function disconnect(f: Fields, ctx: DecodeContext, cause: DisconnectCause, detail?: string): RecordBody {
  const raw = str(f, 'client');
  const bracketed = 'address' in f ? str(f, 'address') : null;
  // 2.1+ prints the address in place of an id it does not know: 2.1.1+ as `ADDR [ADDR:PORT]`,
  // 2.1.0 (old wording) as the address alone: an IP address, or a unix socket's path.
  const addressAsId = bracketed === null ? isAtLeast21(ctx.brokerVersion) && (isIP(raw) !== 0 || /^\/\S*$/.test(raw)) : raw === bracketed;
  const printed = bracketed ?? (addressAsId ? raw : null);
  return {
    type: 'disconnect',
    family: 'disconnect',
    level: 'notice',
    client: addressAsId ? null : clientOrNull(raw),
    // 2.1.1+ prints glibc's `[(null):0]` for a session restored from persistence or a bridge's local end.
    address: printed === '(null)' ? null : printed,
    port: 'port' in f && printed !== '(null)' ? int(f, 'port') : null,
    cause,
    ...(detail !== undefined ? { detail } : {}),
  };
}

function decodeConnection(kind: ConnectionPatternKind, f: Fields, ctx: DecodeContext, spec: PatternSpec): RecordBody | null {
  switch (kind) {
    case 'newConnectionWithPort':
    case 'newConnection': {
      const address = str(f, 'address');
      const withPort = kind === 'newConnectionWithPort';
      if (withPort && (!plausibleAddress(address) || isBefore2(ctx.brokerVersion))) return null;
      return { type: 'connection', family: 'connect', level: 'notice', address, port: withPort ? int(f, 'port') : null, listenerPort: int(f, 'listener') };
    }
    case 'connectedPortUser':
    case 'connectedPort':
    case 'connectedProtoUser':
    case 'connectedProto':
    case 'connectedUser':
    case 'connectedUserUnquoted':
    case 'connected':
      return decodeConnected(kind, f, ctx);
    case 'alreadyConnected':
      return { type: 'takeover', family: 'connect', level: 'error', client: str(f, 'client') };
    case 'connackSent':
    case 'connackSentOld':
      // A line cut short leaves out what it does not show.
      return {
        type: 'packet', family: 'connack', level: 'debug', cmd: 'connack', direction: 'out', client: str(f, 'client'),
        reasonCode: optionalInt(f, 'rc'), sessionPresent: kind === 'connackSent' ? optionalFlag(f, 'sp') : undefined,
      };
    case 'connackReceived':
      return { type: 'packet', family: 'connack', level: 'debug', cmd: 'connack', direction: 'in', client: str(f, 'client') };
    case 'willSpecified': {
      const qos = toQos(int(f, 'q'));
      return {
        type: 'will', family: 'will', level: 'debug', event: 'specified', client: connectedClient(ctx),
        payloadBytes: optionalInt(f, 'bytes'), retain: optionalFlag(f, 'r'), qos,
      };
    }
    case 'willNone':
      return { type: 'will', family: 'will', level: 'debug', event: 'none', client: connectedClient(ctx) };
    case 'expiring':
    case 'expiringPersistent':
      return { type: 'session-expiry', family: 'session-expiry', level: 'notice', client: str(f, 'client') };
    // Before 2.1.1 a `[x:N]` is part of the client id (`esp32 [00:11:22:33:44:55]`).
    case 'endedPlain':
      return plausibleAddress(str(f, 'address')) && !isKnownBefore(ctx.brokerVersion, '2.1.1') ? disconnect(f, ctx, 'client-disconnect') : null;
    // A reason or error text never holds an end of its own: where it seems to, the id held an end's words.
    case 'endedBadSocket': {
      const detail = str(f, 'detail');
      if (isKnownBefore(ctx.brokerVersion, '2.1.1') || endInText.test(detail)) return null;
      return disconnect(f, ctx, 'bad-socket', detail);
    }
    case 'endedReason': {
      const reason = str(f, 'reason');
      if (!plausibleAddress(str(f, 'address')) || isKnownBefore(ctx.brokerVersion, '2.1.1') || endInText.test(reason)) return null;
      const cause = causeOf(reason, ctx);
      // An error text starts with a capital (`Connection reset by peer`); the reasons do not.
      if (!cause && ctx.cut && !/^[A-Z]/.test(reason)) return cutEnd(f, ctx, reason);
      return cause ? disconnect(f, ctx, cause) : errnoEnd(f, ctx, reason);
    }
    case 'disconnected':
      return disconnect(f, ctx, 'client-disconnect');
    case 'disconnectedComma':
    case 'disconnectedDueTo': {
      const reason = str(f, 'reason');
      const cause = causeOf(reason, ctx);
      if (!cause && ctx.cut) return cutEnd(f, ctx, reason);
      return cause ? disconnect(f, ctx, cause) : null;
    }
    case 'disconnectedErrno':
      return errnoEnd(f, ctx, str(f, 'detail'));
    case 'closed':
      return disconnect(f, ctx, 'closed');
    case 'timeout':
      return disconnect(f, ctx, 'timeout');
    case 'socketError':
      return disconnect(f, ctx, 'socket-error');
    case 'badSocketOld':
      return disconnect(f, ctx, 'bad-socket');
    case 'badSocket':
      return disconnect(f, ctx, 'bad-socket', str(f, 'detail'));
    case 'kicked':
      return disconnect(f, ctx, 'administrative');
    case 'tooLarge':
      return { ...disconnect(f, ctx, 'oversize-packet', String(int(f, 'size'))), level: spec.level };
  }
}

/** The ` [ADDRESS:PORT] disconnected…` of a 2.1.1+ end line. */
const endInText = / \[[^\]]*:\d+\] disconnected(?:: |\.?$)/;

/** Will lines follow the connect line of the client they belong to. */
function connectedClient(ctx: DecodeContext): string | null {
  const prev = ctx.prev;
  return prev?.type === 'client-connected' ? prev.client : null;
}

/** The compiled connection table. */
export const connectionTable = definePatterns(connectionPatterns, decodeConnection);
