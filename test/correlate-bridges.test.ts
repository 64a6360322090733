/**
 * Outgoing bridges as the broker that makes them logs them: connections, outages and the
 * findings they give, from short hand-written logs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BridgeFinding, type Correlation, Correlator, type Finding, correlateRecords } from '../src/correlate/index.js';
import { type LogRecord, parseLine } from '../src/parse/index.js';
import { describeFinding, findingTitle } from '../src/report/finding-text.js';
import { twoBridgesGuessed } from './support/bridge-logs.js';

function records(lines: readonly string[]): LogRecord[] {
  return lines.map((text, i) => parseLine(text, { file: 'f.log', line: i + 1 }));
}

function correlate(lines: readonly string[]): Correlation {
  return correlateRecords(records(lines), { keepFlows: 'all' });
}

describe('outgoing bridges, seen from the broker that makes them', () => {
  const connecting = (t: number): string[] => [
    `${t}: Connecting bridge (step 1) br-b2a (127.0.0.1:45061)`,
    `${t}: Connecting bridge (step 2) br-b2a (127.0.0.1:45061)`,
    `${t}: Bridge vm.br-b2a sending CONNECT`,
  ];
  const connected = (t: number, noticeMid: number): string[] => [
    ...connecting(t),
    `${t}: Received CONNACK on connection local.vm.br-b2a.`,
    `${t}: Bridge local.vm.br-b2a sending SUBSCRIBE (Mid: 4, Topic: cmd/#, QoS: 2, Options: 0x00)`,
    `${t}: Received PUBACK from local.vm.br-b2a (Mid: ${noticeMid}, RC:0)`,
    `${t}: Received SUBACK from local.vm.br-b2a`,
  ];
  const codes = (c: Correlation): string[] => c.findings.map((f) => f.code);

  test('a connection is a session of the local id, from the CONNACK; the state message\'s PUBACK is no orphan', () => {
    const c = correlate([
      '1795778030: Bridge local.vm.br-b2a doing local SUBSCRIBE on topic sensors/#',
      ...connected(1795778030, 1),
      "1795778033: Sending PUBLISH to local.vm.br-b2a (d0, q1, r0, m6, 'sensors/t1', ... (4 bytes))",
      '1795778033: Received PUBACK from local.vm.br-b2a (Mid: 6, RC:0)',
      '1795778040: mosquitto version 2.0.11 terminating',
    ]);
    const [s] = c.sessions;
    assert.deepEqual([s?.client, s?.outgoingBridge, s?.address, s?.port, s?.bridge, s?.endReason, s?.startAt.line], ['local.vm.br-b2a', 'br-b2a', '127.0.0.1', 45061, true, 'broker-shutdown', 5]);
    assert.equal(c.orphanAcks, 0);
    assert.deepEqual(c.flows.map((f) => [f.mid, f.state]), [[6, 'complete']]);
    assert.deepEqual(codes(c), [], 'the broker shutting down takes its bridges down on purpose');
  });

  test('a connection the remote closed, and attempts that fail to the end of the log: bridge-down', () => {
    const c = correlate([
      ...connected(1795778030, 1),
      '1795778034: Client local.vm.br-b2a closed its connection.',
      ...connecting(1795778040),
      '1795778040: Error creating bridge: Broken pipe.',
      '1795778046: Received PUBLISH from pubB1 (d0, q1, r0, m1, \'sensors/t2\', ... (4 bytes))',
    ]);
    assert.deepEqual(c.sessions.map((s) => [s.client, s.endReason]), [['local.vm.br-b2a', 'closed']]);
    const down = c.findings.find((f) => f.code === 'bridge-down');
    assert.ok(down?.code === 'bridge-down');
    assert.deepEqual(
      [down.severity, down.client, down.bridge, down.remote, down.downMs, down.attempts, down.lastError, down.wasUp, down.at.map((a) => a.line)],
      ['error', 'local.vm.br-b2a', 'br-b2a', '127.0.0.1:45061', 12_000, 1, 'Broken pipe', true, [8, 12]],
    );
    assert.equal(describeFinding(down), 'bridge br-b2a to 127.0.0.1:45061 lost its connection and was still down when the log ended, 12s later; 1 attempt(s) to connect failed (last: Broken pipe)');
  });

  test('a bridge the remote refuses: an auth failure per attempt, no session, and bridge-down', () => {
    const refused = (t: number): string[] => [
      ...connecting(t),
      `${t}: Received CONNACK on connection local.vm.br-b2a.`,
      `${t}: Connection Refused: not authorised`,
      `${t}: Client local.vm.br-b2a closed its connection.`,
    ];
    const c = correlate(['1795778090: mosquitto version 2.0.11 starting', ...refused(1795778090), ...refused(1795778096)]);
    assert.deepEqual(c.sessions, []);
    assert.deepEqual(c.attempts.map((a) => [a.client, a.outcome, a.reasonCode, a.address, a.port]), [
      ['local.vm.br-b2a', 'not-authorised', 5, '127.0.0.1', 45061], ['local.vm.br-b2a', 'not-authorised', 5, '127.0.0.1', 45061],
    ]);
    assert.deepEqual(codes(c), ['auth-failure', 'auth-failure', 'bridge-down']);
    assert.equal(describeFinding(c.findings[0] as Finding), 'bridge br-b2a to 127.0.0.1:45061 was refused by the remote broker (CONNACK 5: not authorised)');
    assert.equal(describeFinding(c.findings[2] as Finding), 'bridge br-b2a to 127.0.0.1:45061 never connected; 2 attempt(s) to connect failed (last: refused: not authorised)');
    // Followed, the bridge is said to be down once it has been for 10 s, and not again at the end.
    const lines = ['1795778090: mosquitto version 2.0.11 starting', ...refused(1795778090), ...refused(1795778096), ...refused(1795778102)];
    const followed = correlateRecords(records(lines), { announceBridgesDown: true });
    const downs = followed.findings.filter((f): f is BridgeFinding => f.code === 'bridge-down');
    assert.deepEqual(downs.map((f) => [f.time, f.ongoing, f.downMs, f.attempts]), [[1795778102_000, true, 12_000, 3]]);
    assert.equal(describeFinding(downs[0] as Finding), 'bridge br-b2a to 127.0.0.1:45061 has not connected for 12s; 3 attempt(s) to connect failed (last: refused: not authorised)');
    // Said down, it is said to be back when it connects, though it had not connected before.
    const back = correlateRecords(records([...lines, ...connected(1795778108, 1)]), { announceBridgesDown: true });
    assert.deepEqual(back.findings.filter((f) => f.code.startsWith('bridge-')).map((f) => f.code), ['bridge-down', 'bridge-outage']);
    assert.equal(describeFinding(back.findings.find((f) => f.code === 'bridge-outage') as Finding), 'bridge br-b2a to 127.0.0.1:45061 did not connect for 18s, then connected; 3 attempt(s) to connect failed (last: refused: not authorised)');
    // Read whole, the same: its attempts failed for as long as `follow` gives a bridge to connect, so it was out.
    const batch = correlate([...lines, ...connected(1795778108, 1)]);
    const outages = batch.findings.filter((f): f is BridgeFinding => f.code.startsWith('bridge-'));
    assert.deepEqual(outages.map((f) => [f.code, f.downMs, f.attempts, f.wasUp, findingTitle(f)]), [['bridge-outage', 18_000, 3, false, 'Bridge could not connect for a while']]);
    // Attempts that failed for less than that are its start-up (the remote broker starting too), not an outage.
    const quick = correlate(['1795778090: mosquitto version 2.0.11 starting', ...refused(1795778090), ...refused(1795778096), ...connected(1795778099, 1)]);
    assert.deepEqual(codes(quick), ['auth-failure', 'auth-failure']);
    // Nor when its broker stops and starts again an hour later and it connects at once: a new run's start-up is its own.
    const restarted = correlate([
      '1795778090: mosquitto version 2.0.11 starting', ...refused(1795778090), ...refused(1795778096), '1795778098: mosquitto version 2.0.11 terminating',
      '1795781700: mosquitto version 2.0.11 starting', ...connected(1795781700, 1),
    ]);
    assert.deepEqual(codes(restarted), ['auth-failure', 'auth-failure', 'broker-restart']);
  });

  test("a v5 bridge's refusal names the remote's reason code, from its words", () => {
    const refused = (t: number, words: string): string[] => [
      ...connecting(t),
      `${t}: Received CONNACK on connection local.vm.br-b2a.`,
      `${t}: Connection Refused: ${words}`,
      `${t}: Client local.vm.br-b2a closed its connection.`,
    ];
    const c = correlate(['1795778090: mosquitto version 2.0.11 starting', ...refused(1795778090, 'Not authorized'), ...refused(1795778096, 'Bad User Name or Password'), ...refused(1795778102, 'Banned')]);
    assert.deepEqual(c.attempts.map((a) => [a.outcome, a.reasonCode]), [['not-authorised', 135], ['not-authorised', 134], ['refused', 138]]);
    assert.equal(describeFinding(c.findings[0] as Finding), 'bridge br-b2a to 127.0.0.1:45061 was refused by the remote broker (CONNACK 135: not authorised)');
  });

  test('followed, a bridge is not said down at the start of its broker, nor while a lazy bridge waits for messages; a lazy one waiting is not down at the end either', () => {
    const announced = (lines: readonly string[]): Correlation => correlateRecords(records(lines), { announceBridgesDown: true });
    // Lost at :100, its broker stopped at :102 and started again at :120: it connects at once.
    const restart = announced([
      '1795778090: mosquitto version 2.0.11 starting', ...connected(1795778090, 1),
      '1795778100: Client local.vm.br-b2a closed its connection.', ...connecting(1795778101), '1795778101: Error creating bridge: Connection refused.',
      '1795778102: mosquitto version 2.0.11 terminating', '1795778120: mosquitto version 2.0.11 starting', '1795778120: Config loaded from /etc/mosquitto/mosquitto.conf.',
      `1795778120: Bridge local.vm.br-b2a doing local SUBSCRIBE on topic sensors/#`, ...connected(1795778121, 2), '1795778125: Received PINGRESP from local.vm.br-b2a',
    ]);
    assert.deepEqual(codes(restart).filter((c) => c.startsWith('bridge-')), ['bridge-outage']);
    // A lazy bridge: after its connection is lost, `Connecting bridge (step 1)` and nothing more until messages come.
    const lazy = [
      '1795778090: mosquitto version 2.0.11 starting', ...connected(1795778090, 1),
      '1795778100: Client local.vm.br-b2a closed its connection.', '1795778100: Connecting bridge (step 1) br-b2a (127.0.0.1:45061)',
      ...Array.from({ length: 6 }, (_, i) => `${1795778110 + i * 10}: Received PINGREQ from other`),
    ];
    assert.deepEqual(codes(announced(lazy)).filter((c) => c.startsWith('bridge-')), []);
    assert.deepEqual(codes(correlate(lazy)).filter((c) => c.startsWith('bridge-')), []);
  });

  test('followed, a bridge lost just before its broker stopped is not said down while the log is quiet; one down long before the stop is', () => {
    const followed = (lines: readonly string[], quietUntil: number): Finding[] => {
      const c = new Correlator({ announceBridgesDown: true });
      for (const r of records(lines)) c.push(r);
      c.quietUntil(quietUntil);
      return c.finish().findings.filter((f) => f.code.startsWith('bridge-'));
    };
    const lostThenStopped = (stop: number): string[] => [
      '1795778090: mosquitto version 2.0.11 starting', ...connected(1795778090, 1),
      '1795778100: Client local.vm.br-b2a closed its connection.', ...connecting(1795778101), '1795778101: Error creating bridge: Connection refused.',
      `${stop}: mosquitto version 2.0.11 terminating`,
    ];
    assert.deepEqual(followed(lostThenStopped(1795778102), 1795778200_000), []);
    assert.deepEqual(codes(correlate(lostThenStopped(1795778102))).filter((c) => c.startsWith('bridge-')), []);
    // Down 15 s when the broker stopped: said, up to the stop, as at the log's end.
    const long = followed(lostThenStopped(1795778115), 1795778200_000);
    assert.deepEqual(long.map((f) => [f.code, f.time, 'downMs' in f ? f.downMs : null, 'ongoing' in f ? f.ongoing : null]), [['bridge-down', 1795778115_000, 15_000, true]]);
    assert.deepEqual(codes(correlate(lostThenStopped(1795778115))).filter((c) => c.startsWith('bridge-')), ['bridge-down']);
  });

  test('followed, a bridge is not said to be down at the line that connects it again, nor while an attempt is under way', () => {
    const quiet = [
      '1795778090: mosquitto version 2.0.11 starting', ...connected(1795778090, 1),
      '1795778100: Client local.vm.br-b2a closed its connection.',
      // Nothing for 30 s (a 1.x bridge retries every 30 s), then the attempt that connects.
      ...connected(1795778130, 2),
      '1795778131: Received PINGRESP from local.vm.br-b2a',
    ];
    const c = correlateRecords(records(quiet), { announceBridgesDown: true });
    assert.deepEqual(codes(c), ['bridge-outage']);
    // An attempt that hangs for longer than 10 s before it fails: said down at its failure.
    const slow = [...quiet.slice(0, -6), ...connecting(1795778105), '1795778125: Error creating bridge: Connection timed out.'];
    const s = correlateRecords(records(slow), { announceBridgesDown: true });
    assert.deepEqual(s.findings.map((f) => [f.code, f.time]), [['bridge-down', 1795778125_000]]);
  });

  test('a connection that ended without a line, seen at the next attempt: its session ends, and the time down is an outage', () => {
    const c = correlate([
      ...connected(1795778120, 1),
      '1795778131: Received PINGRESP from local.vm.br-b2a',
      '1795778136: Sending PINGREQ to local.vm.br-b2a',
      "1795778137: Sending PUBLISH to local.vm.br-b2a (d0, q1, r0, m30, 'up/26', ... (11 bytes))",
      ...connected(1795778142, 44),
      "1795778142: Sending PUBLISH to local.vm.br-b2a (d1, q1, r0, m30, 'up/26', ... (11 bytes))",
      '1795778142: Received PUBACK from local.vm.br-b2a (Mid: 30, RC:0)',
    ]);
    // It died at the PINGREQ the remote did not answer (line 9): its time and its line.
    assert.deepEqual(c.sessions.map((s) => [s.endReason, s.end, s.endAt?.line ?? null]), [['other', 1795778136_000, 9], ['open', null, null]]);
    const outage = c.findings.find((f) => f.code === 'bridge-outage');
    assert.ok(outage?.code === 'bridge-outage');
    // Timed by its end, the reconnection, so that a window holding that holds the outage.
    assert.deepEqual([outage.severity, outage.time, outage.downMs, outage.attempts, outage.at[0]?.line], ['warning', 1795778142_000, 6_000, 0, 9]);
    // The message in flight across the outage was re-sent and completed: no stall, no orphan.
    assert.deepEqual(c.flows.map((f) => [f.mid, f.state, f.resumed, f.duplicates]), [[30, 'complete', true, 1]]);
    assert.equal(c.orphanAcks, 0);
  });

  test('a connection replaced without an unanswered PINGREQ or a failed attempt was switched on purpose: no outage', () => {
    const c = correlate([
      ...connected(1795781457, 1),
      '1795781467: Sending PINGREQ to local.vm.br-b2a',
      '1795781467: Received PINGRESP from local.vm.br-b2a',
      ...connected(1795781469, 4),
    ]);
    assert.deepEqual(c.sessions.map((s) => [s.endReason, s.end]), [['other', 1795781469_000], ['open', null]]);
    assert.deepEqual(codes(c), []);
  });

  test('bridges that connect together keep their own names: the local id of their SUBSCRIBE lines, their remote ids, the error after a CONNECT', () => {
    const c = correlate([
      '1795000000: mosquitto version 2.0.11 starting',
      '1795000000: Bridge lc-alpha doing local SUBSCRIBE on topic a/#',
      '1795000000: Connecting bridge (step 1) alpha (127.0.0.1:1001)',
      '1795000000: Connecting bridge (step 1) delta (127.0.0.1:1002)',
      '1795000000: Connecting bridge (step 1) gamma (127.0.0.1:1003)',
      '1795000000: Connecting bridge (step 2) alpha (127.0.0.1:1001)',
      '1795000000: Connecting bridge (step 2) delta (127.0.0.1:1002)',
      '1795000000: Connecting bridge (step 2) gamma (127.0.0.1:1003)',
      '1795000000: Bridge rc-alpha sending CONNECT',
      '1795000000: Bridge vm.delta sending CONNECT',
      '1795000000: Bridge vm.gamma sending CONNECT',
      '1795000000: Error creating bridge: Broken pipe.',
      '1795000000: Received CONNACK on connection lc-alpha.',
      '1795000000: Received CONNACK on connection local.vm.delta.',
      '1795000000: Connection Refused: not authorised',
      '1795000000: Client local.vm.delta closed its connection.',
      '1795000030: Received PINGRESP from lc-alpha',
    ]);
    assert.deepEqual(c.sessions.map((s) => [s.client, s.outgoingBridge, s.port]), [['lc-alpha', 'alpha', 1001]]);
    assert.deepEqual(c.findings.map((f) => [f.code, 'bridge' in f ? f.bridge : null, f.at[0]?.line]), [
      ['auth-failure', 'delta', 14], ['bridge-down', 'delta', 15], ['bridge-down', 'gamma', 12],
    ]);
  });

  test('bridges with their own remote ids that connect together are guessed; a later CONNECT of one alone puts a wrong guess right', () => {
    // A broker built with ADNS sends each CONNECT once its socket connects: here west's first. The
    // bridges subscribe to nothing locally, so no line names their local ids before the CONNACKs.
    const start = [
      '1795000000: mosquitto version 2.0.11 starting',
      '1795000000: Connecting bridge (step 1) east (127.0.0.1:1884)',
      '1795000000: Connecting bridge (step 1) west (127.0.0.1:1885)',
      '1795000001: Connecting bridge (step 2) east (127.0.0.1:1884)',
      '1795000001: Connecting bridge (step 2) west (127.0.0.1:1885)',
      '1795000001: Bridge edge-w sending CONNECT',
      '1795000001: Bridge edge-e sending CONNECT',
      '1795000001: Received CONNACK on connection local.edge-w.',
      '1795000001: Received CONNACK on connection local.edge-e.',
    ];
    const westAgain = (t: number): string[] => [
      `${t}: Connecting bridge (step 1) west (127.0.0.1:1885)`,
      `${t}: Connecting bridge (step 2) west (127.0.0.1:1885)`,
      `${t}: Bridge edge-w sending CONNECT`,
      `${t}: Received CONNACK on connection local.edge-w.`,
    ];
    const lost = correlate([
      ...start,
      '1795000010: Client local.edge-w closed its connection.',
      ...westAgain(1795000013),
      '1795000030: mosquitto version 2.0.11 terminating',
    ]);
    // East's connection goes on: west's attempt does not end it.
    assert.deepEqual(lost.sessions.map((s) => [s.client, s.outgoingBridge, s.port, s.endReason, s.startAt.line]), [
      ['local.edge-w', 'west', 1885, 'closed', 8], ['local.edge-e', 'east', 1884, 'broker-shutdown', 9], ['local.edge-w', 'west', 1885, 'broker-shutdown', 14],
    ]);
    assert.deepEqual(lost.findings.map((f) => [f.code, 'bridge' in f ? f.bridge : null, 'remote' in f ? f.remote : null, 'downMs' in f ? f.downMs : null]), [
      ['bridge-outage', 'west', '127.0.0.1:1885', 3_000],
    ]);
    // A connection whose end was not logged is ended by its own bridge's next attempt, once that shows whose it is.
    const unlogged = correlate([...start, '1795000020: Received PINGRESP from local.edge-e', ...westAgain(1795000040), '1795000050: mosquitto version 2.0.11 terminating']);
    assert.deepEqual(unlogged.sessions.map((s) => [s.client, s.outgoingBridge, s.endReason, s.endAt?.line]), [
      ['local.edge-w', 'west', 'other', 11], ['local.edge-e', 'east', 'broker-shutdown', 15], ['local.edge-w', 'west', 'broker-shutdown', 15],
    ]);
    // Local ids of their own, named by their SUBSCRIBE lines, stay with their bridges when the remote ids were guessed wrong.
    const own = correlate(twoBridgesGuessed());
    assert.deepEqual(own.sessions.map((s) => [s.client, s.outgoingBridge, s.endReason]), [
      ['lc-west', 'west', 'closed'], ['lc-east', 'east', 'broker-shutdown'], ['lc-west', 'west', 'broker-shutdown'],
    ]);
    assert.deepEqual(own.findings.map((f) => [f.code, 'bridge' in f ? f.bridge : null, f.client]), [['bridge-outage', 'west', 'lc-west']]);
  });

  test('a bridge lost in the last moments of the log is not reported down; one lost earlier is', () => {
    const lost = (after: number): Correlation => correlate([
      '1795000000: mosquitto version 2.0.11 starting',
      ...connected(1795000000, 1),
      '1795000050: Client local.vm.br-b2a closed its connection.',
      `${1795000050 + after}: mosquitto version 2.0.11 terminating`,
    ]);
    assert.deepEqual(codes(lost(2)), [], 'the remote stopped just before this broker');
    assert.deepEqual(codes(lost(30)), ['bridge-down']);
    // An attempt to connect again that failed shows the broker ran on without its remote.
    const failed = correlate([
      '1795000000: mosquitto version 2.0.11 starting',
      ...connected(1795000000, 1),
      '1795000050: Client local.vm.br-b2a closed its connection.',
      ...connecting(1795000056),
      '1795000056: Error creating bridge: Broken pipe.',
    ]);
    assert.deepEqual(codes(failed), ['bridge-down']);
    // Unless this broker stopped just after: the remote was stopped first.
    const stopped = correlate([
      '1795000000: mosquitto version 2.0.11 starting',
      ...connected(1795000000, 1),
      '1795000050: Client local.vm.br-b2a closed its connection.',
      ...connecting(1795000051),
      '1795000051: Error creating bridge: Connection refused.',
      '1795000052: mosquitto version 2.0.11 terminating',
    ]);
    assert.deepEqual(codes(stopped), []);
  });

  test('a log that begins while the broker runs: a bridge failing to connect was up before it', () => {
    const c = correlate([...connecting(1795000000), '1795000000: Error creating bridge: Connection refused.', ...connected(1795000020, 9)]);
    const outage = c.findings.find((f) => f.code === 'bridge-outage');
    assert.ok(outage?.code === 'bridge-outage');
    assert.deepEqual([outage.wasUp, outage.downMs, outage.attempts, outage.at.length], [true, 20_000, 1, 1]);
  });

  test('a log that begins while a bridge is up: its end, before it is known as a bridge, begins the outage', () => {
    const c = correlate([
      "1795000000: Sending PUBLISH to local.vm.br-b2a (d0, q1, r0, m7, 'up/1', ... (1 bytes))",
      '1795000000: Received PUBACK from local.vm.br-b2a (Mid: 7, RC:0)',
      '1795000004: Client local.vm.br-b2a closed its connection.',
      '1795000010: Bridge local.vm.br-b2a doing local SUBSCRIBE on topic up/#',
      ...connected(1795000010, 8),
    ]);
    const outage = c.findings.find((f) => f.code === 'bridge-outage');
    assert.ok(outage?.code === 'bridge-outage');
    assert.deepEqual([outage.time, outage.downMs, outage.attempts, outage.at.map((a) => a.line)], [1795000010_000, 6_000, 0, [3]]);
  });

  test('a lazy bridge gone idle, named by its local id, and a v5 bridge falling back to 3.1.1 are no outages', () => {
    const c = correlate([
      '1795000000: mosquitto version 2.0.11 starting',
      ...connected(1795000000, 1),
      '1795000060: Bridge connection local.vm.br-b2a has exceeded idle timeout, disconnecting.',
      '1795000060: Client local.vm.br-b2a closed its connection.',
      ...connecting(1795000090),
      '1795000090: Received CONNACK on connection local.vm.br-b2a.',
      '1795000090: Warning: Remote bridge br-b2a does not support MQTT v5.0, reconnecting using MQTT v3.1.1.',
      ...connected(1795000091, 2),
    ]);
    assert.deepEqual(codes(c), []);
    // The idle line ends the session; the close after it is the same end.
    assert.deepEqual(c.sessions.map((s) => [s.endReason, s.endDetail, s.endAt?.line]), [['disconnect', 'idle timeout', 9], ['open', undefined, undefined]]);
  });

  test('an error right after a bridge\'s step 2 is that bridge\'s, not the one that sent its CONNECT before', () => {
    const c = correlate([
      '1700000000: mosquitto version 2.0.11 starting',
      '1700000000: Connecting bridge (step 1) alpha (10.0.0.1:1883)',
      '1700000000: Connecting bridge (step 1) beta (10.0.0.2:1883)',
      '1700000000: Connecting bridge (step 2) alpha (10.0.0.1:1883)',
      '1700000000: Connecting bridge (step 2) beta (10.0.0.2:1883)',
      '1700000000: Error creating bridge: Network is unreachable.',
      '1700000000: Bridge host.alpha sending CONNECT',
      '1700000000: Received CONNACK on connection local.host.alpha.',
      '1700000060: Received PINGRESP from local.host.alpha',
    ]);
    assert.deepEqual(c.sessions.map((s) => s.outgoingBridge), ['alpha']);
    assert.deepEqual(c.findings.map((f) => [f.code, 'bridge' in f ? f.bridge : null]), [['bridge-down', 'beta']]);
  });

  test('a bridge the remote closes again and again, though it reconnects at once, is an outage each time', () => {
    const flap = (t: number): string[] => [`${t}: Client local.vm.br-b2a closed its connection.`, ...connected(t + 1, 1)];
    const c = correlate(['1795000000: mosquitto version 2.0.11 starting', ...connected(1795000000, 1), ...flap(1795000030), ...flap(1795000060)]);
    assert.deepEqual(codes(c), ['bridge-outage', 'bridge-outage']);
  });

  test("a v5 remote's reason codes show the bridge's version: a PUBREC the broker does not answer refused the message", () => {
    const c = correlate([
      ...connected(1795778297, 1),
      "1795778298: Sending PUBLISH to local.vm.br-b2a (d0, q1, r0, m6, 'deny/1', ... (5 bytes))",
      '1795778298: Received PUBACK from local.vm.br-b2a (Mid: 6, RC:135)',
      "1795778298: Sending PUBLISH to local.vm.br-b2a (d0, q2, r0, m7, 'deny2/1', ... (5 bytes))",
      '1795778298: Received PUBREC from local.vm.br-b2a (Mid: 7)',
      '1795778299: Received PINGRESP from local.vm.br-b2a',
    ]);
    assert.equal(c.sessions[0]?.mqttVersion, '5.0');
    assert.deepEqual(codes(c), ['flow-refused', 'flow-refused']);
  });
});

describe('a broker built without ADNS learns of a failed attempt when it uses the socket', () => {
  // mosquitto 2.0 and 2.1 as built by default and in the official image: no `Error creating
  // bridge`, but a disconnect line of the bridge's local id, right after its CONNECT.
  const attempt = (t: number, end: string): string[] => [
    `${t}: Bridge local.vm.br-dead doing local SUBSCRIBE on topic b/#`,
    `${t}: Connecting bridge br-dead (127.0.0.1:20600)`,
    `${t}: Bridge vm.br-dead sending CONNECT`,
    `${t}: Client local.vm.br-dead ${end}`,
  ];
  const bridgeFindings = (c: Correlation): BridgeFinding[] => c.findings.filter((f): f is BridgeFinding => f.code === 'bridge-down' || f.code === 'bridge-outage');

  test('a bridge that never connects is down, with its failed attempts', () => {
    for (const [version, end] of [['2.0.18', 'disconnected: Broken pipe.'], ['2.1.2', '[(null):0] disconnected: Broken pipe.']] as const) {
      const c = correlate([
        `1795839473: mosquitto version ${version} starting`,
        ...attempt(1795839473, 'closed its connection.'),
        `1795839473: mosquitto version ${version} running`,
        ...attempt(1795839476, end),
        ...attempt(1795839479, end),
        `1795839487: mosquitto version ${version} terminating`,
      ]);
      const [down, ...more] = bridgeFindings(c);
      assert.deepEqual([down?.code, down?.attempts, down?.lastError, down?.wasUp, more.length], ['bridge-down', 3, 'Broken pipe', false, 0], version);
      assert.deepEqual(c.sessions, [], version);
    }
  });

  test('an outage counts the attempts that failed before the bridge connected again', () => {
    const c = correlate([
      '1795839436: mosquitto version 2.0.18 starting',
      '1795839436: Bridge local.vm.br-dead doing local SUBSCRIBE on topic b/#',
      '1795839436: Connecting bridge br-dead (127.0.0.1:20600)',
      '1795839436: Bridge vm.br-dead sending CONNECT',
      '1795839436: Received CONNACK on connection local.vm.br-dead.',
      '1795839436: Received SUBACK from local.vm.br-dead',
      '1795839440: Client local.vm.br-dead closed its connection.',
      ...attempt(1795839443, 'disconnected: Broken pipe.'),
      ...attempt(1795839446, 'disconnected: Broken pipe.'),
      '1795839455: Bridge local.vm.br-dead doing local SUBSCRIBE on topic b/#',
      '1795839455: Connecting bridge br-dead (127.0.0.1:20600)',
      '1795839455: Bridge vm.br-dead sending CONNECT',
      '1795839455: Received CONNACK on connection local.vm.br-dead.',
      '1795839460: mosquitto version 2.0.18 terminating',
    ]);
    const outages = bridgeFindings(c);
    assert.deepEqual(outages.map((f) => [f.code, f.attempts, f.lastError, f.downMs]), [['bridge-outage', 2, 'Broken pipe', 15_000]]);
    assert.deepEqual(c.sessions.map((s) => s.endReason), ['closed', 'broker-shutdown']);
  });

  test("a TLS bridge's failed handshake: OpenSSL's error is why, as a tls-failure of the bridge and the bridge's last error", () => {
    // As mosquitto 2.0.11 logs a bridge whose bridge_cafile is not the remote's CA, and one without the client certificate the remote requires.
    const c = correlate([
      '1795940897: mosquitto version 2.0.11 starting',
      ...attempt(1795940897, 'disconnected: Protocol error.').toSpliced(3, 0, '1795940897: OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed'),
      ...attempt(1795940902, 'closed its connection.').toSpliced(3, 0, '1795940902: OpenSSL Error[0]: error:0A00045C:SSL routines::tlsv13 alert certificate required'),
      ...attempt(1795940907, 'disconnected: Protocol error.'),
      '1795940910: mosquitto version 2.0.11 terminating',
    ]);
    const tls = c.findings.filter((f) => f.code === 'tls-failure');
    assert.deepEqual(tls.map((f) => [f.client, f.at.map((w) => w.line), describeFinding(f)]), [
      ['local.vm.br-dead', [6, 5], 'the TLS handshake of bridge br-dead with 127.0.0.1:20600 failed: error:0A000086:SSL routines::certificate verify failed (the bridge could not verify the remote broker\'s certificate with its CA files: signed by another CA, expired or not yet valid)'],
      ['local.vm.br-dead', [11, 10], 'the TLS handshake of bridge br-dead with 127.0.0.1:20600 failed: error:0A00045C:SSL routines::tlsv13 alert certificate required (the remote broker asks for a certificate of the bridge\'s, which it did not send)'],
    ]);
    assert.deepEqual(c.attempts.map((a) => [a.client, a.outcome, a.address, a.port]), [['local.vm.br-dead', 'tls-error', '127.0.0.1', 20600], ['local.vm.br-dead', 'tls-error', '127.0.0.1', 20600]]);
    const [down] = bridgeFindings(c);
    // The last attempt failed without an OpenSSL error.
    assert.deepEqual([down?.code, down?.attempts, down?.lastError], ['bridge-down', 3, 'Protocol error']);
    const twice = correlate(['1795940897: mosquitto version 2.0.11 starting', ...attempt(1795940897, 'disconnected: Protocol error.').toSpliced(3, 0, '1795940897: OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed')]);
    assert.equal(bridgeFindings(twice)[0]?.lastError, 'TLS: error:0A000086:SSL routines::certificate verify failed');
  });
});
