import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { connectTracked } from './mqttjs-client.js';
import { TruthRecorder } from './truth-recorder.js';
import { until } from './wait.js';

/** Default broker: nothing to configure. */
export const brokerOptions: BrokerOptions = {};

/**
 * Retained messages: `retain-publisher` retains site config at QoS 0, 1 and 2 and retains then
 * clears (empty payload) an obsolete key, and leaves. `retain-late-subscriber` subscribes
 * afterwards and gets the three retained values with the retain flag; `retain-publisher` comes
 * back and publishes one live (not retained) update, which arrives without the flag.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('retained', broker.version);
  const publisher = await connectTracked(broker, truth, 'retain-publisher');
  await publisher.client.publishAsync('config/site/name', 'north-depot', { qos: 0, retain: true });
  await publisher.client.publishAsync('config/site/timezone', 'Europe/Berlin', { qos: 1, retain: true });
  await publisher.client.publishAsync('config/site/mode', 'normal', { qos: 2, retain: true });
  await publisher.client.publishAsync('config/site/obsolete', 'remove me', { qos: 1, retain: true });
  await publisher.client.publishAsync('config/site/obsolete', '', { qos: 1, retain: true });
  await publisher.end();

  const late = await connectTracked(broker, truth, 'retain-late-subscriber');
  await late.client.subscribeAsync('config/#', { qos: 2 });
  await until(() => late.received.length === 3 && late.completed.out === 2, 'three retained messages');
  const retainedTopics = late.received.filter((m) => m.retain).map((m) => `${m.topic} (QoS ${m.qos})`);

  const again = await connectTracked(broker, truth, 'retain-publisher');
  await again.client.publishAsync('config/site/mode', 'maintenance', { qos: 1 });
  await until(() => late.received.length === 4 && late.completed.out === 3, 'the live update');
  const live = late.received[3];
  await again.end();
  await late.end();

  truth.note(`retain-late-subscriber received retained ${retainedTopics.join(', ')};`);
  truth.note(`config/site/obsolete was retained then cleared and not delivered; the live update arrived with retain=${live?.retain}.`);
  return truth.toTruth();
}
