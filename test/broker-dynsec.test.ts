/**
 * A real mosquitto with the dynamic security plugin on 127.0.0.1: the filters and PUBLISH packets
 * its roles deny are findings, and a denied filter is no subscription.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { dynsec, requireBroker, requireExecutable, startBroker } from './support/broker.js';
import { runCli } from './support/run-cli.js';

const run = promisify(execFile);
const admin = { admin: 'admin', password: 'admin-pw' };

test('broker dynsec: a denied filter is subscribe-denied and no subscription; a denied PUBLISH is publish-denied, its flow refused', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ allowAnonymous: false, dynsec: admin });
  t.after(() => broker.dispose());
  if (broker.version.startsWith('1.')) {
    t.skip(`mosquitto ${broker.version} has no dynamic security plugin`);
    return;
  }
  for (const args of [
    ['createClient', 'reader', '-p', 'reader-pw'], ['createRole', 'reading'],
    ['addRoleACL', 'reading', 'subscribePattern', 'public/#', 'allow'], ['addRoleACL', 'reading', 'publishClientReceive', 'public/#', 'allow'],
    ['addClientRole', 'reader', 'reading'],
    ['createClient', 'writer', '-p', 'writer-pw'], ['createRole', 'writing'],
    ['addRoleACL', 'writing', 'publishClientSend', 'public/#', 'allow'], ['addClientRole', 'writer', 'writing'],
  ]) await dynsec(broker, admin, args);

  const login = (user: string): string[] => ['-h', '127.0.0.1', '-p', String(broker.port), '-u', user, '-P', `${user}-pw`, '-i', `dyn-${user}`];
  // The reader asks for a tree it may read and one it may not, and waits for one message.
  const reading = run(requireExecutable('mosquitto_sub'), [...login('reader'), '-t', 'public/#', '-t', 'secret/#', '-q', '1', '-C', '1', '-W', '20']);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const publish = (topic: string, qos: string): Promise<unknown> => run(requireExecutable('mosquitto_pub'), [...login('writer'), '-t', topic, '-m', 'x', '-q', qos]);
  await publish('secret/plans', '1');
  await publish('secret/plans', '0');
  await publish('public/news', '1');
  const { stdout } = await reading;
  assert.equal(stdout.trim(), 'x', 'the reader got the message it may read');
  await broker.stop();

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; client: string; filter?: string; topic?: string; qos?: number }> };
  const denied = problems.findings.filter((f) => f.code.endsWith('-denied')).map((f) => [f.code, f.client, f.filter ?? f.topic, f.qos]);
  assert.deepEqual(denied, [
    ['publish-denied', 'dyn-writer', 'secret/plans', 1], ['publish-denied', 'dyn-writer', 'secret/plans', 0], ['subscribe-denied', 'dyn-reader', 'secret/#', 1],
  ], JSON.stringify(problems.findings));
  assert.ok(!problems.findings.some((f) => f.code === 'mid-reused'), "a plugin's denial is the message it follows, not a new one");
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as { sessions: Array<{ client: string; subscriptions: number }> };
  assert.deepEqual(sessions.sessions.filter((s) => s.client === 'dyn-reader').map((s) => s.subscriptions), [1]);
  const flows = JSON.parse((await runCli(['flows', '--format', 'json', '--client', 'dyn-writer', broker.logFile])).stdout) as { flows: Array<{ topic: string; state: string; dropped?: string }> };
  assert.deepEqual(flows.flows.map((f) => [f.topic, f.state, f.dropped]), [['secret/plans', 'refused', 'denied'], ['public/news', 'complete', undefined]]);
});
