/**
 * A large plain file decoded on several threads: `mosqlog parse` writes its JSON lines, and the
 * analysing commands feed its records to the correlator. The main thread reads the file in
 * chunks of whole lines and takes the results in order. Each chunk goes to a worker thread with
 * few chunks waiting, or, when every worker has enough, is decoded on the main thread at once.
 *
 * A chunk is decoded without the record of the line before it, and with the broker version, last
 * time and order of numeric dates known when it was read. Those are all the parser carries from
 * line to line, so a result is checked before it is written: the version and the order of dates
 * must be the ones in force, the chunk's first record must be what the main thread makes of that
 * line with the true record and time before it, and a first line without a time must have been
 * read after the true last time. Then each later line reads as it would have in one pass. A chunk
 * that fails the check is decoded again on the main thread. The output is the same, byte for
 * byte, as on one thread, the records are equal, and so is the warning for dates shown month
 * first late.
 */
import { open } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { Worker } from 'node:worker_threads';
import { type LineContext, LineParser, type LogRecord, carriedContext, defaultMaxLineLength, nextFileContext } from '../../parse/index.js';
import { type InputSource, forEachRecordBatch, readError } from '../input.js';
import { ChunkEncoder, type ChunkOutput, type ChunkResult, type ChunkSettings, decodeFirstLine, packedOf } from './encode-chunk.js';
import { type LineChunk, LineChunks } from './line-chunks.js';
import { decodedInParallel, parallelChunkBytes } from './jobs.js';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';
import { unpackRecords } from './packed-records.js';
import { type InputTally, addTally, newInputTally } from '../input-tally.js';

/** How the work is shared. */
export interface ParallelSettings extends ChunkSettings {
  /** Worker threads, besides the main thread. */
  jobs: number;
  /** Bytes read per chunk. */
  chunkBytes: number;
}

/**
 * Writes JSON lines to the output; calls `written` once the bytes are out and their buffer may
 * be used again.
 */
export type WriteJson = (json: Uint8Array, written: () => void) => Promise<void>;

/** Takes a chunk's records, in order. */
export type TakeRecords = (records: LogRecord[]) => Promise<void> | void;

/**
 * Takes a chunk's result, in order; calls `taken` once its output buffer may be used again. Its
 * input buffer may be used again once the returned promise resolves.
 */
type TakeResult = (result: ChunkResult, chunk: LineChunk, taken: () => void) => Promise<void>;

/** A worker's young generation: its garbage dies young, and a small one keeps RSS down. */
const workerYoungGenerationMb = 6;
/** Chunks a worker may have waiting before the main thread decodes the next one itself. */
const workerQueue = 2;
/** Chunks read ahead of the one to be written next, beyond those the workers hold. */
const readAhead = 4;

/** One worker thread and the chunks it has been sent. */
class ParseWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(result: FromWorker): void; reject(error: Error): void }>();
  private failure: Error | null = null;

  constructor(setup: WorkerSetup) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: setup,
      resourceLimits: { maxYoungGenerationSizeMb: workerYoungGenerationMb },
    });
    this.worker.on('message', (result: FromWorker) => {
      this.waiting.get(result.seq)?.resolve(result);
      this.waiting.delete(result.seq);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`a parse worker stopped (exit code ${code})`)));
  }

  /** The chunks sent next are of `file`. */
  startFile(file: string): void {
    if (!this.failure) this.worker.postMessage({ kind: 'file', file } satisfies ToWorker);
  }

  /** Sends a chunk (its buffer moves to the worker) and resolves with its result. */
  encode(seq: number, chunk: LineChunk, context: LineContext): Promise<FromWorker> {
    const result = new Promise<FromWorker>((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.waiting.set(seq, { resolve, reject });
    });
    // Awaited in order later; a failure before then is not an unhandled rejection.
    result.catch(() => undefined);
    const message: ToWorker = { kind: 'chunk', seq, buffer: chunk.buffer, length: chunk.length, line: chunk.line, context };
    if (!this.failure) this.worker.postMessage(message, [chunk.buffer]);
    return result;
  }

  /** Chunks sent and not yet answered. */
  get busy(): number {
    return this.waiting.size;
  }

  /** Hands an output buffer back for the worker's next results. */
  giveBack(buffer: ArrayBuffer): void {
    if (!this.failure) this.worker.postMessage({ kind: 'spare', buffer } satisfies ToWorker, [buffer]);
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const { reject } of this.waiting.values()) reject(this.failure);
    this.waiting.clear();
  }
}

/**
 * The worker threads of a run: started for the first file decoded in parallel, and used for each
 * file after it rather than started again (starting one takes about a tenth of a second, while
 * the main thread decodes alone).
 */
export class ParseWorkers {
  private workers: ParseWorker[] | null = null;
  private setup: WorkerSetup | null = null;

  constructor(private readonly jobs: number) {
    if (jobs < 1) throw new RangeError('decoding in parallel needs at least one worker');
  }

  /** The workers, started with `setup` if they are not yet, told that the chunks sent next are of `file`. */
  forFile(file: string, setup: WorkerSetup): readonly ParseWorker[] {
    if (this.workers === null) {
      this.setup = setup;
      this.workers = Array.from({ length: this.jobs }, () => new ParseWorker(setup));
    } else if (!isDeepStrictEqual(setup, this.setup)) {
      throw new Error('the files of a run are decoded with the same settings');
    }
    for (const worker of this.workers) worker.startFile(file);
    return this.workers;
  }

  async stop(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = null;
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** A chunk read and being decoded, or decoded and waiting to be written. */
interface Pending {
  chunk: LineChunk;
  /** The context it was decoded with: what the lines read so far carry ({@link carriedContext}). */
  assumed: LineContext;
  result: Promise<ChunkResult>;
  /** Set once {@link result} is in. */
  done: boolean;
  /** Takes the result's output buffer back once it is written. */
  giveBack(output: ArrayBuffer): void;
}

/** How the chunks went. */
export interface ParallelStats {
  chunks: number;
  /** Chunks the main thread decoded because every worker had enough waiting. */
  onMainThread: number;
  /** Chunks whose result failed the check and were decoded again, in order. */
  decodedAgain: number;
  /** What the file's last line leaves for the next file ({@link nextFileContext}). */
  end: LineContext;
  /** Lines written. */
  lines: number;
  /** What the lines written as JSON held, for the warnings on the input. */
  tally: InputTally;
}

/**
 * Decodes a plain file and writes one JSON line per line, in order, exactly as one thread would,
 * with what the file before it left (`before`). Read failures become input errors (exit code 2);
 * errors thrown by `write` pass through unchanged.
 */
export function parseFileInParallel(
  source: InputSource & { plainFile: string }, parser: LineParser, settings: ParallelSettings, write: WriteJson, before: Readonly<LineContext> = {},
  onChunk?: (bytes: number, lines: number) => void, workers?: ParseWorkers,
): Promise<ParallelStats> {
  const take: TakeResult = (result, chunk, taken) => {
    onChunk?.(chunk.length, result.lines);
    return write(new Uint8Array(result.output, 0, result.outputLength), taken);
  };
  return decodeInParallel(source, parser, { ...settings, here: 'json', there: 'json' }, take, before, workers);
}

/**
 * Decodes a plain file into records, in order, equal to those one thread makes, with what the
 * file before it left (`before`), and gives them to `take` a chunk at a time. Read failures
 * become input errors (exit code 2); errors thrown by `take` pass through unchanged.
 */
export function readRecordsInParallel(
  source: InputSource & { plainFile: string }, parser: LineParser, settings: ParallelSettings, take: TakeRecords, before: Readonly<LineContext> = {},
  workers?: ParseWorkers,
): Promise<ParallelStats> {
  const file = source.name;
  const takeResult: TakeResult = async (result, chunk, taken) => {
    // A chunk has a line at least: records from this thread, else rows from a worker.
    const records = result.records.length > 0 ? result.records : unpackRecords(packedOf(result), Buffer.from(result.input, 0, chunk.length), result.encoding, file, chunk.line);
    taken();
    await take(records);
  };
  return decodeInParallel(source, parser, { ...settings, here: 'records', there: 'packed' }, takeResult, before, workers);
}

/**
 * Decodes the file in chunks, here (`here` output) and on workers (`there` output), and takes the
 * results in order. The workers are those of the run (`pool`), or started for this file alone.
 */
async function decodeInParallel(
  source: InputSource & { plainFile: string },
  parser: LineParser,
  settings: ParallelSettings & { here: ChunkOutput; there: ChunkOutput },
  take: TakeResult,
  before: Readonly<LineContext>,
  pool?: ParseWorkers,
): Promise<ParallelStats> {
  const own = pool === undefined ? new ParseWorkers(settings.jobs) : null;
  const file = source.name;
  const handle = await open(source.plainFile, 'r').catch((error: unknown) => Promise.reject(readError(source, error)));
  const lineChunks = new LineChunks(handle, settings.chunkBytes, settings.maxLength);
  const chunks = {
    next: () => lineChunks.next().catch((error: unknown) => Promise.reject(readError(source, error))),
    giveBack: (buffer: ArrayBuffer) => lineChunks.giveBack(buffer),
  };
  // JSON lines take about three times the bytes of the log lines, four with their raw text;
  // packed rows (168 bytes a line) less than twice.
  const setup: WorkerSetup = { parseOptions: parser.options, raw: settings.raw, maxLength: settings.maxLength, outputBytes: settings.chunkBytes * (settings.there === 'json' ? 6 : 2), output: settings.there };
  const workers = (own ?? (pool as ParseWorkers)).forFile(file, setup);
  const here = new ChunkEncoder(file, parser, { ...setup, output: settings.here });
  // Chunks decoded here ahead of their turn get a parser of their own, as a worker's: what it
  // notes holds only once the chunk's result passes the check.
  const ahead = new ChunkEncoder(file, new LineParser(parser.options), { ...setup, output: settings.here });
  // A chunk's first line is checked with a parser of its own too: what it reads is not counted
  // (the chunk's own count stands for it) and its warnings come with the chunk.
  const checker = new LineParser(parser.options);
  const pending: Pending[] = [];
  const stats: ParallelStats = { chunks: 0, onMainThread: 0, decodedAgain: 0, end: nextFileContext(before), lines: 0, tally: newInputTally() };
  const written = (result: ChunkResult): void => {
    stats.lines += result.lines;
    if (result.tally) addTally(stats.tally, result.tally);
  };
  /** What the lines written so far leave for the next one. */
  let context: LineContext = nextFileContext(before);

  /** Decodes a chunk here with the true context, and writes it. */
  const decodeInOrder = async (chunk: LineChunk): Promise<void> => {
    const result = here.encode(chunk.buffer, chunk.length, { line: chunk.line, context });
    await take(result, chunk, () => here.giveBack(result.output));
    context = result.end;
    written(result);
  };

  /** Starts decoding a chunk ahead of those before it: on the least busy worker, or here when each has enough. */
  const decodeAhead = (chunk: LineChunk, seq: number): Pending => {
    const assumed = carriedContext(context);
    const worker = workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    if (worker.busy >= workerQueue) {
      stats.onMainThread++;
      const result = ahead.encode(chunk.buffer, chunk.length, { line: chunk.line, context: assumed });
      return { chunk, assumed, result: Promise.resolve(result), done: true, giveBack: (b) => ahead.giveBack(b) };
    }
    const entry: Pending = { chunk, assumed, result: worker.encode(seq, chunk, assumed), done: false, giveBack: (b) => worker.giveBack(b) };
    entry.result.then(() => (entry.done = true), () => (entry.done = true));
    return entry;
  };

  /** Checks a result against the true context, and writes it or decodes the chunk again. */
  const settle = async ({ chunk, assumed, result, giveBack }: Pending): Promise<void> => {
    const done = await result;
    const bytes = new Uint8Array(done.input, 0, chunk.length);
    const start = { line: chunk.line, context };
    // A first line without a time leaves the next lines after the assumed last time, where a
    // year or a repeated hour may depend on it.
    const timed = done.first?.time !== null || assumed.lastTime === context.lastTime;
    // Before the log shows its order of day and month, whether one was guessed decides the warning
    // for the line that shows it month first.
    const dayMonthKnown = context.dateOrder === 'day-first' || context.dateOrder === 'month-first';
    const sameGuess = dayMonthKnown || Boolean(assumed.dateGuessed) === Boolean(context.dateGuessed);
    const agrees = assumed.brokerVersion === context.brokerVersion && assumed.dateOrder === context.dateOrder && sameGuess && timed
      && isDeepStrictEqual(done.first, decodeFirstLine(bytes, file, start, checker, settings.maxLength));
    if (agrees) {
      await take(done, chunk, () => giveBack(done.output));
      context = done.end;
      written(done);
      if (done.monthFirstLate !== null) parser.noteMonthFirstLate(done.monthFirstLate);
      parser.noteForcedMatches(done.forcedMatches);
    } else {
      giveBack(done.output);
      await decodeInOrder({ ...chunk, buffer: done.input });
      stats.decodedAgain++;
    }
    chunks.giveBack(done.input);
  };

  try {
    // The first chunk is decoded here: it usually holds the banner with the broker version.
    const first = await chunks.next();
    if (first === null) return stats;
    stats.chunks++;
    await decodeInOrder(first);
    chunks.giveBack(first.buffer);
    const maxPending = settings.jobs * workerQueue + readAhead;
    let seq = 0;
    for (let chunk = await chunks.next(); chunk !== null; ) {
      stats.chunks++;
      // The next chunk is read while this one is decoded; a read error surfaces when it is awaited.
      const next = chunks.next();
      next.catch(() => undefined);
      pending.push(decodeAhead(chunk, seq++));
      // Results are written as soon as they are in; reading waits only when too many are pending.
      for (let oldest = pending[0]; oldest && (oldest.done || pending.length > maxPending); oldest = pending[0]) {
        pending.shift();
        await settle(oldest);
      }
      chunk = await next;
    }
    for (let oldest = pending.shift(); oldest; oldest = pending.shift()) await settle(oldest);
    return { ...stats, end: nextFileContext(context) };
  } finally {
    await own?.stop();
    await handle.close();
  }
}

/**
 * Reads every source in order, as {@link forEachRecordBatch} does, with the plain files large
 * enough decoded on `jobs` worker threads ({@link decodedInParallel}).
 */
export async function forEachRecordBatchOnThreads(
  sources: readonly InputSource[], parser: LineParser, jobs: number, onBatch: TakeRecords, before: Readonly<LineContext> = {},
): Promise<LineContext> {
  let carried = nextFileContext(before);
  const workers = jobs > 0 ? new ParseWorkers(jobs) : null;
  try {
    for (const source of sources) {
      if (workers !== null && decodedInParallel(source, jobs)) {
        carried = (await readRecordsInParallel(source, parser, { jobs, chunkBytes: parallelChunkBytes, raw: false, maxLength: defaultMaxLineLength }, onBatch, carried, workers)).end;
      } else {
        carried = await forEachRecordBatch([source], parser, onBatch, carried);
      }
    }
  } finally {
    await workers?.stop();
  }
  return carried;
}
