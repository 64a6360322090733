/**
 * Deterministic generator of synthetic mosquitto 2.0 debug logs (`log_type all`) for `npm run bench`.
 *
 * The log is produced by a small simulation of a busy broker: clients connect, subscribe, publish at
 * QoS 0/1/2, receive fan-out, ping, and leave cleanly or not, all interleaved. Every line uses the
 * 2.0.x wording. The output is streamed to disk in chunks,
 * never held in memory, and a file with the same parameters is reused instead of regenerated.
 *
 * Run directly: `node dist/bench/generate.js --lines 2000000 --style epoch [--seed 1] [--force]`.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Timestamp prefix styles: `1700000000: ` or `2023-11-14T22:13:20: ` (`%Y-%m-%dT%H:%M:%S`). */
export const prefixStyles = ['epoch', 'iso'] as const;

/** One of {@link prefixStyles}. */
export type PrefixStyle = (typeof prefixStyles)[number];

/** What to generate. The same options always give byte-identical output. */
export interface GenerateOptions {
  /** Exact number of lines in the file. */
  lines: number;
  style: PrefixStyle;
  seed: number;
  /** Directory for the log; created when missing. */
  outDir: string;
  /** Regenerate even when a file with these parameters exists. */
  force?: boolean;
}

/** A log file on disk and how it came to be there. */
export interface GeneratedLog {
  path: string;
  lines: number;
  bytes: number;
  /** True when an existing file was reused; `seconds` is then 0. */
  reused: boolean;
  seconds: number;
}

/**
 * Bumped whenever the output for a given (lines, style, seed) changes, so stale files in
 * `bench/out/` are not reused.
 */
export const GENERATOR_VERSION = 1;

/** Default seed used by the bench. */
export const DEFAULT_SEED = 20231114;

/** The first timestamp of every log: 2023-11-14T22:13:20Z. */
const START_EPOCH = 1_700_000_000;
const BROKER_VERSION = '2.0.18';
const LISTENER_PORT = 1883;
/** Characters buffered before a write; large writes keep the generator I/O-cheap. */
const CHUNK_CHARS = 1 << 17;

/**
 * Returns the path the log for these parameters lives at, whether or not it exists yet.
 */
export function resolveLogPath(options: Pick<GenerateOptions, 'lines' | 'style' | 'seed' | 'outDir'>): string {
  return join(options.outDir, `mosquitto-${options.style}-${options.lines}-s${options.seed}-g${GENERATOR_VERSION}.log`);
}

/**
 * Makes sure the log for `options` exists, generating it when needed. The file is written under a
 * temporary name and renamed at the end, so an interrupted run never leaves a truncated file that
 * a later run would reuse.
 */
export function ensureLog(options: GenerateOptions): GeneratedLog {
  const path = resolveLogPath(options);
  if (!options.force && existsSync(path)) {
    return { path, lines: options.lines, bytes: statSync(path).size, reused: true, seconds: 0 };
  }
  mkdirSync(options.outDir, { recursive: true });
  const partial = `${path}.partial-${process.pid}`;
  const started = process.hrtime.bigint();
  const fd = openSync(partial, 'w');
  let bytes = 0;
  try {
    bytes = writeLog(fd, options.lines, options.style, options.seed);
  } catch (error) {
    closeSync(fd);
    unlinkSync(partial);
    throw error;
  }
  closeSync(fd);
  renameSync(partial, path);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { path, lines: options.lines, bytes, reused: false, seconds };
}

/**
 * Small, fast xorshift128 generator seeded through an integer mixer. Deterministic across
 * platforms because it only uses 32-bit integer arithmetic.
 */
class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix() | 1;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    let t = this.d;
    const s = this.a;
    this.d = this.c;
    this.c = this.b;
    this.b = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.a = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.a / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}

type Qos = 0 | 1 | 2;
type Role = 'sensor' | 'app' | 'tool';

interface Subscription {
  client: Client;
  group: Group;
  qos: Qos;
}

interface RetainedMessage {
  topic: string;
  bytes: number;
  qos: Qos;
}

interface Group {
  filter: string;
  topics: string[];
  subscribers: Subscription[];
  retained: RetainedMessage[];
}

interface Will {
  topic: string;
  bytes: number;
  qos: Qos;
  retain: boolean;
}

interface Client {
  id: string;
  username: string | undefined;
  role: Role;
  cleanSession: boolean;
  keepalive: number;
  protocol: 1 | 2 | 5;
  will: Will | undefined;
  /** Group a sensor publishes to; apps pick one per message. */
  home: Group;
  /** A sensor's own command topic, created when it first subscribes. */
  commands: Group | undefined;
  connected: boolean;
  /** Bumped at every disconnect; tasks from an older connection are stale. */
  generation: number;
  /** Index in the `online` list while connected. */
  slot: number;
  port: number;
  hasSession: boolean;
  clientMid: number;
  brokerMid: number;
  subscriptions: Subscription[];
  /** Unfinished broker → client QoS 1/2 flows, resent on reconnect when the session persists. */
  outFlows: Set<OutFlow>;
}

interface InFlow {
  kind: 'in2';
  client: Client;
  generation: number;
  mid: number;
  topic: string;
  bytes: number;
  group: Group;
}

interface OutFlow {
  kind: 'out1' | 'out2';
  client: Client;
  generation: number;
  mid: number;
  topic: string;
  bytes: number;
  retain: boolean;
  state: 'await-puback' | 'await-pubrec' | 'await-pubcomp';
  /** Tick the flow's next step is due at; an older wheel entry for the same flow is ignored. */
  due: number;
}

interface SubscribeTask {
  kind: 'subscribe';
  client: Client;
  generation: number;
}

interface ProbeTask {
  kind: 'probe-end';
}

type Task = InFlow | OutFlow | SubscribeTask | ProbeTask;

const WHEEL_SLOTS = 128;

const siteNames = ['hq', 'plant-a', 'plant-b', 'lab', 'depot', 'harbour', 'north', 'south'] as const;
const deviceKinds = ['temperature', 'power', 'door', 'hvac', 'meter', 'light'] as const;
const metricNames = ['state', 'value', 'telemetry', 'battery', 'rssi', 'status/online'] as const;
const usernames = ['device', 'sensor-gw', 'nodered', 'homeassistant', 'telegraf', 'grafana', 'ops'] as const;
const appPrefixes = ['nodered_', 'homeassistant-', 'telegraf-', 'grafana-', 'collector-', 'dashboard-'] as const;
const alphanumerics = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const hexDigits = '0123456789ABCDEF';

/** Buffered writer that counts lines and stops accepting them at the limit. */
class LineSink {
  private buffer = '';
  private prefix = '';
  private prefixSecond = -1;
  bytes = 0;
  count = 0;

  constructor(
    private readonly fd: number,
    private readonly limit: number,
    private readonly style: PrefixStyle,
  ) {}

  get full(): boolean {
    return this.count >= this.limit;
  }

  setClock(epochSeconds: number): void {
    if (epochSeconds === this.prefixSecond) return;
    this.prefixSecond = epochSeconds;
    this.prefix = this.style === 'epoch' ? `${epochSeconds}: ` : `${formatIsoSeconds(epochSeconds)}: `;
  }

  emit(message: string): void {
    if (this.count >= this.limit) return;
    this.buffer += this.prefix + message + '\n';
    this.count++;
    if (this.buffer.length >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const data = Buffer.from(this.buffer, 'utf8');
    let offset = 0;
    while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset);
    this.bytes += data.length;
    this.buffer = '';
  }
}

/** `%Y-%m-%dT%H:%M:%S` of an epoch second, in UTC (the bench runs as if TZ=UTC). */
function formatIsoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19);
}

/** The simulated broker: clients, topic groups, and a timing wheel of pending protocol steps. */
class BrokerSimulation {
  private readonly rng: Random;
  private readonly out: LineSink;
  private readonly groups: Group[] = [];
  private readonly statusGroup: Group;
  private readonly sysGroup: Group;
  private readonly online: Client[] = [];
  private readonly offline: Client[] = [];
  private readonly wheel: Task[][] = [];
  private tick = 0;
  private clock = START_EPOCH;
  private nextPort = 40000;
  private nextDeviceNumber = 1;
  private targetOnline = 300;
  private uptime = 0;
  private bytesReceived = 0;

  constructor(out: LineSink, seed: number) {
    this.rng = new Random(seed);
    this.out = out;
    for (let i = 0; i < WHEEL_SLOTS; i++) this.wheel.push([]);
    for (const site of siteNames) {
      for (const kind of deviceKinds) {
        const topics: string[] = [];
        const devices = this.rng.between(3, 12);
        for (let d = 1; d <= devices; d++) {
          const device = `${kind.slice(0, 4)}-${String(d).padStart(3, '0')}`;
          topics.push(`site/${site}/${kind}/${device}/${this.rng.pick(metricNames)}`);
          if (this.rng.chance(0.5)) topics.push(`site/${site}/${kind}/${device}/${this.rng.pick(metricNames)}`);
        }
        const filter = this.rng.chance(0.7) ? `site/${site}/${kind}/#` : `site/${site}/${kind}/+/${this.rng.pick(metricNames)}`;
        this.groups.push({ filter, topics, subscribers: [], retained: [] });
      }
    }
    this.statusGroup = { filter: 'clients/+/status', topics: [], subscribers: [], retained: [] };
    this.sysGroup = { filter: '$SYS/#', topics: [], subscribers: [], retained: [] };
  }

  run(): void {
    this.out.setClock(this.clock);
    this.emitStartup();
    while (!this.out.full) this.step();
    this.out.flush();
  }

  private emitStartup(): void {
    const o = this.out;
    o.emit(`mosquitto version ${BROKER_VERSION} starting`);
    o.emit('Config loaded from /etc/mosquitto/mosquitto.conf.');
    o.emit(`Opening ipv4 listen socket on port ${LISTENER_PORT}.`);
    o.emit(`Opening ipv6 listen socket on port ${LISTENER_PORT}.`);
    o.emit(`mosquitto version ${BROKER_VERSION} running`);
  }

  /** One pass of the broker's main loop: due protocol steps, then one new client action. */
  private step(): void {
    const rng = this.rng;
    this.tick++;
    // 2.0 caches the time once per loop pass, so bursts of lines share a second.
    if (rng.chance(1 / 220)) this.advanceClock();

    const due = this.wheel[this.tick % WHEEL_SLOTS];
    if (due !== undefined && due.length > 0) {
      this.wheel[this.tick % WHEEL_SLOTS] = [];
      for (const task of due) this.runTask(task);
    }

    const online = this.online.length;
    const r = rng.next();
    if (r < 0.03) {
      if (online < this.targetOnline) this.connect();
      else this.disconnect(this.pickOnline());
    } else if (r < 0.036) {
      if (online > 20) this.disconnect(this.pickOnline());
    } else if (r < 0.1) {
      if (online > 0) this.ping(this.pickOnline());
    } else if (r < 0.104) {
      this.probe();
    } else if (r < 0.107) {
      if (online > 0) this.changeSubscriptions(this.pickOnline());
    } else if (online > 0) {
      let client = this.pickOnline();
      if (client.role !== 'sensor' && rng.chance(0.75)) client = this.pickOnline();
      this.publishFrom(client);
    }
  }

  private advanceClock(): void {
    this.clock++;
    this.uptime++;
    this.out.setClock(this.clock);
    if (this.rng.chance(0.01)) this.targetOnline = this.rng.between(80, 600);
    if (this.clock % 10 === 0) this.publishSys();
  }

  private schedule(task: Task, delay: number): void {
    if (task.kind === 'out1' || task.kind === 'out2') task.due = this.tick + delay;
    const slot = this.wheel[(this.tick + delay) % WHEEL_SLOTS];
    if (slot !== undefined) slot.push(task);
  }

  private pickOnline(): Client {
    return this.rng.pick(this.online);
  }

  private nextClientMid(client: Client): number {
    const mid = client.clientMid;
    client.clientMid = mid >= 65535 ? 1 : mid + 1;
    return mid;
  }

  private nextBrokerMid(client: Client): number {
    const mid = client.brokerMid;
    client.brokerMid = mid >= 65535 ? 1 : mid + 1;
    return mid;
  }

  private takePort(): number {
    this.nextPort += this.rng.between(1, 40);
    if (this.nextPort > 60999) this.nextPort = 32768 + this.rng.int(2000);
    return this.nextPort;
  }

  private createClient(): Client {
    const rng = this.rng;
    const r = rng.next();
    const role: Role = r < 0.8 ? 'sensor' : r < 0.9 ? 'app' : 'tool';
    let id: string;
    let username: string | undefined;
    let cleanSession = true;
    let keepalive = 60;
    let protocol: 1 | 2 | 5 = rng.chance(0.15) ? 5 : 2;
    if (role === 'sensor') {
      id = `sensor-${rng.pick(siteNames)}-${String(this.nextDeviceNumber++).padStart(5, '0')}`;
      username = rng.chance(0.7) ? rng.pick(usernames.slice(0, 2)) : undefined;
      cleanSession = rng.chance(0.6);
      keepalive = rng.pick([15, 30, 60, 60, 60, 120]);
      if (rng.chance(0.03)) protocol = 1;
    } else if (role === 'app') {
      id = `${rng.pick(appPrefixes)}${randomText(rng, hexDigits, 8).toLowerCase()}`;
      username = rng.chance(0.8) ? rng.pick(usernames.slice(2)) : undefined;
      cleanSession = rng.chance(0.5);
      keepalive = rng.pick([30, 60, 60, 300]);
    } else if (rng.chance(0.7)) {
      id = `mosq-${randomText(rng, alphanumerics, 16)}`;
    } else {
      id = `auto-${randomUuid(rng)}`;
      protocol = 5;
    }
    const will: Will | undefined =
      role === 'sensor' && rng.chance(0.5)
        ? { topic: `clients/${id}/status`, bytes: 7, qos: rng.chance(0.5) ? 1 : 0, retain: rng.chance(0.6) }
        : undefined;
    return {
      id,
      username,
      role,
      cleanSession,
      keepalive,
      protocol,
      will,
      home: rng.pick(this.groups),
      commands: undefined,
      connected: false,
      generation: 0,
      slot: -1,
      port: 0,
      hasSession: false,
      clientMid: rng.between(1, 200),
      brokerMid: 1,
      subscriptions: [],
      outFlows: new Set(),
    };
  }

  /** New connection → New client connected → will lines → CONNACK, then a subscribe a few ticks later. */
  private connect(): void {
    const rng = this.rng;
    let client: Client;
    if (this.offline.length > 0 && rng.chance(0.6)) {
      const index = rng.int(this.offline.length);
      client = this.offline[index] as Client;
      const last = this.offline.pop() as Client;
      if (last !== client) this.offline[index] = last;
    } else {
      client = this.createClient();
    }
    const o = this.out;
    client.port = this.takePort();
    client.connected = true;
    client.slot = this.online.length;
    this.online.push(client);
    o.emit(`New connection from 127.0.0.1:${client.port} on port ${LISTENER_PORT}.`);
    const user = client.username === undefined ? '' : `, u'${client.username}'`;
    o.emit(
      `New client connected from 127.0.0.1:${client.port} as ${client.id} (p${client.protocol}, c${client.cleanSession ? 1 : 0}, k${client.keepalive}${user}).`,
    );
    if (client.will === undefined) {
      o.emit('No will message specified.');
    } else {
      const will = client.will;
      o.emit(`Will message specified (${will.bytes} bytes) (r${will.retain ? 1 : 0}, q${will.qos}).`);
      o.emit(`\t${will.topic}`);
    }
    const sessionPresent = !client.cleanSession && client.hasSession;
    o.emit(`Sending CONNACK to ${client.id} (${sessionPresent ? 1 : 0}, 0)`);
    if (sessionPresent) {
      this.resendInflight(client);
    } else {
      client.hasSession = !client.cleanSession;
      if (client.role !== 'tool' || rng.chance(0.7)) {
        this.schedule({ kind: 'subscribe', client, generation: client.generation }, rng.between(1, 6));
      }
    }
  }

  /** A resumed persistent session: unfinished outgoing flows are retried with the DUP flag. */
  private resendInflight(client: Client): void {
    for (const flow of client.outFlows) {
      flow.generation = client.generation;
      if (flow.state === 'await-pubcomp') {
        this.out.emit(`Sending PUBREL to ${client.id} (m${flow.mid})`);
      } else {
        const qos = flow.kind === 'out1' ? 1 : 2;
        this.out.emit(
          `Sending PUBLISH to ${client.id} (d1, q${qos}, r${flow.retain ? 1 : 0}, m${flow.mid}, '${flow.topic}', ... (${flow.bytes} bytes))`,
        );
      }
      this.schedule(flow, this.rng.between(1, 12));
    }
  }

  private subscribe(client: Client): void {
    const rng = this.rng;
    const wanted: Group[] = [];
    if (client.role === 'app') {
      const count = rng.between(1, 3);
      for (let i = 0; i < count; i++) wanted.push(rng.pick(this.groups));
      if (rng.chance(0.4)) wanted.push(this.statusGroup);
      if (rng.chance(0.1)) wanted.push(this.sysGroup);
    } else if (client.role === 'tool') {
      wanted.push(rng.chance(0.1) ? this.sysGroup : rng.pick(this.groups));
    } else {
      if (!rng.chance(0.5)) return;
      wanted.push(this.commandGroupOf(client));
    }
    this.emitSubscribe(client, wanted);
  }

  private emitSubscribe(client: Client, wanted: Group[]): void {
    const rng = this.rng;
    const o = this.out;
    o.emit(`Received SUBSCRIBE from ${client.id}`);
    const fresh: Subscription[] = [];
    for (const group of wanted) {
      const qos = rng.pick([0, 1, 1, 2] as const);
      o.emit(`\t${group.filter} (QoS ${qos})`);
      o.emit(`${client.id} ${qos} ${group.filter}`);
      const existing = client.subscriptions.find((s) => s.group === group);
      if (existing === undefined) {
        const subscription: Subscription = { client, group, qos };
        client.subscriptions.push(subscription);
        group.subscribers.push(subscription);
        fresh.push(subscription);
      } else {
        existing.qos = qos;
      }
    }
    o.emit(`Sending SUBACK to ${client.id}`);
    for (const subscription of fresh) {
      for (const message of subscription.group.retained) {
        this.sendPublish(client, message.topic, Math.min(message.qos, subscription.qos) as Qos, message.bytes, true);
      }
    }
  }

  /** The per-device command topic a sensor listens on; apps occasionally publish to it. */
  private commandGroupOf(client: Client): Group {
    if (client.commands === undefined) {
      const topic = `devices/${client.id}/cmd`;
      client.commands = { filter: topic, topics: [topic], subscribers: [], retained: [] };
    }
    return client.commands;
  }

  private changeSubscriptions(client: Client): void {
    const subscription = client.subscriptions[0];
    if (subscription === undefined || (client.subscriptions.length < 4 && this.rng.chance(0.5))) {
      this.emitSubscribe(client, [this.rng.pick(this.groups)]);
      return;
    }
    const o = this.out;
    o.emit(`Received UNSUBSCRIBE from ${client.id}`);
    o.emit(`\t${subscription.group.filter}`);
    o.emit(`${client.id} ${subscription.group.filter}`);
    o.emit(`Sending UNSUBACK to ${client.id}`);
    this.dropSubscription(subscription);
  }

  private dropSubscription(subscription: Subscription): void {
    removeItem(subscription.client.subscriptions, subscription);
    removeItem(subscription.group.subscribers, subscription);
  }

  private ping(client: Client): void {
    this.out.emit(`Received PINGREQ from ${client.id}`);
    this.out.emit(`Sending PINGRESP to ${client.id}`);
  }

  /** A health check: a TCP connection that never sends CONNECT. */
  private probe(): void {
    this.out.emit(`New connection from 127.0.0.1:${this.takePort()} on port ${LISTENER_PORT}.`);
    this.schedule({ kind: 'probe-end' }, this.rng.between(1, 4));
  }

  private publishFrom(client: Client): void {
    const rng = this.rng;
    let group = client.role === 'sensor' && rng.chance(0.9) ? client.home : rng.pick(this.groups);
    if (client.role === 'app' && rng.chance(0.15)) {
      const target = this.pickOnline();
      if (target.commands !== undefined) group = target.commands;
    }
    const topic = rng.pick(group.topics);
    const r = rng.next();
    const qos: Qos = r < 0.45 ? 0 : r < 0.85 ? 1 : 2;
    const retain = rng.chance(0.08);
    const bytes = rng.chance(0.02) ? 0 : rng.chance(0.9) ? rng.between(2, 120) : rng.between(121, 4000);
    const mid = qos === 0 ? 0 : this.nextClientMid(client);
    const o = this.out;
    this.bytesReceived += bytes;
    o.emit(`Received PUBLISH from ${client.id} (d0, q${qos}, r${retain ? 1 : 0}, m${mid}, '${topic}', ... (${bytes} bytes))`);
    if (retain) this.storeRetained(group, topic, bytes, qos);
    if (qos === 0) {
      this.deliver(group, topic, 0, bytes);
    } else if (qos === 1) {
      this.deliver(group, topic, 1, bytes);
      o.emit(`Sending PUBACK to ${client.id} (m${mid}, rc0)`);
    } else {
      o.emit(`Sending PUBREC to ${client.id} (m${mid}, rc0)`);
      if (rng.chance(0.0005)) return; // a client that never sends PUBREL: flow stays incomplete
      this.schedule({ kind: 'in2', client, generation: client.generation, mid, topic, bytes, group }, rng.between(1, 10));
    }
  }

  private storeRetained(group: Group, topic: string, bytes: number, qos: Qos): void {
    const existing = group.retained.find((m) => m.topic === topic);
    if (bytes === 0) {
      if (existing !== undefined) removeItem(group.retained, existing);
    } else if (existing !== undefined) {
      existing.bytes = bytes;
      existing.qos = qos;
    } else if (group.retained.length < 3) {
      group.retained.push({ topic, bytes, qos });
    }
  }

  /** Fan-out to every online subscriber at min(publish QoS, subscription QoS). */
  private deliver(group: Group, topic: string, qos: Qos, bytes: number): void {
    const subscribers = group.subscribers;
    for (let i = 0; i < subscribers.length; i++) {
      const subscription = subscribers[i] as Subscription;
      if (!subscription.client.connected) continue;
      this.sendPublish(subscription.client, topic, (qos < subscription.qos ? qos : subscription.qos) as Qos, bytes, false);
    }
  }

  private sendPublish(client: Client, topic: string, qos: Qos, bytes: number, retain: boolean): void {
    const mid = qos === 0 ? 0 : this.nextBrokerMid(client);
    this.out.emit(`Sending PUBLISH to ${client.id} (d0, q${qos}, r${retain ? 1 : 0}, m${mid}, '${topic}', ... (${bytes} bytes))`);
    if (qos === 0) return;
    const flow: OutFlow = {
      kind: qos === 1 ? 'out1' : 'out2',
      client,
      generation: client.generation,
      mid,
      topic,
      bytes,
      retain,
      state: qos === 1 ? 'await-puback' : 'await-pubrec',
      due: -1,
    };
    client.outFlows.add(flow);
    if (qos === 2 && this.rng.chance(0.0005)) return; // a subscriber that stops answering: left incomplete
    this.schedule(flow, this.rng.between(1, 12));
  }

  private publishSys(): void {
    if (this.sysGroup.subscribers.length === 0) return;
    const topics: [string, string][] = [
      ['$SYS/broker/uptime', `${this.uptime} seconds`],
      ['$SYS/broker/clients/connected', String(this.online.length)],
      ['$SYS/broker/bytes/received', String(this.bytesReceived)],
    ];
    for (const [topic, payload] of topics) this.deliver(this.sysGroup, topic, 0, payload.length);
  }

  private runTask(task: Task): void {
    const o = this.out;
    switch (task.kind) {
      case 'probe-end':
        o.emit('Client <unknown> closed its connection.');
        return;
      case 'subscribe':
        if (task.client.generation === task.generation && task.client.connected) this.subscribe(task.client);
        return;
      case 'in2': {
        const client = task.client;
        if (client.generation !== task.generation || !client.connected) return;
        o.emit(`Received PUBREL from ${client.id} (Mid: ${task.mid})`);
        this.deliver(task.group, task.topic, 2, task.bytes);
        o.emit(`Sending PUBCOMP to ${client.id} (m${task.mid})`);
        return;
      }
      case 'out1':
      case 'out2':
        this.advanceOutFlow(task);
        return;
    }
  }

  private advanceOutFlow(flow: OutFlow): void {
    const client = flow.client;
    if (flow.due !== this.tick || client.generation !== flow.generation || !client.connected) return;
    const o = this.out;
    switch (flow.state) {
      case 'await-puback':
        o.emit(`Received PUBACK from ${client.id} (Mid: ${flow.mid}, RC:0)`);
        client.outFlows.delete(flow);
        return;
      case 'await-pubrec':
        // 2.0.x prints no reason code on a received PUBREC, unlike PUBACK/PUBCOMP.
        o.emit(`Received PUBREC from ${client.id} (Mid: ${flow.mid})`);
        o.emit(`Sending PUBREL to ${client.id} (m${flow.mid})`);
        flow.state = 'await-pubcomp';
        this.schedule(flow, this.rng.between(1, 10));
        return;
      case 'await-pubcomp':
        o.emit(`Received PUBCOMP from ${client.id} (Mid: ${flow.mid}, RC:0)`);
        client.outFlows.delete(flow);
        return;
    }
  }

  /** Ends a connection: clean (DISCONNECT), closed socket, or keepalive timeout. */
  private disconnect(client: Client): void {
    const rng = this.rng;
    const o = this.out;
    const r = rng.next();
    let clean = false;
    if (r < 0.7) {
      o.emit(`Received DISCONNECT from ${client.id}`);
      o.emit(`Client ${client.id} disconnected.`);
      clean = true;
    } else if (r < 0.9) {
      o.emit(`Client ${client.id} closed its connection.`);
    } else {
      o.emit(`Client ${client.id} has exceeded timeout, disconnecting.`);
    }
    client.connected = false;
    client.generation++;
    const last = this.online.pop() as Client;
    if (last !== client) {
      this.online[client.slot] = last;
      last.slot = client.slot;
    }
    client.slot = -1;
    if (!clean && client.will !== undefined) {
      const will = client.will;
      if (will.retain) this.storeRetained(this.statusGroup, will.topic, will.bytes, will.qos);
      this.deliver(this.statusGroup, will.topic, will.qos, will.bytes);
    }
    if (client.cleanSession) {
      for (const subscription of client.subscriptions.slice()) this.dropSubscription(subscription);
      client.outFlows.clear();
    }
    if (client.role !== 'tool' && this.offline.length < 5000) this.offline.push(client);
  }
}

function removeItem<T>(items: T[], item: T): void {
  const index = items.indexOf(item);
  if (index >= 0) items.splice(index, 1);
}

function randomText(rng: Random, alphabet: string, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet.charAt(rng.int(alphabet.length));
  return text;
}

/** Broker-assigned ids for empty client ids look like `auto-` + a UUID (1.6+). */
function randomUuid(rng: Random): string {
  const part = (n: number): string => randomText(rng, hexDigits, n);
  return `${part(8)}-${part(4)}-${part(4)}-${part(4)}-${part(12)}`;
}

/** Writes exactly `lines` lines to `fd` and returns the number of bytes written. */
function writeLog(fd: number, lines: number, style: PrefixStyle, seed: number): number {
  const sink = new LineSink(fd, lines, style);
  new BrokerSimulation(sink, seed).run();
  return sink.bytes;
}

/** Root of the project (this file runs as `dist/bench/generate.js`). */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where generated logs and results go. */
export const benchOutDir = join(projectRoot, 'bench', 'out');

const usage = `usage: node dist/bench/generate.js [--lines N] [--style epoch|iso] [--seed N] [--out-dir DIR] [--force]

  --lines N        lines to write (default 2000000)
  --style STYLE    the broker's time prefix: epoch (1700000000: ) or iso (2023-11-14T22:13:20: )
  --seed N         the generator's seed (default ${DEFAULT_SEED}); the same options give the same file
  --out-dir DIR    where the log goes (default bench/out)
  --force          write the file again even when it exists
  -h, --help       show this help
`;

function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        lines: { type: 'string', default: '2000000' },
        style: { type: 'string', default: 'epoch' },
        seed: { type: 'string', default: String(DEFAULT_SEED) },
        'out-dir': { type: 'string', default: benchOutDir },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`generate: ${(error as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const lines = Number(values.lines);
  const seed = Number(values.seed);
  const style = values.style as PrefixStyle;
  if (!Number.isSafeInteger(lines) || lines < 1 || !Number.isSafeInteger(seed) || !prefixStyles.includes(style)) {
    process.stderr.write(usage);
    return 2;
  }
  const log = ensureLog({ lines, style, seed, outDir: resolve(values['out-dir']), force: values.force });
  const nearby = relative(process.cwd(), log.path);
  const where = nearby.startsWith('..') ? log.path : nearby;
  const mib = (log.bytes / 1048576).toFixed(1);
  if (log.reused) {
    process.stderr.write(`reused ${where} (${lines} lines, ${mib} MiB)\n`);
  } else {
    const rate = Math.round(lines / log.seconds);
    process.stderr.write(
      `wrote ${where}: ${lines} lines, ${mib} MiB in ${log.seconds.toFixed(2)} s (${rate} lines/s, ${(log.bytes / 1048576 / log.seconds).toFixed(0)} MiB/s)\n`,
    );
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}

