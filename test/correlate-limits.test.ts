/**
 * What the correlator says at and past its bounds: the distinct client ids it counts exactly,
 * and the takeovers it keeps to tell a flapping id.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Correlation, type Finding, type Flow, correlateRecords } from '../src/correlate/index.js';
import { StallWatch } from '../src/correlate/stall-watch.js';
import { TroubledClients } from '../src/correlate/stats.js';
import { createLineDecoder } from '../src/parse/index.js';
import { describeFinding } from '../src/report/finding-text.js';
import { endedSession } from './support/session-lines.js';

function correlate(lines: readonly string[], maxOpen?: number): Correlation {
  const decoder = createLineDecoder('f.log');
  return correlateRecords(lines.map((l) => decoder.decode(l)), maxOpen === undefined ? {} : { maxOpen });
}

/** A client that connects and disconnects at `t`. */
const visit = (t: number, client: string): string[] => [
  `${t}: New connection from 10.0.0.1:10000 on port 1883.`,
  `${t}: New client connected from 10.0.0.1:10000 as ${client} (p2, c1, k60).`,
  `${t}: Client ${client} disconnected.`,
];

test('as many distinct ids as the cap are counted exactly; one more makes the count a lower bound', () => {
  const five = ['c0', 'c1', 'c2', 'c3', 'c4'].flatMap((c) => visit(1700000000, c));
  assert.deepEqual([correlate(five, 5).clients, correlate(five, 5).clientsCapped], [5, false]);
  const six = [...five, ...visit(1700000001, 'c5')];
  assert.deepEqual([correlate(six, 5).clients, correlate(six, 5).clientsCapped], [5, true]);
});

test('clients whose sessions end in trouble are counted by how, the most first; past the cap those with the fewest are let go and the counts are lower bounds', () => {
  const c = correlate([
    ...endedSession(1700000000, 'flaky', 'Client %s has exceeded timeout, disconnecting.'),
    ...endedSession(1700000100, 'flaky', 'Socket error on client %s, disconnecting.'),
    ...endedSession(1700000200, 'flaky', 'Client %s has exceeded timeout, disconnecting.'),
    ...endedSession(1700000300, 'once', 'Client %s has exceeded timeout, disconnecting.'),
    ...endedSession(1700000400, 'polite', 'Client %s disconnected.'),
    ...endedSession(1700000500, 'polite', 'Client %s closed its connection.'),
  ]);
  // Each of these sessions ends in the second it began.
  assert.deepEqual(c.troubledClients, [
    { client: 'flaky', ends: 3, byEndReason: { timeout: 2, 'socket-error': 1 }, shortestMs: 0, longestMs: 0 },
    { client: 'once', ends: 1, byEndReason: { timeout: 1 }, shortestMs: 0, longestMs: 0 },
  ]);
  assert.equal(c.troubledClientsCapped, false);
  const capped = new TroubledClients(4);
  for (const [client, n] of [['a', 5], ['b', 1], ['c', 2], ['d', 1]] as const) for (let i = 0; i < n; i++) capped.add(client, 'timeout', null);
  capped.add('e', 'timeout', 9000);
  capped.add('b', 'timeout', 3000);
  capped.add('e', 'timeout', 1000);
  assert.deepEqual(capped.top(10).map((t) => [t.client, t.ends, t.shortestMs, t.longestMs]), [['a', 5, null, null], ['c', 2, null, null], ['e', 2, 1000, 9000], ['b', 1, 3000, 3000]]);
  assert.equal(capped.capped, true);
});

test('past the cap, the end of a session begun before the log is still reported, and a 1.x echo of an end is not', () => {
  const c = correlate([
    ...['c0', 'c1', 'c2', 'c3', 'c4', 'c5'].flatMap((c) => visit(1700000000, c)),
    '1700000010: New connection from 10.0.0.2:10000 on port 1883.',
    '1700000010: New client connected from 10.0.0.2:10000 as seen (p2, c1, k5).',
    '1700000020: Client seen has exceeded timeout, disconnecting.',
    '1700000020: Socket error on client seen, disconnecting.',
    '1700000021: Client late has exceeded timeout, disconnecting.',
    '1700000021: Socket error on client late2, disconnecting.',
  ], 5);
  assert.equal(c.clientsCapped, true);
  assert.deepEqual(c.findings.filter((f) => f.code !== 'no-debug-lines').map((f) => [f.code, f.client]), [
    ['keepalive-timeout', 'seen'], ['keepalive-timeout', 'late'], ['socket-error', 'late2'],
  ]);
});

test('an id taken over three times within five minutes flaps once, and again after a quiet spell', () => {
  const takeover = (t: number): string[] => [
    `${t}: New connection from 10.0.0.1:10000 on port 1883.`,
    `${t}: Client same already connected, closing old connection.`,
    `${t}: New client connected from 10.0.0.1:10000 as same (p2, c1, k60).`,
  ];
  const start = 1700000000;
  const c = correlate([
    `${start}: New connection from 10.0.0.1:10000 on port 1883.`,
    `${start}: New client connected from 10.0.0.1:10000 as same (p2, c1, k60).`,
    // Five within the window flap once, at the third.
    ...[1, 2, 3, 4, 5].flatMap((s) => takeover(start + s)),
    // An hour later, three more flap again.
    ...[3600, 3601, 3602].flatMap((s) => takeover(start + s)),
  ]);
  const flaps = c.findings.filter((f) => f.code === 'takeover-flapping');
  assert.deepEqual(flaps.map((f) => (f.time ?? 0) / 1000 - start), [3, 3602]);
  // The first run is five takeovers in four seconds, with a line of each (the third's, which made it, first); the second, three in two.
  assert.deepEqual(flaps.map((f) => f.code === 'takeover-flapping' && [f.takeovers, f.windowMs, f.at.map((at) => at.line)]), [[5, 4000, [10, 4, 7, 13, 16]], [3, 2000, [25, 19, 22]]]);
  assert.match(describeFinding(flaps[0] as Finding), /^same was taken over 5 times in 4s: two clients share this id$/);
});

test('takeovers all within one second flap in under a second, not in 0ms', () => {
  const start = 1700000000;
  const c = correlate([
    `${start}: New connection from 10.0.0.1:10000 on port 1883.`,
    `${start}: New client connected from 10.0.0.1:10000 as same (p2, c1, k60).`,
    ...[1, 2, 3].flatMap(() => [
      `${start}: New connection from 10.0.0.1:10000 on port 1883.`,
      `${start}: Client same already connected, closing old connection.`,
      `${start}: New client connected from 10.0.0.1:10000 as same (p2, c1, k60).`,
    ]),
  ]);
  const flap = c.findings.find((f) => f.code === 'takeover-flapping');
  assert.ok(flap);
  assert.match(describeFinding(flap), /^same was taken over 3 times in under a second: two clients share this id$/);
});

test('an example of a line not understood is cut at 200 units, before an emoji rather than through it', () => {
  const split = `${'x'.repeat(199)}\u{1F600}tail`;
  const whole = `${'y'.repeat(198)}\u{1F600}tail`;
  const c = correlate([split, whole]);
  assert.deepEqual(c.unknownExamples, ['x'.repeat(199), `${'y'.repeat(198)}\u{1F600}`]);
});

test('a topic longer than a line, cut at another place in each client\'s line, is one of the busiest topics, not one per cut', () => {
  const topic = `e/${'T'.repeat(1200)}`;
  const publish = (client: string): string => `1700000000: Received PUBLISH from ${client} (d0, q0, r0, m0, '${topic}', ... (5 bytes))`.slice(0, 999);
  const c = correlate([...['a', 'bb', 'ccc'].map(publish), "1700000001: Received PUBLISH from a (d0, q0, r0, m0, 'e/short', ... (5 bytes))"]);
  const cut = publish('ccc').slice(publish('ccc').indexOf("'") + 1);
  assert.deepEqual(c.topTopics.map((t) => [t.topic, t.messages]), [[`${cut}…`, 3], ['e/short', 1]]);
});

test('a client and topics whose every message the broker refused at its acknowledgement are not among the busiest', () => {
  const c = correlate([
    '1795855856: New connection from 127.0.0.1:59082 on port 21851.',
    '1795855856: New client connected from 127.0.0.1:59082 as s15-pub (p5, c1, k60).',
    "1795855856: Received PUBLISH from s15-pub (d0, q2, r0, m3, 'in/3', ... (2 bytes))",
    '1795855856: Sending PUBREC to s15-pub (m3, rc151)',
    "1795855856: Received PUBLISH from s15-pub (d0, q1, r0, m4, 'in/4', ... (2 bytes))",
    '1795855856: Sending PUBACK to s15-pub (m4, rc151)',
  ]);
  assert.deepEqual([c.topClients, c.topTopics], [[], []]);
});

test("a v5 client's PUBREC the broker warns it no longer knows, then answers with PUBREL, accepted the message", () => {
  // mosquitto 2.0.11: the message expired in the resumed session before the client acknowledged it.
  const c = correlate([
    '1795855908: New connection from 127.0.0.1:38810 on port 1883.',
    '1795855908: New client connected from 127.0.0.1:38810 as s16-sub (p5, c0, k60).',
    "1795855908: Sending PUBLISH to s16-sub (d0, q2, r0, m1, 'e/1', ... (1 bytes))",
    '1795855908: Client s16-sub closed its connection.',
    '1795855910: New connection from 127.0.0.1:38826 on port 1883.',
    '1795855910: New client connected from 127.0.0.1:38826 as s16-sub (p5, c0, k60).',
    '1795855910: Sending CONNACK to s16-sub (1, 0)',
    '1795855911: Received PUBREC from s16-sub (Mid: 1)',
    '1795855911: Warning: Received PUBREC from s16-sub for an unknown packet identifier 1.',
    '1795855911: Sending PUBREL to s16-sub (m1)',
    '1795855911: Received PUBCOMP from s16-sub (Mid: 1, RC:0)',
  ]);
  assert.deepEqual(c.findings.filter((f) => f.code !== 'no-debug-lines').map((f) => f.code), []);
  assert.equal(c.flowTotals.qos2.complete, 1);
});

test('a connection that waited over ten minutes for its CONNECT had none: it is counted when its address connects again, or at a sweep, not held', () => {
  const given: string[] = [];
  const c = correlateRecords([
    // Two connections whose ends went elsewhere, from two addresses; a third waits five minutes.
    '1700000000: New connection from 10.0.0.1:1001 on port 1883.',
    '1700000000: New connection from 10.0.0.2:2001 on port 1883.',
    '1700000300: New connection from 10.0.0.1:1002 on port 1883.',
    '1700000601: New connection from 10.0.0.1:1003 on port 1883.',
    // The older of 10.0.0.1's is given up; the one five minutes old still takes its CONNECT.
    '1700000602: New client connected from 10.0.0.1:1002 as slow (p2, c1, k60).',
    '1700000603: New client connected from 10.0.0.1:1003 as quick (p2, c1, k60).',
  ].map(createLineDecoder('f.log').decode), { onEvent: (e) => {
    if (e.kind === 'attempt') given.push(`${e.attempt.address}:${e.attempt.port} ${e.attempt.outcome}`);
  } });
  // 10.0.0.2's is counted when the log ends: no sweep came.
  assert.deepEqual(given, ['10.0.0.1:1001 no-connect', '10.0.0.2:2001 no-connect']);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.listenerPort]), [['slow', 1883], ['quick', 1883]]);
  assert.equal(c.attemptCount, 2);

  // Thousands of connections later, a sweep gives up the old ones of every address.
  given.length = 0;
  const decoder = createLineDecoder('f.log');
  const lines = ['1700000000: New connection from 10.0.0.9:9000 on port 1883.'];
  for (let i = 0; i < 4096; i++) lines.push(`${1700000700 + i}: New connection from 10.1.${i >> 8}.${i & 255}:1 on port 1883.`, `${1700000700 + i}: New client connected from 10.1.${i >> 8}.${i & 255}:1 as c${i} (p2, c1, k60).`);
  correlateRecords(lines.map(decoder.decode), { onEvent: (e) => {
    if (e.kind === 'attempt') given.push(`${e.attempt.address} ${e.attempt.outcome}`);
    if (e.kind === 'session-start' && e.session.client === 'c4095') given.push('last session');
  } });
  assert.deepEqual(given, ['10.0.0.9 no-connect', 'last session']);
});

test('the stall watch of a busy followed log holds waits in proportion to the flows in flight, and still names a flow that stalls', () => {
  const watch = new StallWatch();
  const stalled = { state: 'in-flight' } as Flow;
  watch.stepped(stalled, 0);
  let said: Flow[] = [];
  // A million flows that complete within a millisecond, one after another, over 100 s.
  for (let i = 1; i <= 1_000_000; i++) {
    const time = i / 10;
    const flow = { state: 'in-flight' } as Flow;
    watch.stepped(flow, time);
    flow.state = 'complete';
    watch.ended(flow);
    said = [...said, ...[...watch.overdue(time)].map((o) => o.flow)];
    assert.ok(watch.held <= 2 * 2 + 1024 + 1, `${watch.held} waits held at flow ${i}`);
  }
  assert.deepEqual(said, [stalled]);
});
