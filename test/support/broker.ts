import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { chown, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Programs the broker tests need: the broker, the packaged clients, and coreutils' stdbuf. */
const requiredTools = ['mosquitto', 'mosquitto_pub', 'mosquitto_sub', 'mosquitto_passwd', 'mosquitto_ctrl', 'stdbuf'] as const;

/** One of the external programs the harness and the scenario drivers run. */
export type BrokerTool = (typeof requiredTools)[number];

/** Whether a real broker can be started here, and if not, why. */
export interface BrokerAvailability {
  available: boolean;
  /** Human-readable: where mosquitto was found, or what is missing. */
  reason: string;
}

/** Where the dynamic security plugin may be: Debian's multiarch directories, or a plain prefix. */
const pluginDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib/arm-linux-gnueabihf', '/usr/lib', '/usr/local/lib'];

/** The dynamic security plugin's path; throws when the broker has none (1.x, or a build without it). */
export function dynsecPlugin(): string {
  for (const dir of pluginDirs) {
    const candidate = join(dir, 'mosquitto_dynamic_security.so');
    try {
      accessSync(candidate, constants.R_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`mosquitto_dynamic_security.so not found in ${pluginDirs.join(', ')}`);
}

/** Runs `mosquitto_ctrl dynsec ARGS…` against a broker started with {@link BrokerOptions.dynsec}. */
export async function dynsec(broker: Broker, admin: { admin: string; password: string }, args: readonly string[]): Promise<void> {
  await run(requireExecutable('mosquitto_ctrl'), ['-h', '127.0.0.1', '-p', String(broker.port), '-u', admin.admin, '-P', admin.password, 'dynsec', ...args]);
}

/** Where to look besides PATH: Debian installs the broker in /usr/sbin, often not on a user's PATH. */
const extraDirs = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/**
 * Finds an executable by name in PATH, then in the sbin directories.
 * Returns its absolute path, or `undefined` when it is not installed.
 */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Like {@link findExecutable}, but throws a message naming the package when the tool is missing. */
export function requireExecutable(name: BrokerTool): string {
  const path = findExecutable(name);
  if (path === undefined) {
    throw new Error(`${name} not found in PATH or ${extraDirs.join(', ')} (apt-get install mosquitto mosquitto-clients)`);
  }
  return path;
}

/** Checks, without side effects, that mosquitto and the client tools the scenarios drive are installed. */
export function brokerAvailability(): BrokerAvailability {
  const missing = requiredTools.filter((tool) => findExecutable(tool) === undefined);
  if (missing.length === 0) return { available: true, reason: `mosquitto found at ${findExecutable('mosquitto')}` };
  return { available: false, reason: `not found in PATH or ${extraDirs.join(', ')}: ${missing.join(', ')}` };
}

/** The part of node:test's TestContext that {@link requireBroker} uses. */
export interface SkippableTest {
  skip(message?: string): void;
}

/**
 * Whether a test that needs a program this machine may lack can go on: true when nothing is
 * `missing`. Otherwise it marks the test skipped, says so on stderr (a skip must never look like
 * a pass) and returns false — unless `MOSQLOG_REQUIRE_BROKER=1`, when it throws so the test
 * fails (CI has no excuse). `what` names the test: `broker test`.
 */
export function goOnOrSkip(t: SkippableTest, missing: string | null, what: string): boolean {
  if (missing === null) return true;
  if (process.env['MOSQLOG_REQUIRE_BROKER'] === '1') throw new Error(`MOSQLOG_REQUIRE_BROKER=1 but ${what} cannot run: ${missing}`);
  process.stderr.write(`mosqlog: ${what} skipped: ${missing}\n`);
  t.skip(`${what} skipped: ${missing}`);
  return false;
}

/** Call first in a broker test: whether mosquitto and its clients are here ({@link goOnOrSkip}). */
export function requireBroker(t: SkippableTest): boolean {
  const { available, reason } = brokerAvailability();
  return goOnOrSkip(t, available ? null : `mosquitto not installed (${reason})`, 'broker test');
}

/** How to configure one test broker. Everything not set keeps mosquitto's default. */
export interface BrokerOptions {
  /** `log_timestamp_format` (strftime); epoch seconds when absent. */
  timestampFormat?: string;
  /** Users and passwords; written with `mosquitto_passwd -b` and set as `password_file`. */
  users?: Readonly<Record<string, string>>;
  /** Text of an ACL file, set as `acl_file`. */
  acl?: string;
  /** Default true. With `users` set, false makes a login without credentials fail. */
  allowAnonymous?: boolean;
  /** `persistence true` with `persistence_location` in the broker's directory. */
  persistence?: boolean;
  /** Extra configuration lines, appended verbatim. */
  extraConfig?: readonly string[];
  /** The most file descriptors the broker may have open (`ulimit -n`, set by the shell that starts it). */
  fileLimit?: number;
  /**
   * The dynamic security plugin (2.0+), its configuration made by `mosquitto_ctrl dynsec init`
   * with this administrator; clients and roles are then added with {@link dynsec}.
   */
  dynsec?: { admin: string; password: string };
}

/** A running (or stopped) broker owned by one test or capture. */
export interface Broker {
  /** TCP port on 127.0.0.1. Stays the same across {@link Broker.restart}. */
  readonly port: number;
  /** Fresh temporary directory holding config, log, password/ACL files and persistence. */
  readonly dir: string;
  readonly logFile: string;
  readonly configFile: string;
  /** Version reported by the mosquitto binary itself (`mosquitto -h`), e.g. `2.0.11`. */
  readonly version: string;
  /** SIGTERM, then wait for exit (SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
  /** Stops and starts again with the same config, port and log file (mosquitto appends). */
  restart(): Promise<void>;
  /** Stops the broker and deletes its directory. */
  dispose(): Promise<void>;
}

const running = new Set<ChildProcess>();

// Last line of defence: a test that throws before its `finally` must not leave a broker behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

let cachedVersion: Promise<string> | undefined;

/** Asks the installed binary for its version (`mosquitto -h` prints `mosquitto version X`). */
export function readBrokerVersion(): Promise<string> {
  cachedVersion ??= (async () => {
    const binary = requireExecutable('mosquitto');
    // `mosquitto -h` exits 3 in 1.x and 0 in 2.x; either way the first line names the version.
    const output = await run(binary, ['-h']).then(
      (r) => r.stdout,
      (error: { stdout?: string }) => error.stdout ?? '',
    );
    const match = /mosquitto version (\S+)/.exec(output);
    if (!match?.[1]) throw new Error(`cannot read the version from "${binary} -h"`);
    return match[1];
  })();
  return cachedVersion;
}

/** Asks the OS for a free port on 127.0.0.1 by binding port 0 and closing again. */
export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * mosquitto started as root drops to the `mosquitto` user before it opens the log and the
 * persistence file, so that user must own the directory. Without such a user, stay root.
 */
function findServiceAccount(): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('mosquitto:'));
    const [, , uid, gid] = line?.split(':') ?? [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when process `pid` has a socket in LISTEN state on 127.0.0.1:`port`, read from the
 * kernel's tables; `undefined` when /proc cannot tell (not Linux). Matching the socket's inode
 * against the process's descriptors means another program that grabbed the port is not taken
 * for the broker.
 */
async function isListeningProc(port: number, pid: number): Promise<boolean | undefined> {
  let table: string;
  try {
    table = await readFile('/proc/net/tcp', 'utf8');
  } catch {
    return undefined;
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const row of table.split('\n')) {
    const fields = row.trim().split(/\s+/);
    if (fields[1] === local && fields[3] === '0A' && fields[9]) inodes.add(`socket:[${fields[9]}]`);
  }
  if (inodes.size === 0) return false;
  let descriptors: string[];
  try {
    descriptors = await readdir(`/proc/${pid}/fd`);
  } catch {
    return true;
  }
  for (const fd of descriptors) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    if (inodes.has(target)) return true;
  }
  return false;
}

function acceptsConnection(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits until the broker's socket accepts connections. Reads the kernel's socket table where it
 * can, because a probe connection would write `New connection …` / `Client <unknown> closed its
 * connection.` into every fixture; elsewhere it falls back to a probe.
 */
async function waitUntilListening(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mosquitto exited (${child.exitCode ?? child.signalCode}) before listening: ${stderr()}`);
    }
    const listening = (await isListeningProc(port, child.pid ?? -1)) ?? (await acceptsConnection(port));
    if (listening) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`mosquitto did not listen on 127.0.0.1:${port} within 10 s: ${stderr()}`);
}

async function writePasswordFile(path: string, users: Readonly<Record<string, string>>): Promise<void> {
  const passwd = requireExecutable('mosquitto_passwd');
  let first = true;
  for (const [user, password] of Object.entries(users)) {
    await run(passwd, first ? ['-b', '-c', path, user, password] : ['-b', path, user, password]);
    first = false;
  }
}

function renderConfig(port: number, dir: string, options: BrokerOptions, runAsRoot: boolean): string {
  const lines = [
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${options.allowAnonymous ?? true}`,
    `log_dest file ${join(dir, 'mosquitto.log')}`,
    'log_type all',
  ];
  if (options.timestampFormat !== undefined) lines.push(`log_timestamp_format ${options.timestampFormat}`);
  if (options.users) lines.push(`password_file ${join(dir, 'passwd')}`);
  if (options.acl !== undefined) lines.push(`acl_file ${join(dir, 'acl')}`);
  if (options.persistence) lines.push('persistence true', `persistence_location ${dir}/`);
  if (options.dynsec) lines.push(`plugin ${dynsecPlugin()}`, `plugin_opt_config_file ${join(dir, 'dynsec.json')}`);
  if (runAsRoot) lines.push('user root');
  lines.push(...(options.extraConfig ?? []));
  return `${lines.join('\n')}\n`;
}

/**
 * Starts a private mosquitto on a free 127.0.0.1 port with `log_type all` written to
 * `<dir>/mosquitto.log`, and resolves once it listens. The caller must `stop()` or `dispose()` it
 * (an exit hook kills any broker still running when the process ends).
 */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const binary = requireExecutable('mosquitto');
  const version = await readBrokerVersion();
  const dir = await mkdtemp(join(tmpdir(), 'mosqlog-broker-'));
  const logFile = join(dir, 'mosquitto.log');
  const configFile = join(dir, 'mosquitto.conf');

  const isRoot = process.getuid?.() === 0;
  const account = isRoot ? findServiceAccount() : undefined;
  let child: ChildProcess | undefined;
  let stderrText = '';

  const spawnBroker = async (port: number): Promise<void> => {
    stderrText = '';
    // With a limit, a shell sets it and becomes the broker, which is then the child stopped.
    const started = options.fileLimit === undefined
      ? spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('sh', ['-c', `ulimit -n ${options.fileLimit} && exec "$0" -c "$1"`, binary, configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    running.add(started);
    started.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderrText += text;
    });
    started.once('exit', () => running.delete(started));
    try {
      await waitUntilListening(port, started, () => stderrText.trim() || '(no stderr)');
    } catch (error) {
      await stopChild(started);
      throw error;
    }
  };

  const stop = async (): Promise<void> => {
    if (child) await stopChild(child);
  };

  let port = 0;
  try {
    if (options.users) await writePasswordFile(join(dir, 'passwd'), options.users);
    if (options.acl !== undefined) await writeFile(join(dir, 'acl'), options.acl);
    if (options.dynsec) await run(requireExecutable('mosquitto_ctrl'), ['dynsec', 'init', join(dir, 'dynsec.json'), options.dynsec.admin, options.dynsec.password]);
    if (account) {
      const owned = [dir];
      if (options.users) owned.push(join(dir, 'passwd'));
      if (options.acl !== undefined) owned.push(join(dir, 'acl'));
      if (options.dynsec) owned.push(join(dir, 'dynsec.json'));
      for (const path of owned) await chown(path, account.uid, account.gid);
    }
    // The free port can be taken between our probe and mosquitto's bind; try another one then.
    for (let attempt = 1; ; attempt += 1) {
      port = await pickFreePort();
      await writeFile(configFile, renderConfig(port, dir, options, isRoot && account === undefined));
      try {
        await spawnBroker(port);
        break;
      } catch (error) {
        const logText = await readFile(logFile, 'utf8').catch(() => '');
        if (attempt >= 3 || !/Address already in use/.test(stderrText + logText)) throw error;
        await rm(logFile, { force: true });
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    port,
    dir,
    logFile,
    configFile,
    version,
    stop,
    async restart() {
      await stop();
      await spawnBroker(port);
    },
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Waits until the broker's log holds `text`, or rejects after `timeoutMs`: a client's exit does
 * not wait for the broker to read its DISCONNECT, so a broker stopped at once may never log it.
 */
export async function untilLogged(broker: Pick<Broker, 'logFile'>, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await readFile(broker.logFile, 'utf8').catch(() => '')).includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${JSON.stringify(text)} in ${broker.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
