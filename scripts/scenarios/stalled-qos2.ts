import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { RawSession } from './raw-session.js';
import { TruthRecorder } from './truth-recorder.js';
import { sleep } from './wait.js';

/** Default broker: nothing to configure. */
export const brokerOptions: BrokerOptions = {};

/**
 * Three flows left unfinished on purpose, with raw clients that never send the expected ack:
 * `sub-qos2-stall` gets a QoS 2 PUBLISH and never sends PUBREC; `sub-qos1-stall` gets a QoS 1
 * PUBLISH and never sends PUBACK; `pub-qos2-stall` sends a QoS 2 PUBLISH, gets PUBREC and never
 * sends PUBREL. `pub-normal` completes its own QoS 1 and QoS 2 publishes. Everyone then
 * disconnects cleanly, abandoning the stalled flows.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('stalled-qos2', broker.version);
  const subQos2 = await RawSession.connect(broker, truth, { clientId: 'sub-qos2-stall' });
  await subQos2.subscribe([{ topic: 'stall/qos2', qos: 2 }]);
  const subQos1 = await RawSession.connect(broker, truth, { clientId: 'sub-qos1-stall' });
  await subQos1.subscribe([{ topic: 'stall/qos1', qos: 1 }]);
  const normal = await RawSession.connect(broker, truth, { clientId: 'pub-normal' });

  await normal.publish('stall/qos2', 'delivered at QoS 2, never PUBREC-ed', 2);
  const atQos2 = await subQos2.raw.next('publish');
  truth.addIncompleteFlow({ client: subQos2.clientId, direction: 'out', mid: atQos2.mid, qos: 2, topic: atQos2.topic, state: 'incomplete', stalledAt: 'pubrec' });

  await normal.publish('stall/qos1', 'delivered at QoS 1, never PUBACK-ed', 1);
  const atQos1 = await subQos1.raw.next('publish');
  truth.addIncompleteFlow({ client: subQos1.clientId, direction: 'out', mid: atQos1.mid, qos: 1, topic: atQos1.topic, state: 'incomplete', stalledAt: 'puback' });

  const pubStall = await RawSession.connect(broker, truth, { clientId: 'pub-qos2-stall' });
  const topic = 'stall/never-released';
  const mid = pubStall.raw.publish({ topic, payload: 'PUBREC received, PUBREL never sent', qos: 2 });
  const pubrec = await pubStall.raw.next('pubrec');
  if (pubrec.mid !== mid) throw new Error(`pub-qos2-stall: PUBREC for m${pubrec.mid}, sent m${mid}`);
  truth.addIncompleteFlow({ client: pubStall.clientId, direction: 'in', mid, qos: 2, topic, state: 'incomplete', stalledAt: 'pubrel' });

  // Hold the stalls for a moment, as a stuck client would, then leave.
  await sleep(500);
  await pubStall.disconnect();
  await subQos1.disconnect();
  await subQos2.disconnect();
  await normal.disconnect();

  truth.note('Each stalled client held its flow for 0.5 s and then sent DISCONNECT with the flow still open.');
  return truth.toTruth();
}
