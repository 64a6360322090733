import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correlateRecords } from '../src/correlate/index.js';
import { fixtureLogs, readRecords, readTruth } from './support/fixtures.js';

for (const log of fixtureLogs({ withTruth: true })) {
  test(`${log}: sessions, end reasons and unfinished flows match what the clients did`, async () => {
    const truth = readTruth(log);
    const result = correlateRecords(await readRecords(log), { keepFlows: 'all' });

    const sessions = [...result.sessions]
      .sort((a, b) => a.startAt.line - b.startAt.line)
      .map((s) => ({ client: s.client, endReason: s.endReason, cleanSession: s.cleanSession, keepalive: s.keepalive }));
    const expected = truth.sessions.map((s) => ({ client: s.client, endReason: s.endReason, cleanSession: s.cleanSession, keepalive: s.keepalive }));
    assert.deepEqual(sessions, expected);

    const unfinished = result.flows
      .filter((f) => f.state !== 'complete')
      .map((f) => ({ client: f.client, direction: f.direction, mid: f.mid, qos: f.qos, state: f.state, stalledAt: f.stalledAt }))
      .sort((a, b) => `${a.client}${a.direction}${a.mid}`.localeCompare(`${b.client}${b.direction}${b.mid}`));
    const expectedUnfinished = truth.incompleteFlows
      .map((f) => ({ client: f.client, direction: f.direction, mid: f.mid, qos: f.qos, state: f.state, stalledAt: f.stalledAt }))
      .sort((a, b) => `${a.client}${a.direction}${a.mid}`.localeCompare(`${b.client}${b.direction}${b.mid}`));
    assert.deepEqual(unfinished, expectedUnfinished);

    const completed: Record<string, number> = {};
    for (const f of result.flows) if (f.state === 'complete') completed[`${f.client}/${f.direction}`] = (completed[`${f.client}/${f.direction}`] ?? 0) + 1;
    assert.deepEqual(completed, truth.completedFlows);

    const refused = result.attempts.filter((a) => a.outcome === 'not-authorised' || a.outcome === 'refused').length;
    assert.equal(refused, truth.refusedConnections);
  });
}
