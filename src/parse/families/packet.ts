/**
 * MQTT packets the broker logs at debug level: PUBLISH and its acknowledgements in both the
 * `(Mid: n)` (≤1.5) and `(mN, rcN)` (1.6+) forms, pings, SUBSCRIBE/UNSUBSCRIBE and their acks,
 * DISCONNECT and AUTH.
 */
import { type PatternSpec, definePatterns, int, str, toQos } from '../pattern.js';
import type { Direction, Family, Level, PacketCmd, PacketRecord, RecordBody } from '../record.js';
import type { Fields } from '../template.js';

/** The packet lines, by kind: each template with its family, level and the versions that print it. */
export const packetPatterns = {
  publishIn: { template: "Received PUBLISH from {client} (d{d:int}, q{q:int}, r{r:int}, m{mid:int}, '{topic}', ... ({bytes:int} bytes))", family: 'publish-in', level: 'debug', versions: '1.3.1–2.1.2' },
  publishInDenied: { template: "Denied PUBLISH from {client} (d{d:int}, q{q:int}, r{r:int}, m{mid:int}, '{topic}', ... ({bytes:int} bytes))", family: 'publish-in', level: 'debug', versions: '1.3.1–2.1.2' },
  publishInTooLarge: { template: "Dropped too large PUBLISH from {client} (d{d:int}, q{q:int}, r{r:int}, m{mid:int}, '{topic}', ... ({bytes:int} bytes))", family: 'publish-in', level: 'debug', versions: '1.3.1–2.1.2' },
  publishOut: { template: "Sending PUBLISH to {client} (d{d:int}, q{q:int}, r{r:int}, m{mid:int}, '{topic}', ... ({bytes:int} bytes))", family: 'publish-out', level: 'debug', versions: '1.3.1–2.1.2' },
  publishOutDenied: { template: "Denied PUBLISH to {client} (q{q:int}, r{r:int}, '{topic}', ... ({bytes:int} bytes))", family: 'publish-out', level: 'debug', versions: '2.1.0–2.1.2' },
  rejectedIn: { template: 'Rejected PUBLISH from {client}, quota exceeded.', family: 'publish-in', level: 'debug', versions: '2.1.0–2.1.2' },
  rejectedOut: { template: 'Rejected PUBLISH to {client}, quota exceeded.', family: 'publish-out', level: 'debug', versions: '2.1.0–2.1.2' },
  ackSentRc: { template: 'Sending {cmd:name} to {client} (m{mid:int}, rc{rc:int})', family: 'puback', level: 'debug', versions: '1.6.0–2.1.2' },
  ackSentMid: { template: 'Sending {cmd:name} to {client} (m{mid:int})', family: 'pubrel', level: 'debug', versions: '1.6.0–2.1.2' },
  ackSentOld: { template: 'Sending {cmd:name} to {client} (Mid: {mid:int})', family: 'puback', level: 'debug', versions: '1.3.1–1.5.11' },
  ackReceivedRc: { template: 'Received {cmd:name} from {client} (Mid: {mid:int}, RC:{rc:int})', family: 'puback/pubcomp', level: 'debug', versions: '1.6.0–2.1.2' },
  ackReceived: { template: 'Received {cmd:name} from {client} (Mid: {mid:int})', family: 'puback/pubcomp', level: 'debug', versions: '1.3.1–2.1.2' },
  ackUnknownMid: { template: 'Warning: Received {cmd:name} from {client} for an unknown packet identifier {mid:int}.', family: 'puback/pubcomp', level: 'warning', versions: '1.4.9–2.1.2' },
  received: { template: 'Received {cmd:name} from {client}', family: 'ping', level: 'debug', versions: '1.3.1–2.1.2' },
  sent: { template: 'Sending {cmd:name} to {client}', family: 'ping', level: 'debug', versions: '1.3.1–2.1.2' },
  disconnectSent: { template: 'Sending DISCONNECT to {client} (rc{rc:int})', family: 'disconnect', level: 'debug', versions: '1.6.0–2.1.2' },
  authReceived: { template: 'Received AUTH from {client} (rc{rc:int}, {method})', family: 'auth/acl', level: 'debug', versions: '1.6.0–2.1.2' },
  authSent: { template: 'Sending AUTH to {client} (rc{rc:int}, {method})', family: 'auth/acl', level: 'debug', versions: '1.6.0–2.1.2' },
} as const satisfies Record<string, PatternSpec>;

/** The name of one of {@link packetPatterns}. */
export type PacketPatternKind = keyof typeof packetPatterns;

/**
 * Packet names the broker prints, with the family of each direction's line. A map, because the
 * name comes from the line and can be any text.
 */
export const packetCommands: ReadonlyMap<string, { cmd: PacketCmd; in: Family; out: Family }> = new Map([
  ['PUBACK', { cmd: 'puback', in: 'puback/pubcomp', out: 'puback' }],
  ['PUBREC', { cmd: 'pubrec', in: 'pubrec', out: 'pubrec' }],
  ['PUBREL', { cmd: 'pubrel', in: 'pubrel', out: 'pubrel' }],
  ['PUBCOMP', { cmd: 'pubcomp', in: 'puback/pubcomp', out: 'pubcomp' }],
  ['PINGREQ', { cmd: 'pingreq', in: 'ping', out: 'ping' }],
  ['PINGRESP', { cmd: 'pingresp', in: 'ping', out: 'ping' }],
  ['SUBSCRIBE', { cmd: 'subscribe', in: 'subscribe', out: 'subscribe' }],
  ['SUBACK', { cmd: 'suback', in: 'subscribe', out: 'subscribe' }],
  ['UNSUBSCRIBE', { cmd: 'unsubscribe', in: 'unsubscribe', out: 'unsubscribe' }],
  ['UNSUBACK', { cmd: 'unsuback', in: 'unsubscribe', out: 'unsubscribe' }],
  ['DISCONNECT', { cmd: 'disconnect', in: 'disconnect', out: 'disconnect' }],
]);

/** Which packets each line shape may name. */
const allowed: Partial<Record<PacketPatternKind, readonly string[]>> = {
  ackSentRc: ['PUBACK', 'PUBREC'],
  ackSentMid: ['PUBREL', 'PUBCOMP'],
  ackSentOld: ['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'],
  ackReceivedRc: ['PUBACK', 'PUBCOMP'],
  ackReceived: ['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'],
  ackUnknownMid: ['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'],
  received: ['PINGREQ', 'PINGRESP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'DISCONNECT'],
  sent: ['PINGREQ', 'PINGRESP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK'],
};

/** Whether the table row `kind` may name packet `name`. */
export function packetShapeAllows(kind: PacketPatternKind, name: string): boolean {
  return allowed[kind]?.includes(name) ?? false;
}

/**
 * A packet record with every field present (unset ones undefined, which JSON leaves out), so
 * all packet records share one shape: most lines of a debug log are packets, and the code that
 * reads them stays fast when they look alike.
 */
export function packetRecord(family: Family, level: Level, cmd: PacketCmd, direction: Direction, client: string): PacketRecord {
  return {
    type: 'packet', family, level, cmd, direction, client,
    mid: undefined, qos: undefined, dup: undefined, retain: undefined, topic: undefined, payloadBytes: undefined,
    reasonCode: undefined, sessionPresent: undefined, outcome: undefined, method: undefined,
    file: '', line: 0, time: null, raw: '', truncated: undefined,
  };
}

/** A PUBLISH line's record from its fields; fields a cut line lacks are left out. */
export function decodePublish(f: Fields, direction: Direction, family: Family): PacketRecord {
  const body = packetRecord(family, 'debug', 'publish', direction, str(f, 'client'));
  const qos = toQos(int(f, 'q'));
  if ('mid' in f) body.mid = int(f, 'mid');
  if (qos !== undefined) body.qos = qos;
  if ('d' in f) body.dup = int(f, 'd') !== 0;
  // A line the broker cut short may end before any of these.
  if ('r' in f) body.retain = int(f, 'r') !== 0;
  if ('topic' in f) body.topic = str(f, 'topic');
  if ('bytes' in f) body.payloadBytes = int(f, 'bytes');
  return body;
}

function decodePacket(kind: PacketPatternKind, f: Fields): RecordBody | null {
  switch (kind) {
    case 'publishIn':
      return decodePublish(f, 'in', 'publish-in');
    case 'publishInDenied':
      return { ...decodePublish(f, 'in', 'publish-in'), outcome: 'denied' };
    case 'publishInTooLarge':
      return { ...decodePublish(f, 'in', 'publish-in'), outcome: 'dropped' };
    case 'publishOut':
      return decodePublish(f, 'out', 'publish-out');
    case 'publishOutDenied':
      return { ...decodePublish(f, 'out', 'publish-out'), outcome: 'denied' };
    case 'rejectedIn':
    case 'rejectedOut': {
      const direction: Direction = kind === 'rejectedIn' ? 'in' : 'out';
      const family: Family = kind === 'rejectedIn' ? 'publish-in' : 'publish-out';
      return { type: 'packet', family, level: 'debug', cmd: 'publish', direction, client: str(f, 'client'), outcome: 'rejected' };
    }
    case 'disconnectSent':
      return { type: 'packet', family: 'disconnect', level: 'debug', cmd: 'disconnect', direction: 'out', client: str(f, 'client'), reasonCode: int(f, 'rc') };
    case 'authReceived':
    case 'authSent':
      return {
        type: 'packet', family: 'auth/acl', level: 'debug', cmd: 'auth', direction: kind === 'authReceived' ? 'in' : 'out',
        client: str(f, 'client'), reasonCode: int(f, 'rc'), method: str(f, 'method'),
      };
    default: {
      const name = str(f, 'cmd');
      const known = packetCommands.get(name);
      if (!known || !packetShapeAllows(kind, name)) return null;
      const direction: Direction = kind.startsWith('ackSent') || kind === 'sent' ? 'out' : 'in';
      const body = packetRecord(known[direction], kind === 'ackUnknownMid' ? 'warning' : 'debug', known.cmd, direction, str(f, 'client'));
      if ('mid' in f) body.mid = int(f, 'mid');
      if ('rc' in f) body.reasonCode = int(f, 'rc');
      if (kind === 'ackUnknownMid') body.outcome = 'unknown-mid';
      return body;
    }
  }
}

/** The compiled packet table. */
export const packetTable = definePatterns(packetPatterns, decodePacket);
