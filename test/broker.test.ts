import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { scenarios, type ScenarioName } from '../scripts/scenarios/index.js';
import { closeStrayClients } from '../scripts/scenarios/stray-clients.js';
import { correlateRecords } from '../src/correlate/index.js';
import { requireBroker, startBroker } from './support/broker.js';
import { assertMatchesTruth } from './support/compare-truth.js';
import { readRecords } from './support/fixtures.js';
import { countLogLines, repoRoot, runMosqlogParse } from './support/mosqlog-cli.js';
import type { ScenarioTruth } from './support/truth.js';

/** `client:endReason` per session, in connect order. */
const ends = (truth: ScenarioTruth): string[] => truth.sessions.map((s) => `${s.client}:${s.endReason}`);

/** `client/direction qN topic state@stalledAt` per unfinished flow, in the order the driver saw them. */
const unfinished = (truth: ScenarioTruth): string[] =>
  truth.incompleteFlows.map((f) => `${f.client}/${f.direction} q${f.qos} ${f.topic} ${f.state}${f.stalledAt ? `@${f.stalledAt}` : ''}`);

/** What each driver must have done and seen; a mismatch means the scenario did not play out. */
const expectations: Record<ScenarioName, (truth: ScenarioTruth) => void> = {
  'clean-qos'(truth) {
    assert.deepEqual(ends(truth), ['qos-alpha', 'qos-beta', 'cli-sub', 'cli-pub-q0', 'cli-pub-q1', 'cli-pub-q2'].map((c) => `${c}:disconnect`));
    assert.deepEqual(truth.completedFlows, {
      'cli-pub-q1/in': 1, 'cli-pub-q2/in': 1, 'cli-sub/out': 2,
      'qos-alpha/in': 2, 'qos-alpha/out': 2, 'qos-beta/in': 2, 'qos-beta/out': 2,
    });
    assert.deepEqual(truth.incompleteFlows, []);
  },
  'keepalive-timeout'(truth) {
    assert.deepEqual(ends(truth), ['ka-pinger:disconnect', 'ka-silent:timeout']);
    assert.deepEqual(truth.sessions.map((s) => s.keepalive), [1, 1]);
  },
  'killed-client'(truth) {
    assert.deepEqual(ends(truth), ['killed-sub:closed', 'raw-vanish:closed', 'alarm-pub:disconnect']);
    assert.deepEqual(truth.completedFlows, { 'alarm-pub/in': 1, 'killed-sub/out': 1, 'raw-vanish/out': 1 });
  },
  takeover(truth) {
    assert.deepEqual(ends(truth), ['dup-client:takeover', 'dup-client:disconnect']);
  },
  'bad-password'(truth) {
    assert.deepEqual(ends(truth), ['login-good:disconnect']);
    assert.equal(truth.sessions[0]?.username, 'alice');
    assert.equal(truth.refusedConnections, 1);
  },
  'acl-denial'(truth) {
    assert.deepEqual(unfinished(truth), ['acl-writer/in q1 public/news refused', 'acl-writer/in q2 public/news refused']);
    assert.deepEqual(truth.completedFlows, { 'acl-reader/out': 1, 'acl-writer/in': 2 });
    assert.match(truth.notes ?? '', /secret\/plans was accepted from acl-writer and was not delivered/);
  },
  'last-will'(truth) {
    assert.deepEqual(ends(truth), ['will-watcher:disconnect', 'will-device:closed']);
    assert.deepEqual(truth.completedFlows, { 'will-watcher/out': 1 });
  },
  retained(truth) {
    assert.deepEqual(ends(truth), ['retain-publisher:disconnect', 'retain-late-subscriber:disconnect', 'retain-publisher:disconnect']);
    assert.deepEqual(truth.completedFlows, { 'retain-late-subscriber/out': 3, 'retain-publisher/in': 5 });
  },
  'persistent-session'(truth) {
    const subscriber = truth.sessions.filter((s) => s.client === 'persist-sub');
    assert.equal(subscriber.length, 3);
    assert.ok(subscriber.every((s) => !s.cleanSession && s.endReason === 'disconnect'));
    assert.deepEqual(truth.completedFlows, { 'persist-pub/in': 6, 'persist-sub/out': 6 });
    assert.match(truth.notes ?? '', /Reconnect 1 \(session present: true\) received 4 .* reconnect 2 \(session present: true\) received 2/);
  },
  'stalled-qos2'(truth) {
    assert.deepEqual(unfinished(truth), [
      'sub-qos2-stall/out q2 stall/qos2 incomplete@pubrec',
      'sub-qos1-stall/out q1 stall/qos1 incomplete@puback',
      'pub-qos2-stall/in q2 stall/never-released incomplete@pubrel',
    ]);
    for (const flow of truth.incompleteFlows) assert.ok(flow.mid >= 1 && flow.mid <= 65535, `mid of ${flow.client}`);
    assert.deepEqual(truth.completedFlows, { 'pub-normal/in': 2 });
  },
  sample(truth) {
    assert.deepEqual(ends(truth), [
      'dashboard:disconnect', 'thermostat-3f:disconnect', 'light-sensor-2f:timeout', 'door-panel:disconnect',
      'legacy-logger:broker-shutdown', 'mobile-app-7:takeover', 'mobile-app-7:disconnect',
    ]);
    assert.deepEqual(unfinished(truth), ['legacy-logger/out q2 cmd/thermostat-3f/setpoint incomplete@pubrec']);
    assert.equal(truth.refusedConnections, 1);
    assert.equal(truth.completedFlows['dashboard/out'], 6);
  },
};

/** Keeps a failing scenario's log where CI can pick it up (test-artifacts/ is git-ignored). */
async function keepLog(name: string, logFile: string): Promise<string> {
  const dir = join(repoRoot, 'test-artifacts', 'broker');
  await mkdir(dir, { recursive: true });
  const kept = join(dir, `${name}.log`);
  await copyFile(logFile, kept);
  return kept;
}

for (const [name, scenario] of Object.entries(scenarios) as Array<[ScenarioName, (typeof scenarios)[ScenarioName]]>) {
  test(`broker scenario ${name}`, { timeout: 60_000 }, async (t) => {
    if (!requireBroker(t)) return;
    const broker = await startBroker(scenario.brokerOptions);
    t.after(() => {
      closeStrayClients();
      return broker.dispose();
    });
    let truth: ScenarioTruth;
    try {
      truth = await scenario.run(broker);
    } finally {
      await broker.stop();
    }

    await t.test('the driver saw what the scenario intends', () => {
      assert.equal(truth.scenario, name);
      assert.equal(truth.brokerVersion, broker.version);
      expectations[name](truth);
    });

    await t.test('mosqlog parse decodes every line of the log', async () => {
      try {
        const lines = await countLogLines(broker.logFile);
        const run = await runMosqlogParse(broker.logFile);
        assert.equal(run.exitCode, 0, `mosqlog parse exited ${run.exitCode}: ${run.stderr.trim().split('\n')[0] ?? ''}`);
        assert.deepEqual(run.notJson, [], 'every stdout line is one JSON object');
        assert.equal(run.records.length, lines, 'one record per log line');
        const unknown = run.records.filter((r) => r['type'] === 'unknown');
        assert.deepEqual(unknown.slice(0, 5), [], `${unknown.length} line(s) decoded as unknown`);
      } catch (error) {
        const kept = await keepLog(name, broker.logFile);
        process.stderr.write(`broker scenario ${name}: log kept at ${kept}\n`);
        throw error;
      }
    });

    await t.test('the correlator rebuilds what the clients did', async () => {
      try {
        assertMatchesTruth(correlateRecords(await readRecords(broker.logFile), { keepFlows: 'all' }), truth);
      } catch (error) {
        const kept = await keepLog(name, broker.logFile);
        process.stderr.write(`broker scenario ${name}: log kept at ${kept}\n`);
        throw error;
      }
    });
  });
}
