/**
 * Broker life cycle (start, run, stop, config, listeners, persistence) and queue overflow.
 * The rest of the startup/config/persistence messages are decoded from the catalogue.
 */
import { type PatternSpec, definePatterns, int, str } from '../pattern.js';
import type { BrokerRecord, RecordBody } from '../record.js';
import type { Fields } from '../template.js';

/** The broker's life-cycle lines, by kind: each template with its family, level and the versions that print it. */
export const lifecyclePatterns = {
  startingBuild: { template: 'mosquitto version {version} (build date {date}) starting', family: 'startup', level: 'info', versions: '1.3.1–1.4.15' },
  starting: { template: 'mosquitto version {version} starting', family: 'startup', level: 'info', versions: '1.5.0–2.1.2' },
  running: { template: 'mosquitto version {version} running', family: 'startup', level: 'info', versions: '1.6.11–2.1.2' },
  terminating: { template: 'mosquitto version {version} terminating', family: 'shutdown', level: 'info', versions: '1.3.1–2.1.2' },
  configLoaded: { template: 'Config loaded from {path}.', family: 'startup', level: 'info', versions: '1.3.1–2.1.2' },
  defaultConfig: { template: 'Using default config.', family: 'startup', level: 'info', versions: '1.3.1–2.1.2' },
  listenIpv4: { template: 'Opening ipv4 listen socket on port {port:int}.', family: 'listener', level: 'info', versions: '1.3.1–2.1.2' },
  listenIpv6: { template: 'Opening ipv6 listen socket on port {port:int}.', family: 'listener', level: 'info', versions: '1.3.1–2.1.2' },
  listenWebsockets: { template: 'Opening websockets listen socket on port {port:int}.', family: 'websockets', level: 'info', versions: '1.4.0–2.1.2' },
  listenHttpApi: { template: 'Opening http api listen socket on port {port:int}.', family: 'listener', level: 'info', versions: '2.1.0–2.1.2' },
  listenUnix: { template: 'Opening unix listen socket on path {path}.', family: 'listener', level: 'info', versions: '2.0.0–2.1.2' },
  saving: { template: 'Saving in-memory database to {path}.', family: 'persistence', level: 'info', versions: '1.3.1–2.1.2' },
  reloading: { template: 'Reloading config.', family: 'config', level: 'info', versions: '1.3.1–2.1.2' },
  dropping: { template: 'Outgoing messages are being dropped for client {client}.', family: 'publish-out', level: 'notice', versions: '1.3.1–2.1.2' },
  droppingTooLarge: { template: 'Dropping too large outgoing PUBLISH for {client} ({bytes:int} bytes)', family: 'publish-out', level: 'notice', versions: '1.6.0–2.1.2' },
} as const satisfies Record<string, PatternSpec>;

/** The name of one of {@link lifecyclePatterns}. */
export type LifecyclePatternKind = keyof typeof lifecyclePatterns;

const listenSockets = {
  listenIpv4: 'ipv4',
  listenIpv6: 'ipv6',
  listenWebsockets: 'websockets',
  listenHttpApi: 'http-api',
  listenUnix: 'unix',
} as const;

function decodeLifecycle(kind: LifecyclePatternKind, f: Fields, _ctx: unknown, spec: PatternSpec): RecordBody {
  const base = { type: 'broker' as const, family: spec.family, level: spec.level };
  const event = (e: BrokerRecord['event'], extra: Partial<BrokerRecord> = {}): RecordBody => ({ ...base, event: e, ...extra });
  switch (kind) {
    case 'startingBuild':
    case 'starting':
      return event('starting', { version: str(f, 'version') });
    case 'running':
      return event('running', { version: str(f, 'version') });
    case 'terminating':
      return event('terminating', { version: str(f, 'version') });
    case 'configLoaded':
      return event('config-loaded', { path: str(f, 'path') });
    case 'defaultConfig':
      return event('default-config');
    case 'listenIpv4':
    case 'listenIpv6':
    case 'listenWebsockets':
    case 'listenHttpApi':
      return event('listening', { socket: listenSockets[kind], port: int(f, 'port') });
    case 'listenUnix':
      return event('listening', { socket: 'unix', path: str(f, 'path') });
    case 'saving':
      return event('saving', { path: str(f, 'path') });
    case 'reloading':
      return event('reloading');
    case 'dropping':
      return { type: 'messages-dropped', family: 'publish-out', level: 'notice', client: str(f, 'client') };
    case 'droppingTooLarge':
      return { type: 'messages-dropped', family: 'publish-out', level: 'notice', client: str(f, 'client'), packetBytes: int(f, 'bytes') };
  }
}

/** The compiled life-cycle table. */
export const lifecycleTable = definePatterns(lifecyclePatterns, decodeLifecycle);
