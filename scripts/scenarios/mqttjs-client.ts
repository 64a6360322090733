import mqtt from 'mqtt';
import type { IClientOptions, MqttClient, Packet } from 'mqtt';
import type { Broker } from '../../test/support/broker.js';
import type { TruthSession } from '../../test/support/truth.js';
import { trackClient } from './stray-clients.js';
import type { TruthRecorder } from './truth-recorder.js';

/** A message an MQTT.js client received, as it arrived on the wire. */
export interface ReceivedMessage {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/** An MQTT.js client whose QoS flows are counted from the packets it sends and receives. */
export interface TrackedClient {
  readonly clientId: string;
  readonly client: MqttClient;
  readonly session: TruthSession;
  /** CONNACK's session-present flag. */
  readonly sessionPresent: boolean;
  /** QoS 1/2 flows finished so far: `in` = its publishes acked, `out` = deliveries it acked. */
  readonly completed: { in: number; out: number };
  readonly received: ReceivedMessage[];
  /** Clean DISCONNECT once its own outgoing flows have finished; records `disconnect`. */
  end(): Promise<void>;
}

/** MQTT v5 reason codes of 0x80 and above mean the broker refused (MQTT 5.0 §2.4). */
const isFailure = (code: number | undefined): boolean => code !== undefined && code >= 0x80;

/**
 * Connects an MQTT.js client to the test broker, never reconnecting on its own, and records its
 * session and flows on `recorder` from the wire: a PUBACK/PUBCOMP received completes an `in` flow
 * (a refusing reason code makes it `refused`), a PUBACK/PUBCOMP sent completes an `out` flow.
 * Rejects if the CONNACK refuses the connection (after counting the refusal).
 */
export async function connectTracked(
  broker: Broker,
  recorder: TruthRecorder,
  clientId: string,
  options: Partial<IClientOptions> = {},
): Promise<TrackedClient> {
  const client = mqtt.connect({
    host: '127.0.0.1',
    port: broker.port,
    clientId,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  const untrack = trackClient(() => client.end(true));
  client.once('end', untrack);
  const completed = { in: 0, out: 0 };
  const received: ReceivedMessage[] = [];
  const sent = new Map<number, { topic: string; qos: 1 | 2 }>();

  client.on('packetsend', (packet: Packet) => {
    if (packet.cmd === 'publish' && packet.qos > 0 && packet.messageId !== undefined) {
      sent.set(packet.messageId, { topic: packet.topic, qos: packet.qos as 1 | 2 });
    } else if (packet.cmd === 'puback' || packet.cmd === 'pubcomp') {
      completed.out += 1;
      recorder.completeFlow(clientId, 'out');
    }
  });
  client.on('packetreceive', (packet: Packet) => {
    if (packet.cmd === 'publish') {
      received.push({ topic: packet.topic, payload: packet.payload.toString(), qos: packet.qos, retain: packet.retain });
      return;
    }
    if (packet.cmd !== 'puback' && packet.cmd !== 'pubrec' && packet.cmd !== 'pubcomp') return;
    const mid = packet.messageId ?? 0;
    const publish = sent.get(mid);
    if (isFailure(packet.reasonCode) && publish) {
      recorder.addIncompleteFlow({ client: clientId, direction: 'in', mid, qos: publish.qos, topic: publish.topic, state: 'refused' });
    } else if (packet.cmd !== 'pubrec') {
      completed.in += 1;
      recorder.completeFlow(clientId, 'in');
    }
  });

  const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
    const refused = (error: Error & { code?: number }): void => {
      // MQTT.js reports a CONNACK refusal as an error whose code is the return code.
      if (typeof error.code === 'number') recorder.refuseConnection();
      client.end(true);
      reject(error);
    };
    client.once('error', refused);
    client.once('connect', (packet) => {
      client.off('error', refused);
      resolve({ sessionPresent: packet.sessionPresent });
    });
  });
  // Later socket errors surface as failed publishes or timeouts; unhandled they would crash the driver.
  client.on('error', () => undefined);

  const session = recorder.openSession(clientId, {
    cleanSession: options.clean ?? true,
    keepalive: options.keepalive ?? 60,
    ...(options.username === undefined ? {} : { username: options.username }),
  });

  return {
    clientId,
    client,
    session,
    sessionPresent: connack.sessionPresent,
    completed,
    received,
    async end() {
      await client.endAsync();
      recorder.endSession(session, 'disconnect');
    },
  };
}
