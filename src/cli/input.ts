/**
 * Opening what the user named: files and `-` for stdin, plain or gzip. Errors become one-line
 * {@link InputError}s; files are ordered by the time of their first line, so rotated logs
 * (`mosquitto.log.2.gz mosquitto.log.1 mosquitto.log`) read as one log.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LineParser, type LogRecord, createLineDecoder, readRecordBatches } from '../parse/index.js';
import type { Io } from './io.js';

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
  open(): Readable;
}

const readChunk = 1 << 18;

function describe(error: NodeJS.ErrnoException, path: string): string {
  switch (error.code) {
    case 'ENOENT': return `${path}: no such file`;
    case 'EACCES':
    case 'EPERM': return `${path}: permission denied`;
    case 'EISDIR': return `${path}: is a directory`;
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
export function gunzipIfGzip(input: Readable): Readable {
  return Readable.from(gunzipChunks(input), { objectMode: false });
}

/** Checks a path and returns a source for it; throws {@link InputError} with a one-line reason. */
async function fileSource(path: string): Promise<InputSource> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`${path}: is a directory`);
    const gzip = info.isFile() && (await isGzip(path));
    return {
      name: path,
      size: info.isFile() ? info.size * (gzip ? 8 : 1) : null,
      plainFile: info.isFile() && !gzip ? path : null,
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

/** Time of the first timestamped line among a file's first lines, or null. */
async function firstTime(source: InputSource, parser: LineParser): Promise<number | null> {
  const stream = source.open();
  let text = '';
  try {
    for await (const chunk of stream) {
      text += String(chunk);
      if (text.length > 16_384) break;
    }
  } catch {
    return null;
  } finally {
    stream.destroy();
  }
  for (const line of text.split('\n').slice(0, 50)) {
    const time = parser.parse(line, { file: source.name, line: 0 }).time;
    if (time !== null) return time;
  }
  return null;
}

/**
 * Resolves the named inputs (none or `-` = stdin). Files are put in time order of their first
 * line; files without times keep their place after those with, and so do stdin and named pipes,
 * which can be read only once and so are not looked into first.
 */
export async function resolveInputs(paths: readonly string[], io: Pick<Io, 'stdin' | 'stderr'>, parser: LineParser): Promise<InputSource[]> {
  const names = paths.length === 0 ? ['-'] : paths;
  if (names.filter((p) => p === '-').length > 1) throw new InputError('stdin (-) can be read only once');
  const stdin = io.stdin;
  // Someone who forgot the file name would otherwise look at a command that seems to hang.
  if (names.includes('-') && (stdin as { isTTY?: boolean }).isTTY === true) {
    io.stderr.write('mosqlog: reading the log from the terminal; end it with Ctrl-D, or name a file to read\n');
  }
  const sources: InputSource[] = [];
  for (const name of names) sources.push(name === '-' ? { name: '-', size: null, plainFile: null, open: () => gunzipIfGzip(stdin) } : await fileSource(name));
  if (sources.length < 2) return sources;
  const times = await Promise.all(sources.map((s) => (s.size === null ? Promise.resolve(null) : firstTime(s, parser))));
  const order = sources.map((source, i) => ({ source, time: times[i] ?? null, i }));
  order.sort((a, b) => {
    if (a.time === null || b.time === null) return a.time === null && b.time === null ? a.i - b.i : a.time === null ? 1 : -1;
    return a.time - b.time || a.i - b.i;
  });
  return order.map((o) => o.source);
}

/** Wraps stream read errors (file vanished, corrupt gzip) as {@link InputError}. */
export function readError(source: InputSource, error: unknown): InputError {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || /incorrect header check|unexpected end of file/i.test(e.message ?? '')) {
    return new InputError(`${source.name}: corrupt gzip data`);
  }
  return new InputError(describe(e, source.name));
}

/**
 * Reads every source in order and hands each batch of records to `onBatch`. Read failures
 * become {@link InputError}s; errors thrown by `onBatch` pass through unchanged.
 */
export async function forEachRecordBatch(
  sources: readonly InputSource[],
  parser: LineParser,
  onBatch: (batch: LogRecord[]) => Promise<void> | void,
): Promise<void> {
  for (const source of sources) {
    const batches = readRecordBatches(source.open(), source.name, parser);
    for (;;) {
      let step: IteratorResult<LogRecord[]>;
      try {
        step = await batches.next();
      } catch (error) {
        throw readError(source, error);
      }
      if (step.done) break;
      await onBatch(step.value);
    }
  }
}

/**
 * Time of the last timestamped line of the last file among the sources: read from its end, or
 * through once when it is gzipped. Null when the last source is stdin or a pipe, which can be
 * read only once, or has no times near its end.
 */
export async function lastTimeOf(sources: readonly InputSource[], parser: LineParser): Promise<number | null> {
  const source = sources[sources.length - 1];
  if (!source || source.name === '-' || source.size === null) return null;
  const tail = source.plainFile !== null ? await plainTail(source.plainFile) : await streamedTail(source);
  // Read after the file's first time, so that a syslog log that passed New Year ends in the next.
  const first = await firstTime(source, parser);
  const decoder = createLineDecoder(source.name, parser, first === null ? {} : { context: { lastTime: first } });
  let last: number | null = null;
  for (const line of tail.toString('utf8').split('\n')) last = decoder.decode(line).time ?? last;
  return last;
}

const tailBytes = 65_536;

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
