/**
 * Comparing a correlation with what the clients that made the log know happened.
 */
import assert from 'node:assert/strict';
import type { Correlation } from '../../src/correlate/index.js';
import type { ScenarioTruth } from './truth.js';

const byFlowKey = (a: { client: string; direction: string; mid: number }, b: typeof a): number =>
  `${a.client}\u0000${a.direction}\u0000${a.mid}`.localeCompare(`${b.client}\u0000${b.direction}\u0000${b.mid}`);

/**
 * Asserts sessions (client, end reason, clean session, keepalive, in connect order), unfinished
 * flows (with the step they stalled at), completed flow counts, refused connections and the
 * PUBLISH packets the ACL denied.
 * The correlation must have been made with `keepFlows: 'all'`.
 */
export function assertMatchesTruth(result: Correlation, truth: ScenarioTruth): void {
  const sessions = [...result.sessions]
    .sort((a, b) => a.startAt.line - b.startAt.line)
    .map((s) => ({ client: s.client, endReason: s.endReason, cleanSession: s.cleanSession, keepalive: s.keepalive }));
  const expected = truth.sessions.map((s) => ({ client: s.client, endReason: s.endReason, cleanSession: s.cleanSession, keepalive: s.keepalive }));
  assert.deepEqual(sessions, expected, 'sessions and how they ended');

  const unfinished = result.flows
    .filter((f) => f.state !== 'complete')
    .map((f) => ({ client: f.client, direction: f.direction, mid: f.mid, qos: f.qos, state: f.state, stalledAt: f.stalledAt }))
    .sort(byFlowKey);
  const expectedUnfinished = truth.incompleteFlows
    .map((f) => ({ client: f.client, direction: f.direction, mid: f.mid, qos: f.qos, state: f.state, stalledAt: f.stalledAt }))
    .sort(byFlowKey);
  assert.deepEqual(unfinished, expectedUnfinished, 'flows that did not complete');

  const completed: Record<string, number> = {};
  for (const f of result.flows) if (f.state === 'complete') completed[`${f.client}/${f.direction}`] = (completed[`${f.client}/${f.direction}`] ?? 0) + 1;
  assert.deepEqual(completed, truth.completedFlows, 'completed flows per client and direction');

  const refused = result.attempts.filter((a) => a.outcome === 'not-authorised' || a.outcome === 'refused').length;
  assert.equal(refused, truth.refusedConnections, 'refused connections');

  const denied = result.findings.flatMap((f) => (f.code === 'publish-denied' && f.direction === 'in' ? [{ client: f.client, qos: f.qos, topic: f.topic }] : []));
  assert.deepEqual(denied, truth.deniedPublishes ?? [], 'PUBLISH packets the ACL denied');
}
