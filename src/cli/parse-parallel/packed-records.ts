/**
 * Records sent from a parse worker to the main thread as numbers. Copying objects between
 * threads (structured clone) costs more than parsing their lines, and most lines of a debug log
 * are packets, whose records are alike: each becomes a row of numbers that says where its line
 * lies in the chunk's bytes, which the main thread holds once the chunk comes back, and which of
 * the chunk's clients and topics it names. Those are sent once a chunk, so a client's records
 * share one string, which Map lookups hash once. Any other record, and a packet record a row
 * cannot hold exactly, is sent as it is.
 */
import {
  type Direction, type Family, type Level, type LogRecord, type PacketCmd, type PacketRecord, families, levels, packetCmds, packetRecord,
} from '../../parse/index.js';

const directions = ['in', 'out'] as const satisfies readonly Direction[];
const outcomes = ['denied', 'dropped', 'rejected', 'unknown-mid'] as const satisfies readonly NonNullable<PacketRecord['outcome']>[];

/** The place of each value in its list, for the row. */
function placesIn<T extends string>(values: readonly T[]): ReadonlyMap<string, number> {
  return new Map(values.map((v, i) => [v, i]));
}
const familyIndex = placesIn(families);
const levelIndex = placesIn(levels);
const commandIndex = placesIn(packetCmds);
const directionIndex = placesIn(directions);
const outcomeIndex = placesIn(outcomes);

/** The fields of a row, in order. Unset numbers and booleans are NaN; an unset string is -1. */
const enum Slot {
  /** 1 for a packet row; 0 for the next record of those sent as they are. */
  Packed,
  /** The line's bytes in the chunk, without its newline. */
  LineStart, LineEnd,
  /** The record's `raw` in the line's text (without a CR or byte order mark). */
  RawStart, RawEnd,
  Family, Level, Command, Direction,
  /** The client and the topic, by their place in the chunk's strings. */
  Client, Topic,
  Mid, Qos, Dup, Retain, PayloadBytes, ReasonCode, SessionPresent, Outcome, Time, Truncated,
  /** Who wrote the line, by its place in the chunk's strings. */
  Origin,
  Size,
}

function numberOr(value: number | undefined): number {
  return value === undefined ? Number.NaN : value;
}

function flag(value: boolean | undefined): number {
  return value === undefined ? Number.NaN : value ? 1 : 0;
}

function toFlag(value: number): boolean | undefined {
  return Number.isNaN(value) ? undefined : value === 1;
}

/** The rows of one chunk's lines, the strings they name, and the records sent as they are. */
export interface PackedRecords {
  /** {@link Slot.Size} numbers a line. */
  rows: Float64Array;
  lines: number;
  /** The records not packed, in order. */
  others: LogRecord[];
  /** The clients and topics of the rows, each once. */
  strings: string[];
}

/** Packs the records of a chunk's lines, one line after another. */
export class RecordPacker {
  private rows = new Float64Array(Slot.Size * 4096);
  private lines = 0;
  private others: LogRecord[] = [];
  private strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();

  /** Adds the record of the line `text`, which spans bytes `start` to `end` of the chunk. */
  add(record: LogRecord, text: string, start: number, end: number): void {
    if (this.rows.length < (this.lines + 1) * Slot.Size) {
      const grown = new Float64Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    const at = this.lines++ * Slot.Size;
    if (record.type !== 'packet' || !this.pack(record, text, start, end, at)) {
      this.rows[at + Slot.Packed] = 0;
      this.others.push(record);
    }
  }

  /** The rows and records added since the last call. */
  take(): PackedRecords {
    const packed = { rows: this.rows.subarray(0, this.lines * Slot.Size), lines: this.lines, others: this.others, strings: this.strings };
    this.lines = 0;
    this.others = [];
    this.strings = [];
    this.stringIndex.clear();
    return packed;
  }

  /** The place of `text` among the chunk's strings, added when new. */
  private stringRef(text: string): number {
    let ref = this.stringIndex.get(text);
    if (ref === undefined) {
      ref = this.strings.push(text) - 1;
      this.stringIndex.set(text, ref);
    }
    return ref;
  }

  /** Writes the row at `at`; false when the record holds what a row cannot. */
  private pack(r: PacketRecord, text: string, start: number, end: number, at: number): boolean {
    const family = familyIndex.get(r.family);
    const level = r.level === undefined ? undefined : levelIndex.get(r.level);
    const command = commandIndex.get(r.cmd);
    const direction = directionIndex.get(r.direction);
    const outcome = r.outcome === undefined ? -1 : outcomeIndex.get(r.outcome);
    if (family === undefined || level === undefined || command === undefined || direction === undefined || outcome === undefined) return false;
    // A record {@link packetRecord} made has every field, `dup` among them; the few others are sent as they are.
    if (r.method !== undefined || !('dup' in r)) return false;
    // NaN stands for an unset number in a row; a number the broker cut to `-` reads as NaN itself.
    if (Number.isNaN(r.mid) || Number.isNaN(r.payloadBytes) || Number.isNaN(r.reasonCode) || Number.isNaN(r.time)) return false;
    // The parser takes a CR and a byte order mark off the line; `raw` is the rest.
    const rawStart = text === r.raw ? 0 : text.charCodeAt(0) === 0xfeff && r.raw.charCodeAt(0) !== 0xfeff ? 1 : 0;
    if (rawStart + r.raw.length > text.length || (text !== r.raw && !text.startsWith(r.raw, rawStart))) return false;
    const rows = this.rows;
    rows[at + Slot.Packed] = 1;
    rows[at + Slot.LineStart] = start;
    rows[at + Slot.LineEnd] = end;
    rows[at + Slot.RawStart] = rawStart;
    rows[at + Slot.RawEnd] = rawStart + r.raw.length;
    rows[at + Slot.Family] = family;
    rows[at + Slot.Level] = level;
    rows[at + Slot.Command] = command;
    rows[at + Slot.Direction] = direction;
    rows[at + Slot.Client] = this.stringRef(r.client);
    rows[at + Slot.Topic] = r.topic === undefined ? -1 : this.stringRef(r.topic);
    rows[at + Slot.Mid] = numberOr(r.mid);
    rows[at + Slot.Qos] = numberOr(r.qos);
    rows[at + Slot.Dup] = flag(r.dup);
    rows[at + Slot.Retain] = flag(r.retain);
    rows[at + Slot.PayloadBytes] = numberOr(r.payloadBytes);
    rows[at + Slot.ReasonCode] = numberOr(r.reasonCode);
    rows[at + Slot.SessionPresent] = flag(r.sessionPresent);
    rows[at + Slot.Outcome] = outcome;
    rows[at + Slot.Time] = r.time === null ? Number.NaN : r.time;
    rows[at + Slot.Truncated] = r.truncated === true ? 1 : 0;
    rows[at + Slot.Origin] = r.origin === undefined ? -1 : this.stringRef(r.origin);
    return true;
  }
}

/**
 * The records of a chunk's lines again, from its rows and its bytes, decoded the way the worker
 * decoded them (`encoding`); its first line is number `firstLine` of `file`.
 */
export function unpackRecords(packed: PackedRecords, bytes: Buffer, encoding: 'latin1' | 'utf8', file: string, firstLine: number): LogRecord[] {
  const { rows, lines, others, strings } = packed;
  const records: LogRecord[] = new Array(lines);
  let other = 0;
  for (let i = 0, at = 0; i < lines; i++, at += Slot.Size) {
    if (rows[at + Slot.Packed] === 0) {
      records[i] = others[other++] as LogRecord;
      continue;
    }
    const text = bytes.toString(encoding, rows[at + Slot.LineStart], rows[at + Slot.LineEnd]);
    const rawStart = rows[at + Slot.RawStart] as number;
    const rawEnd = rows[at + Slot.RawEnd] as number;
    const raw = rawStart === 0 && rawEnd === text.length ? text : text.slice(rawStart, rawEnd);
    const record = packetRecord(
      families[rows[at + Slot.Family] as number] as Family,
      levels[rows[at + Slot.Level] as number] as Level,
      packetCmds[rows[at + Slot.Command] as number] as PacketCmd,
      directions[rows[at + Slot.Direction] as number] as Direction,
      strings[rows[at + Slot.Client] as number] as string,
    );
    const mid = rows[at + Slot.Mid] as number;
    const qos = rows[at + Slot.Qos] as number;
    const payloadBytes = rows[at + Slot.PayloadBytes] as number;
    const reasonCode = rows[at + Slot.ReasonCode] as number;
    const outcome = rows[at + Slot.Outcome] as number;
    const time = rows[at + Slot.Time] as number;
    const topic = rows[at + Slot.Topic] as number;
    if (!Number.isNaN(mid)) record.mid = mid;
    if (qos === 0 || qos === 1 || qos === 2) record.qos = qos;
    record.dup = toFlag(rows[at + Slot.Dup] as number);
    record.retain = toFlag(rows[at + Slot.Retain] as number);
    if (topic >= 0) record.topic = strings[topic];
    if (!Number.isNaN(payloadBytes)) record.payloadBytes = payloadBytes;
    if (!Number.isNaN(reasonCode)) record.reasonCode = reasonCode;
    record.sessionPresent = toFlag(rows[at + Slot.SessionPresent] as number);
    if (outcome >= 0) record.outcome = outcomes[outcome];
    record.file = file;
    record.line = firstLine + i;
    record.time = Number.isNaN(time) ? null : time;
    record.raw = raw;
    if (rows[at + Slot.Truncated] === 1) record.truncated = true;
    const origin = rows[at + Slot.Origin] as number;
    if (origin >= 0) record.origin = strings[origin];
    records[i] = record;
  }
  return records;
}
