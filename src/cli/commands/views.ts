/**
 * The analysing commands that read the whole log and show one view of it:
 * `summary` (the default), `sessions`, `flows` and `problems`.
 */
import type { Command } from 'commander';
import {
  type CorrelateOptions, type Correlation, type EndReason, type FindingCode, type Selection, compileSelection, endReasons, findingCodes, needsLastTime, troubledEnds,
} from '../../correlate/index.js';
import type { LineParser } from '../../parse/index.js';
import { type ReportContext, type ReportOutput, formatCount } from '../../report/index.js';
import { flowsReporters, problemsReporters, sessionsReporters, unlistedFindings } from '../../report/lists.js';
import { flowsInLogOrder, sessionsInLogOrder } from '../../report/log-order.js';
import { summaryReporters } from '../../report/summary.js';
import type { CommandEnv } from '../command-env.js';
import { type InputSource, lastTimeOf, resolveInputs } from '../input.js';
import type { Io } from '../io.js';
import {
  type ColorOptions, type InputOptions, type SelectOptions, addFormatOption, addInputOptions, addJobsOption, addMaxOpenOption, addSelectOptions,
  UsageError, jobsFor, maxOpenFor, parserFor, reportContext, selectionFor,
} from '../options.js';
import { type PipelineOptions, correlateInputs, correlateSelected, refuseInvertedWindow, summarizeSelected, warnAboutWindow } from '../pipeline.js';
import { warnLeftOut } from '../first-settled.js';
import { flowsList, flowsListLimit, listFlows } from './flows-list.js';
import { listSessions, sessionsList, sessionsListLimit } from './sessions-list.js';

/** `--end a,b`, repeatable: end reasons that add up, `trouble` for every troubled one; an unknown reason is a usage error. */
function parseEndReasons(value: string, previous: EndReason[] = []): EndReason[] {
  const reasons = value.split(',').map((s) => s.trim());
  if (reasons.includes('')) throw new UsageError(`--end: an empty item in ${JSON.stringify(value)}`);
  const unknown = reasons.find((reason) => reason !== 'trouble' && !(endReasons as readonly string[]).includes(reason));
  if (unknown !== undefined) throw new UsageError(`--end: not an end reason: ${unknown} (valid: ${endReasons.join(', ')}, or trouble)`);
  return [...previous, ...reasons.flatMap((reason) => (reason === 'trouble' ? [...troubledEnds] : [reason as EndReason]))];
}

/** The end reasons `--end` gave, or null for every session. */
function endsAsked(options: Record<string, unknown>): ReadonlySet<EndReason> | null {
  return Array.isArray(options.end) ? new Set<EndReason>(options.end as EndReason[]) : null;
}

/** `--type a,b`, repeatable: finding codes that add up; an unknown code is a usage error, not an empty result. */
function parseFindingCodes(value: string, previous: FindingCode[] = []): FindingCode[] {
  const codes = value.split(',').map((s) => s.trim());
  if (codes.includes('')) throw new UsageError(`--type: an empty item in ${JSON.stringify(value)}`);
  const unknown = codes.find((code) => !(findingCodes as readonly string[]).includes(code));
  if (unknown !== undefined) throw new UsageError(`--type: not a finding code: ${unknown} (valid: ${findingCodes.join(', ')})`);
  return [...previous, ...(codes as FindingCode[])];
}

type ViewReporters = Record<string, (c: Correlation, ctx: ReportContext) => ReportOutput>;

interface View {
  name: string;
  description: string;
  reporters: ViewReporters;
  correlate: CorrelateOptions;
  examples: string;
  isDefault?: boolean;
  /** Selection applies to the records read (an aggregate view), not to the listed results. */
  selectsRecords?: boolean;
  /** Extra options and how they change the correlation before reporting. */
  extend?: (command: Command) => Command;
  /** What the correlation keeps with the extra options given, beyond {@link correlate}. */
  keeps?: (options: Record<string, unknown>) => CorrelateOptions;
  refine?: (c: Correlation, options: Record<string, unknown> & { format: string }, io: Pick<Io, 'stderr'>) => Correlation;
  /** Lists findings: NDJSON, which has no place to say so, leaves a note on stderr for those not listed. */
  listsFindings?: boolean;
  /**
   * Reads the log and writes the view as it goes, instead of {@link refine} and the reporters
   * on the whole correlation; false, having read nothing, leaves it to them.
   */
  listWhileReading?: (run: ViewRun) => Promise<boolean>;
}

/** What a view's command was given, once its inputs are resolved. */
interface ViewRun {
  sources: InputSource[];
  parser: LineParser;
  options: PipelineOptions;
  env: CommandEnv;
  selection: Selection;
  all: Record<string, unknown> & ColorOptions & { format: string; tz?: string };
}

const views: readonly View[] = [
  {
    name: 'summary',
    isDefault: true,
    description: 'what the log holds: time span, broker, sessions by end, QoS flows, problems, the errors and warnings the broker logged, busiest clients and topics',
    reporters: summaryReporters,
    selectsRecords: true,
    correlate: { keepSessions: false, keepFlows: 'none', keepAttempts: false, maxFindingsPerCode: 0 },
    examples: `
Examples:
  mosqlog mosquitto.log
  mosqlog mosquitto.log.2.gz mosquitto.log.1 mosquitto.log
  journalctl -u mosquitto -o short-iso | mosqlog
  mosqlog summary --format markdown broker.log >> "$GITHUB_STEP_SUMMARY"`,
  },
  {
    name: 'sessions',
    description: 'every client session: address, MQTT version, start, duration, how it ended',
    reporters: sessionsReporters,
    correlate: { keepSessions: true, keepFlows: 'none' },
    extend: (command) => command.option('--end <reasons>', `only sessions that ended so, comma-separated, repeatable: ${endReasons.join(', ')}, or trouble for ${[...troubledEnds].join(', ')}`, parseEndReasons),
    refine: (c, options, io) => {
      const ends = endsAsked(options);
      const sessions = ends === null ? c.sessions : c.sessions.filter((s) => ends.has(s.endReason));
      // A table or Markdown lists the first sessions, as it does when the log is read in one pass.
      if (options.format !== 'table' && options.format !== 'markdown') return { ...c, sessions };
      warnLeftOut(sessionsList, options.format, Math.max(0, sessions.length - sessionsListLimit), io);
      return { ...c, sessions: sessions.length > sessionsListLimit ? sessionsInLogOrder(sessions, c.files).slice(0, sessionsListLimit) : sessions };
    },
    listWhileReading: ({ all, ...run }) => listSessions({ ...run, format: all.format, display: all, ends: endsAsked(all) }),
    examples: `
JSON and NDJSON are written while the log is read; a table or Markdown lists the first
${formatCount(sessionsListLimit)} sessions (a warning counts the rest).

Examples:
  mosqlog sessions broker.log
  mosqlog sessions --client 'sensor-*' --since 2h broker.log
  mosqlog sessions --end trouble broker.log
  mosqlog sessions --end timeout --format json broker.log | jq -r '.sessions[].client'`,
  },
  {
    name: 'flows',
    description: 'QoS 1/2 message flows per client, direction and message id, with the step they stalled at',
    reporters: flowsReporters,
    // Each delivery names the inbound PUBLISH it came from (`origin`).
    correlate: { keepSessions: false, keepFlows: 'all', traceOrigins: true },
    extend: (command) => command.option('--incomplete', 'only flows that did not complete (incomplete, refused, or in flight when the log ended)', false),
    // Completed flows are most of a log's: with --incomplete they are not kept at all.
    keeps: (options) => (options.incomplete === true ? { keepFlows: 'unfinished' } : {}),
    refine: (c, options, io) => {
      const flows = options.incomplete === true ? c.flows.filter((f) => f.state !== 'complete') : c.flows;
      // A table or Markdown lists the first flows, as it does when the log is read in one pass.
      if (options.format !== 'table' && options.format !== 'markdown') return { ...c, flows };
      warnLeftOut(flowsList, options.format, Math.max(0, flows.length - flowsListLimit), io);
      return { ...c, flows: flows.length > flowsListLimit ? flowsInLogOrder(flows, c.files).slice(0, flowsListLimit) : flows };
    },
    listWhileReading: ({ all, ...run }) => listFlows({ ...run, format: all.format, incomplete: all.incomplete === true, display: all }),
    examples: `
JSON and NDJSON are written while the log is read; a table or Markdown lists the first
${formatCount(flowsListLimit)} flows (a warning counts the rest).

Examples:
  mosqlog flows --incomplete broker.log
  mosqlog flows --topic 'cmd/#' --format ndjson broker.log`,
  },
  {
    name: 'problems',
    description: 'every finding, grouped by code, most severe first, with client, time, evidence and file:line',
    reporters: problemsReporters,
    listsFindings: true,
    correlate: { keepSessions: false, keepFlows: 'unfinished' },
    extend: (command) => command.option('--type <codes>', `only these finding codes, comma-separated, repeatable: ${findingCodes.join(', ')}`, parseFindingCodes),
    refine: (c, options) => {
      if (!Array.isArray(options.type)) return c;
      const codes = new Set<string>(options.type);
      const findingTotals = Object.fromEntries(Object.entries(c.findingTotals).filter(([code]) => codes.has(code)));
      return { ...c, findings: c.findings.filter((f) => codes.has(f.code)), findingTotals };
    },
    examples: `
Examples:
  mosqlog problems broker.log
  mosqlog problems --type keepalive-timeout,socket-error --client 'plc-*' broker.log`,
  },
];

/** Registers summary, sessions, flows and problems. */
export function registerViews(program: Command, env: CommandEnv): void {
  for (const view of views) {
    let command = program.command(view.name, view.isDefault ? { isDefault: true } : {}).description(view.description);
    command = addSelectOptions(addInputOptions(command));
    command = addFormatOption(command, Object.keys(view.reporters), 'table');
    command = addJobsOption(addMaxOpenOption(command), 'correlate');
    if (view.extend) command = view.extend(command);
    command.addHelpText('after', view.examples).action(async (files: string[], options: InputOptions & SelectOptions & ColorOptions & Record<string, unknown>, cmd: Command) => {
      const all = { ...cmd.optsWithGlobals(), ...options } as typeof options & { format: string; maxOpen?: number; jobs?: number };
      const parser = parserFor(all);
      const selection = selectionFor(all);
      const sources = await resolveInputs(files, env.io, parser);
      const correlateOptions: PipelineOptions = { ...view.correlate, ...view.keeps?.(all), ...maxOpenFor(all), jobs: jobsFor(all, 'correlate') };
      if (await view.listWhileReading?.({ sources, parser, options: correlateOptions, env, selection, all })) return;
      let shown: Correlation;
      if (view.selectsRecords) {
        const last = needsLastTime(selection) ? await lastTimeOf(sources, parser) : null;
        // Files whose lines have no time keep every line, with the warning the other commands give.
        if (needsLastTime(selection) && last === null && sources.some((s) => s.size === null)) {
          throw new UsageError('summary --since/--until with a duration counts back from the log\'s last time, which summary needs before reading: give regular files rather than stdin or a pipe, or an ISO time');
        }
        refuseInvertedWindow(selection, last);
        const selector = compileSelection(selection, last);
        if (selector.all) {
          shown = await correlateInputs(sources, parser, correlateOptions, env.io);
          warnAboutWindow(selection, shown, env.io);
        } else {
          shown = await summarizeSelected(sources, parser, correlateOptions, env.io, selection, selector);
        }
      } else {
        shown = (await correlateSelected(sources, parser, correlateOptions, env.io, selection)).selected;
      }
      if (view.refine) shown = view.refine(shown, all, env.io);
      const reporter = view.reporters[all.format];
      if (!reporter) return;
      const ctx = reportContext(all, env.io, all.format !== 'table');
      await env.stdout.writeOutput(reporter(shown, ctx));
      const unlisted = view.listsFindings && all.format === 'ndjson' ? unlistedFindings(shown) : 0;
      if (unlisted > 0) env.io.stderr.write(`mosqlog: note: ${unlisted} more finding(s) counted but not listed: each code lists its first ones (--format json gives every code's count)\n`);
    });
  }
}
