/**
 * JSON for single records (`mosqlog parse`): `file`, `line`, `time` (ISO 8601 UTC or null),
 * `type`, `family`, then the record's own fields. `raw` only when asked, or for `unknown`.
 */
import type { LogRecord, PacketRecord } from '../parse/index.js';

// C1 controls, DEL and bidi controls can only stand inside JSON strings, where `\uNNNN` means
// the same: escaping them keeps the data and keeps a terminal showing the JSON from acting on them.
const unsafeInJson = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text for machine output: `JSON.stringify` (which already escapes C0 controls, ESC
 * included) plus `\uNNNN` escapes for C1, DEL and bidi controls. Parses back to the same value.
 */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(unsafeInJson, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** ISO 8601 UTC text for epoch milliseconds, or null. */
export function isoTime(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Fields written first, in this order, or not at all. */
const placed = new Set(['file', 'line', 'time', 'type', 'family', 'raw']);

/** Characters JSON must escape, surrogates (a lone one is escaped too), and those {@link toJsonText} escapes. */
const needsEscape = /["\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;

function jsonValue(value: unknown): string {
  return typeof value === 'string' && !needsEscape.test(value) ? `"${value}"` : toJsonText(value);
}

function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * The fields of a packet record, most of a debug log, read one by one in their documented order
 * (the order `packetRecord` gives them).
 */
function packetFields(r: PacketRecord): string {
  let out = '';
  if (r.level !== undefined) out += `,"level":"${r.level}"`;
  out += `,"cmd":"${r.cmd}","direction":"${r.direction}","client":${jsonValue(r.client)}`;
  if (r.mid !== undefined) out += `,"mid":${jsonNumber(r.mid)}`;
  if (r.qos !== undefined) out += `,"qos":${r.qos}`;
  if (r.dup !== undefined) out += `,"dup":${r.dup}`;
  if (r.retain !== undefined) out += `,"retain":${r.retain}`;
  if (r.topic !== undefined) out += `,"topic":${jsonValue(r.topic)}`;
  if (r.payloadBytes !== undefined) out += `,"payloadBytes":${jsonNumber(r.payloadBytes)}`;
  if (r.reasonCode !== undefined) out += `,"reasonCode":${jsonNumber(r.reasonCode)}`;
  if (r.sessionPresent !== undefined) out += `,"sessionPresent":${r.sessionPresent}`;
  if (r.outcome !== undefined) out += `,"outcome":"${r.outcome}"`;
  if (r.method !== undefined) out += `,"method":${jsonValue(r.method)}`;
  if (r.truncated !== undefined) out += `,"truncated":${r.truncated}`;
  return out;
}

let lastTime: number | null = null;
let lastTimeJson = 'null';
let lastFile = '';
let lastFileJson = '""';

/**
 * One record as a JSON object line (no newline). Written field by field rather than through
 * an intermediate object: `mosqlog parse` calls this once per input line.
 */
export function renderRecordJson(record: LogRecord, includeRaw: boolean): string {
  if (record.file !== lastFile) {
    lastFile = record.file;
    lastFileJson = toJsonText(record.file);
  }
  if (record.time !== lastTime) {
    lastTime = record.time;
    const iso = isoTime(record.time);
    lastTimeJson = iso === null ? 'null' : `"${iso}"`;
  }
  let out = `{"file":${lastFileJson},"line":${record.line},"time":${lastTimeJson},"type":"${record.type}","family":"${record.family}"`;
  if (record.type === 'packet') {
    out += packetFields(record);
  } else {
    const fields = record as unknown as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (placed.has(key)) continue;
      const value = fields[key];
      if (value === undefined) continue;
      out += `,"${key}":${typeof value === 'number' ? jsonNumber(value) : typeof value === 'boolean' ? String(value) : jsonValue(value)}`;
    }
  }
  if (includeRaw || record.type === 'unknown') out += `,"raw":${toJsonText(record.raw)}`;
  return out + '}';
}
