/**
 * What each input held, counted line by line as it is read (input-warnings.ts says what the
 * counts show). A parse worker counts its chunks' lines too, so this loads nothing but the
 * parser's types.
 */
import type { LogRecord } from '../parse/index.js';

/** Lines read from one input: all, the broker's messages among them, blank ones, and lines the broker prints without a stamp. */
export interface InputTally {
  lines: number;
  decoded: number;
  blank: number;
  /** A multi-line message's lines after its first, and a subscription tree's print. */
  unstamped: number;
  /** Lines not understood that hold NUL bytes. */
  binary: number;
  /** Lines not understood that journalctl's `export` output writes. */
  journal: number;
  /** The envelope's lines about the service or the log (systemd's, journalctl's). */
  envelope: number;
  /** Of those, journalctl's `-- No entries --`. */
  noEntries: number;
  /** The times of its first and last lines that have one, and the text of those lines. */
  first: number | null;
  last: number | null;
  firstLine: string | null;
  lastLine: string | null;
}

/** The tally of an input before its first line. */
export function newInputTally(): InputTally {
  return { lines: 0, decoded: 0, blank: 0, unstamped: 0, binary: 0, journal: 0, envelope: 0, noEntries: 0, first: null, last: null, firstLine: null, lastLine: null };
}

/** The tally of `file` among `read`, begun at its first line. */
export function tallyFor(read: Map<string, InputTally>, file: string): InputTally {
  let tally = read.get(file);
  if (!tally) read.set(file, (tally = newInputTally()));
  return tally;
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

/** A line of `journalctl -o export`, which the parser does not read. */
const journalRecordLine = /^__(?:CURSOR|REALTIME_TIMESTAMP)=/;

/** Counts one record of the input `tally` is of; returns whether it is a message of the broker's ({@link isBrokerMessage}). */
export function tallyRecord(tally: InputTally, record: LogRecord): boolean {
  tally.lines++;
  const decoded = isBrokerMessage(record);
  if (decoded) tally.decoded++;
  else if (record.type === 'unknown' && record.reason === 'empty') tally.blank++;
  else if (record.type === 'unknown' && record.reason === 'binary') tally.binary++;
  else if (record.type === 'unknown' && journalRecordLine.test(record.raw)) tally.journal++;
  else if (record.type === 'continuation' || record.family === 'debug-tree-print') tally.unstamped++;
  else if (record.type === 'marker') {
    tally.envelope++;
    if (record.text === 'No entries') tally.noEntries++;
  }
  if (record.time !== null) {
    if (tally.first === null) {
      tally.first = record.time;
      tally.firstLine = record.raw;
    }
    tally.last = record.time;
    tally.lastLine = record.raw;
  }
  return decoded;
}

/** Adds the tally of lines that follow those of `into` in the same input (a file read in chunks). */
export function addTally(into: InputTally, next: Readonly<InputTally>): void {
  into.lines += next.lines;
  into.decoded += next.decoded;
  into.blank += next.blank;
  into.unstamped += next.unstamped;
  into.binary += next.binary;
  into.journal += next.journal;
  into.envelope += next.envelope;
  into.noEntries += next.noEntries;
  if (into.first === null) {
    into.first = next.first;
    into.firstLine = next.firstLine;
  }
  if (next.last !== null) {
    into.last = next.last;
    into.lastLine = next.lastLine;
  }
}
