import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { connectTracked } from './mqttjs-client.js';
import { RawSession } from './raw-session.js';
import { TruthRecorder } from './truth-recorder.js';
import { until } from './wait.js';

/** Default broker: nothing to configure. */
export const brokerOptions: BrokerOptions = {};

const willTopic = 'status/will-device';
const willPayload = 'offline (connection lost)';

/**
 * Last will: `will-device` connects with a QoS 1 will, announces itself online (QoS 0) and then
 * closes its socket without DISCONNECT. `will-watcher` sees the online message and then the will,
 * which it acknowledges.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('last-will', broker.version);
  const watcher = await connectTracked(broker, truth, 'will-watcher');
  await watcher.client.subscribeAsync('status/#', { qos: 1 });

  const device = await RawSession.connect(broker, truth, {
    clientId: 'will-device',
    will: { topic: willTopic, payload: willPayload, qos: 1, retain: false },
  });
  await device.publish(willTopic, 'online', 0);
  await until(() => watcher.received.length === 1, 'will-watcher to see the online message');
  await device.vanish();

  await until(() => watcher.received.some((m) => m.payload === willPayload) && watcher.completed.out === 1, 'the will to reach will-watcher');
  await watcher.end();

  truth.note(`will-device (will: ${willTopic} "${willPayload}", QoS 1) closed its socket without DISCONNECT;`);
  truth.note('will-watcher received the will at QoS 1 and acknowledged it.');
  return truth.toTruth();
}
