/**
 * A real mosquitto with a websockets listener beside its TCP one, on 127.0.0.1, driven by MQTT.js
 * over ws://. The broker logs no `New connection` line for a websockets client, and names its
 * address as IPv6 (`::ffff:127.0.0.1`): sessions, their ends and QoS flows read as for TCP.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqtt from 'mqtt';
import { pickFreePort, requireBroker, startBroker } from './support/broker.js';
import { runCli } from './support/run-cli.js';

/** Connects over websockets, trying again while the listener, opened after the TCP one, is not up yet. */
async function connectWs(url: string, options: mqtt.IClientOptions): Promise<mqtt.MqttClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mqtt.connectAsync(url, { ...options, reconnectPeriod: 0 });
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

test('broker websockets: a client that publishes at QoS 1 and 2 and disconnects, and one whose connection drops, read as over TCP', { timeout: 60_000 }, async (t) => {
  if (!requireBroker(t)) return;
  const wsPort = await pickFreePort();
  const broker = await startBroker({ extraConfig: [`listener ${wsPort} 127.0.0.1`, 'protocol websockets'] });
  t.after(() => broker.dispose());
  const url = `ws://127.0.0.1:${wsPort}`;

  const client = await connectWs(url, { clientId: 'ws-good' });
  await client.subscribeAsync('ws/#', { qos: 1 });
  await client.publishAsync('ws/one', 'hello', { qos: 1 });
  await client.publishAsync('ws/two', 'hello', { qos: 2 });
  // The deliveries to itself are acknowledged before it says goodbye.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await client.endAsync();
  const dropped = await connectWs(url, { clientId: 'ws-dropped' });
  dropped.stream.destroy();
  await new Promise((resolve) => setTimeout(resolve, 300));
  dropped.end(true);
  await broker.stop();

  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', broker.logFile])).stdout) as {
    sessions: Array<{ client: string; address: string; mqttVersion: string; endReason: string; messagesIn: number; messagesOut: number }>;
  };
  assert.deepEqual(sessions.sessions.map((s) => [s.client, s.address.replace(/:\d+$/, ''), s.mqttVersion, s.endReason, s.messagesIn, s.messagesOut]), [
    ['ws-good', '::ffff:127.0.0.1', '3.1.1', 'disconnect', 2, 2],
    ['ws-dropped', '::ffff:127.0.0.1', '3.1.1', 'closed', 0, 0],
  ]);
  const flows = JSON.parse((await runCli(['flows', '--format', 'json', broker.logFile])).stdout) as { flows: Array<{ direction: string; qos: number; topic: string; state: string }> };
  assert.deepEqual(flows.flows.map((f) => [f.direction, f.qos, f.topic, f.state]), [
    ['in', 1, 'ws/one', 'complete'], ['out', 1, 'ws/one', 'complete'], ['in', 2, 'ws/two', 'complete'], ['out', 1, 'ws/two', 'complete'],
  ]);
  const summary = JSON.parse((await runCli(['summary', '--format', 'json', broker.logFile])).stdout) as { unknown: { count: number }; attempts: { total: number } };
  assert.equal(summary.unknown.count, 0, 'every line understood');
  assert.equal(summary.attempts.total, 0, 'no connection taken for a failed one');
});
