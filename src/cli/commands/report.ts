/**
 * `mosqlog report`: findings for CI as JUnit XML, Markdown, GitHub annotations, JSON or HTML, with a
 * `--fail-on` gate that sets the exit code (0 passed, 1 failed, 2 usage or input error).
 */
import { fstatSync } from 'node:fs';
import { appendFile, mkdir, open, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import {
  type GateRule, type GateRuleProblem, defaultFailOn, defaultGateRules, evaluateGate, parseGateRules,
} from '../../correlate/gate.js';
import { type CorrelatorEvent, SessionSample, compileSelection, findingCodes, sessionSelected } from '../../correlate/index.js';
import { type CiFormat, type CiReport, ciFormats, ciReporters, findingsInOrder } from '../../report/index.js';
import type { CommandEnv } from '../command-env.js';
import { type InputSource, fileIdentity, identityOf, resolveInputs } from '../input.js';
import { ClosedOutput, keepingWarnings } from '../io.js';
import {
  type ColorOptions, type InputOptions, type JobsOptions, type MaxOpenOptions, type SelectOptions, UsageError, addFormatOption, addInputOptions,
  addJobsOption, addMaxOpenOption, addSelectOptions, collect, jobsFor, maxOpenFor, parserFor, reportContext, selectionFor, selectionText,
} from '../options.js';
import { correlateSelected } from '../pipeline.js';

interface ReportOptions extends InputOptions, SelectOptions, ColorOptions, MaxOpenOptions, JobsOptions {
  format: CiFormat;
  failOn?: string[];
  exitZero?: boolean;
  outputFile?: string;
}

function describeProblem(problem: GateRuleProblem): string {
  switch (problem.kind) {
    case 'empty-rule': return 'an empty rule (two commas, or a comma at an end)';
    case 'unknown-code': return `unknown finding code '${problem.code}'`;
    case 'malformed': return `'${problem.item}' is not CODE or CODE>N (N a whole number)`;
    case 'none-combined': return "'none' cannot be combined with other rules";
  }
}

/**
 * The rules `--fail-on` asks for; mistakes are usage errors that list the valid codes. The
 * option repeats like `--client`: every occurrence's rules count, read as one comma list, so a
 * later rule for a code replaces an earlier one and `none` stays alone.
 */
function gateRulesFor(texts: readonly string[] | undefined): GateRule[] {
  if (texts === undefined) return defaultGateRules();
  const parsed = parseGateRules(texts.join(','));
  if (parsed.ok) return parsed.rules;
  throw new UsageError(`--fail-on: ${describeProblem(parsed.problem)}; valid codes: ${findingCodes.join(', ')} (or default, all, none)`);
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    // Missing directories are made first: what is left is a place no file can be made in (/proc).
    case 'ENOENT': return 'cannot be created there';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    // A file where the path needs a directory (`report.xml/out.xml`).
    case 'ENOTDIR': return 'not a directory';
    default: return e.message ?? String(error);
  }
}

/**
 * Creates the directories missing above a file, from the nearest one that exists down. (A
 * recursive `mkdir` under `/proc` never returns in Node 20.)
 */
async function makeParents(path: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    try {
      await stat(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw error;
    }
    missing.push(dir);
  }
  for (const dir of missing.reverse()) await mkdir(dir);
}

/** `--output-file`: a path, or `-` for stdout. An empty one is a mistake, not a name. */
function parseOutputFile(value: string): string {
  if (value === '') throw new UsageError('--output-file: empty path');
  if (value.endsWith('/')) throw new UsageError(`--output-file: ${value} names a directory; add a file name`);
  return value;
}

/** The identity of the file stdin reads (`< broker.log`), or null when it reads no file. */
function stdinIdentity(stdin: Readable): string | null {
  const fd = (stdin as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return null;
  try {
    return identityOf(fstatSync(fd, { bigint: true }));
  } catch {
    return null;
  }
}

/**
 * Refuses an output file that is one of the logs read (`report c.log -o c.log`, another path to
 * it, or stdin redirected from it): the report would replace the log. Compared by device and
 * inode, so links and other spellings of the path are caught too. Checked before the logs are
 * read, so nothing is written.
 */
async function refuseInputAsOutput(path: string, sources: readonly InputSource[], stdin: Readable): Promise<void> {
  const output = await fileIdentity(path);
  if (output === null) return;
  for (const source of sources) {
    const input = source.name === '-' ? stdinIdentity(stdin) : (source.identity ?? null);
    if (input === output) {
      throw new UsageError(`--output-file: ${path} is the input ${source.name === '-' ? 'stdin reads' : source.name}; the report would replace the log`);
    }
  }
}

/**
 * Whether two paths name one file: the same device and inode when both exist, the same absolute
 * path when neither does yet.
 */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [first, second] = [await fileIdentity(a), await fileIdentity(b)];
  if (first === null || second === null) return first === second && resolve(a) === resolve(b);
  return first === second;
}

async function writeReportFile(path: string, text: string): Promise<void> {
  try {
    await makeParents(path);
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new UsageError(`--output-file: ${path}: ${reason(error)}`);
  }
}

/** Appends the report on a line of its own, whatever the file's last writer left. */
async function appendStepSummary(path: string, text: string): Promise<void> {
  try {
    await appendFile(path, (await endsMidLine(path)) ? `\n${text}` : text, 'utf8');
  } catch (error) {
    throw new UsageError(`GITHUB_STEP_SUMMARY: ${path}: ${reason(error)}`);
  }
}

/** Whether a regular file exists and its last byte is not a newline (a pipe is not read). */
async function endsMidLine(path: string): Promise<boolean> {
  let handle;
  try {
    if (!(await stat(path)).isFile()) return false;
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** Writes to stdout; a closed stdout must not turn a failed gate into a pass. */
async function writeStdout(env: CommandEnv, text: string): Promise<void> {
  try {
    await env.stdout.write(text);
  } catch (error) {
    if (!(error instanceof ClosedOutput)) throw error;
  }
}

/**
 * The inputs inside `workspace` (GitHub's `GITHUB_WORKSPACE`, where the job checked the
 * repository out), with their paths from it: `./logs/broker.log` and `/home/runner/work/r/r/logs/broker.log`
 * are both `logs/broker.log` to GitHub. Null without a workspace or with no input in it.
 */
function repositoryPaths(sources: readonly InputSource[], workspace: string | undefined): Record<string, string> | null {
  if (!workspace) return null;
  const paths: Record<string, string> = {};
  for (const { name } of sources) {
    if (name === '-') continue;
    const path = relative(resolve(workspace), resolve(name));
    if (path !== '' && path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path)) paths[name] = path.split(sep).join('/');
  }
  return Object.keys(paths).length > 0 ? paths : null;
}

/** Registers `mosqlog report`. */
export function registerReport(program: Command, env: CommandEnv): void {
  const command = program.command('report')
    .description('check logs against --fail-on rules and report the findings for CI (exit 1 when a rule fails)');
  addInputOptions(command);
  addSelectOptions(command);
  addMaxOpenOption(command);
  addJobsOption(command, 'correlate');
  addFormatOption(command, ciFormats, 'markdown')
    .option('--fail-on <rules>', `comma list of finding codes, each optionally CODE>N to allow N; repeatable, the rules add up; 'none' never fails (default: ${defaultFailOn.join(',')})`, collect)
    .option('--exit-zero', 'report a failed gate but exit 0')
    .option('-o, --output-file <path>', 'write the report to this file instead of stdout (github annotations still go to stdout); not one of the logs read', parseOutputFile)
    .addHelpText('after', `
Finding codes, most severe first:
  ${findingCodes.join(', ')}

Exit codes: 0 every rule passed, 1 a rule failed, 2 usage error or unreadable input.
With --format markdown and GITHUB_STEP_SUMMARY set, the summary is also appended there
(once: an --output-file that is that file is appended to, not replaced).
Formats, rules and the JSON schema: docs/ci.md.

Examples:
  mosqlog report broker.log --format junit --output-file mqtt.xml --fail-on flow-incomplete
  mosqlog report broker.log --format github --fail-on 'flow-incomplete,keepalive-timeout>2,socket-error'
  mosqlog report broker.log --format json --fail-on none | jq '.counts'
  mosqlog report broker.log --format html --output-file report.html`)
    .action(async (files: string[], options: ReportOptions) => {
      const rules = gateRulesFor(options.failOn);
      const parser = parserFor(options);
      const selection = selectionFor(options);
      // The warnings on reading the logs are the report's too.
      const { io, warnings } = keepingWarnings(env.io);
      const sources = await resolveInputs(files, io, parser);
      const toFile = options.outputFile !== undefined && options.outputFile !== '-' ? options.outputFile : null;
      if (toFile !== null) await refuseInputAsOutput(toFile, sources, env.io.stdin);
      // The HTML page draws sessions: the first and the latest of those the selection keeps, and
      // counts them all. The other formats list only findings. No format lists the failed
      // connections one by one: their counts are kept either way.
      // A window counted back from the log's end is known at its end: while reading, the clients and a fixed window choose.
      const whileRead = compileSelection(selection, null);
      const sample = options.format === 'html' ? new SessionSample((x) => sessionSelected(x, whileRead)) : null;
      const keep = {
        keepFlows: 'unfinished', keepSessions: false, keepAttempts: false,
        ...(sample ? { onEvent: (e: CorrelatorEvent) => { if (e.kind === 'session-end') sample.add(e.session); } } : {}),
      } as const;
      const { whole, selected } = await correlateSelected(sources, parser, { ...keep, ...maxOpenFor(options), jobs: jobsFor(options, 'correlate') }, io, selection);
      const sampled = sample?.result(compileSelection(selection, whole.last));
      const gate = evaluateGate(rules, selected.findingTotals, options.exitZero !== true);
      const selectedBy = selectionText(options);
      const inRepository = repositoryPaths(sources, env.io.env.GITHUB_WORKSPACE);
      const report: CiReport = {
        // Findings as `problems` lists them: by code, each code's in time order.
        correlation: { ...selected, findings: findingsInOrder(selected.findings, selected.files), ...(sampled ? { sessions: sampled.sessions } : {}) },
        ...(sampled ? { sessionOverview: sampled.overview } : {}),
        gate, inputs: sources.map((s) => s.name), generatedAt: env.io.now(), ...(selectedBy !== null ? { selection: selectedBy } : {}),
        ...(inRepository !== null ? { repositoryPaths: inRepository } : {}), ...(warnings.length > 0 ? { warnings } : {}),
      };
      // CI reports show times in UTC whatever zone the log was written in: build logs are read
      // anywhere. The HTML page is for people and shows the zone the log was read in.
      const text = ciReporters[options.format](report, reportContext({ ...options, tz: options.format === 'html' ? options.tz : 'UTC' }, env.io, true));

      // The step summary file holds what earlier commands of the step wrote: an output file that
      // is that file is appended to, and the summary is not appended a second time.
      const summary = env.io.env.GITHUB_STEP_SUMMARY || null;
      const toSummary = toFile !== null && summary !== null && (await sameFile(toFile, summary));
      if (toFile !== null) await (toSummary ? appendStepSummary(toFile, text) : writeReportFile(toFile, text));
      if (toFile === null || options.format === 'github') await writeStdout(env, text);
      if (options.format === 'markdown' && summary !== null && !toSummary) await appendStepSummary(summary, text);

      // With --exit-zero the failure is still said, for the CI console; only the exit code passes.
      if (!gate.passed) {
        const failed = gate.rules.filter((r) => !r.passed).map((r) => `${r.code} ${r.count} > ${r.max}`);
        env.io.stderr.write(`mosqlog: --fail-on failed: ${failed.join(', ')}${gate.enforced ? '' : ' (--exit-zero: exit code 0)'}\n`);
        if (gate.enforced) env.gateFailed();
      }
    });
}
