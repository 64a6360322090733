/**
 * Words for findings: one title per code and a one-line message per finding. Shared by every
 * reporter that shows findings to people (tables, Markdown, JUnit, annotations, follow).
 * Returns raw text: callers make it safe for their medium.
 */
import { type AttemptOutcome, type AuthFinding, type BridgeFinding, type BrokerCause, type Correlation, type DeniedFinding, type EndReason, type Finding, type FindingCode, type Flow, type FlowFinding, type FlowTotals, type LoggedMessage, type RefusedFinding, type Session, type StalledAt, endReasons, identifierRejected } from '../correlate/index.js';
import { type Direction, fillPrintf } from '../parse/index.js';
import { describeReasonCode } from './reason-codes.js';
import { formatBytes, formatDuration } from './text.js';

/** What a session known by its CONNACK alone ({@link Session.fromConnack}) is said to be. */
export const connackOnly = 'known by its CONNACK alone';

/** Said after a count of sessions when some are known by their CONNACK alone, whose address, version and keepalive the log does not give. */
export function fromConnackNote(c: Pick<Correlation, 'sessionsFromConnack'>): string {
  const n = c.sessionsFromConnack;
  return n === 0 ? '' : ` (${n} known by the CONNACK alone: the log has no connection lines)`;
}

/**
 * What QoS flows are known by, and what gives them: the broker writes packet lines at its debug
 * level, which the `$SYS/broker/log` topics never carry.
 */
export const packetLines = 'packet lines (PUBLISH and its acknowledgements: log_type debug or all, to a destination other than the $SYS topics)';

export { troubledEnds } from '../correlate/index.js';

/** A flow's packets in the order they came: `PUBLISH→PUBREC→PUBREL`. */
export function describeFlowSteps(f: Flow): string {
  return f.steps.map((s) => s.step.toUpperCase()).join('→');
}

/** A short title per finding code. */
export const findingTitles: Record<FindingCode, string> = {
  'flow-incomplete': 'QoS flow did not complete',
  'keepalive-timeout': 'Keepalive timeout',
  'socket-error': 'Socket error',
  'dropped-by-broker': 'Disconnected by the broker',
  'tls-failure': 'TLS handshake failed',
  'connection-refused': 'Connection turned away by the broker',
  'protocol-error': 'Protocol error',
  'auth-failure': 'Authentication failure',
  'takeover-flapping': 'Client id flapping between connections',
  'bridge-down': 'Bridge down at the end of the log',
  takeover: 'Session taken over',
  'bridge-outage': 'Bridge connection lost, then restored',
  'mass-disconnect': 'Many clients lost their connections at once',
  'session-lost': 'Persistent session lost',
  'messages-dropped': 'Outgoing messages dropped',
  'publish-denied': 'PUBLISH denied by access control',
  'publish-too-large': 'PUBLISH dropped as too large',
  'subscribe-denied': 'SUBSCRIBE filter denied by access control',
  'flow-refused': 'QoS flow refused by reason code',
  'flow-duplicate': 'Message re-sent (duplicate)',
  'mid-reused': 'Message id reused while in flight',
  'lines-missing': 'Lines left out by the system log',
  'broker-restart': 'Broker restart',
  'broker-start-failed': 'Broker failed to start',
  'broker-exited': 'Broker process failed',
  'reload-failed': 'Configuration reload failed',
  'local-only': 'Broker listening on this machine alone',
  'persistence-failed': 'Database not saved',
  'state-evicted': 'Tracking state evicted at the limit',
  'no-debug-lines': 'No debug lines: QoS flows cannot be followed',
  'no-connection-lines': 'No connection lines: how sessions ended cannot be known',
  'unknown-lines': 'Lines not understood',
};

/** A finding's title: its code's, but for a bridge that `follow` reports down while the log goes on, and an outage of one that had not connected. */
export function findingTitle(f: Finding): string {
  if (f.code === 'bridge-down' && f.ongoing === true) return 'Bridge down';
  if (f.code === 'bridge-outage' && !f.wasUp) return 'Bridge could not connect for a while';
  return findingTitles[f.code];
}

const who = (client: string | null): string => client ?? '<unknown client>';

/**
 * Where an unfinished flow stopped, and whose packet did not come. PUBREL comes from the
 * message's sender, the other acknowledgements from its receiver, so the broker owes PUBACK,
 * PUBREC and PUBCOMP for what a client publishes and PUBREL for a delivery (a PUBREC refused
 * with a reason code, which 2.0 does not log, stops a delivery there).
 */
function stall(f: FlowFinding): string {
  if (f.stalledAt === undefined) return 'stalled waiting for an acknowledgement';
  return owedByBroker(f.direction, f.stalledAt) ? `stalled: the broker sent no ${f.stalledAt.toUpperCase()}` : `stalled waiting for ${f.stalledAt.toUpperCase()}`;
}

/** The reason code that refuses a message for one QoS 2 message too many in flight from its client. */
const quotaExceeded = 0x97;

/**
 * A refused flow, its reason code, and what it meant: the broker refuses a client's QoS 2
 * message with quota exceeded when as many from it as it takes at once (`max_inflight_messages`)
 * await their PUBREL; only a v5 client reads the code.
 */
function flowRefused(f: FlowFinding): string {
  const refused = `${who(f.client)} ${f.direction === 'in' ? 'publish' : 'delivery'} m${f.mid} (QoS ${f.qos}${f.topic !== null ? `, ${f.topic}` : ''}) refused`;
  if (f.reasonCode === undefined) return `${refused} by its PUBREC, whose reason code the broker does not log`;
  const quota = f.direction === 'in' && f.reasonCode === quotaExceeded
    ? ' (it already had max_inflight_messages QoS 2 messages awaiting PUBREL, 20 by default)'
    : '';
  return `${refused} with reason code ${describeReasonCode('publish-ack', f.reasonCode)}${quota}${f.notTold ? notToldWords() : ''}`;
}

/** What a client that cannot read the code of the broker's acknowledgement (`ack`, when named) made of its refused message. */
function notToldWords(ack?: 'PUBACK' | 'PUBREC'): string {
  return `; the client was not told: an MQTT 3.1/3.1.1 client cannot read the code${ack ? ` of its ${ack}` : ''}, so it takes the message as accepted`;
}

/** Whether the broker owes a flow's step, rather than its client ({@link stall}). */
export function owedByBroker(direction: Direction, step: StalledAt): boolean {
  return (direction === 'out') === (step === 'pubrel');
}

/** A session end's detail in words: a cause the broker named (`malformed-packet`, `oversize-packet, 300 bytes`) reads `malformed packet`. */
function describeCause(detail: string): string {
  const hint = errorTextHints[detail.replace(/\.$/, '')];
  if (hint !== undefined) return `${detail} (${hint})`;
  // 1.6 gives the size of a packet over max_packet_size.
  const size = /^oversize-packet, (\d+) bytes$/.exec(detail);
  if (size) return `oversize packet of ${size[1]} bytes (over max_packet_size)`;
  return detail.replace(/^[a-z]+(?:-[a-z]+)+(?=,|$)/, (cause) => causeWords[cause] ?? cause.replace(/-/g, ' '));
}

/**
 * What the broker's error text in `Bad socket read/write on client X: …` stands for where it says
 * little: 2.0 has no words for some of the codes its packet handling returns, and names only the
 * error with which it closes a connection it refused after logging it connected.
 */
const errorTextHints: Readonly<Record<string, string>> = {
  'Unknown error': "2.0's words for a packet it refused without saying why: a retained PUBLISH where retain_available is false, or an invalid topic alias",
  'Invalid arguments provided': "2.0.12 and later's words as they close the connection of an MQTT 3.x client they refused for its keepalive: over max_keepalive, or 0 while that is set",
};

/** The causes for which the broker drops a client of its own accord, in words. */
const brokerCauseWords: Readonly<Record<BrokerCause, string>> = {
  'out-of-memory': 'out of memory (it reached its memory_limit, or the system ran out of memory)',
  'implementation-error': 'an implementation specific error',
  'server-busy': 'server busy',
  'server-unavailable': 'server unavailable',
  'quota-exceeded': 'quota exceeded',
  'rate-exceeded': 'connection rate exceeded',
  'http-origin': 'its websockets request came from an HTTP origin the listener does not allow',
};

/** Causes whose name does not read as words once its hyphens are spaces. */
const causeWords: Readonly<Record<string, string>> = {
  'receive-maximum': 'receive maximum exceeded',
  'topic-alias-invalid': 'invalid topic alias',
  'disallowed-feature': 'feature not allowed',
  'oversize-packet': 'oversize packet (over max_packet_size)',
  'oversize-payload': "oversize payload (a will's over message_size_limit)",
};

/**
 * A connection the broker turned away before it read a CONNECT, and why. Both of the causes that
 * are a file descriptor short say so: tcpd denies a connection whose broker has none left to read
 * hosts.allow and hosts.deny with, as a broker built with it (Debian's) does when out of them.
 */
function describeDenial(address: string | null, detail: string): string {
  const from = address ? ` from ${address}` : '';
  if (detail === 'denied by tcpd') return `the connection${from} was denied by tcpd: by hosts.allow or hosts.deny, or for want of a file descriptor to read them (see ulimit -n)`;
  if (detail === 'socket count exceeded') return `a connection${from} was closed as it was accepted: the broker had no file descriptor left (socket count exceeded; see ulimit -n)`;
  return `the connection${from} was denied: ${detail}`;
}

/**
 * What OpenSSL's reason for a failed handshake most often means, by the words it ends in (1.1's
 * `error:1408F10B:SSL routines:ssl3_get_record:wrong version number`, 3's
 * `error:0A00010B:SSL routines::wrong version number`). `peer` is the other side: the client, or
 * the remote broker of a bridge; `self` the broker or the bridge. An alert is what the peer said.
 */
const tlsHints: ReadonlyArray<readonly [string, (peer: string, self: string, bridge: boolean) => string | null]> = [
  ['wrong version number', (peer) => `${peer} did not speak TLS: plain MQTT to a TLS port?`],
  ['http request', (peer) => `${peer} sent a plain HTTP request`],
  ['alert unknown ca', (peer, self) => `${peer} does not trust the CA that signed ${self}'s certificate`],
  ['alert bad certificate', (peer, self) => `${peer} rejected ${self}'s certificate`],
  ['alert certificate unknown', (peer, self) => `${peer} rejected ${self}'s certificate`],
  ['alert certificate expired', (peer, self) => `${peer} says ${self}'s certificate has expired`],
  ['alert certificate required', (peer, self) => `${peer} asks for a certificate of ${self}'s, which it did not send`],
  // mosquitto_pub and mosquitto_sub end the handshake so when the broker's certificate does not name the host they were given.
  ['alert internal error', (peer, _self, bridge) => (bridge ? `${peer} gave up the handshake` : `${peer} gave up the handshake, as mosquitto's clients do when the certificate does not name the host they connected to`)],
  ['peer did not return a certificate', (peer, _self, bridge) => (bridge ? null : `${peer} sent no certificate, which require_certificate asks for`)],
  ['certificate verify failed', (peer, self) => `${self} could not verify ${peer}'s certificate with its CA files: signed by another CA, expired or not yet valid`],
  ['unsupported protocol', () => 'the two sides allow no TLS version in common'],
  ['alert protocol version', () => 'the two sides allow no TLS version in common'],
  ['no shared cipher', () => 'the two sides allow no cipher in common'],
];

/** OpenSSL's error, with what it most often means when that is known ({@link tlsHints}). */
function withTlsHint(detail: string, bridge: boolean): string {
  const reason = detail.toLowerCase();
  const hint = tlsHints.find(([words]) => reason.endsWith(words))?.[1](bridge ? 'the remote broker' : 'the client', bridge ? 'the bridge' : 'the broker', bridge);
  return hint ? `${detail} (${hint})` : detail;
}

/** MQTT 3.1.1's CONNACK code `not authorised`, the one it has for a will too large. */
const notAuthorised = 5;

/**
 * A connection the broker refused with a CONNACK: who, from where, and its code. The broker
 * rejects an identifier for two causes: an empty client id (its CONNACK then names the address),
 * and, from 2.0.12, an MQTT 3.x client's keepalive over `max_keepalive`, or 0 while that is set,
 * which 2.0.12 to 2.0.15 set to 65535 by default. A will over `message_size_limit` is refused
 * with `packet too large`, or `not authorised` for an MQTT 3.x client.
 */
function describeRefusal(f: AuthFinding | RefusedFinding): string {
  const refused = `${f.client ?? 'a client'}${f.address ? ` from ${f.address}` : ''} was refused${f.reasonCode !== undefined ? ` (CONNACK ${describeReasonCode('connack', f.reasonCode)})` : ''}`;
  if (f.code === 'connection-refused' && f.keepalive !== undefined) {
    if (f.keepalive === 0) return `${refused}: it asked for no keepalive (0), which a broker with max_keepalive set refuses from an MQTT 3.x client (2.0.12 on; 2.0.12 to 2.0.15 set max_keepalive to 65535 by default)`;
    return `${refused}: its keepalive of ${f.keepalive}s is over the broker's max_keepalive, which refuses such an MQTT 3.x client (2.0.12 on)`;
  }
  if (f.code === 'connection-refused' && f.willTooLarge) {
    const told = f.reasonCode === notAuthorised ? ' (not authorised is the code an MQTT 3.x client is told it with)' : '';
    return `${refused}: the payload of its will was over the broker's message_size_limit${told}`;
  }
  if (f.code === 'auth-failure' && f.reasonCode === identifierRejected && f.client === null) {
    return `${refused}: it sent an empty client id, which the broker takes only from an MQTT 3.1.1 client asking for a clean session, where allow_zero_length_clientid is true`;
  }
  return refused;
}

/** What each way a connection failed to become a session most often is, for the summary's failed connections. */
export const attemptOutcomeWords: Readonly<Record<AttemptOutcome, string>> = {
  refused: 'refused by its CONNACK for a cause other than who the client is: a busy broker, a connection rate, a protocol version, a keepalive, a will too large',
  'not-authorised': 'refused for who the client is: its credentials, its id, or what it may access',
  closed: 'ended before it sent CONNECT: a port check (a health probe, nc -z, a load balancer), a client that gave up, or one that spoke another protocol',
  denied: 'turned away before it was read: max_connections, tcpd, or no file descriptor left',
  'protocol-error': 'dropped for breaking the protocol before it connected',
  'tls-error': 'its TLS handshake failed',
  'no-connect': 'sent no CONNECT: dropped after waiting for one, or still waiting when the log ended',
};

/** Sessions counted by how they ended, in the order of {@link endReasons}: `timeout 12, socket-error 3`. */
export function describeEndCounts(counts: Partial<Record<EndReason, number>>): string {
  return endReasons.filter((r) => (counts[r] ?? 0) > 0).map((r) => `${r} ${counts[r]}`).join(', ');
}

/** How long a finding's trouble lasted; none at all between two stamps is under a second, whatever the stamps hold. */
function lasting(ms: number): string {
  return ms === 0 ? 'under a second' : formatDuration(ms);
}

/**
 * A keepalive timeout. The broker cuts a client off after 1.5 keepalives of silence; sooner than
 * that (beyond the second the log's stamps may lose), or with no keepalive asked for, the
 * keepalive it enforced was not the one the client asked for (a v5 client gets the broker's
 * `max_keepalive`), which the log does not show.
 */
function keepaliveTimeout(f: Extract<Finding, { code: 'keepalive-timeout' }>): string {
  const silent = f.gapMs !== null ? `nothing received for ${lasting(f.gapMs)}` : null;
  if (f.keepalive !== null && silent !== null && f.gapMs !== null && (f.keepalive === 0 || f.gapMs < f.keepalive * 1500 - 1000)) {
    const asked = f.keepalive > 0 ? `a keepalive of ${f.keepalive}s; the broker enforced a shorter one` : 'no keepalive; the broker enforced one';
    return `${who(f.client)} timed out after ${silent}, though it asked for ${asked}`;
  }
  return `${who(f.client)} exceeded its keepalive${f.keepalive !== null ? ` of ${f.keepalive}s` : ''}${silent !== null ? `; ${silent}` : ''}`;
}

/** How an unfinished flow was given up, when its session says more than the stalled step. */
function flowEnd(f: FlowFinding): string {
  if (f.dropped === 'expired') return '; the broker expired the session with it in flight';
  // Both come after the session ended with the flow in flight, and say what settled its loss.
  if (f.dropped === 'clean-start') return '; the session ended with it in flight, and the client reconnected with a clean start, which discarded it';
  if (f.dropped === 'not-resumed') return '; the session ended with it in flight, and the broker did not resume it when the client reconnected';
  if (f.mayBeHeld) return '; the session ended with it in flight just before the log did, and the broker may hold it still: it keeps a v5 session with clean start for an expiry interval the log does not give';
  if (f.sessionEnded) return '; the session ended with it in flight';
  return '';
}

/** Why a flow was given up unfinished, in a few words, when something other than its end says. */
export const droppedWords: Record<NonNullable<Flow['dropped']>, string> = {
  expired: 'session expired',
  'clean-start': 'clean start',
  'not-resumed': 'session not resumed',
  'mid-reused': 'id reused',
  evicted: 'untracked at --max-open',
  'too-large': 'too large',
  denied: 'denied by access control',
};

/**
 * Which way a session is a bridge, shown beside its address: this broker's outgoing bridge (its
 * address is the remote broker's), a bridge another broker made to this one, or null.
 */
export function bridgeRole(s: Session): string | null {
  if (s.outgoingBridge !== undefined) return `outgoing bridge ${s.outgoingBridge}`;
  return s.bridge ? 'incoming bridge' : null;
}

/** Where a QoS level's incomplete flows stalled (`2 at PUBREC, 1 untracked at --max-open`), or `-`. */
export function describeStalls(t: FlowTotals): string {
  const parts = Object.entries(t.stalledAt).map(([step, n]) => `${n} at ${step.toUpperCase()}`);
  if (t.untracked > 0) parts.push(`${t.untracked} ${droppedWords.evicted}`);
  return parts.join(', ') || '-';
}

/** The reason code by which the broker tells a v5 client that no subscription matched its message. */
const noMatchingSubscribers = 0x10;

/** Whether the broker acknowledged a client's message saying that no subscription matched it: nobody got it. */
export function hadNoSubscribers(f: Flow): boolean {
  return f.direction === 'in' && f.steps.some((s) => s.reasonCode === noMatchingSubscribers);
}

/** A flow's state in a few words: `complete`, `complete (rc 16: no matching subscribers)`, `incomplete at PUBACK (clean start)`, `refused (rc 135: not authorised)`, `in flight when the log ended`. */
export function describeFlowState(f: Flow): string {
  if (f.state === 'refused') {
    const code = f.reasonCode !== undefined ? `rc ${describeReasonCode('publish-ack', f.reasonCode)}` : null;
    // A message too large goes over the broker's limit when it comes in, the client's when it goes out.
    const dropped = f.dropped === 'too-large' ? `too large for the ${f.direction === 'in' ? 'broker' : 'client'}` : f.dropped === 'denied' ? droppedWords.denied : null;
    if (dropped !== null) return `refused (${[dropped, code].filter(Boolean).join(', ')})`;
    return `refused (${code ?? 'rc not logged'})`;
  }
  if (f.state === 'complete') return hadNoSubscribers(f) ? `complete (rc ${describeReasonCode('publish-ack', noMatchingSubscribers)})` : 'complete';
  if (f.state === 'in-flight') return f.held ? "in flight when the log ended, held for the client's kept session" : 'in flight when the log ended';
  if (f.state !== 'incomplete') return f.state;
  const at = `incomplete at ${(f.stalledAt ?? '?').toUpperCase()}`;
  return f.dropped === undefined ? at : `${at} (${droppedWords[f.dropped]})`;
}

/** What the broker's access control denied: a client's PUBLISH, or (2.1) a delivery to a subscriber. */
function publishDenied(f: DeniedFinding): string {
  const topic = f.topic ?? 'its topic';
  const qos = f.qos === null ? '' : ` (QoS ${f.qos})`;
  if (f.direction === 'out') return `${who(f.client)} may not read ${topic}: a message for it${qos} was denied and not sent`;
  return `${who(f.client)} may not publish to ${topic}: its PUBLISH${f.mid === null ? '' : ` m${f.mid}`}${qos} was denied and dropped`;
}

/** What a bridge finding says: how long the bridge was down, and what its attempts met. */
function bridgeDown(f: BridgeFinding): string {
  const bridge = `bridge ${f.bridge}${f.remote !== null ? ` to ${f.remote}` : ''}`;
  const lasted = f.downMs !== null ? lasting(f.downMs) : null;
  const what = f.code === 'bridge-outage'
    ? (f.wasUp ? `${bridge} lost its connection and was down${lasted !== null ? ` for ${lasted}` : ''} before it connected again` : `${bridge} did not connect${lasted !== null ? ` for ${lasted}` : ''}, then connected`)
    : f.ongoing ? `${bridge} ${f.wasUp ? 'lost its connection and has been down' : 'has not connected'}${lasted !== null ? ` for ${lasted}` : ''}`
      : f.wasUp ? `${bridge} lost its connection and was still down when the log ended${lasted !== null ? `, ${lasted} later` : ''}` : `${bridge} never connected`;
  return f.attempts === 0 ? what : `${what}; ${f.attempts} attempt(s) to connect failed (last: ${f.lastError ?? 'unknown'})`;
}

/** One line saying what a finding is about. */
export function describeFinding(f: Finding): string {
  switch (f.code) {
    case 'flow-incomplete':
      return `${who(f.client)} ${f.direction === 'in' ? 'publish' : 'delivery'} m${f.mid} (QoS ${f.qos}${f.topic !== null ? `, ${f.topic}` : ''}) ${stall(f)}${flowEnd(f)}`;
    case 'flow-refused':
      return flowRefused(f);
    case 'publish-denied':
      return publishDenied(f);
    case 'publish-too-large': {
      const size = f.payloadBytes === null ? '' : ` ${formatBytes(f.payloadBytes)}`;
      const told = !f.notTold ? '' : f.qos === 0 ? '; the client was not told (a QoS 0 message has no acknowledgement)' : notToldWords(f.qos === 2 ? 'PUBREC' : 'PUBACK');
      return `${who(f.client)} published${size} to ${f.topic ?? 'its topic'}: its PUBLISH${f.mid === null ? '' : ` m${f.mid}`}${f.qos === null ? '' : ` (QoS ${f.qos})`} was larger than the broker's message_size_limit and dropped${told}`;
    }
    case 'subscribe-denied':
      return `${who(f.client)} may not subscribe to ${f.filter}${f.qos === null ? '' : ` (QoS ${f.qos})`}: it gets no message on it`;
    case 'flow-duplicate':
      if (f.firstResent) {
        const resent = (f.duplicates ?? 1) === 1 ? 'came marked as re-sent (d1)' : `was re-sent ${f.duplicates ?? 1} times, the first marked d1`;
        return `${who(f.client)} m${f.mid} (${f.direction}) ${resent}: sent before, on an earlier connection or before the log`;
      }
      return `${who(f.client)} m${f.mid} (${f.direction}) was sent ${(f.duplicates ?? 0) + 1} times`;
    case 'mid-reused':
      return `${who(f.client)} reused m${f.mid} (${f.direction}) before the previous flow completed`;
    case 'keepalive-timeout':
      return keepaliveTimeout(f);
    case 'dropped-by-broker':
      return `${who(f.client)} was disconnected by the broker: ${brokerCauseWords[f.detail]}`;
    case 'socket-error':
      // Only 1.x's `Socket error on client X` names no cause: it says so for a client that
      // closed its connection without a DISCONNECT too, which 2.0 logs as `closed its connection`.
      return `${who(f.client)} lost its connection${f.detail ? `: ${describeCause(f.detail)}` : ' (1.x\'s "Socket error": closed without a DISCONNECT, or a failed read or write)'}`;
    case 'protocol-error':
      if (f.address !== undefined) return `a connection${f.client !== null ? ` of ${f.client}` : ''}${f.address !== null ? ` from ${f.address}` : ''} was dropped for a protocol error before it connected${f.detail ? `: ${describeCause(f.detail)}` : ''}`;
      return `${who(f.client)} was disconnected for a protocol error${f.detail ? `: ${describeCause(f.detail)}` : ''}`;
    case 'tls-failure':
      if (f.bridge !== undefined) return `the TLS handshake of bridge ${f.bridge}${f.address ? ` with ${f.address}` : ''} failed${f.detail ? `: ${withTlsHint(f.detail, true)}` : ''}`;
      return `the TLS handshake of a connection${f.address ? ` from ${f.address}` : ''} failed${f.detail ? `: ${withTlsHint(f.detail, false)}` : ''}`;
    case 'auth-failure':
      if (f.bridge !== undefined) return `bridge ${f.bridge}${f.address ? ` to ${f.address}` : ''} was refused by the remote broker${f.reasonCode !== undefined ? ` (CONNACK ${describeReasonCode('connack', f.reasonCode)})` : ''}`;
      return describeRefusal(f);
    case 'connection-refused':
      if (f.detail !== undefined) return describeDenial(f.address, f.detail);
      return describeRefusal(f);
    case 'bridge-down':
    case 'bridge-outage':
      return bridgeDown(f);
    case 'takeover':
      if (f.inferred) return `${who(f.client)} connected again${f.newAddress ? ` from ${f.newAddress}` : ''} while its connection${f.oldAddress ? ` from ${f.oldAddress}` : ''} was open, and no takeover line was logged: taken over, or the broker restarted without logging it`;
      return `${who(f.client)} connected again${f.newAddress ? ` from ${f.newAddress}` : ''}; the connection${f.oldAddress ? ` from ${f.oldAddress}` : ''} was closed`;
    case 'takeover-flapping':
      if (f.inferred) return `${who(f.client)} connected again ${f.takeovers} times in ${lasting(f.windowMs)} while its connection was open, and no takeover line was logged: two clients may share this id, or the broker restarted without logging it`;
      return `${who(f.client)} was taken over ${f.takeovers} times in ${lasting(f.windowMs)}: two clients share this id`;
    case 'messages-dropped':
      if (f.packetBytes !== undefined) return `a message${f.topic !== undefined ? ` on ${f.topic}` : ''} of ${f.packetBytes} bytes (as a packet) was too large for ${who(f.client)}'s maximum packet size and was dropped`;
      if (f.offline) return `queue full for ${who(f.client)} while it was not connected: messages for it are being dropped`;
      return `queue full for ${who(f.client)}: outgoing messages are being dropped (${f.inFlight} in flight)`;
    case 'broker-restart': {
      // An upgrade (or a downgrade) names the version that ran before, and the one started.
      const [before, after] = f.previousVersion !== undefined ? [`${f.previousVersion} `, ` as ${f.version}`] : [f.version ? `${f.version} ` : '', ''];
      return `broker ${before}${f.stopLogged ? `was stopped and started again${after}` : `started again${after} with no stop logged before it (a crash or a kill)`}; ${f.sessionsEnded} session(s) ended`;
    }
    case 'broker-start-failed':
      return `broker ${f.version ? `${f.version} ` : ''}did not start${f.beforeStarting ? `: ${f.database ? 'its persistent database could not be read' : `its ${f.commandLine ? 'command line' : 'configuration'} has an error`}` : ''}${f.detail !== null ? ` (${f.detail})` : ''}${f.brokerRunning ? '; the broker already running went on' : ''}`;
    case 'broker-exited':
      return `systemd says the broker's service ${f.unit} ${f.how === 'exited' ? `exited with status ${f.status}` : f.how === 'killed' ? `was killed by signal ${f.status}` : `dumped core (signal ${f.status})`}: the broker was not running from then until a next start`;
    case 'reload-failed':
      return `the configuration reload logged ${f.errors === 1 ? `an error (${f.detail})` : `${f.errors} errors (first: ${f.detail})`}; the broker ran on without what failed to load`;
    case 'mass-disconnect': {
      const how = describeEndCounts(f.byEndReason);
      const connected = f.connectedHeard ? `${f.connected} clients connected (those heard from since the log began, after the broker started)` : `${f.connected} connected clients`;
      return `${f.clients} of ${connected} lost their connections within ${lasting(f.spanMs)} (${how}): a cause they share, such as the network or a broker that stalled, rather than each client`;
    }
    case 'session-lost':
      return `${who(f.client)} connected again without clean session, but the broker held no session for it: ${f.restarted ? 'it restarted in between without keeping its sessions (persistence off, or its database not saved or not read)' : 'the log shows no restart or expiry since its last session ended (a restart the log does not hold, or an expiry not logged)'}; the subscriptions and queued QoS 1/2 messages of its last session were lost`;
    case 'persistence-failed':
      return `the broker could not save its in-memory database (${f.detail}): persistent sessions, the messages queued for them and retained messages would not survive a restart`;
    case 'lines-missing':
      return f.cause === 'suppressed'
        ? `the system log dropped ${f.lines} of the broker's lines at its rate limit: what they said is missing, so sessions, flows and findings of that time may be wrong`
        : `the system log folded ${f.lines} repeat(s) of a line into one: they are counted once`;
    case 'state-evicted':
      return `tracking limit ${f.limit} reached: ${f.sessions} session(s), ${f.flows} flow(s), ${f.connections} connection(s) dropped from tracking`;
    case 'no-debug-lines':
      return `the log has no ${packetLines}, so QoS flows could not be checked`;
    case 'no-connection-lines':
      return `the log has no connection lines (New client connected, Client … disconnected: log_type notice with connection_messages true), so keepalive timeouts, socket errors, takeovers and clients the broker dropped could not be checked; ${f.sessions} session(s) are known by their CONNACK alone`;
    case 'unknown-lines':
      return `${f.count} line(s) could not be decoded`;
    case 'local-only':
      return 'the broker started in local only mode: its configuration has no listener, so it listens on port 1883 of the loopback interface alone, and clients on other machines cannot connect (their attempts leave no line in the log); a listener line (listener 1883) with the authentication it needs lets them in';
  }
}

/** A logged error's or warning's message (the first of its format's, or a record's), as the broker wrote it, without the newline some formats end in. */
export function loggedText(m: Pick<LoggedMessage, 'format' | 'params'>): string {
  return fillPrintf(m.format, m.params).trimEnd();
}

/** {@link loggedText} on one line, for a table: a message of two lines is joined by a space. */
export function loggedLine(m: Pick<LoggedMessage, 'format' | 'params'>): string {
  return loggedText(m).replaceAll('\n', ' ');
}

/** What is said of a log that names no broker version: what its lines show of it, if anything. */
export function versionNotInLog(c: Pick<Correlation, 'brokerEra'>): string {
  return c.brokerEra === undefined ? 'version not in log' : `version not in log (${c.brokerEra}, by its lines)`;
}
