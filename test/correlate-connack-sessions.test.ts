/**
 * Sessions in a log without connection lines (`connection_messages false`, or `log_type` without
 * `notice`): the broker's CONNACK to a client is all that shows a session began, and the client's
 * DISCONNECT, its next CONNACK, the broker's stop or the log's end all that shows it ended.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { type Correlation, Correlator, type Finding, type Session, correlateRecords } from '../src/correlate/index.js';
import { createLineDecoder } from '../src/parse/index.js';
import { describeFinding } from '../src/report/finding-text.js';
import { repoPath } from './support/fixtures.js';
import { startFollow, stopFollows } from './support/follow.js';
import { runCli } from './support/run-cli.js';

/** Real 2.0.11 with `connection_messages false` and `log_type all`: a QoS 1 subscriber, two publishers. */
const quiet = [
  '1796007291: mosquitto version 2.0.11 starting',
  '1796007291: Config loaded from m.conf.',
  '1796007291: Opening ipv4 listen socket on port 18831.',
  '1796007291: mosquitto version 2.0.11 running',
  '1796007292: Sending CONNACK to subby (0, 0)',
  '1796007292: Received SUBSCRIBE from subby',
  '1796007292: \ta/# (QoS 1)',
  '1796007292: subby 1 a/#',
  '1796007292: Sending SUBACK to subby',
  '1796007292: Sending CONNACK to pubby (0, 0)',
  "1796007292: Received PUBLISH from pubby (d0, q1, r0, m1, 'a/b', ... (2 bytes))",
  "1796007292: Sending PUBLISH to subby (d0, q1, r0, m1, 'a/b', ... (2 bytes))",
  '1796007292: Sending PUBACK to pubby (m1, rc0)',
  '1796007292: Received DISCONNECT from pubby',
  '1796007292: Received PUBACK from subby (Mid: 1, RC:0)',
  '1796007292: Sending CONNACK to pubby2 (0, 0)',
  "1796007292: Received PUBLISH from pubby2 (d0, q2, r0, m1, 'a/c', ... (3 bytes))",
  '1796007292: Sending PUBREC to pubby2 (m1, rc0)',
  '1796007292: Received PUBREL from pubby2 (Mid: 1)',
  "1796007292: Sending PUBLISH to subby (d0, q1, r0, m2, 'a/c', ... (3 bytes))",
  '1796007292: Sending PUBCOMP to pubby2 (m1)',
  '1796007292: Received DISCONNECT from pubby2',
  '1796007292: Received PUBACK from subby (Mid: 2, RC:0)',
  '1796007292: Received DISCONNECT from subby',
  '1796007293: mosquitto version 2.0.11 terminating',
];

function correlate(lines: readonly string[]): Correlation {
  const decoder = createLineDecoder('f.log');
  return correlateRecords(lines.map((l) => decoder.decode(l)), { keepFlows: 'all' });
}

const ends = (c: Correlation): unknown[] => c.sessions.map((s) => [s.client, s.endReason, s.startAt.line, s.endAt?.line ?? null, s.endDetail ?? null]);

test('each accepted CONNACK is a session, ended by the DISCONNECT that follows; what the log does not say is null', () => {
  const c = correlate(quiet);
  assert.deepEqual(ends(c), [['pubby', 'disconnect', 10, 14, null], ['pubby2', 'disconnect', 16, 22, null], ['subby', 'disconnect', 5, 24, null]]);
  assert.equal(c.sessionCount, 3);
  assert.equal(c.sessionsFromConnack, 3);
  assert.equal(c.clients, 3);
  const subby = c.sessions.find((s) => s.client === 'subby') as Session;
  assert.deepEqual(
    [subby.fromConnack, subby.address, subby.port, subby.mqttVersion, subby.cleanSession, subby.keepalive, subby.sessionPresent, subby.messagesOut, subby.packetsOut.connack],
    [true, null, null, null, null, null, false, 2, 1],
  );
  // The flows are what they were without sessions: all four complete.
  assert.deepEqual(c.flows.map((f) => [f.client, f.direction, f.state]), [['pubby', 'in', 'complete'], ['subby', 'out', 'complete'], ['pubby2', 'in', 'complete'], ['subby', 'out', 'complete']]);
  // What the log cannot show is said once, about the whole log.
  assert.deepEqual(c.findings.map((f) => f.code === 'no-connection-lines' ? [f.code, f.sessions, f.at] : f.code), [['no-connection-lines', 3, []]]);
  assert.equal(describeFinding(c.findings[0] as Finding), 'the log has no connection lines (New client connected, Client … disconnected: log_type notice with connection_messages true), so keepalive timeouts, socket errors, takeovers and clients the broker dropped could not be checked; 3 session(s) are known by their CONNACK alone');
});

test('the DISCONNECT ends the session as it comes, for a follower to say at once', () => {
  const ended: string[] = [];
  const correlator = new Correlator({ onEvent: (e) => (e.kind === 'session-end' ? ended.push(e.session.client) : undefined) });
  const decoder = createLineDecoder('f.log');
  for (const line of quiet.slice(0, 14)) correlator.push(decoder.decode(line));
  assert.deepEqual(ended, ['pubby']);
});

test('a client accepted again without a DISCONNECT ended its session unseen; the broker stop and the log end close the rest', () => {
  const c = correlate([
    '1796007291: mosquitto version 2.0.11 running',
    '1796007292: Sending CONNACK to flaky (0, 0)',
    '1796007292: Received PINGREQ from flaky',
    '1796007292: Sending PINGRESP to flaky',
    '1796007300: Sending CONNACK to flaky (1, 0)',
    '1796007301: Sending CONNACK to stays (0, 0)',
    '1796007302: Received DISCONNECT from flaky',
    '1796007310: mosquitto version 2.0.11 terminating',
    '1796007320: mosquitto version 2.0.11 running',
    '1796007321: Sending CONNACK to last (0, 0)',
  ]);
  assert.deepEqual(ends(c), [
    ['flaky', 'other', 2, 5, 'not logged; it connected again without a DISCONNECT'],
    ['flaky', 'disconnect', 5, 7, null],
    ['stays', 'broker-shutdown', 6, 8, null],
    ['last', 'open', 10, null, null],
  ]);
  assert.deepEqual(c.sessions.map((s) => s.sessionPresent), [false, true, false, false]);
});

test("the broker's re-send to a session it kept, as the client comes back, is no duplicate", () => {
  const c = correlate([
    '1796007291: mosquitto version 2.0.11 running',
    '1796007292: Sending CONNACK to sub (0, 0)',
    "1796007292: Sending PUBLISH to sub (d0, q1, r0, m3, 't', ... (1 bytes))",
    '1796007300: Sending CONNACK to sub (1, 0)',
    "1796007300: Sending PUBLISH to sub (d1, q1, r0, m3, 't', ... (1 bytes))",
    '1796007300: Received PUBACK from sub (Mid: 3, RC:0)',
  ]);
  assert.deepEqual(c.flows.map((f) => [f.state, f.resumed, f.duplicates]), [['complete', true, 1]]);
  assert.deepEqual(c.findings.map((f) => f.code), ['no-connection-lines']);
});

test('a refused CONNACK is a failed connection, not a session', () => {
  const c = correlate(['1796007291: mosquitto version 2.0.11 running', '1796007292: Sending CONNACK to nope (0, 5)']);
  assert.equal(c.sessionCount, 0);
  assert.deepEqual(c.attempts.map((a) => [a.client, a.outcome]), [['nope', 'not-authorised']]);
});

test('with connection lines, a CONNACK belongs to the session its connect line opened; only one the log begins after is known by its CONNACK', () => {
  const c = correlate([
    '1796007292: Sending CONNACK to early (0, 0)',
    '1796007293: Received DISCONNECT from early',
    '1796007293: Client early disconnected.',
    '1796007294: New connection from 127.0.0.1:5000 on port 1883.',
    '1796007294: New client connected from 127.0.0.1:5000 as later (p2, c1, k60).',
    '1796007294: Sending CONNACK to later (0, 0)',
    '1796007295: Received DISCONNECT from later',
    '1796007295: Client later disconnected.',
  ]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.endReason, s.fromConnack ?? false, s.keepalive]), [['early', 'disconnect', true, null], ['later', 'disconnect', false, 60]]);
  assert.equal(c.sessionsFromConnack, 1);
  // The log has connection lines: what they show is checked.
  assert.ok(!c.findings.some((f) => f.code === 'no-connection-lines'));
  // A session ended once: the end line after the DISCONNECT that ended it is no second session.
  assert.equal(c.sessionCount, 2);
  // Once the log has shown connection lines, the end line ends the session, as it ends the others.
  const afterConnect = correlate([
    '1796007292: Sending CONNACK to early (0, 0)',
    '1796007294: New connection from 127.0.0.1:5000 on port 1883.',
    '1796007294: New client connected from 127.0.0.1:5000 as later (p2, c1, k60).',
    '1796007294: Sending CONNACK to later (0, 0)',
    '1796007295: Received DISCONNECT from early',
    '1796007296: Client early disconnected.',
  ]);
  assert.deepEqual(afterConnect.sessions.map((s) => [s.client, s.endReason, s.endAt?.line ?? null]), [['early', 'disconnect', 6], ['later', 'open', null]]);
});

test('the fixtures, written with connection lines, hold no session known by its CONNACK alone', async () => {
  const { readFile } = await import('node:fs/promises');
  for (const name of ['sample.log', 'takeover.log', 'persistent-session.log', 'handmade/v1.4.log', 'handmade/v2.1.log']) {
    const c = correlate((await readFile(repoPath(`fixtures/${name}`), 'utf8')).split('\n').filter((l) => l !== ''));
    assert.ok(c.sessionCount > 0, name);
    assert.equal(c.sessionsFromConnack, 0, name);
  }
});

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mosqlog-connack-'));
});
afterEach(stopFollows);
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('the commands say which sessions are known by their CONNACK alone', async () => {
  const path = join(dir, 'quiet.log');
  await writeFile(path, `${quiet.join('\n')}\n`);
  const table = (await runCli(['summary', path])).stdout;
  assert.match(table, /3 client id\(s\), 3 session\(s\) \(3 known by the CONNACK alone: the log has no connection lines\), 0 failed connection\(s\)/);
  const json = JSON.parse((await runCli(['summary', '--format', 'json', path])).stdout) as { sessions: unknown };
  assert.deepEqual(json.sessions, { total: 3, byEndReason: { disconnect: 3 }, fromConnack: 3 });
  const listed = JSON.parse((await runCli(['sessions', '--format', 'json', path])).stdout) as { sessions: Array<Record<string, unknown>> };
  assert.deepEqual(listed.sessions.map((s) => [s.client, s.fromConnack, s.keepalive, s.cleanSession]), [['subby', true, null, null], ['pubby', true, null, null], ['pubby2', true, null, null]]);
  const timeline = (await runCli(['timeline', '--client', 'subby', path])).stdout;
  assert.match(timeline, /connected \(known by its CONNACK alone, new session\)/);
  assert.doesNotMatch(timeline, /keepalive|clean|persistent/);

  const run = startFollow(['--from-start', path]);
  await run.until(() => run.stdout().includes('pubby2'), 'the third session');
  assert.equal(await run.stop(), 0);
  assert.match(run.stdout(), /\+ subby connected \(known by its CONNACK alone\)/);
  assert.doesNotMatch(run.stdout(), /unknown address|keepalive null/);
});
