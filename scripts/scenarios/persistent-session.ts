import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { connectTracked, type TrackedClient } from './mqttjs-client.js';
import { TruthRecorder } from './truth-recorder.js';
import { until } from './wait.js';

/** Persistence on, so queued messages survive the broker restart. */
export const brokerOptions: BrokerOptions = { persistence: true };

const subscriberOptions = { clean: false, keepalive: 60 } as const;

/** Publishes `count` messages at each of QoS 1 and 2 as `persist-pub`, all completing, and leaves. */
async function publishBatch(broker: Broker, truth: TruthRecorder, batch: string, count: number): Promise<void> {
  const publisher = await connectTracked(broker, truth, 'persist-pub');
  for (let i = 1; i <= count; i += 1) {
    await publisher.client.publishAsync('queue/q1', `${batch} #${i} at QoS 1`, { qos: 1 });
    await publisher.client.publishAsync('queue/q2', `${batch} #${i} at QoS 2`, { qos: 2 });
  }
  await publisher.end();
}

/** Reconnects the persistent subscriber and waits until it has acknowledged `expected` messages. */
async function drain(broker: Broker, truth: TruthRecorder, expected: number): Promise<TrackedClient> {
  const subscriber = await connectTracked(broker, truth, 'persist-sub', subscriberOptions);
  await until(() => subscriber.completed.out === expected, `${expected} queued messages for persist-sub`);
  await subscriber.end();
  return subscriber;
}

/**
 * Persistent session: `persist-sub` (clean session false) subscribes to queue/q1 at QoS 1 and
 * queue/q2 at QoS 2 and leaves. Messages published meanwhile are queued and delivered when it
 * reconnects. Then more are queued, the broker restarts, and they are delivered after the restart.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('persistent-session', broker.version);
  const subscriber = await connectTracked(broker, truth, 'persist-sub', subscriberOptions);
  await subscriber.client.subscribeAsync({ 'queue/q1': { qos: 1 }, 'queue/q2': { qos: 2 } });
  await subscriber.end();

  await publishBatch(broker, truth, 'offline batch', 2);
  const first = await drain(broker, truth, 4);

  await publishBatch(broker, truth, 'pre-restart batch', 1);
  await broker.restart();
  const second = await drain(broker, truth, 2);

  truth.note('persist-sub (clean session false) subscribed to queue/q1 (QoS 1) and queue/q2 (QoS 2), then went offline.');
  truth.note(`Reconnect 1 (session present: ${first.sessionPresent}) received ${first.received.length} queued messages.`);
  truth.note(`Two more were queued, the broker restarted, and reconnect 2 (session present: ${second.sessionPresent}) received ${second.received.length}.`);
  return truth.toTruth();
}
