/**
 * A real mosquitto on 127.0.0.1 whose clients go silent together, as a network that drops would
 * leave them: each is a keepalive timeout, and together they are one mass-disconnect finding.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient } from '../scripts/scenarios/raw-client.js';
import { requireBroker, startBroker } from './support/broker.js';
import { runCli } from './support/run-cli.js';

test('broker clients silent together: each times out, and together they are a mass-disconnect', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const broker = await startBroker();
  t.after(() => broker.dispose());
  // Eight clients that never ping with a keepalive of 1 s, and one that leaves in good order.
  const silent = await Promise.all(Array.from({ length: 8 }, (_, i) => RawClient.connect(broker.port, { clientId: `field-${i}`, keepalive: 1 })));
  const polite = await RawClient.connect(broker.port, { clientId: 'polite', keepalive: 60 });
  const closed = await Promise.all(silent.map(({ client }) => client.closed));
  assert.deepEqual(new Set(closed), new Set(['peer']), 'the broker dropped every silent client');
  await polite.client.disconnect();
  await broker.stop();

  const problems = JSON.parse((await runCli(['problems', '--format', 'json', broker.logFile])).stdout) as {
    findings: Array<{ code: string; clients?: number; connected?: number; byEndReason?: Record<string, number>; message: string }>;
  };
  const timeouts = problems.findings.filter((f) => f.code === 'keepalive-timeout');
  assert.equal(timeouts.length, 8, 'each silent client is a finding of its own');
  const mass = problems.findings.filter((f) => f.code === 'mass-disconnect');
  assert.deepEqual(mass.map((f) => [f.clients, f.connected, f.byEndReason]), [[8, 9, { timeout: 8 }]], JSON.stringify(problems.findings));
  assert.match(mass[0]?.message ?? '', /^8 of 9 connected clients lost their connections within .+ \(timeout 8\): a cause they share/);
  // A warning: the timeouts already fail the default gate.
  const junit = await runCli(['report', '--format', 'junit', '--fail-on', 'mass-disconnect', broker.logFile]);
  assert.equal(junit.code, 1);
  assert.match(junit.stdout, /<testcase classname="mass-disconnect" name="8 clients"/);
});
