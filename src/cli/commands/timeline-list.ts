/**
 * `mosqlog timeline` as JSON or NDJSON, written while the log is read: each entry once it and
 * those before it have settled, so that `| head` ends the run early, and memory holds what is
 * still going on rather than the whole log's timeline.
 */
import { type Selection, TimelineBuilder, type TimelineSink, compileSelection, isDebugLine, needsLastTime, timelineSelector } from '../../correlate/index.js';
import type { LineParser } from '../../parse/index.js';
import { timelineWriters } from '../../report/timeline.js';
import type { CommandEnv } from '../command-env.js';
import type { InputSource } from '../input.js';
import type { Slot } from '../ordered-output.js';
import { type PipelineOptions, writeWhileReading } from '../pipeline.js';

/** What `timeline` was asked for. */
export interface TimelineRun {
  sources: readonly InputSource[];
  parser: LineParser;
  options: PipelineOptions;
  env: CommandEnv;
  selection: Selection;
  /** The clients whose entries are made. */
  wanted: (client: string | null) => boolean;
  /** The window's ends, known before reading. */
  window: { since: number | null; until: number | null };
  format: string;
  packets: boolean;
}

/**
 * Writes the timeline in log order as the entries settle. False, having read nothing, for a
 * format that groups entries by client, a window counted back from the log's end (known once it
 * is read), or `--packets`, whose acknowledgements are chosen by the PUBLISH lines before them
 * in the order read: the timeline then waits for the whole log.
 */
export async function listTimeline(run: TimelineRun): Promise<boolean> {
  const { sources, parser, env, selection } = run;
  const writer = run.format === 'json' || run.format === 'ndjson' ? timelineWriters[run.format] : null;
  if (writer === null || needsLastTime(selection) || run.packets) return false;
  const select = timelineSelector(compileSelection(selection, null));
  // A JSON document says first whether the log has debug lines: it waits until one comes, or the end.
  let debugLines = false;
  await writeWhileReading(sources, parser, run.options, env.io, env.stdout, selection, writer.separator, (output) => {
    const sink: TimelineSink<Slot> = {
      reserve: () => output.reserve(),
      fill: (slot, entries) => {
        const texts: string[] = [];
        for (const e of entries) {
          const kept = select(e);
          if (kept !== null) texts.push(writer.item(kept));
        }
        output.fill(slot, texts.length === 0 ? null : texts.join(writer.separator), texts.length);
      },
    };
    const builder = new TimelineBuilder(run.wanted, false, Infinity, run.window, sink);
    return {
      open: () => writer.open(debugLines),
      end: (count, correlation) => writer.end(count, correlation.debugLines),
      ready: () => debugLines || run.format === 'ndjson',
      onEvent: (e) => builder.onEvent(e),
      onRecord: (r) => {
        if (r.type === 'packet' && isDebugLine(r)) debugLines = true;
        builder.onRecord(r);
      },
      finish: () => builder.finish(),
    };
  });
  return true;
}
