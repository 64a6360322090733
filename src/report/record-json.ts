/**
 * JSON for single records (`mosqlog parse`): `file`, `line`, `time` (ISO 8601 UTC or null),
 * `type`, `family`, then the record's own fields. `raw` only when asked, or for `unknown`.
 */
import type { LogRecord, PacketRecord } from '../parse/index.js';

// C1 controls, DEL and bidi controls can only stand inside JSON strings, where `\uNNNN` means
// the same: escaping them keeps the data and keeps a terminal showing the JSON from acting on them.
const unsafeInJson = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `##[`, which a GitHub Actions runner takes anywhere in a line of a step's output for a workflow command. */
const workflowCommandInJson = /##\[/g;

/** {@link unsafeInJson} for a test, which keeps no state between calls. */
const anyUnsafeInJson = new RegExp(unsafeInJson.source);

/**
 * JSON text for machine output: `JSON.stringify` (which already escapes C0 controls, ESC
 * included) plus `\uNNNN` escapes for C1, DEL and bidi controls, and for the `#` that would begin
 * a workflow command (`##[`). Parses back to the same value.
 */
export function toJsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent);
  // Most text holds neither: tested first, it is not copied.
  if (!anyUnsafeInJson.test(text) && !text.includes('##[')) return text;
  return text
    .replace(unsafeInJson, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(workflowCommandInJson, '#\\u0023[');
}

/** The last time {@link isoTime} wrote, and its text: a log's lines come many to a second. */
let lastIso: { ms: number; text: string | null } = { ms: Number.NaN, text: null };

/** ISO 8601 UTC text for epoch milliseconds, or null. */
export function isoTime(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  if (ms === lastIso.ms) return lastIso.text;
  const d = new Date(ms);
  lastIso = { ms, text: Number.isNaN(d.getTime()) ? null : d.toISOString() };
  return lastIso.text;
}

/** Fields written first, in this order, or not at all. */
const placed = new Set(['file', 'line', 'time', 'type', 'family', 'raw']);

/** Characters JSON must escape, surrogates (a lone one is escaped too), and those {@link toJsonText} escapes. */
const needsEscape = /["\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]|##\[/;

function jsonValue(value: unknown): string {
  return typeof value === 'string' && !needsEscape.test(value) ? `"${value}"` : toJsonText(value);
}

function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/** The fixed text between a packet record's values, encoded once. */
const packetText = {
  mid: latin1(',"mid":'),
  qos: [latin1(',"qos":0'), latin1(',"qos":1'), latin1(',"qos":2')],
  dup: [latin1(',"dup":false'), latin1(',"dup":true')],
  retain: [latin1(',"retain":false'), latin1(',"retain":true')],
  /** `qos`, `dup` and `retain` together, as a PUBLISH has them: index qos × 4 + dup × 2 + retain. */
  qosDupRetain: [0, 1, 2].flatMap((qos) => [false, true].flatMap((dup) => [false, true].map((retain) => latin1(`,"qos":${qos},"dup":${dup},"retain":${retain}`)))),
  topic: latin1(',"topic":'),
  payloadBytes: latin1(',"payloadBytes":'),
  reasonCode: latin1(',"reasonCode":'),
  sessionPresent: [latin1(',"sessionPresent":false'), latin1(',"sessionPresent":true')],
  outcome: latin1(',"outcome":"'),
  method: latin1(',"method":'),
  truncated: latin1(',"truncated":true'),
  origin: latin1(',"origin":'),
};

/**
 * Encoded text for pairs of values from small fixed sets (record types, families, levels,
 * commands, directions), made on first use. The keys are strings the parser made once, not text
 * cut from each line, so their hashes are computed once.
 */
class PiecesByPair {
  private readonly byFirst = new Map<string, Map<string, Buffer>>();

  constructor(private readonly make: (first: string, second: string) => string) {}

  get(first: string, second: string): Buffer {
    let bySecond = this.byFirst.get(first);
    if (bySecond === undefined) this.byFirst.set(first, (bySecond = new Map()));
    let piece = bySecond.get(second);
    if (piece === undefined) bySecond.set(second, (piece = latin1(this.make(first, second))));
    return piece;
  }
}

/** From the type's value to the record's first own field: `packet","family":"puback"`. */
const typeFamily = new PiecesByPair((type, family) => `${type}","family":"${family}"`);
/** A packet record from its type's value to its command's: family, and level when it has one. */
const packetHead = new PiecesByPair((family, level) => `packet","family":"${family}"${level === '' ? '' : `,"level":"${level}"`},"cmd":"`);
/** A packet record's command and direction, up to its client's value. */
const packetCommand = new PiecesByPair((cmd, direction) => `${cmd}","direction":"${direction}","client":`);
const rawText = latin1(',"raw":');

/**
 * Records as JSON lines, written straight into bytes: `file`, `line`, `time`, `type`, `family`,
 * the record's own fields, and `raw` when asked (always for `unknown`). `mosqlog parse` writes one
 * per input line, so the common packet record is laid out field by field from encoded pieces,
 * and plain ASCII strings are copied character by character; anything else is escaped as
 * {@link toJsonText} does.
 */
export class RecordJsonLines {
  private bytes: Buffer;
  private pos = 0;
  private lastFile: string | null = null;
  /** `{"file":…,"line":` for the last file seen. */
  private fileHead = latin1('{"file":"","line":');
  private lastTime: number | null | undefined = undefined;
  /** `,"time":…,"type":"` for the last time seen. */
  private timeHead = latin1(',"time":null,"type":"');

  constructor(private readonly includeRaw: boolean, capacity = 1 << 16) {
    this.bytes = Buffer.allocUnsafe(capacity);
  }

  /** Adds one record as a JSON object and a newline. */
  add(record: LogRecord): void {
    if (record.file !== this.lastFile) {
      this.lastFile = record.file;
      this.fileHead = Buffer.from(`{"file":${toJsonText(record.file)},"line":`, 'utf8');
    }
    if (record.time !== this.lastTime) {
      this.lastTime = record.time;
      const iso = isoTime(record.time);
      this.timeHead = latin1(`,"time":${iso === null ? 'null' : `"${iso}"`},"type":"`);
    }
    this.piece(this.fileHead);
    this.number(record.line);
    this.piece(this.timeHead);
    if (record.type === 'packet') {
      this.packetFields(record);
    } else {
      this.piece(typeFamily.get(record.type, record.family));
      this.otherFields(record);
    }
    if (this.includeRaw || record.type === 'unknown') {
      this.piece(rawText);
      this.string(record.raw);
    }
    this.byte(125 /* } */);
    this.byte(10);
  }

  /** The bytes written since the last call, for the caller to keep; the writer starts afresh. */
  take(): Buffer {
    const out = this.bytes.subarray(0, this.pos);
    this.bytes = Buffer.allocUnsafe(this.bytes.length);
    this.pos = 0;
    return out;
  }

  /**
   * The bytes written since the last call, in the writer's own buffer: valid until the next
   * {@link add}, for a caller that copies them at once. The writer starts afresh.
   */
  takeView(): Buffer {
    const out = this.bytes.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }

  /** The text written since the last call; the writer starts afresh, keeping its buffer. */
  takeText(): string {
    const text = this.bytes.toString('utf8', 0, this.pos);
    this.pos = 0;
    return text;
  }

  /** Packet records, most of a debug log, in their documented field order. */
  private packetFields(r: PacketRecord): void {
    this.piece(packetHead.get(r.family, r.level ?? ''));
    this.piece(packetCommand.get(r.cmd, r.direction));
    this.string(r.client);
    if (r.mid !== undefined) this.numberField(packetText.mid, r.mid);
    if (r.qos !== undefined && r.dup !== undefined && r.retain !== undefined) {
      this.piece(packetText.qosDupRetain[r.qos * 4 + (r.dup ? 2 : 0) + (r.retain ? 1 : 0)] as Buffer);
    } else {
      if (r.qos !== undefined) this.piece(packetText.qos[r.qos] as Buffer);
      if (r.dup !== undefined) this.piece(packetText.dup[r.dup ? 1 : 0] as Buffer);
      if (r.retain !== undefined) this.piece(packetText.retain[r.retain ? 1 : 0] as Buffer);
    }
    if (r.topic !== undefined) {
      this.piece(packetText.topic);
      this.string(r.topic);
    }
    if (r.payloadBytes !== undefined) this.numberField(packetText.payloadBytes, r.payloadBytes);
    if (r.reasonCode !== undefined) this.numberField(packetText.reasonCode, r.reasonCode);
    if (r.sessionPresent !== undefined) this.piece(packetText.sessionPresent[r.sessionPresent ? 1 : 0] as Buffer);
    if (r.outcome !== undefined) {
      this.piece(packetText.outcome);
      this.word(r.outcome);
      this.byte(34);
    }
    if (r.method !== undefined) {
      this.piece(packetText.method);
      this.string(r.method);
    }
    if (r.truncated !== undefined) this.piece(packetText.truncated);
    if (r.origin !== undefined) {
      this.piece(packetText.origin);
      this.string(r.origin);
    }
  }

  /** Any other record: its own fields in their order. */
  private otherFields(record: LogRecord): void {
    const fields = record as unknown as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (placed.has(key)) continue;
      const value = fields[key];
      if (value === undefined) continue;
      this.text(`,"${key}":`);
      if (typeof value === 'number') this.number(value);
      else if (typeof value === 'boolean') this.text(String(value));
      else if (typeof value === 'string') this.string(value);
      else this.text(toJsonText(value));
    }
  }

  private numberField(name: Buffer, value: number): void {
    this.piece(name);
    this.number(value);
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.pos + bytes));
    this.bytes.copy(grown, 0, 0, this.pos);
    this.bytes = grown;
  }

  private byte(code: number): void {
    this.room(1);
    this.bytes[this.pos++] = code;
  }

  private piece(bytes: Buffer): void {
    this.room(bytes.length);
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Text known to be ASCII and to need no escaping (keys, record types, families, levels). */
  private word(text: string): void {
    this.room(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.pos++] = text.charCodeAt(i);
  }

  /** Any text, as UTF-8. */
  private text(text: string): void {
    this.room(text.length * 3);
    this.pos += this.bytes.write(text, this.pos, 'utf8');
  }

  private number(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
      this.text(jsonNumber(value));
      return;
    }
    // Within int32, `| 0` divides exactly and is quicker than Math.floor.
    let digits = 1;
    for (let n = value; n >= 10; n = (n / 10) | 0) digits++;
    this.room(digits);
    this.pos += digits;
    let at = this.pos;
    let n = value;
    do {
      const tenth = (n / 10) | 0;
      this.bytes[--at] = 48 + n - tenth * 10;
      n = tenth;
    } while (n > 0);
  }

  /** A JSON string: printable ASCII but `#` is copied as it is, anything else goes through {@link jsonValue}. */
  private string(text: string): void {
    this.room(text.length + 2);
    const start = this.pos;
    this.bytes[this.pos++] = 34;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92 || c === 35) {
        this.pos = start;
        this.text(jsonValue(text));
        return;
      }
      this.bytes[this.pos++] = c;
    }
    this.bytes[this.pos++] = 34;
  }
}

const singleLines = { plain: new RecordJsonLines(false, 1 << 12), raw: new RecordJsonLines(true, 1 << 12) };

/** One record as a JSON object line (no newline), `raw` included as asked. */
export function renderRecordJson(record: LogRecord, includeRaw: boolean): string {
  const writer = includeRaw ? singleLines.raw : singleLines.plain;
  writer.add(record);
  return writer.takeText().slice(0, -1);
}
