/**
 * A real mosquitto with `persistence true` whose database directory does not exist: the save as
 * it stops fails, which is a `persistence-failed` finding with the system's error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireBroker, startBroker } from './support/broker.js';
import { runCli } from './support/run-cli.js';

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
