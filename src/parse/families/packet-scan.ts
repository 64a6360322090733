/**
 * The packet lines that make up most of a debug log, read by scanning characters instead of
 * trying the table's regexes one by one: PUBLISH in and out, the acknowledgements in both
 * wordings, pings and the other bare `Received X from c` / `Sending X to c` lines.
 *
 * The result is always the one the packet table gives for the same message. The client
 * placeholder is greedy, so the scan reads the fixed tail from the end of the line, the command
 * (a run of capitals) from the start, and takes the client in between. Wherever the
 * table could read the line another way (a second ` (d` in a PUBLISH, a command its shape does
 * not allow, a number too long to read exactly), the scan returns null and the full search
 * decides. A PUBLISH line the broker cut short is read by {@link scanCutPublish} instead of the
 * table, whose reading of a cut line ends the client at its first ` (d`.
 */
import type { Direction, PacketRecord } from '../record.js';
import { type Fields, compileTemplate, matchShapePrefix } from '../template.js';
import { decodePublish, packetCommands, packetShapeAllows, packetRecord } from './packet.js';

/** Where the last {@link readIntBack} or {@link readIntAt} stopped, and what it read. */
let cursor = 0;
let value = 0;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isCapital(code: number): boolean {
  return code >= 65 && code <= 90;
}

/**
 * Reads `-?\d+` starting at `at`, into `value`; `cursor` is left after it. False when there is
 * no number, or one of more than 15 digits (beyond those a double is not exact).
 */
function readIntAt(text: string, at: number): boolean {
  let i = at;
  const negative = text.charCodeAt(i) === 45;
  if (negative) i++;
  const start = i;
  let n = 0;
  for (let c = text.charCodeAt(i); isDigit(c); c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
  if (i === start || i - start > 15) return false;
  value = negative ? -n : n;
  cursor = i;
  return true;
}

/**
 * Reads `-?\d+` ending just before `end`, into `value`; `cursor` is left at its first character.
 * The number takes every digit before `end` (the character before the digits is the shape's
 * literal), and the minus sign when there is one.
 */
function readIntBack(text: string, end: number): boolean {
  let i = end;
  while (i > 0 && isDigit(text.charCodeAt(i - 1))) i--;
  if (i === end || end - i > 15) return false;
  const start = text.charCodeAt(i - 1) === 45 ? i - 1 : i;
  if (!readIntAt(text, start) || cursor !== end) return false;
  cursor = start;
  return true;
}

/** True when `literal` stands in `text` just before `end`; `cursor` is left at its start. */
function literalBefore(text: string, literal: string, end: number): boolean {
  const start = end - literal.length;
  if (start < 0 || !text.startsWith(literal, start)) return false;
  cursor = start;
  return true;
}

/** True when `literal` stands in `text` at `at`; `cursor` is left after it. */
function literalAt(text: string, literal: string, at: number): boolean {
  if (!text.startsWith(literal, at)) return false;
  cursor = at + literal.length;
  return true;
}

/**
 * `Received PUBLISH from c (dN, qN, rN, mN, 'topic', ... (N bytes))` and its `Sending … to`
 * twin, from `at` (just after `from `/`to `).
 */
function readPublish(message: string, at: number, direction: Direction): PacketRecord | null {
  // The tail has no placeholder but the byte count, so from the end it can be read one way only.
  if (!literalBefore(message, ' bytes))', message.length) || !readIntBack(message, cursor)) return null;
  const bytes = value;
  if (!literalBefore(message, "', ... (", cursor)) return null;
  const topicEnd = cursor;
  // The client ends at the one ` (d`; a second one (in the client or the topic) could move it.
  const open = message.indexOf(' (d', at);
  if (open < 0 || message.indexOf(' (d', open + 1) >= 0) return null;
  if (!readIntAt(message, open + 3)) return null;
  const dup = value;
  if (!literalAt(message, ', q', cursor) || !readIntAt(message, cursor)) return null;
  const qos = value;
  if (!literalAt(message, ', r', cursor) || !readIntAt(message, cursor)) return null;
  const retain = value;
  if (!literalAt(message, ', m', cursor) || !readIntAt(message, cursor)) return null;
  const mid = value;
  if (!literalAt(message, ", '", cursor) || cursor > topicEnd) return null;
  const record = packetRecord(direction === 'in' ? 'publish-in' : 'publish-out', 'debug', 'publish', direction, message.slice(at, open));
  record.mid = mid;
  if (qos === 0 || qos === 1 || qos === 2) record.qos = qos;
  record.dup = dup !== 0;
  record.retain = retain !== 0;
  record.topic = message.slice(cursor, topicEnd);
  record.payloadBytes = bytes;
  return record;
}

/** Which tail an acknowledgement line ends with, and the numbers in it. */
type AckTail = 'midRc' | 'mid' | 'old' | 'none';

let tailMid = 0;
let tailRc = 0;

/** How the acknowledgement tails of each direction are worded. */
interface TailWording {
  /** Before the reason code: `, rc` or `, RC:`. */
  rc: string;
  /** Before the message id when a reason code follows: ` (m` or ` (Mid: `. */
  mid: string;
  /** Whether ` (mN)` alone is a tail of this direction (sent PUBREL/PUBCOMP, 1.6+). */
  bareMid: boolean;
}

const sentWording: TailWording = { rc: ', rc', mid: ' (m', bareMid: true };
const receivedWording: TailWording = { rc: ', RC:', mid: ' (Mid: ', bareMid: false };

/** Reads the tail of an acknowledgement line; `cursor` is left where the client ends. */
function ackTail(message: string, wording: TailWording): AckTail {
  const end = message.length;
  if (message.charCodeAt(end - 1) !== 41 /* ) */ || !readIntBack(message, end - 1)) {
    cursor = end;
    return 'none';
  }
  const last = value;
  const before = cursor;
  if (literalBefore(message, wording.rc, before) && readIntBack(message, cursor) && literalBefore(message, wording.mid, cursor)) {
    tailMid = value;
    tailRc = last;
    return 'midRc';
  }
  tailMid = last;
  if (wording.bareMid && literalBefore(message, ' (m', before)) return 'mid';
  if (literalBefore(message, ' (Mid: ', before)) return 'old';
  cursor = end;
  return 'none';
}

/** The packet table's row for each tail, by direction. */
const sentShapes = { midRc: 'ackSentRc', mid: 'ackSentMid', old: 'ackSentOld', none: 'sent' } as const;
const receivedShapes = { midRc: 'ackReceivedRc', mid: null, old: 'ackReceived', none: 'received' } as const;

/** An acknowledgement, ping or other bare packet line, from `at` (just after `Received `/`Sending `). */
function readAck(message: string, at: number, direction: Direction): PacketRecord | null {
  const tail = ackTail(message, direction === 'in' ? receivedWording : sentWording);
  const shape = direction === 'in' ? receivedShapes[tail] : sentShapes[tail];
  if (shape === null) return null;
  const clientEnd = cursor;
  const joint = direction === 'in' ? ' from ' : ' to ';
  // The command is a run of capitals, so the client starts at the joint right after it.
  let split = at;
  while (isCapital(message.charCodeAt(split))) split++;
  if (split === at || !message.startsWith(joint, split) || split + joint.length > clientEnd) return null;
  const name = message.slice(at, split);
  const known = packetCommands.get(name);
  if (!known || !packetShapeAllows(shape, name)) return null;
  const record = packetRecord(known[direction], 'debug', known.cmd, direction, message.slice(split + joint.length, clientEnd));
  if (tail !== 'none') record.mid = tailMid;
  if (tail === 'midRc') record.reasonCode = tailRc;
  return record;
}

/** What follows the client of a PUBLISH line, read as far as a cut line goes. */
const publishTail = compileTemplate(" (d{d:int}, q{q:int}, r{r:int}, m{mid:int}, '{topic}', ... ({bytes:int} bytes))");

/**
 * The fields of a cut PUBLISH line after its client, which starts at `at`. The client may hold
 * ` (d` itself, so each ` (d` is tried: the last that reaches the topic ends the client, as the
 * whole line's greedy client would; without one, a tail the cut ran into; else the cut fell
 * inside the client.
 */
function cutPublishFields(message: string, at: number): Fields {
  let ranInto: Fields | null = null;
  for (let open = message.lastIndexOf(' (d'); open >= at; open = message.lastIndexOf(' (d', open - 1)) {
    const fields = matchShapePrefix(publishTail, message.slice(open));
    if (!fields) continue;
    fields.client = message.slice(at, open);
    if ('topic' in fields) return fields;
    ranInto ??= fields;
  }
  return ranInto ?? { client: message.slice(at) };
}

/** The PUBLISH lines with the client and the fields after it, by how they start. */
const publishLines = [
  { start: 'Received PUBLISH from ', direction: 'in', family: 'publish-in' },
  { start: 'Sending PUBLISH to ', direction: 'out', family: 'publish-out' },
  { start: 'Denied PUBLISH from ', direction: 'in', family: 'publish-in', outcome: 'denied' },
  { start: 'Dropped too large PUBLISH from ', direction: 'in', family: 'publish-in', outcome: 'dropped' },
] as const;

/**
 * A PUBLISH message (received, sent, denied or dropped as too large) the broker cut short, read
 * as far as it goes (fields after the cut are left out); null for any other message. Such a line
 * is a PUBLISH whatever its client holds: never an acknowledgement's `Received %s from %s …`.
 */
export function scanCutPublish(message: string): PacketRecord | null {
  for (const line of publishLines) {
    if (!message.startsWith(line.start)) continue;
    const record = decodePublish(cutPublishFields(message, line.start.length), line.direction, line.family);
    if ('outcome' in line) record.outcome = line.outcome;
    return record;
  }
  return null;
}

/**
 * Reads the packet message that starts at `start` of `text` and runs to its end (the line's
 * prefix is not cut off first). Returns null when the message is not one of the lines this scan
 * covers, or could be read another way (the full search then decides).
 */
export function scanPacketLine(text: string, start = 0): PacketRecord | null {
  if (text.startsWith('Received ', start)) {
    return text.startsWith('PUBLISH from ', start + 9) ? readPublish(text, start + 22, 'in') : readAck(text, start + 9, 'in');
  }
  if (text.startsWith('Sending ', start)) {
    return text.startsWith('PUBLISH to ', start + 8) ? readPublish(text, start + 19, 'out') : readAck(text, start + 8, 'out');
  }
  return null;
}
