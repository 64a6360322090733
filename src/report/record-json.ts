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

/** One record as a JSON object line (no newline). */
export function renderRecordJson(record: LogRecord, includeRaw: boolean): string {
  const { file, line, time, type, family, raw, ...fields } = record;
  const out: Record<string, unknown> = { file, line, time: isoTime(time), type, family, ...fields };
  if (includeRaw || type === 'unknown') out.raw = raw;
  return JSON.stringify(out);
}
