/**
 * Running `mosqlog follow` in-process for tests: streams and the stop signal are injected, so a
 * test reads what it printed while it runs and stops it without a real signal.
 */
import { readdir, readFile } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** A follow started by {@link startFollow}. */
export interface FollowRun {
  stdout(): string;
  stderr(): string;
  /** stdout as JSON objects (one per line; `--format ndjson`). */
  objects(): Array<Record<string, unknown>>;
  /** Polls until `condition` holds; rejects with `what` (and the output so far) after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Aborts the follow and resolves with its exit code. */
  stop(): Promise<number>;
  /** Resolves with the exit code when `main` returns on its own. */
  exited: Promise<number>;
}

/** What the follow's terminal looks like. */
export interface FollowTerminal {
  stdin?: Readable;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  columns?: number;
  env?: Record<string, string | undefined>;
  /** The clock; the real one by default. */
  now?: () => Date;
}

const running = new Set<FollowRun>();

/**
 * Stops every follow still running. Test files call it in `afterEach`, so a failed assertion
 * cannot leave a follower (and its watcher) keeping the test process alive.
 */
export async function stopFollows(): Promise<void> {
  const runs = [...running];
  running.clear();
  await Promise.all(runs.map((run) => run.stop()));
}

/** Starts `mosqlog follow <args>` with captured stdout/stderr and an abort controller. */
export function startFollow(args: readonly string[], terminal: FollowTerminal = {}): FollowRun {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  stderr.setEncoding('utf8').on('data', (text: string) => {
    err += text;
  });
  const controller = new AbortController();
  const exited = main(['follow', ...args], {
    stdin: terminal.stdin ?? new PassThrough(),
    stdout,
    stderr,
    env: terminal.env ?? { NO_COLOR: '1' },
    stdoutIsTTY: terminal.stdoutIsTTY ?? false,
    stderrIsTTY: terminal.stderrIsTTY ?? false,
    ...(terminal.columns !== undefined ? { columns: terminal.columns } : {}),
    now: terminal.now ?? (() => new Date()),
    signal: controller.signal,
  });
  const objects = (): Array<Record<string, unknown>> =>
    out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const run: FollowRun = {
    stdout: () => out,
    stderr: () => err,
    objects,
    async until(condition, what, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nstdout:\n${out.slice(-2000)}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      running.delete(run);
      controller.abort();
      return exited;
    },
    exited,
  };
  running.add(run);
  void exited.finally(() => running.delete(run));
  return run;
}

/** The `raw` text of every `record` object a `--all --format ndjson` follow printed. */
export function rawLines(run: FollowRun): string[] {
  return run.objects().filter((o) => o.kind === 'record').map((o) => String(o.raw));
}

/** The lines of files, in the order given; a last line without a newline counts. */
export async function linesOf(...paths: string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8');
    if (text === '') continue;
    const parts = text.split('\n');
    if (parts[parts.length - 1] === '') parts.pop();
    lines.push(...parts);
  }
  return lines;
}

/**
 * The pid of the mosquitto started with `configFile` (`mosquitto -c <configFile>`), read from
 * /proc; null where /proc cannot tell. The harness does not expose it, and rotation tests need
 * to send the broker SIGHUP, SIGSTOP and SIGCONT.
 */
export async function brokerPid(configFile: string): Promise<number | null> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const argv = cmdline.split('\0');
    if (argv[0]?.endsWith('mosquitto') && argv.includes(configFile)) return Number(entry);
  }
  return null;
}
