/**
 * `timeline --format json|ndjson` writes each entry while the log is read, in the order the
 * whole timeline lists them: a silence where it began, a session's connect as the session ended,
 * and what comes after an entry still going on waits (past a budget, in a temporary file).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runWithStdinOpen, spawnMosqlog } from './support/mosqlog-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-timeline-stream-'));
after(() => rmSync(temp, { recursive: true, force: true }));

interface Entry {
  kind: string;
  client: string | null;
  at: { line: number };
  session?: { endReason: string; client: string; messagesOut: number };
}

/** Runs mosqlog on `args`; returns its stdout, after checking it exited 0 and said nothing on stderr. */
async function run(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const child = spawnMosqlog(args, { env });
  child.stdin.end();
  const exit = await child.exit;
  assert.equal(exit.code, 0, child.stderr());
  assert.equal(child.stderr(), '');
  return child.stdout();
}

const entriesOf = (text: string, format: 'json' | 'ndjson'): Entry[] =>
  format === 'ndjson' ? text.trim().split('\n').map((line) => JSON.parse(line) as Entry) : (JSON.parse(text) as { entries: Entry[] }).entries;

/**
 * Client `a` (keepalive 10 s) falls silent twice while `b` subscribes and publishes, and is sent
 * a QoS 1 message meanwhile; `b` leaves, `a` times out.
 */
const silences = [
  '1795700000: New connection from 127.0.0.1:50000 on port 1883.',
  '1795700000: New client connected from 127.0.0.1:50000 as a (p2, c1, k10).',
  '1795700000: Sending CONNACK to a (0, 0)',
  '1795700000: New connection from 127.0.0.1:50001 on port 1883.',
  '1795700000: New client connected from 127.0.0.1:50001 as b (p2, c1, k60).',
  '1795700000: Sending CONNACK to b (0, 0)',
  '1795700001: Received PINGREQ from a',
  '1795700001: Sending PINGRESP to a',
  '1795700002: Received SUBSCRIBE from b',
  '1795700002: \tcmd/# (QoS 1)',
  '1795700002: Sending SUBACK to b',
  "1795700005: Received PUBLISH from b (d0, q0, r0, m0, 'cmd/x', ... (3 bytes))",
  "1795700005: Sending PUBLISH to b (d0, q0, r0, m0, 'cmd/x', ... (3 bytes))",
  "1795700006: Sending PUBLISH to a (d0, q1, r0, m1, 'cmd/a', ... (2 bytes))",
  '1795700030: Received PINGREQ from a',
  '1795700030: Sending PINGRESP to a',
  '1795700030: Received PUBACK from a (Mid: 1, RC:0)',
  '1795700031: Received DISCONNECT from b',
  '1795700031: Client b disconnected.',
  '1795700060: Client a has exceeded timeout, disconnecting.',
].join('\n') + '\n';

test('a streamed timeline lists what the whole one does, in its order: each silence where it began, before what others did meanwhile', async () => {
  const log = join(temp, 'silences.log');
  writeFileSync(log, silences);
  const streamed = await run(['timeline', '--format', 'json', log]);
  // A window counted back from the end is known only once the log is read: that timeline is built whole.
  assert.equal(streamed, await run(['timeline', '--format', 'json', '--since', '100000d', log]));
  const entries = entriesOf(streamed, 'json');
  assert.deepEqual(entries.map((e) => `${e.client} ${e.kind} ${e.at.line}`), [
    'a connect 2', 'b connect 5', 'a pings 7', 'a gap 15', 'b subscribe 10', 'b message 12', 'b message 13', 'a flow 14', 'a pings 15', 'a gap 20', 'b end 19', 'a end 20',
  ]);
  // A connect entry shows its session as it ended.
  assert.deepEqual(entries.filter((e) => e.kind === 'connect').map((e) => e.session?.endReason), ['timeout', 'disconnect']);
  assert.deepEqual(entriesOf(await run(['timeline', '--format', 'ndjson', log]), 'ndjson'), entries);
  assert.equal((JSON.parse(streamed) as { debugLines: boolean }).debugLines, true);
});

test("a session the broker's stop ended is written once the broker starts again: what it sent as it stopped counts in it", async () => {
  const log = join(temp, 'stopped.log');
  writeFileSync(log, [
    '1795878693: New client connected from 127.0.0.1:40962 as logwatch (p4, c1, k60).',
    "1795878693: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/M/subscribe', ... (40 bytes))",
    '1795878718: mosquitto version 2.1.2 terminating',
    "1795878718: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/I', ... (47 bytes))",
    "1795878718: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/I', ... (81 bytes))",
    '1795878720: mosquitto version 2.1.2 starting',
    '1795878720: Opening ipv4 listen socket on port 1883.',
    '1795878721: New client connected from 127.0.0.1:40970 as other (p4, c1, k60).',
  ].join('\n') + '\n');
  const streamed = await run(['timeline', '--format', 'json', log]);
  assert.equal(streamed, await run(['timeline', '--format', 'json', '--since', '100000d', log]));
  const sessions = entriesOf(streamed, 'json').filter((e) => e.kind === 'connect' || e.kind === 'end').map((e) => [e.session?.client, e.session?.messagesOut]);
  assert.deepEqual(sessions, [['logwatch', 3], ['logwatch', 3], ['other', 0]]);
});

test('a streamed JSON timeline of a log without debug lines says so, as the whole one does', async () => {
  const log = join(temp, 'no-debug.log');
  writeFileSync(log, ['1795700000: New client connected from 127.0.0.1:50000 as a (p2, c1, k10).', '1795700009: Client a disconnected.'].join('\n') + '\n');
  const streamed = await run(['timeline', '--format', 'json', log]);
  assert.equal(streamed, await run(['timeline', '--format', 'json', '--since', '100000d', log]));
  assert.deepEqual([(JSON.parse(streamed) as { debugLines: boolean }).debugLines, entriesOf(streamed, 'json').map((e) => e.kind)], [false, ['connect', 'end']]);
});

test('a timeline from stdin is written before the input ends', async () => {
  let text = '';
  for (let i = 0; i < 2000; i++) {
    text += `1795700000: New client connected from 127.0.0.1:${10_000 + i} as c${i} (p2, c1, k60).\n1795700000: Client c${i} disconnected.\n`;
  }
  const { early, code, stdout, stderr } = await runWithStdinOpen(['timeline', '--format', 'ndjson', '-'], text);
  assert.ok(early.includes('\n'), 'an entry was written while stdin was open');
  assert.deepEqual(JSON.parse(early.slice(0, early.indexOf('\n'))), { ...JSON.parse(early.slice(0, early.indexOf('\n'))), kind: 'connect', client: 'c0' });
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim().split('\n').length, 4000);
});

for (const format of ['ndjson', 'json'] as const) {
  test(`timeline --format ${format}: a session open to the log's end keeps its connect first; what follows waits in a file that is gone at the end`, async () => {
    const log = join(temp, `open-${format}.log`);
    // About 7 MB of JSON: more than waits in memory, so the entries after the connect go to a file under TMPDIR.
    const count = 30_000;
    let text = '1795700000: New client connected from 127.0.0.1:50000 as pub (p2, c1, k0).\n';
    for (let i = 0; i < count; i++) text += `1795700001: Received PUBLISH from pub (d0, q0, r0, m0, 'plant/line-${i % 7}', ... (8 bytes))\n`;
    writeFileSync(log, text);
    const tmp = mkdtempSync(join(temp, `tmp-${format}-`));
    const entries = entriesOf(await run(['timeline', '--format', format, log], { TMPDIR: tmp }), format);
    assert.deepEqual(readdirSync(tmp), [], 'the file is gone');
    assert.equal(entries.length, count + 1);
    assert.deepEqual([entries[0]?.kind, entries[0]?.session?.endReason], ['connect', 'open']);
    assert.ok(entries.slice(1).every((e, i) => e.kind === 'message' && e.at.line === i + 2), 'the rest in log order');
  });
}
