/**
 * Hardening: memory stays bounded under attack, and what had to be dropped is counted. Three
 * logs of 1 000 000 lines each are written to a temp dir (streamed, never held in memory) and
 * summarised by `node bin/mosqlog.js` as a child process: 1 000 000 distinct client ids, 1 000 000
 * QoS 2 flows that never complete, and one client with 65 535 QoS 1 messages in flight whose
 * ids are reused. A fourth, 500 000 complete flows behind one held until the log ends, is
 * listed by `flows --format ndjson`, and by `flows --format markdown`, which lists the first
 * 100 000 (in a 256 MiB heap, under 512 MiB); a fifth, 999 999 messages of a session open to
 * its end, by `timeline --format ndjson`; a sixth, 499 999 sessions behind one open until the log
 * ends, by `sessions --format ndjson`, and as a table, which lists the first 100 000 (in a 256 MiB
 * heap, under 512 MiB). Each child runs in a bounded V8 heap
 * (`--max-old-space-size=128`: memory that grew with the log would end it as out of memory) and
 * its peak RSS, read with getrusage on exit, must stay under 256 MiB. Without the bound V8 grows
 * its heap lazily to several times what is live (29 MB for 65 535 flows in flight peaked at
 * 245 MB), which measures V8, not mosqlog.
 */
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { flowsListLimit } from '../src/cli/commands/flows-list.js';
import { sessionsListLimit } from '../src/cli/commands/sessions-list.js';
import { spawnMosqlog } from './support/mosqlog-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-hardening-memory-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const lines = 1_000_000;
const maxOpen = 10_000;
const capKiB = 256 * 1024;
const heapMiB = 128;
const hook = fileURLToPath(new URL('./support/peak-rss.js', import.meta.url));

/** Writes `count` lines made by `line(i)` to `path`, a batch at a time, waiting for the disk. */
async function writeLog(path: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
  for (let start = 0; start < count; start += 10_000) {
    let batch = '';
    for (let i = start; i < Math.min(count, start + 10_000); i++) batch += `${line(i)}\n`;
    if (!out.write(batch)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await done;
}

/** Epoch seconds advancing one per 1 000 lines, as a busy broker's log does. */
const at = (i: number): number => 1_795_700_000 + Math.floor(i / 1000);

interface Summary {
  lines: number;
  sessions: { total: number; byEndReason: Record<string, number> };
  flows: Record<'qos1' | 'qos2', { complete: number; incomplete: number; refused: number; inFlight: number }>;
  problems: Record<string, number>;
  evicted: { sessions: number; flows: number; connections: number };
}

/**
 * Runs `args` on `path` in a child with a bounded heap (`heap` MiB); returns its output and the
 * peak RSS in KiB. It must say nothing on stderr but the `warning` given.
 */
async function runBounded(args: readonly string[], path: string, { heap = heapMiB, warning = '' } = {}): Promise<{ stdout: string; peakKiB: number }> {
  const rssFile = `${path}.rss`;
  const child = spawnMosqlog([...args, path], {
    nodeArgs: [`--max-old-space-size=${heap}`, '--import', hook],
    env: { MOSQLOG_PEAK_RSS_FILE: rssFile },
  });
  child.stdin.end();
  const exit = await child.exit;
  assert.equal(exit.code, 0, `exit ${exit.code ?? exit.signal}: ${child.stderr().slice(-500)}`);
  assert.equal(child.stderr(), warning);
  rmSync(path);
  return { stdout: child.stdout(), peakKiB: Number(readFileSync(rssFile, 'utf8')) };
}

/** Summarises `path` in a child with a bounded heap; returns the summary and the peak RSS in KiB. */
async function summarise(path: string, extra: readonly string[]): Promise<{ summary: Summary; peakKiB: number }> {
  const { stdout, peakKiB } = await runBounded(['summary', '--format', 'json', ...extra], path);
  return { summary: JSON.parse(stdout) as Summary, peakKiB };
}

function assertUnderCap(peakKiB: number, cap = capKiB): void {
  assert.ok(peakKiB > 0, 'the peak RSS was read');
  assert.ok(peakKiB < cap, `peak RSS ${(peakKiB / 1024).toFixed(0)} MiB, cap ${cap / 1024} MiB`);
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

interface Run {
  summary: Summary;
  peakKiB: number;
}

let clientsRun: Run;
let flowsRun: Run;
let reusedRun: Run;

before(async () => {
  const clients = join(temp, 'clients.log');
  const flows = join(temp, 'flows.log');
  const reused = join(temp, 'reused.log');
  await writeLog(clients, lines, (i) => `${at(i)}: New client connected from 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 60_000)} as client-${i} (p2, c1, k60).`);
  await writeLog(flows, lines, (i) => `${at(i)}: Received PUBLISH from pub-${Math.floor(i / 65_535)} (d0, q2, r0, m${(i % 65_535) + 1}, 'plant/line-${i % 7}', ... (8 bytes))`);
  await writeLog(reused, lines, (i) => `${at(i)}: Sending PUBLISH to slow-one (d0, q1, r0, m${(i % 65_535) + 1}, 'cmd/slow-one', ... (4 bytes))`);
  // Two children at a time keep a 2-core machine busy; the third follows the shorter first run.
  [clientsRun, [flowsRun, reusedRun]] = await Promise.all([
    summarise(clients, ['--max-open', String(maxOpen)]),
    summarise(flows, ['--max-open', String(maxOpen)]).then(async (first) => [first, await summarise(reused, [])] as const),
  ]);
}, { timeout: 120_000 });

test(`1 000 000 distinct client ids (--max-open ${maxOpen}): under ${capKiB / 1024} MiB, every session counted, evictions reported`, (t) => {
  const { summary, peakKiB } = clientsRun;
  t.diagnostic(`peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`);
  assertUnderCap(peakKiB);
  assert.equal(summary.lines, lines);
  assert.equal(summary.sessions.total, lines, 'every session counted');
  assert.equal(sum(summary.sessions.byEndReason), lines);
  // The oldest sessions were closed at the cap: they end as `other` and are counted as evicted.
  assert.equal(summary.evicted.sessions, lines - maxOpen);
  assert.equal(summary.sessions.byEndReason.other, lines - maxOpen);
  assert.equal(summary.problems['state-evicted'], 1, 'the eviction is a finding, not silent');
});

test(`1 000 000 QoS 2 flows that never complete (--max-open ${maxOpen}): under ${capKiB / 1024} MiB, every flow counted, evictions reported`, (t) => {
  const { summary, peakKiB } = flowsRun;
  t.diagnostic(`peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`);
  assertUnderCap(peakKiB);
  assert.equal(summary.lines, lines);
  // The last ones, of clients connected when the log ends, are still in flight.
  assert.equal(summary.flows.qos2.incomplete + summary.flows.qos2.inFlight, lines, 'every flow counted');
  assert.equal(summary.evicted.flows, lines - maxOpen, 'all but the last flows were evicted on the way');
  assert.equal(summary.problems['state-evicted'], 1);
});

test(`one client with 65 535 QoS 1 mids in flight, reused over 1 000 000 lines: under ${capKiB / 1024} MiB, every reuse counted`, (t) => {
  const { summary, peakKiB } = reusedRun;
  t.diagnostic(`peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`);
  assertUnderCap(peakKiB);
  assert.equal(summary.lines, lines);
  // All 65 535 fit under the default cap; each reuse of an id gives up the flow before it.
  assert.equal(summary.problems['mid-reused'], lines - 65_535, 'each reused id is counted');
  // The broker sends to it, so it is connected: the last ones are still in flight.
  assert.equal(summary.flows.qos1.incomplete + summary.flows.qos1.inFlight, lines, 'every flow counted');
  assert.ok(summary.flows.qos1.inFlight < 65_535, 'only the last are in flight');
});

/** Line `i` of a log whose first flow is held for a client away until the log ends; the rest, a PUBLISH and its PUBACK each. */
function heldThenComplete(i: number): string {
  const held = [
    `${at(0)}: New connection from 127.0.0.1:50000 on port 1883.`,
    `${at(0)}: New client connected from 127.0.0.1:50000 as away (p2, c0, k60).`,
    `${at(0)}: Sending PUBLISH to away (d0, q1, r0, m1, 'cmd/away', ... (4 bytes))`,
    `${at(0)}: Client away closed its connection.`,
  ];
  if (i < held.length) return held[i] as string;
  const mid = (Math.floor(i / 2) % 65_535) + 1;
  return i % 2 === 0
    ? `${at(i)}: Received PUBLISH from pub (d0, q1, r0, m${mid}, 'plant/line-${i % 7}', ... (8 bytes))`
    : `${at(i)}: Sending PUBACK to pub (m${mid}, rc0)`;
}

test(`flows --format ndjson, 500 000 complete flows behind one held until the log ends: under ${capKiB / 1024} MiB, each listed in the order it started`, { timeout: 120_000 }, async (t) => {
  const path = join(temp, 'held.log');
  await writeLog(path, lines, heldThenComplete);
  const { stdout, peakKiB } = await runBounded(['flows', '--format', 'ndjson'], path);
  t.diagnostic(`peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`);
  assertUnderCap(peakKiB);
  const listed = stdout.split('\n').filter(Boolean);
  assert.equal(listed.length, 1 + (lines - 4) / 2);
  const first = JSON.parse(listed[0] ?? '') as { client: string; state: string };
  assert.deepEqual([first.client, first.state], ['away', 'in-flight']);
  assert.ok(listed.slice(1).every((line) => line.startsWith('{"client":"pub"') && line.includes('"state":"complete"')));
});

// The flows a table lists take more than the 128 MiB heap of the other runs; the whole log's
// 499 999 flows, which `flows` held for a table before, ran out of a 256 MiB heap.
test(`flows --format markdown, 499 999 flows: the first ${flowsListLimit.toLocaleString('en-US')} listed in a 256 MiB heap, under 512 MiB, the rest counted`, { timeout: 120_000 }, async (t) => {
  const path = join(temp, 'table.log');
  await writeLog(path, lines, heldThenComplete);
  const omitted = (1 + (lines - 4) / 2 - flowsListLimit).toLocaleString('en-US');
  const { stdout, peakKiB } = await runBounded(['flows', '--format', 'markdown'], path, {
    heap: 256,
    warning: `mosqlog: warning: the Markdown lists the first ${flowsListLimit.toLocaleString('en-US')} flows; ${omitted} more were left out (--format ndjson lists every flow; --client, --topic, --since/--until or --incomplete narrow the list)\n`,
  });
  t.diagnostic(`peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`);
  assertUnderCap(peakKiB, 512 * 1024);
  const rows = stdout.split('\n').filter((line) => line.startsWith('| `'));
  assert.equal(rows.length, flowsListLimit);
  assert.ok(rows[0]?.startsWith('| `away` | out | 1 |'));
  assert.ok(rows.slice(1).every((row, i) => row.startsWith(`| \`pub\` | in | ${((i + 2) % 65_535) + 1} |`) && row.includes('| complete |')), 'then the flows of pub in the order they started');
});

test(`timeline --format ndjson, 999 999 messages of a session open until the log ends: under ${capKiB / 1024} MiB, the connect first, the rest in log order`, { timeout: 120_000 }, async (t) => {
  const path = join(temp, 'timeline.log');
  await writeLog(path, lines, (i) => (i === 0
    ? `${at(0)}: New client connected from 127.0.0.1:50000 as pub (p2, c1, k60).`
    : `${at(i)}: Received PUBLISH from pub (d0, q0, r0, m0, 'plant/line-${i % 7}', ... (8 bytes))`));
  const { stdout, peakKiB } = await runBounded(['timeline', '--format', 'ndjson'], path);
  t.diagnostic(`peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`);
  assertUnderCap(peakKiB);
  const listed = stdout.split('\n').filter(Boolean);
  assert.equal(listed.length, lines);
  const first = JSON.parse(listed[0] ?? '') as { kind: string; session: { endReason: string } };
  assert.deepEqual([first.kind, first.session.endReason], ['connect', 'open']);
  assert.ok(listed.slice(1).every((line, i) => line.startsWith('{"kind":"message","client":"pub"') && line.includes(`"line":${i + 2}}`)), 'the rest in log order');
});

test(`sessions, 499 999 sessions behind one open until the log ends: NDJSON under ${capKiB / 1024} MiB, the open one first; a table lists the first ${sessionsListLimit.toLocaleString('en-US')}`, { timeout: 120_000 }, async (t) => {
  const sessions = lines / 2;
  const write = (path: string): Promise<void> => writeLog(path, lines - 1, (i) => {
    if (i === 0) return `${at(0)}: New client connected from 127.0.0.1:50000 as stays (p2, c1, k60).`;
    const n = Math.floor((i - 1) / 2);
    return i % 2 === 1 ? `${at(i)}: New client connected from 127.0.0.1:${10_000 + (n % 50_000)} as c${n} (p2, c1, k60).` : `${at(i)}: Client c${n} disconnected.`;
  });
  const path = join(temp, 'sessions.log');
  await write(path);
  const ndjson = await runBounded(['sessions', '--format', 'ndjson'], path);
  t.diagnostic(`NDJSON: peak RSS ${(ndjson.peakKiB / 1024).toFixed(0)} MiB`);
  assertUnderCap(ndjson.peakKiB);
  const listed = ndjson.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { client: string; endReason: string });
  assert.equal(listed.length, sessions);
  assert.deepEqual([listed[0]?.client, listed[0]?.endReason], ['stays', 'open']);
  assert.ok(listed.slice(1).every((s, i) => s.client === `c${i}` && s.endReason === 'disconnect'), 'then the others in the order they started');

  await write(path);
  const table = await runBounded(['sessions'], path, {
    heap: 256,
    warning: `mosqlog: warning: the table lists the first ${sessionsListLimit.toLocaleString('en-US')} sessions; ${(sessions - sessionsListLimit).toLocaleString('en-US')} more were left out (--format ndjson lists every session; --client or --since/--until narrow the list)\n`,
  });
  t.diagnostic(`table: peak RSS ${(table.peakKiB / 1024).toFixed(0)} MiB`);
  assertUnderCap(table.peakKiB, 512 * 1024);
  assert.equal(table.stdout.trimEnd().split('\n').length, 1 + sessionsListLimit, 'a header and a line a session');
});
