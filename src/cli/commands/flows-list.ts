/**
 * `mosqlog flows` as JSON or NDJSON, written while the log is read: each flow once it and those
 * begun before it have settled, so that `| head` ends the run early, and memory holds the flows
 * still open rather than the whole log's.
 */
import { type Flow, type Selection, compileSelection, flowSelected, needsLastTime } from '../../correlate/index.js';
import type { LineParser } from '../../parse/index.js';
import { flowsWriters } from '../../report/lists.js';
import type { CommandEnv } from '../command-env.js';
import type { InputSource } from '../input.js';
import type { Slot } from '../ordered-output.js';
import { type PipelineOptions, writeWhileReading } from '../pipeline.js';

/** What `flows` was asked for. */
export interface FlowsRun {
  sources: readonly InputSource[];
  parser: LineParser;
  options: PipelineOptions;
  env: CommandEnv;
  selection: Selection;
  format: string;
  incomplete: boolean;
}

/**
 * Lists the flows in the order they started (their PUBLISH lines, files in the order read), as
 * the whole correlation's reporter does. False, having read nothing, for a format that lays out
 * its columns from every flow, or a window counted back from the log's end, which is known only
 * once it is read: the listing then waits for the whole correlation.
 */
export async function listFlows(run: FlowsRun): Promise<boolean> {
  const { sources, parser, env, selection } = run;
  const writer = run.format === 'json' || run.format === 'ndjson' ? flowsWriters[run.format] : null;
  // A window counted back from the end counts from the log's latest time, which only reading
  // it all gives: the last line's (lastTimeOf) is earlier where the clock went back (a DST
  // change in local stamps, a clock put right, files that overlap).
  if (writer === null || needsLastTime(selection)) return false;
  const selector = compileSelection(selection, null);
  const wanted = (f: Flow): boolean => (!run.incomplete || f.state !== 'complete') && (selector.all || flowSelected(f, selector));
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
  return true;
}
