/**
 * The batch pipeline every analysing command shares: inputs → records → correlator.
 */
import {
  type CorrelateOptions, type Correlation, Correlator, type CorrelatorEvent, type Finding, FindingTally, FlowTally, type Selection, type Selector, SessionTally,
  attemptSelected, compileSelection, findingAbout, flowSelected, invertedWindow, orphanAckSelected, recordClient, recordSelected, selectCorrelation, selects, sessionSelected,
} from '../correlate/index.js';
import type { LineParser, LogRecord, Where } from '../parse/index.js';
import { safeText } from '../report/index.js';
import { type InputSource, inputName } from './input.js';
import type { Io } from './io.js';
import { UsageError } from './options.js';
import { forEachRecordBatchOnThreads } from './parse-parallel/index.js';
import { createProgress } from './progress.js';

/**
 * Says on stderr which inputs held no lines at all. An empty file, or an empty stdin read in
 * place of a log (an unset `$LOGFILE` in CI), otherwise looks like a log in which nothing went
 * wrong, and passes a gate without a word.
 */
function warnNoLines(empty: readonly InputSource[], blankOnly: readonly InputSource[], io: Io): void {
  const names = (sources: readonly InputSource[]): string => sources.map((s) => inputName(s.name)).join(', ');
  if (empty.length > 0) io.stderr.write(`mosqlog: warning: no lines read from ${names(empty)}\n`);
  // A file of blank lines is as empty (`echo "$LOG" > broker.log` with LOG unset writes one).
  if (blankOnly.length > 0) io.stderr.write(`mosqlog: warning: only blank lines read from ${names(blankOnly)}\n`);
}

/**
 * Whether a record is a message of the broker's own: not a line not understood, nor an indented
 * line read as a subscription tree's print or a message's continuation, which any text may hold,
 * nor a line of the envelope's (journalctl's `-- No entries --`, systemd's about the unit) other
 * than one saying it left the broker's lines out.
 */
function isBrokerMessage(r: LogRecord): boolean {
  if (r.type === 'marker') return r.missing !== undefined;
  return r.type !== 'unknown' && r.type !== 'continuation' && r.family !== 'debug-tree-print';
}

/**
 * Says on stderr which inputs held lines but not one a broker prints: a file that is no
 * mosquitto log (a wrong path in CI) otherwise reads as a log in which nothing went wrong.
 */
function warnNoLogLines(lines: ReadonlyMap<string, LineCounts>, io: Io): void {
  for (const [file, count] of lines) {
    const written = count.lines - count.blank;
    if (count.decoded > 0 || written === 0) continue;
    // Text saved as UTF-16 (PowerShell's `>`) has a NUL byte in every other place.
    const why = count.binary * 2 > written ? 'its lines hold NUL bytes: a binary file, or text saved as UTF-16, which iconv -f UTF-16LE -t UTF-8 converts'
      : count.journal > 0 ? "journalctl's export output, which is not read: give journalctl -o json or -o short-iso"
        : count.noEntries > 0 ? 'journalctl found no entries: check the unit (-u mosquitto), the host and the time range'
          : count.envelope > 0 ? "only the system's lines about the service: the broker's own are not in it"
            : 'not a broker log, or give --timestamp-format';
    io.stderr.write(`mosqlog: warning: ${inputName(file)}: none of its ${written} line(s) is a mosquitto log line (${why})\n`);
  }
}

/** Lines read from one input: all, the broker's messages among them, blank ones, and lines the broker prints without a stamp. */
interface LineCounts {
  lines: number;
  decoded: number;
  blank: number;
  /** A multi-line message's lines after its first, and a subscription tree's print. */
  unstamped: number;
  /** Lines not understood that hold NUL bytes. */
  binary: number;
  /** Lines not understood that journalctl's `export` output writes. */
  journal: number;
  /** The envelope's lines about the service or the log (systemd's, journalctl's), and journalctl's `-- No entries --`. */
  envelope: number;
  noEntries: number;
  /** Who wrote its broker lines, as their envelope says ({@link noteOrigin}). */
  origins: Origins;
  /** The times of its first and last lines that have one, and the text of those lines. */
  first: number | null;
  last: number | null;
  firstLine: string | null;
  lastLine: string | null;
}

/** The writers of an input's lines seen so far, and the first return to one after another. */
interface Origins {
  last: string | null;
  seen: Set<string>;
  mixed: { first: string; second: string; at: Where } | null;
}

/** How many writers of one input are told apart: a broker has one until it restarts. */
const originsKept = 1000;

/**
 * Notes who wrote a broker line. One broker's lines have one writer until it restarts (a new
 * process id), and never go back to an earlier one: lines that do are of two brokers at once (a
 * central syslog, `docker compose logs` of two services, a journal of two instances).
 */
function noteOrigin(origins: Origins, origin: string, at: Where): void {
  if (origin === origins.last) return;
  if (origins.mixed === null && origins.last !== null && origins.seen.has(origin)) origins.mixed = { first: origin, second: origins.last, at };
  if (origins.seen.size < originsKept) origins.seen.add(origin);
  origins.last = origin;
}

/** Says on stderr which inputs hold the lines of two brokers at once: they are read as one broker's. */
function warnMixedOrigins(lines: ReadonlyMap<string, LineCounts>, io: Io): void {
  for (const [file, { origins: { mixed } }] of lines) {
    if (mixed === null) continue;
    // An envelope's names are the log's text: shown with its control characters made visible.
    const [first, second] = [safeText(mixed.first), safeText(mixed.second)];
    io.stderr.write(`mosqlog: warning: ${inputName(file)} mixes the lines of two brokers (${first} and ${second}, from line ${mixed.at.line}): they are read as one broker's, so their sessions and findings are mixed up (give each one's lines to a command of its own: grep -F '${first}')\n`);
  }
}

/**
 * Says on stderr that an input begins before the one read before it ends: the files of one
 * broker's log follow each other in time, so these are likely logs of two brokers, which are
 * read as one, one after the other.
 */
function warnOverlap(lines: ReadonlyMap<string, LineCounts>, io: Io): void {
  let before: { file: string; count: LineCounts; last: number } | null = null;
  for (const [file, count] of lines) {
    if (before !== null && count.first !== null && count.first < before.last) {
      const iso = (ms: number): string => new Date(ms).toISOString();
      // The same log twice, such as a rotation and its gzipped copy: not two brokers.
      const copy = before.count;
      if (count.lines === copy.lines && count.firstLine === copy.firstLine && count.lastLine === copy.lastLine) {
        io.stderr.write(`mosqlog: warning: ${inputName(file)} begins with the same line as ${inputName(before.file)}: the same log given twice (a plain and a gzipped copy?) is read twice\n`);
        return;
      }
      io.stderr.write(`mosqlog: warning: ${inputName(file)} begins (${iso(count.first)}) before ${inputName(before.file)}, read before it, ends (${iso(before.last)}): the files are read one after the other as one broker's log, so the logs of two brokers given together are mixed up (give each broker's log to a command of its own)\n`);
      return;
    }
    if (count.last !== null) before = { file, count, last: count.last };
  }
}

/** A line of `journalctl -o export`, which the parser does not read. */
const journalRecordLine = /^__(?:CURSOR|REALTIME_TIMESTAMP)=/;

/**
 * Says on stderr when a time window selects nothing it seems to: in a log with no times every
 * line is kept, which looks like a window that held everything; a window that holds no time of
 * the log leaves the reports empty, which reads as a log in which nothing happened.
 */
export function warnAboutWindow(selection: Selection, correlation: Correlation, io: Pick<Io, 'stderr'>): void {
  const { first, last } = correlation;
  if ((selection.since === undefined && selection.until === undefined) || correlation.lines === 0) return;
  if (first === null || last === null) {
    io.stderr.write('mosqlog: warning: no line has a time, so --since/--until kept every line\n');
  } else if (!compileSelection(selection, last).span(first, last)) {
    const iso = (ms: number): string => new Date(ms).toISOString();
    io.stderr.write(`mosqlog: warning: --since/--until hold no line of the log, which runs from ${iso(first)} to ${iso(last)}\n`);
  }
}

/**
 * Watches the log's client ids and topics for `--client` globs and `--topic` filters that match
 * none, and says so at the end: a mistyped one selects nothing, which reads as a log in which
 * nothing happened (and passes a CI gate). Null without either.
 */
export function selectionMatchWatch(selection: Selection): { onRecord(r: LogRecord): void; warn(io: Pick<Io, 'stderr'>): void } | null {
  const clients = (selection.clients ?? []).map((glob) => ({ text: glob, matches: compileSelection({ clients: [glob] }, null).client }));
  const topics = (selection.topics ?? []).map((filter) => ({ text: filter, matches: compileSelection({ topics: [filter] }, null).topic }));
  if (clients.length === 0 && topics.length === 0) return null;
  return {
    onRecord(r) {
      // A line of a connection without an id yet (a new connection, a refused login) is the empty id's, as in the selection.
      const client = clients.length > 0 ? recordClient(r) : undefined;
      if (client !== undefined) {
        for (let i = clients.length - 1; i >= 0; i--) if (clients[i]?.matches(client)) clients.splice(i, 1);
      }
      if (topics.length > 0 && 'topic' in r && typeof r.topic === 'string') {
        const topic = r.topic;
        for (let i = topics.length - 1; i >= 0; i--) if (topics[i]?.matches(topic)) topics.splice(i, 1);
      }
    },
    warn(io) {
      for (const c of clients) io.stderr.write(`mosqlog: warning: --client ${JSON.stringify(c.text)} matches no client id in the log\n`);
      for (const t of topics) io.stderr.write(`mosqlog: warning: --topic ${JSON.stringify(t.text)} matches no topic in the log\n`);
    },
  };
}

/**
 * Refuses a window that ends before it starts once its durations count back from `last`, the
 * log's last time (`--since 2026-11-27 --until 1s`): it would select nothing, without a word.
 */
export function refuseInvertedWindow(selection: Selection, last: number | null): void {
  const inverted = invertedWindow(selection, last);
  if (inverted === null) return;
  const iso = (ms: number): string => new Date(ms).toISOString();
  throw new UsageError(`the window ends before it starts: --since is ${iso(inverted.since)}, --until ${iso(inverted.until)} (durations count back from the log's last line)`);
}

/** Says on stderr that the forced `--timestamp-format` read none of the `lines` lines. */
export function warnFormatUnmatched(parser: LineParser, lines: number, io: Pick<Io, 'stderr'>): void {
  io.stderr.write(`mosqlog: warning: --timestamp-format ${JSON.stringify(parser.options.timestampFormat)} matched none of the ${lines} line(s); their times come from other prefixes or are unknown\n`);
}

/**
 * Says on stderr that the forced `--timestamp-format` read some of the `written` lines (those the
 * broker stamps) but not all: in a log they all have the same stamp, so the format may be wrong
 * for the others (`%d/%m` on a log whose days go past 12 in the second place).
 */
function warnFormatPartly(parser: LineParser, written: number, io: Pick<Io, 'stderr'>): void {
  const matched = parser.forcedFormatMatches;
  if (matched === null || matched === 0 || matched >= written) return;
  io.stderr.write(`mosqlog: warning: --timestamp-format ${JSON.stringify(parser.options.timestampFormat)} matched ${matched} of the ${written} line(s); the others' times come from other prefixes or are unknown\n`);
}

/**
 * Says on stderr that a file's numeric dates showed themselves month first (`03/13/2026`) after
 * dates that could be read both ways were read day first: those are wrong.
 */
export function warnDatesMonthFirst(parser: LineParser, io: Pick<Io, 'stderr'>): void {
  const at = parser.monthFirstShownAt;
  if (at === null) return;
  io.stderr.write(`mosqlog: warning: ${inputName(at.file)}:${at.line} shows the log's dates are month first; its dates before that line were read day first (give --timestamp-format, such as '%m/%d/%Y %H:%M:%S')
`);
}

/**
 * Says on stderr that the log's stamps give a time of day and no date, when `--date` did not
 * give the first day: its dates are made up, from 1 January. `firstLine` is the first line read
 * with a time.
 */
function warnDateless(parser: LineParser, firstLine: string | null, io: Pick<Io, 'stderr'>): void {
  if (firstLine === null || parser.options.firstDay !== undefined || !parser.datelessStamp(firstLine)) return;
  io.stderr.write(`mosqlog: warning: the log's stamps give a time of day and no date: its first day is read as 1 January ${parser.options.year ?? ''} (give the first line's date with --date YYYY-MM-DD)\n`);
}

/** The correlator's options, and how many worker threads decode large plain files (none by default). */
export type PipelineOptions = CorrelateOptions & { jobs?: number };

/** Reads every source in order through one correlator; `onRecord` sees each record too. */
export async function correlateInputs(
  sources: readonly InputSource[],
  parser: LineParser,
  options: PipelineOptions = {},
  io: Io,
  onRecord?: (record: LogRecord) => void,
): Promise<Correlation> {
  const correlator = new Correlator(options);
  const progress = createProgress(io, sources.map((s) => s.size));
  // A batch holds lines of one input, named in its records.
  const read = new Map<string, LineCounts>();
  try {
    await forEachRecordBatchOnThreads(sources, parser, options.jobs ?? 0, (batch) => {
      const file = batch[0]?.file;
      if (file === undefined) return;
      let count = read.get(file);
      if (!count) read.set(file, (count = { lines: 0, decoded: 0, blank: 0, unstamped: 0, binary: 0, journal: 0, envelope: 0, noEntries: 0, origins: { last: null, seen: new Set(), mixed: null }, first: null, last: null, firstLine: null, lastLine: null }));
      count.lines += batch.length;
      for (const record of batch) {
        if (isBrokerMessage(record)) {
          count.decoded++;
          if (record.origin !== undefined) noteOrigin(count.origins, record.origin, record);
        }
        else if (record.type === 'unknown' && record.reason === 'empty') count.blank++;
        else if (record.type === 'unknown' && record.reason === 'binary') count.binary++;
        else if (record.type === 'unknown' && journalRecordLine.test(record.raw)) count.journal++;
        else if (record.type === 'continuation' || record.family === 'debug-tree-print') count.unstamped++;
        else if (record.type === 'marker') {
          count.envelope++;
          if (record.text === 'No entries') count.noEntries++;
        }
        if (record.time !== null) {
          if (count.first === null) {
            count.first = record.time;
            count.firstLine = record.raw;
          }
          count.last = record.time;
          count.lastLine = record.raw;
        }
        progress.line(record.raw.length);
        correlator.push(record);
        onRecord?.(record);
      }
    });
  } finally {
    progress.done();
  }
  const correlation = correlator.finish();
  const blankOnly = (s: InputSource): boolean => {
    const count = read.get(s.name);
    return count !== undefined && count.lines === count.blank;
  };
  warnNoLines(sources.filter((s) => !read.has(s.name)), sources.filter(blankOnly), io);
  warnNoLogLines(read, io);
  warnOverlap(read, io);
  warnMixedOrigins(read, io);
  if (parser.forcedFormatMatches === 0 && correlation.lines > 0) warnFormatUnmatched(parser, correlation.lines, io);
  else warnFormatPartly(parser, [...read.values()].reduce((n, c) => n + c.lines - c.blank - c.unstamped, 0), io);
  warnDatesMonthFirst(parser, io);
  warnDateless(parser, [...read.values()].find((c) => c.firstLine !== null)?.firstLine ?? null, io);
  return correlation;
}

/**
 * Correlates the whole log, then keeps what `selection` asks for. Every finding is counted as it
 * arises, so the selection's totals are right past the cap on findings kept per code.
 */
export async function correlateSelected(
  sources: readonly InputSource[],
  parser: LineParser,
  options: PipelineOptions,
  io: Io,
  selection: Selection,
): Promise<{ whole: Correlation; selected: Correlation }> {
  // Without a selection the correlator's own totals are the answer.
  if (!selects(selection)) {
    const whole = await correlateInputs(sources, parser, options, io);
    return { whole, selected: whole };
  }
  const tally = new FindingTally(selection);
  // The findings kept for listing are the selection's, so that the cap per code counts those
  // only. A window counted back from the end is known at the end: its clients and topics are
  // kept, and of those the latest when it runs to the end.
  const about = compileSelection(selection, null);
  const keepFinding = (f: Finding): boolean => findingAbout(f, about) && about.time(f.time);
  const relative = (bound: Selection['since']): boolean => bound !== undefined && 'backMs' in bound;
  const keepLatestFindings = relative(selection.since) && !relative(selection.until);
  const watch = selectionMatchWatch(selection);
  const whole = await correlateInputs(sources, parser, { ...options, onEvent: tally.onEvent, keepFinding, keepLatestFindings }, io, watch?.onRecord);
  refuseInvertedWindow(selection, whole.last);
  warnAboutWindow(selection, whole, io);
  watch?.warn(io);
  return { whole, selected: selectCorrelation(whole, selection, tally) };
}

/**
 * The summary of the selected lines, with the sessions, problems, failed connections and QoS
 * flows that `sessions`, `problems` and `flows` list for the same selection: those are judged on
 * the whole log, which one more correlator reads in the same pass (a session or flow the
 * window's end cuts is not open or stalled). `selector` has its bounds resolved already.
 */
export async function summarizeSelected(
  sources: readonly InputSource[], parser: LineParser, options: PipelineOptions, io: Io, selection: Selection, selector: Selector,
): Promise<Correlation> {
  const selected = new Correlator(options);
  const tally = new FindingTally(selection);
  const flows = new FlowTally();
  let orphanAcks = 0;
  let attemptCount = 0;
  const attemptsByOutcome: Correlation['attemptsByOutcome'] = {};
  const sessions = new SessionTally(options.maxOpen);
  const onEvent = (e: CorrelatorEvent): void => {
    tally.onEvent(e);
    if (e.kind === 'session-end' && sessionSelected(e.session, selector)) sessions.add(e.session);
    if (e.kind === 'ended-before-log' && selector.client(e.client) && selector.span(null, e.time)) sessions.addClient(e.client);
    if (e.kind === 'flow-end' && flowSelected(e.flow, selector)) flows.add(e.flow);
    if (e.kind === 'orphan-ack' && orphanAckSelected(e.ack, selector)) orphanAcks++;
    if (e.kind !== 'attempt' || !attemptSelected(e.attempt, selector, selection)) return;
    attemptCount++;
    attemptsByOutcome[e.attempt.outcome] = (attemptsByOutcome[e.attempt.outcome] ?? 0) + 1;
  };
  const watch = selectionMatchWatch(selection);
  const whole = await correlateInputs(sources, parser, { ...options, onEvent }, io, (r) => {
    watch?.onRecord(r);
    if (recordSelected(r, selector, selection)) selected.push(r);
  });
  warnAboutWindow(selection, whole, io);
  watch?.warn(io);
  // The version in force, also when the window leaves out the line that names it; whether the
  // log has debug lines and grant lines is a matter of the whole log, as flows and problems judge it.
  return {
    ...selected.finish(), ...flows.result(), ...sessions.result(), orphanAcks, findingTotals: tally.totals(whole.last), attemptCount, attemptsByOutcome,
    brokerVersions: whole.brokerVersions, ...(whole.brokerEra !== undefined ? { brokerEra: whole.brokerEra } : {}), debugLines: whole.debugLines, wholeSeconds: whole.wholeSeconds, filtersJudged: whole.filtersJudged,
  };
}
