/**
 * Selection for live output (`mosqlog follow`): the `--client`, `--topic`, `--since` and
 * `--until` rules of {@link selectCorrelation}, applied to one event or record at a time. A line
 * (`--all`) is kept under `--client` only when it names a selected client: unlike the summary's
 * counts ({@link recordSelected}), a stream narrowed to some clients leaves out the broker's own
 * lines, whose findings (a restart) still print.
 */
import type { Direction, LogRecord } from '../parse/index.js';
import { ackedDirection, isAck } from './flows.js';
import { type Selection, compileSelection, findingAbout, flowSelected, orphanAckSelected, resolveBound } from './select.js';
import type { CorrelatorEvent } from './types.js';

/** Tests single events and records against a selection. */
export interface LiveFilter {
  /** True when the selection keeps everything. */
  all: boolean;
  event(event: CorrelatorEvent): boolean;
  record(record: LogRecord): boolean;
  /** Whether a time is within `--since`/`--until` (any time is, without them). */
  inWindow(time: number): boolean;
  /** `--until` as a time, or null without it. */
  until: number | null;
}

function recordClient(r: LogRecord): string | null {
  return 'client' in r && typeof r.client === 'string' ? r.client : null;
}

function recordTopic(r: LogRecord): string | null {
  return 'topic' in r && typeof r.topic === 'string' ? r.topic : null;
}

function flowKey(client: string, direction: Direction, mid: number): string {
  return `${direction} ${mid} ${client}`;
}

/**
 * Compiles a selection for live use. Relative bounds (`--since 30m`) count back from `now`,
 * the wall-clock time following began, since the log's last line is still to come.
 *
 * An acknowledgement names no topic: under `--topic` it is kept when it answers a selected flow
 * still in flight. A record is tested before the correlator reads it, so the acknowledgement
 * that ends a flow is tested while its flow is still open.
 */
export function createLiveFilter(selection: Selection, now: number): LiveFilter {
  const s = compileSelection(selection, now);
  if (s.all) return { all: true, event: () => true, record: () => true, inWindow: () => true, until: null };
  const byTopic = (selection.topics?.length ?? 0) > 0;
  /** Selected flows in flight, when `--topic` selects. */
  const open = new Set<string>();
  return {
    all: false,
    event(e) {
      switch (e.kind) {
        case 'session-start':
        case 'session-unsettled':
        case 'session-settled': return s.client(e.session.client) && s.time(e.session.start);
        case 'session-end': return s.client(e.session.client) && s.time(e.session.end);
        case 'ended-before-log': return s.client(e.client) && s.time(e.time);
        case 'attempt':
        case 'attempt-guessed':
        case 'attempt-settled': return s.client(e.attempt.client) && s.time(e.attempt.time);
        case 'flow-start':
        case 'flow-end': {
          const selected = flowSelected(e.flow, s);
          const key = flowKey(e.flow.client, e.flow.direction, e.flow.mid);
          if (byTopic && selected && e.kind === 'flow-start') open.add(key);
          if (e.kind === 'flow-end') open.delete(key);
          return selected;
        }
        case 'flow-settled': return flowSelected(e.flow, s);
        case 'flow-stalled': return flowSelected(e.flow, s) && s.time(e.time);
        case 'flow-resent': return flowSelected(e.flow, s) && s.time(e.time);
        case 'orphan-ack': return orphanAckSelected(e.ack, s);
        case 'finding': return findingAbout(e.finding, s) && s.time(e.finding.time);
        case 'finding-settled': return findingAbout(e.finding, s);
        case 'subscription-denied':
        case 'subscription-granted': return s.client(e.client);
        // A message that names no client is about the broker, whichever clients are selected.
        case 'logged': return (e.record.client === undefined || s.client(e.record.client)) && s.time(e.record.time);
      }
    },
    inWindow: (time) => s.time(time),
    until: resolveBound(selection.until, now),
    record(r) {
      if (!s.client(recordClient(r)) || !s.time(r.time)) return false;
      if (byTopic && r.type === 'packet' && isAck(r)) return open.has(flowKey(r.client, ackedDirection(r), r.mid));
      return s.topic(recordTopic(r));
    },
  };
}
