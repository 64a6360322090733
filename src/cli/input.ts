/**
 * Opening what the user named: files and `-` for stdin, plain or gzip. Errors become one-line
 * {@link InputError}s; files are ordered by the time of their first line, so rotated logs
 * (`mosquitto.log.2.gz mosquitto.log.1 mosquitto.log`) read as one log.
 */
import { type BigIntStats, createReadStream, fstatSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type LineContext, LineParser, type LogRecord, createLineDecoder, halfYearMs, nextFileContext, readRecordBatches } from '../parse/index.js';
import { inputName } from '../report/text.js';
import type { Io } from './io.js';
import { type Rotation, olderFirst, rotationOf } from './rotation.js';

/** A problem with an input that ends the run with exit code 2. */
export class InputError extends Error {}

/** One input to read. */
export interface InputSource {
  /** What records carry as `file`: the path, or `-`. */
  name: string;
  /** Size in bytes on disk (compressed size for gzip), null for stdin and pipes. */
  size: number | null;
  /** The path, for a plain regular file that may be read at any offset; null for gzip and streams. */
  plainFile: string | null;
  /** A file's identity ({@link identityOf}), which two names of one file share; a named pipe or a device has one too. */
  identity?: string;
  open(): Readable;
}

const readChunk = 1 << 18;

function describe(error: NodeJS.ErrnoException, path: string): string {
  switch (error.code) {
    case 'ENOENT': return `${path}: no such file`;
    case 'EACCES':
    case 'EPERM': return `${path}: permission denied`;
    case 'EISDIR': return `${path}: is a directory`;
    case 'ENOTDIR': return `${path}: a part of the path is a file, not a directory`;
    default: return `${path}: ${error.message}`;
  }
}

/** Whether bytes start with gzip's magic number. */
function hasGzipMagic(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return hasGzipMagic(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

const emptyName = 'an empty file name: name a log file, or - for stdin';

/** A file's device and inode as text, which two names of one file share (as bigints: large Windows file ids are exact only so). */
export function identityOf(info: BigIntStats): string {
  return `${info.dev}:${info.ino}`;
}

/** The identity of the file at `path` ({@link identityOf}), or null when it is not there (yet) or cannot be looked at. */
export async function fileIdentity(path: string): Promise<string | null> {
  try {
    return identityOf(await stat(path, { bigint: true }));
  } catch {
    return null;
  }
}

/**
 * Refuses a path no file can ever appear at: an empty one, or one that goes through a file
 * (`broker.log/x`). A file that is not there yet is fine: `follow` waits for it.
 */
export async function refuseImpossiblePath(path: string): Promise<void> {
  if (path === '') throw new InputError(emptyName);
  try {
    await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new InputError(describe(error as NodeJS.ErrnoException, path));
  }
}

/** Whether `path` is a gzipped regular file; false for one that is not there (yet). */
export async function isGzipFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile() && (await isGzip(path));
  } catch {
    return false;
  }
}

/**
 * The chunks of a stream that can be read only once (stdin, a pipe), gunzipped when its first two
 * bytes say gzip. A compressed stream that ends mid-member is corrupt, unless `stop` has aborted:
 * a stopped follow cuts its input short, and what was decompressed by then is all there is.
 */
export async function* gunzipChunks(chunks: AsyncIterable<Buffer>, stop?: AbortSignal): AsyncGenerator<Buffer> {
  const source = chunks[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let done = false;
  while (head.length < 2 && !done) {
    const next = await source.next();
    if (next.done) done = true;
    else head = Buffer.concat([head, next.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (done) return;
      for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
    } finally {
      await source.return?.();
    }
  }
  if (!hasGzipMagic(head)) {
    yield* all();
    return;
  }
  try {
    for await (const chunk of Readable.from(all()).pipe(createGunzip())) yield chunk as Buffer;
  } catch (error) {
    if (!stop?.aborted) throw error;
  }
}

/** A stream that can be read only once, gunzipped when it is gzip; see {@link gunzipChunks}. */
function gunzipIfGzip(input: Readable): Readable {
  return Readable.from(gunzipChunks(input), { objectMode: false });
}

/** Checks a path and returns a source for it; throws {@link InputError} with a one-line reason. */
async function fileSource(path: string): Promise<InputSource> {
  if (path === '') throw new InputError(emptyName);
  try {
    const info = await stat(path, { bigint: true });
    if (info.isDirectory()) throw new InputError(`${path}: is a directory`);
    const gzip = info.isFile() && (await isGzip(path));
    return {
      name: path,
      size: info.isFile() ? Number(info.size) * (gzip ? 8 : 1) : null,
      plainFile: info.isFile() && !gzip ? path : null,
      // A named pipe given twice would be waited on for a second writer: it too is read once.
      ...(info.isFile() || info.isFIFO() || info.isCharacterDevice() ? { identity: identityOf(info) } : {}),
      open: () => {
        const raw = createReadStream(path, { highWaterMark: readChunk });
        if (!info.isFile()) return gunzipIfGzip(raw);
        if (!gzip) return raw;
        const gunzip = createGunzip();
        raw.on('error', (e) => gunzip.destroy(e));
        return raw.pipe(gunzip);
      },
    };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(describe(error as NodeJS.ErrnoException, path));
  }
}

/** A file's first lines (up to 50, from its first 16 KB); none when it cannot be read. */
async function firstLines(source: InputSource): Promise<string[]> {
  const stream = source.open();
  let text = '';
  try {
    for await (const chunk of stream) {
      text += String(chunk);
      if (text.length > 16_384) break;
    }
  } catch {
    return [];
  } finally {
    stream.destroy();
  }
  return text.split('\n').slice(0, 50);
}

/**
 * The time of a file's first line with one; whether it was read from a stamp without a year or a
 * date (syslog, a time of day alone), which `--year` and the lines before it settle: read with
 * `nextYear`, a parser one year on, it moves; and whether it is a time of day alone. Null when the
 * first lines have no time.
 */
async function firstStamp(source: InputSource, parser: LineParser, nextYear: LineParser): Promise<{ time: number; yearless: boolean; dateless: boolean } | null> {
  for (const line of await firstLines(source)) {
    const where = { file: source.name, line: 0 };
    const time = parser.parse(line, where).time;
    if (time !== null) return { time, yearless: nextYear.parse(line, where).time !== time, dateless: parser.datelessStamp(line) };
  }
  return null;
}

/** A parser like `parser`, one year on: see {@link firstStamp}. */
function yearOn(parser: LineParser): LineParser {
  // A year given, not taken from the clock: no date is moved back a year.
  const { latest: _clock, ...options } = parser.options;
  return new LineParser({ ...options, year: (options.year ?? 0) + 1 });
}

/** A file's first time, as ordering sees it. */
interface Start {
  source: InputSource;
  /** Its place among the names given. */
  i: number;
  time: number | null;
  /** The time was read from a stamp that names no year (syslog, a time of day alone): on a yearly circle. */
  yearless: boolean;
  /** The time was read from a time of day alone: on a daily circle, which says nothing of the order of days. */
  dateless: boolean;
}

/** Reads a file's first time, and whether `--year` sets it. */
async function startOf(source: InputSource, i: number, parser: LineParser, nextYear: LineParser): Promise<Start> {
  const first = source.size === null ? null : await firstStamp(source, parser, nextYear);
  return { source, i, time: first?.time ?? null, yearless: first?.yearless ?? false, dateless: first?.dateless ?? false };
}

/**
 * The order of files whose first times tie (rotated files that begin in the same second): the
 * files of one log together, where its first name stands, oldest rotation first (`log.2`,
 * `log.1`, `log`), whatever order a shell glob gave them in.
 */
function tieOrder(starts: readonly Start[]): (a: Start, b: Start) => number {
  const rotations = new Map(starts.map((s) => [s, rotationOf(s.source.name)]));
  const firstOfBase = new Map<string, number>();
  for (const s of starts) {
    const base = rotations.get(s)?.base ?? '';
    firstOfBase.set(base, Math.min(firstOfBase.get(base) ?? s.i, s.i));
  }
  return (a, b) => {
    const x = rotations.get(a) as Rotation;
    const y = rotations.get(b) as Rotation;
    return (firstOfBase.get(x.base) ?? a.i) - (firstOfBase.get(y.base) ?? b.i) || olderFirst(x, y) || a.i - b.i;
  };
}

/**
 * Files in time order of their first lines, rotated files that tie in rotation order; those
 * without a time keep their place after the others (also in rotation order). Syslog stamps name
 * no year, so rotated syslog files that pass New Year read as January before December: when
 * every time is such a stamp and two files in a row are half a year apart, the files after that
 * gap come first, as the year before. A time of day alone says nothing of which file's day came
 * first (a log rotated at midnight begins at 00:00 every day): when every time is one, the files
 * are in rotation order, as when their times tie.
 */
function inTimeOrder(starts: Start[]): InputSource[] {
  const tie = tieOrder(starts);
  if (starts.some((s) => s.time !== null) && starts.every((s) => s.time === null || s.dateless)) {
    return [...starts.filter((s) => s.time !== null).sort(tie), ...starts.filter((s) => s.time === null).sort(tie)].map((s) => s.source);
  }
  const timed = starts.filter((s): s is Start & { time: number } => s.time !== null).sort((a, b) => a.time - b.time || tie(a, b));
  const untimed = starts.filter((s) => s.time === null).sort(tie);
  let cut = 0;
  if (timed.every((s) => s.yearless)) {
    let widest = halfYearMs;
    for (let i = 1; i < timed.length; i++) {
      const gap = (timed[i]?.time ?? 0) - (timed[i - 1]?.time ?? 0);
      if (gap > widest) [widest, cut] = [gap, i];
    }
  }
  return [...timed.slice(cut), ...timed.slice(0, cut), ...untimed].map((s) => s.source);
}

/** Refuses stdin that is the process's own and a directory (`< /var/log`), which would read as nothing. */
export function refuseDirectoryStdin(stdin: unknown): void {
  if ((stdin as { fd?: unknown }).fd !== 0) return;
  let directory = false;
  try {
    directory = fstatSync(0).isDirectory();
  } catch {
    // Closed, or not a file descriptor to ask: read as it is.
  }
  if (directory) throw new InputError('stdin: is a directory');
}

/**
 * Resolves the named inputs (none or `-` = stdin). Files are put in time order of their first
 * line ({@link inTimeOrder}); stdin and named pipes, which can be read only once and so are not
 * looked into first, keep their place after the files with times.
 */
export async function resolveInputs(paths: readonly string[], io: Pick<Io, 'stdin' | 'stderr'>, parser: LineParser): Promise<InputSource[]> {
  const names = paths.length === 0 ? ['-'] : paths;
  if (names.filter((p) => p === '-').length > 1) throw new InputError('stdin (-) can be read only once');
  const stdin = io.stdin;
  if (names.includes('-')) refuseDirectoryStdin(stdin);
  // Someone who forgot the file name would otherwise look at a command that seems to hang.
  if (names.includes('-') && (stdin as { isTTY?: boolean }).isTTY === true) {
    io.stderr.write('mosqlog: reading the log from the terminal; end it with Ctrl-D, or name a file to read\n');
  }
  const sources: InputSource[] = [];
  // A file named twice (`log ./log`, overlapping globs) is read once: twice would count everything twice.
  const named = new Map<string, string>();
  for (const name of names) {
    const source = name === '-' ? { name: '-', size: null, plainFile: null, open: () => gunzipIfGzip(stdin) } : await fileSource(name);
    const first = source.identity === undefined ? undefined : named.get(source.identity);
    if (first !== undefined) {
      io.stderr.write(`mosqlog: warning: ${name} is the same file as ${first}; it is read once\n`);
      continue;
    }
    if (source.identity !== undefined) named.set(source.identity, name);
    sources.push(source);
  }
  if (sources.length < 2) return sources;
  const nextYear = yearOn(parser);
  // One file at a time: hundreds of rotated files at once would pass the limit on open files.
  const starts: Start[] = [];
  for (const [i, source] of sources.entries()) starts.push(await startOf(source, i, parser, nextYear));
  return inTimeOrder(starts);
}

/** Whether a read failed on gzip data that is damaged or cut short. */
export function isCorruptGzip(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException;
  return e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || /incorrect header check|unexpected end of file/i.test(e.message ?? '');
}

/** What is wrong with gzip data zlib failed on: cut short (a copy not finished), or corrupt. */
export function gzipProblem(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message ?? '') ? 'gzip data cut short (the file ends inside it)' : 'corrupt gzip data';
}

/** Wraps stream read errors (file vanished, corrupt gzip) as {@link InputError}. */
export function readError(source: InputSource, error: unknown): InputError {
  const e = error as NodeJS.ErrnoException;
  const name = inputName(source.name);
  if (isCorruptGzip(e)) return new InputError(`${name}: ${gzipProblem(e)}`);
  return new InputError(describe(e, name));
}

/**
 * Reads every source in order and hands each batch of records to `onBatch`. Each source is read
 * with what the one before left (`before` for the first; {@link nextFileContext}): its last time,
 * so a syslog time's year carries from a rotated file to the next, its broker version, whose
 * banner only the first file holds, the order of its numeric dates, and its last record, which a
 * line rotated into the next file may continue. Returns what the last
 * left. Read failures become {@link InputError}s; errors thrown by `onBatch` pass through unchanged.
 */
export async function forEachRecordBatch(
  sources: readonly InputSource[],
  parser: LineParser,
  onBatch: (batch: LogRecord[]) => Promise<void> | void,
  before: Readonly<LineContext> = {},
): Promise<LineContext> {
  let carried = nextFileContext(before);
  for (const source of sources) {
    const batches = readRecordBatches(source.open(), source.name, parser, undefined, carried);
    for (;;) {
      let step: IteratorResult<LogRecord[], Readonly<LineContext>>;
      try {
        step = await batches.next();
      } catch (error) {
        throw readError(source, error);
      }
      if (step.done) {
        carried = nextFileContext(step.value);
        break;
      }
      await onBatch(step.value);
    }
  }
  return carried;
}

/**
 * Time of the last timestamped line among the sources: read from the end of the last file with
 * times (a file rotated in just now is empty, and files without times come last), through when
 * none is near its end, or through once when it is gzipped. Stamps without a year or a date
 * (syslog, a time of day alone) take them from the lines before, so files with such stamps are
 * read through. Null when a source is stdin or a pipe, which can be read only once and may hold
 * the last lines, or when no file has times.
 */
export async function lastTimeOf(sources: readonly InputSource[], parser: LineParser): Promise<number | null> {
  if (sources.some((s) => s.size === null)) return null;
  const nextYear = yearOn(parser);
  for (const s of sources) {
    if ((await failingAs(s, firstStamp(s, parser, nextYear)))?.yearless) return (await forEachRecordBatch(sources, parser, () => undefined)).lastTime ?? null;
  }
  for (let i = sources.length - 1; i >= 0; i--) {
    const source = sources[i] as InputSource;
    const tail = await failingAs(source, source.plainFile !== null ? plainTail(source.plainFile) : streamedTail(source));
    const decoder = createLineDecoder(source.name, parser);
    let last: number | null = null;
    for (const line of tail.toString('utf8').split('\n')) last = decoder.decode(line).time ?? last;
    if (last !== null) return last;
    // Its times may all be further from its end (a long last line, lines without times): it is
    // read through, so that a file before it does not stand in for it.
    if (source.plainFile !== null && (source.size ?? 0) > tailBytes) {
      const through = (await forEachRecordBatch([source], parser, () => undefined)).lastTime;
      if (through !== undefined) return through;
    }
  }
  return null;
}

const tailBytes = 65_536;

/** What `reading` gives, its failure an {@link InputError} that names the source (see {@link readError}). */
async function failingAs<T>(source: InputSource, reading: Promise<T>): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    throw readError(source, error);
  }
}

/** The last bytes of a plain file, read from its end. */
async function plainTail(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, tailBytes);
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** The last bytes of a file that must be read through (gzipped): one pass, keeping only its tail. */
async function streamedTail(source: InputSource): Promise<Buffer> {
  let tail = Buffer.alloc(0);
  for await (const chunk of source.open()) {
    tail = Buffer.concat([tail, chunk as Buffer]);
    if (tail.length > 2 * tailBytes) tail = tail.subarray(tail.length - tailBytes);
  }
  return tail;
}
