/**
 * A real mosquitto on 127.0.0.1 that reloads its configuration: the clients it then drops, no
 * longer allowed in, end not-authorised; a client that disconnects itself after the reload does
 * not. A reload that cannot read its password file is a `reload-failed` finding.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { until } from '../scripts/scenarios/wait.js';
import { requireBroker, requireExecutable, startBroker, untilLogged } from './support/broker.js';
import { brokerPid } from './support/follow.js';
import { runCli } from './support/run-cli.js';

const run = promisify(execFile);

test('broker reload: a client whose password changed is dropped not-authorised; one that sends DISCONNECT after the reload is not', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ users: { alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw' }, allowAnonymous: false });
  t.after(() => broker.dispose());
  const clients: mqtt.MqttClient[] = [];
  t.after(() => Promise.all(clients.map((c) => c.endAsync(true))));
  const login = async (clientId: string, user: string, protocolVersion: 4 | 5): Promise<mqtt.MqttClient> => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId, username: user, password: `${user}-pw`, protocolVersion, reconnectPeriod: 0 });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const alice = await login('reload-alice', 'alice', 4);
  const alice5 = await login('reload-alice-5', 'alice', 5);
  await login('reload-bob', 'bob', 5);
  const carol = await login('reload-carol', 'carol', 4);

  await run(requireExecutable('mosquitto_passwd'), ['-b', join(broker.dir, 'passwd'), 'alice', 'changed']);
  const pid = await brokerPid(broker.configFile);
  assert.ok(pid !== null, 'the broker process is found in /proc');
  process.kill(pid, 'SIGHUP');
  await until(() => !alice.connected && !alice5.connected, 'alice dropped at the reload', 10_000);
  await carol.endAsync();
  await untilLogged(broker, 'Client reload-carol disconnected.');
  await broker.stop();

  const log = await readFile(broker.logFile, 'utf8');
  assert.match(log, /Reloading config\.\n(.*\n)*.*Client reload-alice disconnected\./, 'the broker logged the reload and the drop');
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as { sessions: Array<{ client: string; endReason: string; endDetail?: string }> };
  assert.deepEqual(sessions.sessions.map((s) => [s.client, s.endReason, s.endDetail]), [
    ['reload-alice', 'not-authorised', 'config reloaded'], ['reload-alice-5', 'not-authorised', 'config reloaded'],
    ['reload-bob', 'broker-shutdown', undefined], ['reload-carol', 'disconnect', undefined],
  ], log);
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string }> };
  assert.deepEqual(problems.findings.filter((f) => f.code === 'reload-failed'), [], 'a reload that logs no error is no finding');
});

test('broker reload: a password file it cannot open is a reload-failed finding, and the logins it then refuses fail the gate', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ users: { alice: 'alice-pw' }, allowAnonymous: false });
  t.after(() => broker.dispose());
  const pub = requireExecutable('mosquitto_pub');
  const publish = (): Promise<unknown> => run(pub, ['-h', '127.0.0.1', '-p', String(broker.port), '-u', 'alice', '-P', 'alice-pw', '-i', 'reload-pub', '-t', 'r', '-m', 'x']).catch((e: unknown) => e);
  await publish();
  const passwd = join(broker.dir, 'passwd');
  await rename(passwd, `${passwd}.away`);
  const pid = await brokerPid(broker.configFile);
  assert.ok(pid !== null, 'the broker process is found in /proc');
  process.kill(pid, 'SIGHUP');
  await until(() => /Reloading config\.\n.*Error/.test(readFileSync(broker.logFile, 'utf8')), 'the reload logged its error', 10_000);
  await publish();
  await rename(`${passwd}.away`, passwd);
  await broker.stop();

  const log = await readFile(broker.logFile, 'utf8');
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; detail?: string; at: Array<{ line: number }> }> };
  const failed = problems.findings.filter((f) => f.code === 'reload-failed');
  assert.equal(failed.length, 1, log);
  assert.match(failed[0]?.detail ?? '', /^Unable to open pwfile ".*passwd"$/, log);
  const lines = log.split('\n');
  assert.equal(lines[(failed[0]?.at[0]?.line ?? 0) - 1]?.endsWith('Reloading config.'), true, log);
  assert.ok(problems.findings.some((f) => f.code === 'auth-failure'), log);
  const gate = await runCli(['report', '--format', 'markdown', '--fail-on', 'reload-failed', broker.logFile]);
  assert.equal(gate.code, 1, gate.stdout);
});
