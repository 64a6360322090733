/**
 * `mosqlog sessions` read in one pass that keeps the sessions still going on rather than the
 * whole log's. JSON and NDJSON are written while the log is read: each session, in the order the
 * sessions started, once it and those begun before it have settled, so that `| head` ends the
 * run early. A table and Markdown lay out their columns from every session they list: they list
 * the first {@link sessionsListLimit} sessions once the log is read.
 */
import { type EndReason, type Selector, type Session, SessionSettling, attemptSelected, compileSelection, isDebugLine, needsLastTime, selects, sessionSelected } from '../../correlate/index.js';
import { sessionsReporters, sessionsWriters } from '../../report/lists.js';
import { FirstSettled, type ListLimit, warnLeftOut } from '../first-settled.js';
import { reportContext } from '../options.js';
import type { Slot } from '../ordered-output.js';
import { correlateInputs, selectionMatchWatch, warnAboutWindow, writeWhileReading } from '../pipeline.js';
import type { FlowsRun } from './flows-list.js';

/**
 * Sessions a table or Markdown lists at most: far more than anyone reads in a terminal, and few
 * enough to hold (a busy broker's log has millions). JSON and NDJSON list every session.
 */
export const sessionsListLimit = 100_000;

/** What `sessions` was asked for; `ends`, from `--end`, keeps the sessions that ended so (null: all). */
export type SessionsRun = Pick<FlowsRun, 'sources' | 'parser' | 'options' | 'env' | 'selection' | 'format' | 'display'> & { ends: ReadonlySet<EndReason> | null };

/** Whether a session is listed: the selection keeps it, and it ended as `--end` asks. */
export function sessionListed(session: Session, selector: Selector, ends: ReadonlySet<EndReason> | null): boolean {
  return sessionSelected(session, selector) && (ends === null || ends.has(session.endReason));
}

/**
 * Lists the sessions in the order they started (their start lines, files in the order read), as
 * the whole correlation's reporter does. False, having read nothing, for a window counted back
 * from the log's end, which is known only once it is read: the listing then waits for the whole
 * correlation.
 */
export async function listSessions(run: SessionsRun): Promise<boolean> {
  if (needsLastTime(run.selection)) return false;
  const selector = compileSelection(run.selection, null);
  if (run.format === 'json' || run.format === 'ndjson') await writeSessions(run, sessionsWriters[run.format], selector);
  else await tabulateFirstSessions(run, selector);
  return true;
}

/** Writes each session `selector` keeps as it settles, in the order the sessions started. */
async function writeSessions(run: SessionsRun, writer: (typeof sessionsWriters)[keyof typeof sessionsWriters], selector: Selector): Promise<void> {
  const { sources, parser, env, selection } = run;
  // A JSON document says first whether the log has debug lines: it waits until one comes, or the end.
  let debugLines = false;
  await writeWhileReading(sources, parser, { ...run.options, keepSessions: false }, env.io, env.stdout, selection, writer.separator, (output) => {
    // Each session's place, from its start until it settles; a client not selected takes none.
    const places = new Map<Session, Slot>();
    const settling = new SessionSettling((session) => {
      const slot = places.get(session);
      if (slot === undefined) return;
      places.delete(session);
      output.fill(slot, sessionListed(session, selector, run.ends) ? writer.item(session) : null);
    }, (client) => selector.client(client));
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
}

/** The sessions a table or Markdown lists, for the warning on those left out. */
export const sessionsList: ListLimit = { limit: sessionsListLimit, item: 'session', items: 'sessions', narrowedBy: '--client or --since/--until' };

/**
 * Lists the first {@link sessionsListLimit} sessions `selector` keeps, in the order they
 * started, as a table or Markdown once the log is read; says how many more there were.
 */
async function tabulateFirstSessions(run: SessionsRun, selector: Selector): Promise<void> {
  const { sources, parser, env, selection } = run;
  const first = new FirstSettled<Session>(sessionsListLimit, (s) => sessionListed(s, selector, run.ends));
  const settling = new SessionSettling((session) => first.settled(session), (client) => selector.client(client));
  const watch = selectionMatchWatch(selection);
  const correlation = await correlateInputs(sources, parser, {
    ...run.options,
    keepSessions: false,
    onEvent: (e) => {
      if (e.kind === 'session-start' && selector.client(e.session.client)) first.started(e.session);
      settling.onEvent(e);
    },
  }, env.io, (r) => {
    watch?.onRecord(r);
    settling.onRecord(r);
  });
  settling.finish();
  warnAboutWindow(selection, correlation, env.io);
  watch?.warn(env.io);
  const { items: sessions, omitted } = first.finish();
  warnLeftOut(sessionsList, run.format, omitted, env.io);
  const reporter = sessionsReporters[run.format === 'markdown' ? 'markdown' : 'table'];
  await env.stdout.writeOutput(reporter({ ...correlation, sessions }, reportContext(run.display, env.io, run.format !== 'table')));
}
