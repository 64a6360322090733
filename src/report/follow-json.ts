/**
 * NDJSON for `mosqlog follow --format ndjson`: one object per event or record, each with
 * `kind` first and `time` as ISO 8601 UTC (or null). Sessions, attempts and findings have the
 * shapes of `sessions`/`problems` JSON; records keep every field of `mosqlog parse` output and
 * always carry `raw`.
 */
import type { CorrelatorEvent, LoggedEvent } from '../correlate/index.js';
import type { LogRecord } from '../parse/index.js';
import { loggedText } from './finding-text.js';
import { attemptJson, findingJson, flowJson, sessionJson } from './json.js';
import { isoTime, renderRecordJson, toJsonText } from './record-json.js';

/** One event as a JSON object line (no newline); null for the events not printed: flows starting and ending, unanswered acknowledgements, judged filters, those that say a guess was made or that something settled, and the broker's errors and warnings ({@link renderFollowLoggedJson}). */
export function renderFollowEventJson(e: CorrelatorEvent): string | null {
  switch (e.kind) {
    case 'session-start':
      return toJsonText({ kind: e.kind, time: isoTime(e.session.start), client: e.session.client, session: sessionJson(e.session) });
    case 'session-end':
      return toJsonText({ kind: e.kind, time: isoTime(e.session.end), client: e.session.client, reason: e.session.endReason, session: sessionJson(e.session) });
    case 'ended-before-log':
      return toJsonText({ kind: e.kind, time: isoTime(e.time), client: e.client, reason: e.reason, ...(e.detail !== undefined ? { detail: e.detail } : {}), at: e.at });
    case 'attempt':
      return toJsonText({ kind: e.kind, time: isoTime(e.attempt.time), client: e.attempt.client, outcome: e.attempt.outcome, attempt: attemptJson(e.attempt) });
    case 'finding':
      return toJsonText({ kind: e.kind, time: isoTime(e.time), client: e.finding.client, code: e.finding.code, severity: e.finding.severity, finding: findingJson(e.finding) });
    case 'flow-stalled':
      return toJsonText({ kind: e.kind, time: isoTime(e.time), client: e.flow.client, awaiting: e.awaiting, since: isoTime(e.since), flow: flowJson(e.flow) });
    case 'logged':
    case 'flow-start':
    case 'flow-end':
    case 'flow-settled':
    case 'flow-resent':
    case 'orphan-ack':
    case 'subscription-denied':
    case 'subscription-granted':
    case 'finding-settled':
    case 'attempt-guessed':
    case 'attempt-settled':
    case 'session-unsettled':
    case 'session-settled':
      return null;
  }
}

/** An error or a warning the broker logged, as {@link renderFollowLoggedText} says it, `count` counting this one. */
export function renderFollowLoggedJson(e: LoggedEvent, count: number): string {
  return toJsonText({ kind: e.kind, time: isoTime(e.record.time), client: e.record.client ?? null, level: e.level, count, format: e.record.format, message: loggedText(e.record), at: { file: e.record.file, line: e.record.line } });
}

/** One record as a JSON object line (no newline): `{"kind":"record", file, line, time, type, …, raw}`. */
export function renderFollowRecordJson(r: LogRecord): string {
  return `{"kind":"record",${renderRecordJson(r, true).slice(1)}`;
}
