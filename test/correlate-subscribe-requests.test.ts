/**
 * Which filters of a SUBSCRIBE were granted: with grant lines (`log_type subscribe`), a filter
 * without one by its SUBACK was denied; without them, a request waits for the log to show
 * whether this run of the broker writes them; 2.1 marks a denied filter itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Session } from '../src/correlate/index.js';
import { SubscribeRequests } from '../src/correlate/subscribe-requests.js';
import { type SubscriptionRecord, createLineDecoder } from '../src/parse/index.js';

/** The requests, fed the subscription records of `lines` in order, and what they said of each filter. */
function judge(lines: readonly string[], session: Partial<Session> | null = { subscriptions: 0 }) {
  const said: string[] = [];
  const requests = new SubscribeRequests({
    sessionOf: () => session as Session | null,
    granted: (client, at) => said.push(`${client} granted line ${at.line}`),
    denied: (client, filter, qos, at) => said.push(`${client} denied ${filter} q${qos} line ${at.line}`),
  });
  const decoder = createLineDecoder('f.log');
  const feed = (more: readonly string[]): void => {
    for (const line of more) {
      const r = decoder.decode(line);
      if (r.type === 'subscription') requests.line(r as SubscriptionRecord);
      else if (r.type === 'packet' && r.cmd === 'subscribe') requests.subscribed();
      else if (r.type === 'packet' && r.cmd === 'suback') requests.answered(r.client);
      else if (r.type === 'broker') requests.newRun();
    }
  };
  feed(lines);
  return { requests, said, feed };
}

const subscribe = (client: string, ...filters: string[]): string[] => [
  `1796021455: Received SUBSCRIBE from ${client}`,
  ...filters.map((f) => `1796021455: \t${f} (QoS 1)`),
];

test('with grant lines, a filter left without one by its SUBACK was denied', () => {
  const session = { subscriptions: 0 };
  const { said, requests } = judge([...subscribe('c1', 'a/b', 'secret/#'), '1796021455: c1 1 a/b', '1796021455: Sending SUBACK to c1'], session);
  assert.deepEqual(said, ['c1 granted line 2', 'c1 denied secret/# q1 line 3']);
  assert.equal(session.subscriptions, 1);
  requests.finish();
  assert.equal(requests.filtersJudged, true);
});

test('without grant lines a request waits: a later grant line shows its filters were denied, a new run of the broker that they were not', () => {
  const session = { subscriptions: 0 };
  const waiting = judge([...subscribe('c1', 'x/#'), '1796021455: Sending SUBACK to c1'], session);
  assert.deepEqual(waiting.said, []);
  assert.equal(session.subscriptions, 1, 'counted as granted while it waits');
  waiting.feed([...subscribe('c2', 'y'), '1796021456: c2 1 y', '1796021456: Sending SUBACK to c2']);
  assert.deepEqual(waiting.said, ['c1 denied x/# q1 line 2', 'c2 granted line 5']);
  assert.equal(session.subscriptions, 1, 'x/# taken back, y counted');

  const restarted = judge([...subscribe('c1', 'x/#'), '1796021455: Sending SUBACK to c1', '1796021460: mosquitto version 2.0.11 starting'], { subscriptions: 0 });
  assert.deepEqual(restarted.said, ['c1 granted line 2']);
  // A run with topic lines and no grant lines cannot tell its denied filters.
  assert.equal(restarted.requests.filtersJudged, false);
});

test("2.1 marks a denied filter, so a filter without a grant line there is granted (a plugin may have changed the grant line's filter)", () => {
  const { said, requests } = judge([...subscribe('c1', 'a/b'), '1796021455: \tsecret/# (denied)', '1796021455: Sending SUBACK to c1']);
  assert.equal(requests.marksDenials, true);
  assert.deepEqual(said, ['c1 denied secret/# qnull line 3', 'c1 granted line 2']);
});

test('the next SUBSCRIBE, or its client gone, ends a request whose SUBACK was not logged', () => {
  const { said, feed } = judge([...subscribe('c1', 'a'), '1796021455: c1 1 a', ...subscribe('c1', 'b')]);
  feed(subscribe('c2', 'c'));
  assert.deepEqual(said, ['c1 granted line 2', 'c1 denied b q1 line 5']);
  const gone = judge([...subscribe('c1', 'a'), '1796021455: c1 1 a', ...subscribe('c1', 'b')]);
  gone.requests.answered('c1');
  assert.deepEqual(gone.said, ['c1 granted line 2', 'c1 denied b q1 line 5']);
});
