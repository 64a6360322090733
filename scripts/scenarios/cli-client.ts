import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { requireExecutable, type Broker } from '../../test/support/broker.js';
import type { TruthSession } from '../../test/support/truth.js';
import type { Qos } from './raw-client.js';
import { trackClient } from './stray-clients.js';
import type { TruthRecorder } from './truth-recorder.js';

/** One `mosquitto_pub` run: a single message, then DISCONNECT. */
export interface CliPublish {
  clientId: string;
  topic: string;
  message: string;
  qos: Qos;
  retain?: boolean;
  username?: string;
  password?: string;
}

/** A `mosquitto_sub` left running in the background. */
export interface CliSubscriber {
  readonly clientId: string;
  /** Resolves when its SUBACK arrived (rejects if it exits first). */
  readonly subscribed: Promise<void>;
  /** Resolves with the exit code (or signal name) when the process has ended. */
  readonly exited: Promise<number | string>;
  /** PUBLISH packets it has received so far. */
  readonly messages: () => number;
  /** QoS 1/2 deliveries it has finished so far (PUBACK or PUBCOMP sent). */
  readonly acked: () => number;
  /** Kills the process with SIGKILL: no DISCONNECT, the kernel closes the socket. Records `closed`. */
  kill(): Promise<void>;
}

/**
 * Tracks what a libmosquitto client prints with `-d`: each line is a packet it sent or received.
 * Those lines are the driver's own view of the wire, so they can feed the truth.
 */
class DebugLineReader {
  private session: TruthSession | undefined;
  received = 0;
  acked = 0;
  subscribed = false;
  refusedWith: number | undefined;

  constructor(
    private readonly recorder: TruthRecorder,
    private readonly clientId: string,
    private readonly start: { cleanSession: boolean; keepalive: number; username?: string },
  ) {}

  read(line: string): void {
    const prefix = `Client ${this.clientId} `;
    if (!line.startsWith(prefix)) return;
    const event = line.slice(prefix.length);
    const connack = /^received CONNACK \((\d+)\)/.exec(event);
    if (connack) {
      const code = Number(connack[1]);
      if (code === 0) this.session = this.recorder.openSession(this.clientId, this.start);
      else {
        this.refusedWith = code;
        this.recorder.refuseConnection();
      }
    } else if (event.startsWith('received SUBACK')) {
      this.subscribed = true;
    } else if (event.startsWith('received PUBLISH')) {
      this.received += 1;
    } else if (/^received (PUBACK|PUBCOMP) /.test(event)) {
      this.recorder.completeFlow(this.clientId, 'in');
    } else if (/^sending (PUBACK|PUBCOMP) /.test(event)) {
      this.acked += 1;
      this.recorder.completeFlow(this.clientId, 'out');
    } else if (event.startsWith('sending DISCONNECT')) {
      this.end('disconnect');
    }
  }

  end(reason: 'disconnect' | 'closed'): void {
    if (this.session) this.recorder.endSession(this.session, reason);
  }
}

function commonArgs(broker: Broker, clientId: string, username?: string, password?: string): string[] {
  const args = ['-d', '-h', '127.0.0.1', '-p', String(broker.port), '-i', clientId];
  if (username !== undefined) args.push('-u', username);
  if (password !== undefined) args.push('-P', password);
  return args;
}

/**
 * Runs `mosquitto_pub -d` for one message and records its session and flow from its debug output.
 * Resolves with the CONNACK return code it saw when the broker refused it, `0` otherwise;
 * rejects if the tool fails for any other reason.
 */
export async function runMosquittoPub(broker: Broker, recorder: TruthRecorder, publish: CliPublish): Promise<number> {
  const args = [
    ...commonArgs(broker, publish.clientId, publish.username, publish.password),
    '-t', publish.topic, '-m', publish.message, '-q', String(publish.qos),
  ];
  if (publish.retain) args.push('-r');
  const reader = new DebugLineReader(recorder, publish.clientId, {
    cleanSession: true,
    keepalive: 60,
    ...(publish.username === undefined ? {} : { username: publish.username }),
  });
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(requireExecutable('mosquitto_pub'), args, { timeout: 10_000 }, (error, out) => {
      untrack();
      if (error && !/CONNACK \(\d+\)/.test(out)) reject(new Error(`mosquitto_pub ${publish.clientId}: ${error.message}`));
      else resolve(out);
    });
    const untrack = trackClient(() => child.kill('SIGKILL'));
  });
  for (const line of stdout.split('\n')) reader.read(line);
  return reader.refusedWith ?? 0;
}

/**
 * Starts `mosquitto_sub -d` under `stdbuf -oL` (libmosquitto's debug lines are otherwise held in a
 * pipe buffer) and records its session and flows line by line as they happen. With `count` it
 * disconnects by itself after that many messages.
 */
export function startMosquittoSub(
  broker: Broker,
  recorder: TruthRecorder,
  options: { clientId: string; topic: string; qos: Qos; count?: number },
): CliSubscriber {
  const args = [
    '-oL', requireExecutable('mosquitto_sub'),
    ...commonArgs(broker, options.clientId),
    '-t', options.topic, '-q', String(options.qos),
  ];
  if (options.count !== undefined) args.push('-C', String(options.count));
  const reader = new DebugLineReader(recorder, options.clientId, { cleanSession: true, keepalive: 60 });
  const child = spawn(requireExecutable('stdbuf'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const untrack = trackClient(() => child.kill('SIGKILL'));

  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => {
      untrack();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const subscribed = new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      reader.read(line);
      if (reader.subscribed) resolve();
    });
    void exited.then((code) => reject(new Error(`mosquitto_sub ${options.clientId} exited (${code}) before SUBACK: ${stderr}`)));
  });
  // Callers that never await `subscribed` must not see an unhandled rejection.
  subscribed.catch(() => undefined);

  return {
    clientId: options.clientId,
    subscribed,
    exited,
    messages: () => reader.received,
    acked: () => reader.acked,
    async kill() {
      child.kill('SIGKILL');
      await exited;
      reader.end('closed');
    },
  };
}
