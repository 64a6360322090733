/**
 * Failed connections: each is counted by outcome and told as it comes; those that are problems
 * make their finding, which moves with the connection when a guess of which one it was is put
 * right (a bridge's refusal names the remote broker, which no guess moves).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionAttempt, Finding } from '../src/correlate/index.js';
import { FailedConnections, endpoint } from '../src/correlate/failed-connections.js';

const at = (line: number): { file: string; line: number; time: number } => ({ file: 'f.log', line, time: 1_796_000_000_000 + line });

function failed(keep = true): { failures: FailedConnections; told: ConnectionAttempt[]; findings: Finding[] } {
  const told: ConnectionAttempt[] = [];
  const findings: Finding[] = [];
  return { failures: new FailedConnections(keep, { told: (a) => told.push(a), finding: (f) => findings.push(f) }), told, findings };
}

test('each outcome that is a problem makes its finding; a connection closed or given up makes none', () => {
  const { failures, told, findings } = failed();
  failures.add(null, '10.0.0.1', 5000, 1883, at(1), 'not-authorised', { reasonCode: 5 });
  failures.add('plc', '10.0.0.2', 5001, 1883, at(2), 'refused', { reasonCode: 2, keepalive: 0 });
  failures.add(null, '10.0.0.3', null, null, at(3), 'denied', { detail: 'max_connections exceeded' });
  failures.add(null, '10.0.0.4', 5003, 1883, at(4), 'protocol-error', { detail: 'a second CONNECT' });
  failures.add(null, '10.0.0.5', 5004, 1883, at(5), 'closed');
  failures.add(null, '10.0.0.6', 5005, 1883, at(6), 'no-connect');
  const tls = failures.add(null, '10.0.0.7', null, null, at(7), 'tls-error', { detail: 'wrong version number' });
  failures.tlsFailed(tls, at(8));
  assert.deepEqual(findings.map((f) => [f.code, f.client, 'address' in f ? f.address : undefined]), [
    ['auth-failure', null, '10.0.0.1:5000'],
    ['connection-refused', 'plc', '10.0.0.2:5001'],
    ['connection-refused', null, '10.0.0.3'],
    ['protocol-error', null, '10.0.0.4:5003'],
    ['tls-failure', null, '10.0.0.7'],
  ]);
  assert.deepEqual(findings.at(-1)?.at, [{ file: 'f.log', line: 7 }, at(8)]);
  assert.equal(told.length, 7);
  // The attempt says why a refusal was, where its finding has fields of its own for it.
  assert.equal(told[1]?.detail, 'no keepalive (0), where max_keepalive is set');
  const { attempts, attemptCount, attemptsByOutcome } = failures.result();
  assert.equal(attempts.length, 7);
  assert.equal(attemptCount, 7);
  assert.deepEqual(attemptsByOutcome, { 'not-authorised': 1, refused: 1, denied: 1, 'protocol-error': 1, closed: 1, 'no-connect': 1, 'tls-error': 1 });
});

test('a connection moved by a guess put right takes its finding along; a bridge refused keeps the remote broker', () => {
  const { failures, findings } = failed();
  const refused = failures.add(null, '10.0.0.1', 5000, 1883, at(1), 'not-authorised', { reasonCode: 5 });
  const bridge = failures.add('local.bridge', 'remote.example', 8883, null, at(2), 'not-authorised', { reasonCode: 5, bridge: 'uplink' });
  failures.move(refused, { address: '10.0.0.9', port: 6000, listenerPort: 8883 });
  failures.move(bridge, null);
  assert.deepEqual([refused.address, refused.port, refused.listenerPort], ['10.0.0.9', 6000, 8883]);
  assert.deepEqual(findings.map((f) => ('address' in f ? f.address : undefined)), ['10.0.0.9:6000', 'remote.example:8883']);
});

test('without keeping them, failed connections are counted and told all the same', () => {
  const { failures, told } = failed(false);
  failures.add(null, '10.0.0.1', 5000, 1883, at(1), 'closed');
  assert.equal(told.length, 1);
  assert.deepEqual(failures.result(), { attempts: [], attemptCount: 1, attemptsByOutcome: { closed: 1 } });
  assert.equal(endpoint('/run/mosquitto.sock', 0), '/run/mosquitto.sock', "a unix socket's path has no port");
  assert.equal(endpoint('::1', 1883), '::1:1883');
  assert.equal(endpoint(null, 1883), null);
});
