/**
 * `mosqlog timeline`: the life of one client (or several) in order.
 */
import type { Command } from 'commander';
import { TimelineBuilder, compileSelection, needsLastTime, resolveBound, selectTimeline } from '../../correlate/index.js';
import { formatCount } from '../../report/index.js';
import { timelineReporters } from '../../report/timeline.js';
import type { CommandEnv } from '../command-env.js';
import { lastTimeOf, resolveInputs } from '../input.js';
import {
  type ColorOptions, type InputOptions, type JobsOptions, type MaxOpenOptions, type SelectOptions, addFormatOption, addInputOptions, addJobsOption,
  addMaxOpenOption, addSelectOptions, jobsFor, maxOpenFor, parserFor, reportContext, selectionFor,
} from '../options.js';
import { type PipelineOptions, correlateInputs, refuseInvertedWindow, selectionMatchWatch, warnAboutWindow } from '../pipeline.js';
import { listTimeline } from './timeline-list.js';

/**
 * Entries a table or Markdown holds at most, to group them by client at the end: far more than
 * anyone reads in a terminal, and few enough to hold (a busy broker's log makes millions).
 */
export const timelineListLimit = 100_000;
/** Entries JSON held in memory (with `--packets`, or a window counted back from the end) holds at most. */
export const timelineHeldLimit = 1_000_000;

/** Registers `mosqlog timeline`. */
export function registerTimeline(program: Command, env: CommandEnv): void {
  let command = addJobsOption(addMaxOpenOption(addSelectOptions(addInputOptions(program.command('timeline')))), 'correlate')
    .description("one client's life in order: connects, subscriptions, each message flow, pings, silent gaps, how each session ended")
    .option('--packets', 'show every packet too, after the one line per message flow', false);
  command = addFormatOption(command, Object.keys(timelineReporters), 'table');
  command.addHelpText('after', `
JSON and NDJSON are written while the log is read; with --packets, or a window counted back from
the log's end, they hold the first ${formatCount(timelineHeldLimit)} entries. A table or Markdown holds the first ${formatCount(timelineListLimit)}.

Examples:
  mosqlog timeline --client sensor-12 broker.log
  mosqlog timeline --client 'plc-*' --since 2026-11-26T10:00 --until 2026-11-26T10:05 broker.log
  mosqlog timeline --client app --packets --format ndjson broker.log`)
    .action(async (files: string[], options: InputOptions & SelectOptions & ColorOptions & MaxOpenOptions & JobsOptions & { packets: boolean; format: string }, cmd: Command) => {
      const all = { ...cmd.optsWithGlobals(), ...options } as typeof options;
      const parser = parserFor(all);
      const selection = selectionFor(all);
      const clientOnly = compileSelection({ ...(selection.clients ? { clients: selection.clients } : {}) }, null);
      const sources = await resolveInputs(files, env.io, parser);
      // The window's ends, when known before reading (a duration counts back from the last line
      // of files), cut groups of pings, so that a group is inside the window or outside it.
      const last = needsLastTime(selection) ? await lastTimeOf(sources, parser) : null;
      const window = { since: resolveBound(selection.since, last), until: resolveBound(selection.until, last) };
      const wanted = (id: string | null): boolean => clientOnly.client(id);
      const pipeline: PipelineOptions = { ...maxOpenFor(all), jobs: jobsFor(all, 'correlate'), keepSessions: false, keepFlows: 'none', traceOrigins: true };
      if (await listTimeline({ sources, parser, options: pipeline, env, selection, wanted, window, format: all.format, packets: all.packets })) return;
      const listed = all.format === 'table' || all.format === 'markdown';
      const limit = listed ? timelineListLimit : timelineHeldLimit;
      const builder = new TimelineBuilder(wanted, all.packets, limit, window);
      const watch = selectionMatchWatch(selection);
      const correlation = await correlateInputs(sources, parser, { ...pipeline, onEvent: (e) => builder.onEvent(e) }, env.io, (r) => {
        watch?.onRecord(r);
        builder.onRecord(r);
      });
      refuseInvertedWindow(selection, correlation.last);
      warnAboutWindow(selection, correlation, env.io);
      watch?.warn(env.io);
      const entries = selectTimeline(builder.finish(), compileSelection(selection, correlation.last));
      if (builder.omitted > 0) {
        // NDJSON written while the log is read holds nothing back.
        const more = listed && !all.packets && !needsLastTime(selection) ? '; --format ndjson lists every entry' : '';
        env.io.stderr.write(`mosqlog: warning: the timeline holds its first ${formatCount(limit)} entries; ${formatCount(builder.omitted)} more were left out (narrow it with --client, --since/--until or --topic${more})\n`);
      }
      const reporter = timelineReporters[all.format as keyof typeof timelineReporters];
      await env.stdout.writeOutput(reporter({ entries, debugLines: correlation.debugLines, wholeSeconds: correlation.wholeSeconds }, reportContext(all, env.io, all.format !== 'table')));
    });
}
