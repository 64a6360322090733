/**
 * Builds small mosquitto 2.0 logs (epoch prefix, `log_type all`) for CLI tests that need
 * content no fixture has: hostile client ids, very long ids and topics. The line formats are
 * the ones in fixtures/sample.log.
 */

/** One client's story in a built log. */
export interface ScenarioClients {
  /** Subscribes to `topic` and never acknowledges the QoS 1 message it gets. */
  subscriber: string;
  /** Publishes QoS 1 and QoS 2 messages on `topic`, then disconnects. */
  publisher: string;
  /** Goes silent and is dropped for exceeding its keepalive. */
  silent: string;
  /** Loses its connection (socket error). */
  broken: string;
  /** Connects twice; the second connection takes over the first. */
  twin: string;
  topic: string;
}

/** The log text (lines end in `\n`) for `c`, starting at epoch second `t0`. */
export function buildScenarioLog(c: ScenarioClients, t0 = 1795700000): string {
  const lines: string[] = [];
  const at = (dt: number, text: string): void => void lines.push(`${t0 + dt}: ${text}`);
  let port = 50000;
  const connect = (dt: number, id: string, keepalive = 60): void => {
    port++;
    at(dt, `New connection from 10.0.0.1:${port} on port 1883.`);
    at(dt, `New client connected from 10.0.0.1:${port} as ${id} (p2, c1, k${keepalive}).`);
    at(dt, 'No will message specified.');
    at(dt, `Sending CONNACK to ${id} (0, 0)`);
  };
  at(0, 'mosquitto version 2.0.11 starting');
  at(0, 'Opening ipv4 listen socket on port 1883.');
  at(0, 'mosquitto version 2.0.11 running');
  connect(1, c.subscriber);
  at(1, `Received SUBSCRIBE from ${c.subscriber}`);
  at(1, `\t${c.topic} (QoS 1)`);
  at(1, `${c.subscriber} 1 ${c.topic}`);
  at(1, `Sending SUBACK to ${c.subscriber}`);
  connect(2, c.publisher);
  at(2, `Received PUBLISH from ${c.publisher} (d0, q1, r0, m7, '${c.topic}', ... (3 bytes))`);
  at(2, `Sending PUBLISH to ${c.subscriber} (d0, q1, r0, m1, '${c.topic}', ... (3 bytes))`);
  at(2, `Sending PUBACK to ${c.publisher} (m7, rc0)`);
  at(3, `Received PUBLISH from ${c.publisher} (d0, q2, r0, m8, '${c.topic}', ... (4 bytes))`);
  at(3, `Sending PUBREC to ${c.publisher} (m8, rc0)`);
  at(3, `Received PUBREL from ${c.publisher} (Mid: 8)`);
  at(3, `Sending PUBCOMP to ${c.publisher} (m8)`);
  at(4, `Received DISCONNECT from ${c.publisher}`);
  at(4, `Client ${c.publisher} disconnected.`);
  connect(5, c.silent, 5);
  connect(6, c.broken);
  connect(7, c.twin);
  at(9, `Socket error on client ${c.broken}, disconnecting.`);
  at(10, `New connection from 10.0.0.2:${port + 1} on port 1883.`);
  at(10, `Client ${c.twin} already connected, closing old connection.`);
  at(10, `New client connected from 10.0.0.2:${port + 1} as ${c.twin} (p2, c1, k60).`);
  at(10, 'No will message specified.');
  at(10, `Sending CONNACK to ${c.twin} (0, 0)`);
  at(13, `Client ${c.silent} has exceeded timeout, disconnecting.`);
  at(20, 'mosquitto version 2.0.11 terminating');
  return lines.map((l) => `${l}\n`).join('');
}
