/**
 * JSON for single records (`mosqlog parse`): `file`, `line`, `time` (ISO 8601 UTC or null),
 * `type`, `family`, then the record's own fields. `raw` only when asked, or for `unknown`.
 */
import type { LogRecord } from '../parse/index.js';

/** ISO 8601 UTC text for epoch milliseconds, or null. */
export function isoTime(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Fields written first, in this order, or not at all. */
const placed = new Set(['file', 'line', 'time', 'type', 'family', 'raw']);

/** Characters JSON must escape, and surrogates (a lone one is escaped too). */
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

function jsonValue(value: unknown): string {
  return typeof value === 'string' && !needsEscape.test(value) ? `"${value}"` : JSON.stringify(value);
}

/** Packet records, most of a debug log, have a fixed set of fields. */
const packetKeys = ['level', 'cmd', 'direction', 'client', 'mid', 'qos', 'dup', 'retain', 'topic', 'payloadBytes', 'reasonCode', 'sessionPresent', 'outcome', 'method', 'truncated'];

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
    lastFileJson = JSON.stringify(record.file);
  }
  if (record.time !== lastTime) {
    lastTime = record.time;
    const iso = isoTime(record.time);
    lastTimeJson = iso === null ? 'null' : `"${iso}"`;
  }
  let out = `{"file":${lastFileJson},"line":${record.line},"time":${lastTimeJson},"type":"${record.type}","family":"${record.family}"`;
  const fields = record as unknown as Record<string, unknown>;
  const keys = record.type === 'packet' ? packetKeys : Object.keys(record);
  for (const key of keys) {
    if (placed.has(key)) continue;
    const value = fields[key];
    if (value === undefined) continue;
    out += `,"${key}":${typeof value === 'number' ? (Number.isFinite(value) ? String(value) : 'null') : typeof value === 'boolean' ? String(value) : jsonValue(value)}`;
  }
  if (includeRaw || record.type === 'unknown') out += `,"raw":${JSON.stringify(record.raw)}`;
  return out + '}';
}
