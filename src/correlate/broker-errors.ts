/**
 * What went wrong with the broker itself, told by the lines after the one that starts it: a
 * reload that logged errors as it read its configuration again, a save of the in-memory database
 * that failed (with the system's error on the next line, before 2.1), and errors in the
 * configuration of a start that failed before it logged `starting`.
 */
import { type Level, type LogRecord, type MessageRecord, type BrokerRecord, type Where, fillPrintf, findCatalogueLevel } from '../parse/index.js';
import type { Finding } from './types.js';

/** The level the broker logs a message line at, told by its words (not a bridge's: it is about the remote broker). */
export function brokerLevel(r: MessageRecord): Level | undefined {
  // An envelope may give every line one level (journald's info, or err for a container's stderr).
  return r.family === 'bridge' ? undefined : findCatalogueLevel(r.format, r.params[0]);
}

/** What an error line says, as a finding's detail: without `Error: `, its last full stop and a line end written with it. */
export function errorDetail(r: MessageRecord): string {
  return fillPrintf(r.format, r.params, '?').replace(/^Error:\s*/, '').replace(/\.?\n*$/, '');
}

/**
 * A broker that cannot open its log file logs this and goes on, writing to stderr (from 1.5), at
 * a start or after a reload: no error of its configuration.
 */
const logFileFormat = 'Error: Unable to open log file %s for writing.';

/**
 * The lines of a start that could not open its persistent database (`persistence true`): what
 * was wrong with it, then `Couldn't open database`. 2.0 logs them before `starting`, to stderr
 * (its log file is not open yet), and exits.
 */
const restoreFailureFormats: ReadonlySet<string> = new Set([
  'Error restoring persistent database, message store corrupt.',
  'Error: Corrupt database whilst restoring a retained message.',
  'Error: Corrupt persistent database.',
  'Error: Incompatible database configuration (dbid size is %d bytes, expected %lu)',
  'Error: Invalid msg_store chunk when restoring persistent database.',
  'Error: Unable to restore persistent database. Unrecognised file format.',
  'Error: Unsupported persistent database format version %d (need version %d).',
  "Error: Couldn't open database.",
]);

/**
 * An error the broker logs as it reads its configuration (at a start, or a reload), or its
 * command line (an option it does not know is written straight to stderr, and it exits), or as a
 * start opens its persistent database.
 */
function isStartError(r: LogRecord): r is MessageRecord {
  if (r.type !== 'message') return false;
  if (restoreFailureFormats.has(r.format)) return true;
  if (r.family !== 'config' || r.format === logFileFormat) return false;
  const level = brokerLevel(r);
  return level === 'error' || level === 'stderr';
}

/** Lines of a start's errors in its configuration cited by its finding. */
const configErrorsCited = 5;

/** The lines that say the broker could not save its in-memory database (`persistence true`). */
function isSaveFailure(r: MessageRecord): boolean {
  return r.family === 'persistence' && (r.format.startsWith('Error saving in-memory database') || r.format.startsWith('Error during saving in-memory database'));
}

/** The line after a failed save that gives the system's error (2.0 and before; 2.1 says it in the same line). */
const systemErrorFormat = 'Error: %s.';

/** How long a followed log may be quiet after a line before what it began is judged on what came. */
export const settledAfterMs = 2000;

/** A `Reloading config.` line, until a line other than those its reload logs comes. */
interface PendingReload {
  r: BrokerRecord;
  /** The first error the reload logged. */
  error: MessageRecord | null;
  errors: number;
}

/** What the watch needs of the correlator. */
export interface BrokerErrorHooks {
  finding(f: Finding): void;
  /** A `starting` line waits to show whether its start went on: its errors are its own. */
  starting(): boolean;
  /** A broker ran, since the log's start or its last start, and has not stopped. */
  brokerRunning(): boolean;
}

/** Follows the broker's own errors in log order, and makes each failure one finding once the lines after it are in. */
export class BrokerErrorWatch {
  private reload: PendingReload | null = null;
  /** A failed save of the database, until the next line shows whether it gives the system's error. */
  private saveFailure: MessageRecord | null = null;
  /** Errors in the configuration read before a start: the first, the latest and their lines. */
  private configFailure: { first: MessageRecord; last: MessageRecord; at: Where[] } | null = null;

  constructor(private readonly hooks: BrokerErrorHooks) {}

  /** Before `r` is handled: it may end what the lines before it began. */
  before(r: LogRecord): void {
    if (this.reload !== null) this.settleReload(r);
    if (this.saveFailure !== null) this.settleSaveFailure(r);
    if (this.configFailure !== null && !isStartError(r)) this.settleConfigFailure();
  }

  /** The broker logged `Reloading config.`: its errors follow it at once. */
  reloading(r: BrokerRecord): void {
    this.reload = { r, error: null, errors: 0 };
  }

  /** A message line: returns whether it was an error of a start's configuration, which says nothing else. */
  message(r: MessageRecord): boolean {
    if (this.onConfigError(r)) return true;
    if (isSaveFailure(r)) this.saveFailure = r;
    return false;
  }

  /** The log went quiet until `time`: what waited for a line that has not come is judged. */
  quietUntil(time: number): void {
    // An attempt's errors come together: a moment's quiet may fall between them.
    const failedSince = this.configFailure?.last.time;
    if (failedSince != null && time - failedSince >= settledAfterMs) this.settleConfigFailure();
    const reloadSince = this.reload?.error?.time ?? this.reload?.r.time;
    if (reloadSince != null && time - reloadSince >= settledAfterMs) this.settleReloadAtEnd();
    // The system's error comes with a failed save, in the same moment.
    const failedSave = this.saveFailure?.time;
    if (failedSave != null && time - failedSave >= settledAfterMs) this.settleSaveFailure(null);
  }

  /** The log ended: what waited is judged. */
  finish(): void {
    if (this.saveFailure !== null) this.settleSaveFailure(null);
    this.settleConfigFailure();
    this.settleReloadAtEnd();
  }

  /**
   * A line after a `Reloading config.` line. The broker reloads between handling its clients, so
   * the errors and warnings it logs as it reads the configuration again come right after it: any
   * other line ends the reload. An error among them (a password or ACL file it could not open, a
   * bad option, a certificate) means what failed did not load.
   */
  private settleReload(r: LogRecord): void {
    const reload = this.reload;
    if (reload === null) return;
    const level = r.type === 'message' ? brokerLevel(r) : undefined;
    if (r.type === 'message' && level === 'error') {
      reload.error ??= r;
      reload.errors++;
    } else if (level !== 'warning') this.settleReloadAtEnd();
  }

  /** A reload with nothing after it but what it logged: it failed when it logged an error. */
  private settleReloadAtEnd(): void {
    const reload = this.reload;
    if (reload === null) return;
    this.reload = null;
    const { r, error, errors } = reload;
    if (error === null) return;
    this.hooks.finding({
      code: 'reload-failed', severity: 'warning', client: null, time: r.time,
      at: [{ file: r.file, line: r.line }, { file: error.file, line: error.line }], detail: errorDetail(error), errors,
    });
  }

  /**
   * An error in the configuration, outside a reload and a start: the broker reads its
   * configuration before it logs `starting`, so such a start failed without a line of its own
   * (its errors reach a journal or a container's log from stderr). The errors of one attempt
   * come together, with the `Error found at` line that says where: one failed start, made once
   * a line of another kind comes ({@link settleConfigFailure}). Returns whether `r` was one.
   */
  private onConfigError(r: MessageRecord): boolean {
    if (!isStartError(r) || this.hooks.starting() || this.reload !== null) return false;
    // `Error found at` is the last line of an attempt; a process of its own (a journal names it) is another.
    const last = this.configFailure?.last;
    if (last !== undefined && (last.format.startsWith('Error found at ') || last.origin !== r.origin)) this.settleConfigFailure();
    if (this.configFailure === null) this.configFailure = { first: r, last: r, at: [] };
    this.configFailure.last = r;
    if (this.configFailure.at.length < configErrorsCited) this.configFailure.at.push({ file: r.file, line: r.line });
    return true;
  }

  /** Makes the finding of a failed save, with the system's error when `next` (the line after it, null at the end) gives it. */
  private settleSaveFailure(next: LogRecord | null): void {
    const failed = this.saveFailure as MessageRecord;
    this.saveFailure = null;
    const given = next?.type === 'message' && next.format === systemErrorFormat && next.time === failed.time ? next : null;
    const what = errorDetail(failed).replace(/^Error (during )?saving in-memory database,? ?/, '');
    const at = [{ file: failed.file, line: failed.line }, ...(given ? [{ file: given.file, line: given.line }] : [])];
    this.hooks.finding({ code: 'persistence-failed', severity: 'warning', client: null, time: failed.time, at, detail: given ? `${what}: ${errorDetail(given)}` : what });
  }

  /** The errors in the configuration of a start are over: that start failed. */
  private settleConfigFailure(): void {
    const failure = this.configFailure;
    if (failure === null) return;
    this.configFailure = null;
    this.hooks.finding({
      code: 'broker-start-failed', severity: 'warning', client: null, time: failure.first.time, at: failure.at,
      version: null, detail: errorDetail(failure.first), brokerRunning: this.hooks.brokerRunning(), beforeStarting: true,
      ...(brokerLevel(failure.first) === 'stderr' ? { commandLine: true as const } : {}),
      ...(restoreFailureFormats.has(failure.first.format) ? { database: true as const } : {}),
    });
  }
}
