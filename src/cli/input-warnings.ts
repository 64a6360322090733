/**
 * The warnings drawn from what each input held ({@link InputTally}): an empty file, a file with
 * no broker line, the same log twice, logs of two brokers given together, a timestamp format
 * that reads only some lines, dates made up or read in the wrong order.
 */
import type { LineParser } from '../parse/index.js';
import { inputName } from '../report/text.js';
import type { InputSource } from './input.js';
import type { InputTally } from './input-tally.js';
import type { Io } from './io.js';

/**
 * Says on stderr what the tallies of the inputs read (by name, in the order read) show may be
 * wrong with them, and with how their times were read. Without `unread`, inputs with no line, or
 * no line of the broker's, are not named (`parse` writes what each line is).
 */
export function warnAboutInputs(sources: readonly InputSource[], read: ReadonlyMap<string, InputTally>, parser: LineParser, io: Pick<Io, 'stderr'>, { unread = true } = {}): void {
  const blankOnly = (s: InputSource): boolean => {
    const tally = read.get(s.name);
    return tally !== undefined && tally.lines === tally.blank;
  };
  if (unread) {
    warnNoLines(sources.filter((s) => !read.has(s.name)), sources.filter(blankOnly), io);
    warnNoLogLines(read, io);
  }
  warnOverlap(read, io);
  const tallies = [...read.values()];
  const lines = tallies.reduce((n, t) => n + t.lines, 0);
  if (parser.forcedFormatMatches === 0 && lines > 0) warnFormatUnmatched(parser, lines, io);
  else warnFormatPartly(parser, tallies.reduce((n, t) => n + t.lines - t.blank - t.unstamped, 0), io);
  warnDatesMonthFirst(parser, io);
  warnDateless(parser, tallies.find((t) => t.firstLine !== null)?.firstLine ?? null, io);
}

/**
 * Says on stderr which inputs held no lines at all. An empty file, or an empty stdin read in
 * place of a log (an unset `$LOGFILE` in CI), otherwise looks like a log in which nothing went
 * wrong, and passes a gate without a word.
 */
function warnNoLines(empty: readonly InputSource[], blankOnly: readonly InputSource[], io: Pick<Io, 'stderr'>): void {
  const names = (sources: readonly InputSource[]): string => sources.map((s) => inputName(s.name)).join(', ');
  if (empty.length > 0) io.stderr.write(`mosqlog: warning: no lines read from ${names(empty)}\n`);
  // A file of blank lines is as empty (`echo "$LOG" > broker.log` with LOG unset writes one).
  if (blankOnly.length > 0) io.stderr.write(`mosqlog: warning: only blank lines read from ${names(blankOnly)}\n`);
}

/**
 * Says on stderr which inputs held lines but not one a broker prints: a file that is no
 * mosquitto log (a wrong path in CI) otherwise reads as a log in which nothing went wrong.
 */
function warnNoLogLines(lines: ReadonlyMap<string, InputTally>, io: Pick<Io, 'stderr'>): void {
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

/**
 * Says on stderr that an input begins before the one read before it ends: the files of one
 * broker's log follow each other in time, so these are likely logs of two brokers, which are
 * read as one, one after the other.
 */
function warnOverlap(lines: ReadonlyMap<string, InputTally>, io: Pick<Io, 'stderr'>): void {
  let before: { file: string; count: InputTally; last: number } | null = null;
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

/** Says on stderr that the forced `--timestamp-format` read none of the `lines` lines. */
function warnFormatUnmatched(parser: LineParser, lines: number, io: Pick<Io, 'stderr'>): void {
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
function warnDatesMonthFirst(parser: LineParser, io: Pick<Io, 'stderr'>): void {
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
