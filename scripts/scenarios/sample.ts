import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { runMosquittoPub } from './cli-client.js';
import { connectTracked } from './mqttjs-client.js';
import { RawSession } from './raw-session.js';
import { TruthRecorder } from './truth-recorder.js';
import { until } from './wait.js';

/** Two accounts; everything else (sensors, the app, the logger) connects anonymously. */
export const brokerOptions: BrokerOptions = {
  users: { dashboard: 'dash-board-pw', 'door-panel': 'door-panel-pw' },
};

/**
 * The bundled sample: a morning on a small building-automation broker.
 *
 * 1. The `dashboard` (user dashboard) watches building/# at QoS 2 and status/# at QoS 1.
 * 2. `thermostat-3f` takes commands on cmd/thermostat-3f/# (QoS 2), retains its setpoint (QoS 1)
 *    and reports temperature (QoS 0).
 * 3. `light-sensor-2f` (keepalive 2 s, will "offline" on status/light-sensor-2f) reports once and
 *    then loses power: it goes silent with its socket open.
 * 4. `door-panel` first logs in with a wrong password and is refused, then gets it right and
 *    reports the lobby door.
 * 5. `legacy-logger` records every command on cmd/# at QoS 2 but never answers with PUBREC.
 * 6. The dashboard raises the thermostat setpoint with a QoS 2 command; the thermostat confirms
 *    (retained QoS 1) and switches mode (QoS 2). The legacy logger's copy stalls.
 * 7. `mobile-app-7` is opened on a phone, then on a second phone with the same client id: the
 *    first connection is taken over. The second gets the retained setpoint and leaves.
 * 8. The broker drops the light sensor for exceeding its keepalive and publishes its will, which
 *    the dashboard receives.
 * 9. Thermostat and dashboard leave cleanly; the broker is stopped for maintenance while the
 *    legacy logger is still connected with its stalled flow.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('sample', broker.version);

  const dashboard = await connectTracked(broker, truth, 'dashboard', {
    username: 'dashboard',
    password: 'dash-board-pw',
    keepalive: 30,
  });
  await dashboard.client.subscribeAsync({ 'building/#': { qos: 2 }, 'status/#': { qos: 1 } });
  const seen = (topic: string, payload?: string): boolean =>
    dashboard.received.some((m) => m.topic === topic && (payload === undefined || m.payload === payload));

  const thermostat = await connectTracked(broker, truth, 'thermostat-3f');
  await thermostat.client.subscribeAsync('cmd/thermostat-3f/#', { qos: 2 });
  await thermostat.client.publishAsync('building/3f/setpoint', '21.5', { qos: 1, retain: true });
  await thermostat.client.publishAsync('building/3f/temperature', '20.8', { qos: 0 });

  const lightSensor = await RawSession.connect(broker, truth, {
    clientId: 'light-sensor-2f',
    keepalive: 2,
    will: { topic: 'status/light-sensor-2f', payload: 'offline', qos: 1, retain: false },
  });
  await lightSensor.publish('building/2f/lux', '310', 1);
  const lightSensorGone = lightSensor.expectClosedByBroker('timeout', 8000);

  const refusedWith = await runMosquittoPub(broker, truth, {
    clientId: 'door-panel', topic: 'building/lobby/door', message: 'opened', qos: 1,
    username: 'door-panel', password: 'door-panel-typo',
  });
  await runMosquittoPub(broker, truth, {
    clientId: 'door-panel', topic: 'building/lobby/door', message: 'opened', qos: 1,
    username: 'door-panel', password: 'door-panel-pw',
  });

  const logger = await RawSession.connect(broker, truth, { clientId: 'legacy-logger' });
  await logger.subscribe([{ topic: 'cmd/#', qos: 2 }]);

  await dashboard.client.publishAsync('cmd/thermostat-3f/setpoint', '22.0', { qos: 2 });
  const stalled = await logger.raw.next('publish');
  truth.addIncompleteFlow({
    client: logger.clientId, direction: 'out', mid: stalled.mid, qos: 2, topic: stalled.topic, state: 'incomplete', stalledAt: 'pubrec',
  });
  await until(() => thermostat.received.length === 1 && thermostat.completed.out === 1, 'the setpoint command at the thermostat');
  await thermostat.client.publishAsync('building/3f/setpoint', '22.0', { qos: 1, retain: true });
  await thermostat.client.publishAsync('building/3f/mode', 'heating', { qos: 2 });

  const phoneOne = await RawSession.connect(broker, truth, { clientId: 'mobile-app-7', keepalive: 45 });
  await phoneOne.subscribe([{ topic: 'building/+/temperature', qos: 0 }]);
  const phoneTwo = await RawSession.connect(broker, truth, { clientId: 'mobile-app-7', keepalive: 45 });
  await phoneOne.expectClosedByBroker('takeover', 3000);
  await phoneTwo.subscribe([{ topic: 'building/3f/setpoint', qos: 1 }]);
  const retained = await phoneTwo.receive();
  await phoneTwo.disconnect();

  await thermostat.client.publishAsync('building/3f/temperature', '21.3', { qos: 0 });
  const silentFor = await lightSensorGone;
  await until(
    () => seen('status/light-sensor-2f', 'offline') && seen('building/3f/mode') && seen('building/lobby/door') && seen('building/3f/temperature', '21.3'),
    'the dashboard to see the will and every report',
  );
  // Every QoS 1/2 delivery to the dashboard: two setpoints, lux, door, mode, will.
  await until(() => dashboard.completed.out === 6, 'the dashboard to acknowledge its six QoS 1/2 deliveries');
  await thermostat.end();
  await dashboard.end();

  await broker.stop();
  await logger.expectClosedByBroker('broker-shutdown', 3000);

  truth.note(`door-panel's first login was refused with CONNACK ${refusedWith}; its second succeeded.`);
  truth.note(`legacy-logger never sent PUBREC for m${stalled.mid} on ${stalled.topic} and was still connected when the broker was stopped.`);
  truth.note(`mobile-app-7's first connection was taken over by a second one, which got the retained setpoint ${retained.payload.toString()} (retain=${retained.retain}).`);
  truth.note(`light-sensor-2f (k2) went silent; the broker closed it ${(silentFor / 1000).toFixed(1)} s later and its will reached the dashboard.`);
  truth.note('run() stops the broker itself: the shutdown is part of the story.');
  return truth.toTruth();
}
