/**
 * A real mosquitto with `persistence true` whose database directory does not exist: the save as
 * it stops fails, which is a `persistence-failed` finding with the system's error. And a broker
 * restarted without persistence, which a subscriber without clean session finds kept no session.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { requireBroker, requireExecutable, startBroker } from './support/broker.js';
import { runCli } from './support/run-cli.js';

const run = promisify(execFile);

test('broker persistence: a database the broker cannot save is a persistence-failed warning naming why', { timeout: 30_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker({ extraConfig: ['persistence true', 'persistence_location /nonexistent/mosqlog/'] });
  t.after(() => broker.dispose());
  await broker.stop();

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; severity: string; detail?: string; at: unknown[] }> };
  const failed = problems.findings.filter((f) => f.code === 'persistence-failed');
  assert.equal(failed.length, 1, JSON.stringify(problems.findings));
  assert.equal(failed[0]?.severity, 'warning');
  assert.match(failed[0]?.detail ?? '', /^unable to open \/nonexistent\/mosqlog\/+mosquitto\.db\.new for writing: No such file or directory$/);
  assert.equal(failed[0]?.at.length, 2, 'the failed save and the system\'s error');
  // A warning: it fails the gate only when named.
  assert.equal((await runCli(['report', '--format', 'junit', broker.logFile])).code, 0);
  assert.equal((await runCli(['report', '--format', 'junit', '--fail-on', 'persistence-failed', broker.logFile])).code, 1);
});

/**
 * A 3.1.1 subscriber without clean session leaves, a QoS 1 message for it comes, the broker
 * restarts, and the subscriber comes back: the CONNACK says whether its session was kept.
 */
async function awayOverRestart(persistence: boolean): Promise<Array<{ code: string; client: string | null; restarted?: boolean }>> {
  const broker = await startBroker({ persistence });
  try {
    const keeper = (): Promise<unknown> => run(requireExecutable('mosquitto_sub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'keeper', '-c', '-q', '1', '-t', 'keep/#', '-W', '1']).catch(() => undefined);
    await keeper();
    await run(requireExecutable('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'sender', '-q', '1', '-t', 'keep/a', '-m', 'while away']);
    await broker.restart();
    await keeper();
    await broker.stop();
    const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as { findings: Array<{ code: string; client: string | null; restarted?: boolean }> };
    return problems.findings;
  } finally {
    await broker.dispose();
  }
}

test('broker restart: a subscriber without clean session finds its session lost when the broker keeps none, and kept with persistence', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const lost = (await awayOverRestart(false)).filter((f) => f.code === 'session-lost').map((f) => [f.client, f.restarted]);
  assert.deepEqual(lost, [['keeper', true]]);
  const kept = (await awayOverRestart(true)).filter((f) => f.code === 'session-lost');
  assert.deepEqual(kept, []);
});
