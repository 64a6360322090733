/**
 * `flows --format json|ndjson` writes each flow while the log is read, in the order the flows
 * started: a flow held for a client that is away until the log ends keeps its place first, the
 * flows after it wait in a temporary file, and the file is gone when the run ends.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { spawnMosqlog } from './support/mosqlog-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-flows-stream-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** QoS 1 messages from `pub`, each acknowledged: one complete flow per two lines. */
function completeFlows(from: number, count: number): string {
  let text = '';
  for (let i = from; i < from + count; i++) {
    const mid = (i % 65_535) + 1;
    text += `1795700002: Received PUBLISH from pub (d0, q1, r0, m${mid}, 'plant/line-${i % 7}', ... (8 bytes))\n`;
    text += `1795700002: Sending PUBACK to pub (m${mid}, rc0)\n`;
  }
  return text;
}

/** A message to `away`, whose session the broker keeps: in flight until the log ends. */
const heldFirst = [
  '1795700000: New connection from 127.0.0.1:50000 on port 1883.',
  '1795700000: New client connected from 127.0.0.1:50000 as away (p2, c0, k60).',
  "1795700000: Sending PUBLISH to away (d0, q1, r0, m1, 'cmd/away', ... (4 bytes))",
  '1795700001: Client away closed its connection.',
].join('\n') + '\n';

interface FlowLine {
  client: string;
  mid: number;
  state: string;
}

test('flows from stdin are written before the input ends', async () => {
  const child = spawnMosqlog(['flows', '--format', 'ndjson', '-']);
  child.stdin.write(completeFlows(0, 2000));
  // The output comes while stdin is still open: nothing else would end the wait.
  const deadline = Date.now() + 60_000;
  while (!child.stdout().includes('\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const early = child.stdout();
  child.stdin.end();
  const exit = await child.exit;
  assert.ok(early.includes('\n'), 'a flow was written while stdin was open');
  assert.equal((JSON.parse(early.slice(0, early.indexOf('\n'))) as FlowLine).mid, 1);
  assert.equal(exit.code, 0, child.stderr());
  assert.equal(child.stdout().trim().split('\n').length, 2000);
});

for (const format of ['ndjson', 'json'] as const) {
  test(`flows --format ${format}: a flow held to the log's end keeps its place first; those after it wait in a file that is gone at the end`, async () => {
    const log = join(temp, `held-${format}.log`);
    // About 9 MB of JSON: more than waits in memory, so the flows after the held one go to a file under TMPDIR.
    const count = 16_000;
    writeFileSync(log, heldFirst + completeFlows(0, count));
    const tmp = mkdtempSync(join(temp, `tmp-${format}-`));
    const child = spawnMosqlog(['flows', '--format', format, log], { env: { TMPDIR: tmp } });
    child.stdin.end();
    const exit = await child.exit;
    assert.equal(exit.code, 0, child.stderr());
    assert.equal(child.stderr(), '');
    assert.deepEqual(readdirSync(tmp), [], 'the file is gone');
    const flows = format === 'ndjson'
      ? child.stdout().trim().split('\n').map((line) => JSON.parse(line) as FlowLine)
      : (JSON.parse(child.stdout()) as { debugLines: boolean; flows: FlowLine[] }).flows;
    assert.equal(flows.length, count + 1);
    assert.deepEqual(flows[0], { ...flows[0], client: 'away', mid: 1, state: 'in-flight' });
    assert.ok(flows.slice(1).every((f, i) => f.client === 'pub' && f.mid === i + 1 && f.state === 'complete'), 'the rest in the order they started');
    if (format === 'json') assert.equal((JSON.parse(child.stdout()) as { debugLines: boolean }).debugLines, true);
  });
}

test('a window counted back from the end counts from the latest time, also when the last line is earlier (the clock went back)', async () => {
  const log = join(temp, 'clock-back.log');
  // Flows an hour before the latest time, then a last line back at their time.
  writeFileSync(log, `${completeFlows(0, 3).replaceAll('1795700002:', '1795696000:')}${completeFlows(3, 2)}1795696000: Client pub disconnected.\n`);
  for (const format of ['ndjson', 'json'] as const) {
    const child = spawnMosqlog(['flows', '--format', format, '--since', '10m', log]);
    child.stdin.end();
    const exit = await child.exit;
    assert.equal(exit.code, 0, child.stderr());
    const text = child.stdout();
    const mids = format === 'ndjson'
      ? text.trim().split('\n').map((line) => (JSON.parse(line) as FlowLine).mid)
      : (JSON.parse(text) as { flows: FlowLine[] }).flows.map((f) => f.mid);
    assert.deepEqual(mids, [4, 5], format);
  }
});
