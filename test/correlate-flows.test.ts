/**
 * What a QoS flow's acknowledgements and drops say about the message: whether it was published,
 * which topic a drop was of, and whether a step that came again broke the handshake's order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Correlation, type CorrelatorEvent, Correlator, correlateRecords, selectCorrelation } from '../src/correlate/index.js';
import { createLineDecoder } from '../src/parse/index.js';

function correlate(lines: readonly string[]): Correlation {
  const decoder = createLineDecoder('f.log');
  return correlateRecords(lines.map((l) => decoder.decode(l)), { keepFlows: 'all' });
}

const connected = (t: number, client: string, protocol = 'p2'): string[] => [
  `${t}: New connection from 127.0.0.1:40000 on port 1883.`,
  `${t}: New client connected from 127.0.0.1:40000 as ${client} (${protocol}, c1, k60).`,
  `${t}: Sending CONNACK to ${client} (0, 0)`,
];

test('a QoS 2 message the broker refused at PUBREC (quota exceeded) is not counted as published', () => {
  const c = correlate([
    ...connected(1795838840, 'burst'),
    "1795838841: Received PUBLISH from burst (d0, q2, r0, m1, 'z/z', ... (2 bytes))",
    '1795838841: Sending PUBREC to burst (m1, rc0)',
    "1795838841: Received PUBLISH from burst (d0, q2, r0, m2, 'z/z', ... (2 bytes))",
    '1795838841: Sending PUBREC to burst (m2, rc151)',
    "1795838841: Received PUBLISH from burst (d0, q1, r0, m3, 'z/z', ... (2 bytes))",
    '1795838841: Sending PUBACK to burst (m3, rc151)',
    '1795838841: Received PUBREL from burst (Mid: 1)',
    '1795838841: Sending PUBCOMP to burst (m1)',
    '1795838842: Client burst disconnected.',
  ]);
  assert.deepEqual(c.flows.map((f) => [f.mid, f.state]), [[2, 'refused'], [3, 'refused'], [1, 'complete']]);
  assert.deepEqual(c.topClients, [{ client: 'burst', messages: 1, bytes: 2 }]);
  assert.deepEqual(c.topTopics, [{ topic: 'z/z', messages: 1, bytes: 2 }]);
  // The session counts the packets it received.
  assert.equal(c.sessions[0]?.messagesIn, 3);
});

test('a delivery dropped as too large for the client names its topic, and a --topic selection keeps it', () => {
  const c = correlate([
    ...connected(1795838840, 'tiny', 'p5'),
    ...connected(1795838840, 'pub'),
    "1795838841: Received PUBLISH from pub (d0, q0, r0, m0, 'big/x', ... (80 bytes))",
    "1795838841: Sending PUBLISH to tiny (d0, q0, r0, m0, 'big/x', ... (80 bytes))",
    '1795838841: Dropping too large outgoing PUBLISH for tiny (90 bytes)',
    '1795838842: Outgoing messages are being dropped for client tiny.',
  ]);
  const drops = c.findings.filter((f) => f.code === 'messages-dropped');
  assert.deepEqual(drops.map((f) => ('topic' in f ? f.topic : null)), ['big/x', null]);
  // The queue-full drop is of no one topic.
  const selected = selectCorrelation(c, { topics: ['big/#'] });
  assert.deepEqual(selected.findings.filter((f) => f.code === 'messages-dropped').map((f) => f.at[0]?.line), [9]);
});

test('a PUBREC sent again in answer to a QoS 2 PUBLISH sent again is in order', () => {
  const c = correlate([
    ...connected(1795838840, 'pub'),
    "1795838841: Received PUBLISH from pub (d0, q2, r0, m20, 'd/x', ... (3 bytes))",
    '1795838841: Sending PUBREC to pub (m20, rc0)',
    "1795838841: Received PUBLISH from pub (d1, q2, r0, m20, 'd/x', ... (3 bytes))",
    '1795838841: Sending PUBREC to pub (m20, rc0)',
    '1795838841: Received PUBREL from pub (Mid: 20)',
    '1795838841: Sending PUBCOMP to pub (m20)',
    // Without a PUBLISH sent again, a step that comes twice is out of order.
    "1795838842: Received PUBLISH from pub (d0, q2, r0, m21, 'd/x', ... (3 bytes))",
    '1795838842: Sending PUBREC to pub (m21, rc0)',
    '1795838842: Sending PUBREC to pub (m21, rc0)',
    '1795838842: Received PUBREL from pub (Mid: 21)',
    '1795838842: Sending PUBCOMP to pub (m21)',
  ]);
  assert.deepEqual(c.flows.map((f) => [f.mid, f.state, f.duplicates, f.outOfOrder]), [[20, 'complete', 1, false], [21, 'complete', 0, true]]);
});

test('a queued delivery is not linked to the message the broker dropped for that client as its queue was full', () => {
  const decoder = createLineDecoder('f.log');
  const inbound = (mid: number): string[] => [
    `1795838841: Received PUBLISH from pub (d0, q2, r0, m${mid}, 'n/a', ... (3 bytes))`,
    `1795838841: Sending PUBREC to pub (m${mid}, rc0)`,
    `1795838841: Received PUBREL from pub (Mid: ${mid})`,
  ];
  const lines = [
    ...connected(1795838840, 'sub'),
    ...connected(1795838840, 'pub'),
    ...inbound(11),
    "1795838841: Sending PUBLISH to sub (d0, q2, r0, m1, 'n/a', ... (3 bytes))",
    '1795838841: Sending PUBCOMP to pub (m11)',
    ...inbound(12),
    '1795838841: Sending PUBCOMP to pub (m12)',
    ...inbound(13),
    '1795838841: Outgoing messages are being dropped for client sub.',
    '1795838841: Sending PUBCOMP to pub (m13)',
    '1795838842: Received PUBREC from sub (Mid: 1)',
    '1795838842: Sending PUBREL to sub (m1)',
    '1795838842: Received PUBCOMP from sub (Mid: 1)',
    // Queued: m12's delivery, not m13's, which was dropped.
    "1795838842: Sending PUBLISH to sub (d0, q2, r0, m2, 'n/a', ... (3 bytes))",
  ];
  const c = correlateRecords(lines.map((l) => decoder.decode(l)), { keepFlows: 'all', traceOrigins: true });
  const deliveries = c.flows.filter((f) => f.direction === 'out');
  assert.deepEqual(deliveries.map((f) => [f.mid, f.origin?.mid]), [[1, 11], [2, undefined]]);
});

describe('flows stalled while their client is connected, for a followed log', () => {
  const start = 1795700000;
  const lines = [
    `${start}: New client connected from 10.0.0.1:5000 as slow (p2, c1, k60).`,
    `${start + 1}: Sending PUBLISH to slow (d0, q1, r0, m7, 'a/b', ... (3 bytes))`,
    `${start + 2}: New client connected from 10.0.0.2:5000 as away (p2, c0, k60).`,
    `${start + 2}: Sending PUBLISH to away (d0, q1, r0, m1, 'a/b', ... (3 bytes))`,
    `${start + 3}: Client away closed its connection.`,
    `${start + 4}: Received PUBLISH from slow (d0, q2, r0, m3, 'c/d', ... (4 bytes))`,
    `${start + 4}: Sending PUBREC to slow (m3, rc0)`,
    `${start + 4}: Received PUBREL from slow (m3)`,
    `${start + 4}: Sending PUBCOMP to slow (m3)`,
  ];
  /** Feeds `lines`, then moves the log's time on to `quietUntil` (seconds after `start`) without a line. */
  const stalls = (watch: { announce: boolean }, more: readonly string[] = [], quietUntil?: number): Array<Extract<CorrelatorEvent, { kind: 'flow-stalled' }>> => {
    const events: Array<Extract<CorrelatorEvent, { kind: 'flow-stalled' }>> = [];
    const correlator = new Correlator({ watchStalledFlows: true, onEvent: (e) => { if (e.kind === 'flow-stalled') events.push(e); } });
    correlator.announceStalledFlows = watch.announce;
    const decoder = createLineDecoder('f.log');
    for (const line of [...lines, ...more]) correlator.push(decoder.decode(line));
    if (quietUntil !== undefined) correlator.quietUntil((start + quietUntil) * 1000);
    return events;
  };

  test('a message unanswered for 30 s while its client is connected is said once, by the log\'s time or the quiet clock', () => {
    const byLine = stalls({ announce: true }, [`${start + 40}: Received PINGREQ from slow`, `${start + 50}: Received PINGREQ from slow`]);
    assert.deepEqual(byLine.map((e) => [e.flow.client, e.flow.mid, e.awaiting, e.since / 1000 - start, e.time / 1000 - start]), [['slow', 7, 'puback', 1, 31]]);
    // The client kept away is waited for; the completed QoS 2 message waits for nothing.
    const byClock = stalls({ announce: true }, [], 31);
    assert.deepEqual(byClock.map((e) => [e.flow.client, e.flow.mid]), [['slow', 7]]);
    assert.deepEqual(stalls({ announce: true }, [], 30.5), [], 'not before 30 s');
  });

  test('an answer, or the session ending, before 30 s says nothing; nor does a watch not announcing', () => {
    assert.deepEqual(stalls({ announce: true }, [`${start + 20}: Received PUBACK from slow (Mid: 7, RC:0)`], 60), []);
    assert.deepEqual(stalls({ announce: true }, [`${start + 20}: Client slow closed its connection.`], 60), []);
    assert.deepEqual(stalls({ announce: false }, [], 60), []);
  });

  test('each step starts a new wait: a QoS 2 message answered with PUBREC, then waiting for PUBREL', () => {
    const events = stalls({ announce: true }, [
      `${start + 5}: Received PUBLISH from slow (d0, q2, r0, m4, 'c/d', ... (4 bytes))`,
      `${start + 20}: Sending PUBREC to slow (m4, rc0)`,
      `${start + 20}: Received PUBACK from slow (Mid: 7, RC:0)`,
    ], 49);
    assert.deepEqual(events, []);
    const later = stalls({ announce: true }, [
      `${start + 5}: Received PUBLISH from slow (d0, q2, r0, m4, 'c/d', ... (4 bytes))`,
      `${start + 20}: Sending PUBREC to slow (m4, rc0)`,
      `${start + 20}: Received PUBACK from slow (Mid: 7, RC:0)`,
    ], 50);
    assert.deepEqual(later.map((e) => [e.flow.mid, e.awaiting, e.since / 1000 - start]), [[4, 'pubrel', 20]]);
  });
});

describe('a flow settles once it will change no more', () => {
  /** The flow events in order, each as `kind mid state steps`. */
  function flowEvents(lines: readonly string[]): string[] {
    const decoder = createLineDecoder('f.log');
    const events: string[] = [];
    const c = new Correlator({
      keepFlows: 'none',
      onEvent: (e: CorrelatorEvent) => {
        if (e.kind === 'flow-start' || e.kind === 'flow-end' || e.kind === 'flow-settled') events.push(`${e.kind} m${e.flow.mid} ${e.flow.state} ${e.flow.steps.length}`);
      },
    });
    for (const line of lines) c.push(decoder.decode(line));
    c.finish();
    return events;
  }

  test('a QoS 2 flow refused at PUBREC settles with its PUBCOMP, which joins its steps; others as they end', () => {
    assert.deepEqual(flowEvents([
      ...connected(1795838840, 'burst', 'p5'),
      "1795838841: Received PUBLISH from burst (d0, q2, r0, m2, 'z/z', ... (2 bytes))",
      '1795838841: Sending PUBREC to burst (m2, rc151)',
      "1795838841: Received PUBLISH from burst (d0, q1, r0, m3, 'z/z', ... (2 bytes))",
      '1795838841: Sending PUBACK to burst (m3, rc0)',
      '1795838841: Received PUBREL from burst (Mid: 2)',
      '1795838841: Sending PUBCOMP to burst (m2)',
      "1795838842: Received PUBLISH from burst (d0, q1, r0, m5, 'z/z', ... (2 bytes))",
    ]), [
      'flow-start m2 in-flight 1', 'flow-end m2 refused 2',
      'flow-start m3 in-flight 1', 'flow-end m3 complete 2', 'flow-settled m3 complete 2',
      'flow-settled m2 refused 4',
      'flow-start m5 in-flight 1', 'flow-end m5 in-flight 1', 'flow-settled m5 in-flight 1',
    ]);
  });

  test('one refused at PUBREC whose PUBCOMP never comes settles when the log ends; one in flight as it is given up', () => {
    assert.deepEqual(flowEvents([
      ...connected(1795838840, 'burst', 'p5'),
      "1795838841: Received PUBLISH from burst (d0, q2, r0, m2, 'z/z', ... (2 bytes))",
      '1795838841: Sending PUBREC to burst (m2, rc151)',
      "1795838841: Received PUBLISH from burst (d0, q2, r0, m4, 'z/z', ... (2 bytes))",
    ]), [
      'flow-start m2 in-flight 1', 'flow-end m2 refused 2',
      'flow-start m4 in-flight 1', 'flow-end m4 in-flight 1', 'flow-settled m4 in-flight 1',
      'flow-settled m2 refused 2',
    ]);
  });
});
