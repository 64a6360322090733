import { connect, type Socket } from 'node:net';
import { trackClient } from './stray-clients.js';

/** QoS level as MQTT spells it. */
export type Qos = 0 | 1 | 2;

/** What a CONNECT carries; MQTT 3.1.1 only (protocol level 4). */
export interface RawConnectOptions {
  clientId: string;
  /** Seconds; 0 disables the broker's keepalive check. Default 60. */
  keepalive?: number;
  /** Default true. */
  cleanSession?: boolean;
  username?: string;
  password?: string;
  will?: { topic: string; payload: string; qos: Qos; retain: boolean };
}

/** A PUBLISH the client sends. `mid` is required for QoS 1 and 2 and ignored for QoS 0. */
export interface RawPublish {
  topic: string;
  payload: string | Buffer;
  qos: Qos;
  retain?: boolean;
  dup?: boolean;
  mid?: number;
}

/** Packets that carry nothing but a packet id. */
type AckType = 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'unsuback';

/** Packets a broker sends to a 3.1.1 client, decoded down to what the scenarios look at. */
export type IncomingPacket =
  | { type: 'connack'; sessionPresent: boolean; returnCode: number }
  | { type: 'publish'; qos: Qos; dup: boolean; retain: boolean; topic: string; mid: number; payload: Buffer }
  | { [K in AckType]: { type: K; mid: number } }[AckType]
  | { type: 'suback'; mid: number; granted: number[] }
  | { type: 'pingresp' }
  | { type: 'other'; header: number };

/** The `type` values of {@link IncomingPacket}. */
export type IncomingType = IncomingPacket['type'];

/** How a raw connection ended, as seen from this side of the socket. */
export type RawCloseCause = 'local-disconnect' | 'local-destroy' | 'local-reset' | 'peer';

const incomingTypes: Readonly<Record<number, IncomingType>> = {
  2: 'connack',
  3: 'publish',
  4: 'puback',
  5: 'pubrec',
  6: 'pubrel',
  7: 'pubcomp',
  9: 'suback',
  11: 'unsuback',
  13: 'pingresp',
};

function encodeLength(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

function encodeString(text: string | Buffer): Buffer {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length);
  return Buffer.concat([length, body]);
}

function encodeMid(mid: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(mid);
  return buffer;
}

function encodePacket(header: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([header]), encodeLength(body.length), body]);
}

/** Encodes an MQTT 3.1.1 CONNECT packet. Called once per connection, before anything else. */
export function encodeConnect(options: RawConnectOptions): Buffer {
  const { will } = options;
  let flags = options.cleanSession === false ? 0 : 0x02;
  if (will) flags |= 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0);
  if (options.username !== undefined) flags |= 0x80;
  if (options.password !== undefined) flags |= 0x40;
  const keepalive = Buffer.alloc(2);
  keepalive.writeUInt16BE(options.keepalive ?? 60);
  const payload = [encodeString(options.clientId)];
  if (will) payload.push(encodeString(will.topic), encodeString(will.payload));
  if (options.username !== undefined) payload.push(encodeString(options.username));
  if (options.password !== undefined) payload.push(encodeString(options.password));
  return encodePacket(0x10, encodeString('MQTT'), Buffer.from([4, flags]), keepalive, ...payload);
}

/** Encodes a PUBLISH; throws when a QoS 1/2 message has no packet id (a driver bug, not input). */
export function encodePublish(message: RawPublish): Buffer {
  const header = 0x30 | (message.dup ? 0x08 : 0) | (message.qos << 1) | (message.retain ? 0x01 : 0);
  const payload = typeof message.payload === 'string' ? Buffer.from(message.payload, 'utf8') : message.payload;
  if (message.qos === 0) return encodePacket(header, encodeString(message.topic), payload);
  if (message.mid === undefined) throw new Error(`QoS ${message.qos} PUBLISH to ${message.topic} needs a mid`);
  return encodePacket(header, encodeString(message.topic), encodeMid(message.mid), payload);
}

/**
 * Decodes every complete packet at the start of `buffer`.
 * Returns the packets and the bytes left over (a packet split across TCP reads).
 */
export function decodePackets(buffer: Buffer): { packets: IncomingPacket[]; rest: Buffer } {
  const packets: IncomingPacket[] = [];
  let offset = 0;
  for (;;) {
    let length = 0;
    let multiplier = 1;
    let cursor = offset + 1;
    let complete = false;
    while (cursor < buffer.length && cursor - offset <= 4) {
      const byte = buffer[cursor++] ?? 0;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) {
        complete = true;
        break;
      }
    }
    if (!complete || cursor + length > buffer.length) break;
    packets.push(decodeBody(buffer[offset] ?? 0, buffer.subarray(cursor, cursor + length)));
    offset = cursor + length;
  }
  return { packets, rest: buffer.subarray(offset) };
}

function decodeBody(header: number, body: Buffer): IncomingPacket {
  const type = incomingTypes[header >> 4];
  switch (type) {
    case 'connack':
      return { type, sessionPresent: ((body[0] ?? 0) & 0x01) === 1, returnCode: body[1] ?? -1 };
    case 'publish': {
      const qos = ((header >> 1) & 0x03) as Qos;
      const topicLength = body.readUInt16BE(0);
      const topic = body.subarray(2, 2 + topicLength).toString('utf8');
      const mid = qos > 0 ? body.readUInt16BE(2 + topicLength) : 0;
      const payload = body.subarray(2 + topicLength + (qos > 0 ? 2 : 0));
      return { type, qos, dup: (header & 0x08) !== 0, retain: (header & 0x01) !== 0, topic, mid, payload };
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
    case 'unsuback':
      return { type, mid: body.readUInt16BE(0) };
    case 'suback':
      return { type, mid: body.readUInt16BE(0), granted: [...body.subarray(2)] };
    case 'pingresp':
      return { type };
    default:
      return { type: 'other', header };
  }
}

interface Waiter {
  type: IncomingType;
  resolve: (packet: IncomingPacket) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A hand-rolled MQTT 3.1.1 client that does exactly what the driver says and nothing else:
 * no automatic acknowledgements, no keepalive pings, no retries. Scenarios use it to misbehave
 * on purpose (stall a QoS 2 flow, go silent, vanish without DISCONNECT).
 */
export class RawClient {
  /** Packets received and not yet taken by {@link RawClient.next}, oldest first. */
  private readonly inbox: IncomingPacket[] = [];
  private readonly waiters: Waiter[] = [];
  private pending: Buffer = Buffer.alloc(0);
  private midCounter = 0;
  private closeCause: RawCloseCause | undefined;
  /** Resolves when the socket has closed, with who closed it. */
  readonly closed: Promise<RawCloseCause>;

  private constructor(
    private readonly socket: Socket,
    /** The client id this connection sent (or will send) in CONNECT. */
    readonly clientId: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    const untrack = trackClient(() => socket.destroy());
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        untrack();
        this.closeCause ??= 'peer';
        for (const waiter of this.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`${clientId}: connection closed while waiting for ${waiter.type}`));
        }
        resolve(this.closeCause);
      });
    });
  }

  /** Opens a TCP connection to 127.0.0.1:`port` and sends nothing yet. */
  static open(port: number, clientId: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket, clientId));
      });
    });
  }

  /** Opens a connection, sends CONNECT and waits for the CONNACK (accepted or not). */
  static async connect(
    port: number,
    options: RawConnectOptions,
  ): Promise<{ client: RawClient; connack: Extract<IncomingPacket, { type: 'connack' }> }> {
    const client = await RawClient.open(port, options.clientId);
    client.sendConnect(options);
    const connack = await client.next('connack');
    return { client, connack };
  }

  /** Sends a CONNECT (a second one on a connection breaks the protocol). */
  sendConnect(options: RawConnectOptions): void {
    this.write(encodeConnect(options));
  }

  /** The next packet id for an outgoing QoS 1/2 PUBLISH or SUBSCRIBE (1…65535, then wraps). */
  allocateMid(): number {
    this.midCounter = (this.midCounter % 65535) + 1;
    return this.midCounter;
  }

  /** True until the socket closes. */
  get isOpen(): boolean {
    return this.closeCause === undefined && !this.socket.destroyed;
  }

  /** Sends a PUBLISH and returns the packet id used (0 for QoS 0). */
  publish(message: Omit<RawPublish, 'mid'>): number {
    const mid = message.qos === 0 ? 0 : this.allocateMid();
    this.write(encodePublish({ ...message, mid }));
    return mid;
  }

  /** Sends SUBSCRIBE for each filter and returns its packet id; see {@link RawClient.subscribe}. */
  sendSubscribe(filters: ReadonlyArray<{ topic: string; qos: Qos }>): number {
    const mid = this.allocateMid();
    const topics = filters.map((f) => Buffer.concat([encodeString(f.topic), Buffer.from([f.qos])]));
    this.write(encodePacket(0x82, encodeMid(mid), ...topics));
    return mid;
  }

  /** Subscribes and waits for the SUBACK; resolves with the granted QoS (or 0x80) per filter. */
  async subscribe(filters: ReadonlyArray<{ topic: string; qos: Qos }>): Promise<number[]> {
    this.sendSubscribe(filters);
    const suback = await this.next('suback');
    return suback.granted;
  }

  /** Acknowledges a QoS 1 delivery. */
  puback(mid: number): void {
    this.write(encodePacket(0x40, encodeMid(mid)));
  }

  /** First acknowledgement of a QoS 2 delivery; the broker answers PUBREL. */
  pubrec(mid: number): void {
    this.write(encodePacket(0x50, encodeMid(mid)));
  }

  /** PUBREL has the reserved flag bits 0010 (MQTT 3.1.1 §3.6.1). */
  pubrel(mid: number): void {
    this.write(encodePacket(0x62, encodeMid(mid)));
  }

  /** Final acknowledgement of a QoS 2 delivery, after the broker's PUBREL. */
  pubcomp(mid: number): void {
    this.write(encodePacket(0x70, encodeMid(mid)));
  }

  /** Keepalive ping; the broker answers PINGRESP. */
  pingreq(): void {
    this.write(Buffer.from([0xc0, 0x00]));
  }

  /** Sends DISCONNECT, half-closes the socket and waits for the broker to close its side. */
  async disconnect(): Promise<void> {
    if (!this.isOpen) return;
    this.closeCause = 'local-disconnect';
    this.socket.end(Buffer.from([0xe0, 0x00]));
    await this.closed;
  }

  /** Closes the socket (FIN) without DISCONNECT, as a crashed process would. */
  async destroy(): Promise<void> {
    if (!this.isOpen) return;
    this.closeCause = 'local-destroy';
    this.socket.destroy();
    await this.closed;
  }

  /** Aborts the connection with a TCP RST, without DISCONNECT. */
  async reset(): Promise<void> {
    if (!this.isOpen) return;
    this.closeCause = 'local-reset';
    this.socket.resetAndDestroy();
    await this.closed;
  }

  /** Waits for the next packet of `type` (taking it from those already received first). */
  next<K extends IncomingType>(type: K, timeoutMs = 3000): Promise<Extract<IncomingPacket, { type: K }>> {
    const index = this.inbox.findIndex((p) => p.type === type);
    if (index >= 0) {
      const [packet] = this.inbox.splice(index, 1);
      return Promise.resolve(packet as Extract<IncomingPacket, { type: K }>);
    }
    if (!this.isOpen) return Promise.reject(new Error(`${this.clientId}: closed, no ${type} will come`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        resolve: (packet) => resolve(packet as Extract<IncomingPacket, { type: K }>),
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`${this.clientId}: no ${type} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Like {@link RawClient.next} but resolves `undefined` instead of failing when nothing comes. */
  async poll<K extends IncomingType>(
    type: K,
    timeoutMs: number,
  ): Promise<Extract<IncomingPacket, { type: K }> | undefined> {
    try {
      return await this.next(type, timeoutMs);
    } catch {
      return undefined;
    }
  }

  private write(packet: Buffer): void {
    this.socket.write(packet);
  }

  private receive(chunk: Buffer): void {
    const { packets, rest } = decodePackets(Buffer.concat([this.pending, chunk]));
    this.pending = rest;
    for (const packet of packets) {
      const index = this.waiters.findIndex((w) => w.type === packet.type);
      const waiter = index >= 0 ? this.waiters.splice(index, 1)[0] : undefined;
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.resolve(packet);
      } else {
        this.inbox.push(packet);
      }
    }
  }
}
