/**
 * A real mosquitto with `connection_messages false` on 127.0.0.1: its log has no line of a
 * connection or its end, and the sessions are rebuilt from its CONNACK and DISCONNECT lines.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { requireBroker, requireExecutable, startBroker, untilLogged } from './support/broker.js';
import { runCli } from './support/run-cli.js';

const run = promisify(execFile);

test('broker connection_messages false: sessions known by their CONNACK, ended by DISCONNECT, a reconnect, or the stop', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ extraConfig: ['connection_messages false'] });
  t.after(() => broker.dispose());
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const reader = await mqtt.connectAsync(url, { clientId: 'reader', reconnectPeriod: 0 });
  await reader.subscribeAsync('q/#', { qos: 1 });
  await run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'writer', '-t', 'q/1', '-m', 'one', '-q', '1']);
  // Its connection dropped without a DISCONNECT, then back with the same id.
  const dropper = await mqtt.connectAsync(url, { clientId: 'dropper', reconnectPeriod: 0 });
  dropper.stream.destroy();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const back = await mqtt.connectAsync(url, { clientId: 'dropper', reconnectPeriod: 0 });
  await back.endAsync();
  await untilLogged(broker, 'Received DISCONNECT from dropper');
  // Still connected as the broker stops.
  await broker.stop();
  reader.end(true);

  const log = await readFile(broker.logFile, 'utf8');
  assert.doesNotMatch(log, /New client connected|disconnected/, 'the broker logged no connection line');
  const listed = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as {
    sessions: Array<{ client: string; endReason: string; endDetail?: string; fromConnack?: boolean; address: string | null; keepalive: number | null }>;
  };
  assert.deepEqual(listed.sessions.map((s) => [s.client, s.endReason, s.endDetail ?? null]), [
    ['reader', 'broker-shutdown', null],
    ['writer', 'disconnect', null],
    ['dropper', 'other', 'not logged; it connected again without a DISCONNECT'],
    ['dropper', 'disconnect', null],
  ], log);
  assert.ok(listed.sessions.every((s) => s.fromConnack === true && s.address === null && s.keepalive === null));
  const summary = JSON.parse((await runCli(['summary', '--format', 'json', broker.logFile])).stdout) as { clients: number; sessions: { total: number; fromConnack?: number } };
  assert.deepEqual([summary.clients, summary.sessions.total, summary.sessions.fromConnack], [3, 4, 4]);
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; sessions?: number }> };
  assert.deepEqual(problems.findings.map((f) => [f.code, f.sessions]), [['no-connection-lines', 4]]);
  const flows = JSON.parse((await runCli(['flows', '--format', 'json', broker.logFile])).stdout) as { flows: Array<{ client: string; direction: string; state: string }> };
  assert.deepEqual(flows.flows.map((f) => [f.client, f.direction, f.state]), [['writer', 'in', 'complete'], ['reader', 'out', 'complete']]);
});
