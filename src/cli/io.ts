/**
 * The process boundary as data: streams, environment and terminal facts are passed in, so
 * commands can be run and asserted in tests without touching `process`.
 */
import { type Readable, Writable } from 'node:stream';

/** Everything a command may use of the outside world. */
export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width when stdout is a terminal. */
  columns?: number;
  /** The current time, for relative `--since` and report stamps. */
  now(): Date;
  /**
   * Aborted when the user asks the run to stop (SIGINT, SIGTERM, SIGHUP). Long-running commands
   * (`follow`) end cleanly on it; tests abort it instead of sending signals.
   */
  signal?: AbortSignal;
}

/** What begins each warning written to stderr. */
const warningPrefix = 'mosqlog: warning: ';

/**
 * `io` with a stderr that also keeps the warnings written to it, without their prefix: a report
 * shows them too, since it is often read where stderr is not (a CI artefact, a page).
 */
export function keepingWarnings(io: Io): { io: Io; warnings: string[] } {
  const warnings: string[] = [];
  // A line written in pieces is read whole.
  let partial = '';
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(warningPrefix)) warnings.push(line.slice(warningPrefix.length));
      }
      // Done at once, without waiting for stderr to drain (its lines are few): a write that
      // waited would hold back the next, and its warning, past the report.
      io.stderr.write(chunk);
      done();
    },
  });
  return { io: { ...io, stderr }, warnings };
}

/** Raised when stdout's reader went away (`| head`): the run ends quietly. */
export class ClosedOutput extends Error {
  constructor() {
    super('output closed');
  }
}

/** Characters of report pieces joined into one write. */
const outputBatchLength = 1 << 20;

/**
 * Writes text to a stream, waiting for `drain` when the stream is full, and turns EPIPE into
 * {@link ClosedOutput}. One sink per output stream.
 */
export class OutputSink {
  private closed = false;
  private failure: Error | null = null;
  /** The wait for the stream to drain, while writes wait for it. */
  private drained: Promise<void> | null = null;

  constructor(private readonly stream: Writable) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.closed = true;
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') this.failure = error;
    });
  }

  /**
   * Writes text or bytes (which the stream then owns), and waits if the stream asks for it.
   * `written` is called once the stream is done with the bytes, so their buffer may be reused.
   */
  async write(chunk: string | Uint8Array, written?: () => void): Promise<void> {
    this.check();
    if (chunk.length === 0) {
      written?.();
      return;
    }
    if (!this.stream.write(chunk, written)) {
      // Writes that wait at once share one wait, so listeners do not pile up on the stream.
      this.drained ??= new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          this.stream.off('close', done);
          this.drained = null;
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('error', done);
        this.stream.on('close', done);
      });
      await this.drained;
      this.check();
    }
  }

  /** Writes a report's text, whole or in its pieces, joined into writes of about 1 MiB. */
  async writeOutput(output: string | Iterable<string>): Promise<void> {
    if (typeof output === 'string') return this.write(output);
    let batch: string[] = [];
    let length = 0;
    for (const piece of output) {
      batch.push(piece);
      length += piece.length;
      if (length < outputBatchLength) continue;
      await this.write(batch.join(''));
      batch = [];
      length = 0;
    }
    await this.write(batch.join(''));
  }

  /** Resolves once writes made so far have had their chance to fail; rejects with the failure, if one came. */
  async settled(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failure) throw this.failure;
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.closed || this.stream.destroyed) throw new ClosedOutput();
  }
}
