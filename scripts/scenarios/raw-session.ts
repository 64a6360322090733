import type { Broker } from '../../test/support/broker.js';
import type { TruthEndReason, TruthSession } from '../../test/support/truth.js';
import { RawClient, type IncomingPacket, type Qos, type RawConnectOptions } from './raw-client.js';
import type { TruthRecorder } from './truth-recorder.js';

/** A PUBLISH as a raw client received it. */
export type ReceivedPublish = Extract<IncomingPacket, { type: 'publish' }>;

/**
 * A {@link RawClient} whose accepted connection is a truth session. Its helpers run complete,
 * well-behaved QoS flows and record them; misbehaviour goes through `raw` directly, and the
 * scenario records it itself.
 */
export class RawSession {
  private constructor(
    /** The underlying client, for packets the helpers do not send. */
    readonly raw: RawClient,
    readonly session: TruthSession,
    /** CONNACK's session-present flag. */
    readonly sessionPresent: boolean,
    private readonly recorder: TruthRecorder,
  ) {}

  /**
   * Connects and records the session on CONNACK 0. A refused CONNECT is counted on the recorder,
   * and the promise rejects once the broker has closed the socket.
   */
  static async connect(broker: Broker, recorder: TruthRecorder, options: RawConnectOptions): Promise<RawSession> {
    const { client, connack } = await RawClient.connect(broker.port, options);
    if (connack.returnCode !== 0) {
      recorder.refuseConnection();
      await client.closed;
      throw new Error(`${options.clientId}: CONNACK return code ${connack.returnCode}`);
    }
    const session = recorder.openSession(options.clientId, {
      cleanSession: options.cleanSession ?? true,
      keepalive: options.keepalive ?? 60,
      ...(options.username === undefined ? {} : { username: options.username }),
    });
    return new RawSession(client, session, connack.sessionPresent, recorder);
  }

  /** The client id sent in CONNECT. */
  get clientId(): string {
    return this.raw.clientId;
  }

  /** Publishes and, for QoS 1/2, runs the flow to its end (PUBACK, or PUBREC/PUBREL/PUBCOMP). */
  async publish(topic: string, payload: string, qos: Qos, retain = false): Promise<number> {
    const mid = this.raw.publish({ topic, payload, qos, retain });
    if (qos === 1) {
      await this.expectAck('puback', mid);
    } else if (qos === 2) {
      await this.expectAck('pubrec', mid);
      this.raw.pubrel(mid);
      await this.expectAck('pubcomp', mid);
    }
    if (qos > 0) this.recorder.completeFlow(this.clientId, 'in');
    return mid;
  }

  /** Waits for the next PUBLISH and acknowledges it fully (PUBACK, or PUBREC/PUBREL/PUBCOMP). */
  async receive(timeoutMs = 3000): Promise<ReceivedPublish> {
    const message = await this.raw.next('publish', timeoutMs);
    if (message.qos === 1) {
      this.raw.puback(message.mid);
    } else if (message.qos === 2) {
      this.raw.pubrec(message.mid);
      await this.expectAck('pubrel', message.mid);
      this.raw.pubcomp(message.mid);
    }
    if (message.qos > 0) this.recorder.completeFlow(this.clientId, 'out');
    return message;
  }

  /** Subscribes and returns the granted QoS per filter (0x80 = refused). */
  subscribe(filters: ReadonlyArray<{ topic: string; qos: Qos }>): Promise<number[]> {
    return this.raw.subscribe(filters);
  }

  /** Clean DISCONNECT; records `disconnect`. */
  async disconnect(): Promise<void> {
    await this.raw.disconnect();
    this.recorder.endSession(this.session, 'disconnect');
  }

  /** Closes the socket without DISCONNECT, as a crashed client would; records `closed`. */
  async vanish(): Promise<void> {
    await this.raw.destroy();
    this.recorder.endSession(this.session, 'closed');
  }

  /**
   * Waits (up to `timeoutMs`) for the broker to close the connection and records `reason`.
   * Rejects if the broker keeps it open: the scenario expected it to act.
   */
  async expectClosedByBroker(reason: TruthEndReason, timeoutMs: number): Promise<number> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.clientId}: broker did not close within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const cause = await Promise.race([this.raw.closed, timeout]);
      if (cause !== 'peer') throw new Error(`${this.clientId}: closed locally (${cause}), not by the broker`);
    } finally {
      clearTimeout(timer);
    }
    this.recorder.endSession(this.session, reason);
    return Date.now() - started;
  }

  private async expectAck(type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp', mid: number): Promise<void> {
    const ack = await this.raw.next(type);
    if (ack.mid !== mid) throw new Error(`${this.clientId}: ${type} for m${ack.mid}, expected m${mid}`);
  }
}
