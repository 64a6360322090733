/**
 * The live pipeline of `mosqlog follow`: a tailed file or stdin → lines → records → one
 * correlator kept for the whole run → one line per event on stdout (or a dashboard), and a
 * summary on stderr when it stops. History before the starting point goes through the same
 * correlator silently, so flows and sessions begun before are still followed.
 */
import type { Writable } from 'node:stream';
import { Correlator, type CorrelatorEvent, LiveStats, type Selection, createLiveFilter } from '../../correlate/index.js';
import { type LineDecoder, type LineParser, type LogRecord, createLineDecoder, defaultMaxLineLength, nextFileContext, readLineBatches } from '../../parse/index.js';
import { type FollowEnding, type FollowFormatName, type ReportContext, followFormats, formatDuration, inputName, renderDashboard, renderFollowSummary } from '../../report/index.js';
import type { CommandEnv } from '../command-env.js';
import { InputError, gzipProblem, isCorruptGzip } from '../input.js';
import { ClosedOutput } from '../io.js';
import { LoggedThrottle } from './logged-throttle.js';
import { describeNotice, isSwitch } from './notice-text.js';
import { isNamedPipe, openNamedPipe, streamSegments } from './stream-source.js';
import { FileTailer, type TailNotice, type TailSegment, type TailStart } from './tailer.js';
import { TerminalDashboard } from './terminal-dashboard.js';

/** Everything `mosqlog follow` decided from its options. */
export interface FollowPlan {
  /** A path, or `-` for stdin. */
  source: string;
  start: TailStart;
  parser: LineParser;
  format: FollowFormatName;
  /** Print every record, not just events. */
  all: boolean;
  selection: Selection;
  /** `--max-open`: the cap on clients and connections tracked at once. */
  maxOpen?: number;
  /** Context for stdout lines. */
  ctx: ReportContext;
  /** Context for stderr (summary). */
  stderrCtx: ReportContext;
  /** The terminal the dashboard is drawn on, or null without `--dashboard`. */
  dashboard: { stream: Writable; ctx: ReportContext; onStdout: boolean } | null;
  /** Milliseconds between looks at the file when no watcher event comes. */
  pollMs?: number;
}

function inputFailure(source: string, error: unknown): unknown {
  // A full disk or a broken device under stdout is the output's fault (said so by main).
  if (error instanceof ClosedOutput || !(error instanceof Error) || (error as NodeJS.ErrnoException).syscall === 'write') return error;
  const name = inputName(source);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${name}: permission denied`);
  if (code === 'EISDIR') return new InputError(`${name}: is a directory`);
  if (isCorruptGzip(error)) return new InputError(`${name}: ${gzipProblem(error)}`);
  if (typeof code === 'string') return new InputError(`${name}: ${error.message}`);
  return error;
}

/**
 * The decoder for a segment's lines. A new file is numbered from 1, keeping the broker version the
 * old one announced, its last time (a syslog time's year follows it) and its last record (a topic
 * line may go on from it); a segment that goes on
 * (from history to live, or in a rotated file under its new name) is numbered on from the one
 * before.
 */
function decoderFor(segment: TailSegment, before: LineDecoder, plan: FollowPlan): LineDecoder {
  const file = segment.renamed ?? plan.source;
  // The previous record is the last line read, whichever decoder read it.
  if (!segment.restart) return createLineDecoder(file, plan.parser, { line: (before.context.prev?.line ?? 0) + 1, context: before.context });
  return createLineDecoder(file, plan.parser, { context: nextFileContext(before.context) });
}

/** The bytes after a segment's last newline: the start of a line still being written. */
interface Unfinished {
  bytes: Buffer;
  /** Whether that line grew too long to hold back, so its start was read already. */
  overflowed: boolean;
}

const noBytes = Buffer.alloc(0);

/**
 * A segment's chunks after what the segment before left unfinished, up to its last newline; what
 * follows that is left in `unfinished` for the segment after. A line longer than any kept is not
 * held back (it is read as too long either way), and what comes of it later, up to its newline,
 * is passed on as it comes: in a segment after, where the line was read already, it is dropped.
 */
async function* wholeLines(chunks: AsyncIterable<Buffer>, unfinished: Unfinished): AsyncGenerator<Buffer> {
  let tail = unfinished.bytes;
  unfinished.bytes = noBytes;
  let dropping = unfinished.overflowed;
  for await (const whole of chunks) {
    let chunk = whole;
    if (dropping) {
      const end = chunk.indexOf(10);
      if (end < 0) continue;
      dropping = false;
      unfinished.overflowed = false;
      chunk = chunk.subarray(end + 1);
    }
    const newline = chunk.lastIndexOf(10);
    if (newline < 0 && (unfinished.overflowed || tail.length + chunk.length > defaultMaxLineLength)) {
      unfinished.overflowed = true;
      yield tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      tail = noBytes;
      continue;
    }
    if (newline < 0) {
      tail = Buffer.concat([tail, chunk]);
      continue;
    }
    unfinished.overflowed = false;
    yield Buffer.concat([tail, chunk.subarray(0, newline + 1)]);
    tail = chunk.subarray(newline + 1);
  }
  unfinished.bytes = tail;
}

/** What is left unfinished, as the last line of its segment. */
async function* takeUnfinished(unfinished: Unfinished): AsyncGenerator<Buffer> {
  const bytes = unfinished.bytes;
  unfinished.bytes = noBytes;
  unfinished.overflowed = false;
  if (bytes.length > 0) yield bytes;
}

/** How often a quiet log's time is moved on by the clock. */
const quietTickMs = 1000;
/** How long after `--until` by the clock a followed file is still read: the broker's last lines of the window may come late. */
const untilGraceMs = 2000;
/** What a line read at a time it cannot have been written at asks of the log's times. */
const zoneQuestion = 'are its times read in the zone they were written in (--tz)? A time of day alone is dated by --date, else by the clock';
/** How far after the clock a line may be read before its times are doubted. */
const clockDriftMs = 30 * 60_000;

/**
 * Follows until the input ends, `env.io.signal` aborts, or the `--until` window has closed, then
 * writes the summary to stderr.
 */
export async function runFollow(plan: FollowPlan, env: CommandEnv): Promise<void> {
  const { io } = env;
  const now = (): number => io.now().getTime();
  const stats = new LiveStats(now());
  const filter = createLiveFilter(plan.selection, now());
  // Stopped by the user, or by the end of the --until window.
  const stop = new AbortController();
  const userStop = (): void => stop.abort(io.signal?.reason);
  if (io.signal?.aborted) userStop();
  io.signal?.addEventListener('abort', userStop, { once: true });
  let ending: FollowEnding = 'input ended';
  let windowClosed = false;
  const endWindow = (): void => {
    if (stop.signal.aborted) return;
    ending = 'until';
    windowClosed = true;
    stop.abort();
  };
  const format = followFormats[plan.format];
  const printing = plan.dashboard?.onStdout !== true;
  let live = false;
  let out = '';
  let switches = 0;
  /** Whether the file went away: its coming back is then a switch, not a first appearance. */
  let gone = false;
  let status: string | null = null;

  // Only what is said live counts: the history, read silently, holds nothing back.
  const logged = new LoggedThrottle();
  const onEvent = (e: CorrelatorEvent): void => {
    // At the end of the input, a session still open has not ended.
    if (e.kind === 'session-end' && e.session.endReason === 'open') return;
    // The summary and the dashboard count the events the selection keeps (the README says how).
    const selected = filter.event(e);
    stats.onEvent(e, selected);
    if (!live || !selected) return;
    if (e.kind === 'finding' && e.finding.severity !== 'info') stats.addRecent(e.finding);
    if (!printing) return;
    if (e.kind === 'logged') {
      const count = logged.admit(e);
      if (count !== null) out += `${format.logged(e, count, plan.ctx)}\n`;
      return;
    }
    const line = format.event(e, plan.ctx);
    if (line !== null) out += `${line}\n`;
  };
  // Nothing is kept for listing: a follow can run for weeks; events carry what is printed.
  const correlator = new Correlator({
    keepSessions: false, keepFlows: 'none', keepAttempts: false, maxFindingsPerCode: 0, onEvent, watchStalledFlows: true, ...(plan.maxOpen === undefined ? {} : { maxOpen: plan.maxOpen }),
  });

  const dashboard = plan.dashboard
    ? new TerminalDashboard(plan.dashboard.stream, (width) => renderDashboard(stats.snapshot(now()), { source: plan.source, status }, { ...(plan.dashboard?.ctx ?? plan.ctx), width }), plan.dashboard.ctx.width)
    : null;
  const onNotice = (notice: TailNotice): void => {
    if (isSwitch(notice) || (notice.code === 'appeared' && gone)) switches++;
    if (notice.code === 'deleted') gone = true;
    if (dashboard) {
      status = describeNotice(notice);
      dashboard.draw();
    } else {
      io.stderr.write(`mosqlog: ${describeNotice(notice)}\n`);
    }
  };
  // A named pipe has no offsets to tail; it is read as it comes, like stdin.
  const pipe = plan.source !== '-' && isNamedPipe(plan.source) ? openNamedPipe(plan.source) : null;
  const segments: AsyncIterable<TailSegment> = plan.source === '-' || pipe
    ? streamSegments(pipe ?? io.stdin, stop.signal)
    : new FileTailer(plan.source, { start: plan.start, signal: stop.signal, onNotice, ...(plan.pollMs !== undefined ? { pollMs: plan.pollMs } : {}) }).segments();
  // The window closes when a line's time passes --until once the clock has; and for a followed
  // file, once the clock is past it, outside history: nothing the broker writes then is in it.
  // A line after --until while the clock is not is read in the wrong zone (said below).
  const until = filter.until;
  const closesByClock = until !== null && plan.source !== '-' && pipe === null;
  const pastByClock = (): boolean => closesByClock && now() > until + untilGraceMs;
  let inHistory = false;

  // A follow stopped by Ctrl-C makes no end-of-log findings: the first eviction is said at once.
  let evictionSaid = false;
  // A line the broker wrote since the follow began that --since/--until leave out is read in the
  // wrong zone or on the wrong day: nothing would ever print. Said once. (A pipe may bring old lines.)
  let windowSaid = plan.source === '-' || pipe !== null;
  // No line is written ahead of the clock: one read half an hour or more after it is read in the
  // wrong zone or on the wrong day, or the broker's clock is wrong. Said once. (A line before the
  // clock may be old: the file's, from the start, or a pipe's.)
  let clockSaid = false;
  /** The last time a line had, and when by the clock its batch was read. */
  let lastLogTime: number | null = null;
  let lastReadAt = now();
  /** Whether lines read live were timed by the clock: the log has no times of its own. */
  let clockTimed = false;
  const handle = (record: LogRecord): void => {
    if (until !== null && record.time !== null && record.time > until && until <= now()) {
      endWindow();
      return;
    }
    if (record.time !== null) lastLogTime = record.time;
    if (live && !windowSaid && record.time !== null && !filter.inWindow(record.time)) {
      windowSaid = true;
      clockSaid = true;
      io.stderr.write(`mosqlog: warning: ${inputName(record.file)}:${record.line}, written since the follow began, is read as ${new Date(record.time).toISOString()}, outside --since/--until: ${zoneQuestion}\n`);
    }
    if (live && !clockSaid && record.time !== null && record.time - now() >= clockDriftMs) {
      clockSaid = true;
      io.stderr.write(`mosqlog: warning: ${inputName(record.file)}:${record.line} is read as ${new Date(record.time).toISOString()}, ${formatDuration(record.time - now())} after the clock: ${zoneQuestion}\n`);
    }
    stats.onRecord(record);
    if (live && plan.all && printing && filter.record(record)) out += `${format.record(record, plan.ctx)}\n`;
    // A log without times, followed live, is timed by the clock as its lines are read, so that
    // waits (a flow stalled, a bridge down, a keepalive's silence) are measured and said; lines
    // of the history, read at once, stay untimed.
    const timed = live && record.time === null && lastLogTime === null && record.type !== 'unknown';
    if (timed) clockTimed = true;
    correlator.push(timed ? { ...record, time: lastReadAt } : record);
    if (!evictionSaid && correlator.evictions > 0) {
      evictionSaid = true;
      io.stderr.write(`mosqlog: warning: more than ${correlator.maxOpen} clients or connections open at once: the oldest are dropped from tracking from ${inputName(record.file)}:${record.line} on (raise --max-open)\n`);
    }
  };

  const stopped = new Promise<void>((resolve) => {
    if (stop.signal.aborted) resolve();
    stop.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  dashboard?.start();
  // A quiet log's time goes on with the clock: a bridge that stays down is said without a line.
  const quiet = setInterval(() => {
    if (!inHistory && pastByClock()) endWindow();
    if (!live) return;
    if (lastLogTime !== null) correlator.quietUntil(lastLogTime + now() - lastReadAt);
    else if (clockTimed) correlator.quietUntil(now());
    else return;
    if (out === '') return;
    const text = out;
    out = '';
    env.stdout.write(text).catch(() => undefined);
  }, quietTickMs);
  quiet.unref();
  try {
    let decoder = createLineDecoder(plan.source, plan.parser);
    const read = async (chunks: AsyncIterable<Buffer>): Promise<void> => {
      for await (const lines of readLineBatches(chunks)) {
        if (windowClosed) return;
        lastReadAt = now();
        stats.tick(lastReadAt);
        for (const line of lines) {
          handle(decoder.line(line));
          if (windowClosed) break;
        }
        if (out === '') continue;
        const text = out;
        out = '';
        // A reader that holds up stdout does not hold up a stop.
        await Promise.race([env.stdout.write(text), stopped]);
      }
    };
    // A line being written when the log was renamed is finished in the segment after, which goes
    // on in the same file; a new file, or the end, finishes it as it is.
    const unfinished: Unfinished = { bytes: noBytes, overflowed: false };
    for await (const segment of segments) {
      if (segment.restart) await read(takeUnfinished(unfinished));
      decoder = decoderFor(segment, decoder, plan);
      inHistory = segment.history;
      if (!segment.history && pastByClock()) endWindow();
      if (!segment.history && !live) {
        live = true;
        stats.beginLive(now());
        // A bridge down, or a flow stalled while its client is connected, is said while it lasts,
        // from the first new line on (also one since the history): the followed log has no end to say it at.
        correlator.announceBridgesDown = true;
        correlator.announceStalledFlows = true;
      }
      await read(wholeLines(segment.chunks, unfinished));
    }
    await read(takeUnfinished(unfinished));
    // The input ended (stdin, a pipe) rather than being stopped: the log is whole, and what its
    // end leaves unfinished is reported as for any whole log.
    if (io.signal?.aborted) ending = 'stopped';
    if (!stop.signal.aborted) {
      correlator.finish();
      if (out !== '') await Promise.race([env.stdout.write(out), stopped]);
    }
  } catch (error) {
    throw inputFailure(plan.source, error);
  } finally {
    clearInterval(quiet);
    dashboard?.stop();
    io.signal?.removeEventListener('abort', userStop);
  }
  io.stderr.write(renderFollowSummary(stats.snapshot(now()), { source: plan.source, switches, ending, until }, plan.stderrCtx));
}
