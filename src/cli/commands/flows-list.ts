/**
 * `mosqlog flows` read in one pass that keeps the flows still open rather than the whole log's.
 * JSON and NDJSON are written while the log is read: each flow once it and those begun before it
 * have settled, so that `| head` ends the run early. A table and Markdown lay out their columns
 * from every flow they list: they list the first {@link flowsListLimit} flows once the log is read.
 */
import { type Flow, type Selection, compileSelection, flowSelected, needsLastTime } from '../../correlate/index.js';
import type { LineParser } from '../../parse/index.js';
import { flowsReporters, flowsWriters } from '../../report/lists.js';
import type { CommandEnv } from '../command-env.js';
import { FirstSettled, type ListLimit, warnLeftOut } from '../first-settled.js';
import type { InputSource } from '../input.js';
import { type ColorOptions, reportContext } from '../options.js';
import type { Slot } from '../ordered-output.js';
import { type PipelineOptions, correlateInputs, selectionMatchWatch, warnAboutWindow, writeWhileReading } from '../pipeline.js';

/**
 * Flows a table or Markdown lists at most: far more than anyone reads in a terminal, and few
 * enough to hold (a busy broker's log has millions). JSON and NDJSON list every flow.
 */
export const flowsListLimit = 100_000;

/** What `flows` was asked for. */
export interface FlowsRun {
  sources: readonly InputSource[];
  parser: LineParser;
  options: PipelineOptions;
  env: CommandEnv;
  selection: Selection;
  format: string;
  incomplete: boolean;
  /** How a table shows its colours and times. */
  display: ColorOptions & { tz?: string };
}

/**
 * Lists the flows in the order they started (their PUBLISH lines, files in the order read), as
 * the whole correlation's reporter does. False, having read nothing, for a window counted back
 * from the log's end, which is known only once it is read: the listing then waits for the
 * whole correlation.
 */
export async function listFlows(run: FlowsRun): Promise<boolean> {
  const { selection } = run;
  // A window counted back from the end counts from the log's latest time, which only reading
  // it all gives: the last line's (lastTimeOf) is earlier where the clock went back (a DST
  // change in local stamps, a clock put right, files that overlap).
  if (needsLastTime(selection)) return false;
  const selector = compileSelection(selection, null);
  const wanted = (f: Flow): boolean => (!run.incomplete || f.state !== 'complete') && (selector.all || flowSelected(f, selector));
  if (run.format === 'json' || run.format === 'ndjson') await writeFlows(run, flowsWriters[run.format], wanted);
  else await tabulateFirstFlows(run, wanted);
  return true;
}

/** Writes each flow `wanted` keeps as it settles, in the order the flows started. */
async function writeFlows(run: FlowsRun, writer: (typeof flowsWriters)[keyof typeof flowsWriters], wanted: (f: Flow) => boolean): Promise<void> {
  const { sources, parser, env, selection } = run;
  await writeWhileReading(sources, parser, { ...run.options, keepFlows: 'none' }, env.io, env.stdout, selection, writer.separator, (output) => {
    // Each flow's place, from its start until it settles.
    const places = new Map<Flow, Slot>();
    return {
      open: () => writer.open,
      end: (count, correlation) => writer.end(count, correlation),
      onEvent: (e) => {
        if (e.kind === 'flow-start') places.set(e.flow, output.reserve());
        if (e.kind !== 'flow-settled') return;
        const slot = places.get(e.flow);
        if (slot === undefined) return;
        places.delete(e.flow);
        output.fill(slot, wanted(e.flow) ? writer.item(e.flow) : null);
      },
    };
  });
}

/** The flows a table or Markdown lists, for the warning on those left out. */
export const flowsList: ListLimit = { limit: flowsListLimit, item: 'flow', items: 'flows', narrowedBy: '--client, --topic, --since/--until or --incomplete' };

/**
 * Lists the first {@link flowsListLimit} flows `wanted` keeps, in the order they started, as a
 * table or Markdown once the log is read; says how many more there were.
 */
async function tabulateFirstFlows(run: FlowsRun, wanted: (f: Flow) => boolean): Promise<void> {
  const { sources, parser, env, selection } = run;
  const first = new FirstSettled<Flow>(flowsListLimit, wanted);
  const watch = selectionMatchWatch(selection);
  const correlation = await correlateInputs(sources, parser, {
    ...run.options,
    keepFlows: 'none',
    onEvent: (e) => {
      if (e.kind === 'flow-start') first.started(e.flow);
      else if (e.kind === 'flow-settled') first.settled(e.flow);
    },
  }, env.io, watch?.onRecord);
  warnAboutWindow(selection, correlation, env.io);
  watch?.warn(env.io);
  const { items: flows, omitted } = first.finish();
  warnLeftOut(flowsList, run.format, omitted, env.io);
  const reporter = flowsReporters[run.format === 'markdown' ? 'markdown' : 'table'];
  await env.stdout.writeOutput(reporter({ ...correlation, flows }, reportContext(run.display, env.io, run.format !== 'table')));
}
