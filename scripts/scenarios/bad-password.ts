import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { runMosquittoPub } from './cli-client.js';
import { connectTracked } from './mqttjs-client.js';
import { TruthRecorder } from './truth-recorder.js';

/** A password file with one user; anonymous logins are refused. */
export const brokerOptions: BrokerOptions = {
  users: { alice: 'correct-horse' },
  allowAnonymous: false,
};

/**
 * Authentication: `login-good` logs in as alice with the right password and publishes; then
 * `login-bad-password` (mosquitto_pub) tries alice with a wrong password and is refused at CONNACK.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('bad-password', broker.version);
  const good = await connectTracked(broker, truth, 'login-good', { username: 'alice', password: 'correct-horse' });
  await good.client.publishAsync('home/alice/status', 'logged in', { qos: 1 });
  await good.end();

  const code = await runMosquittoPub(broker, truth, {
    clientId: 'login-bad-password',
    topic: 'home/alice/status',
    message: 'should never arrive',
    qos: 1,
    username: 'alice',
    password: 'battery-staple',
  });
  if (code === 0) throw new Error('login-bad-password was accepted with a wrong password');

  truth.note(`login-good (alice, right password) published one QoS 1 message; login-bad-password (alice, wrong password) got CONNACK return code ${code}.`);
  return truth.toTruth();
}
