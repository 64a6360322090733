/**
 * A real mosquitto on 127.0.0.1, and a second one started with the same configuration while the
 * first runs: the second logs its start to the same file, finds its port taken and exits. The
 * first broker's clients go on; the log holds no restart.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { requireBroker, requireExecutable, startBroker, untilLogged } from './support/broker.js';
import { runCli } from './support/run-cli.js';

const run = promisify(execFile);

test('broker second start: a mosquitto that fails to start beside the running one ends none of its sessions', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker();
  t.after(() => broker.dispose());
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const sub = await mqtt.connectAsync(url, { clientId: 'second-sub', reconnectPeriod: 0 });
  t.after(() => sub.endAsync(true));
  await sub.subscribeAsync('second/x', { qos: 1 });
  const received = new Promise<void>((resolve) => sub.once('message', () => resolve()));

  const second = await run(requireExecutable('mosquitto'), ['-c', broker.configFile]).then(() => null, (error: unknown) => error);
  assert.ok(second !== null, 'the second broker exits with an error');

  const pub = await mqtt.connectAsync(url, { clientId: 'second-pub', reconnectPeriod: 0 });
  await pub.publishAsync('second/x', 'hi', { qos: 1 });
  await received;
  await pub.endAsync();
  await sub.endAsync();
  await untilLogged(broker, 'Client second-pub disconnected.');
  await untilLogged(broker, 'Client second-sub disconnected.');
  await broker.stop();

  const log = await readFile(broker.logFile, 'utf8');
  assert.equal(log.match(/ starting$/gm)?.length, 2, log);
  assert.match(log, /Error: Address already in use/, log);
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as { sessions: Array<{ client: string; endReason: string }> };
  assert.deepEqual(sessions.sessions.map((s) => [s.client, s.endReason]).sort(), [['second-pub', 'disconnect'], ['second-sub', 'disconnect']], log);
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; detail?: string | null; brokerRunning?: boolean }> };
  assert.deepEqual(problems.findings.map((f) => [f.code, f.detail, f.brokerRunning]), [['broker-start-failed', 'Address already in use', true]], log);
  const summary = JSON.parse((await runCli(['summary', '--format', 'json', broker.logFile])).stdout) as { broker: unknown };
  assert.deepEqual(summary.broker, { versions: [broker.version], starts: 1, failedStarts: 1, reloads: 0 });
  assert.match((await runCli(['summary', broker.logFile])).stdout, /Broker +\S+; 1 start\(s\), 1 failed start\(s\)\n/);
  const flows = JSON.parse((await runCli(['flows', '--format', 'json', broker.logFile])).stdout) as { flows: Array<{ client: string; state: string }> };
  assert.deepEqual(flows.flows.map((f) => [f.client, f.state]).sort(), [['second-pub', 'complete'], ['second-sub', 'complete']], log);
});

test('broker second start: a busy broker logs for its clients between the other start and its error, and still no session ends', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker();
  t.after(() => broker.dispose());
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const sub = await mqtt.connectAsync(url, { clientId: 'busy-sub', reconnectPeriod: 0 });
  t.after(() => sub.endAsync(true));
  await sub.subscribeAsync('busy/x', { qos: 1 });
  // One QoS 1 PUBLISH per line of its input, as fast as the broker takes them.
  const pub = spawn(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'busy-pub', '-t', 'busy/x', '-q', '1', '-l'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const published = new Promise<void>((resolve) => pub.once('exit', () => resolve()));
  pub.stdin.end('hello\n'.repeat(20_000));
  for (let i = 0; i < 3; i++) await run(requireExecutable('mosquitto'), ['-c', broker.configFile]).catch(() => undefined);
  await published;
  await sub.endAsync();
  await broker.stop();

  const log = await readFile(broker.logFile, 'utf8');
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; brokerRunning?: boolean }> };
  const ofBroker = problems.findings.filter((f) => f.code.startsWith('broker-')).map((f) => [f.code, f.brokerRunning]);
  assert.deepEqual(ofBroker, [['broker-start-failed', true], ['broker-start-failed', true], ['broker-start-failed', true]], log.split('\n').filter((l) => !/PUBLISH|PUBACK/.test(l)).join('\n'));
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as { sessions: Array<{ client: string; endReason: string }> };
  assert.ok(!sessions.sessions.some((s) => s.endReason === 'broker-shutdown'), JSON.stringify(sessions.sessions));
});
