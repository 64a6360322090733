import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { runMosquittoPub, startMosquittoSub } from './cli-client.js';
import { connectTracked } from './mqttjs-client.js';
import type { Qos } from './raw-client.js';
import { TruthRecorder } from './truth-recorder.js';
import { until } from './wait.js';

/** Default broker: nothing to configure. */
export const brokerOptions: BrokerOptions = {};

const levels: readonly Qos[] = [0, 1, 2];

/**
 * Everything goes right: two MQTT.js clients publish QoS 0, 1 and 2 to each other, then a
 * mosquitto_sub receives one message per QoS from three mosquitto_pub runs. Every flow completes
 * and every client sends DISCONNECT.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('clean-qos', broker.version);
  const alpha = await connectTracked(broker, truth, 'qos-alpha');
  const beta = await connectTracked(broker, truth, 'qos-beta');
  await alpha.client.subscribeAsync('qos/to-alpha/#', { qos: 2 });
  await beta.client.subscribeAsync('qos/to-beta/#', { qos: 2 });

  for (const qos of levels) await alpha.client.publishAsync(`qos/to-beta/q${qos}`, `alpha to beta at QoS ${qos}`, { qos });
  for (const qos of levels) await beta.client.publishAsync(`qos/to-alpha/q${qos}`, `beta to alpha at QoS ${qos}`, { qos });
  await until(
    () => alpha.received.length === 3 && beta.received.length === 3 && alpha.completed.out === 2 && beta.completed.out === 2,
    'both MQTT.js clients to receive and acknowledge three messages',
  );

  const cliSub = startMosquittoSub(broker, truth, { clientId: 'cli-sub', topic: 'qos/cli/#', qos: 2, count: 3 });
  await cliSub.subscribed;
  for (const qos of levels) {
    await runMosquittoPub(broker, truth, { clientId: `cli-pub-q${qos}`, topic: `qos/cli/q${qos}`, message: `cli QoS ${qos}`, qos });
  }
  const exitCode = await cliSub.exited;
  if (exitCode !== 0) throw new Error(`mosquitto_sub cli-sub exited with ${exitCode}`);

  await alpha.end();
  await beta.end();
  truth.note('qos-alpha and qos-beta (MQTT.js, subscribed at QoS 2) each publish QoS 0, 1 and 2 to the other;');
  truth.note('cli-sub (mosquitto_sub -C 3, QoS 2) receives one message from each of cli-pub-q0/q1/q2 (mosquitto_pub).');
  truth.note('Deliveries keep the publisher QoS, so each receiver completes two outgoing flows.');
  return truth.toTruth();
}
