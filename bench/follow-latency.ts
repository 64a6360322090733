/**
 * `node dist/bench/follow-latency.js`: how long `mosqlog follow` takes from a line being
 * appended to a log to its event being printed. Runs `bin/mosqlog.js follow --format ndjson`
 * on a fresh file, appends `New client connected …` lines one at a time (each after the
 * previous one's event arrived, plus a gap), and times each line from the append to its
 * `session-start` object on the follower's stdout. Prints median, p95 and max. See
 * bench/README.md.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const targetMedianMs = 100;

const usage = `usage: node dist/bench/follow-latency.js [options]

  --lines N        lines to append and time (default 200)
  --gap MS         pause after each event before the next append (default 10)
  --bin PATH       mosqlog entry point to run (default bin/mosqlog.js)
  -h, --help       show this help
`;

interface Options {
  lines: number;
  gapMs: number;
  bin: string;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      lines: { type: 'string', default: '200' },
      gap: { type: 'string', default: '10' },
      bin: { type: 'string', default: 'bin/mosqlog.js' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  const lines = Number(values.lines);
  const gapMs = Number(values.gap);
  if (!Number.isInteger(lines) || lines < 1) throw new Error(`--lines: not a positive whole number: ${values.lines}`);
  if (!Number.isFinite(gapMs) || gapMs < 0) throw new Error(`--gap: not a number of milliseconds: ${values.gap}`);
  return { lines, gapMs, bin: values.bin };
}

/** The value at quantile `q` of sorted numbers (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

function connectLine(client: string, i: number): string {
  return `${1_700_000_000 + i}: New client connected from 127.0.0.1:${10_000 + (i % 50_000)} as ${client} (p2, c1, k60).\n`;
}

/** Runs the measurement and returns the latencies in milliseconds, in append order. */
async function measure(options: Options, log: string): Promise<number[]> {
  const child = spawn(process.execPath, [options.bin, 'follow', '--format', 'ndjson', log], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const arrived = new Map<string, number>();
  let waiter: { client: string; resolve: () => void } | null = null;
  let pending = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    const now = performance.now();
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const event = JSON.parse(line) as { kind: string; client?: string };
      if (event.kind !== 'session-start' || event.client === undefined) continue;
      arrived.set(event.client, now);
      if (waiter?.client === event.client) waiter.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const waitFor = (client: string, ms: number): Promise<boolean> =>
    arrived.has(client)
      ? Promise.resolve(true)
      : new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = null;
          resolve(false);
        }, ms);
        waiter = { client, resolve: () => { clearTimeout(timer); waiter = null; resolve(true); } };
      });

  try {
    // Lines written before the follower has opened the file are history and not printed:
    // append warm-up lines until one is printed, then the follower is live.
    for (let i = 0; ; i++) {
      if (i >= 100) throw new Error(`the follower printed nothing: ${stderr.trim()}`);
      appendFileSync(log, connectLine(`warmup-${i}`, i));
      if (await waitFor(`warmup-${i}`, 100)) break;
    }
    const latencies: number[] = [];
    for (let i = 0; i < options.lines; i++) {
      const client = `latency-${i}`;
      const appendedAt = performance.now();
      appendFileSync(log, connectLine(client, i));
      if (!(await waitFor(client, 5000))) throw new Error(`no event for line ${i + 1} within 5 s`);
      latencies.push((arrived.get(client) ?? Number.NaN) - appendedAt);
      await new Promise((r) => setTimeout(r, options.gapMs));
    }
    return latencies;
  } finally {
    child.kill('SIGINT');
    const code = await exited;
    if (code !== 0) process.stderr.write(`follow-latency: the follower exited with ${code}: ${stderr.trim()}\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  let options: Options | null;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`follow-latency: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(usage);
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mosqlog-latency-'));
  const log = join(dir, 'mosquitto.log');
  writeFileSync(log, '');
  try {
    const latencies = await measure(options, log);
    const sorted = [...latencies].sort((a, b) => a - b);
    const ms = (n: number): string => `${n.toFixed(2)} ms`;
    const median = quantile(sorted, 0.5);
    process.stdout.write([
      `mosqlog follow latency: ${latencies.length} lines appended one at a time (${options.gapMs} ms apart), append → event on stdout`,
      `  median ${ms(median)}   p95 ${ms(quantile(sorted, 0.95))}   max ${ms(sorted[sorted.length - 1] ?? Number.NaN)}   min ${ms(sorted[0] ?? Number.NaN)}`,
      `  target: median under ${targetMedianMs} ms: ${median < targetMedianMs ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'));
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));
