/**
 * Findings from short hand-written logs: the cases where what the log leaves out (its start, its
 * packet lines) changes what can be said.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Correlation, type CorrelatorEvent, TimelineBuilder, correlateRecords } from '../src/correlate/index.js';
import { type LogRecord, parseLine } from '../src/parse/index.js';

function records(lines: readonly string[]): LogRecord[] {
  return lines.map((text, i) => parseLine(text, { file: 'f.log', line: i + 1 }));
}

function correlate(lines: readonly string[]): Correlation {
  return correlateRecords(records(lines), { keepFlows: 'all' });
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

test('a line that echoes an end the log showed is not a second finding', () => {
  const c = correlate([
    '1523000100: New connection from 10.0.0.1:40001 on port 1883.',
    '1523000100: New client connected from 10.0.0.1:40001 as handheld (c1, k60).',
    '1523000193: Client handheld has exceeded timeout, disconnecting.',
    '1523000193: Socket error on client handheld, disconnecting.',
  ]);
  assert.deepEqual(findingsOf(c), ['keepalive-timeout handheld 3,2', 'no-debug-lines - ']);
});

test('without packet lines a keepalive timeout claims no silence, and the timeline shows none', () => {
  const lines = [
    '1795700000: New connection from 127.0.0.1:35188 on port 1883.',
    '1795700000: New client connected from 127.0.0.1:35188 as nd-ka (p2, c1, k1).',
    '1795700005: Client nd-ka has exceeded timeout, disconnecting.',
  ];
  const timeline = new TimelineBuilder(() => true);
  const c = correlateRecords(records(lines).map((r) => {
    timeline.onRecord(r);
    return r;
  }), { onEvent: (e: CorrelatorEvent) => timeline.onEvent(e) });
  const timeout = c.findings.find((f) => f.code === 'keepalive-timeout');
  assert.deepEqual(timeout && [timeout.keepalive, timeout.lastActivity, timeout.gapMs], [1, null, null]);
  assert.deepEqual(timeline.finish().map((e) => e.kind), ['connect', 'end']);
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
