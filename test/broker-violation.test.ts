/**
 * A real mosquitto on 127.0.0.1 that drops a client for a packet breaking the protocol: the
 * session ends protocol-error, saying what was wrong, at the line where the broker said it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { RawClient } from '../scripts/scenarios/raw-client.js';
import { requireBroker, startBroker } from './support/broker.js';
import { runCli } from './support/run-cli.js';

test('broker protocol violation: a SUBSCRIBE to an invalid filter ends its session protocol-error (invalid subscription filter), and fails the default gate', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker();
  t.after(() => broker.dispose());
  const { client } = await RawClient.connect(broker.port, { clientId: 'bad-filter', cleanSession: true, keepalive: 60 });
  client.sendSubscribe([{ topic: 'a/#/b', qos: 1 }]);
  assert.equal(await client.closed, 'peer', 'the broker closed the connection');
  await broker.stop();

  const log = await readFile(broker.logFile, 'utf8');
  const lines = log.split('\n');
  const reasonLine = lines.findIndex((l) => l.includes('Invalid subscription string')) + 1;
  assert.ok(reasonLine > 0, log);
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as { sessions: Array<{ client: string; endReason: string; endDetail?: string; endAt: { line: number } }> };
  assert.deepEqual(sessions.sessions.map((s) => [s.client, s.endReason, s.endDetail, s.endAt.line]), [['bad-filter', 'protocol-error', 'invalid subscription filter', reasonLine]], log);
  const gate = await runCli(['report', '--format', 'json', broker.logFile]);
  assert.equal(gate.code, 1, gate.stderr);
});

test('broker protocol violation: a second CONNECT on a connection ends its session protocol-error (a second CONNECT)', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker();
  t.after(() => broker.dispose());
  const options = { clientId: 'twice', cleanSession: true, keepalive: 60 };
  const { client } = await RawClient.connect(broker.port, options);
  client.sendConnect(options);
  assert.equal(await client.closed, 'peer', 'the broker closed the connection');
  await broker.stop();

  const log = await readFile(broker.logFile, 'utf8');
  const reasonLine = log.split('\n').findIndex((l) => l.includes('sending multiple CONNECT messages')) + 1;
  assert.ok(reasonLine > 0, log);
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; client: string; detail?: string; at: Array<{ line: number }> }> };
  assert.deepEqual(problems.findings.map((f) => [f.code, f.client, f.detail, f.at[0]?.line]), [['protocol-error', 'twice', 'a second CONNECT', reasonLine]], log);
});

test('broker protocol violation: a packet before CONNECT drops the connection, a protocol-error finding without a client that fails the gate', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker();
  t.after(() => broker.dispose());
  const client = await RawClient.open(broker.port, 'no-connect');
  client.pingreq();
  assert.equal(await client.closed, 'peer', 'the broker closed the connection');
  await broker.stop();

  const log = await readFile(broker.logFile, 'utf8');
  const endLine = log.split('\n').findIndex((l) => l.includes('Client <unknown> disconnected')) + 1;
  assert.ok(endLine > 0, log);
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; client: string | null; address?: string; at: Array<{ line: number }> }> };
  assert.deepEqual(problems.findings.map((f) => [f.code, f.client, f.at[0]?.line]), [['protocol-error', null, endLine]], log);
  assert.match(problems.findings[0]?.address ?? '', /^127\.0\.0\.1:\d+$/);
  const gate = await runCli(['report', '--format', 'json', '--fail-on', 'protocol-error', broker.logFile]);
  assert.equal(gate.code, 1, gate.stderr);
});
