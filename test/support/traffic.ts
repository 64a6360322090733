/**
 * Steady, bounded client traffic against a test broker, so its log grows while a test rotates
 * it: an MQTT.js publisher (QoS 0/1/2 in turn) and subscriber, and `mosquitto_pub` runs one
 * after another (a session start and end each). 127.0.0.1 only.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { trackClient } from '../../scripts/scenarios/stray-clients.js';
import { requireExecutable } from './broker.js';

const run = promisify(execFile);

/** Traffic started by {@link startTraffic}. */
export interface Traffic {
  /** Messages published so far by the MQTT.js publisher. */
  published(): number;
  /** `mosquitto_pub` runs finished so far. */
  cliRuns(): number;
  /** Ends the loops and disconnects the clients cleanly. */
  stop(): Promise<void>;
}

/** Bounds, so a test that forgets to stop cannot run forever. */
const maxMessages = 5000;
const maxCliRuns = 200;

async function connectClient(port: number, clientId: string): Promise<mqtt.MqttClient> {
  const client = await mqtt.connectAsync({ host: '127.0.0.1', port, clientId, reconnectPeriod: 0, connectTimeout: 5000 });
  const untrack = trackClient(() => client.end(true));
  client.once('end', untrack);
  client.on('error', () => undefined);
  return client;
}

/** Starts publishing every `intervalMs` (and running mosquitto_pub back to back) until stopped. */
export async function startTraffic(port: number, intervalMs = 3): Promise<Traffic> {
  const pub = requireExecutable('mosquitto_pub');
  const subscriber = await connectClient(port, 'load-sub');
  await subscriber.subscribeAsync('load/#', { qos: 2 });
  const publisher = await connectClient(port, 'load-pub');
  let running = true;
  let published = 0;
  let cliRuns = 0;
  // Not awaiting each acknowledgement keeps the rate up (delayed TCP ACKs would cap it).
  const publishing = (async () => {
    while (running && published < maxMessages) {
      publisher.publish(`load/${published % 4}`, `m${published}`, { qos: (published % 3) as 0 | 1 | 2 });
      published++;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  const spawning = (async () => {
    while (running && cliRuns < maxCliRuns) {
      await run(pub, ['-h', '127.0.0.1', '-p', String(port), '-i', `load-cli-${cliRuns}`, '-q', '1', '-t', 'load/cli', '-m', 'x']);
      cliRuns++;
    }
  })();
  return {
    published: () => published,
    cliRuns: () => cliRuns,
    async stop() {
      running = false;
      await Promise.all([publishing, spawning]);
      // A clean end waits for the messages still in flight.
      await publisher.endAsync();
      await subscriber.endAsync();
    },
  };
}
