/**
 * The batch pipeline every analysing command shares: inputs → records → correlator.
 */
import {
  type CorrelateOptions, type Correlation, Correlator, type CorrelatorEvent, type Finding, FindingTally, FlowTally, type Selection, type Selector, SessionTally,
  attemptSelected, compileSelection, findingAbout, flowSelected, invertedWindow, orphanAckSelected, recordClient, recordSelected, selectCorrelation, selects, sessionSelected,
} from '../correlate/index.js';
import type { LineParser, LogRecord, Where } from '../parse/index.js';
import { inputName, safeText } from '../report/index.js';
import type { InputSource } from './input.js';
import type { Io, OutputSink } from './io.js';
import { UsageError } from './options.js';
import { OrderedOutput } from './ordered-output.js';
import { forEachRecordBatchOnThreads } from './parse-parallel/index.js';
import { createProgress, noProgress } from './progress.js';
import { type InputTally, tallyFor, tallyRecord } from './input-tally.js';
import { warnAboutInputs } from './input-warnings.js';

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
function warnMixedOrigins(origins: ReadonlyMap<string, Origins>, io: Io): void {
  for (const [file, { mixed }] of origins) {
    if (mixed === null) continue;
    // An envelope's names are the log's text: shown with its control characters made visible.
    const [first, second] = [safeText(mixed.first), safeText(mixed.second)];
    io.stderr.write(`mosqlog: warning: ${inputName(file)} mixes the lines of two brokers (${first} and ${second}, from line ${mixed.at.line}): they are read as one broker's, so their sessions and findings are mixed up (give each one's lines to a command of its own: grep -F '${first}')\n`);
  }
}

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

/**
 * The correlator's options, how many worker threads decode large plain files (none by default),
 * what to do after each batch of records, which reading waits for (writing output as it comes),
 * and whether to leave out progress (output written to the terminal as it comes would be mixed
 * up with it on the same screen).
 */
export type PipelineOptions = CorrelateOptions & { jobs?: number; afterBatch?: () => Promise<void>; noProgress?: boolean };

/** Reads every source in order through one correlator; `onRecord` sees each record too. */
export async function correlateInputs(
  sources: readonly InputSource[],
  parser: LineParser,
  options: PipelineOptions = {},
  io: Io,
  onRecord?: (record: LogRecord) => void,
): Promise<Correlation> {
  const correlator = new Correlator(options);
  const progress = options.noProgress === true ? noProgress : createProgress(io, sources);
  // A batch holds lines of one input, named in its records.
  const read = new Map<string, InputTally>();
  const origins = new Map<string, Origins>();
  try {
    await forEachRecordBatchOnThreads(sources, parser, options.jobs ?? 0, (batch) => {
      const file = batch[0]?.file;
      if (file === undefined) return;
      const tally = tallyFor(read, file);
      let writers = origins.get(file);
      for (const record of batch) {
        if (tallyRecord(tally, record) && record.origin !== undefined) {
          if (!writers) origins.set(file, (writers = { last: null, seen: new Set(), mixed: null }));
          noteOrigin(writers, record.origin, record);
        }
        progress.line(record.raw.length);
        correlator.push(record);
        onRecord?.(record);
      }
      return options.afterBatch?.();
    });
  } finally {
    progress.done();
  }
  const correlation = correlator.finish();
  warnAboutInputs(sources, read, parser, io);
  warnMixedOrigins(origins, io);
  return correlation;
}

/** A listing {@link writeWhileReading} writes: how it opens and ends, and how it learns its items. */
export interface ListingWhileReading {
  /** What comes before the first item, asked as that item is written. */
  open(): string;
  /** What ends a listing of `count` items. */
  end(count: number, c: Correlation): string;
  /** Whether the items known may be written yet (a JSON document first says something of the log). */
  ready?(): boolean;
  onEvent(e: CorrelatorEvent): void;
  onRecord?(r: LogRecord): void;
  /** The log is read: the items still open are known now. */
  finish?(): void;
}

/**
 * Reads the log and writes a listing while it does: `listing` (made given the output, in which
 * it takes each item's place and fills it once known) sees the correlator's events and the
 * records; what is ready is written after each batch, the rest and the end once the log is
 * read, then the warnings about the selection.
 */
export async function writeWhileReading(
  sources: readonly InputSource[], parser: LineParser, options: PipelineOptions, io: Io, stdout: OutputSink, selection: Selection,
  separator: string, make: (output: OrderedOutput) => ListingWhileReading,
): Promise<void> {
  let opened = false;
  const output = new OrderedOutput({
    write: async (chunk) => {
      if (!opened) await stdout.write(listing.open());
      opened = true;
      await stdout.write(chunk);
    },
  }, separator);
  const listing = make(output);
  const watch = selectionMatchWatch(selection);
  try {
    const correlation = await correlateInputs(sources, parser, {
      ...options,
      onEvent: (e) => listing.onEvent(e),
      afterBatch: () => (listing.ready?.() === false ? Promise.resolve() : output.flush()),
      // Output written to the terminal as it comes would be mixed up with progress.
      noProgress: io.stdoutIsTTY,
    }, io, (r) => {
      watch?.onRecord(r);
      listing.onRecord?.(r);
    });
    listing.finish?.();
    await output.finish();
    await stdout.write(listing.end(output.written, correlation));
    warnAboutWindow(selection, correlation, io);
    watch?.warn(io);
  } finally {
    output.close();
  }
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
  const { onEvent } = options;
  const events = onEvent ? (e: CorrelatorEvent): void => { tally.onEvent(e); onEvent(e); } : tally.onEvent;
  const whole = await correlateInputs(sources, parser, { ...options, onEvent: events, keepFinding, keepLatestFindings }, io, watch?.onRecord);
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
