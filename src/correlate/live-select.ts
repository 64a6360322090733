/**
 * Selection for live output (`mosqlog follow`): the same `--client`, `--topic`, `--since` and
 * `--until` rules as {@link selectCorrelation}, applied to one event or record at a time.
 */
import type { LogRecord } from '../parse/index.js';
import { type Selection, compileSelection, findingAbout, flowSelected, orphanAckSelected } from './select.js';
import type { CorrelatorEvent } from './types.js';

/** Tests single events and records against a selection. */
export interface LiveFilter {
  /** True when the selection keeps everything. */
  all: boolean;
  event(event: CorrelatorEvent): boolean;
  record(record: LogRecord): boolean;
}

function recordClient(r: LogRecord): string | null {
  return 'client' in r && typeof r.client === 'string' ? r.client : null;
}

function recordTopic(r: LogRecord): string | null {
  return 'topic' in r && typeof r.topic === 'string' ? r.topic : null;
}

/**
 * Compiles a selection for live use. Relative bounds (`--since 30m`) count back from `now`,
 * the wall-clock time following began, since the log's last line is still to come.
 */
export function createLiveFilter(selection: Selection, now: number): LiveFilter {
  const s = compileSelection(selection, now);
  if (s.all) return { all: true, event: () => true, record: () => true };
  return {
    all: false,
    event(e) {
      switch (e.kind) {
        case 'session-start': return s.client(e.session.client) && s.time(e.session.start);
        case 'session-end': return s.client(e.session.client) && s.time(e.session.end);
        case 'attempt': return s.client(e.attempt.client) && s.time(e.attempt.time);
        case 'flow-start':
        case 'flow-end': return flowSelected(e.flow, s);
        case 'orphan-ack': return orphanAckSelected(e.ack, s);
        case 'finding': return findingAbout(e.finding, s) && s.time(e.finding.time);
      }
    },
    record: (r) => s.client(recordClient(r)) && s.topic(recordTopic(r)) && s.time(r.time),
  };
}
