/**
 * Runs the CLI in-process against in-memory streams: `main(argv, io)` with a given stdin,
 * environment and terminal facts, collecting stdout and stderr as text.
 */
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { repoPath } from './fixtures.js';

/** The clock every run sees unless a test gives another. */
export const fixedNow = new Date('2026-11-27T12:00:00.000Z');

/** What a run may be given; everything defaults to a quiet, colourless, non-terminal pipe. */
export interface RunOptions {
  stdin?: string | Buffer;
  /** The whole environment (nothing is inherited from the test process). */
  env?: Record<string, string | undefined>;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** Makes stdin look like a terminal (`isTTY`), as a `tty.ReadStream` does. */
  stdinIsTTY?: boolean;
  columns?: number;
  now?: Date;
  /** A clock that moves, instead of the fixed `now`. */
  clock?: () => Date;
  /** A stdout to use instead of the collector (e.g. one that fails with EPIPE). */
  stdout?: Writable;
}

/** What a run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A Writable that keeps everything written to it. */
export class Collector extends Writable {
  private readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    done();
  }

  /** Everything written so far, as UTF-8. */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * A stdout whose reader goes away after `accepted` writes, like `| head`: later writes fail
 * with EPIPE. What it accepted is kept.
 */
export class ClosingPipe extends Collector {
  private writes = 0;

  constructor(private readonly accepted = 1) {
    super();
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.writes++ < this.accepted) {
      super._write(chunk, encoding, done);
      return;
    }
    done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }));
  }
}

/** Runs `mosqlog argv…` in-process and returns its exit code and output. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const stdout = new Collector();
  const stderr = new Collector();
  const input = options.stdin === undefined ? Buffer.alloc(0) : Buffer.isBuffer(options.stdin) ? options.stdin : Buffer.from(options.stdin);
  const io: Io = {
    stdin: Object.assign(Readable.from(input.length > 0 ? [input] : []), options.stdinIsTTY ? { isTTY: true } : {}),
    stdout: options.stdout ?? stdout,
    stderr,
    env: options.env ?? {},
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    ...(options.columns !== undefined ? { columns: options.columns } : {}),
    now: options.clock ?? (() => new Date((options.now ?? fixedNow).getTime())),
  };
  const code = await main(argv, io);
  return { code, stdout: options.stdout instanceof Collector ? options.stdout.text() : stdout.text(), stderr: stderr.text() };
}

/**
 * Makes relative fixture paths (`fixtures/sample.log`) resolve from the repository root, as
 * they do for `npm test`, so snapshots hold the same `file:line` wherever the runner started.
 * Each test file runs in its own process, so this touches no other test.
 */
export function runFromRepoRoot(): void {
  process.chdir(repoPath('.'));
}

/** True when `text` holds an ESC, or a C1 control that a terminal may act on. */
export function hasControlBytes(text: string): boolean {
  return /[\x1b\x80-\x9f]/.test(text);
}

/** Every ESC in `text` starts an SGR sequence (`ESC [ … m`), the only kind mosqlog writes. */
export function onlySgr(text: string): boolean {
  return text.replace(/\x1b\[[0-9;]*m/g, '').match(/[\x1b\x80-\x9f]/) === null;
}

/** stderr without the line `report --exit-zero` writes for a failed gate: what else a run said. */
export function besidesExitZeroGate(stderr: string): string {
  return stderr.replace(/^mosqlog: --fail-on failed: [^\n]* \(--exit-zero: exit code 0\)\n/m, '');
}
