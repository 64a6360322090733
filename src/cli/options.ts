/**
 * Options shared by the commands, and turning them into the objects the layers take:
 * a line parser, a selection filter, a report context with its colour decided once.
 */
import { availableParallelism } from 'node:os';
import { Chalk, type ChalkInstance } from 'chalk';
import { type Command, Option } from 'commander';
import { type Selection, globProblem, parseTimeBound, topicFilterProblem } from '../correlate/select.js';
import { type Clock, LineParser, type ParseOptions, calendarDay, createClock } from '../parse/index.js';
import type { ReportContext } from '../report/index.js';
import type { Io } from './io.js';
import { type MainThreadWork, defaultJobs, maxJobs, parallelMinBytes } from './parse-parallel/jobs.js';

/** A mistake in how the command was called: one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** Options of every command that reads logs. */
export interface InputOptions {
  tz: string;
  timestampFormat?: string;
  year?: number;
  date?: string;
}

/** Options of the commands that select what to show. */
export interface SelectOptions {
  client?: string[];
  topic?: string[];
  since?: string;
  until?: string;
}

/** The selection options as a command line would give them (`--client a --since 1h`), or null for none. */
export function selectionText(options: SelectOptions): string | null {
  const quote = (value: string): string => (/^[\w./:*?+#@=-]+$/.test(value) ? value : JSON.stringify(value));
  const parts = [
    ...(options.client ?? []).map((glob) => `--client ${quote(glob)}`),
    ...(options.topic ?? []).map((filter) => `--topic ${quote(filter)}`),
    ...(options.since !== undefined ? [`--since ${quote(options.since)}`] : []),
    ...(options.until !== undefined ? [`--until ${quote(options.until)}`] : []),
  ];
  return parts.length > 0 ? parts.join(' ') : null;
}

/** The global colour switch (`--color` / `--no-color`). */
export interface ColorOptions {
  color?: boolean;
}

function parseYear(value: string): number {
  const year = Number(value);
  if (!Number.isInteger(year) || year < 1970 || year > 9999) throw new UsageError(`--year: not a year: ${value}`);
  return year;
}

function parseDate(value: string): string {
  try {
    calendarDay(value);
  } catch {
    throw new UsageError(`--date: not a date (YYYY-MM-DD): ${value}`);
  }
  return value;
}

/** An argument parser for a count option (`--max-open`, `--jobs`): a whole number of at least `least`. */
export function parseCount(flag: string, least = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < least) throw new UsageError(`${flag}: not a whole number ${least > 0 ? `of at least ${least}` : 'of 0 or more'}: ${value}`);
    return n;
  };
}

/** An argument parser for a repeatable option: each occurrence adds its value to those before. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds `[files...]` and the time-reading options. */
export function addInputOptions(command: Command): Command {
  return command
    .argument('[files...]', 'log files (plain or .gz, taken in time order); none or - reads stdin')
    .option('--tz <zone>', 'zone of times written without an offset: UTC, local, +01:00 or an IANA name', 'UTC')
    .option('--timestamp-format <strftime>', "the broker's log_timestamp_format, e.g. '%Y-%m-%dT%H:%M:%S' (default: detected)")
    .addOption(new Option('--year <year>', 'year for syslog lines, which carry none (default: this year, or last year for a first date still to come)').argParser(parseYear))
    .addOption(new Option('--date <YYYY-MM-DD>', 'date of the first line, for stamps of a time of day alone such as %H:%M:%S (default: 1 January of --year)').argParser(parseDate).conflicts('year'));
}

/** The state cap option (`--max-open`). */
export interface MaxOpenOptions {
  maxOpen?: number;
}

/** Adds `--max-open`: the cap on what the correlator tracks at once. */
export function addMaxOpenOption(command: Command): Command {
  return command.option('--max-open <n>', 'cap on clients and connections tracked at once (state beyond it is evicted and counted; default 1000000)', parseCount('--max-open'));
}

/** The correlator's options for `--max-open`, when given. */
export function maxOpenFor(options: MaxOpenOptions): { maxOpen?: number } {
  return options.maxOpen === undefined ? {} : { maxOpen: options.maxOpen };
}

/** The worker threads option (`--jobs`). */
export interface JobsOptions {
  jobs?: number;
}

/** Adds `--jobs`: worker threads that decode large plain files while the main thread does `work`. */
export function addJobsOption(command: Command, work: MainThreadWork): Command {
  const byDefault = work === 'write' ? 'one per CPU core but one' : 'one per CPU core but two';
  return command.option(
    '--jobs <n>',
    `worker threads that decode plain files of ${parallelMinBytes >> 20} MiB or more (default: ${byDefault}, at most ${maxJobs[work]}; 0: none; never more than the CPU cores)`,
    parseCount('--jobs', 0),
  );
}

/** The worker threads to use: `--jobs`, no more than the CPU cores (more would only share them), else {@link defaultJobs} for `work`. */
export function jobsFor(options: JobsOptions, work: MainThreadWork): number {
  return options.jobs === undefined ? defaultJobs(work) : Math.min(options.jobs, availableParallelism());
}

/** Adds the selection options (`--client`, `--topic`, `--since`, `--until`). */
export function addSelectOptions(command: Command): Command {
  return command
    .option('--client <glob>', "only clients whose id matches (*, ? and [abc]; an id in full matches itself; '*' also keeps clients refused before they gave an id; repeatable)", collect)
    .option('--topic <filter>', 'only messages on topics matching an MQTT filter (+ and #; repeatable)', collect)
    .option('--since <time>', 'only from this time: ISO 8601 (in --tz without an offset), or 30m / 2h / 1d back from the last line (follow: from now)')
    .option('--until <time>', 'only up to this time: ISO 8601 (in --tz without an offset), or 30m / 2h / 1d back from the last line (follow: from now)');
}

/** Adds `--format` with the choices a reporter registry offers. */
export function addFormatOption(command: Command, choices: readonly string[], fallback: string): Command {
  return command.addOption(new Option('-f, --format <format>', 'output format').choices([...choices]).default(fallback));
}

/** The clock of `--tz`; an unknown zone is a usage error. */
function clockFor(tz: string | undefined): Clock {
  try {
    return createClock(tz ?? 'UTC');
  } catch {
    throw new UsageError(`--tz: not a time zone: ${tz} (UTC, local, an offset such as +01:00, or a name such as Europe/Berlin)`);
  }
}

/**
 * The line parser for these options; bad zones or formats are usage errors. `now`, for a log
 * followed as it is written, dates stamps of a time of day alone by the clock when `--date` does not.
 */
export function parserFor(options: InputOptions, now?: Date): LineParser {
  clockFor(options.tz);
  const parseOptions: ParseOptions = { tz: options.tz, ...(now === undefined ? {} : { undatedUntil: now.getTime() }) };
  // An empty format would read nothing: one left out means detect.
  if (options.timestampFormat === '') throw new UsageError("--timestamp-format: empty (leave the option out to detect the lines' stamps)");
  if (options.timestampFormat) parseOptions.timestampFormat = options.timestampFormat;
  if (options.year !== undefined) parseOptions.year = options.year;
  if (options.date !== undefined) {
    const { year, day } = calendarDay(options.date);
    parseOptions.year = year;
    parseOptions.firstDay = day;
  }
  try {
    return new LineParser(parseOptions);
  } catch (error) {
    // The zone was checked above: what is left to refuse is the timestamp format.
    throw new UsageError(`--timestamp-format: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The selection for these options; bad times and topic filters, and a window that ends before
 * it starts, are usage errors. Times without an offset are read in `--tz`, as the log's are.
 */
export function selectionFor(options: SelectOptions & { tz?: string }): Selection {
  const selection: Selection = {};
  for (const glob of options.client ?? []) {
    const problem = globProblem(glob);
    if (problem !== null) throw new UsageError(`--client: not a usable glob (${problem}): ${glob}`);
  }
  if (options.client?.length) selection.clients = options.client;
  for (const filter of options.topic ?? []) {
    const problem = topicFilterProblem(filter);
    if (problem !== null) throw new UsageError(`--topic: not an MQTT topic filter (${problem}): ${filter}`);
  }
  if (options.topic?.length) selection.topics = options.topic;
  const clock = clockFor(options.tz);
  for (const key of ['since', 'until'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    const bound = parseTimeBound(value, clock);
    if (bound === null) throw new UsageError(`--${key}: not a time or a duration: ${value} (ISO 8601 such as 2026-11-26T14:00 or 2026-11-26T14:00:00+01:00, or 30m / 2h / 1d)`);
    selection[key] = bound;
  }
  const { since, until } = selection;
  const inverted = since && until && ('at' in since && 'at' in until ? since.at > until.at : 'backMs' in since && 'backMs' in until && since.backMs < until.backMs);
  if (inverted) throw new UsageError(`--since ${options.since} is after --until ${options.until}`);
  return selection;
}

/**
 * Decides colour once: `--color`/`--no-color` win, then NO_COLOR, FORCE_COLOR, TERM=dumb,
 * and whether stdout is a terminal. Machine formats never get colour.
 */
export function chalkFor(options: ColorOptions, io: Io, machineFormat: boolean): ChalkInstance {
  let level: 0 | 1 | 2 | 3 = 0;
  if (!machineFormat) {
    const env = io.env;
    if (options.color === true) level = 1;
    else if (options.color === false) level = 0;
    else if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') level = 0;
    else if (env.FORCE_COLOR !== undefined) level = env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false' ? 0 : 1;
    else if (env.TERM === 'dumb') level = 0;
    else level = io.stdoutIsTTY ? 1 : 0;
    if (level > 0 && /truecolor|24bit/.test(env.COLORTERM ?? '')) level = 3;
    else if (level > 0 && /256/.test(env.TERM ?? '')) level = 2;
  }
  return new Chalk({ level });
}

/**
 * The zone reporters show times in: UTC, or the one `--tz` gives; `local` by this machine's
 * zone name, so a report read on another machine says which.
 */
function shownZone(tz: string | undefined): string {
  if (tz === undefined || /^(utc|z)$/i.test(tz)) return 'UTC';
  return tz === 'local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : tz;
}

/** The context reporters get: colour, width, zone and the time the run began. */
export function reportContext(options: ColorOptions & { tz?: string }, io: Io, machineFormat: boolean): ReportContext {
  return {
    chalk: chalkFor(options, io, machineFormat),
    // Only a terminal has a width to fit; files and pipes get whole cells.
    width: io.stdoutIsTTY ? Math.max(60, io.columns ?? 100) : Number.POSITIVE_INFINITY,
    timeZone: shownZone(options.tz),
    now: io.now(),
  };
}
