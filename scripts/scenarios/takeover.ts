import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { RawSession } from './raw-session.js';
import { TruthRecorder } from './truth-recorder.js';

/** Default broker: nothing to configure. */
export const brokerOptions: BrokerOptions = {};

/**
 * Session takeover: `dup-client` connects and subscribes, then a second connection with the same
 * client id connects while the first is still open. The broker closes the first socket; the
 * second publishes a QoS 1 message to itself, receives it and disconnects cleanly.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('takeover', broker.version);
  const first = await RawSession.connect(broker, truth, { clientId: 'dup-client' });
  await first.subscribe([{ topic: 'takeover/#', qos: 1 }]);

  const second = await RawSession.connect(broker, truth, { clientId: 'dup-client' });
  await first.expectClosedByBroker('takeover', 3000);

  await second.subscribe([{ topic: 'takeover/#', qos: 1 }]);
  await second.publish('takeover/hello', 'second connection is live', 1);
  await second.receive();
  await second.disconnect();

  truth.note('Two connections used client id dup-client (clean session); the broker closed the first when the second connected.');
  return truth.toTruth();
}
