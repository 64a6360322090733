import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { RawSession } from './raw-session.js';
import { TruthRecorder } from './truth-recorder.js';
import { sleep } from './wait.js';

/** Default broker: nothing to configure. */
export const brokerOptions: BrokerOptions = {};

/** Keepalive of both clients, in seconds. mosquitto gives up after 1.5 × keepalive of silence. */
const keepalive = 1;

/**
 * Two raw clients with a 1 s keepalive. `ka-pinger` sends PINGREQ every half second and leaves
 * with DISCONNECT; `ka-silent` sends nothing after CONNECT and keeps its socket open until the
 * broker closes it for exceeding the keepalive.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('keepalive-timeout', broker.version);
  const pinger = await RawSession.connect(broker, truth, { clientId: 'ka-pinger', keepalive });
  const silent = await RawSession.connect(broker, truth, { clientId: 'ka-silent', keepalive });

  // mosquitto 2.0 sweeps keepalives only every 5 s or so, so the timeout takes up to ~6 s.
  let silentClosed = false;
  const closedAfter = silent.expectClosedByBroker('timeout', 10_000).finally(() => {
    silentClosed = true;
  });
  let pongs = 0;
  while (!silentClosed) {
    pinger.raw.pingreq();
    await pinger.raw.next('pingresp');
    pongs += 1;
    await sleep(500);
  }
  const waited = await closedAfter;
  await pinger.disconnect();

  truth.note(`ka-silent (k${keepalive}) sent nothing after CONNECT; the broker closed its socket after ${(waited / 1000).toFixed(1)} s.`);
  truth.note(`ka-pinger (k${keepalive}) sent PINGREQ every 0.5 s meanwhile, got ${pongs} PINGRESP, and then sent DISCONNECT.`);
  return truth.toTruth();
}
