/**
 * `sessions --format json|ndjson` writes each session while the log is read, in the order the
 * sessions started, once it changes no more: the same text as the listing made from the whole
 * correlation (a window counted back from the end, which waits for the whole log, gives that).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { twoBridgesGuessed } from './support/bridge-logs.js';
import { fixtureLogs } from './support/fixtures.js';
import { runWithStdinOpen } from './support/mosqlog-cli.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-sessions-stream-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** Logs whose sessions change after their end line, or whose end is a guess a later line may put right. */
const changing: Record<string, string[]> = {
  // Packets the broker sends as it stops count in the sessions its stop ended, until it starts again.
  stopped: [
    '1795878693: New client connected from 127.0.0.1:40962 as logwatch (p4, c1, k60).',
    "1795878693: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/M/subscribe', ... (40 bytes))",
    '1795878700: New client connected from 127.0.0.1:40964 as after (p4, c1, k60).',
    '1795878718: mosquitto version 2.1.2 terminating',
    "1795878718: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/I', ... (47 bytes))",
    "1795878718: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/I', ... (81 bytes))",
    '1795878720: mosquitto version 2.1.2 starting',
    '1795878721: New client connected from 127.0.0.1:40970 as other (p4, c1, k60).',
  ],
  // Whose bridge a connection is was guessed: the later attempt shows it, and names the sessions again.
  bridges: twoBridgesGuessed(['1795000005: New client connected from 127.0.0.1:40970 as plain (p2, c1, k60).']),
  // Without grant lines a filter is taken as granted, until the first grant line shows the broker
  // logs them: the filters before it that had none were denied, and the sessions count fewer.
  'grants late': [
    '1795700000: mosquitto version 2.0.11 starting',
    '1795700001: New client connected from 127.0.0.1:50000 as early (p2, c1, k60).',
    '1795700001: Received SUBSCRIBE from early',
    '1795700001: \tplant/# (QoS 1)',
    '1795700001: Sending SUBACK to early',
    '1795700002: Client early disconnected.',
    '1795700003: New client connected from 127.0.0.1:50002 as late (p2, c1, k60).',
    '1795700003: Received SUBSCRIBE from late',
    '1795700003: \tplant/a (QoS 0)',
    '1795700003: late 0 plant/a',
    '1795700003: Sending SUBACK to late',
    '1795700004: Client late disconnected.',
  ],
  // 2.1 says `(denied)` on the topic line itself.
  denied: [
    '1795700000: mosquitto version 2.1.2 starting',
    '1795700001: New client connected from 127.0.0.1:50000 as sub (p2, c1, k60).',
    '1795700001: Received SUBSCRIBE from sub',
    '1795700001: \tsecret/# (QoS 1) (denied)',
    '1795700001: \tplant/# (QoS 1)',
    '1795700001: Sending SUBACK to sub',
    '1795700002: Client sub disconnected.',
  ],
};

/** The sessions' JSON text streamed, and made from the whole correlation. */
async function bothWays(args: readonly string[], file: string): Promise<{ streamed: string; whole: string }> {
  const streamed = await runCli(['sessions', ...args, file]);
  const whole = await runCli(['sessions', ...args, '--since', '100000d', file]);
  assert.equal(streamed.code, 0, streamed.stderr);
  assert.equal(whole.code, 0, whole.stderr);
  return { streamed: streamed.stdout, whole: whole.stdout };
}

describe('sessions written while the log is read', () => {
  test('every fixture log, with and without a selection and a cap on state: the text made from the whole log', async () => {
    let sessions = 0;
    for (const log of fixtureLogs()) {
      for (const options of [[], ['--client', '*a*'], ['--until', '2026-11-26T14:13:52Z'], ['--max-open', '1']]) {
        for (const format of ['json', 'ndjson']) {
          const { streamed, whole } = await bothWays(['--format', format, ...options], log);
          assert.equal(streamed, whole, `${log} ${format} ${options.join(' ')}`);
          if (format === 'ndjson') sessions += streamed.split('\n').length - 1;
        }
      }
    }
    assert.ok(sessions > 50, `the fixtures list sessions (${sessions})`);
  });

  test('a session written once it changes no more: after the broker starts again, a bridge is named, or its filters are judged', async () => {
    for (const [name, lines] of Object.entries(changing)) {
      const file = join(temp, `${name.replace(' ', '-')}.log`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      for (const format of ['json', 'ndjson']) {
        const { streamed, whole } = await bothWays(['--format', format], file);
        assert.equal(streamed, whole, `${name} ${format}`);
      }
    }
    const sessionsOf = async (name: string): Promise<Array<Record<string, unknown>>> => {
      const out = await runCli(['sessions', '--format', 'ndjson', join(temp, `${name.replace(' ', '-')}.log`)]);
      return out.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    };
    assert.deepEqual((await sessionsOf('stopped')).map((s) => [s.client, s.messagesOut]), [['logwatch', 3], ['after', 0], ['other', 0]]);
    assert.deepEqual((await sessionsOf('bridges')).map((s) => [s.client, s.outgoingBridge ?? null]), [['lc-west', 'west'], ['lc-east', 'east'], ['plain', null], ['lc-west', 'west']]);
    assert.deepEqual((await sessionsOf('grants late')).map((s) => [s.client, s.subscriptions]), [['early', 0], ['late', 1]]);
    assert.deepEqual((await sessionsOf('denied')).map((s) => [s.client, s.subscriptions]), [['sub', 1]]);
  });

  test('sessions from stdin are written before the input ends', async () => {
    let text = '';
    for (let i = 0; i < 2000; i++) {
      text += `1795700000: New client connected from 127.0.0.1:${10_000 + i} as c${i} (p2, c1, k60).\n1795700000: Client c${i} disconnected.\n`;
    }
    const { early, code, stdout, stderr } = await runWithStdinOpen(['sessions', '--format', 'ndjson', '-'], text);
    assert.ok(early.includes('\n'), 'a session was written while stdin was open');
    assert.equal((JSON.parse(early.slice(0, early.indexOf('\n'))) as { client: string }).client, 'c0');
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim().split('\n').length, 2000);
  });

});
