/**
 * The timeline written as its entries settle (`timeline --format json|ndjson`) is the timeline
 * kept in memory (`--format table`): the same entries, in the same order, as they are at the end.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Correlator, TimelineBuilder, type TimelineEntry, type TimelineSink } from '../src/correlate/index.js';
import { TimelineList } from '../src/correlate/timeline.js';
import { createLineDecoder } from '../src/parse/index.js';

/**
 * Reads `lines` as the CLI does: each record to the correlator, then to the builder, which keeps
 * at most `limit` entries; `afterLine` looks on after each line.
 */
function feed(lines: readonly string[], sink: TimelineSink | null, { limit = Infinity, afterLine = (): void => undefined } = {}): TimelineBuilder {
  const decoder = createLineDecoder('f.log');
  const builder = new TimelineBuilder(() => true, false, limit, { since: null, until: null }, sink);
  const correlator = new Correlator({ onEvent: (e) => builder.onEvent(e), keepSessions: false, keepFlows: 'none', traceOrigins: true });
  for (const line of lines) {
    const r = decoder.decode(line);
    correlator.push(r);
    builder.onRecord(r);
    afterLine();
  }
  correlator.finish();
  return builder;
}

/** The timeline of `lines`, given to `sink` or, without one, kept in memory. */
function build(lines: readonly string[], sink: TimelineSink | null): TimelineEntry[] {
  return feed(lines, sink).finish();
}

/** The entries written, each as it was when its place was filled, and those kept in memory, as they are at the end. */
function both(lines: readonly string[]): { written: string[]; kept: string[] } {
  const written: string[] = [];
  const places: Array<{ entries: string[] | null }> = [];
  const sink: TimelineSink<{ entries: string[] | null }> = {
    reserve: () => {
      const place = { entries: null };
      places.push(place);
      return place;
    },
    fill: (place, entries) => {
      assert.equal(place.entries, null, 'a place filled twice');
      place.entries = entries.map((e) => JSON.stringify(e));
    },
  };
  build(lines, sink);
  for (const place of places) {
    assert.notEqual(place.entries, null, 'a place never filled');
    written.push(...(place.entries ?? []));
  }
  return { written, kept: build(lines, null).map((e) => JSON.stringify(e)) };
}

/** Each entry as `kind client line`, with what tells these tests apart. */
function brief(entries: readonly string[]): string[] {
  return entries.map((text) => {
    const e = JSON.parse(text) as TimelineEntry;
    const filters = e.kind === 'subscribe' ? ` ${e.filters.map((f) => `${f.filter}${f.denied ? ' denied' : ''}`).join(',')}` : '';
    return `${e.kind} ${e.client} ${e.at.line}${filters}`;
  });
}

test('a filter a later grant line shows was denied is written denied: its entry is written once it is marked', () => {
  const { written, kept } = both([
    '1700000000: mosquitto version 2.0.11 starting',
    '1700000000: New connection from 127.0.0.1:5000 on port 1883.',
    '1700000000: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k60).',
    '1700000000: Sending CONNACK to c1 (0, 0)',
    '1700000001: Received SUBSCRIBE from c1',
    '1700000001: \tsecret/# (QoS 1)',
    '1700000001: Sending SUBACK to c1',
    '1700000002: Received DISCONNECT from c1',
    '1700000002: Client c1 disconnected.',
    '1700000003: New connection from 127.0.0.1:5001 on port 1883.',
    '1700000003: New client connected from 127.0.0.1:5001 as c2 (p2, c1, k60).',
    '1700000003: Sending CONNACK to c2 (0, 0)',
    '1700000004: Received SUBSCRIBE from c2',
    '1700000004: \ta/b (QoS 1)',
    '1700000004: c2 1 a/b',
    '1700000004: Sending SUBACK to c2',
  ]);
  assert.ok(brief(written).includes('subscribe c1 6 secret/# denied'));
  // The session's count of subscriptions leaves the filter out too: its entries wait for it.
  assert.deepEqual(written, kept);
  const ofC1 = written.map((text) => JSON.parse(text) as TimelineEntry).flatMap((e) => (e.kind === 'connect' || e.kind === 'end') && e.client === 'c1' ? [e.session.subscriptions] : []);
  assert.deepEqual(ofC1, [0, 0]);
});

test('a run of takeovers is written once it is over: its finding counts every takeover of the run', () => {
  const lines = ['1700000000: mosquitto version 2.0.11 starting'];
  for (let i = 0; i < 5; i++) {
    const t = 1700000010 + i * 10;
    lines.push(`${t}: New connection from 127.0.0.1:${5000 + i} on port 1883.`);
    if (i > 0) lines.push(`${t}: Client c1 already connected, closing old connection.`);
    lines.push(`${t}: New client connected from 127.0.0.1:${5000 + i} as c1 (p2, c1, k60).`, `${t}: Sending CONNACK to c1 (0, 0)`);
  }
  // Another client ten minutes on: the run is over before the log is.
  lines.push('1700000700: New connection from 127.0.0.1:6000 on port 1883.', '1700000700: New client connected from 127.0.0.1:6000 as c2 (p2, c1, k60).');
  const { written, kept } = both(lines);
  assert.deepEqual(written, kept);
  const flapping = written.map((text) => JSON.parse(text) as TimelineEntry).flatMap((e) => (e.kind === 'finding' && e.finding.code === 'takeover-flapping' ? [e.finding] : []));
  assert.deepEqual(flapping.map((f) => f.code === 'takeover-flapping' && [f.takeovers, f.windowMs]), [[4, 30_000]]);
});

test('an attempt a guess took for one connection, which a later line shows was another, is written as the other', () => {
  const { written, kept } = both([
    '1700000001: New connection from 10.0.0.1:1111 on port 1883.',
    '1700000001: New connection from 10.0.0.2:2222 on port 1883.',
    '1700000001: Client <unknown> closed its connection.',
    '1700000001: New client connected from 10.0.0.2:2222 as b (p2, c1, k60).',
  ]);
  assert.deepEqual(written, kept);
  const attempts = written.map((text) => JSON.parse(text) as TimelineEntry).flatMap((e) => (e.kind === 'attempt' ? [`${e.attempt.address}:${e.attempt.port}`] : []));
  assert.deepEqual(attempts, ['10.0.0.1:1111']);
});

test('a request with a `(denied)` topic line (2.1) is written once its SUBACK is sent, not when the log ends', () => {
  const filled: string[] = [];
  const sink: TimelineSink<number> = {
    reserve: () => 0,
    fill: (_place, entries) => {
      for (const e of entries) filled.push(e.kind);
    },
  };
  const lines = [
    '1700000000: mosquitto version 2.1.0 starting',
    '1700000000: New connection from 127.0.0.1:5000 on port 1883.',
    '1700000000: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k60).',
    '1700000000: Sending CONNACK to c1 (0, 0)',
    '1700000001: Received SUBSCRIBE from c1',
    '1700000001: \tsecret/# (denied)',
    '1700000001: \ta/b (QoS 1)',
    '1700000001: c1 1 a/b',
    '1700000001: Sending SUBACK to c1',
    '1700000002: Received DISCONNECT from c1',
    '1700000002: Client c1 disconnected.',
  ];
  const decoder = createLineDecoder('f.log');
  const builder = new TimelineBuilder(() => true, false, Infinity, { since: null, until: null }, sink);
  const correlator = new Correlator({ onEvent: (e) => builder.onEvent(e) });
  for (const line of lines) {
    const r = decoder.decode(line);
    correlator.push(r);
    builder.onRecord(r);
  }
  // Before the log ends: the session is over, and so is its request.
  assert.deepEqual(filled.sort(), ['connect', 'end', 'subscribe']);
  correlator.finish();
  builder.finish();
  const { written, kept } = both(lines);
  assert.deepEqual(written, kept);
});

test("the silence of a log's first client, which connected before any packet line, follows its connect", () => {
  const { written, kept } = both([
    '1700000000: mosquitto version 2.0.11 starting',
    '1700000001: New connection from 127.0.0.1:5000 on port 1883.',
    '1700000001: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k10).',
    '1700000001: Sending CONNACK to c1 (0, 0)',
    '1700000002: New connection from 127.0.0.1:5001 on port 1883.',
    '1700000002: New client connected from 127.0.0.1:5001 as c2 (p2, c1, k0).',
    '1700000002: Sending CONNACK to c2 (0, 0)',
    '1700000040: Sending PUBLISH to c1 (d0, q0, r0, m0, \'a/b\', ... (3 bytes))',
    '1700000041: Received PINGREQ from c1',
    '1700000041: Sending PINGRESP to c1',
  ]);
  assert.deepEqual(brief(written), ['connect c1 3', 'gap c1 9', 'connect c2 6', 'message c1 8', 'pings c1 9']);
  assert.deepEqual(written, kept);
});

test('the sessions of bridges that connected together are written once a later line shows which bridge each is', () => {
  const lines = [
    '1795000000: mosquitto version 2.0.11 starting',
    '1795000000: Connecting bridge (step 1) east (127.0.0.1:1884)',
    '1795000000: Connecting bridge (step 1) west (127.0.0.1:1885)',
    '1795000001: Connecting bridge (step 2) east (127.0.0.1:1884)',
    '1795000001: Connecting bridge (step 2) west (127.0.0.1:1885)',
    '1795000001: Bridge edge-w sending CONNECT',
    '1795000001: Bridge edge-e sending CONNECT',
    '1795000001: Received CONNACK on connection local.edge-w.',
    '1795000001: Received CONNACK on connection local.edge-e.',
    '1795000010: Client local.edge-w closed its connection.',
    '1795000013: Connecting bridge (step 1) west (127.0.0.1:1885)',
    '1795000013: Connecting bridge (step 2) west (127.0.0.1:1885)',
    '1795000013: Bridge edge-w sending CONNECT',
    '1795000013: Received CONNACK on connection local.edge-w.',
    '1795000030: mosquitto version 2.0.11 terminating',
  ];
  const { written, kept } = both(lines);
  assert.deepEqual(written, kept);
  const sessions = written.map((text) => JSON.parse(text) as TimelineEntry).flatMap((e) => (e.kind === 'connect' ? [`${e.client} ${e.session.outgoingBridge} ${e.session.port}`] : []));
  assert.deepEqual(sessions, ['local.edge-w west 1885', 'local.edge-e east 1884', 'local.edge-w west 1885']);
});

test('kept in memory up to a limit: once the entries kept and waiting reach it, those after are counted, not held', () => {
  // The session stays open to the log's end, so its connect entry holds every entry after it.
  const lines = ['1795700000: New client connected from 127.0.0.1:50000 as c1 (p2, c1, k60).'];
  for (let i = 1; i <= 1000; i++) lines.push(`${1795700000 + i}: Received PUBLISH from c1 (d0, q0, r0, m0, 'a/b', ... (1 bytes))`);
  const list = new TimelineList(10);
  let mostWaiting = 0;
  feed(lines, list, { limit: 10, afterLine: () => (mostWaiting = Math.max(mostWaiting, list.waiting)) }).finish();
  // The limit, and the few entries whose places were taken before it was reached.
  assert.ok(mostWaiting <= 15, `entries waiting behind the connect: at most ${mostWaiting}`);
  assert.deepEqual(brief(list.entries.map((e) => JSON.stringify(e))), ['connect c1 1', ...Array.from({ length: 9 }, (_, i) => `message c1 ${i + 2}`)]);
  assert.equal(list.omitted, 991);
  const whole = feed(lines, null, { limit: 10 });
  assert.deepEqual([whole.finish(), whole.omitted], [list.entries, 991]);
});
