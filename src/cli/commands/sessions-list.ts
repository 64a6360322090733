/**
 * `mosqlog sessions` as JSON or NDJSON, written while the log is read: each session, in the
 * order the sessions started, once it and those begun before it have settled, so that memory
 * holds the sessions still going on rather than the whole log's and `| head` ends the run early.
 */
import { type Session, SessionSettling, attemptSelected, compileSelection, isDebugLine, needsLastTime, selects, sessionSelected } from '../../correlate/index.js';
import { sessionsWriters } from '../../report/lists.js';
import type { Slot } from '../ordered-output.js';
import { writeWhileReading } from '../pipeline.js';
import type { FlowsRun } from './flows-list.js';

/** What `sessions` was asked for. */
export type SessionsRun = Pick<FlowsRun, 'sources' | 'parser' | 'options' | 'env' | 'selection' | 'format'>;

/**
 * Writes the sessions in the order they started as they settle. False, having read nothing, for
 * a table or Markdown, which lay out their columns from every session, or a window counted back
 * from the log's end (known once it is read): the sessions then wait for the whole log.
 */
export async function listSessions(run: SessionsRun): Promise<boolean> {
  const { sources, parser, env, selection } = run;
  const writer = run.format === 'json' || run.format === 'ndjson' ? sessionsWriters[run.format] : null;
  if (writer === null || needsLastTime(selection)) return false;
  const selector = compileSelection(selection, null);
  // A JSON document says first whether the log has debug lines: it waits until one comes, or the end.
  let debugLines = false;
  await writeWhileReading(sources, parser, { ...run.options, keepSessions: false }, env.io, env.stdout, selection, writer.separator, (output) => {
    // Each session's place, from its start until it settles; a client not selected takes none.
    const places = new Map<Session, Slot>();
    const settling = new SessionSettling((session) => {
      const slot = places.get(session);
      if (slot === undefined) return;
      places.delete(session);
      output.fill(slot, sessionSelected(session, selector) ? writer.item(session) : null);
    });
    return {
      open: () => writer.open(debugLines),
      end: (count, correlation) => {
        const attempts = selects(selection) ? correlation.attempts.filter((a) => attemptSelected(a, compileSelection(selection, correlation.last), selection)).length : correlation.attempts.length;
        return writer.end(count, debugLines, attempts);
      },
      ready: () => debugLines || run.format === 'ndjson',
      onEvent: (e) => {
        if (e.kind === 'session-start' && selector.client(e.session.client)) places.set(e.session, output.reserve());
        settling.onEvent(e);
      },
      onRecord: (r) => {
        if (r.type === 'packet' && isDebugLine(r)) debugLines = true;
        settling.onRecord(r);
      },
      finish: () => settling.finish(),
    };
  });
  return true;
}
