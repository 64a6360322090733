/**
 * A real mosquitto with `persistence true` whose database is not one: it says so on stderr before
 * it starts, and exits. What it wrote there is a `broker-start-failed` finding naming the database.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { pickFreePort, requireBroker, requireExecutable } from './support/broker.js';
import { runCli } from './support/run-cli.js';

const run = promisify(execFile);

test('broker persistence: a database the broker cannot read as it starts is a broker-start-failed warning naming it', { timeout: 30_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const dir = await mkdtemp(join(tmpdir(), 'mosqlog-bad-db-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // Readable by the user the broker runs as when started as root.
  await chmod(dir, 0o777);
  await writeFile(join(dir, 'mosquitto.db'), Buffer.from('this is not a mosquitto database, only some bytes\n'.repeat(8)), { mode: 0o666 });
  const config = join(dir, 'mosquitto.conf');
  await writeFile(config, [`listener ${await pickFreePort()} 127.0.0.1`, 'allow_anonymous true', 'log_dest stderr', 'log_type all', 'persistence true', `persistence_location ${dir}/`, ''].join('\n'));
  const failed = await run(requireExecutable('mosquitto'), ['-c', config]).then(() => null, (error: { code?: number; stderr?: string }) => error);
  assert.ok(failed !== null && failed.code !== 0, 'the broker exits with an error');
  const log = join(dir, 'stderr.log');
  await writeFile(log, failed.stderr ?? '');

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', log])).stdout) as { findings: Array<{ code: string; detail?: string; database?: boolean; beforeStarting?: boolean }> };
  assert.deepEqual(problems.findings.map((f) => [f.code, f.database, f.beforeStarting]), [['broker-start-failed', true, true]], failed.stderr);
  assert.match(problems.findings[0]?.detail ?? '', /persistent database/);
});
