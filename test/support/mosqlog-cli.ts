import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Repository root; this file is compiled to dist/test/support/. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** What `mosqlog parse` printed: one JSON record per stdout line, plus anything that was not JSON. */
export interface ParseRun {
  exitCode: number | null;
  records: Array<Record<string, unknown>>;
  /** stdout lines that did not parse as a JSON object. */
  notJson: string[];
  stderr: string;
}

/**
 * Runs `node bin/mosqlog.js parse <file>` from the repository root, as a user would, and
 * collects its output. Never rejects for a non-zero exit: the caller asserts on `exitCode`.
 */
export function runMosqlogParse(file: string): Promise<ParseRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mosqlog.js', 'parse', file], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', reject);
    child.once('close', (exitCode) => {
      const records: Array<Record<string, unknown>> = [];
      const notJson: string[] = [];
      for (const line of stdout.split('\n')) {
        if (line === '') continue;
        try {
          const value: unknown = JSON.parse(line);
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) records.push(value as Record<string, unknown>);
          else notJson.push(line);
        } catch {
          notJson.push(line);
        }
      }
      resolve({ exitCode, records, notJson, stderr });
    });
  });
}

/** Counts the lines of a log file the way a line splitter does: a last line without `\n` counts. */
export async function countLogLines(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  if (text === '') return 0;
  const breaks = text.split('\n').length - 1;
  return text.endsWith('\n') ? breaks : breaks + 1;
}

/** A mosqlog child process started by {@link spawnMosqlog}. */
export interface Child {
  pid: number;
  /** Its stdin, open until the test ends it. */
  stdin: Writable;
  stdout(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** How to start a child besides its arguments. */
export interface SpawnOptions {
  /** Run as this user and group (CI runs tests as root, and root reads every file). */
  uid?: number;
  gid?: number;
  /** A file descriptor to use as stdout instead of a pipe (e.g. one open on /dev/full). */
  stdout?: number;
  /** Options for node itself, before the script (`--max-old-space-size=…`, `--import …`). */
  nodeArgs?: readonly string[];
  /** Added to the environment. */
  env?: Record<string, string>;
}

/** Starts `node bin/mosqlog.js ARGS` from the repository root, colourless, collecting its output. */
export function spawnMosqlog(args: readonly string[], options: SpawnOptions = {}): Child {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'bin/mosqlog.js', ...args], {
    cwd: repoRoot,
    stdio: ['pipe', options.stdout ?? 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  }) as ChildProcessByStdio<Writable, Readable | null, Readable>;
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (t: string) => {
    out += t;
  });
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    err += t;
  });
  // A child that exits before reading its stdin must not fail the test with EPIPE.
  child.stdin.on('error', () => undefined);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { pid: child.pid ?? -1, stdin: child.stdin, stdout: () => out, stderr: () => err, exit, kill: (s) => child.kill(s) };
}

/**
 * Runs mosqlog on `args` with `input` on its stdin, which is left open until a first line of
 * output comes (or a minute passes): what it wrote by then (`early`), and all it wrote once
 * stdin ended and it exited.
 */
export async function runWithStdinOpen(args: readonly string[], input: string): Promise<{ early: string; code: number | null; stdout: string; stderr: string }> {
  const child = spawnMosqlog(args);
  child.stdin.write(input);
  // The output comes while stdin is still open: nothing else would end the wait.
  const deadline = Date.now() + 60_000;
  while (!child.stdout().includes('\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const early = child.stdout();
  child.stdin.end();
  const { code } = await child.exit;
  return { early, code, stdout: child.stdout(), stderr: child.stderr() };
}

/** What a run through a shell pipe produced. */
export interface PipeRun {
  /** mosqlog's own exit status. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/mosqlog.js ARGS | head -1` in bash and reports mosqlog's own exit status. With
 * `stderrToo` stderr goes into the pipe as well (`2>&1 |`); `into` replaces `head -1` (`true`
 * reads nothing and is gone before node has started, so every write meets a closed pipe).
 */
export function runIntoHead(args: readonly string[], options: { stderrToo?: boolean; into?: string } = {}): Promise<PipeRun> {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `node bin/mosqlog.js ${quoted} ${options.stderrToo ? '2>&1 ' : ''}| ${options.into ?? 'head -1'}; exit "\${PIPESTATUS[0]}"`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => void (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => void (stderr += t));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
