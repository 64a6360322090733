import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { startMosquittoSub } from './cli-client.js';
import { connectTracked } from './mqttjs-client.js';
import { RawSession } from './raw-session.js';
import { TruthRecorder } from './truth-recorder.js';
import { sleep, until } from './wait.js';

/** Default broker: nothing to configure. */
export const brokerOptions: BrokerOptions = {};

/**
 * Clients that vanish without DISCONNECT. `killed-sub` (mosquitto_sub) receives a QoS 1 alarm and
 * is then killed with SIGKILL; `raw-vanish` subscribes and closes its socket (FIN) without
 * DISCONNECT. `alarm-pub` publishes and leaves cleanly.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('killed-client', broker.version);
  const sub = startMosquittoSub(broker, truth, { clientId: 'killed-sub', topic: 'alarm/#', qos: 1 });
  await sub.subscribed;
  const vanish = await RawSession.connect(broker, truth, { clientId: 'raw-vanish' });
  await vanish.subscribe([{ topic: 'alarm/#', qos: 1 }]);
  const publisher = await connectTracked(broker, truth, 'alarm-pub');

  await publisher.client.publishAsync('alarm/door', 'door forced', { qos: 1 });
  await vanish.receive();
  await until(() => sub.acked() === 1, 'killed-sub to acknowledge the alarm');
  // It prints "sending PUBACK" just before writing it; let the write reach the broker.
  await sleep(50);

  await sub.kill();
  await vanish.vanish();
  // The broker notices a closed socket on its next loop pass; let it log that before anything else.
  await sleep(300);
  await publisher.end();

  truth.note('killed-sub (mosquitto_sub) was killed with SIGKILL after receiving one QoS 1 alarm;');
  truth.note('raw-vanish closed its TCP socket without DISCONNECT; alarm-pub disconnected cleanly.');
  return truth.toTruth();
}
