/**
 * `npm run bench`: times mosqlog's `parse`, `summary` and `report` subcommands on generated
 * mosquitto logs against an awk baseline, and prints a table (stdout) plus `bench/out/results.json`.
 * Progress goes to stderr. See bench/README.md for options.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchOutDir, DEFAULT_SEED, ensureLog, type GeneratedLog, type PrefixStyle, prefixStyles, projectRoot } from './generate.js';
import { detectRssMethod, type Measurement, measureCommand, type RssMethod } from './measure.js';
import { checkTargets, renderTargets } from './targets.js';

/** Commands the bench knows, in the order they run and are printed. */
export const commandNames = ['baseline', 'parse', 'summary', 'report'] as const;

/** One of {@link commandNames}. */
export type CommandName = (typeof commandNames)[number];

/** What one invocation of the bench does. */
export interface BenchPlan {
  targets: { style: PrefixStyle; lines: number }[];
  commands: CommandName[];
  runs: number;
  seed: number;
  timeoutSeconds: number;
  rssMethod: RssMethod;
  /** The mosqlog entry point, relative to the project root. */
  bin: string;
}

/** Median figures for one command on one log, as printed and written to results.json. */
export interface BenchRow {
  lines: number;
  style: PrefixStyle;
  command: CommandName;
  commandLine: string;
  status: 'ok' | 'failed';
  /** Why the command was not measured, e.g. `exit 2` or `bin/mosqlog.js missing`. */
  failure?: string;
  exitCode?: number | null;
  /** First line of stderr from the failing run. */
  failureDetail?: string;
  runs: { wallSeconds: number; peakRssMiB: number | null; exitCode: number | null }[];
  medianWallSeconds?: number;
  linesPerSecond?: number;
  medianPeakRssMiB?: number | null;
  ratioToBaseline?: number | null;
}

const DEFAULT_SIZES = [2_000_000, 10_000_000];
const QUICK_SIZES = [200_000];
const DEFAULT_RUNS = 3;
const DEFAULT_TIMEOUT_SECONDS = 900;
const DEFAULT_BIN = 'bin/mosqlog.js';

const usage = `usage: node dist/bench/run.js [options]

  --sizes LIST     line counts, comma-separated; k/M suffixes allowed (default 2000000,10000000)
  --styles LIST    prefix styles: epoch,iso (default: epoch at every size, iso at the smallest)
  --runs N         runs per command, median reported (default 3)
  --only LIST      commands: parse,summary,report,baseline (the baseline always runs)
  --quick          same as --sizes 200000 --runs 1
  --seed N         generator seed (default ${DEFAULT_SEED})
  --timeout SEC    kill a run after SEC seconds (default ${DEFAULT_TIMEOUT_SECONDS})
  --rss METHOD     auto, time (/usr/bin/time) or proc (poll /proc, approximate) (default auto)
  --bin PATH       mosqlog entry point to run (default ${DEFAULT_BIN})
  -h, --help       show this help
`;

class UsageError extends Error {}

/** Turns command-line arguments into a plan; throws {@link UsageError} on bad input. */
export function parsePlan(argv: string[]): BenchPlan | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sizes: { type: 'string' },
        styles: { type: 'string' },
        runs: { type: 'string' },
        only: { type: 'string' },
        quick: { type: 'boolean', default: false },
        seed: { type: 'string' },
        timeout: { type: 'string' },
        rss: { type: 'string', default: 'auto' },
        bin: { type: 'string', default: DEFAULT_BIN },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';

  const sizes =
    values.sizes !== undefined ? splitList(values.sizes).map(parseSize) : values.quick ? QUICK_SIZES : DEFAULT_SIZES;
  const runs = values.runs !== undefined ? parsePositiveInteger(values.runs, '--runs') : values.quick ? 1 : DEFAULT_RUNS;
  const seed = values.seed !== undefined ? parsePositiveInteger(values.seed, '--seed') : DEFAULT_SEED;
  const timeoutSeconds =
    values.timeout !== undefined ? parsePositiveInteger(values.timeout, '--timeout') : DEFAULT_TIMEOUT_SECONDS;

  const targets: BenchPlan['targets'] = [];
  if (values.styles === undefined) {
    for (const lines of sizes) targets.push({ style: 'epoch', lines });
    targets.push({ style: 'iso', lines: Math.min(...sizes) });
  } else {
    const styles = splitList(values.styles).map((s) => {
      if (!(prefixStyles as readonly string[]).includes(s)) throw new UsageError(`unknown style '${s}' (epoch, iso)`);
      return s as PrefixStyle;
    });
    for (const style of styles) for (const lines of sizes) targets.push({ style, lines });
  }

  let commands: CommandName[] = [...commandNames];
  if (values.only !== undefined) {
    const wanted = splitList(values.only).map((name) => {
      if (!(commandNames as readonly string[]).includes(name)) {
        throw new UsageError(`unknown command '${name}' (${commandNames.join(', ')})`);
      }
      return name as CommandName;
    });
    // The baseline is what the ratio column divides by, so it always runs.
    commands = commandNames.filter((name) => name === 'baseline' || wanted.includes(name));
  }

  let rssMethod: RssMethod;
  if (values.rss === 'auto') rssMethod = detectRssMethod();
  else if (values.rss === 'time') rssMethod = 'gnu-time';
  else if (values.rss === 'proc') rssMethod = 'proc-poll';
  else throw new UsageError(`unknown --rss '${values.rss}' (auto, time, proc)`);
  if (rssMethod === 'gnu-time' && detectRssMethod() !== 'gnu-time') throw new UsageError('/usr/bin/time not found');

  return { targets: dedupeTargets(targets), commands, runs, seed, timeoutSeconds, rssMethod, bin: values.bin };
}

function dedupeTargets(targets: BenchPlan['targets']): BenchPlan['targets'] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.style}:${t.lines}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.replace(/_/g, ''));
  if (match?.[1] === undefined) throw new UsageError(`bad size '${text}'`);
  const unit = match[2]?.toLowerCase();
  const lines = Math.round(Number(match[1]) * (unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : 1));
  if (!Number.isSafeInteger(lines) || lines < 1) throw new UsageError(`bad size '${text}'`);
  return lines;
}

function parsePositiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${option} needs a positive integer, got '${text}'`);
  return value;
}

/** mawk when installed (the usual fast awk), else plain awk. */
function findAwk(): string {
  for (const name of ['mawk', 'awk']) {
    for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
      if (dir !== '' && existsSync(join(dir, name))) return name;
    }
  }
  return 'awk';
}

/**
 * The baseline counts lines per message kind. For ISO-prefixed logs the prefix pattern is the ISO
 * one, so that both styles do the same work.
 */
function baselineProgram(style: PrefixStyle): string {
  const prefix = style === 'epoch' ? '^[0-9]+: ' : '^[0-9-]+T[0-9:]+: ';
  return `{ sub(/${prefix}/, ""); if ($1 == "Received" || $1 == "Sending") k = $1 " " $2; else k = $1; c[k]++ } END { for (k in c) print c[k], k }`;
}

function commandArgv(command: CommandName, file: string, style: PrefixStyle, awk: string, bin: string): string[] {
  switch (command) {
    case 'baseline':
      return [awk, baselineProgram(style), file];
    case 'parse':
      return [process.execPath, bin, 'parse', file];
    case 'summary':
      return [process.execPath, bin, 'summary', file];
    case 'report':
      return [process.execPath, bin, 'report', file, '--format', 'junit', '--fail-on', 'none'];
  }
}

function describeCommand(argv: readonly string[]): string {
  const shown = argv.map((arg, i) => {
    if (i === 0 && arg === process.execPath) return 'node';
    return /^[\w./,=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
  });
  return `${shown.join(' ')} > /dev/null`;
}

/**
 * Decides whether a run counts. Exit codes 0 and 1 are mosqlog's "ran" codes; but Node also exits
 * with 1 on an uncaught exception or a missing module, which is recognised by its stack trace.
 */
function classifyRun(command: CommandName, m: Measurement): string | undefined {
  if (m.timedOut) return 'timeout';
  if (m.exitCode === null) return m.signal ?? 'killed';
  if (m.exitCode !== 0 && m.exitCode !== 1) return `exit ${m.exitCode}`;
  if (command === 'baseline') return m.exitCode === 0 ? undefined : `exit ${m.exitCode}`;
  if (m.exitCode === 1 && (/^\s+at .+:\d+:\d+\)?$/m.test(m.stderrHead) || /ERR_MODULE_NOT_FOUND/.test(m.stderrHead))) {
    return 'crash, exit 1';
  }
  return undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[mid - 1] ?? upper) + upper) / 2;
}

function kib2mib(kib: number | null): number | null {
  return kib === null ? null : Math.round((kib / 1024) * 10) / 10;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function benchCommand(
  plan: BenchPlan,
  command: CommandName,
  generated: GeneratedLog,
  style: PrefixStyle,
  awk: string,
): Promise<BenchRow> {
  const file = relative(projectRoot, generated.path);
  const argv = commandArgv(command, file, style, awk, plan.bin);
  const row: BenchRow = {
    lines: generated.lines,
    style,
    command,
    commandLine: describeCommand(argv),
    status: 'ok',
    runs: [],
  };
  const tag = `[${formatSize(generated.lines)} ${style}] ${command}`;
  if (command !== 'baseline' && !existsSync(resolve(projectRoot, plan.bin))) {
    row.status = 'failed';
    row.failure = `${plan.bin} missing`;
    log(`${tag}: n/a (${row.failure})`);
    return row;
  }
  for (let i = 1; i <= plan.runs; i++) {
    const m = await measureCommand({ argv, cwd: projectRoot, timeoutSeconds: plan.timeoutSeconds, rssMethod: plan.rssMethod });
    const failure = classifyRun(command, m);
    if (failure !== undefined) {
      row.status = 'failed';
      row.failure = failure;
      row.exitCode = m.exitCode;
      const stderrLines = m.stderrHead.split('\n').filter((l) => l.trim().length > 0);
      const detail = stderrLines.find((l) => /error/i.test(l)) ?? stderrLines[0];
      if (detail !== undefined) row.failureDetail = detail.trim().slice(0, 200);
      log(`${tag} run ${i}/${plan.runs}: n/a (${failure})${detail === undefined ? '' : `: ${detail.trim().slice(0, 120)}`}`);
      return row;
    }
    const rss = kib2mib(m.peakRssKiB);
    row.runs.push({ wallSeconds: Math.round(m.wallSeconds * 1000) / 1000, peakRssMiB: rss, exitCode: m.exitCode });
    const rssText = rss === null ? '?' : `${m.rssApproximate ? '~' : ''}${rss.toFixed(1)}`;
    log(`${tag} run ${i}/${plan.runs}: ${m.wallSeconds.toFixed(2)} s, ${rssText} MiB, exit ${m.exitCode}`);
  }
  const wall = median(row.runs.map((r) => r.wallSeconds));
  const rssValues = row.runs.map((r) => r.peakRssMiB).filter((v): v is number => v !== null);
  row.medianWallSeconds = Math.round(wall * 1000) / 1000;
  row.linesPerSecond = Math.round(generated.lines / wall);
  row.medianPeakRssMiB = rssValues.length > 0 ? median(rssValues) : null;
  return row;
}

function formatSize(lines: number): string {
  if (lines % 1_000_000 === 0) return `${lines / 1_000_000}M`;
  if (lines % 1_000 === 0) return `${lines / 1_000}k`;
  return String(lines);
}

/** Renders the results table printed on stdout. */
export function renderTable(rows: readonly BenchRow[], rssApproximate: boolean): string {
  const header = ['size', 'style', 'command', 'median s', 'lines/s', 'peak RSS MiB', 'vs baseline'];
  const body = rows.map((row) => {
    if (row.status === 'failed') {
      return [formatSize(row.lines), row.style, row.command, `n/a (${row.failure ?? 'failed'})`, '-', '-', '-'];
    }
    const rss = row.medianPeakRssMiB;
    return [
      formatSize(row.lines),
      row.style,
      row.command,
      (row.medianWallSeconds ?? 0).toFixed(2),
      (row.linesPerSecond ?? 0).toLocaleString('en-US'),
      rss === null || rss === undefined ? '?' : `${rssApproximate ? '~' : ''}${rss.toFixed(1)}`,
      row.ratioToBaseline === null || row.ratioToBaseline === undefined ? '-' : `${row.ratioToBaseline.toFixed(2)}x`,
    ];
  });
  const all = [header, ...body];
  const widths = header.map((_, col) => Math.max(...all.map((cells) => (cells[col] ?? '').length)));
  const rightAligned = new Set([0, 3, 4, 5, 6]);
  const renderLine = (cells: string[]): string =>
    cells
      .map((cell, col) => {
        const width = widths[col] ?? cell.length;
        return rightAligned.has(col) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const lines = [renderLine(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(renderLine)];
  if (rssApproximate) lines.push('', '~ peak RSS polled from /proc/PID/status every 5 ms: approximate');
  return `${lines.join('\n')}\n`;
}

async function runBench(plan: BenchPlan): Promise<number> {
  const awk = findAwk();
  const rssApproximate = plan.rssMethod === 'proc-poll';
  log(
    `bench: ${plan.targets.map((t) => `${formatSize(t.lines)} ${t.style}`).join(', ')}; ` +
      `${plan.runs} run(s) each; commands ${plan.commands.join(', ')}; baseline ${awk}; ` +
      `peak RSS via ${rssApproximate ? '/proc polling (approximate)' : '/usr/bin/time'}`,
  );
  mkdirSync(benchOutDir, { recursive: true });

  const logs: GeneratedLog[] = [];
  const rows: BenchRow[] = [];
  for (const target of plan.targets) {
    log(`[${formatSize(target.lines)} ${target.style}] preparing log…`);
    const generated = ensureLog({ lines: target.lines, style: target.style, seed: plan.seed, outDir: benchOutDir });
    logs.push(generated);
    const where = relative(projectRoot, generated.path);
    const mib = (generated.bytes / 1048576).toFixed(1);
    log(
      generated.reused
        ? `[${formatSize(target.lines)} ${target.style}] reusing ${where} (${mib} MiB)`
        : `[${formatSize(target.lines)} ${target.style}] generated ${where} (${mib} MiB) in ${generated.seconds.toFixed(2)} s, ` +
            `${Math.round(target.lines / generated.seconds).toLocaleString('en-US')} lines/s`,
    );
    const targetRows: BenchRow[] = [];
    for (const command of plan.commands) {
      targetRows.push(await benchCommand(plan, command, generated, target.style, awk));
    }
    const baseline = targetRows.find((r) => r.command === 'baseline' && r.status === 'ok');
    for (const row of targetRows) {
      row.ratioToBaseline =
        row.status === 'ok' && baseline?.medianWallSeconds !== undefined && row.medianWallSeconds !== undefined
          ? Math.round((row.medianWallSeconds / baseline.medianWallSeconds) * 100) / 100
          : null;
    }
    rows.push(...targetRows);
  }

  const table = renderTable(rows, rssApproximate);
  process.stdout.write(table);
  const targets = checkTargets(rows);
  process.stdout.write(renderTargets(targets));

  const cpuList = cpus();
  const results = {
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: `${platform()} ${release()}`,
      cpu: cpuList[0]?.model ?? 'unknown',
      cpus: cpuList.length,
      memoryMiB: Math.round(totalmem() / 1048576),
    },
    settings: {
      runs: plan.runs,
      seed: plan.seed,
      timeoutSeconds: plan.timeoutSeconds,
      baseline: awk,
      rssMethod: plan.rssMethod,
      rssApproximate,
    },
    logs: logs.map((g) => ({
      path: relative(projectRoot, g.path),
      lines: g.lines,
      bytes: g.bytes,
      reused: g.reused,
      generationSeconds: g.reused ? null : Math.round(g.seconds * 1000) / 1000,
      generationLinesPerSecond: g.reused ? null : Math.round(g.lines / g.seconds),
    })),
    results: rows,
    targets,
  };
  const resultsPath = join(benchOutDir, 'results.json');
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${relative(projectRoot, resultsPath)}`);

  const baselineFailed = rows.some((r) => r.command === 'baseline' && r.status === 'failed');
  return baselineFailed ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  let plan: BenchPlan | 'help';
  try {
    plan = parsePlan(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n\n${usage}`);
      return 2;
    }
    throw error;
  }
  if (plan === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  return runBench(plan);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
