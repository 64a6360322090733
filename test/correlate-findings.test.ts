/**
 * Findings from short hand-written logs: the cases where what the log leaves out (its start, its
 * packet lines) changes what can be said.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Correlation, Correlator, type CorrelatorEvent, type Finding, TimelineBuilder, type TimelineEntry, correlateRecords, endpoint } from '../src/correlate/index.js';
import { type LogRecord, createLineDecoder, parseLine } from '../src/parse/index.js';
import { describeFinding, describeFlowState } from '../src/report/finding-text.js';
import { renderTimelineText } from '../src/report/timeline.js';
import { plainContext } from './support/ci-report.js';

function records(lines: readonly string[]): LogRecord[] {
  return lines.map((text, i) => parseLine(text, { file: 'f.log', line: i + 1 }));
}

/**
 * A followed log of `lines` whose time then goes on, line-less, to each of `quiet` in turn: the
 * codes of the findings said by then, at each.
 */
function saidWhileQuiet(lines: readonly string[], quiet: readonly number[]): string[][] {
  const events: CorrelatorEvent[] = [];
  const followed = new Correlator({ onEvent: (e) => events.push(e) });
  for (const r of records(lines)) followed.push(r);
  return quiet.map((time) => {
    followed.quietUntil(time);
    return events.flatMap((e) => (e.kind === 'finding' ? [e.finding.code] : []));
  });
}

function correlate(lines: readonly string[]): Correlation {
  return correlateRecords(records(lines), { keepFlows: 'all' });
}

/** Correlates `lines` decoded in order, each with the one before (as topic lines need). */
function decoded(lines: readonly string[]): Correlation {
  const decoder = createLineDecoder('f.log');
  return correlateRecords(lines.map((l) => decoder.decode(l)));
}

/** {@link decoded}, with a timeline of every client built alongside. */
function decodedWithTimeline(lines: readonly string[]): { c: Correlation; timeline: TimelineEntry[] } {
  const decoder = createLineDecoder('f.log');
  const builder = new TimelineBuilder(() => true);
  const correlator = new Correlator({ onEvent: (e: CorrelatorEvent) => builder.onEvent(e) });
  for (const line of lines) {
    const r = decoder.decode(line);
    correlator.push(r);
    builder.onRecord(r);
  }
  const c = correlator.finish();
  return { c, timeline: builder.finish() };
}

/** Correlates `lines` with a timeline of every client built alongside, as `mosqlog timeline` does. */
function withTimeline(lines: readonly string[]): { c: Correlation; timeline: TimelineEntry[] } {
  const builder = new TimelineBuilder(() => true);
  const correlator = new Correlator({ onEvent: (e: CorrelatorEvent) => builder.onEvent(e) });
  // Each record after the correlator has seen it, as `mosqlog timeline` feeds it.
  for (const r of records(lines)) {
    correlator.push(r);
    builder.onRecord(r);
  }
  const c = correlator.finish();
  return { c, timeline: builder.finish() };
}

/** The timeline text of the first entry of `kind`. */
function entryText(timeline: readonly TimelineEntry[], kind: TimelineEntry['kind']): string {
  const entry = timeline.find((e) => e.kind === kind);
  assert.ok(entry, `a ${kind} entry`);
  return renderTimelineText({ entries: [entry], debugLines: true, wholeSeconds: false }, plainContext);
}

/** Each finding as `code client line…`. */
function findingsOf(c: Correlation): string[] {
  return c.findings.map((f) => `${f.code} ${f.client ?? '-'} ${f.at.map((a) => a.line).join(',')}`);
}

test('a log that begins after its clients connected still reports their timeouts, protocol errors and takeovers', () => {
  const c = correlate([
    '1795700000: Client shared-id already connected, closing old connection.',
    '1795700000: New connection from 10.0.0.2:40002 on port 1883.',
    '1795700000: New client connected from 10.0.0.2:40002 as shared-id (p2, c1, k60).',
    '1795700001: Client protobad disconnected due to protocol error.',
    '1795700002: Client long-lived has exceeded timeout, disconnecting.',
    '1795700003: Client quiet closed its connection.',
  ]);
  assert.deepEqual(findingsOf(c), ['keepalive-timeout long-lived 5', 'protocol-error protobad 4', 'takeover shared-id 1,3', 'no-debug-lines - ']);
  const timeout = c.findings.find((f) => f.code === 'keepalive-timeout');
  assert.deepEqual(timeout && [timeout.keepalive, timeout.gapMs], [null, null]);
  const takeover = c.findings.find((f) => f.code === 'takeover');
  assert.deepEqual(takeover && [takeover.oldAddress, takeover.newAddress], [null, '10.0.0.2:40002']);
  // Only the session whose start the log shows is listed.
  assert.deepEqual(c.sessions.map((s) => s.client), ['shared-id']);
});

test('a session begun before the log: its timeout measures the silence from its last packet in the log', () => {
  const c = correlate([
    '1795700000: Received PINGREQ from dev-1',
    '1795700000: Sending PINGRESP to dev-1',
    '1795700010: Received PINGREQ from other',
    '1795700060: Client dev-1 has exceeded timeout, disconnecting.',
    '1795700070: Client other has exceeded timeout, disconnecting.',
    '1795700080: Client quiet has exceeded timeout, disconnecting.',
  ]);
  const timeouts = c.findings.filter((f) => f.code === 'keepalive-timeout');
  assert.deepEqual(timeouts.map((f) => [f.client, f.keepalive, f.lastActivity, f.gapMs]), [
    ['dev-1', null, 1_795_700_000_000, 60_000], ['other', null, 1_795_700_010_000, 60_000], ['quiet', null, null, null],
  ]);
  assert.match(describeFinding(timeouts[0] as Finding), /nothing received for 1m 00s/);
});

test('the timeline of a session begun before the log shows its end, with why; a session it saw begin shows its end once', () => {
  const { timeline } = withTimeline([
    '1795700000: New connection from 10.0.0.2:40002 on port 1883.',
    '1795700000: New client connected from 10.0.0.2:40002 as seen (p2, c1, k60).',
    '1795700001: Client protobad disconnected due to protocol error.',
    '1795700002: Client long-lived has exceeded timeout, disconnecting.',
    '1795700003: Client seen has exceeded timeout, disconnecting.',
  ]);
  assert.deepEqual(timeline.map((e) => `${e.client} ${e.kind} ${e.at.line}`), [
    'seen connect 2', 'protobad end-before-log 3', 'long-lived end-before-log 4', 'seen end 5',
  ]);
  assert.match(entryText(timeline, 'end-before-log'), /session ended: protocol-error; it began before the log/);
});

test("the timeline shows a message sent again as a kept session resumes in the session it was sent in", () => {
  const { timeline } = withTimeline([
    ...connect(1795700000, 'pq2', 0),
    "1795700001: Sending PUBLISH to pq2 (d0, q2, r0, m1, 'home/cmd', ... (2 bytes))",
    '1795700002: Client pq2 closed its connection.',
    ...connect(1795700010, 'pq2', 0),
    "1795700010: Sending PUBLISH to pq2 (d1, q2, r0, m1, 'home/cmd', ... (2 bytes))",
    '1795700011: Received PUBREC from pq2 (Mid: 1)',
    '1795700011: Sending PUBREL to pq2 (m1)',
    '1795700011: Received PUBCOMP from pq2 (Mid: 1)',
  ]);
  assert.deepEqual(timeline.map((e) => `${e.kind} ${e.at.line}`), ['connect 2', 'flow 3', 'end 4', 'connect 6', 'resend 7']);
  assert.match(entryText(timeline, 'resend'), /received m1 QoS 2 home\/cmd again \(re-sent; first at \S+:3\): complete in 10s/);
});

test('a line that echoes an end the log showed is not a second finding', () => {
  const c = correlate([
    '1523000100: New connection from 10.0.0.1:40001 on port 1883.',
    '1523000100: New client connected from 10.0.0.1:40001 as handheld (c1, k60).',
    '1523000193: Client handheld has exceeded timeout, disconnecting.',
    '1523000193: Socket error on client handheld, disconnecting.',
  ]);
  assert.deepEqual(findingsOf(c), ['keepalive-timeout handheld 3,2', 'no-debug-lines - ']);
});

test('the timeline shows each SUBSCRIBE on its own, also one that subscribes to a filter again at another QoS', () => {
  const subscribe = (qos: number): string[] => [
    '1795700001: Received SUBSCRIBE from resub', `1795700001: \tsa/# (QoS ${qos})`, `1795700001: resub ${qos} sa/#`, '1795700001: Sending SUBACK to resub',
  ];
  const { timeline } = withTimeline([...connect(1795700000, 'resub'), ...subscribe(0), ...subscribe(2)]);
  const subscribes = timeline.filter((e) => e.kind === 'subscribe');
  assert.deepEqual(subscribes.map((e) => (e.kind === 'subscribe' ? e.filters : [])), [[{ filter: 'sa/#', qos: 0 }], [{ filter: 'sa/#', qos: 2 }]]);
});

test('without packet lines, subscriptions of another second or again at another QoS are entries of their own', () => {
  const { timeline } = withTimeline([...connect(1795700000, 'c1'), '1795700000: c1 1 a/#', '1795700060: c1 2 a/#', '1795700160: c1 0 b/#', '1795700160: c1 1 c/#']);
  const subscribes = timeline.filter((e) => e.kind === 'subscribe');
  assert.deepEqual(subscribes.map((e) => (e.kind === 'subscribe' ? e.filters.map((f) => `${f.filter} ${f.qos}`) : [])), [['a/# 1'], ['a/# 2'], ['b/# 0', 'c/# 1']]);
});

test('without packet lines a keepalive timeout claims no silence, and the timeline shows none', () => {
  const lines = [
    '1795700000: New connection from 127.0.0.1:35188 on port 1883.',
    '1795700000: New client connected from 127.0.0.1:35188 as nd-ka (p2, c1, k1).',
    '1795700005: Client nd-ka has exceeded timeout, disconnecting.',
  ];
  const { c, timeline } = withTimeline(lines);
  const timeout = c.findings.find((f) => f.code === 'keepalive-timeout');
  assert.deepEqual(timeout && [timeout.keepalive, timeout.lastActivity, timeout.gapMs], [1, null, null]);
  assert.deepEqual(timeline.map((e) => e.kind), ['connect', 'end']);
});

test('with packet lines the silence before a timeout is measured', () => {
  const c = correlate([
    '1795700000: New connection from 127.0.0.1:35188 on port 1883.',
    '1795700000: New client connected from 127.0.0.1:35188 as ka (p2, c1, k1).',
    '1795700001: Received PINGREQ from ka',
    '1795700006: Client ka has exceeded timeout, disconnecting.',
  ]);
  const timeout = c.findings.find((f) => f.code === 'keepalive-timeout');
  assert.equal(timeout?.gapMs, 5000);
});

test("a silence ends a client's group of pings, also when other clients' lines came after it: the pings after it are a group of their own", () => {
  const { timeline } = withTimeline([
    '1795700000: New client connected from 127.0.0.1:50000 as a (p2, c1, k10).',
    '1795700000: New client connected from 127.0.0.1:50001 as b (p2, c1, k60).',
    '1795700001: Received PINGREQ from a',
    "1795700002: Received PUBLISH from b (d0, q0, r0, m0, 'cmd/x', ... (3 bytes))",
    '1795700030: Received PINGREQ from a',
    '1795700031: Received PINGREQ from a',
  ]);
  const ofA = timeline.filter((e) => e.client === 'a').map((e) => (e.kind === 'pings' ? `pings ${e.count}` : e.kind));
  assert.deepEqual(ofA, ['connect', 'pings 1', 'gap', 'pings 2']);
  // The silence is placed where it began: before what b did meanwhile.
  assert.deepEqual(timeline.map((e) => `${e.client} ${e.kind}`), ['a connect', 'b connect', 'a pings', 'a gap', 'b message', 'a pings']);
});

test('a protocol error keeps its precise cause', () => {
  const c = correlate([
    '1795700000: New connection from 127.0.0.1:35188 on port 1883.',
    '1795700000: New client connected from 127.0.0.1:35188 as big (p2, c1, k60).',
    '1795700001: Client big disconnected due to oversize packet.',
  ]);
  const finding = c.findings.find((f) => f.code === 'protocol-error');
  assert.equal(finding?.code === 'protocol-error' ? finding.detail : undefined, 'oversize-packet');
  assert.equal(c.sessions[0]?.endDetail, 'oversize-packet');
});

const connect = (t: number, client: string, clean = 1): string[] => [
  `${t}: New connection from 127.0.0.1:40000 on port 1883.`,
  `${t}: New client connected from 127.0.0.1:40000 as ${client} (p2, c${clean}, k60).`,
];

test('a flow still in flight when the log ends is not said to have outlived its session', () => {
  const c = correlate([
    ...connect(1795700000, 'pub'), "1795700001: Received PUBLISH from pub (d0, q2, r0, m7, 'q/x', ... (1 bytes))", '1795700001: Sending PUBREC to pub (m7, rc0)',
    '1795700030: Received PINGREQ from pub',
  ]);
  const finding = c.findings.find((f) => f.code === 'flow-incomplete');
  assert.ok(finding?.code === 'flow-incomplete', 'unanswered for 29 s: stalled');
  assert.equal(finding.sessionEnded, false);
  assert.equal(c.flows[0]?.sessionEnded, false);
  assert.equal(c.sessions[0]?.endReason, 'open');
});

test('a message the broker sent again just before the log ended is in flight, waited for from the re-send', () => {
  const c = correlate([
    ...connect(1795700000, 'late', 0),
    "1795700001: Sending PUBLISH to late (d0, q1, r0, m1, 'l', ... (4 bytes))",
    '1795700001: Client late closed its connection.',
    ...connect(1795700016, 'late', 0),
    '1795700016: Sending CONNACK to late (1, 0)',
    "1795700016: Sending PUBLISH to late (d1, q1, r0, m1, 'l', ... (4 bytes))",
  ]);
  assert.deepEqual(c.flows.map((f) => [f.state, f.duplicates]), [['in-flight', 1]]);
  assert.deepEqual(c.findings.filter((f) => f.code === 'flow-incomplete'), []);
});

test('a QoS 2 delivery answered with PUBCOMP alone is no complete handshake: it stalled at PUBREC', () => {
  const c = correlate([
    ...connect(1795700000, 'skipper'),
    "1795700001: Sending PUBLISH to skipper (d0, q2, r0, m1, 's2', ... (3 bytes))",
    '1795700001: Received PUBCOMP from skipper (Mid: 1, RC:0)',
    '1795700001: Client skipper disconnected due to protocol error.',
  ]);
  assert.deepEqual(c.flows.map((f) => [f.state, f.stalledAt, f.latencyMs]), [['incomplete', 'pubrec', undefined]]);
  assert.deepEqual(c.findings.filter((f) => f.code === 'flow-incomplete').map((f) => f.client), ['skipper']);
});

test("the broker's 'Reused message ID' line makes a PUBLISH taken for a re-send a message of its own, the one in flight lost", () => {
  const sends = (dup: number): string[] => [
    ...connect(1795700000, 'forgetful'),
    "1795700001: Received PUBLISH from forgetful (d0, q2, r0, m51, 'm/g', ... (4 bytes))",
    '1795700001: Sending PUBREC to forgetful (m51, rc0)',
    `1795700002: Received PUBLISH from forgetful (d${dup}, q2, r0, m51, 'm/g', ... (4 bytes))`,
  ];
  const handshake = ['1795700002: Sending PUBREC to forgetful (m51, rc0)', '1795700002: Received PUBREL from forgetful (Mid: 51)', '1795700002: Sending PUBCOMP to forgetful (m51)'];
  for (const dup of [0, 1]) {
    // Another payload: the broker says so, and dropped the first message.
    const reused = correlate([...sends(dup), '1795700002: Reused message ID 51 from forgetful detected. Clearing from storage.', ...handshake]);
    assert.deepEqual(reused.flows.map((f) => [f.state, f.dropped, f.duplicates]), [['incomplete', 'mid-reused', 0], ['complete', undefined, 0]], `d${dup}`);
    assert.deepEqual(reused.findings.map((f) => f.code), ['mid-reused'], `d${dup}`);
    assert.equal(reused.sessions[0]?.messagesIn, 2, `d${dup}`);
    // The same message again, without that line: one message, sent twice.
    const same = correlate([...sends(dup), ...handshake]);
    assert.deepEqual(same.flows.map((f) => [f.state, f.duplicates]), [['complete', 1]], `d${dup}`);
    assert.deepEqual(same.findings.map((f) => f.code), ['flow-duplicate'], `d${dup}`);
    assert.equal(same.sessions[0]?.messagesIn, 1, `d${dup}`);
  }
});

test('a PUBLISH re-sent thousands of times is counted whole, with the first re-sends as evidence', () => {
  const resends = Array.from({ length: 5000 }, () => "1795700002: Received PUBLISH from rr (d1, q1, r0, m5, 'a/b', ... (2 bytes))");
  const c = correlate([...connect(1795700000, 'rr'), "1795700001: Received PUBLISH from rr (d0, q1, r0, m5, 'a/b', ... (2 bytes))", ...resends, '1795700003: Sending PUBACK to rr (m5, rc0)']);
  const finding = c.findings.find((f) => f.code === 'flow-duplicate');
  assert.equal(finding?.code === 'flow-duplicate' && finding.duplicates, 5000);
  // The ten re-sends kept (lines 4 to 13), latest first, then the PUBACK and the PUBLISH.
  assert.deepEqual(finding?.at.map((at) => at.line), [13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 5004, 3]);
  assert.equal(c.flows[0]?.resentAt?.length, 10);
  assert.equal(c.flows[0]?.duplicates, 5000);
});

test('blank lines are not lines not understood; a line of no broker message is', () => {
  const c = correlate([...connect(1795700000, 'b'), '', '   ', 'garbage here', '']);
  assert.equal(c.unknown, 1);
  assert.deepEqual(findingsOf(c).filter((f) => f.startsWith('unknown-lines')), ['unknown-lines - 5']);
});

test('a QoS 1 PUBLISH re-sent after a reconnect, though the broker had acknowledged it, is a duplicate', () => {
  const c = correlate([
    ...connect(1795700000, 'dupPub', 0),
    "1795700001: Received PUBLISH from dupPub (d0, q1, r0, m7, 'dp/1', ... (2 bytes))",
    '1795700001: Sending PUBACK to dupPub (m7, rc0)',
    '1795700002: Client dupPub closed its connection.',
    ...connect(1795700003, 'dupPub', 0),
    "1795700003: Received PUBLISH from dupPub (d1, q1, r0, m7, 'dp/1', ... (2 bytes))",
    '1795700003: Sending PUBACK to dupPub (m7, rc0)',
  ]);
  assert.deepEqual(findingsOf(c).filter((f) => f.startsWith('flow-duplicate')), ['flow-duplicate dupPub 8,9']);
  assert.deepEqual(c.flows.map((f) => [f.state, f.duplicates]), [['complete', 0], ['complete', 1]]);
  // Its flow began with the re-send: the finding does not count a first sending it has not seen.
  const [duplicate] = c.findings.filter((f) => f.code === 'flow-duplicate');
  assert.equal(duplicate?.code === 'flow-duplicate' && duplicate.firstResent, true);
  assert.equal(duplicate && describeFinding(duplicate), 'dupPub m7 (in) came marked as re-sent (d1): sent before, on an earlier connection or before the log');
  // A message re-sent within its flow was sent twice, in this log.
  const twice = correlate([
    ...connect(1795700000, 'dupPub', 0),
    "1795700001: Received PUBLISH from dupPub (d0, q1, r0, m7, 'dp/1', ... (2 bytes))",
    "1795700002: Received PUBLISH from dupPub (d1, q1, r0, m7, 'dp/1', ... (2 bytes))",
    '1795700002: Sending PUBACK to dupPub (m7, rc0)',
  ]).findings.filter((f) => f.code === 'flow-duplicate');
  assert.deepEqual(twice.map((f) => [f.code === 'flow-duplicate' && f.firstResent, describeFinding(f)]), [[undefined, 'dupPub m7 (in) was sent 2 times']]);
});

test("a v5 client's PUBREC the broker does not answer with PUBREL refused the message; a 3.1.1 client's is a stall", () => {
  const delivery = (protocol: string, after: readonly string[]): string[] => [
    '1795700000: New connection from 127.0.0.1:40000 on port 1883.',
    `1795700000: New client connected from 127.0.0.1:40000 as refuser (${protocol}, c1, k60).`,
    "1795700001: Sending PUBLISH to refuser (d0, q2, r0, m1, 'v/ref/1', ... (2 bytes))",
    '1795700001: Received PUBREC from refuser (Mid: 1)',
    ...after,
  ];
  const leaves = ['1795700003: Received DISCONNECT from refuser', '1795700003: Client refuser disconnected.'];
  // A clean start afterwards gives kept flows up: this one was refused before that.
  const reconnects = [...leaves, '1795700004: New connection from 127.0.0.1:40002 on port 1883.', '1795700004: New client connected from 127.0.0.1:40002 as refuser (p5, c1, k60).'];
  for (const after of [leaves, reconnects]) {
    const v5 = correlate(delivery('p5', after));
    assert.deepEqual(v5.flows.map((f) => f.state), ['refused']);
    assert.deepEqual(v5.findings.map((f) => f.code), ['flow-refused']);
  }
  const v311 = correlate(delivery('p4', leaves));
  assert.deepEqual(v311.flows.map((f) => [f.state, f.stalledAt]), [['incomplete', 'pubrel']]);
  assert.deepEqual(v311.findings.map((f) => f.code), ['flow-incomplete']);
  // Answered, the flow goes on; a log that ends at the PUBREC leaves it in flight, not refused.
  const answered = correlate(delivery('p5', ['1795700001: Sending PUBREL to refuser (m1)', '1795700001: Received PUBCOMP from refuser (Mid: 1, RC:0)']));
  assert.deepEqual(answered.flows.map((f) => f.state), ['complete']);
  const cutShort = correlate(delivery('p5', []));
  assert.deepEqual(cutShort.flows.map((f) => f.state), ['in-flight']);
  assert.deepEqual(cutShort.findings, []);
});


test("a PUBREC to a QoS 1 delivery breaks the protocol: it refuses nothing, and the message re-sent after a reconnect is the same flow", () => {
  const c = correlate([
    '1795819973: New client connected from 127.0.0.1:52110 as v5-res (p5, c0, k60).',
    "1795819973: Sending PUBLISH to v5-res (d0, q1, r0, m1, 'res/1', ... (2 bytes))",
    '1795819973: Received PUBREC from v5-res (Mid: 1)',
    '1795819973: Client v5-res disconnected due to protocol error.',
    '1795819976: New client connected from 127.0.0.1:53226 as v5-res (p5, c0, k60).',
    '1795819976: Sending CONNACK to v5-res (1, 0)',
    "1795819976: Sending PUBLISH to v5-res (d1, q1, r0, m1, 'res/1', ... (2 bytes))",
    '1795819977: Received DISCONNECT from v5-res',
    '1795819977: Client v5-res disconnected.',
  ]);
  // Its client left a second after the re-send, without an answer: the broker holds it for the session.
  assert.deepEqual(c.flows.map((f) => [f.qos, f.state, f.held, f.resumed, f.duplicates]), [[1, 'in-flight', true, true, 1]]);
  // The re-send as the session resumed is what MQTT asks for: no duplicate to report.
  assert.deepEqual(c.findings.map((f) => f.code).filter((code) => code.startsWith('flow-')), []);
});

test('`Bad socket read/write` with the text of a packet the broker refused is a protocol error; with a transport error, a socket error', () => {
  const ends = (detail: string): string | undefined => correlate([
    '1795820470: New connection from 127.0.0.1:50001 on port 1883.',
    '1795820470: New client connected from 127.0.0.1:50001 as c1 (p5, c1, k60).',
    `1795820476: Bad socket read/write on client c1: ${detail}`,
  ]).sessions[0]?.endReason;
  for (const detail of ['Unknown error.', 'Malformed UTF-8', 'Payload too large.', 'Requested QoS not supported on server.']) assert.equal(ends(detail), 'protocol-error', detail);
  for (const detail of ['A TLS error occurred.', 'The connection was lost.', 'Connection reset by peer']) assert.equal(ends(detail), 'socket-error', detail);
});

test("1.x's `Socket error` says it may be a client that closed its connection without a DISCONNECT; 2.0's errors name their cause", () => {
  const lost = (end: string): string[] => correlate([
    '1585747203: New connection from 10.10.0.10 on port 1883.',
    "1585747203: New client connected from 10.10.0.10 as client-7AD3 (c1, k60, u'clocks').",
    end,
  ]).findings.filter((f) => f.code === 'socket-error').map((f) => describeFinding(f));
  assert.deepEqual(lost('1585747503: Socket error on client client-7AD3, disconnecting.'), ['client-7AD3 lost its connection (1.x\'s "Socket error": closed without a DISCONNECT, or a failed read or write)']);
  assert.deepEqual(lost('1585747503: Client client-7AD3 disconnected: Connection reset by peer.'), ['client-7AD3 lost its connection: Connection reset by peer']);
});

test('a client the broker dropped for a cause of its own (out of memory, busy, a quota) is dropped-by-broker, an error', () => {
  // Real 2.0.11 with `memory_limit 300000`: a 200 kB PUBLISH.
  const oom = correlate([
    '1796008585: New connection from 127.0.0.1:60928 on port 18834.',
    '1796008585: New client connected from 127.0.0.1:60928 as bigpub (p2, c1, k60).',
    '1796008585: No will message specified.',
    '1796008585: Sending CONNACK to bigpub (0, 0)',
    '1796008585: Client bigpub disconnected due to out of memory.',
  ]);
  assert.deepEqual(oom.findings.map((f) => [f.code, f.severity, f.client, f.at.map((w) => w.line)]), [['dropped-by-broker', 'error', 'bigpub', [5, 2]]]);
  assert.equal(describeFinding(oom.findings[0] as Finding), 'bigpub was disconnected by the broker: out of memory (it reached its memory_limit, or the system ran out of memory)');
  assert.deepEqual(oom.sessions.map((x) => [x.endReason, x.endDetail]), [['other', 'out-of-memory']]);
  const endedBy = (line: string): string[] => correlate([
    '1795697601: New connection from 127.0.0.1:40000 on port 1883.',
    '1795697601: New client connected from 127.0.0.1:40000 as c1 (p5, c1, k60).',
    '1795697601: Sending CONNACK to c1 (0, 0)',
    line,
  ]).findings.map((f) => `${f.code} ${describeFinding(f)}`);
  assert.deepEqual(endedBy('1795697602: Client c1 [127.0.0.1:40000] disconnected: server busy.'), ['dropped-by-broker c1 was disconnected by the broker: server busy']);
  assert.deepEqual(endedBy('1795697602: Client c1 disconnected, connection rate exceeded.'), ['dropped-by-broker c1 was disconnected by the broker: connection rate exceeded']);
  assert.deepEqual(endedBy('1795697602: Bad socket read/write on client c1: Out of memory.'), ['dropped-by-broker c1 was disconnected by the broker: out of memory (it reached its memory_limit, or the system ran out of memory)']);
  // Administrative action, and an end the log does not say, are not the broker's own cause.
  assert.deepEqual(endedBy('1795697602: Client c1 been disconnected by administrative action.'), []);
  assert.deepEqual(correlate(['1796007292: Sending CONNACK to flaky (0, 0)', '1796007300: Sending CONNACK to flaky (0, 0)']).findings.map((f) => f.code), ['no-connection-lines']);
});

test("2.0's `out of memory` right after the acknowledgement it logged is a client that had gone, not a broker short of memory", () => {
  // Real 2.0.11: a client that sends a QoS 1 PUBLISH and resets its connection at once.
  const gone = (banner: readonly string[], ack: string): Correlation => correlate([
    ...banner,
    '1796016863: New connection from 127.0.0.1:49278 on port 18832.',
    '1796016863: New client connected from 127.0.0.1:49278 as fire-2 (p2, c1, k60).',
    '1796016863: No will message specified.',
    '1796016863: Sending CONNACK to fire-2 (0, 0)',
    "1796016863: Received PUBLISH from fire-2 (d0, q1, r0, m7, 'oom/x', ... (5 bytes))",
    ack,
    '1796016863: Client fire-2 disconnected due to out of memory.',
  ]);
  const v2011 = ['1796016862: mosquitto version 2.0.11 starting', '1796016862: mosquitto version 2.0.11 running'];
  const puback = '1796016863: Sending PUBACK to fire-2 (m7, rc0)';
  for (const banner of [v2011, []]) {
    const c = gone(banner, puback);
    assert.deepEqual(c.findings.filter((f) => f.code !== 'no-debug-lines').map((f) => f.code), []);
    assert.deepEqual(c.sessions.map((x) => [x.endReason, x.endDetail]), [['closed', 'logged as out of memory: its PUBACK found the client gone']]);
  }
  assert.deepEqual(gone(v2011, '1796016863: Sending PUBREC to fire-2 (m7, rc0)').sessions.map((x) => x.endDetail), ['logged as out of memory: its PUBREC found the client gone']);
  assert.deepEqual(gone(v2011, '1796016863: Sending SUBACK to fire-2').sessions.map((x) => x.endDetail), ['logged as out of memory: its SUBACK found the client gone']);
  // 2.0.22 writes the PUBACK's own failure, and 2.1.0 that of a SUBACK too: out of memory is then the broker's.
  // (Only PUBACK answers the QoS 1 PUBLISH here: after the others its flow is left unfinished, a finding of its own.)
  const dropped = (c: Correlation): string[] => c.findings.map((f) => f.code).filter((code) => code === 'dropped-by-broker');
  const fixed = (version: string, ack: string): string[] => dropped(gone([`1796016862: mosquitto version ${version} starting`, `1796016862: mosquitto version ${version} running`], ack));
  assert.deepEqual(fixed('2.0.22', puback), ['dropped-by-broker']);
  assert.deepEqual(fixed('2.0.22', '1796016863: Sending SUBACK to fire-2'), []);
  assert.deepEqual(fixed('2.1.0', '1796016863: Sending SUBACK to fire-2'), ['dropped-by-broker']);
  // Not right after it, or after another client's: the broker's memory, as before.
  assert.deepEqual(dropped(gone(v2011, "1796016863: Sending PUBLISH to other (d0, q0, r0, m0, 'oom/x', ... (5 bytes))")), ['dropped-by-broker']);
});

test('a session on a unix socket listener comes from the socket path, which no port follows', () => {
  // Real 2.0.11 with `listener 0 /tmp/us/mq.sock`.
  const c = correlate([
    '1796010415: Opening unix listen socket on path /tmp/us/mq.sock.',
    '1796010416: New connection from /tmp/us/mq.sock:0 on port 0.',
    '1796010416: New client connected from /tmp/us/mq.sock:0 as unixer (p2, c1, k60).',
    '1796010416: Client unixer disconnected.',
  ]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.address, s.port, s.endReason]), [['unixer', '/tmp/us/mq.sock', 0, 'disconnect']]);
  assert.equal(endpoint(c.sessions[0]?.address ?? null, c.sessions[0]?.port ?? null), '/tmp/us/mq.sock');
  assert.equal(endpoint('10.0.0.1', 1883), '10.0.0.1:1883');
});

test("2.0's `Unknown error` for a refused packet says what it most often was", () => {
  // Real 2.0.11 with `retain_available false`: a 3.1.1 client publishes a retained message.
  const c = correlate([
    '1796008521: New connection from 127.0.0.1:34056 on port 18833.',
    '1796008521: New client connected from 127.0.0.1:34056 as ret-mqttv311 (p2, c1, k60).',
    '1796008521: No will message specified.',
    '1796008521: Sending CONNACK to ret-mqttv311 (0, 0)',
    '1796008521: Bad socket read/write on client ret-mqttv311: Unknown error.',
  ]);
  assert.deepEqual(c.findings.map((f) => describeFinding(f)), [
    "ret-mqttv311 was disconnected for a protocol error: Unknown error. (2.0's words for a packet it refused without saying why: a retained PUBLISH where retain_available is false, or an invalid topic alias)",
  ]);
});

test('a flow whose acknowledgements come again and again keeps its first steps and the latest', () => {
  const repeats = Array.from({ length: 100 }, (_, i) => `17957000${String(10 + i).padStart(2, '0')}: Received PUBREC from rp (Mid: 3)`);
  const c = correlate([...connect(1795700000, 'rp'), "1795700001: Sending PUBLISH to rp (d0, q2, r0, m3, 'a/b', ... (2 bytes))", ...repeats]);
  const steps = c.flows[0]?.steps ?? [];
  assert.equal(steps.length, 16);
  assert.equal(steps.at(-1)?.at.line, 103);
});

test('a delivery too large for the client is refused, not stalled: its flow ends as too-large and the drop says why', () => {
  const sent = "1700000001: Sending PUBLISH to smallsub (d0, q1, r0, m1, 'k/x', ... (200 bytes))";
  const drop = '1700000001: Dropping too large outgoing PUBLISH for smallsub (208 bytes)';
  const end = '1700000003: Client smallsub disconnected.';
  const states = (lines: string[]): unknown => correlate([...connect(1700000000, 'smallsub', 0), ...lines, end]).flows.map((f) => [f.state, f.dropped]);
  const c = correlate([...connect(1700000000, 'smallsub'), sent, drop, end]);
  assert.deepEqual(c.flows.map((f) => [f.state, f.dropped]), [['refused', 'too-large']]);
  assert.deepEqual(c.findings.map((f) => [f.code, f.code === 'messages-dropped' ? [f.packetBytes, f.inFlight] : null]), [['messages-dropped', [208, 0]]]);
  // Another line between the two (another program's, in a shared log) changes nothing.
  assert.deepEqual(states([sent, '1700000001: Received PINGREQ from other', drop]), [['refused', 'too-large']]);
  // A message sent again (d1) when a persistent client comes back, and found too large then.
  assert.deepEqual(states([sent, '1700000002: Client smallsub disconnected.', ...connect(1700000002, 'smallsub', 0), "1700000002: Sending PUBLISH to smallsub (d1, q1, r0, m1, 'k/x', ... (200 bytes))", drop]), [['refused', 'too-large']]);
  // A QoS 0 message dropped after a QoS 1 one went out leaves that one be.
  assert.deepEqual(states(["1700000001: Sending PUBLISH to smallsub (d0, q1, r0, m2, 'k/x', ... (20 bytes))", "1700000001: Sending PUBLISH to smallsub (d0, q0, r0, m0, 'k/x', ... (200 bytes))", drop, '1700000001: Received PUBACK from smallsub (Mid: 2, RC:0)']), [['complete', undefined]]);
});


test('a re-sent PUBLISH is evidence of the duplicate and no second message', () => {
  const c = correlate([
    ...connect(1795700000, 'pp'),
    "1795700001: Received PUBLISH from pp (d0, q1, r0, m9, 'pp/x', ... (2 bytes))",
    "1795700002: Received PUBLISH from pp (d1, q1, r0, m9, 'pp/x', ... (2 bytes))",
    '1795700002: Sending PUBACK to pp (m9, rc0)',
    '1795700003: Client pp disconnected.',
  ]);
  assert.deepEqual(findingsOf(c), ['flow-duplicate pp 4,5,3']);
  assert.equal(c.sessions[0]?.messagesIn, 1);
  assert.deepEqual(c.topTopics.map((t) => [t.topic, t.messages]), [['pp/x', 1]]);
});

test('a flow given up when its session expires says so, from the expiry line', () => {
  const c = correlate([
    ...connect(1795700000, 'exp', 0),
    "1795700001: Sending PUBLISH to exp (d0, q1, r0, m3, 'e/x', ... (1 bytes))",
    '1795700002: Client exp closed its connection.',
    '1795700100: Expiring client exp due to timeout.',
  ]);
  const finding = c.findings.find((f) => f.code === 'flow-incomplete');
  assert.equal(finding?.code === 'flow-incomplete' ? finding.dropped : undefined, 'expired');
  assert.deepEqual(finding?.at.map((a) => a.line), [5, 3, 4]);
});

test('a subscription filter the broker denied is not counted as subscribed', () => {
  // Topic lines take their client from the SUBSCRIBE line before them.
  const decoder = createLineDecoder('f.log');
  const c = correlateRecords([
    ...connect(1795700000, 'sub'),
    '1795700001: Received SUBSCRIBE from sub',
    '1795700001: \tsecret/# (denied)',
    '1795700001: \tok/# (QoS 1)',
    '1795700002: Client sub disconnected.',
  ].map(decoder.decode));
  assert.deepEqual(c.sessions.map((x) => x.subscriptions), [1]);
  assert.deepEqual(c.findings.map((f) => (f.code === 'subscribe-denied' ? [f.client, f.filter, f.qos, f.at[0]?.line] : f.code)), [['sub', 'secret/#', null, 4]]);
});

test('before 2.1, a filter the broker denied is known by the grant line it lacks, when the log has grant lines', () => {
  const subscribe = (client: string, grants: boolean): string[] => [
    `1795787423: Received SUBSCRIBE from ${client}`,
    '1795787423: \ta/# (QoS 1)',
    ...(grants ? [`1795787423: ${client} 1 a/#`] : []),
    '1795787423: \tb/# (QoS 2)',
    `1795787423: Sending SUBACK to ${client}`,
  ];
  // Retained messages go out after the SUBACK.
  const retained = "1795787423: Sending PUBLISH to dave (d0, q0, r1, m0, 'a/x', ... (2 bytes))";
  const lines = (grants: boolean): string[] => [...connect(1795787423, 'dave'), ...subscribe('dave', grants), retained, '1795787424: Client dave disconnected.'];
  const granted = decodedWithTimeline(lines(true));
  assert.deepEqual(granted.c.sessions.map((x) => x.subscriptions), [1]);
  const denied = granted.c.findings[0];
  assert.deepEqual(denied?.code === 'subscribe-denied' && [denied.client, denied.filter, denied.qos, denied.at[0]?.line, denied.severity], ['dave', 'b/#', 2, 6, 'warning']);
  assert.equal(denied && describeFinding(denied), 'dave may not subscribe to b/# (QoS 2): it gets no message on it');
  assert.match(entryText(granted.timeline, 'subscribe'), /  subscribed a\/# \(QoS 1\), b\/# \(denied\)  /);
  // A log without grant lines (log_type debug alone) cannot tell: every filter counts.
  const debugOnly = decodedWithTimeline(lines(false));
  assert.deepEqual(debugOnly.c.sessions.map((x) => x.subscriptions), [2]);
  assert.deepEqual(debugOnly.c.findings, []);
  assert.match(entryText(debugOnly.timeline, 'subscribe'), /  subscribed a\/# \(QoS 1\), b\/# \(QoS 2\)  /);
});

test('a filter is granted by its grant line anywhere before its SUBACK, also a cut one; one without is denied once a grant line of its request shows the log has them', () => {
  const denials = (c: Correlation): string[] => c.findings.flatMap((f) => (f.code === 'subscribe-denied' ? [`${f.client} ${f.filter}`] : []));
  // 2.0 may log a drop of messages while it queues a filter's retained ones, before the grant;
  // 1.x writes a websockets client's retained messages at once.
  const between = decoded([
    ...connect(1795787423, 'dropper'),
    '1795787423: Received SUBSCRIBE from dropper',
    '1795787423: \tdr/# (QoS 1)',
    '1795787423: Outgoing messages are being dropped for client dropper.',
    "1795787423: Sending PUBLISH to dropper (d0, q0, r1, m0, 'dr/0', ... (2 bytes))",
    '1795787423: dropper 1 dr/#',
    '1795787423: \tok/z (QoS 1)',
    '1795787423: dropper 1 ok/z',
    '1795787423: Sending SUBACK to dropper',
  ]);
  assert.deepEqual([denials(between), between.sessions.map((x) => x.subscriptions)], [[], [2]]);
  // The broker cuts both lines at its buffer, at different places.
  const long = `long/${'x'.repeat(1200)}`;
  const cutAt = (message: string): string => `1795787423: ${message.slice(0, 999)}`;
  const cut = decoded([...connect(1795787423, 'longsub'), '1795787423: Received SUBSCRIBE from longsub', cutAt(`\t${long} (QoS 0)`), cutAt(`longsub 0 ${long}`), '1795787423: Sending SUBACK to longsub']);
  assert.deepEqual([denials(cut), cut.sessions.map((x) => x.subscriptions)], [[], [1]]);
  // The first request of the log: its own grant line shows the log has them. A session begun
  // before the log has its filters denied too.
  const first = decoded([
    '1795787423: Received SUBSCRIBE from early',
    '1795787423: \tsecret/x (QoS 1)',
    '1795787423: \tok/y (QoS 1)',
    '1795787423: early 1 ok/y',
    '1795787423: Sending SUBACK to early',
  ]);
  assert.deepEqual(denials(first), ['early secret/x']);
});

test("a request denied whole before the broker's first grant line is denied once one shows the log has them; a broker run without them denies nothing", () => {
  const denials = (c: Correlation): string[] => c.findings.flatMap((f) => (f.code === 'subscribe-denied' ? [`${f.client} ${f.filter}`] : []));
  const request = (client: string, filters: readonly string[], granted: readonly string[]): string[] => [
    `1795789903: Received SUBSCRIBE from ${client}`,
    ...filters.flatMap((f) => [`1795789903: \t${f} (QoS 1)`, ...(granted.includes(f) ? [`1795789903: ${client} 1 ${f}`] : [])]),
    `1795789903: Sending SUBACK to ${client}`,
  ];
  const firstDenied = decoded([
    '1795789903: mosquitto version 2.0.11 starting', ...connect(1795789903, 'first'), ...request('first', ['no/x', 'zz/a'], []),
    ...connect(1795789904, 'second'), ...request('second', ['ok/#', 'zz/b'], ['ok/#']),
  ]);
  assert.deepEqual(denials(firstDenied), ['first no/x', 'first zz/a', 'second zz/b']);
  assert.deepEqual(firstDenied.sessions.map((x) => [x.client, x.subscriptions]), [['first', 0], ['second', 1]]);
  // Restarted with log_type debug alone: that run has no grant lines, so its filters are granted.
  const restarted = decoded([
    ...connect(1795789903, 'a'), ...request('a', ['ok/#'], ['ok/#']), '1795789910: mosquitto version 2.0.11 terminating',
    ...connect(1795789911, 'b'), ...request('b', ['ok/#', 'ok/b'], []),
  ]);
  assert.deepEqual(denials(restarted), []);
  assert.deepEqual(restarted.sessions.map((x) => [x.client, x.subscriptions]), [['a', 1], ['b', 2]]);
  // log_type subscribe without debug: the grant lines are the subscriptions.
  const noDebug = decoded([...connect(1795789903, 'sn'), '1795789903: sn 1 ok/#', '1795789903: sn 0 ok/b']);
  assert.deepEqual(noDebug.sessions.map((x) => x.subscriptions), [2]);
});

test('each topic line of a SUBSCRIBE is judged once, granted or denied, as soon as the log shows which: a request without grant lines waits for the first grant line, or the end of its broker run', () => {
  const request = (t: number, client: string, filters: readonly string[], granted: readonly string[]): string[] => [
    `${t}: Received SUBSCRIBE from ${client}`,
    ...filters.flatMap((f) => [`${t}: \t${f} (QoS 1)`, ...(granted.includes(f) ? [`${t}: ${client} 1 ${f}`] : [])]),
    `${t}: Sending SUBACK to ${client}`,
  ];
  const judged = (lines: readonly string[]): string[] => {
    const said: string[] = [];
    let read = 0;
    const c = new Correlator({ onEvent: (e) => (e.kind === 'subscription-granted' || e.kind === 'subscription-denied' ? said.push(`${e.at.line} ${e.kind.slice(13)} after ${read}`) : undefined) });
    const decoder = createLineDecoder('f.log');
    for (const line of lines) {
      read++;
      c.push(decoder.decode(line));
    }
    read = -1;
    c.finish();
    return said;
  };
  // Lines 5-6 wait for the grant line at 12, which shows the broker logs them: they were denied. Line 11 is granted by that grant line.
  assert.deepEqual(judged([
    '1795789903: mosquitto version 2.0.11 starting', ...connect(1795789903, 'first'), ...request(1795789903, 'first', ['no/x', 'zz/a'], []),
    ...connect(1795789904, 'second'), ...request(1795789904, 'second', ['ok/#', 'zz/b'], ['ok/#']),
  ]), ['5 denied after 12', '6 denied after 12', '11 granted after 12', '13 denied after 14']);
  // A broker run without grant lines grants them at its end (a stop, or the log's).
  assert.deepEqual(judged([
    ...connect(1795789903, 'a'), ...request(1795789903, 'a', ['ok/#'], []), '1795789910: mosquitto version 2.0.11 terminating',
    ...connect(1795789911, 'b'), ...request(1795789911, 'b', ['ok/b'], []),
  ]), ['4 granted after 6', '10 granted after -1']);
});

test('a denied filter is judged by what the broker logged since its last reload, never from a 2.1 log\'s missing grant line, and its timeline mark is on its own line', () => {
  const denials = (c: Correlation): string[] => c.findings.flatMap((f) => (f.code === 'subscribe-denied' ? [`${f.client} ${f.filter}`] : []));
  const subscribed = (timeline: readonly TimelineEntry[]): string[] => timeline.flatMap((e) => (e.kind === 'subscribe' ? [e.filters.map((f) => `${f.filter}${f.denied ? ' denied' : ''}`).join(', ')] : []));
  const request = (t: number, client: string, filters: readonly string[], granted: readonly string[]): string[] => [
    `${t}: Received SUBSCRIBE from ${client}`,
    ...filters.flatMap((f) => [`${t}: \t${f} (QoS 1)`, ...(granted.includes(f) ? [`${t + 1}: ${client} 1 ${f}`] : [])]),
    `${t + 1}: Sending SUBACK to ${client}`,
  ];
  // Reloaded with log_type debug alone: the filters after it have no grant lines and are granted.
  const reloaded = decodedWithTimeline([...connect(1700000100, 'a'), ...request(1700000100, 'a', ['ok/#'], ['ok/#']), '1700000110: Reloading config.', ...request(1700000111, 'a', ['ok/a', 'no/b'], [])]);
  assert.deepEqual([denials(reloaded.c), reloaded.c.sessions.map((x) => x.subscriptions)], [[], [3]]);
  // 2.1 marks a denial; a grant line naming another filter (a plugin's rewrite) denies nothing.
  const v21 = decodedWithTimeline(['1700000099: mosquitto version 2.1.2 starting', ...connect(1700000100, 'a'), '1700000100: Received SUBSCRIBE from a', '1700000100: \tok/1 (QoS 1)', '1700000100: a 1 tenant7/ok/1', '1700000100: \tno/1 (denied)', '1700000100: Sending SUBACK to a']);
  assert.deepEqual(denials(v21.c), ['a no/1']);
  // Judged late (before the run's first grant line), a filter is marked where its own line is; a
  // request whose grant lines come a second later stays one entry; a client gone before its SUBACK
  // did not subscribe the filter it had no grant line for.
  const late = decodedWithTimeline([
    ...connect(1700000100, 'alice'), ...request(1700000100, 'alice', ['x/1'], []), '1700000101: Client alice disconnected.',
    ...connect(1700000102, 'alice'), ...request(1700000102, 'alice', ['no/1', 'x/1'], ['x/1']),
    ...request(1700000104, 'alice', ['a/1', 'a/2'], ['a/1']).slice(0, -1), '1700000106: Client alice disconnected due to malformed packet.',
  ]);
  assert.deepEqual(denials(late.c), ['alice x/1', 'alice no/1', 'alice a/2']);
  assert.deepEqual(subscribed(late.timeline), ['x/1 denied', 'no/1 denied, x/1', 'a/1, a/2 denied']);
  assert.deepEqual(late.c.sessions.map((x) => x.subscriptions), [0, 2]);
});

test('the broker version is read from its running and terminating lines too: a rotated log has no start', () => {
  assert.deepEqual(correlate(['1795700000: mosquitto version 2.0.11 running', ...connect(1795700001, 'a')]).brokerVersions, ['2.0.11']);
  assert.deepEqual(correlate([...connect(1795700001, 'a'), '1795700002: mosquitto version 2.0.18 terminating']).brokerVersions, ['2.0.18']);
});

test("after a takeover, 1.x's echo of it ends nothing, and the client's own disconnect later ends its new session", () => {
  const echoFirst = [
    '1523000001: New connection from 10.20.0.77 on port 1883.',
    '1523000001: New client connected from 10.20.0.77 as h (c1, k60).',
    '1523000101: New connection from 10.20.0.78 on port 1883.',
    '1523000101: Client h already connected, closing old connection.',
    '1523000101: Client h disconnected.',
    '1523000101: New client connected from 10.20.0.78 as h (c1, k60).',
    '1523000160: Client h disconnected.',
  ];
  // 2.x without its banner (a rotated log): no echo comes, and none may be waited for.
  const noEcho = [...echoFirst.slice(0, 4), ...echoFirst.slice(5)];
  const echoAfter = [...noEcho.slice(0, 5), '1523000101: Client h disconnected.', ...noEcho.slice(5)];
  for (const [name, lines] of [['echo before', echoFirst], ['no echo', noEcho], ['echo after', echoAfter]] as const) {
    const c = correlate(lines);
    assert.deepEqual(c.sessions.map((x) => [x.address, x.endReason, x.durationMs]), [['10.20.0.77', 'takeover', 100_000], ['10.20.0.78', 'disconnect', 59_000]], name);
  }
});

test("after a takeover of a websockets connection, the old connection's late loss ends nothing; after one of a TCP connection (2.0), a loss ends the new session", () => {
  // A websockets connection has no `New connection` line; taken over, it closes after the new one connected.
  const v20 = [
    '1700000004: New connection from 10.0.0.9:40000 on port 1883.',
    '1700000004: New client connected from 10.0.0.9:40000 as other (p2, c1, k60).',
    '1700000005: New client connected from 10.0.0.50:51000 as ws-dash (p2, c1, k60).',
    '1700000010: Client ws-dash already connected, closing old connection.',
    '1700000010: New client connected from 10.0.0.51:52000 as ws-dash (p2, c1, k60).',
    '1700000010: Sending CONNACK to ws-dash (0, 0)',
    '1700000010: Client ws-dash closed its connection.',
    '1700000020: Received PINGREQ from ws-dash',
    '1700000030: Received DISCONNECT from ws-dash',
    '1700000030: Client ws-dash disconnected.',
  ];
  const v16 = ['1700000000: mosquitto version 1.6.15 starting', ...v20.map((l) => l.replace(/(10\.0\.0\.\d+):\d+/g, '$1').replace('Client ws-dash closed its connection.', 'Socket error on client ws-dash, disconnecting.'))];
  for (const [name, lines, evidence] of [['2.0', v20, '4,3,5'], ['1.6', v16, '5,4,6']] as const) {
    const c = correlate(lines);
    assert.deepEqual(c.sessions.filter((s) => s.client === 'ws-dash').map((x) => [x.address, x.endReason, x.durationMs]), [['10.0.0.50', 'takeover', 5000], ['10.0.0.51', 'disconnect', 20_000]], name);
    assert.deepEqual(findingsOf(c), [`takeover ws-dash ${evidence}`], name);
  }
  // The old connection was a TCP one, which 2.0 ends without a line: the loss is the new connection's.
  const tcp = [...v20.slice(0, 2), '1700000005: New connection from 10.0.0.50:51000 on port 1883.', ...v20.slice(2)];
  assert.deepEqual(correlate(tcp).sessions.filter((s) => s.client === 'ws-dash').map((x) => [x.endReason, x.durationMs]), [['takeover', 5000], ['closed', 0]]);
});

test('a login refused for an id that is connected from elsewhere is a failed connection, and the session goes on', () => {
  const connected = ['1795697601: New connection from 127.0.0.1:40000 on port 1883.', '1795697601: New client connected from 127.0.0.1:40000 as plc-1 (p2, c1, k60).'];
  const refused = ['1795697610: New connection from 10.9.9.9:50111 on port 1883.', '1795697610: Sending CONNACK to plc-1 (0, 5)'];
  const logs = {
    '2.1.2 names the connection': [...connected, ...refused, '1795697610: Client plc-1 [10.9.9.9:50111] disconnected: not authorised.', '1795697700: Client plc-1 [127.0.0.1:40000] disconnected.'],
    '2.0 does not': [...connected, ...refused, '1795697610: Client plc-1 disconnected, not authorised.', '1795697700: Client plc-1 disconnected.'],
  };
  for (const [name, lines] of Object.entries(logs)) {
    const c = correlate(lines);
    assert.deepEqual(c.sessions.map((x) => [x.address, x.endReason, x.durationMs]), [['127.0.0.1', 'disconnect', 99_000]], name);
    assert.deepEqual(c.attempts.map((a) => [a.client, a.address, a.port, a.outcome]), [['plc-1', '10.9.9.9', 50111, 'not-authorised']], name);
    assert.deepEqual(findingsOf(c), ['auth-failure plc-1 4'], name);
  }
  // Refused for another cause: the disconnect line that names the refused connection is the refusal's.
  const busy = correlate([...connected, refused[0] ?? '', '1795697610: Sending CONNACK to plc-1 (0, 159)', '1795697610: Client plc-1 [10.9.9.9:50111] disconnected: connection rate exceeded.']);
  assert.deepEqual([busy.attempts.map((a) => [a.outcome, a.reasonCode]), busy.sessions.map((x) => x.endReason)], [[['refused', 159]], ['open']]);
  // Another connection of the id that ends before it became a session (2.1.2 names it).
  const c = correlate([...connected, '1795697610: New connection from 10.9.9.9:50111 on port 1883.', '1795697610: Client plc-1 [10.9.9.9:50111] disconnected: protocol error.']);
  assert.deepEqual(c.sessions.map((x) => x.endReason), ['open']);
  assert.deepEqual(c.attempts.map((a) => [a.address, a.port, a.outcome]), [['10.9.9.9', 50111, 'protocol-error']]);
});

test('a start after lines of a running broker is a restart, though the log holds only the CONNACK of the session it ended; a log that begins with the start, or with lines of others, is not', () => {
  // Real 2.0.11, killed with SIGKILL and started again; the log begins after its clients connected:
  // the CONNACK is all it holds of the session the restart ended.
  const start = [
    '1795867660: mosquitto version 2.0.11 starting',
    '1795867660: Config loaded from /etc/mosquitto/mosquitto.conf.',
    '1795867660: Opening ipv4 listen socket on port 24427.',
    '1795867660: mosquitto version 2.0.11 running',
  ];
  const crashed = correlate(['1795867657: No will message specified.', '1795867657: Sending CONNACK to live-clean (0, 0)', ...start]);
  // Its CONNACK is the only line of the session: the log has no connection lines either.
  assert.deepEqual(findingsOf(crashed), ['broker-restart - 3', 'no-connection-lines - ']);
  assert.equal(describeFinding(crashed.findings[0] as Finding), 'broker 2.0.11 started again with no stop logged before it (a crash or a kill); 1 session(s) ended');
  const stopped = correlate(['1795867657: Sending CONNACK to live-clean (0, 0)', '1795867658: mosquitto version 2.0.11 terminating', ...start]);
  assert.equal(describeFinding(stopped.findings[0] as Finding), 'broker 2.0.11 was stopped and started again; 1 session(s) ended');
  // Another version started: an upgrade (or a downgrade) names both.
  const upgraded = correlate(['1795867657: Sending CONNACK to live-clean (0, 0)', '1795867658: mosquitto version 1.6.9 terminating', ...start]);
  assert.equal(describeFinding(upgraded.findings[0] as Finding), 'broker 1.6.9 was stopped and started again as 2.0.11; 1 session(s) ended');
  const crashedOld = correlate(['1795867650: mosquitto version 1.6.9 running', '1795867657: Sending CONNACK to live-clean (0, 0)', ...start]);
  assert.equal(describeFinding(crashedOld.findings[0] as Finding), 'broker 1.6.9 started again as 2.0.11 with no stop logged before it (a crash or a kill); 1 session(s) ended');
  assert.deepEqual(findingsOf(correlate(start)), []);
  assert.deepEqual(findingsOf(correlate(['', 'Nov 28 12:07:40 host systemd[1]: Starting Mosquitto MQTT Broker...', ...start])), []);
  // 2.1 prints who it runs as before it starts: on stderr (journald, docker), those lines come first.
  const v21 = ['1795867660: Info: running mosquitto as user: root.', '1795867660: Warning: Mosquitto should not be run as root/administrator.', '1795867660: mosquitto version 2.1.2 starting'];
  assert.deepEqual(findingsOf(correlate(v21)), []);
});

test('a delivery held for a kept session is lost in a crash (a start with no stop before it), as in a stop without a save', () => {
  // Real 2.0.11 without persistence: persF (clean session false) goes away with m1 in flight; the broker is killed and started again.
  const lines = [
    '1795916621: New connection from 127.0.0.1:58698 on port 21006.',
    '1795916622: New client connected from 127.0.0.1:58698 as persF (p2, c0, k60).',
    '1795916622: Sending CONNACK to persF (1, 0)',
    "1795916622: Sending PUBLISH to persF (d0, q1, r0, m1, 'f/1', ... (4 bytes))",
    '1795916623: Client persF closed its connection.',
  ];
  const start = ['1795916625: mosquitto version 2.0.11 starting', '1795916625: Config loaded from life-f.conf.', '1795916625: Opening ipv4 listen socket on port 21006.', '1795916625: mosquitto version 2.0.11 running'];
  const state = (log: string[]): unknown[] => correlate(log).flows.map((f) => [f.client, f.held ? 'held' : f.state]);
  assert.deepEqual(state(lines), [['persF', 'held']]);
  assert.deepEqual(state([...lines, ...start]), [['persF', 'incomplete']]);
  assert.deepEqual(state([...lines, '1795916624: mosquitto version 2.0.11 terminating', ...start]), [['persF', 'incomplete']]);
  assert.deepEqual(state([...lines, '1795916624: mosquitto version 2.0.11 terminating', '1795916624: Saving in-memory database to /var/lib/mosquitto/mosquitto.db.', ...start]), [['persF', 'held']]);
  // Connected at the crash: its session ends only at the start, and is lost all the same.
  assert.deepEqual(state([...lines.slice(0, 4), ...start]), [['persF', 'incomplete']]);
  const crashed = correlate([...lines.slice(0, 4), ...start]).sessions.map((x) => [x.endReason, x.endDetail]);
  const stopped = correlate([...lines.slice(0, 4), '1795916624: mosquitto version 2.0.11 terminating', ...start]).sessions.map((x) => [x.endReason, x.endDetail]);
  assert.deepEqual([crashed, stopped], [[['broker-shutdown', 'no stop logged: a crash or a kill']], [['broker-shutdown', undefined]]]);
});

test('a protocol error or socket error the broker named by its cause reads it in words', () => {
  const c = correlate([
    ...connect(1795700000, 'v5-alias'), '1795700001: Client v5-alias disconnected due to malformed packet.',
  ]);
  assert.deepEqual(c.findings.filter((f) => f.code === 'protocol-error').map((f) => describeFinding(f)), ['v5-alias was disconnected for a protocol error: malformed packet']);
});

test('a second broker that fails to start (its port taken) ends no session of the one running, which goes on; a start that goes on is a restart', () => {
  // Real 2.0.11: a second mosquitto with the same config and log file, while sub1 is connected.
  const running = [
    '1795910184: mosquitto version 2.0.11 starting',
    '1795910184: Config loaded from a.conf.',
    '1795910184: Opening ipv4 listen socket on port 21883.',
    '1795910184: mosquitto version 2.0.11 running',
    '1795910185: New connection from 127.0.0.1:38530 on port 21883.',
    '1795910185: New client connected from 127.0.0.1:38530 as sub1 (p2, c1, k60).',
  ];
  const second = ['1795910186: mosquitto version 2.0.11 starting', '1795910186: Config loaded from a.conf.', '1795910186: Opening ipv4 listen socket on port 21883.'];
  const after = [
    '1795910187: New connection from 127.0.0.1:38540 on port 21883.',
    '1795910187: New client connected from 127.0.0.1:38540 as pub1 (p2, c1, k60).',
    "1795910187: Received PUBLISH from pub1 (d0, q1, r0, m1, 'x', ... (2 bytes))",
    "1795910187: Sending PUBLISH to sub1 (d0, q1, r0, m1, 'x', ... (2 bytes))",
    '1795910187: Sending PUBACK to pub1 (m1, rc0)',
    '1795910187: Client pub1 disconnected.',
    '1795910187: Received PUBACK from sub1 (Mid: 1, RC:0)',
    '1795910188: Client sub1 disconnected.',
  ];
  const failed = correlate([...running, ...second, '1795910186: Error: Address already in use', ...after]);
  assert.deepEqual(failed.sessions.map((x) => [x.client, x.endReason, x.durationMs]), [['pub1', 'disconnect', 0], ['sub1', 'disconnect', 3000]]);
  assert.deepEqual(failed.flows.map((f) => [f.client, f.direction, f.state]), [['pub1', 'in', 'complete'], ['sub1', 'out', 'complete']]);
  assert.deepEqual(findingsOf(failed), ['broker-start-failed - 7,10']);
  assert.equal(describeFinding(failed.findings[0] as Finding), 'broker 2.0.11 did not start (Address already in use); the broker already running went on');
  assert.equal(failed.brokerStarts, 1);
  // Starts that fail one after another beside a running broker: each says it went on.
  const twice = correlate([...running, ...second, '1795910186: Error: Address already in use', ...second, '1795910186: Error: Address already in use']);
  assert.deepEqual(twice.findings.filter((f) => f.code === 'broker-start-failed').map((f) => describeFinding(f).endsWith('; the broker already running went on')), [true, true]);
  // A busy broker logs on for its clients between the other's start and its error.
  const busy = correlate([...running, ...second, '1795910186: Received PINGREQ from sub1', '1795910186: Sending PINGRESP to sub1', '1795910186: Error: Address already in use', ...after]);
  assert.deepEqual([findingsOf(busy).filter((f) => f.startsWith('broker')), busy.sessions.map((x) => [x.client, x.endReason])], [['broker-start-failed - 7,12'], [['pub1', 'disconnect'], ['sub1', 'disconnect']]]);
  // journald gives every line of the broker's output one priority, info (or err, from a container's stderr): an error is told by its words.
  for (const pri of [30, 27]) {
    const journald = decoded([...running, ...second, '1795910186: Error: Address already in use', ...after].map((l) => `<${pri}>Nov 28 01:26:10 gw mosquitto[812]: ${l}`));
    assert.deepEqual([journald.findings.map((f) => f.code).filter((c) => c.startsWith('broker')), journald.brokerStarts], [['broker-start-failed'], 1], `<${pri}>`);
    const restarted = decoded([...running, ...second, '1795910186: Loading plugin: /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so'].map((l) => `<${pri}>Nov 28 01:26:10 gw mosquitto[812]: ${l}`));
    assert.deepEqual([restarted.findings.map((f) => f.code).filter((c) => c.startsWith('broker')), restarted.brokerStarts], [['broker-restart'], 2], `<${pri}>`);
  }
  // The failed start at the log's end, or before the running broker stops or is started again.
  const ofBroker = (lines: string[]): string[] => findingsOf(correlate(lines)).filter((f) => f.startsWith('broker'));
  assert.deepEqual(ofBroker([...running, ...second, '1795910186: Error: Unable to start any listening sockets, exiting.']), ['broker-start-failed - 7,10']);
  assert.deepEqual(ofBroker([...running, ...second, '1795910186: Error: Address already in use', '1795910190: mosquitto version 2.0.11 terminating', '1795910191: mosquitto version 2.0.11 starting']), ['broker-restart - 12', 'broker-start-failed - 7,10']);
  // A start that goes on, told by its running line, its bridges or (1.6.10 and older) its first client, ends the sessions at the time before it.
  const restarts = {
    running: [...second, '1795910186: mosquitto version 2.0.11 running'],
    bridge: [...second, '1795910186: Connecting bridge b1 (127.0.0.1:1884)'],
    '1.5': ['1795910186: mosquitto version 1.5.7 starting', '1795910187: New connection from 127.0.0.1 on port 1883.'],
    'an error the broker went on after': [...second, '1795910186: Error: Unable to load CA certificates.', '1795910186: mosquitto version 2.0.11 running'],
    'the log ends': second,
  };
  // Real 2.0.11 starts that fail with no broker running: a file it cannot open, an address it cannot listen on.
  const alone = correlate([
    '1795912834: mosquitto version 2.0.11 starting',
    '1795912834: Config loaded from b.conf.',
    '1795912834: Error: Unable to open pwfile "/tmp/fs/nonexistent".',
    '1795912834: Error opening password file "/tmp/fs/nonexistent".',
    '1795912835: mosquitto version 2.0.11 starting',
    '1795912835: Config loaded from d.conf.',
    '1795912835: Opening ipv4 listen socket on port 21997.',
    '1795912835: Error: Cannot assign requested address',
  ]);
  assert.deepEqual(alone.findings.map((f) => describeFinding(f)), ['broker 2.0.11 did not start (Unable to open pwfile "/tmp/fs/nonexistent")', 'broker 2.0.11 did not start (Cannot assign requested address)']);
  assert.deepEqual([alone.brokerStarts, alone.brokerFailedStarts, alone.brokerVersions], [0, 2, ['2.0.11']]);
  // Followed, a start the log then says nothing after is judged once the log has been quiet a moment.
  const followed = (lines: readonly string[], quietFor: number): CorrelatorEvent[] => {
    const events: CorrelatorEvent[] = [];
    const c = new Correlator({ onEvent: (e) => events.push(e) });
    for (const r of records(lines)) c.push(r);
    c.quietUntil(1795910186_000 + quietFor);
    return events;
  };
  const said = (events: CorrelatorEvent[]): string[] => events.map((e) => (e.kind === 'finding' ? e.finding.code : e.kind === 'session-end' ? `${e.session.client} ${e.session.endReason}` : '')).filter(Boolean);
  assert.deepEqual(said(followed([...running, ...second, '1795910186: Error: Address already in use'], 1000)), []);
  assert.deepEqual(said(followed([...running, ...second, '1795910186: Error: Address already in use'], 2000)), ['broker-start-failed']);
  assert.deepEqual(said(followed([...running, ...second], 2000)), ['sub1 broker-shutdown', 'broker-restart']);
  for (const [name, lines] of Object.entries(restarts)) {
    const c = correlate([...running, ...lines]);
    assert.deepEqual(c.sessions.map((x) => [x.client, x.endReason, x.durationMs]), [['sub1', 'broker-shutdown', 0]], name);
    assert.deepEqual(ofBroker([...running, ...lines]), ['broker-restart - 7'], name);
    assert.equal(c.brokerStarts, 2, name);
  }
});

test('errors in the configuration before a start are a start that failed before its starting line, each attempt once; a reload\'s are not', () => {
  // Real 2.0.11 on stderr, three attempts: an unknown option, a bad value, a missing file; then a start that runs.
  const attempts = [
    '1795963203: Error: Unknown configuration variable "bogus_option".',
    '1795963203: Error found at bad.conf:2.',
    '1795963204: Error: Invalid allow_anonymous value (maybe).',
    '1795963204: Error found at bad2.conf:2.',
    '1795963205: Error: Unable to open config file /nonexistent.conf.',
  ];
  const good = ['1795963210: mosquitto version 2.0.11 starting', '1795963210: Config loaded from good.conf.', '1795963210: mosquitto version 2.0.11 running'];
  const c = correlate([...attempts, ...good]);
  assert.deepEqual(findingsOf(c), ['broker-start-failed - 1,2', 'broker-start-failed - 3,4', 'broker-start-failed - 5']);
  assert.deepEqual(c.findings.map((f) => describeFinding(f)), [
    'broker did not start: its configuration has an error (Unknown configuration variable "bogus_option")',
    'broker did not start: its configuration has an error (Invalid allow_anonymous value (maybe))',
    'broker did not start: its configuration has an error (Unable to open config file /nonexistent.conf)',
  ]);
  assert.deepEqual([c.brokerStarts, c.brokerFailedStarts], [1, 3]);
  // An option on its command line it does not know: real 2.0.11 (`mosquitto -x`), straight to stderr with no time, then its usage.
  const unknownOption = ["Error: Unknown option '-x'.", 'mosquitto version 2.0.11', '', 'mosquitto is an MQTT v5.0/v3.1.1/v3.1 broker.', '', 'Usage: mosquitto [-c config_file] [-d] [-h] [-p port]'];
  const badOption = correlate([...unknownOption, ...good]);
  assert.deepEqual([findingsOf(badOption), badOption.findings.map((f) => describeFinding(f))], [['broker-start-failed - 1'], ["broker did not start: its command line has an error (Unknown option '-x')"]]);
  // A log file it cannot open, it says so and goes on (1.5 and later), on stderr.
  assert.deepEqual(findingsOf(correlate(['1795963203: Error: Unable to open log file /nodir/x.log for writing.', ...good])), []);
  // Followed, an attempt's errors with a moment's quiet between them are one, said once the log has been quiet a while.
  const followedFailure = (quietAfterFirst: number): string[] => {
    const found: string[] = [];
    const f = new Correlator({ onEvent: (e) => (e.kind === 'finding' ? found.push(`${e.finding.code} ${e.finding.at.map((a) => a.line).join(',')}`) : undefined) });
    const [first, second] = records(attempts.slice(0, 2));
    f.push(first as LogRecord);
    f.quietUntil(1795963203_000 + quietAfterFirst);
    f.push(second as LogRecord);
    f.quietUntil(1795963203_000 + 5000);
    return found;
  };
  assert.deepEqual(followedFailure(500), ['broker-start-failed 1,2']);
  // In a journal each attempt is a process of its own, and systemd's lines come between.
  const journal = decoded([
    'Nov 29 10:00:03 gw mosquitto[811]: 1795963205: Error: Unable to open config file /etc/mosquitto/mosquitto.conf.',
    'Nov 29 10:00:03 gw systemd[1]: mosquitto.service: Main process exited, code=exited, status=3/NOTIMPLEMENTED',
    'Nov 29 10:00:08 gw mosquitto[815]: 1795963208: Error: Unable to open config file /etc/mosquitto/mosquitto.conf.',
  ]);
  assert.deepEqual(journal.findings.map((f) => f.code), ['broker-start-failed', 'broker-start-failed', 'broker-exited']);
  // A reload's errors are the reload's; errors after a starting line are that start's.
  assert.deepEqual(findingsOf(correlate([...good, '1795963220: Reloading config.', ...attempts.slice(0, 2)])), ['reload-failed - 4,5']);
  const started = correlate([good[0] as string, ...attempts.slice(0, 2)]);
  assert.deepEqual(findingsOf(started), ['broker-start-failed - 1,2']);
  assert.equal(describeFinding(started.findings[0] as Finding), 'broker 2.0.11 did not start (Unknown configuration variable "bogus_option")');
});

test('after a restart, a new message with the id of one in flight is no re-send of it; the same message, d1 as the broker sends it again, is', () => {
  const before = [
    '1700000000: mosquitto version 2.0.18 starting',
    ...connect(1700000001, 'sub', 0),
    "1700000002: Sending PUBLISH to sub (d0, q1, r0, m1, 'alarm/fire', ... (3 bytes))",
    '1700000010: mosquitto version 2.0.18 terminating',
    '1700000020: mosquitto version 2.0.18 starting',
    ...connect(1700000021, 'sub', 0),
  ];
  const lost = correlate([...before, "1700000022: Sending PUBLISH to sub (d0, q1, r0, m1, 'weather/temp', ... (5 bytes))", '1700000022: Received PUBACK from sub (Mid: 1, RC:0)']);
  assert.deepEqual(lost.flows.map((f) => [f.topic, f.state, f.duplicates]), [['alarm/fire', 'incomplete', 0], ['weather/temp', 'complete', 0]]);
  assert.deepEqual(findingsOf(lost), ['mid-reused sub 9,4', 'broker-restart - 6']);
  const kept = correlate([...before, "1700000022: Sending PUBLISH to sub (d1, q1, r0, m1, 'alarm/fire', ... (3 bytes))", '1700000022: Received PUBACK from sub (Mid: 1, RC:0)']);
  assert.deepEqual(kept.flows.map((f) => [f.topic, f.state, f.duplicates, f.resumed]), [['alarm/fire', 'complete', 1, true]]);
  // The broker marks what it sends again d1: a d0 message of the same topic and size is a new one.
  const anew = correlate([...before, "1700000022: Sending PUBLISH to sub (d0, q1, r0, m1, 'alarm/fire', ... (3 bytes))", '1700000022: Received PUBACK from sub (Mid: 1, RC:0)']);
  assert.deepEqual(anew.flows.map((f) => [f.topic, f.state, f.duplicates]), [['alarm/fire', 'incomplete', 0], ['alarm/fire', 'complete', 0]]);
  // A client may forget the flag: what it sends again after a reconnect is taken as sent again.
  const client = correlate([
    ...connect(1700000001, 'pub', 0), "1700000002: Received PUBLISH from pub (d0, q1, r0, m4, 'a/b', ... (3 bytes))", '1700000003: Client pub disconnected.',
    ...connect(1700000004, 'pub', 0), "1700000004: Received PUBLISH from pub (d0, q1, r0, m4, 'a/b', ... (3 bytes))", '1700000004: Sending PUBACK to pub (m4, rc0)',
  ]);
  assert.deepEqual(client.flows.map((f) => [f.state, f.duplicates, f.resumed]), [['complete', 1, true]]);
});

test('a PUBREL sent again after a reconnect is no step out of order', () => {
  const c = correlate([
    ...connect(1700000001, 'sub', 0),
    "1700000002: Sending PUBLISH to sub (d0, q2, r0, m5, 'a/b', ... (3 bytes))",
    '1700000002: Received PUBREC from sub (Mid: 5)',
    '1700000002: Sending PUBREL to sub (m5)',
    '1700000003: Client sub disconnected.',
    ...connect(1700000004, 'sub', 0),
    '1700000004: Sending PUBREL to sub (m5)',
    '1700000004: Received PUBCOMP from sub (Mid: 5)',
  ]);
  assert.deepEqual(c.flows.map((f) => [f.state, f.outOfOrder, f.resumed]), [['complete', false, true]]);
});

test('a keepalive timeout sooner than the keepalive asked for says the broker enforced another', () => {
  const c = correlate([
    ...connect(1795762365, 'ka60'), '1795762365: Sending CONNACK to ka60 (0, 0)',
    ...connect(1795762365, 'ka0').map((line) => line.replace('k60', 'k0')), '1795762365: Sending CONNACK to ka0 (0, 0)',
    ...connect(1795762365, 'ka5').map((line) => line.replace('k60', 'k5')), '1795762365: Sending CONNACK to ka5 (0, 0)',
    '1795762372: Client ka5 has exceeded timeout, disconnecting.',
    '1795762382: Client ka60 has exceeded timeout, disconnecting.',
    '1795762382: Client ka0 has exceeded timeout, disconnecting.',
    "1795762383: Received PUBLISH from other (d0, q0, r0, m0, 't', ... (1 bytes))",
  ]);
  assert.deepEqual(c.findings.map(describeFinding), [
    // 7 s of stamps is 1.5 × 5 s within the second the stamps may lose.
    'ka5 exceeded its keepalive of 5s; nothing received for 7s',
    'ka60 timed out after nothing received for 17s, though it asked for a keepalive of 60s; the broker enforced a shorter one',
    'ka0 timed out after nothing received for 17s, though it asked for no keepalive; the broker enforced one',
  ]);
});

/** A connect with its CONNACK: `present` is the session-present flag the broker sent. */
const connectAck = (t: number, client: string, protocol: string, clean: number, present: number): string[] => [
  `${t}: New connection from 127.0.0.1:40000 on port 1883.`,
  `${t}: New client connected from 127.0.0.1:40000 as ${client} (${protocol}, c${clean}, k60).`,
  `${t}: Sending CONNACK to ${client} (${present}, 0)`,
];

describe('whether the broker kept the session is what its CONNACK says', () => {
  const delivery = (t: number, mid: number, topic: string, dup = 0): string => `${t}: Sending PUBLISH to sub (d${dup}, q1, r0, m${mid}, '${topic}', ... (4 bytes))`;

  test('no session present: a v5 session without clean start, kept by nothing, loses what was in flight', () => {
    const c = correlate([
      ...connectAck(1795762068, 'sub', 'p5', 0, 0), delivery(1795762068, 1, 't/a'), '1795762068: Client sub closed its connection.',
      ...connectAck(1795762069, 'sub', 'p5', 0, 0), delivery(1795762069, 1, 't/a'), '1795762069: Received PUBACK from sub (Mid: 1, RC:0)',
    ]);
    assert.deepEqual(c.flows.map((f) => [f.state, f.dropped, f.duplicates]), [['incomplete', 'not-resumed', 0], ['complete', undefined, 0]]);
    assert.deepEqual(findingsOf(c), ['flow-incomplete sub 8,4,5']);
    const finding = c.findings[0];
    assert.ok(finding);
    assert.match(describeFinding(finding), /the session ended with it in flight, and the broker did not resume it when the client reconnected$/);
    // The timeline says why the delivery was given up.
    const { timeline } = withTimeline([...connectAck(1795762068, 'sub', 'p5', 0, 0), delivery(1795762068, 1, 't/a'), '1795762068: Client sub closed its connection.', ...connectAck(1795762069, 'sub', 'p5', 0, 0)]);
    assert.match(entryText(timeline, 'flow'), /PUBLISH INCOMPLETE, waiting for PUBACK \(session not resumed\)/);
  });

  test('no session present after a restart: a 3.1.1 persistent session the broker did not keep', () => {
    const c = correlate([
      ...connectAck(1795762091, 'sub', 'p2', 0, 0), delivery(1795762091, 1, 't/b'),
      '1795762095: mosquitto version 2.0.11 terminating', '1795762095: mosquitto version 2.0.11 starting',
      ...connectAck(1795762096, 'sub', 'p2', 0, 0), delivery(1795762096, 1, 't/b'), '1795762096: Received PUBACK from sub (Mid: 1, RC:0)',
    ]);
    assert.deepEqual(c.flows.map((f) => [f.state, f.dropped, f.latencyMs]), [['incomplete', 'not-resumed', undefined], ['complete', undefined, 0]]);
  });

  test('session present: a v5 clean start with a session the broker kept resumes what was in flight', () => {
    const c = correlate([
      ...connectAck(1795762237, 'sub', 'p5', 1, 0), delivery(1795762237, 1, 'k/1'), '1795762237: Client sub closed its connection.',
      ...connectAck(1795762238, 'sub', 'p5', 0, 1), delivery(1795762238, 1, 'k/1', 1), '1795762238: Received PUBACK from sub (Mid: 1, RC:0)',
    ]);
    assert.deepEqual(c.flows.map((f) => [f.state, f.resumed, f.duplicates]), [['complete', true, 1]]);
    // MQTT asks for that re-send: it is no duplicate to report.
    assert.deepEqual(c.findings.map((f) => f.code), []);
  });

  test("at the log's end, a delivery a kept session's connection ended on is held for it, not stalled; one it had stopped answering is", () => {
    const offline = (clean: number, waitS: number): Correlation => correlate([
      ...connectAck(1795762237, 'sub', 'p2', clean, 0), delivery(1795762237, 1, 'k/1'), `${1795762237 + waitS}: Client sub closed its connection.`,
      '1795762300: Received PINGREQ from other',
    ]);
    const held = offline(0, 2);
    assert.deepEqual(held.flows.map((f) => [f.state, f.held, f.sessionEnded]), [['in-flight', true, true]]);
    assert.deepEqual(held.findings, []);
    assert.equal(held.flowTotals.qos1.inFlight, 1);
    // Left unanswered for 30 s while connected, it had stalled before the connection ended.
    assert.deepEqual(offline(0, 30).flows.map((f) => [f.state, f.held, f.stalledAt]), [['incomplete', undefined, 'puback']]);
    // A clean session's delivery dies with it.
    assert.deepEqual(offline(1, 2).flows.map((f) => [f.state, f.held]), [['incomplete', undefined]]);
    // A broker that stopped without saving its database (no persistence) lost the session.
    const stop = (saved: boolean): unknown => correlate([
      ...connectAck(1795762237, 'sub', 'p2', 0, 0), delivery(1795762237, 1, 'k/1'), '1795762238: Client sub closed its connection.',
      '1795762240: mosquitto version 2.0.11 terminating', ...(saved ? ['1795762240: Saving in-memory database to /var/lib/mosquitto/mosquitto.db.'] : []),
      '1795762250: mosquitto version 2.0.11 starting', '1795762250: mosquitto version 2.0.11 running',
    ]).flows.map((f) => [f.state, f.held]);
    assert.deepEqual(stop(true), [['in-flight', true]]);
    assert.deepEqual(stop(false), [['incomplete', undefined]]);
  });

  test('a message sent again once more than its resumed sessions ask for is a duplicate, found when it was sent again', () => {
    const leaves = (t: number): string => `${t}: Client sub closed its connection.`;
    const resumes = (t: number): string[] => [...connectAck(t, 'sub', 'p5', 0, 1), delivery(t, 1, 'k/1', 1)];
    const twice = correlate([
      ...connectAck(1795762237, 'sub', 'p5', 1, 0), delivery(1795762237, 1, 'k/1'), leaves(1795762237),
      ...resumes(1795762238), leaves(1795762239), ...resumes(1795762240), '1795762240: Received PUBACK from sub (Mid: 1, RC:0)',
    ]);
    assert.deepEqual(twice.flows.map((f) => [f.state, f.duplicates]), [['complete', 2]]);
    assert.deepEqual(twice.findings, []);
    const again = correlate([
      ...connectAck(1795762237, 'sub', 'p5', 1, 0), delivery(1795762237, 1, 'k/1'), leaves(1795762237),
      ...resumes(1795762238), delivery(1795762250, 1, 'k/1', 1), '1795762251: Received PUBACK from sub (Mid: 1, RC:0)',
    ]);
    assert.deepEqual(again.flows.map((f) => [f.state, f.duplicates]), [['complete', 2]]);
    const duplicate = again.findings.find((f) => f.code === 'flow-duplicate');
    assert.equal(duplicate?.time, 1795762250_000, 'at the latest re-send, the first line it names');
    assert.equal(duplicate?.at[0]?.line, 10);
  });

  test('a v5 clean start gives up what an earlier session left', () => {
    const c = correlate([
      ...connectAck(1795762237, 'sub', 'p5', 1, 0), delivery(1795762237, 1, 'k/1'), '1795762237: Client sub closed its connection.',
      ...connect(1795762238, 'sub', 1).map((line) => line.replace('p2', 'p5')),
    ]);
    assert.deepEqual(c.flows.map((f) => [f.state, f.dropped]), [['incomplete', 'clean-start']]);
  });

  test('without connection lines (connection_messages false), a second CONNACK without session present still ends what was in flight', () => {
    const c = correlate([
      '1795762012: Sending CONNACK to sub (0, 0)', delivery(1795762012, 1, 't/1'),
      '1795762014: Sending CONNACK to sub (0, 0)', delivery(1795762020, 1, 't/1'), '1795762022: Received PUBACK from sub (Mid: 1, RC:0)',
    ]);
    assert.deepEqual(c.flows.map((f) => [f.state, f.dropped, f.sessionEnded]), [['incomplete', 'not-resumed', true], ['complete', undefined, false]]);
    assert.deepEqual(c.findings.map((f) => f.code), ['flow-incomplete', 'no-connection-lines']);
  });

  test('a 1.4/1.5 log names no MQTT version: no session present is taken as said', () => {
    const c = correlate([
      '1430000001: New client connected from 10.0.0.1 as sub (c0, k60).', '1430000001: Sending CONNACK to sub (0, 0)', delivery(1430000002, 7, 'a/b'),
      '1430000003: Socket error on client sub, disconnecting.',
      '1430000010: New client connected from 10.0.0.1 as sub (c0, k60).', '1430000010: Sending CONNACK to sub (0, 0)',
    ]);
    assert.deepEqual(c.flows.map((f) => [f.state, f.dropped]), [['incomplete', 'not-resumed']]);
  });

  test('a 3.1 client always reads no session present: its resumed session keeps what was in flight', () => {
    const c = correlate([
      ...connectAck(1795761801, 'sub', 'p1', 0, 0), delivery(1795761802, 3, 'a/b'), '1795761803: Socket error on client sub, disconnecting.',
      ...connectAck(1795761810, 'sub', 'p1', 0, 0), delivery(1795761810, 3, 'a/b', 1), '1795761810: Received PUBACK from sub (Mid: 3, RC:0)',
    ]);
    assert.deepEqual(c.flows.map((f) => [f.state, f.resumed, f.duplicates]), [['complete', true, 1]]);
  });

  test('a v5 session ended without a reconnect still ends its flows incomplete when the log ends', () => {
    const c = correlate([...connectAck(1795762237, 'sub', 'p5', 1, 0), delivery(1795762237, 1, 'k/1'), '1795762237: Client sub closed its connection.']);
    const finding = c.findings[0];
    assert.deepEqual(c.flows.map((f) => [f.state, f.sessionEnded, f.dropped]), [['incomplete', true, undefined]]);
    assert.equal(finding?.code === 'flow-incomplete' && finding.sessionEnded, true);
  });
});

test('a retained delivery just after a SUBACK comes from the store; a v5 retain-as-published forward keeps its origin', () => {
  const subscribe = (t: number): string[] => [`${t}: Received SUBSCRIBE from sub`, `${t}: \tt/# (QoS 1)`, `${t}: Sending SUBACK to sub`];
  const publish = (t: number): string => `${t}: Received PUBLISH from pub (d0, q1, r1, m7, 't/x', ... (4 bytes))`;
  const deliver = (t: number): string => `${t}: Sending PUBLISH to sub (d0, q1, r1, m1, 't/x', ... (4 bytes))`;
  const decoder = (): ReturnType<typeof createLineDecoder> => createLineDecoder('f.log');
  const run = (lines: string[]): Correlation => {
    const d = decoder();
    return correlateRecords(lines.map(d.decode), { keepFlows: 'all', traceOrigins: true });
  };
  const clients = [...connect(1795702400, 'sub'), ...connect(1795702400, 'pub')];
  const onSubscribe = run([...clients, publish(1795702440), ...subscribe(1795702441), deliver(1795702441)]);
  assert.deepEqual(onSubscribe.flows.filter((f) => f.direction === 'out').map((f) => f.origin?.client ?? null), [null]);
  const forwarded = run([...clients, ...subscribe(1795702441), publish(1795702450), deliver(1795702450)]);
  assert.deepEqual(forwarded.flows.filter((f) => f.direction === 'out').map((f) => f.origin?.client ?? null), ['pub']);
  // Forwarded as it comes in, within a second of the SUBACK: no message from the store.
  const forwardedAtOnce = run([...clients, ...subscribe(1795702441), publish(1795702441), deliver(1795702441)]);
  assert.deepEqual(forwardedAtOnce.flows.filter((f) => f.direction === 'out').map((f) => f.origin?.client ?? null), ['pub']);
});

test('a delivery the broker queued is linked to the latest PUBLISH, ambiguous when an earlier one came in the window', () => {
  const run = (lines: string[]): Correlation => correlateRecords(records(lines), { keepFlows: 'all', traceOrigins: true });
  const origins = (c: Correlation): Array<[number, string | undefined, boolean | undefined]> =>
    c.flows.filter((f) => f.direction === 'out').map((f) => [f.mid, f.origin?.client, f.origin?.ambiguous]);
  const clients = [...connect(1795762347, 'rm1'), ...connect(1795762347, 'alpha'), ...connect(1795762347, 'gamma')];
  // rm1 takes one message at a time: alpha's second waits for rm1's PUBACK, and gamma's comes in meanwhile.
  const queued = run([
    ...clients,
    "1795762347: Received PUBLISH from alpha (d0, q1, r0, m1, 'o/t', ... (4 bytes))",
    "1795762347: Sending PUBLISH to rm1 (d0, q1, r0, m1, 'o/t', ... (4 bytes))",
    '1795762347: Sending PUBACK to alpha (m1, rc0)',
    "1795762347: Received PUBLISH from alpha (d0, q1, r0, m2, 'o/t', ... (4 bytes))",
    '1795762347: Sending PUBACK to alpha (m2, rc0)',
    "1795762348: Received PUBLISH from gamma (d0, q1, r0, m1, 'o/t', ... (4 bytes))",
    '1795762348: Sending PUBACK to gamma (m1, rc0)',
    '1795762348: Received PUBACK from rm1 (Mid: 1, RC:0)',
    "1795762348: Sending PUBLISH to rm1 (d0, q1, r0, m2, 'o/t', ... (4 bytes))",
  ]);
  assert.deepEqual(origins(queued), [[1, 'alpha', false], [2, 'gamma', true]]);
  // Sent as the PUBLISH came in (QoS 2: when its PUBREL released it), each delivery is that message's.
  const direct = run([
    ...clients,
    "1795762347: Received PUBLISH from alpha (d0, q1, r0, m1, 'o/t', ... (4 bytes))",
    "1795762347: Sending PUBLISH to rm1 (d0, q1, r0, m1, 'o/t', ... (4 bytes))",
    '1795762347: Sending PUBACK to alpha (m1, rc0)',
    "1795762348: Received PUBLISH from gamma (d0, q2, r0, m1, 'o/t', ... (4 bytes))",
    '1795762348: Sending PUBREC to gamma (m1, rc0)',
    '1795762348: Received PUBREL from gamma (Mid: 1)',
    "1795762348: Sending PUBLISH to rm1 (d0, q1, r0, m2, 'o/t', ... (4 bytes))",
    '1795762348: Sending PUBCOMP to gamma (m1)',
  ]);
  assert.deepEqual(origins(direct), [[1, 'alpha', false], [2, 'gamma', false]]);
  // 1.x acknowledges the publisher before it sends the deliveries: they are still the message's.
  const acknowledgedFirst = run([
    ...clients,
    "1795762347: Received PUBLISH from alpha (d0, q1, r0, m1, 'o/t', ... (4 bytes))",
    '1795762347: Sending PUBACK to alpha (m1, rc0)',
    "1795762347: Sending PUBLISH to rm1 (d0, q1, r0, m1, 'o/t', ... (4 bytes))",
    '1795762347: Received PUBACK from rm1 (Mid: 1, RC:0)',
    "1795762348: Received PUBLISH from gamma (d0, q1, r0, m1, 'o/t', ... (4 bytes))",
    '1795762348: Sending PUBACK to gamma (m1, rc0)',
    "1795762348: Sending PUBLISH to rm1 (d0, q1, r0, m2, 'o/t', ... (4 bytes))",
  ]);
  assert.deepEqual(origins(acknowledgedFirst), [[1, 'alpha', false], [2, 'gamma', false]]);
});

test('a QoS 2 message released by its PUBREL after a later PUBLISH of the same topic and size is the origin of what follows the PUBREL', () => {
  const c = correlateRecords(records([
    ...connect(1795762347, 'trSub'), ...connect(1795762347, 'trA'), ...connect(1795762347, 'trB'),
    "1795762348: Received PUBLISH from trA (d0, q2, r0, m1, 'tr/x', ... (3 bytes))",
    '1795762348: Sending PUBREC to trA (m1, rc0)',
    "1795762349: Received PUBLISH from trB (d0, q1, r0, m1, 'tr/x', ... (3 bytes))",
    "1795762349: Sending PUBLISH to trSub (d0, q1, r0, m1, 'tr/x', ... (3 bytes))",
    '1795762349: Sending PUBACK to trB (m1, rc0)',
    '1795762349: Received PUBACK from trSub (Mid: 1, RC:0)',
    '1795762350: Received PUBREL from trA (Mid: 1)',
    "1795762350: Sending PUBLISH to trSub (d0, q1, r0, m2, 'tr/x', ... (3 bytes))",
    '1795762350: Sending PUBCOMP to trA (m1)',
  ]), { keepFlows: 'all', traceOrigins: true });
  const origins = c.flows.filter((f) => f.direction === 'out').map((f) => [f.mid, f.origin?.client, f.origin?.mid, f.origin?.ambiguous]);
  assert.deepEqual(origins, [[1, 'trB', 1, false], [2, 'trA', 1, false]]);
});

test('a delivery the broker sends as it ends a connection with a will is of that will, not of a PUBLISH to the same topic before it', () => {
  // Real 2.0.11: dev1 publishes to its will topic, with a payload of its will's size, then its socket is closed.
  const lines = [
    '1795867650: New connection from 127.0.0.1:36392 on port 28841.',
    '1795867650: New client connected from 127.0.0.1:36392 as watcher (p2, c1, k60).',
    '1795867650: Sending CONNACK to watcher (0, 0)',
    '1795867650: New connection from 127.0.0.1:36398 on port 28841.',
    '1795867650: New client connected from 127.0.0.1:36398 as dev1 (p2, c1, k60).',
    '1795867650: Will message specified (7 bytes) (r0, q1).',
    '1795867650: \tstatus/dev1',
    '1795867650: Sending CONNACK to dev1 (0, 0)',
    "1795867650: Received PUBLISH from dev1 (d0, q1, r0, m31873, 'status/dev1', ... (7 bytes))",
    "1795867650: Sending PUBLISH to watcher (d0, q1, r0, m1, 'status/dev1', ... (7 bytes))",
    '1795867650: Sending PUBACK to dev1 (m31873, rc0)',
    '1795867650: Received PUBACK from watcher (Mid: 1, RC:0)',
    '1795867651: Client dev1 closed its connection.',
    "1795867651: Sending PUBLISH to watcher (d0, q1, r0, m2, 'status/dev1', ... (7 bytes))",
    '1795867651: Received PUBACK from watcher (Mid: 2, RC:0)',
  ];
  const origins = (c: Correlation): unknown[] => c.flows.filter((f) => f.direction === 'out').map((f) => [f.mid, f.origin?.client, f.origin?.mid, f.origin?.will, f.origin?.at.line]);
  const ambiguity = (c: Correlation): unknown[] => c.flows.filter((f) => f.direction === 'out').map((f) => f.origin?.ambiguous);
  const trace = (log: readonly string[]): Correlation => {
    const decoder = createLineDecoder('f.log');
    return correlateRecords(log.map((l) => decoder.decode(l)), { keepFlows: 'all', traceOrigins: true });
  };
  assert.deepEqual(origins(trace(lines)), [[1, 'dev1', 31873, undefined, 9], [2, 'dev1', undefined, true, 13]]);
  // Ended in the second of its PUBLISH: the delivery right after the end is still the will's, for sure.
  const sameSecond = trace(lines.map((l) => l.replace('1795867651:', '1795867650:')));
  assert.deepEqual([origins(sameSecond), ambiguity(sameSecond)], [[[1, 'dev1', 31873, undefined, 9], [2, 'dev1', undefined, true, 13]], [false, false]]);
  // A client's own DISCONNECT discards its will: the delivery after it was queued, of the PUBLISH.
  const clean = lines.with(12, '1795867651: Client dev1 disconnected.');
  assert.deepEqual(origins(trace(clean)), [[1, 'dev1', 31873, undefined, 9], [2, 'dev1', 31873, undefined, 9]]);
  // An MQTT v5 will may wait for a delay the log does not give, and a v5 DISCONNECT may ask for
  // it: the delivery right after the end may be the will, or queued. A client dropped at a reload has its will discarded.
  const v5 = lines.with(4, '1795867650: New client connected from 127.0.0.1:36398 as dev1 (p5, c1, k60).');
  assert.deepEqual([origins(trace(v5)), ambiguity(trace(v5))], [[[1, 'dev1', 31873, undefined, 9], [2, 'dev1', undefined, true, 13]], [false, true]]);
  const v5Disconnect = v5.with(12, '1795867651: Client dev1 disconnected.');
  assert.deepEqual([origins(trace(v5Disconnect)), ambiguity(trace(v5Disconnect))], [[[1, 'dev1', 31873, undefined, 9], [2, 'dev1', undefined, true, 13]], [false, true]]);
  // A v5 will that waited for its delay goes out as its session expires, unless its client came back.
  const expiring = [
    '1795896600: New client connected from 127.0.0.1:5000 as watch (p5, c1, k60).',
    '1795896601: New client connected from 127.0.0.1:5001 as dying (p5, c0, k60).',
    '1795896601: Will message specified (3 bytes) (r0, q1).',
    '1795896601: \twill/exp',
    '1795896602: Client dying closed its connection.',
    '1795896662: Expiring client dying due to timeout.',
    "1795896662: Sending PUBLISH to watch (d0, q1, r0, m1, 'will/exp', ... (3 bytes))",
  ];
  const willOf = (c: Correlation): unknown => c.flows.map((f) => f.origin && [f.origin.client, f.origin.will, f.origin.ambiguous, f.origin.at.line]);
  assert.deepEqual(willOf(trace(expiring)), [['dying', true, true, 6]]);
  const cameBack = [...expiring.slice(0, 5), '1795896603: New client connected from 127.0.0.1:5002 as dying (p5, c0, k60).', '1795896604: Client dying disconnected.', ...expiring.slice(5)];
  assert.deepEqual(willOf(trace(cameBack)), [undefined]);
  const reload = [...lines.slice(0, 12), '1795867651: Reloading config.', '1795867651: Client dev1 disconnected.', ...lines.slice(13)];
  assert.deepEqual(origins(trace(reload)), [[1, 'dev1', 31873, undefined, 9], [2, 'dev1', 31873, undefined, 9]]);
});

test("a v5 will sent when its delay has passed, seconds after its connection closed, is linked to it, unless its client came back", () => {
  // Debian's 2.0.11: a will with a 2 s delay and a 10 s session expiry, the socket dropped.
  const delayed = [
    '1796014574: New connection from 127.0.0.1:54660 on port 18832.',
    '1796014574: New client connected from 127.0.0.1:54660 as will-watch (p2, c1, k60).',
    '1796014574: Sending CONNACK to will-watch (0, 0)',
    '1796014575: New connection from 127.0.0.1:54694 on port 18832.',
    '1796014575: New client connected from 127.0.0.1:54694 as delayed-will (p5, c0, k60).',
    '1796014575: Will message specified (4 bytes) (r0, q1).',
    '1796014575: \twills/x',
    '1796014575: Sending CONNACK to delayed-will (0, 0)',
    '1796014575: Client delayed-will closed its connection.',
    "1796014578: Sending PUBLISH to will-watch (d0, q1, r0, m2, 'wills/x', ... (4 bytes))",
    '1796014578: Received PUBACK from will-watch (Mid: 2, RC:0)',
  ];
  const trace = (log: readonly string[]): unknown[] => {
    const decoder = createLineDecoder('f.log');
    const c = correlateRecords(log.map((l) => decoder.decode(l)), { keepFlows: 'all', traceOrigins: true });
    return c.flows.map((f) => f.origin && [f.origin.client, f.origin.will, f.origin.ambiguous, f.origin.at.line]);
  };
  assert.deepEqual(trace(delayed), [['delayed-will', true, true, 9]]);
  // Back before the delay passed, the client cancelled its will: a later message of its topic and size is not it.
  const back = [...delayed.slice(0, 9), '1796014576: New client connected from 127.0.0.1:54700 as delayed-will (p5, c0, k60).', '1796014576: Sending CONNACK to delayed-will (1, 0)', ...delayed.slice(9)];
  assert.deepEqual(trace(back), [undefined]);
});

test('a denied PUBLISH is no published message for the top clients and topics', () => {
  const c = correlate([
    ...connect(1795700000, 'acl'),
    "1795700001: Denied PUBLISH from acl (d0, q0, r0, m0, 'no/x', ... (1 bytes))",
    "1795700001: Received PUBLISH from acl (d0, q0, r0, m0, 'ok/x', ... (1 bytes))",
  ]);
  assert.deepEqual(c.topTopics.map((t) => t.topic), ['ok/x']);
  assert.deepEqual(c.topClients.map((t) => [t.client, t.messages]), [['acl', 1]]);
});

describe('a PUBLISH the broker denied', () => {
  test('at QoS 0 is a finding, though no flow and no acknowledgement follow', () => {
    const c = correlate([...connect(1795700000, 'acl'), "1795700001: Denied PUBLISH from acl (d0, q0, r0, m0, 'no/x', ... (1 bytes))"]);
    assert.deepEqual(findingsOf(c), ['publish-denied acl 3']);
    const f = c.findings[0];
    assert.deepEqual(f?.code === 'publish-denied' && [f.direction, f.qos, f.mid, f.topic, f.severity], ['in', 0, null, 'no/x', 'warning']);
    assert.equal(f && describeFinding(f), 'acl may not publish to no/x: its PUBLISH (QoS 0) was denied and dropped');
    assert.equal(c.flows.length, 0);
  });

  test('at QoS 1 and 2 is one finding, and its flow ends refused whatever the acknowledgement says', () => {
    const denied = (acks: readonly string[]): Correlation => correlate([
      ...connect(1795700000, 'acl'),
      "1795700001: Denied PUBLISH from acl (d0, q1, r0, m7, 'no/x', ... (1 bytes))",
      ...acks,
    ]);
    // 2.0 logs the reason code; 1.x acknowledges as if all were well.
    for (const ack of ['1795700001: Sending PUBACK to acl (m7, rc135)', '1795700001: Sending PUBACK to acl (Mid: 7)']) {
      const c = denied([ack]);
      assert.deepEqual(findingsOf(c), ['publish-denied acl 3'], ack);
      assert.deepEqual(c.flows.map((f) => f.state), ['refused'], ack);
      const f = c.findings[0];
      assert.equal(f && describeFinding(f), 'acl may not publish to no/x: its PUBLISH m7 (QoS 1) was denied and dropped');
    }
    const qos2 = correlate([
      ...connect(1795700000, 'acl'),
      "1795700001: Denied PUBLISH from acl (d0, q2, r0, m8, 'no/y', ... (1 bytes))",
      '1795700001: Sending PUBREC to acl (Mid: 8)',
      '1795700001: Received PUBREL from acl (Mid: 8)',
      '1795700001: Sending PUBCOMP to acl (Mid: 8)',
    ]);
    assert.deepEqual([findingsOf(qos2), qos2.flows.map((f) => [f.state, f.dropped])], [['publish-denied acl 3'], [['refused', 'denied']]]);
  });

  test("by a plugin, after the message's Received PUBLISH line, is that message: no id reused, no second message", () => {
    const c = correlate([
      ...connect(1795700000, 'acl'),
      "1795700001: Received PUBLISH from acl (d0, q1, r0, m7, 'no/x', ... (1 bytes))",
      "1795700001: Denied PUBLISH from acl (d0, q1, r0, m7, 'no/x', ... (1 bytes))",
      '1795700001: Sending PUBACK to acl (m7, rc135)',
      "1795700002: Received PUBLISH from acl (d0, q0, r0, m0, 'no/z', ... (1 bytes))",
      "1795700002: Denied PUBLISH from acl (d0, q0, r0, m0, 'no/z', ... (1 bytes))",
      "1795700003: Received PUBLISH from acl (d0, q0, r0, m0, 'ok/z', ... (1 bytes))",
      '1795700004: Client acl disconnected.',
    ]);
    assert.deepEqual(findingsOf(c), ['publish-denied acl 4', 'publish-denied acl 7']);
    assert.deepEqual(c.flows.map((f) => [f.mid, f.state, f.dropped]), [[7, 'refused', 'denied']]);
    assert.equal(c.sessions[0]?.messagesIn, 3);
    // Each PUBLISH packet is counted once, not once more for its denial.
    assert.equal(c.sessions[0]?.packetsIn.publish, 3);
  });

  test('to a subscriber (2.1) is a finding about that subscriber', () => {
    const c = correlate([...connect(1795700000, 'reader'), "1795700001: Denied PUBLISH to reader (q1, r0, 'secret/x', ... (4 bytes))"]);
    const f = c.findings[0];
    assert.deepEqual(f?.code === 'publish-denied' && [f.client, f.direction, f.qos, f.mid, f.topic], ['reader', 'out', 1, null, 'secret/x']);
    assert.equal(f && describeFinding(f), 'reader may not read secret/x: a message for it (QoS 1) was denied and not sent');
    assert.equal(c.flows.length, 0);
  });
});

test('a PUBLISH dropped as too large is one finding at any QoS, and its flow ends refused whatever the acknowledgement says', () => {
  const c = correlate([
    ...connect(1795700000, 'big'),
    "1795700001: Dropped too large PUBLISH from big (d0, q0, r0, m0, 'r/0', ... (50 bytes))",
    "1795700001: Dropped too large PUBLISH from big (d0, q1, r0, m1, 'r/1', ... (50 bytes))",
    '1795700001: Sending PUBACK to big (Mid: 1)',
    "1795700001: Dropped too large PUBLISH from big (d0, q2, r0, m2, 'r/2', ... (50 bytes))",
    '1795700001: Sending PUBREC to big (m2, rc149)',
    '1795700001: Received PUBREL from big (Mid: 2)',
    '1795700001: Sending PUBCOMP to big (m2)',
    '1795700002: Client big disconnected.',
  ]);
  assert.deepEqual(findingsOf(c), ['publish-too-large big 3', 'publish-too-large big 4', 'publish-too-large big 6']);
  assert.deepEqual(c.flows.map((f) => [f.mid, f.state, f.dropped]), [[1, 'refused', 'too-large'], [2, 'refused', 'too-large']]);
  assert.deepEqual(c.findings.map((f) => describeFinding(f)), [
    "big published 50 B to r/0: its PUBLISH (QoS 0) was larger than the broker's message_size_limit and dropped; the client was not told (a QoS 0 message has no acknowledgement)",
    "big published 50 B to r/1: its PUBLISH m1 (QoS 1) was larger than the broker's message_size_limit and dropped; the client was not told: an MQTT 3.1/3.1.1 client cannot read the code of its PUBACK, so it takes the message as accepted",
    "big published 50 B to r/2: its PUBLISH m2 (QoS 2) was larger than the broker's message_size_limit and dropped; the client was not told: an MQTT 3.1/3.1.1 client cannot read the code of its PUBREC, so it takes the message as accepted",
  ]);
  assert.equal(c.sessions[0]?.messagesIn, 3);
});

test("the broker's warning of an acknowledgement's unknown packet id is no second packet; without debug lines it is the packet", () => {
  const lines = [
    ...connect(1795700000, 'c1'),
    '1795700001: Received PUBREC from c1 (Mid: 88)',
    '1795700001: Warning: Received PUBREC from c1 for an unknown packet identifier 88.',
    '1795700002: Received PUBACK from c1 (Mid: 89)',
    '1795700002: Received PUBACK from c1 (Mid: 89)',
    '1795700002: Warning: Received PUBACK from c1 for an unknown packet identifier 89.',
    '1795700003: Client c1 disconnected.',
  ];
  const c = correlate(lines);
  assert.deepEqual([c.sessions[0]?.packetsIn.pubrec, c.sessions[0]?.packetsIn.puback], [1, 2]);
  const warningsOnly = correlate(lines.filter((l) => !l.includes('(Mid:')));
  assert.deepEqual([warningsOnly.sessions[0]?.packetsIn.pubrec, warningsOnly.sessions[0]?.packetsIn.puback], [1, 1]);
  assert.equal(warningsOnly.debugLines, false, 'a warning is no debug line');
  // A packet line is a debug line whatever level an envelope gives it.
  assert.equal(correlate(['<30>Jan  1 00:00:01 host mosquitto[1]: 1704067201: Received PINGREQ from c1']).debugLines, true);
});

test('a refused CONNACK to an address and the disconnect after it are one failed connection', () => {
  const c = correlate([
    '1795700000: New connection from 127.0.0.1:58260 on port 18843.',
    '1795700000: New connection from 127.0.0.1:58274 on port 18843.',
    '1795700001: Sending CONNACK to 127.0.0.1 (0, 5)',
    '1795700001: Client <unknown> disconnected, not authorised.',
    '1795700002: New client connected from 127.0.0.1:58274 as good-c (p2, c1, k60).',
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.outcome, a.port]), [['not-authorised', 58260]]);
  assert.deepEqual(findingsOf(c).filter((f) => f.startsWith('auth-failure')), ['auth-failure - 3']);
  assert.equal(c.sessions[0]?.listenerPort, 18843);
});

test('2.1, in a log begun after the session: `session taken over` of a client seen connected since is a takeover, of one offline a resume', () => {
  const takeover = (before: readonly string[]): Correlation => correlate([
    ...before,
    '1795878806: New connection from 127.0.0.1:42598 on port 27161.',
    '1795878806: Client dup-1 [127.0.0.1:42586] disconnected: session taken over.',
    '1795878806: New client connected from 127.0.0.1:42598 as dup-1 (p4, c1, k30).',
    '1795878806: Sending CONNACK to dup-1 (0, 0)',
    '1795878807: Received DISCONNECT from dup-1',
    '1795878807: Client dup-1 [127.0.0.1:42598] disconnected.',
  ]);
  const said = (c: Correlation): string[] => c.findings.filter((f) => f.code === 'takeover').map((f) => describeFinding(f));
  // Heard from, or sent to (its CONNACK, the connect line rotated away): connected.
  for (const before of [['1795878805: Received PINGREQ from dup-1', '1795878805: Sending PINGRESP to dup-1'], ['1795878805: Sending CONNACK to dup-1 (0, 0)']]) {
    assert.deepEqual(said(takeover(before)), ['dup-1 connected again from 127.0.0.1:42598; the connection from 127.0.0.1:42586 was closed'], before[0]);
  }
  // Nothing of it before, or its end: it resumes its offline session.
  assert.deepEqual(said(takeover([])), []);
  assert.deepEqual(said(takeover(['1795878805: Received PINGREQ from dup-1', '1795878805: Client dup-1 [127.0.0.1:42580] disconnected.'])), []);
});

test('2.1: a client whose id is its address is ended by the line naming that address and port, which reads as naming no id', () => {
  const c = correlate([
    '1795879330: mosquitto version 2.1.2 starting',
    '1795879330: New connection from 127.0.0.1:55300 on port 26981.',
    '1795879330: New client connected from 127.0.0.1:55300 as 127.0.0.1 (p4, c1, k60).',
    '1795879331: Client 127.0.0.1 [127.0.0.1:55300] disconnected: connection closed by client.',
    '1795879340: New connection from 127.0.0.1:55332 on port 26981.',
    '1795879340: New client connected from 127.0.0.1:55332 as 127.0.0.1 (p4, c1, k60).',
    '1795879340: New connection from 127.0.0.1:55340 on port 26981.',
    '1795879341: Client 127.0.0.1 [127.0.0.1:55340] disconnected: connection closed by client.',
    '1795879342: Client 127.0.0.1 [127.0.0.1:55332] disconnected.',
    '1795879343: mosquitto version 2.1.2 terminating',
  ]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.port, s.endReason]), [['127.0.0.1', 55300, 'closed'], ['127.0.0.1', 55332, 'disconnect']]);
  // Another connection from the address, without an id, is a failed connection of its own.
  assert.deepEqual(c.attempts.map((a) => [a.client, a.port, a.outcome]), [[null, 55340, 'closed']]);
  assert.deepEqual(c.findings.map((f) => f.code), ['no-debug-lines']);
});

test("packets the broker sends after its `terminating` line count in the session its stop ended, as in the top clients", () => {
  const c = correlate([
    '1795878693: New client connected from 127.0.0.1:40962 as logwatch (p4, c1, k60).',
    "1795878693: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/M/subscribe', ... (40 bytes))",
    '1795878718: mosquitto version 2.1.2 terminating',
    "1795878718: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/I', ... (47 bytes))",
    '1795878718: Saving in-memory database to /var/lib/mosquitto/mosquitto.db.',
    "1795878718: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/I', ... (81 bytes))",
    '1795878720: mosquitto version 2.1.2 starting',
    "1795878720: Sending PUBLISH to logwatch (d0, q0, r0, m0, '$SYS/broker/log/I', ... (10 bytes))",
  ]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.endReason, s.messagesOut, s.bytesOut, s.packetsOut.publish]), [['logwatch', 'broker-shutdown', 3, 168, 3]]);
  assert.deepEqual(c.topClients, [{ client: 'logwatch', messages: 4, bytes: 178 }]);
});

test('a refused CONNACK names no port: its guess of the connection is put right by the line naming it, or by the other connecting', () => {
  // 2.0.11, two listeners: the CONNACK names the address; the connection taken first connects later.
  const byAddress = correlate([
    '1795878800: New connection from 127.0.0.1:50236 on port 23149.',
    '1795878800: New connection from 127.0.0.1:48214 on port 23148.',
    '1795878800: Sending CONNACK to 127.0.0.1 (0, 5)',
    '1795878800: Client <unknown> disconnected, not authorised.',
    '1795878801: New client connected from 127.0.0.1:50236 as pend-good (p2, c1, k60).',
    '1795878801: Client pend-good disconnected.',
  ]);
  assert.deepEqual(byAddress.attempts.map((a) => [a.outcome, a.port, a.listenerPort]), [['not-authorised', 48214, 23148]]);
  assert.deepEqual(byAddress.sessions.map((s) => [s.client, s.port, s.listenerPort]), [['pend-good', 50236, 23149]]);
  // 2.1.2: the CONNACK names the id; the line after it names the connection.
  const byId = correlate([
    '1795878985: New connection from 127.0.0.1:39890 on port 28924.',
    '1795878986: New connection from 127.0.0.1:58198 on port 28925.',
    '1795878986: Sending CONNACK to pend-bad (0, 5)',
    '1795878986: Client pend-bad [127.0.0.1:39890] disconnected: not authorised.',
    '1795878986: New client connected from 127.0.0.1:58198 as pend-good (p4, c1, k60).',
    '1795878986: Client pend-good [127.0.0.1:58198] disconnected.',
    '1795878987: mosquitto version 2.1.2 terminating',
  ]);
  assert.deepEqual(byId.attempts.map((a) => [a.client, a.outcome, a.port, a.listenerPort]), [['pend-bad', 'not-authorised', 39890, 28924]]);
  assert.deepEqual(byId.sessions.map((s) => [s.client, s.port, s.listenerPort]), [['pend-good', 58198, 28925]]);
  // Many at once (30 clients, 10 with a wrong password): each refusal is the connection its line names, and none is left waiting.
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) lines.push(`1795879079: New connection from 127.0.0.1:${55000 + i} on port 20455.`);
  for (let i = 0; i < 6; i++) {
    const id = `storm-${i}`;
    if (i % 3 === 0) lines.push(`1795879079: Sending CONNACK to ${id} (0, 5)`, `1795879079: Client ${id} [127.0.0.1:${55000 + i}] disconnected: not authorised.`);
    else lines.push(`1795879079: New client connected from 127.0.0.1:${55000 + i} as ${id} (p4, c1, k60).`, `1795879079: Sending CONNACK to ${id} (0, 0)`);
  }
  lines.push('1795879080: mosquitto version 2.1.2 terminating');
  const storm = correlate(lines);
  assert.deepEqual(storm.attempts.map((a) => [a.client, a.outcome, a.port]), [['storm-0', 'not-authorised', 55000], ['storm-3', 'not-authorised', 55003]]);
  assert.deepEqual(storm.sessions.map((s) => s.listenerPort), [20455, 20455, 20455, 20455]);  // From two addresses, the one taken connects: the refusal, and its finding, move to the other.
  const twoAddresses = correlate([
    '1700000001: New connection from 10.0.0.1:1001 on port 1883.',
    '1700000001: New connection from 10.0.0.2:2002 on port 1883.',
    '1700000002: Sending CONNACK to bad (0, 5)',
    '1700000002: Client bad disconnected, not authorised.',
    '1700000003: New client connected from 10.0.0.2:2002 as good (p2, c1, k60).',
  ]);
  assert.deepEqual(twoAddresses.attempts.map((a) => [a.client, a.address, a.port]), [['bad', '10.0.0.1', 1001]]);
  assert.deepEqual(twoAddresses.findings.map((f) => [f.code, f.code === 'auth-failure' ? f.address : undefined]), [['auth-failure', '10.0.0.1:1001']]);
});

test('a CONNACK that refuses the client itself is an auth failure, as the disconnect line after it says', () => {
  // 2.1.0 names each cause in a line of its own after the CONNACK; either line alone says the same.
  const causes = [[138, 'client banned'], [140, 'bad authentication method'], [133, 'client identifier not valid'], [2, 'client identifier not valid']] as const;
  for (const [code, cause] of causes) {
    const refusal = [`1795700000: New connection from 10.0.0.1:5000 on port 1883.`, `1795700001: Sending CONNACK to x (0, ${code})`];
    const disconnect = `1795700001: Client x disconnected, ${cause}.`;
    for (const lines of [[...refusal, disconnect], refusal]) {
      const c = correlate(lines);
      assert.deepEqual(c.attempts.map((a) => a.outcome), ['not-authorised'], `CONNACK ${code}`);
      assert.deepEqual(c.attemptsByOutcome, { 'not-authorised': 1 }, `CONNACK ${code}`);
      assert.deepEqual(findingsOf(c), ['auth-failure x 2'], `CONNACK ${code}`);
    }
  }
  // Refused for another cause, or denied before it was a connection: turned away, a warning.
  const busy = correlate(['1795700000: New connection from 10.0.0.1:5000 on port 1883.', '1795700001: Sending CONNACK to x (0, 137)', '1795700001: Client x disconnected, server busy.']);
  assert.deepEqual([busy.attempts.map((a) => a.outcome), findingsOf(busy)], [['refused'], ['connection-refused x 2']]);
  assert.deepEqual(busy.findings.map((f) => [f.severity, describeFinding(f)]), [['warning', 'x from 10.0.0.1:5000 was refused (CONNACK 137: server busy)']]);
  // The timeline's entry of the refused connection says it: the finding is no second entry.
  const busyTimeline = withTimeline(['1795700000: New connection from 10.0.0.1:5000 on port 1883.', '1795700001: Sending CONNACK to x (0, 137)']).timeline;
  assert.deepEqual(busyTimeline.map((e) => e.kind), ['attempt']);
  // Real 2.0.11 with max_connections 1: the broker logs no `New connection` line for a connection it denies.
  const full = correlate([
    '1795867100: New connection from 127.0.0.1:43210 on port 21883.',
    '1795867100: New client connected from 127.0.0.1:43210 as first (p2, c1, k60).',
    '1795867101: Client connection from 127.0.0.1 denied: max_connections exceeded.',
    '1795867102: Client connection from ::1 denied access by tcpd.',
  ]);
  assert.deepEqual(full.findings.filter((f) => f.code === 'connection-refused').map((f) => [f.client, f.time, describeFinding(f)]), [
    [null, 1795867101000, 'the connection from 127.0.0.1 was denied: max_connections exceeded'],
    [null, 1795867102000, 'the connection from ::1 was denied by tcpd: by hosts.allow or hosts.deny, or for want of a file descriptor to read them (see ulimit -n)'],
  ]);
  assert.deepEqual(full.sessions.map((s) => [s.client, s.endReason]), [['first', 'open']]);
});

test('a `Client <unknown>` end taken for the wrong connection is put right when the other one connects', () => {
  const c = correlate([
    '1795700000: New connection from 127.0.0.1:36340 on port 1883.',
    '1795700000: New connection from 127.0.0.1:36356 on port 1883.',
    '1795700001: Client <unknown> closed its connection.',
    '1795700002: New client connected from 127.0.0.1:36356 as late-b (p2, c1, k60).',
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.outcome, a.port, a.listenerPort]), [['closed', 36340, 1883]]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.port, s.listenerPort]), [['late-b', 36356, 1883]]);
});

test('a `Client <unknown>` end taken for the wrong connection moves to another address when the other one connects', () => {
  const c = correlate([
    '1700000001: New connection from 10.0.0.1:1111 on port 1883.',
    '1700000001: New connection from 10.0.0.2:2222 on port 1883.',
    '1700000001: Client <unknown> closed its connection.',
    '1700000001: New client connected from 10.0.0.2:2222 as b (p2, c1, k60).',
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.outcome, a.address, a.port]), [['closed', '10.0.0.1', 1111]]);
  assert.equal(c.attemptCount, 1);
});

test('a `Client <unknown>` end after the newest connection became a client ends the one still pending', () => {
  const events: CorrelatorEvent[] = [];
  const c = correlateRecords(records([
    '1795762449: New connection from 127.0.0.1:32972 on port 18850.',
    '1795762450: New connection from 127.0.0.1:33050 on port 18850.',
    '1795762450: New client connected from 127.0.0.1:33050 as w0 (p2, c1, k60).',
    '1795762450: Client <unknown> closed its connection.',
    '1795762450: Client w0 closed its connection.',
  ]), { onEvent: (e) => events.push(e) });
  assert.deepEqual(c.attempts.map((a) => [a.outcome, a.port, a.at.line]), [['closed', 32972, 4]]);
  // Said when it happens, not when the log ends.
  assert.deepEqual(events.filter((e) => e.kind === 'attempt' || e.kind === 'session-end').map((e) => e.kind), ['attempt', 'session-end']);
});

test('a `Client <unknown>` end taken for a connection that later connects, with no other pending, names no address', () => {
  const c = correlate([
    '1795761801: New connection from 10.0.0.1:1111 on port 1883.',
    '1795761801: New connection from 10.0.0.2:2222 on port 1883.',
    '1795761801: New client connected from 10.0.0.2:2222 as b (p2, c1, k60).',
    '1795761802: Client <unknown> closed its connection.',
    '1795761803: New client connected from 10.0.0.1:1111 as a (p2, c1, k60).',
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.outcome, a.address, a.port, a.listenerPort]), [['closed', null, null, null]]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.port, s.listenerPort]), [['b', 2222, 1883], ['a', 1111, 1883]]);
});

test('a delivery stalled before PUBREL says the broker sent none; other stalls wait for the client', () => {
  const c = correlate([
    ...connect(1795700000, 'v5-refuser'),
    "1795700001: Sending PUBLISH to v5-refuser (d0, q2, r0, m2, 'r/x', ... (1 bytes))",
    '1795700001: Received PUBREC from v5-refuser (Mid: 2)',
    "1795700001: Sending PUBLISH to v5-refuser (d0, q1, r0, m3, 'r/y', ... (1 bytes))",
    // Still connected 29 s later, without an answer: stalled, not cut by the end of the log.
    '1795700030: Received PINGREQ from v5-refuser',
    '1795700030: Sending PINGRESP to v5-refuser',
  ]);
  const texts = c.findings.filter((f) => f.code === 'flow-incomplete').map(describeFinding);
  assert.deepEqual(texts, [
    'v5-refuser delivery m2 (QoS 2, r/x) stalled: the broker sent no PUBREL',
    'v5-refuser delivery m3 (QoS 1, r/y) stalled waiting for PUBACK',
  ]);
});

test('a session end without times says how it ended, not for how long', () => {
  const lines = ['New connection from 127.0.0.1:40000 on port 1883.', 'New client connected from 127.0.0.1:40000 as nt (p2, c1, k60).', 'Client nt has exceeded timeout, disconnecting.'];
  assert.match(entryText(withTimeline(lines).timeline, 'end'), /session ended: timeout; 0 message\(s\) in, 0 out/);
});

test('PUBREL and PUBCOMP after a PUBREC with a reason code finish the refused flow, not orphans', () => {
  const c = correlate([
    ...connect(1795700000, 'acl3'),
    "1795700001: Denied PUBLISH from acl3 (d0, q2, r0, m3, 'no/y', ... (1 bytes))",
    '1795700001: Sending PUBREC to acl3 (m3, rc135)',
    '1795700001: Received PUBREL from acl3 (Mid: 3)',
    '1795700001: Sending PUBCOMP to acl3 (m3)',
  ]);
  assert.equal(c.orphanAcks, 0);
  assert.deepEqual(c.flows.map((f) => [f.state, f.steps.map((s) => s.step).join(' ')]), [['refused', 'publish pubrec pubrel pubcomp']]);
});

test('a flow completed in a log without times gives no latency', () => {
  const lines = [
    'New connection from 127.0.0.1:40000 on port 1883.',
    'New client connected from 127.0.0.1:40000 as nt (p2, c1, k60).',
    "Received PUBLISH from nt (d0, q1, r0, m4, 't/ka', ... (2 bytes))",
    'Sending PUBACK to nt (m4, rc0)',
  ];
  assert.match(entryText(withTimeline(lines).timeline, 'flow'), /PUBLISH→PUBACK complete  f\.log:3$/m);
});

test('state given up at --max-open: its flows are dropped, not reported stalled, and its end line still reports the timeout', () => {
  const c = correlateRecords(records([
    '1795748129: New client connected from 127.0.0.1:41958 as pub-1 (p2, c1, k60).',
    "1795748129: Received PUBLISH from pub-1 (d0, q2, r0, m1, 'a/x', ... (6 bytes))",
    '1795748129: Sending PUBREC to pub-1 (m1, rc0)',
    '1795748130: New client connected from 127.0.0.1:41974 as pub-2 (p2, c1, k60).',
    '1795748131: Received PUBREL from pub-1 (Mid: 1)',
    '1795748131: Sending PUBCOMP to pub-1 (m1)',
    '1795748200: Client pub-1 has exceeded timeout, disconnecting.',
    '1795748201: Client pub-2 disconnected.',
  ]), { maxOpen: 1, keepFlows: 'all' });
  assert.deepEqual(findingsOf(c), ['keepalive-timeout pub-1 7,1', 'state-evicted - ']);
  const timeout = c.findings.find((f) => f.code === 'keepalive-timeout');
  assert.deepEqual(timeout && [timeout.keepalive, timeout.lastActivity, timeout.gapMs], [60, 1_795_748_131_000, 69_000]);
  assert.deepEqual(c.flows.map((f) => [f.client, f.mid, f.state, f.dropped]), [['pub-1', 1, 'incomplete', 'evicted']]);
});

test('a flow of a session still open when the log ends was cut by the end if it waited less than 10 s; longer, it stalled', () => {
  const log = (waited: number, time = (t: number): string => `${t}: `): string[] => [
    `${time(1795700000)}New client connected from 127.0.0.1:40000 as live (p2, c1, k60).`,
    `${time(1795700001)}Sending PUBLISH to live (d0, q1, r0, m1, 'l/1', ... (1 bytes))`,
    `${time(1795700001 + waited)}Received PINGREQ from live`,
  ];
  const cut = correlate(log(9));
  assert.deepEqual(cut.flows.map((f) => f.state), ['in-flight']);
  assert.deepEqual([cut.flowTotals.qos1.inFlight, cut.flowTotals.qos1.incomplete], [1, 0]);
  assert.deepEqual(cut.findings, [], 'no finding: nothing went wrong yet');
  const stalled = correlate(log(10));
  assert.deepEqual(stalled.flows.map((f) => [f.state, f.stalledAt]), [['incomplete', 'puback']]);
  assert.deepEqual(stalled.findings.map((f) => f.code), ['flow-incomplete']);
  // Without times the wait is not known: a flow among the log's last 100 lines was cut by its end; one further back stalled.
  const untimed = log(0, () => '');
  assert.deepEqual(correlate(untimed).flows.map((f) => f.state), ['in-flight']);
  const pings = (n: number): string[] => Array.from({ length: n }, () => 'Received PINGREQ from live');
  assert.deepEqual(correlate([...untimed, ...pings(98)]).flows.map((f) => f.state), ['in-flight']);
  assert.deepEqual(correlate([...untimed, ...pings(99)]).flows.map((f) => f.state), ['incomplete']);
  // A session that ended leaves its flows stalled, however close to the end.
  const ended = correlate([...log(0), '1795700001: Client live disconnected.']);
  assert.deepEqual(ended.flows.map((f) => f.state), ['incomplete']);
});

test('a client id too long for a line is cut at another place in each: its lines are one client, and its session ends at its disconnect', () => {
  const id = `sensor-${'x'.repeat(3000)}`;
  const cut = (line: string): string => line.slice(0, 999);
  const c = decoded([
    '1795829135: New connection from 127.0.0.1:33966 on port 1883.',
    cut(`1795829135: New client connected from 127.0.0.1:33966 as ${id} (p2, c1, k60).`),
    cut(`1795829135: Sending CONNACK to ${id} (0, 0)`),
    cut(`1795829136: Received PUBLISH from ${id} (d0, q1, r0, m1, 't/1', ... (3 bytes))`),
    cut(`1795829136: Sending PUBACK to ${id} (m1, rc0)`),
    cut(`1795829137: Received DISCONNECT from ${id}`),
    cut(`1795829137: Client ${id} disconnected.`),
    '1795829140: mosquitto version 2.0.11 terminating',
  ]);
  assert.equal(c.sessions.length, 1);
  assert.equal(c.sessions[0]?.endReason, 'disconnect');
  assert.equal(c.sessions[0]?.end, 1795829137000);
  assert.equal(c.sessions[0]?.messagesIn, 1);
  assert.deepEqual(findingsOf(c), []);
});

test('under a syslog priority, which says notice for a grant line, a filter without its grant line is still denied and none is counted twice', () => {
  const pri = (p: number, text: string): string => `<${p}>Nov 28 01:26:10 gw mosquitto[812]: 1795829170: ${text}`;
  const c = decoded([
    pri(30, 'mosquitto version 2.0.11 starting'),
    pri(29, 'New client connected from 127.0.0.1:45164 as acl-sub (p2, c1, k60).'),
    pri(31, 'Received SUBSCRIBE from acl-sub'),
    pri(31, '\ttest/ok (QoS 1)'),
    pri(29, 'acl-sub 1 test/ok'),
    pri(31, '\tsecret/# (QoS 1)'),
    pri(31, 'Sending SUBACK to acl-sub'),
    pri(29, 'Client acl-sub disconnected.'),
  ]);
  assert.deepEqual(c.findings.map((f) => f.code), ['subscribe-denied']);
  assert.equal(c.sessions[0]?.subscriptions, 1);
});

test('a delivery dropped as too large for the client was not delivered: no message or packet sent, and at QoS 0 its timeline entry says so', () => {
  const lines = [
    ...connect(1700000000, 'smallsub'),
    "1700000001: Received PUBLISH from pub (d0, q0, r0, m0, 'k/big', ... (300 bytes))",
    "1700000001: Sending PUBLISH to smallsub (d0, q0, r0, m0, 'k/big', ... (300 bytes))",
    '1700000001: Dropping too large outgoing PUBLISH for smallsub (308 bytes)',
    "1700000001: Received PUBLISH from pub (d0, q1, r0, m7, 'k/big', ... (300 bytes))",
    '1700000001: Sending PUBACK to pub (m7, rc0)',
    "1700000001: Sending PUBLISH to smallsub (d0, q1, r0, m1, 'k/big', ... (300 bytes))",
    '1700000001: Received PINGREQ from other',
    '1700000001: Dropping too large outgoing PUBLISH for smallsub (310 bytes)',
    "1700000002: Received PUBLISH from pub (d0, q0, r0, m0, 'k/ok', ... (4 bytes))",
    "1700000002: Sending PUBLISH to smallsub (d0, q0, r0, m0, 'k/ok', ... (4 bytes))",
    '1700000003: Client smallsub disconnected.',
  ];
  const { c, timeline } = withTimeline(lines);
  assert.deepEqual(c.topClients.find((a) => a.client === 'smallsub'), { client: 'smallsub', messages: 1, bytes: 4 });
  assert.deepEqual([c.sessions[0]?.messagesOut, c.sessions[0]?.bytesOut, c.sessions[0]?.packetsOut.publish], [1, 4, 1]);
  const messages = timeline.filter((e) => e.kind === 'message' && e.client === 'smallsub').map((e) => (e.kind === 'message' ? [e.topic, e.outcome] : null));
  assert.deepEqual(messages, [['k/big', 'dropped'], ['k/ok', undefined]]);
});

test('a log that names no version but shows ports on its connect lines is 2.0 or later: the new connection\'s own disconnect after a takeover ends it', () => {
  const c = correlate([
    '1795829423: New client connected from 127.0.0.1:45898 as dup-id (p2, c1, k60).',
    '1795829424: Client dup-id already connected, closing old connection.',
    '1795829424: New client connected from 127.0.0.1:45908 as dup-id (p2, c1, k60).',
    '1795829425: Client dup-id disconnected.',
    '1795829425: New client connected from 127.0.0.1:45924 as dup-id (p2, c1, k60).',
    '1795829426: Client dup-id disconnected.',
  ]);
  assert.deepEqual(c.sessions.map((s) => s.endReason), ['takeover', 'disconnect', 'disconnect']);
  assert.deepEqual(c.findings.map((f) => f.code).filter((code) => code !== 'no-debug-lines'), ['takeover']);
});

test('a client whose id is <unknown> itself: the broker\'s Client <unknown> lines end its session, not a connection without an id', () => {
  const c = correlate([
    '1795840201: New connection from 127.0.0.1:35336 on port 1883.',
    '1795840201: New client connected from 127.0.0.1:35336 as <unknown> (p2, c1, k60).',
    '1795840201: Received DISCONNECT from <unknown>',
    '1795840201: Client <unknown> disconnected.',
    '1795840201: New connection from 127.0.0.1:35348 on port 1883.',
    '1795840201: New client connected from 127.0.0.1:35348 as <unknown> (p2, c1, k1).',
    '1795840203: New connection from 127.0.0.1:35350 on port 1883.',
    '1795840206: Client <unknown> has exceeded timeout, disconnecting.',
    // A probe that never sent CONNECT is still a connection without an id.
    '1795840207: Client <unknown> closed its connection.',
    '1795840208: mosquitto version 2.0.11 terminating',
  ]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.endReason]), [['<unknown>', 'disconnect'], ['<unknown>', 'timeout']]);
  assert.deepEqual(c.findings.filter((f) => f.code === 'keepalive-timeout').map((f) => f.client), ['<unknown>']);
  assert.deepEqual(c.attempts.map((a) => [a.address, a.outcome]), [['127.0.0.1', 'closed']]);
});

describe('many clients losing their connections at once', () => {
  const t0 = 1796002000;
  const connect = (t: number, client: string): string[] => [
    `${t}: New connection from 10.0.0.9:${40000 + client.length * 100 + t % 100} on port 1883.`,
    `${t}: New client connected from 10.0.0.9:${40000 + client.length * 100 + t % 100} as ${client} (p2, c1, k30).`,
  ];
  const start = [`${t0}: mosquitto version 2.0.11 starting`, `${t0}: mosquitto version 2.0.11 running`];
  const ids = (n: number, prefix = 'dev'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  /** A log of `connected` clients, of which the first `lost` end by `end` one second apart from `at`. */
  const log = (connected: string[], lost: number, at: number, end = 'Client %s has exceeded timeout, disconnecting.'): string[] => [
    ...connected.flatMap((c) => connect(t0 + 1, c)),
    ...connected.slice(0, lost).map((c, i) => `${at + i}: ${end.replace('%s', c)}`),
  ];
  const mass = (lines: readonly string[]): unknown[] => decoded(lines).findings.filter((f) => f.code === 'mass-disconnect')
    .map((f) => [f.time, 'clients' in f ? [f.clients, f.connected, f.byEndReason, f.spanMs] : null, f.at.map((w) => w.line)]);

  test('half or more of the clients connected, five at least, ending by timeouts or socket errors within a minute of each other are one finding', () => {
    const c = decoded([...start, ...log(ids(10), 6, t0 + 100)]);
    const found = c.findings.filter((f) => f.code === 'mass-disconnect');
    assert.deepEqual(mass([...start, ...log(ids(10), 6, t0 + 100)]), [[(t0 + 100) * 1000, [6, 10, { timeout: 6 }, 5000], [23, 28]]]);
    assert.equal(describeFinding(found[0] as Finding), '6 of 10 connected clients lost their connections within 5s (timeout 6): a cause they share, such as the network or a broker that stalled, rather than each client');
    // Socket errors count with timeouts; a client that closed its connection chose to.
    assert.deepEqual(mass([...start, ...log(ids(6), 3, t0 + 100), ...ids(6).slice(3).map((c, i) => `${t0 + 110 + i}: Socket error on client ${c}, disconnecting.`)]).map((f) => (f as unknown[])[1]), [[6, 6, { timeout: 3, 'socket-error': 3 }, 12_000]]);
    assert.deepEqual(mass([...start, ...log(ids(6), 6, t0 + 100, 'Client %s closed its connection.')]), []);
    // Two bursts more than a minute apart are two.
    const twice = [...start, ...log(ids(12), 6, t0 + 100), ...ids(12).slice(6).map((c, i) => `${t0 + 400 + i}: Client ${c} has exceeded timeout, disconnecting.`)];
    assert.deepEqual(mass(twice).map((f) => (f as unknown[])[1]), [[6, 12, { timeout: 6 }, 5000], [6, 6, { timeout: 6 }, 5000]]);
  });

  test('none for fewer than five, fewer than half, one client ending again and again, or a log that does not show the broker start', () => {
    assert.deepEqual(mass([...start, ...log(ids(6), 4, t0 + 100)]), []);
    assert.deepEqual(mass([...start, ...log(ids(20), 6, t0 + 100)]), []);
    const flapping = [...start, ...Array.from({ length: 6 }, (_, i) => [...connect(t0 + 10 * i + 1, 'flaky'), `${t0 + 10 * i + 5}: Client flaky has exceeded timeout, disconnecting.`]).flat()];
    assert.deepEqual(mass(flapping), []);
    // A log rotated after the start: the clients connected before it are not known.
    assert.deepEqual(mass(log(ids(10), 6, t0 + 100)), []);
  });

  test('in a log with packet lines that begins after the start, the clients heard from are those connected, once it has run ten minutes', () => {
    // Ten clients connected before the log began, each heard from by its pings.
    const pings = (t: number, clients: readonly string[]): string[] => clients.flatMap((c) => [`${t}: Received PINGREQ from ${c}`, `${t}: Sending PINGRESP to ${c}`]);
    const rotated = (at: number, lost: number, clients = ids(10)): string[] => [
      ...pings(t0, clients), ...pings(t0 + 300, clients),
      ...clients.slice(0, lost).map((c, i) => `${at + i}: Client ${c} has exceeded timeout, disconnecting.`),
    ];
    const c = decoded(rotated(t0 + 700, 6));
    const found = c.findings.filter((f) => f.code === 'mass-disconnect');
    assert.deepEqual(found.map((f) => [f.code === 'mass-disconnect' && [f.clients, f.connected, f.connectedHeard], f.at.map((w) => w.line)]), [[[6, 10, true], [41, 46]]]);
    assert.equal(describeFinding(found[0] as Finding), '6 of 10 clients connected (those heard from since the log began, after the broker started) lost their connections within 5s (timeout 6): a cause they share, such as the network or a broker that stalled, rather than each client');
    assert.equal(c.findings.filter((f) => f.code === 'keepalive-timeout').length, 6);
    // Before ten minutes some clients may not have been heard from yet; and fewer than half is no burst.
    assert.deepEqual(mass(rotated(t0 + 500, 6)), []);
    assert.deepEqual(mass(rotated(t0 + 700, 6, ids(20))), []);
    // Without packet lines the clients connected before it stay unknown, however long it runs.
    assert.deepEqual(mass(rotated(t0 + 700, 6).filter((l) => !/PING/.test(l))), []);
  });
});

describe('a persistent session the broker no longer held', () => {
  // Real 2.0.11 lines: a mosquitto_sub -c left, a message for it came, the broker (persistence off) restarted, and it came back.
  const away = [
    '1796002343: mosquitto version 2.0.11 starting',
    '1796002343: New connection from 127.0.0.1:50198 on port 18850.',
    '1796002343: New client connected from 127.0.0.1:50198 as keeper (p2, c0, k60).',
    '1796002343: Sending CONNACK to keeper (0, 0)',
    '1796002344: Received DISCONNECT from keeper',
    '1796002344: Client keeper disconnected.',
    "1796002344: Received PUBLISH from pub1 (d0, q1, r0, m1, 'k/a', ... (2 bytes))",
    '1796002344: mosquitto version 2.0.11 terminating',
    '1796002345: mosquitto version 2.0.11 starting',
  ];
  const back = (flags: string, connack: string, version = 'p2'): string[] => [
    '1796002345: New connection from 127.0.0.1:50226 on port 18850.',
    `1796002345: New client connected from 127.0.0.1:50226 as keeper (${version}, ${flags}, k60).`,
    `1796002345: Sending CONNACK to keeper (${connack}, 0)`,
  ];
  const lost = (lines: readonly string[]): unknown[] => decoded(lines).findings.filter((f) => f.code === 'session-lost').map((f) => [f.client, f.at.map((w) => w.line), 'restarted' in f ? f.restarted : null]);

  test('a 3.1.1 client without clean session that finds no session kept is session-lost, saying whether the broker restarted in between', () => {
    const c = decoded([...away, ...back('c0', '0')]);
    const [finding] = c.findings.filter((f) => f.code === 'session-lost');
    assert.deepEqual([finding?.severity, finding?.client, finding?.at.map((w) => w.line), finding?.time], ['warning', 'keeper', [12, 6], 1796002345000]);
    assert.equal(describeFinding(finding as Finding), 'keeper connected again without clean session, but the broker held no session for it: it restarted in between without keeping its sessions (persistence off, or its database not saved or not read); the subscriptions and queued QoS 1/2 messages of its last session were lost');
    // Still connected when the broker went down unannounced (a crash): its session ended with that run.
    const crashed = [...away.slice(0, 4), '1796002345: mosquitto version 2.0.11 starting', ...back('c0', '0')];
    assert.deepEqual(lost(crashed), [['keeper', [8, 5], true]]);
    // Without the restart in the log, no cause is known.
    assert.deepEqual(lost([...away.filter((l) => !/version 2.0.11 (terminating|starting)/.test(l) || l.startsWith('1796002343')), ...back('c0', '0')]), [['keeper', [10, 6], false]]);
  });

  test('none when the session was kept, expired, replaced by a clean one, or is of a version whose CONNACK does not tell', () => {
    assert.deepEqual(lost([...away, ...back('c0', '1')]), []);
    assert.deepEqual(lost([...away, '1796002345: Expiring client keeper due to timeout.', ...back('c0', '0')]), []);
    assert.deepEqual(lost([...away, ...back('c1', '0'), '1796002346: Client keeper disconnected.', ...back('c0', '0')]), []);
    assert.deepEqual(lost([...away.map((l) => l.replace('(p2, c0', '(p5, c0')), ...back('c0', '0', 'p5')]), []);
    assert.deepEqual(lost([...away.map((l) => l.replace('(p2, c0', '(p1, c0')), ...back('c0', '0', 'p1')]), []);
    // A client seen first with a session it asked to keep finds none: nothing to have lost.
    assert.deepEqual(lost(back('c0', '0')), []);
  });
});

describe('TLS handshakes that failed', () => {
  test('2.0: an OpenSSL error before a Client <unknown> end, and a handshake failed as it was accepted, each one finding with the error', () => {
    const c = decoded([
      '1795853092: mosquitto version 2.0.11 starting',
      '1795853093: Client connection from 127.0.0.1 failed: error:0A00010B:SSL routines::wrong version number.',
      '1795853093: Client connection from 127.0.0.1 failed: error:0A000126:SSL routines::unexpected eof while reading.',
      '1795853093: New connection from 127.0.0.1:37418 on port 21017.',
      '1795853093: OpenSSL Error[0]: error:0A000418:SSL routines::tlsv1 alert unknown ca',
      '1795853093: OpenSSL Error[1]: error:0A000139:SSL routines::deprecation',
      '1795853093: Client <unknown> disconnected: Protocol error.',
      '1795853094: New connection from 127.0.0.1:37426 on port 21017.',
      '1795853094: Client <unknown> disconnected: Protocol error.',
    ]);
    assert.deepEqual(c.findings.filter((f) => f.code === 'tls-failure').map((f) => [f.address, 'detail' in f ? f.detail : null, f.at.map((w) => w.line)]), [
      ['127.0.0.1', 'error:0A00010B:SSL routines::wrong version number', [2]],
      ['127.0.0.1:37418', 'error:0A000418:SSL routines::tlsv1 alert unknown ca', [7, 5]],
    ]);
    assert.deepEqual(c.attemptsByOutcome, { 'tls-error': 2, closed: 1 });
  });

  test("what OpenSSL's reason most often means is said after it, for the reasons real 2.0.11 handshakes ended on and 1.x's form of them", () => {
    const failed = (address: string, error: string): string => `1795853093: Client connection from ${address} failed: ${error}.`;
    const c = decoded([
      '1795853092: mosquitto version 2.0.11 starting',
      failed('10.0.0.1', 'error:0A00010B:SSL routines::wrong version number'),
      failed('10.0.0.2', 'error:1408F10B:SSL routines:ssl3_get_record:wrong version number'),
      failed('10.0.0.3', 'error:0A00009C:SSL routines::http request'),
      failed('10.0.0.4', 'error:0A000418:SSL routines::tlsv1 alert unknown ca'),
      failed('10.0.0.5', 'error:0A000438:SSL routines::tlsv1 alert internal error'),
      failed('10.0.0.6', 'error:0A0000C7:SSL routines::peer did not return a certificate'),
      failed('10.0.0.7', 'error:0A000086:SSL routines::certificate verify failed'),
      failed('10.0.0.8', 'error:0A000126:SSL routines::unexpected eof while reading'),
    ]);
    assert.deepEqual(c.findings.filter((f) => f.code === 'tls-failure').map((f) => describeFinding(f).replace(/^the TLS handshake of a connection from (\S+) failed: error:\w+:SSL routines:[\w:]*:/, '$1 ')), [
      '10.0.0.1 wrong version number (the client did not speak TLS: plain MQTT to a TLS port?)',
      '10.0.0.2 wrong version number (the client did not speak TLS: plain MQTT to a TLS port?)',
      '10.0.0.3 http request (the client sent a plain HTTP request)',
      "10.0.0.4 tlsv1 alert unknown ca (the client does not trust the CA that signed the broker's certificate)",
      "10.0.0.5 tlsv1 alert internal error (the client gave up the handshake, as mosquitto's clients do when the certificate does not name the host they connected to)",
      '10.0.0.6 peer did not return a certificate (the client sent no certificate, which require_certificate asks for)',
      "10.0.0.7 certificate verify failed (the broker could not verify the client's certificate with its CA files: signed by another CA, expired or not yet valid)",
      '10.0.0.8 unexpected eof while reading',
    ]);
  });

  test('1.x: OpenSSL Error: before a socket error of <unknown>; an error a client with an id ends on is no handshake', () => {
    const c = decoded([
      '1600000000: mosquitto version 1.6.8 starting',
      '1600000001: New connection from 10.0.0.5 on port 8883.',
      '1600000001: OpenSSL Error: error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca',
      '1600000001: Socket error on client <unknown>, disconnecting.',
      '1600000002: New connection from 10.0.0.6 on port 8883.',
      '1600000002: New client connected from 10.0.0.6 as dev1 (p2, c1, k60).',
      '1600000003: OpenSSL Error: error:1408F119:SSL routines:ssl3_get_record:decryption failed or bad record mac',
      '1600000003: Socket error on client dev1, disconnecting.',
      '1600000004: New connection from 10.0.0.7 on port 8883.',
      '1600000004: Socket error on client <unknown>, disconnecting.',
    ]);
    assert.deepEqual(c.findings.filter((f) => f.code === 'tls-failure').map((f) => [f.address, 'detail' in f ? f.detail : null]), [
      ['10.0.0.5', 'error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca'],
    ]);
    assert.equal(c.attemptsByOutcome['tls-error'], 1);
    assert.equal(c.sessions.find((s) => s.client === 'dev1')?.endReason, 'socket-error');
  });
});

test('a queue that overflows while its client is not connected says so, not how many were in flight', () => {
  // mosquitto 2.0.11, MQTT v5 clients: exp-sub subscribes with a session expiry, goes away, and pub5 fills its queue.
  const c = decoded([
    '1795853950: New connection from 127.0.0.1:41612 on port 27849.',
    '1795853950: New client connected from 127.0.0.1:41612 as exp-sub (p5, c0, k60).',
    '1795853950: Client exp-sub closed its connection.',
    '1795853951: New connection from 127.0.0.1:41616 on port 27849.',
    '1795853951: New client connected from 127.0.0.1:41616 as pub5 (p5, c1, k60).',
    "1795853951: Received PUBLISH from pub5 (d0, q1, r0, m41037, 'q/5', ... (2 bytes))",
    '1795853951: Outgoing messages are being dropped for client exp-sub.',
    '1795853951: Sending PUBACK to pub5 (m41037, rc0)',
    '1795853953: Expiring client exp-sub due to timeout.',
  ]);
  const dropped = c.findings.filter((f) => f.code === 'messages-dropped');
  assert.deepEqual(dropped.map((f) => [f.client, 'offline' in f ? f.offline : undefined]), [['exp-sub', true]]);
  assert.equal(describeFinding(dropped[0] as Finding), 'queue full for exp-sub while it was not connected: messages for it are being dropped');
  // Real 2.0.11 with persistence: over2's session was restored from the broker's database at its
  // start, and it never connected since. Without the start, it may have connected before the log.
  const restored = [
    '1795867884: mosquitto version 2.0.11 starting',
    '1795867885: New connection from 127.0.0.1:43300 on port 27435.',
    '1795867885: New client connected from 127.0.0.1:43300 as pubQ (p2, c1, k60).',
    "1795867885: Received PUBLISH from pubQ (d0, q1, r0, m22, 'q/o2', ... (2 bytes))",
    '1795867885: Outgoing messages are being dropped for client over2.',
  ];
  const offline = (log: readonly string[]): unknown[] => decoded(log).findings.filter((f) => f.code === 'messages-dropped').map((f) => 'offline' in f && f.offline);
  assert.deepEqual(offline(restored), [true]);
  assert.deepEqual(offline(restored.slice(1)), [false]);
});

test('TLS ends of no named connection: a refusal that names the address takes its connection back, and nothing is counted twice', () => {
  // Two clients from 10.0.0.4 fail their handshakes; one from 10.0.0.3 sends a wrong password.
  const c = decoded([
    '1795855101: New connection from 10.0.0.4:2001 on port 8883.',
    '1795855101: New connection from 10.0.0.4:2002 on port 8883.',
    '1795855101: New connection from 10.0.0.3:1001 on port 1883.',
    '1795855101: OpenSSL Error[0]: error:0A000418:SSL routines::tlsv1 alert unknown ca',
    '1795855101: Client <unknown> disconnected: Protocol error.',
    '1795855101: Sending CONNACK to 10.0.0.3 (0, 5)',
    '1795855101: Client <unknown> disconnected, not authorised.',
    '1795855101: OpenSSL Error[0]: error:0A000418:SSL routines::tlsv1 alert unknown ca',
    '1795855101: Client <unknown> disconnected: Protocol error.',
    // A log that begins here: the connection is not known, the failure still is.
    '1795855102: OpenSSL Error[0]: error:0A0000C7:SSL routines::peer did not return a certificate',
    '1795855102: Client <unknown> disconnected: Protocol error.',
    // Two connections from one address failing alike, back to back, are two.
    '1795855103: Client connection from 10.0.0.5 failed: error:0A00010B:SSL routines::wrong version number.',
    '1795855103: Client connection from 10.0.0.5 failed: error:0A00010B:SSL routines::wrong version number.',
  ]);
  assert.deepEqual(c.findings.filter((f) => f.code === 'auth-failure' || f.code === 'tls-failure').map((f) => [f.code, 'address' in f ? f.address : undefined]), [
    ['auth-failure', '10.0.0.3:1001'], ['tls-failure', '10.0.0.4:2002'], ['tls-failure', '10.0.0.4:2001'], ['tls-failure', null], ['tls-failure', '10.0.0.5'], ['tls-failure', '10.0.0.5'],
  ]);
  assert.deepEqual(c.attemptsByOutcome, { 'tls-error': 5, 'not-authorised': 1 });
});

test('a client the broker drops as it reloads its configuration ends not-authorised; a DISCONNECT of its own, or an end after the reload is over, does not', () => {
  const ends = (c: Correlation): string[] => c.sessions.map((s) => `${s.client} ${s.endReason}${s.endDetail ? ` (${s.endDetail})` : ''}`);
  // 2.0 with debug lines: alice's password changed; carol sent DISCONNECT right after the reload.
  const debug = decoded([
    ...connect(1795858054, 'alice'), ...connect(1795858054, 'bob'), ...connect(1795858054, 'carol'), ...connect(1795858054, 'alice-5'),
    '1795858055: Reloading config.',
    '1795858055: Client alice disconnected.',
    '1795858055: Client alice-5 disconnected.',
    '1795858055: Received DISCONNECT from carol',
    '1795858055: Client carol disconnected.',
    '1795858055: Client bob disconnected.',
  ]);
  assert.deepEqual(ends(debug), ['alice not-authorised (config reloaded)', 'alice-5 not-authorised (config reloaded)', 'carol disconnect', 'bob disconnect']);
  // Without debug lines: a plain end past the reload's second (real 1.4.15: alice's password was
  // unchanged), or after another kind of end, is the client's own.
  const quiet = decoded([
    ...connect(1795858054, 'a'), ...connect(1795858054, 'b'), ...connect(1795858054, 'c'), ...connect(1795858054, 'd'),
    '1795858055: Reloading config.',
    '1795858055: Client a disconnected.',
    '1795858056: Client b disconnected.',
    '1795858060: Reloading config.',
    '1795858060: Client c closed its connection.',
    '1795858060: Client d disconnected.',
  ]);
  assert.deepEqual(ends(quiet), ['a not-authorised (config reloaded)', 'b disconnect', 'c closed', 'd disconnect']);
  // 2.1 names the address; a connection after the reload shows its checks are over.
  const v21 = decoded([
    '1795858050: mosquitto version 2.1.2 running',
    '1795858054: New client connected from 127.0.0.1:40001 as x (p2, c1, k60).',
    '1795858054: New client connected from 127.0.0.1:40002 as y (p2, c1, k60).',
    '1795858055: Reloading config.',
    '1795858055: Client x [127.0.0.1:40001] disconnected.',
    '1795858055: New connection from 127.0.0.1:40003 on port 1883.',
    '1795858055: Client y [127.0.0.1:40002] disconnected.',
  ]);
  assert.deepEqual(ends(v21), ['x not-authorised (config reloaded)', 'y disconnect']);
});

test('a connection the broker drops for never sending CONNECT is a no-connect attempt, the oldest waiting, and 1.4\'s socket error after it ends no other', () => {
  const outcomes = (c: Correlation): string[] => c.attempts.map((a) => `${a.address}:${a.port} ${a.outcome}`);
  // Real 2.0.11: two sockets that sent nothing, timed out 90 s later, the older first.
  const v20 = decoded([
    '1795859776: mosquitto version 2.0.11 running',
    '1795859777: New connection from 127.0.0.1:49886 on port 18831.',
    '1795859779: New connection from 127.0.0.1:49892 on port 18831.',
    '1795859872: New connection from 127.0.0.1:49900 on port 18831.',
    '1795859872: Client <unknown> has exceeded timeout, disconnecting.',
    '1795859872: Client <unknown> has exceeded timeout, disconnecting.',
    '1795859872: New client connected from 127.0.0.1:49900 as fresh (p2, c1, k60).',
  ]);
  assert.deepEqual(outcomes(v20), ['127.0.0.1:49886 no-connect', '127.0.0.1:49892 no-connect']);
  assert.deepEqual(v20.sessions.map((s) => [s.client, s.listenerPort]), [['fresh', 18831]]);
  // Real 2.1.2 names the address.
  const v21 = decoded([
    '1795859680: mosquitto version 2.1.2 running',
    '1795859681: New connection from 127.0.0.1:54444 on port 20023.',
    '1795859716: Client 127.0.0.1 [127.0.0.1:54444] disconnected: exceeded timeout.',
  ]);
  assert.deepEqual(outcomes(v21), ['127.0.0.1:54444 no-connect']);
  // 1.4 follows the timeout with a socket error of the same connection.
  const v14 = decoded([
    '1523000000: mosquitto version 1.4.15 (build date 2018) starting',
    '1523000000: New connection from 10.0.0.1 on port 1883.',
    '1523000095: New connection from 10.0.0.2 on port 1883.',
    '1523000095: Client <unknown> has exceeded timeout, disconnecting.',
    '1523000095: Socket error on client <unknown>, disconnecting.',
    '1523000095: New client connected from 10.0.0.2 as x (c1, k60).',
  ]);
  assert.deepEqual(outcomes(v14), ['10.0.0.1:null no-connect']);
  assert.deepEqual(v14.sessions.map((s) => [s.client, s.listenerPort]), [['x', 1883]]);
});

test("systemd's line that the broker's service ended in failure is a broker-exited warning; a clean exit, or another service's, is none", () => {
  const c = decoded([
    'Nov 29 05:50:01 gw systemd[1]: Starting mosquitto.service - Mosquitto MQTT Broker...',
    'Nov 29 05:50:01 gw mosquitto[812]: 1795850201: mosquitto version 2.0.11 running',
    'Nov 29 05:50:09 gw systemd[1]: mosquitto.service: Main process exited, code=dumped, status=11/SEGV',
    "Nov 29 05:50:09 gw systemd[1]: mosquitto.service: Failed with result 'core-dump'.",
    'Nov 29 05:50:10 gw systemd[1]: mosquitto.service: Main process exited, code=exited, status=3/NOTIMPLEMENTED',
    'Nov 29 05:50:11 gw systemd[1]: mosquitto@edge.service: Main process exited, code=killed, status=9/KILL',
    'Nov 29 05:50:12 gw systemd[1]: mosquitto.service: Main process exited, code=exited, status=0/SUCCESS',
    'Nov 29 05:50:13 gw systemd[1]: cron.service: Main process exited, code=killed, status=9/KILL',
    'Nov 29 05:50:14 gw systemd[1]: Failed to start mosquitto.service - Mosquitto MQTT Broker.',
  ]);
  const exited = c.findings.filter((f) => f.code === 'broker-exited');
  assert.deepEqual(exited.map((f) => f.code === 'broker-exited' && [f.unit, f.how, f.status, f.severity, f.at[0]?.line]), [
    ['mosquitto.service', 'dumped', '11/SEGV', 'warning', 3],
    ['mosquitto.service', 'exited', '3/NOTIMPLEMENTED', 'warning', 5],
    ['mosquitto@edge.service', 'killed', '9/KILL', 'warning', 6],
  ]);
  assert.equal(c.unknown, 0);
  assert.deepEqual(exited.map(describeFinding), [
    "systemd says the broker's service mosquitto.service dumped core (signal 11/SEGV): the broker was not running from then until a next start",
    "systemd says the broker's service mosquitto.service exited with status 3/NOTIMPLEMENTED: the broker was not running from then until a next start",
    "systemd says the broker's service mosquitto@edge.service was killed by signal 9/KILL: the broker was not running from then until a next start",
  ]);
});

test('a connection still waiting for its CONNECT as the log ends is not counted as failed while the broker would still wait for it', () => {
  const outcomes = (c: Correlation): string[] => c.attempts.map((a) => `${a.address}:${a.port} ${a.outcome}`);
  const timed = decoded([
    '1795859700: New connection from 127.0.0.1:49800 on port 1883.',
    '1795859777: New connection from 127.0.0.1:49886 on port 1883.',
    '1795859800: New client connected from 127.0.0.1:49900 as other (p2, c1, k60).',
  ]);
  // 100 s before the end: past the broker's 90 s wait, so it sent none. 23 s: it may yet send one.
  assert.deepEqual(outcomes(timed), ['127.0.0.1:49800 no-connect']);
  // Without times, a connection among the log's last 100 lines is taken as cut by the end.
  const untimed = (filler: number): Correlation => decoded([
    'New connection from 127.0.0.1:49886 on port 1883.',
    ...Array.from({ length: filler }, (_, i) => `New client connected from 10.0.${i >> 8}.${i & 255}:1 as c${i} (p2, c1, k60).`),
  ]);
  assert.deepEqual(outcomes(untimed(10)), []);
  assert.deepEqual(outcomes(untimed(150)), ['127.0.0.1:49886 no-connect']);
});

test('a client dropped for a packet that breaks the protocol ends protocol-error with what was wrong; before 2.0 not with the socket error logged after the reason', () => {
  const ends = (c: Correlation): string[] => c.sessions.map((s) => `${s.client} ${s.endReason}${s.endDetail ? ` (${s.endDetail})` : ''}`);
  // Real 1.4.15 and 1.6.15 lines: the reason names the client, or the address for a SUBSCRIBE.
  const c = decoded([
    '1795860458: mosquitto version 1.4.15 (build date 2026-11-28) starting',
    '1795860459: New connection from 127.0.0.1 on port 27047.',
    "1795860459: New client connected from 127.0.0.1 as badqos (c1, k60, u'alice').",
    '1795860459: Invalid QoS in PUBLISH from badqos, disconnecting.',
    '1795860459: Socket error on client badqos, disconnecting.',
    '1795860459: New connection from 127.0.0.1 on port 27047.',
    "1795860459: New client connected from 127.0.0.1 as badsub (c1, k60, u'alice').",
    '1795860459: Received SUBSCRIBE from badsub',
    '1795860459: Invalid subscription string from 127.0.0.1, disconnecting.',
    '1795860459: Socket error on client badsub, disconnecting.',
    // A socket error with no reason before it, or a reason of another address, is one.
    '1795860460: New connection from 10.0.0.7 on port 27047.',
    '1795860460: New client connected from 10.0.0.7 as other (c1, k60).',
    '1795860460: Received SUBSCRIBE from other',
    '1795860460: Invalid subscription string from 10.0.0.8, disconnecting.',
    '1795860460: Socket error on client other, disconnecting.',
    '1795860461: New connection from 10.0.0.7 on port 27047.',
    '1795860461: New client connected from 10.0.0.7 as lost (c1, k60).',
    '1795860461: Socket error on client lost, disconnecting.',
  ]);
  assert.deepEqual(ends(c), [
    'badqos protocol-error (invalid QoS in PUBLISH)', 'badsub protocol-error (invalid subscription filter)', 'other socket-error', 'lost socket-error',
  ]);
  assert.deepEqual(c.findings.filter((f) => f.code === 'protocol-error').map((f) => f.client), ['badqos', 'badsub']);
  // A session the broker dropped ends where it said why.
  assert.deepEqual(c.sessions.map((s) => s.endAt?.line), [4, 9, 15, 18]);
  // Real 2.0.11 ends it for a malformed packet: the reason line says more.
  const v20 = decoded([
    '1795860407: New connection from 127.0.0.1:40000 on port 32451.',
    "1795860407: New client connected from 127.0.0.1:40000 as qos3-pub (p2, c1, k60, u'alice').",
    '1795860407: Invalid QoS in PUBLISH from qos3-pub, disconnecting.',
    '1795860407: Client qos3-pub disconnected due to malformed packet.',
  ]);
  assert.deepEqual(ends(v20), ['qos3-pub protocol-error (invalid QoS in PUBLISH)']);
  // Real 2.0.11 with `max_qos 1`: a v5 client's QoS 2 PUBLISH.
  const overMax = decoded([
    '1796015387: New connection from 127.0.0.1:51884 on port 18834.',
    '1796015387: New client connected from 127.0.0.1:51884 as qos2-pub (p5, c1, k60).',
    '1796015387: Sending CONNACK to qos2-pub (0, 0)',
    '1796015387: Too high QoS in PUBLISH from qos2-pub, disconnecting.',
    '1796015387: Bad socket read/write on client qos2-pub: Requested QoS not supported on server.',
  ]);
  assert.deepEqual(ends(overMax), ["qos2-pub protocol-error (PUBLISH at a QoS over its listener's max_qos)"]);
  // 2.1, a v5 AUTH packet from a client that connected without an authentication method.
  const v21 = decoded([
    '1795700001: New connection from 127.0.0.1:40000 on port 1883.',
    '1795700001: New client connected from 127.0.0.1:40000 as v5auth (p5, c1, k60).',
    '1795700002: Received AUTH from v5auth (rc0, (null))',
    '1795700002: Protocol error from v5auth: AUTH packet without existing auth-method.',
    '1795700002: Client v5auth [127.0.0.1:40000] disconnected: protocol error.',
  ]);
  assert.deepEqual(ends(v21), ['v5auth protocol-error (AUTH without an authentication method)']);
  // A connection dropped before it gave an id (real 2.0.11: a PINGREQ before CONNECT) is a protocol error too.
  const early = decoded(['1795887189: New connection from 127.0.0.1:36496 on port 21843.', '1795887189: Client <unknown> disconnected due to protocol error.']);
  assert.deepEqual(early.attempts.map((a) => a.outcome), ['protocol-error']);
  assert.deepEqual(early.findings.map((f) => [f.code, f.client, f.code === 'protocol-error' ? f.address : undefined, f.at.map((at) => at.line)]), [['protocol-error', null, '127.0.0.1:36496', [2]]]);
  // A second CONNECT on one connection: real 2.0.11 names the client; 2.1 names the address and port.
  const twice = [
    '1795885311: New connection from 127.0.0.1:40342 on port 21883.',
    '1795885311: New client connected from 127.0.0.1:40342 as dbl (p2, c1, k60).',
    '1795885311: Sending CONNACK to dbl (0, 0)',
  ];
  assert.deepEqual(ends(decoded([...twice, '1795885311: Bad client dbl sending multiple CONNECT messages.', '1795885311: Client dbl disconnected due to protocol error.'])), ['dbl protocol-error (a second CONNECT)']);
  assert.deepEqual(ends(decoded([...twice, '1795885311: Bad client 127.0.0.1:40342 sending multiple CONNECT messages.', '1795885311: Client dbl [127.0.0.1:40342] disconnected: protocol error.'])), ['dbl protocol-error (a second CONNECT)']);
  // 1.6 names the size of a packet over max_packet_size.
  const big = decoded([
    '1795859881: New connection from 127.0.0.1 on port 32451.',
    "1795859881: New client connected from 127.0.0.1 as big-1 (p2, c1, k30, u'alice').",
    '1795859882: Client big-1 sent too large packet 3008, disconnecting.',
    '1795859882: Socket error on client big-1, disconnecting.',
  ]);
  assert.deepEqual(ends(big), ['big-1 protocol-error (oversize-packet, 3008 bytes)']);
});

test('before 2.0, a client whose address had connections waiting on two listeners has no listener port, rather than a guessed one', () => {
  // Real 1.6.15: an idle connection to 32451 was open when tlsclient connected to 32452.
  const c = decoded([
    '1795860204: mosquitto version 1.6.15 starting',
    '1795860205: New connection from 127.0.0.1 on port 32451.',
    '1795860205: New connection from 127.0.0.1 on port 32452.',
    "1795860205: New client connected from 127.0.0.1 as tlsclient (p2, c1, k60, u'alice').",
    '1795860205: New connection from 10.0.0.2 on port 32452.',
    '1795860205: New client connected from 10.0.0.2 as one (p2, c1, k60).',
  ]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.listenerPort]), [['tlsclient', null], ['one', 32452]]);
});

test('whether a client set a will is what the lines after its connect say, and unknown without them', () => {
  const c = decoded([
    ...connect(1795700000, 'with'), "1795700000: Will message specified (4 bytes) (r0, q1).", '1795700000: \tdevices/with/status',
    ...connect(1795700000, 'without'), '1795700000: No will message specified.',
    // 1.4, or a log without debug lines.
    ...connect(1795700000, 'unsaid'),
  ]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.will]), [['with', true], ['without', false], ['unsaid', null]]);
});

test('1.5: a CONNECT the broker refused as breaking the protocol is a protocol-error attempt saying why; an offline session dropped as its client comes back is no socket error', () => {
  // Real 1.5.11 lines.
  const c = decoded([
    '1795861676: mosquitto version 1.5.11 starting',
    '1795861742: New connection from 127.0.0.1 on port 23908.',
    '1795861742: Malformed UTF-8 in will topic string from badutf_will, disconnecting.',
    '1795861742: Socket error on client <unknown>, disconnecting.',
    '1795861742: New connection from 127.0.0.1 on port 23908.',
    '1795861742: Protocol error from pwnouser: password without username, closing connection.',
    '1795861742: Socket error on client <unknown>, disconnecting.',
    '1795861743: New connection from 127.0.0.1 on port 23908.',
    '1795861743: Socket error on client <unknown>, disconnecting.',
    // persist2's session is in the broker's database, offline: the broker drops it as it comes back.
    '1795862119: New connection from 127.0.0.1 on port 23908.',
    '1795862119: Socket error on client persist2, disconnecting.',
    "1795862119: New client connected from 127.0.0.1 as persist2 (c0, k60, u'alice').",
    // A session begun before the log that ends after a connection of another client is reported.
    '1795862120: New connection from 127.0.0.1 on port 23908.',
    '1795862120: Socket error on client older, disconnecting.',
    "1795862120: New client connected from 127.0.0.1 as newer (c0, k60, u'alice').",
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.client, a.outcome, a.detail]), [
    ['badutf_will', 'protocol-error', 'will topic with invalid UTF-8'], ['pwnouser', 'protocol-error', 'password without username in CONNECT'], [null, 'closed', undefined],
  ]);
  assert.deepEqual(c.findings.filter((f) => f.code === 'socket-error').map((f) => f.client), ['older']);
});

test('2.1: the `Protocol error from …` line before an end says what broke the protocol, for a session and for a CONNECT', () => {
  // Real 2.1.2 lines, from packets written by hand on a raw socket.
  const decoder = createLineDecoder('f.log');
  // As `follow` writes them: at once.
  const told: string[] = [];
  const decodedTelling = (lines: readonly string[]): Correlation => correlateRecords(lines.map((l) => decoder.decode(l)), {
    onEvent: (e: CorrelatorEvent) => {
      if (e.kind === 'attempt') told.push(`${e.attempt.port} ${e.attempt.detail}`);
    },
  });
  const c = decodedTelling([
    '1795867328: mosquitto version 2.1.2 starting',
    '1795867331: New connection from 127.0.0.1:58052 on port 28831.',
    '1795867331: New client connected from 127.0.0.1:58052 as mid0 (p5, c1, k60).',
    '1795867331: Sending CONNACK to mid0 (0, 0)',
    '1795867331: Protocol error from mid0: PUBLISH packet with mid = 0.',
    '1795867331: Client mid0 [127.0.0.1:58052] disconnected: protocol error.',
    '1795867333: New connection from 127.0.0.1:58070 on port 28831.',
    '1795867333: Protocol error from 127.0.0.1:58070: First packet not CONNECT (C0).',
    '1795867333: Client 127.0.0.1 [127.0.0.1:58070] disconnected: protocol error.',
    '1795867334: New connection from 127.0.0.1:58082 on port 28831.',
    '1795867334: New client connected from 127.0.0.1:58082 as puback0 (p4, c1, k60).',
    '1795867334: Sending CONNACK to puback0 (0, 0)',
    '1795867334: Protocol error from puback0: PUBACK with mid = 0.',
    '1795867334: Client puback0 [127.0.0.1:58082] disconnected: protocol error.',
    // The broker has not read the id yet: glibc prints the null pointer.
    '1795867441: New connection from 127.0.0.1:38924 on port 28831.',
    '1795867441: Protocol error from (null): Will with empty topic.',
    '1795867441: Client 127.0.0.1 [127.0.0.1:38924] disconnected: protocol error.',
    '1795867441: New connection from 127.0.0.1:38930 on port 28831.',
    '1795867441: Protocol error from nouser: CONNECT with username flag but no username.',
    '1795867441: Client 127.0.0.1 [127.0.0.1:38930] disconnected: protocol error.',
    '1795867443: New connection from 127.0.0.1:38948 on port 28831.',
    '1795867443: New client connected from 127.0.0.1:38948 as dexp (p5, c1, k60).',
    '1795867443: Sending CONNACK to dexp (0, 0)',
    '1795867443: Protocol error from dexp: DISCONNECT packet with mismatched session-expiry-interval (0:10).',
    '1795867443: Client dexp [127.0.0.1:38948] disconnected: protocol error.',
    // Two connections at once: the reason names the other one.
    '1795867450: New connection from 127.0.0.1:40001 on port 28831.',
    '1795867450: New connection from 127.0.0.1:40002 on port 28831.',
    '1795867450: Protocol error from 127.0.0.1:40002: RESERVED packet.',
    '1795867450: Client 127.0.0.1 [127.0.0.1:40001] disconnected: protocol error.',
  ]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.endReason, s.endDetail, s.endAt?.line]), [
    ['mid0', 'protocol-error', 'PUBLISH with message id 0', 5],
    ['puback0', 'protocol-error', 'PUBACK with message id 0', 13],
    ['dexp', 'protocol-error', 'DISCONNECT setting a session expiry the CONNECT had not', 24],
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.client, a.port, a.outcome, a.detail]), [
    [null, 58070, 'protocol-error', 'first packet not CONNECT'],
    [null, 38924, 'protocol-error', 'will with an empty topic in CONNECT'],
    ['nouser', 38930, 'protocol-error', 'username flag without a username in CONNECT'],
    [null, 40001, 'protocol-error', undefined],
    // 40002, still without its CONNECT as the log ends, may yet send it: not counted.
  ]);
  assert.deepEqual(told.slice(0, 3), ['58070 first packet not CONNECT', '38924 will with an empty topic in CONNECT', '38930 username flag without a username in CONNECT']);
});

test('1.x cuts a line at its format\'s length plus 499 inside a last %s: the line is marked cut, and a cut DISCONNECT line still ends its session', () => {
  // Real 1.4.15, a client id of 600 characters: each line is cut at its format's length plus 499.
  const id = `L${'b'.repeat(599)}`;
  const cutAt = (format: string, text: string): string => text.slice(0, format.length + 499);
  const lines = [
    '1795860393: mosquitto version 1.4.15 (build date 2026-11-28) starting',
    '1795860394: New connection from 127.0.0.1 on port 27047.',
    `1795860394: ${cutAt("New client connected from %s as %s (c%d, k%d, u'%s').", `New client connected from 127.0.0.1 as ${id} (c1, k60, u'alice').`)}`,
    `1795860395: ${cutAt('Received DISCONNECT from %s', `Received DISCONNECT from ${id}`)}`,
    `1795860395: ${cutAt('Client %s disconnected.', `Client ${id} disconnected.`)}`,
    `1795860396: ${cutAt('%s %d %s', `lsub 1 f/${'c'.repeat(600)}`)}`,
    `1795860396: ${cutAt('OpenSSL Error: %s', `OpenSSL Error: ${'x'.repeat(600)}`)}`,
  ];
  const decoder = createLineDecoder('f.log');
  const recs = lines.map((l) => decoder.decode(l));
  assert.deepEqual(recs.slice(3).map((r) => [r.type, r.truncated]), [['packet', true], ['disconnect', true], ['subscription', true], ['message', true]]);
  assert.deepEqual(correlateRecords(recs).sessions.map((s) => s.endReason), ['disconnect']);
  // 2.x cuts at 999 bytes: a DISCONNECT line of that length is whole.
  const whole = createLineDecoder('f.log');
  whole.decode('1795860393: mosquitto version 2.0.11 starting');
  assert.equal(whole.decode(`1795860395: Received DISCONNECT from ${id.slice(0, 501)}`).truncated, undefined);
});

test('with its log also sent to $SYS/broker/log/#, the PUBLISH the broker logs after each line does not part a line from the lines that belong to it', () => {
  const sent = (t: string, bytes: number, level = 'N'): string => `${t}: Sending PUBLISH to syslogcap (d0, q0, r0, m0, '$SYS/broker/log/${level}', ... (${bytes} bytes))`;
  // Real 2.1.2 (`log_dest topic`, a subscriber of $SYS/broker/log/#, a dynsec role denying secret/#).
  const t = '2026-11-28T16:36:57+0530';
  const c = decoded([
    '2026-11-28T16:35:25+0530: mosquitto version 2.1.2 starting',
    `${t}: New connection from 127.0.0.1:50934 on port 23665.`,
    sent(t, 76),
    `${t}: New client connected from 127.0.0.1:50934 as alice-sub2 (p4, c1, k60, u'alice').`,
    sent(t, 106),
    `${t}: Will message specified (3 bytes) (r0, q1).`,
    `${t}: \twill/t`,
    `${t}: Sending CONNACK to alice-sub2 (0, 0)`,
    `${t}: Received SUBSCRIBE from alice-sub2`,
    `${t}: \tdata/x (QoS 0)`,
    `${t}: alice-sub2 0 data/x`,
    sent(t, 45, 'M/subscribe'),
    `${t}: \tsecret/y (denied)`,
    `${t}: Sending SUBACK to alice-sub2`,
  ]);
  assert.equal(c.unknown, 0);
  assert.deepEqual(c.findings.filter((f) => f.code === 'subscribe-denied').map((f) => 'filter' in f && f.filter), ['secret/y']);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.will, s.subscriptions]), [['alice-sub2', true, 1]]);
  assert.equal(c.lines, 14);
  // 1.5 dropping an offline session as its client comes back, its lines sent to $SYS too.
  const resumed = decoded([
    '1795862119: New connection from 127.0.0.1 on port 23908.',
    sent('1795862119', 60),
    '1795862119: Socket error on client persist2, disconnecting.',
    sent('1795862119', 50),
    "1795862119: New client connected from 127.0.0.1 as persist2 (c0, k60, u'alice').",
  ]);
  assert.deepEqual(resumed.findings.filter((f) => f.code === 'socket-error'), []);
});

test('2.1: a CONNACK refusing an id, then the end of its connection by address and port, is one failed connection', () => {
  // Real 2.1.2: a v5 CONNECT with an authentication method the broker does not support.
  const c = decoded([
    '2026-11-28T16:35:25+0530: mosquitto version 2.1.2 running',
    '2026-11-28T16:36:01+0530: New connection from 127.0.0.1:37246 on port 23665.',
    '2026-11-28T16:36:01+0530: Sending CONNACK to authx (0, 140)',
    '2026-11-28T16:36:01+0530: Client 127.0.0.1 [127.0.0.1:37246] disconnected: used disallowed feature (QoS too high, retain not supported, or bad AUTH method).',
    // Another connection's end is its own.
    '2026-11-28T16:36:02+0530: New connection from 127.0.0.1:37250 on port 23665.',
    '2026-11-28T16:36:02+0530: Client 127.0.0.1 [127.0.0.1:37250] disconnected: connection closed by client.',
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.client, a.port, a.outcome]), [['authx', 37246, 'not-authorised'], [null, 37250, 'closed']]);
});

test("the system logger's lines about the broker's lines it left out are lines-missing findings, not lines not understood", () => {
  const c = correlate([
    'Nov 28 12:00:00 gw mosquitto[812]: New connection from 10.0.0.1 on port 1883.',
    'Nov 28 12:00:00 gw mosquitto[812]: New client connected from 10.0.0.1 as a (p2, c1, k60).',
    'Nov 28 12:00:05 gw systemd-journald[211]: Suppressed 5210 messages from mosquitto.service',
    'Nov 28 12:00:09 gw mosquitto[812]: Socket error on client <unknown>, disconnecting.',
    'Nov 28 12:00:10 gw mosquitto[812]: message repeated 2 times: [ Socket error on client <unknown>, disconnecting.]',
  ]);
  assert.equal(c.unknown, 0);
  const missing = c.findings.filter((f) => f.code === 'lines-missing');
  assert.deepEqual(missing.map((f) => f.code === 'lines-missing' && [f.severity, f.client, f.lines, f.cause, f.at.map((a) => a.line)]), [
    ['warning', null, 5210, 'suppressed', [3]], ['warning', null, 2, 'repeated', [5]],
  ]);
  assert.match(describeFinding(missing[0] as Finding), /dropped 5210 of the broker's lines at its rate limit/);
  assert.match(describeFinding(missing[1] as Finding), /folded 2 repeat\(s\) of a line into one/);
});

test("a v5 clean start's flow in flight as its connection ends just before the log may be held: its finding says so", () => {
  const lines = (version: string, clean: string): string[] => [
    `1795897061: New client connected from 127.0.0.1:51452 as held (${version}, ${clean}, k30).`,
    "1795897061: Sending PUBLISH to held (d0, q2, r0, m1, 'q2/g', ... (3 bytes))",
    '1795897061: Client held closed its connection.',
  ];
  const incomplete = (c: Correlation): unknown[] => c.findings.filter((f) => f.code === 'flow-incomplete').map((f) => f.code === 'flow-incomplete' && [f.mid, f.mayBeHeld]);
  const v5Clean = correlate(lines('p5', 'c1'));
  assert.deepEqual(incomplete(v5Clean), [[1, true]]);
  assert.match(describeFinding(v5Clean.findings[0] as Finding), /the broker may hold it still: it keeps a v5 session with clean start for an expiry interval/);
  // Without clean start the broker keeps it for sure: held; a 3.1.1 clean session loses it.
  assert.deepEqual(incomplete(correlate(lines('p5', 'c0'))), []);
  assert.deepEqual(incomplete(correlate(lines('p4', 'c1'))), [[1, undefined]]);
  // Long after its last step, it stalled while connected.
  const late = correlate([...lines('p5', 'c1').slice(0, 2), '1795897090: Client held closed its connection.']);
  assert.deepEqual(incomplete(late), [[1, undefined]]);
});

test('a connection the broker denied says why: max_connections, tcpd, or no file descriptor left', () => {
  const c = decoded([
    '1795902313: Client connection from 127.0.0.1 denied: max_connections exceeded.',
    '1795902314: Client connection from 10.0.0.9 denied access by tcpd.',
    '1795902315: Unable to accept new connection, system socket count has been exceeded. Try increasing "ulimit -n" or equivalent.',
    '1795902315: Unable to accept new connection, system socket count has been exceeded. Try increasing "ulimit -n" or equivalent.',
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.address, a.outcome, a.detail]), [
    ['127.0.0.1', 'denied', 'max_connections exceeded'], ['10.0.0.9', 'denied', 'denied by tcpd'],
    [null, 'denied', 'socket count exceeded'], [null, 'denied', 'socket count exceeded'],
  ]);
  // Each line is one connection the broker closed as it accepted it, on the descriptor it keeps spare.
  const refused = c.findings.filter((f) => f.code === 'connection-refused');
  assert.deepEqual(refused.map((f) => [f.severity, f.client, f.time, f.at.map((w) => w.line)]), [
    ['warning', null, 1795902313000, [1]], ['warning', null, 1795902314000, [2]], ['warning', null, 1795902315000, [3]], ['warning', null, 1795902315000, [4]],
  ]);
  assert.equal(describeFinding(refused[2] as Finding), 'a connection was closed as it was accepted: the broker had no file descriptor left (socket count exceeded; see ulimit -n)');
});

test('a websockets login refused, which has no New connection line, is known as an address by its form, not taken for a client id', () => {
  const c = decoded([
    '1795903790: mosquitto version 2.0.11 running',
    '1795903791: Sending CONNACK to ::ffff:127.0.0.1 (0, 5)',
    '1795903791: Client <unknown> closed its connection.',
    '1795903792: Sending CONNACK to 10.1.2.3 (0, 5)',
    '1795903793: Sending CONNACK to sensor:12 (0, 5)',
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.client, a.address, a.outcome]), [[null, '::ffff:127.0.0.1', 'not-authorised'], [null, '10.1.2.3', 'not-authorised'], ['sensor:12', null, 'not-authorised']]);
  assert.deepEqual(c.findings.filter((f) => f.code === 'auth-failure').map((f) => f.code === 'auth-failure' && [f.client, f.address]), [[null, '::ffff:127.0.0.1'], [null, '10.1.2.3'], ['sensor:12', null]]);
});

test('a configuration reload that logs errors is a reload-failed warning, citing the reload and its first error; one that logs none is not', () => {
  // Real 2.0.11: SIGHUP with the password file moved away, then back, then with a bad option.
  const head = [
    '1795920579: mosquitto version 2.0.11 starting',
    '1795920579: Config loaded from /tmp/rl/conf.',
    '1795920579: Opening ipv4 listen socket on port 21500.',
    '1795920579: mosquitto version 2.0.11 running',
  ];
  const pwfile = ['1795920580: Reloading config.', '1795920580: Error: Unable to open pwfile "/tmp/rl/pw".', '1795920580: Error opening password file "/tmp/rl/pw".'];
  const refused = ['1795920581: New connection from 127.0.0.1:34420 on port 21500.', '1795920581: Sending CONNACK to 127.0.0.1 (0, 5)', '1795920581: Client <unknown> disconnected, not authorised.'];
  const good = ['1795920581: Reloading config.'];
  const option = ['1795920582: Reloading config.', '1795920582: Error: Unknown configuration variable "bogus_option".', '1795920582: Error found at /tmp/rl/conf:7.'];
  const c = correlate([...head, ...pwfile, ...refused, ...good, ...option, '1795920583: mosquitto version 2.0.11 terminating']);
  assert.deepEqual(findingsOf(c).filter((f) => f.startsWith('reload')), ['reload-failed - 5,6', 'reload-failed - 12,13']);
  assert.deepEqual(c.findings.filter((f) => f.code === 'reload-failed').map((f) => describeFinding(f)), [
    'the configuration reload logged 2 errors (first: Unable to open pwfile "/tmp/rl/pw"); the broker ran on without what failed to load',
    'the configuration reload logged 2 errors (first: Unknown configuration variable "bogus_option"); the broker ran on without what failed to load',
  ]);
  assert.equal(c.brokerReloads, 3);
  // A reload whose errors end the log, and a warning among its lines.
  assert.deepEqual(findingsOf(correlate([...head, ...pwfile])).filter((f) => f.startsWith('reload')), ['reload-failed - 5,6']);
  const warned = correlate([...head, '1795920580: Reloading config.', '1795920580: Warning: Bridge b1 using insecure mode.', '1795920580: Error: Unable to open pwfile "/tmp/rl/pw".']);
  assert.deepEqual(findingsOf(warned).filter((f) => f.startsWith('reload')), ['reload-failed - 5,7']);
  // An error after a client's line is not the reload's, nor is a bridge's.
  assert.deepEqual(findingsOf(correlate([...head, ...good, ...refused, '1795920582: Error: Unable to open pwfile "/tmp/rl/pw".'])).filter((f) => f.startsWith('reload')), []);
  // Followed, a reload the log then says nothing after is judged once the log has been quiet a moment.
  assert.deepEqual(saidWhileQuiet([...head, ...pwfile], [1795920581_000, 1795920582_000]), [[], ['reload-failed']]);
});

test('a database the broker could not save is a persistence-failed warning per failed save, with the system\'s error when it gave one', () => {
  // Real 2.0.11 with `persistence true` in a directory it cannot write: an autosave, then the save as it stops.
  const c = correlate([
    '1795996247: mosquitto version 2.0.11 starting',
    '1795996247: mosquitto version 2.0.11 running',
    '1795996249: Saving in-memory database to mosquitto.db.',
    '1795996249: Error saving in-memory database, unable to open mosquitto.db.new for writing.',
    '1795996249: Error: Permission denied.',
    '1795996249: mosquitto version 2.0.11 terminating',
    '1795996249: Saving in-memory database to mosquitto.db.',
    '1795996249: Error saving in-memory database, unable to open mosquitto.db.new for writing.',
    '1795996249: Error: Permission denied.',
  ]);
  assert.deepEqual(findingsOf(c).filter((f) => f.startsWith('persistence')), ['persistence-failed - 4,5', 'persistence-failed - 8,9']);
  assert.equal(describeFinding(c.findings.find((f) => f.code === 'persistence-failed') as Finding),
    'the broker could not save its in-memory database (unable to open mosquitto.db.new for writing: Permission denied): persistent sessions, the messages queued for them and retained messages would not survive a restart');
  const details = (lines: string[]): string[] => correlate(lines).findings.flatMap((f) => (f.code === 'persistence-failed' ? [`${f.detail} ${f.at.map((w) => w.line).join(',')}`] : []));
  // 2.1 gives the system's error in the same line; a failure with no error after it, or one whose next line is another's, stands alone.
  assert.deepEqual(details(['1795996249: Error saving in-memory database, unable to open mosquitto.db.new for writing, error Permission denied']), ['unable to open mosquitto.db.new for writing, error Permission denied 1']);
  assert.deepEqual(details(['1795996249: Error saving in-memory database, out of memory.', '1795996249: Client c1 disconnected.']), ['out of memory 1']);
  assert.deepEqual(details(['1795996249: Error saving in-memory database, unable to remove mosquitto.db.', '1795996250: Error: Permission denied.']), ['unable to remove mosquitto.db 1']);
  // An error of the system's with no failed save before it is none.
  assert.deepEqual(details(['1795996249: Error: Permission denied.']), []);
  // Followed, a failed save the log then says nothing after is said once the log has been quiet a moment.
  assert.deepEqual(saidWhileQuiet(['1795996249: Error saving in-memory database, unable to open mosquitto.db.new for writing.'], [1795996249_500, 1795996251_000]), [[], ['persistence-failed']]);
});

test('a start that cannot read its persistent database is a broker-start-failed warning before starting, naming what was wrong', () => {
  // Real 2.0.11 with a mosquitto.db of random bytes: on stderr (its log file is not open yet), then it exits.
  const c = correlate([
    '1795997560: mosquitto version 2.0.11 terminating',
    '1795997562: Error: Unable to restore persistent database. Unrecognised file format.',
    "1795997562: Error: Couldn't open database.",
  ]);
  assert.deepEqual(findingsOf(c), ['broker-start-failed - 2,3']);
  const failed = c.findings[0] as Extract<Finding, { code: 'broker-start-failed' }>;
  assert.deepEqual([failed.detail, failed.beforeStarting, failed.database, failed.brokerRunning], ['Unable to restore persistent database. Unrecognised file format', true, true, false]);
  assert.equal(describeFinding(failed), 'broker did not start: its persistent database could not be read (Unable to restore persistent database. Unrecognised file format)');
  // A configuration's error is not the database's.
  const config = correlate(['1795997562: Error: Unknown configuration variable "bogus_option".', '1795997562: Error found at /tmp/rl/conf:7.']).findings[0] as Extract<Finding, { code: 'broker-start-failed' }>;
  assert.deepEqual([config.code, config.database], ['broker-start-failed', undefined]);
});

test('a silence in a timeline is placed where it began: what was sent to the client while it was silent follows it', () => {
  // Real 2.0.11: stuck-persist (keepalive 5s) stopped with SIGSTOP; messages for it are sent until it is closed.
  const { timeline } = decodedWithTimeline([
    '1795921134: New connection from 127.0.0.1:42052 on port 21002.',
    '1795921134: New client connected from 127.0.0.1:42052 as stuck-persist (p2, c0, k5, u\'alice\').',
    '1795921134: Sending CONNACK to stuck-persist (0, 0)',
    '1795921134: Received SUBSCRIBE from stuck-persist',
    '1795921134: 	k/# (QoS 2)',
    '1795921134: Sending SUBACK to stuck-persist',
    "1795921135: Sending PUBLISH to stuck-persist (d0, q1, r0, m1, 'k/info', ... (5 bytes))",
    '1795921145: Client stuck-persist closed its connection.',
  ]);
  const kinds = timeline.map((e) => e.kind);
  assert.ok(kinds.indexOf('gap') >= 0 && kinds.indexOf('gap') < kinds.indexOf('flow'), kinds.join(' '));
  const times = timeline.map((e) => e.time ?? 0);
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
});

test('a log that ends as a kept session comes back, before the broker sends again what it held, leaves that delivery in flight', () => {
  // Real 2.0.11 (persistence on): holder (clean session false) went away with m1 in flight and came back 14 s later.
  const before = [
    '1795923514: New connection from 127.0.0.1:43624 on port 21118.',
    '1795923514: New client connected from 127.0.0.1:43624 as holder (p2, c0, k10).',
    '1795923514: Sending CONNACK to holder (0, 0)',
    "1795923515: Sending PUBLISH to holder (d0, q1, r0, m1, 'test/h', ... (8 bytes))",
    '1795923516: Client holder closed its connection.',
    '1795923530: New connection from 127.0.0.1:49636 on port 21118.',
    '1795923530: New client connected from 127.0.0.1:49636 as holder (p2, c0, k10).',
  ];
  const state = (log: string[]): unknown[] => correlate(log).flows.map((f) => f.state);
  assert.deepEqual(state(before), ['in-flight']);
  assert.deepEqual(state([...before, '1795923530: Sending CONNACK to holder (1, 0)']), ['in-flight']);
  // Not sent again, and nothing for it 10 s on: stalled.
  assert.deepEqual(state([...before, '1795923530: Sending CONNACK to holder (1, 0)', '1795923541: Received PINGREQ from holder']), ['incomplete']);
});

test('without times, a delivery a kept session left with near the log end is held, unless the broker lost the session', () => {
  // Real 2.0.11 with log_timestamp false: holder (clean session false) closed with m1 in flight.
  const lines = [
    'New connection from 127.0.0.1:43624 on port 21118.',
    'New client connected from 127.0.0.1:43624 as holder (p2, c0, k10).',
    'Sending CONNACK to holder (0, 0)',
    "Sending PUBLISH to holder (d0, q1, r0, m1, 'test/h', ... (8 bytes))",
    'Client holder closed its connection.',
  ];
  const state = (log: string[]): unknown[] => correlate(log).flows.map((f) => (f.held ? 'held' : f.state));
  assert.deepEqual(state(lines), ['held']);
  assert.deepEqual(state([...lines, 'mosquitto version 2.0.11 terminating']), ['incomplete']);
  assert.deepEqual(state([...lines, 'mosquitto version 2.0.11 terminating', 'Saving in-memory database to /var/lib/mosquitto/mosquitto.db.']), ['held']);
});

test('a connect of an id whose connection is open, with no takeover line, is an inferred takeover: it may be a restart the log did not show', () => {
  // Real 2.0.11 with log_type notice: the broker was restarted three times (SIGTERM); watcher reconnected each time.
  const c = correlate([
    '1795923514: New connection from 127.0.0.1:34282 on port 21131.',
    '1795923514: New client connected from 127.0.0.1:34282 as watcher (p2, c1, k10).',
    '1795923514: New connection from 127.0.0.1:34284 on port 21131.',
    '1795923514: New client connected from 127.0.0.1:34284 as holder (p2, c0, k10).',
    '1795923515: New connection from 127.0.0.1:34298 on port 21131.',
    '1795923515: New client connected from 127.0.0.1:34298 as hpub (p2, c1, k60).',
    '1795923515: Client hpub disconnected.',
    '1795923516: Client holder closed its connection.',
    '1795923518: New connection from 127.0.0.1:34312 on port 21131.',
    '1795923518: New client connected from 127.0.0.1:34312 as watcher (p2, c1, k10).',
    '1795923522: New connection from 127.0.0.1:45470 on port 21131.',
    '1795923522: New client connected from 127.0.0.1:45470 as watcher (p2, c1, k10).',
    '1795923526: New connection from 127.0.0.1:45476 on port 21131.',
    '1795923526: New client connected from 127.0.0.1:45476 as watcher (p2, c1, k10).',
  ]);
  const takeovers = c.findings.filter((f) => f.code === 'takeover');
  assert.deepEqual(takeovers.map((f) => [f.code === 'takeover' && f.inferred, f.at.map((a) => a.line)]), [[true, [10, 2]], [true, [12, 10]], [true, [14, 12]]]);
  assert.match(describeFinding(takeovers[0] as Finding), /^watcher connected again from 127\.0\.0\.1:34312 while its connection from 127\.0\.0\.1:34282 was open, and no takeover line was logged: taken over, or the broker restarted without logging it$/);
  const flapping = c.findings.find((f) => f.code === 'takeover-flapping');
  assert.ok(flapping?.code === 'takeover-flapping' && flapping.inferred);
  assert.match(describeFinding(flapping), /two clients may share this id, or the broker restarted without logging it$/);
  // With the broker's takeover line, it is a takeover for certain.
  const logged = correlate([
    '1795923514: New client connected from 127.0.0.1:34282 as watcher (p2, c1, k10).',
    '1795923518: New connection from 127.0.0.1:34312 on port 21131.',
    '1795923518: Client watcher already connected, closing old connection.',
    '1795923518: New client connected from 127.0.0.1:34312 as watcher (p2, c1, k10).',
  ]);
  assert.deepEqual(logged.findings.filter((f) => f.code === 'takeover').map((f) => f.code === 'takeover' && [f.inferred, f.at.map((a) => a.line)]), [[false, [3, 1, 4]]]);
});

test('a timeline holds its first entries up to its limit and counts those left out; entries of a moment outside a window known before reading take no room', () => {
  const lines = [
    '1795700000: New connection from 127.0.0.1:40000 on port 1883.',
    '1795700000: New client connected from 127.0.0.1:40000 as a (p2, c1, k60).',
    '1795700000: Sending CONNACK to a (0, 0)',
    "1795700001: Received PUBLISH from a (d0, q0, r0, m0, 'x', ... (1 bytes))",
    "1795700002: Received PUBLISH from a (d0, q0, r0, m0, 'x', ... (1 bytes))",
    "1795700003: Received PUBLISH from a (d0, q0, r0, m0, 'x', ... (1 bytes))",
    '1795700004: Client a disconnected.',
  ];
  const build = (limit: number, window?: { since: number | null; until: number | null }): TimelineBuilder => {
    const builder = new TimelineBuilder(() => true, false, limit, window);
    // As `mosqlog timeline` feeds it: each record after the correlator has seen it.
    const correlator = new Correlator({ onEvent: (e) => builder.onEvent(e) });
    for (const r of records(lines)) {
      correlator.push(r);
      builder.onRecord(r);
    }
    correlator.finish();
    return builder;
  };
  const whole = build(100);
  assert.deepEqual([whole.finish().map((e) => e.kind), whole.omitted], [['connect', 'message', 'message', 'message', 'end'], 0]);
  const capped = build(3);
  assert.deepEqual([capped.finish().map((e) => e.kind), capped.omitted], [['connect', 'message', 'message'], 2]);
  // The window holds the last two seconds: the connect and the first messages take no room.
  const windowed = build(3, { since: 1795700003_000, until: null });
  assert.deepEqual([windowed.finish().map((e) => [e.kind, e.time]), windowed.omitted], [[['message', 1795700003_000], ['end', 1795700004_000]], 0]);
});

test("a 3.1.1 client's QoS 2 message refused for quota exceeded was dropped without its client knowing; a v5 client's was refused to its face", () => {
  const burst = (protocol: string): string[] => [
    '1796013299: New connection from 127.0.0.1:45148 on port 18831.',
    `1796013299: New client connected from 127.0.0.1:45148 as burst-pub (${protocol}, c1, k60).`,
    '1796013299: Sending CONNACK to burst-pub (0, 0)',
    "1796013299: Received PUBLISH from burst-pub (d0, q2, r0, m46395, 'burst/a', ... (2 bytes))",
    '1796013299: Sending PUBREC to burst-pub (m46395, rc0)',
    "1796013299: Received PUBLISH from burst-pub (d0, q2, r0, m46396, 'burst/a', ... (2 bytes))",
    '1796013299: Sending PUBREC to burst-pub (m46396, rc151)',
    '1796013299: Received PUBREL from burst-pub (Mid: 46395)',
    '1796013299: Sending PUBCOMP to burst-pub (m46395)',
    '1796013299: Received PUBREL from burst-pub (Mid: 46396)',
    '1796013299: Sending PUBCOMP to burst-pub (m46396)',
  ];
  const v311 = correlate(burst('p2'));
  assert.deepEqual(v311.flows.map((f) => [f.mid, f.state, f.reasonCode]), [[46396, 'refused', 151], [46395, 'complete', undefined]]);
  const [untold] = v311.findings;
  assert.deepEqual(v311.findings.map((f) => [f.code, f.code === 'flow-refused' && f.notTold]), [['flow-refused', true]]);
  assert.equal(untold && describeFinding(untold), 'burst-pub publish m46396 (QoS 2, burst/a) refused with reason code 151: quota exceeded (it already had max_inflight_messages QoS 2 messages awaiting PUBREL, 20 by default); the client was not told: an MQTT 3.1/3.1.1 client cannot read the code, so it takes the message as accepted');
  const v5 = correlate(burst('p5'));
  assert.deepEqual(v5.findings.map((f) => [f.code, f.code === 'flow-refused' && f.notTold]), [['flow-refused', undefined]]);
  assert.equal(v5.findings[0] && describeFinding(v5.findings[0]), 'burst-pub publish m46396 (QoS 2, burst/a) refused with reason code 151: quota exceeded (it already had max_inflight_messages QoS 2 messages awaiting PUBREL, 20 by default)');
  // A delivery a v5 subscriber refuses is its own doing: no quota hint, nobody untold.
  const delivery = correlate([
    '1796013299: New client connected from 127.0.0.1:45150 as picky (p5, c1, k60).',
    "1796013299: Sending PUBLISH to picky (d0, q1, r0, m1, 'burst/a', ... (2 bytes))",
    '1796013299: Received PUBACK from picky (Mid: 1, RC:151)',
  ]);
  assert.deepEqual(delivery.findings.map((f) => [f.code, f.code === 'flow-refused' && f.notTold]), [['flow-refused', undefined]]);
  assert.equal(delivery.findings[0] && describeFinding(delivery.findings[0]), 'picky delivery m1 (QoS 1, burst/a) refused with reason code 151: quota exceeded');
});

test('a v5 QoS 1 message the broker acknowledged with no matching subscribers completed, and nobody got it', () => {
  const lines = [
    '1796013554: New connection from 127.0.0.1:58960 on port 18832.',
    '1796013554: New client connected from 127.0.0.1:58960 as lonely-v5 (p5, c1, k60).',
    '1796013554: Sending CONNACK to lonely-v5 (0, 0)',
    "1796013554: Received PUBLISH from lonely-v5 (d0, q1, r0, m40632, 'nobody/here', ... (1 bytes))",
    '1796013554: Sending PUBACK to lonely-v5 (m40632, rc16)',
    "1796013554: Received PUBLISH from lonely-v5 (d0, q1, r0, m40633, 'somebody/here', ... (1 bytes))",
    '1796013554: Sending PUBACK to lonely-v5 (m40633, rc0)',
  ];
  const c = correlate(lines);
  const { timeline } = withTimeline(lines);
  assert.deepEqual(c.flows.map((f) => [f.mid, f.state, describeFlowState(f)]), [[40632, 'complete', 'complete (rc 16: no matching subscribers)'], [40633, 'complete', 'complete']]);
  assert.deepEqual(c.findings, []);
  const published = timeline.filter((e) => e.kind === 'flow').map((e) => renderTimelineText({ entries: [e], debugLines: true, wholeSeconds: true }, plainContext));
  assert.match(published[0] ?? '', /published m40632 QoS 1 nobody\/here \(1 B\): PUBLISH→PUBACK complete in <1s, but no subscription matched it/);
  assert.doesNotMatch(published[1] ?? '', /subscription/);
});
