/**
 * The output formats of `mosqlog follow`. `--format` choices come from the keys, so help and
 * validation never drift from what exists.
 */
import type { CorrelatorEvent, LoggedEvent } from '../correlate/index.js';
import type { LogRecord } from '../parse/index.js';
import type { ReportContext } from './context.js';
import { renderFollowEventJson, renderFollowLoggedJson, renderFollowRecordJson } from './follow-json.js';
import { renderFollowEventText, renderFollowLoggedText, renderFollowRecordText } from './follow-text.js';

/** Renders live output one line at a time (no newline); null leaves an event out. */
export interface FollowFormat {
  /** Machine formats never carry colour or banners. */
  machine: boolean;
  event(e: CorrelatorEvent, ctx: ReportContext): string | null;
  /** An error or a warning the broker logged, with how many of its kind came since the one shown before, this one included. */
  logged(e: LoggedEvent, count: number, ctx: ReportContext): string;
  record(r: LogRecord, ctx: ReportContext): string;
}

/** Registry of follow formats. */
export const followFormats = {
  text: { machine: false, event: renderFollowEventText, logged: renderFollowLoggedText, record: renderFollowRecordText },
  ndjson: { machine: true, event: (e) => renderFollowEventJson(e), logged: (e, count) => renderFollowLoggedJson(e, count), record: (r) => renderFollowRecordJson(r) },
} as const satisfies Record<string, FollowFormat>;

/** A `--format` choice of `mosqlog follow`. */
export type FollowFormatName = keyof typeof followFormats;
