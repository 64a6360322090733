/**
 * Runs one command and measures its wall time and peak resident set size, for `npm run bench`.
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -f '%e %M'`) when it exists: the kernel's own
 * `ru_maxrss`, exact. Without it the child's `/proc/PID/status` is polled every few milliseconds for
 * `VmHWM` (falling back to `VmRSS`), which can miss a short final peak, so the figure is approximate.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How peak RSS is obtained. */
export type RssMethod = 'gnu-time' | 'proc-poll';

const GNU_TIME = '/usr/bin/time';
const POLL_INTERVAL_MS = 5;
const STDERR_KEEP_BYTES = 16 * 1024;

/** One run of one command. */
export interface Measurement {
  /** Exit code, or `null` when the command was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  wallSeconds: number;
  /** Peak RSS in KiB; `null` when it could not be read. */
  peakRssKiB: number | null;
  rssApproximate: boolean;
  /** The first bytes of the command's stderr, for diagnosing failures. */
  stderrHead: string;
}

/** A command to measure: argv[0] is the program; stdout always goes to /dev/null. */
export interface MeasureRequest {
  argv: readonly string[];
  cwd: string;
  timeoutSeconds: number;
  rssMethod: RssMethod;
}

/**
 * Chooses how peak RSS will be measured: GNU time when `/usr/bin/time` exists and understands
 * `-f`, otherwise polling /proc (Linux).
 */
export function detectRssMethod(): RssMethod {
  return existsSync(GNU_TIME) ? 'gnu-time' : 'proc-poll';
}

/**
 * Runs the command once. Never rejects for a failing command: failures are in the result. The
 * child runs in its own process group, which is killed (by its id) when the timeout expires.
 */
export async function measureCommand(request: MeasureRequest): Promise<Measurement> {
  return request.rssMethod === 'gnu-time' ? measureWithGnuTime(request) : measureWithProcPolling(request);
}

async function measureWithGnuTime(request: MeasureRequest): Promise<Measurement> {
  const scratch = mkdtempSync(join(tmpdir(), 'mosqlog-bench-'));
  const report = join(scratch, 'time.txt');
  try {
    const run = await runChild(GNU_TIME, ['-f', '%e %M', '-o', report, ...request.argv], request, undefined);
    let peakRssKiB: number | null = null;
    let exitCode = run.exitCode;
    let signal = run.signal;
    if (existsSync(report)) {
      const lines = readFileSync(report, 'utf8').trim().split('\n');
      const last = lines.at(-1) ?? '';
      const match = /^([\d.]+) (\d+)$/.exec(last.trim());
      if (match?.[2] !== undefined) peakRssKiB = Number(match[2]);
      // GNU time exits with the child's status, or reports a signal on its own line.
      const killed = /Command terminated by signal (\d+)/.exec(lines.join('\n'));
      if (killed?.[1] !== undefined) {
        signal = `signal ${killed[1]}`;
        exitCode = null;
      }
    }
    return { ...run, exitCode, signal, peakRssKiB, rssApproximate: false };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function measureWithProcPolling(request: MeasureRequest): Promise<Measurement> {
  const [program, ...args] = request.argv;
  if (program === undefined) throw new RangeError('empty command');
  let peak = 0;
  const run = await runChild(program, args, request, (pid) => {
    const status = readProcStatus(pid);
    if (status !== undefined && status > peak) peak = status;
  });
  return { ...run, peakRssKiB: peak > 0 ? peak : null, rssApproximate: true };
}

/** VmHWM (peak) in KiB from /proc/PID/status, or VmRSS when VmHWM is absent. */
function readProcStatus(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(text) ?? /^VmRSS:\s+(\d+) kB/m.exec(text);
  return hwm?.[1] === undefined ? undefined : Number(hwm[1]);
}

interface ChildRun {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  wallSeconds: number;
  stderrHead: string;
}

function runChild(
  program: string,
  args: readonly string[],
  request: MeasureRequest,
  poll: ((pid: number) => void) | undefined,
): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const started = process.hrtime.bigint();
    const child = spawn(program, args, {
      cwd: request.cwd,
      stdio: ['ignore', devNull, 'pipe'],
      detached: true,
    });
    closeSync(devNull);
    let stderrHead = '';
    let timedOut = false;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderrHead.length < STDERR_KEEP_BYTES) stderrHead += chunk.slice(0, STDERR_KEEP_BYTES - stderrHead.length);
    });
    const pid = child.pid;
    const poller = poll !== undefined && pid !== undefined ? setInterval(() => poll(pid), POLL_INTERVAL_MS) : undefined;
    if (poll !== undefined && pid !== undefined) poll(pid);
    const timer = setTimeout(() => {
      timedOut = true;
      // Negative pid: the process group this bench created for the child, and nothing else.
      if (pid !== undefined) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, request.timeoutSeconds * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      if (poller !== undefined) clearInterval(poller);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearTimeout(timer);
      if (poller !== undefined) clearInterval(poller);
      resolvePromise({ exitCode: code, signal, timedOut, wallSeconds, stderrHead });
    });
  });
}
