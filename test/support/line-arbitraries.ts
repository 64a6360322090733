/**
 * Random and damaged mosquitto lines for property tests: real lines of every broker generation
 * and envelope, mutated (cut, fields swapped, odd numbers, prefixes, inserted bytes), plus
 * random text and bytes; and what every record must satisfy whatever the input.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineParser, type LogRecord, families } from '../../src/parse/index.js';

/** Lines as real brokers (1.3 – 2.1) and their envelopes print them. */
export const realLines = [
  '1795702070: mosquitto version 2.0.11 starting',
  '1795702070: Config loaded from /tmp/mosqlog-broker-pycQi4/mosquitto.conf.',
  '1795702070: Opening ipv4 listen socket on port 35067.',
  '1795702070: New connection from 127.0.0.1:60802 on port 35067.',
  '1795702070: New client connected from 127.0.0.1:60802 as qos-alpha (p2, c1, k60).',
  "1700000000: New client connected from ::ffff:10.0.0.9:51234 as my id (x) (p5, c0, k30, u'o'brien').",
  '1450000000: New client connected from 2001:db8::17 as c1 (c1, k60).',
  '1795702070: No will message specified.',
  '1700000000: Will message specified (12 bytes) (r1, q2).',
  '1700000000: \twill/topic',
  '1795702070: Sending CONNACK to qos-alpha (0, 0)',
  '1300000000: Sending CONNACK to 10.0.0.1 (5)',
  '1795702070: Received SUBSCRIBE from qos-alpha',
  '1795702070: \tqos/to-alpha/# (QoS 2)',
  '1795702070: qos-alpha 2 qos/to-alpha/#',
  "1795702070: Received PUBLISH from qos-alpha (d0, q1, r0, m54089, 'qos/to-beta/q1', ... (22 bytes))",
  "1795702070: Sending PUBLISH to qos-beta (d0, q2, r0, m2, 'it's', ... (x', ... (22 bytes))",
  '1795702070: Sending PUBACK to qos-alpha (m54089, rc0)',
  '1795702070: Received PUBREL from qos-alpha (Mid: 54090)',
  '1795702070: Received PUBCOMP from qos-beta (Mid: 2, RC:0)',
  '1400000000: Sending PUBREC to c1 (Mid: 5)',
  '1700000000: Warning: Received PUBREL from c1 for an unknown packet identifier 9.',
  '1795000000: Client c1 [2001:db8::17:40022] disconnected: protocol error.',
  '1795000000: Client pers-inflight [(null):0] disconnected: session taken over.',
  '1700000000: Client <unknown> closed its connection.',
  '1400000000: Socket error on client c1, disconnecting.',
  '1700000000: Bad socket read/write on client c1: The connection was lost.',
  '1795697655: Warning: File /x/passwd has world readable permissions. Future versions will refuse to load this file.',
  'To fix this, use `chmod 0700 /x/passwd`.',
  "1795697655: Error: Invalid 'log_dest' value (nowhere).",
  '1795697655: dynsec: admin/admin | createClient | username=bob | password=*****',
  '1795697655: Protocol error from 10.0.0.1:5555: First packet not CONNECT (30).',
  '2026-11-26T13:00:00.123+0100: Reloading config.',
  'Nov 26 12:00:00 mqtt-gw mosquitto[812]: 1795694412: Received SUBSCRIBE from telemetry-7',
  'Nov 26 12:00:00 mqtt-gw mosquitto[812]: 1795694412: #011telemetry/# (QoS 1)',
  '<30>1 2026-11-26T12:00:00.120000+00:00 mqtt-gw mosquitto 812 - -  1795694400: mosquitto version 2.0.11 starting',
  '{"log":"1795694400: Opening ipv4 listen socket on port 1883.\\n","stream":"stderr","time":"2026-11-26T12:00:00.127034458Z"}',
  '2026-11-26T12:00:00.120000789Z stderr F 1795694400: mosquitto version 2.0.11 starting',
  'mosquitto  | 1795694400: Config loaded from /etc/mosquitto/mosquitto.conf.',
  '$SYS/broker/log/M/unsubscribe 1795694420: sensor-12 telemetry/#',
  'Thu Nov 26 12:00:00 2026: Saving in-memory database to /var/lib/mosquitto/mosquitto.db.',
  '-- Boot 0123456789abcdef --',
  '',
];

export const oddNumbers = ['99999999999999999999999', '-1', '-0', 'NaN', '1e309', '', '0x1F', '٣', '00000000000000000001', '4294967296'];
export const prefixes = [
  '', '1700000000: ', 'Time error: ', '2026-11-26T12:00:00: ', '<13>', '<999>Nov 31 25:61:61 h x: ',
  '<30>1 - - - - - - ', '{"log":', '$SYS/broker/log/', '$SYS/broker/log/XX ', 'a | ', '2026-11-26T12:00:00Z stdout F ',
  '99999999999999999999: ', '2026-13-45T99:99:99+9999: ', 'Thu Nov 26 99:99:99 2026: ', '-- ',
];

/** One way to damage a line. */
export type Mutation =
  | { kind: 'cut'; at: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'number'; which: number; value: string }
  | { kind: 'prefix'; text: string }
  | { kind: 'insert'; at: number; text: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('number' as const), which: fc.nat(), value: fc.constantFrom(...oddNumbers) }),
  fc.record({ kind: fc.constant('prefix' as const), text: fc.oneof(fc.constantFrom(...prefixes), fc.string({ maxLength: 12 })) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: 'binary', maxLength: 6 }) }),
);

export function mutate(line: string, m: Mutation): string {
  switch (m.kind) {
    case 'cut':
      return line.slice(0, line.length === 0 ? 0 : m.at % (line.length + 1));
    case 'swap': {
      // Fields are what the broker separates with ', ' or ' '.
      const sep = line.includes(', ') ? ', ' : ' ';
      const parts = line.split(sep);
      const a = m.a % parts.length;
      const b = m.b % parts.length;
      [parts[a], parts[b]] = [parts[b] ?? '', parts[a] ?? ''];
      return parts.join(sep);
    }
    case 'number': {
      let seen = 0;
      const count = (line.match(/\d+/g) ?? []).length;
      if (count === 0) return line;
      const target = m.which % count;
      return line.replace(/\d+/g, (n) => (seen++ === target ? m.value : n));
    }
    case 'prefix':
      return m.text + line;
    case 'insert': {
      const at = line.length === 0 ? 0 : m.at % (line.length + 1);
      return line.slice(0, at) + m.text + line.slice(at);
    }
  }
}

export const mutatedLine = fc.tuple(fc.constantFrom(...realLines), fc.array(mutation, { maxLength: 4 }))
  .map(([line, ms]) => ms.reduce(mutate, line));

export const anyLine = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')),
  mutatedLine,
);

const knownFamilies = new Set<string>(families);
export const parsers = [new LineParser(), new LineParser({ tz: 'Europe/Berlin', year: 2024, timestampFormat: '%d.%m.%Y %H:%M:%S' })];

/** What every record must satisfy, whatever the input. */
export function assertWellFormed(record: LogRecord, file: string, line: number): void {
  assert.equal(record.file, file);
  assert.equal(record.line, line);
  assert.equal(typeof record.type, 'string');
  assert.ok(knownFamilies.has(record.family), record.family);
  assert.equal(typeof record.raw, 'string');
  assert.ok(record.time === null || Number.isFinite(record.time), `time ${record.time}`);
  for (const [key, value] of Object.entries(record)) {
    assert.ok(typeof value !== 'number' || !Number.isNaN(value) || record.truncated, `${key} is NaN in ${JSON.stringify(record)}`);
  }
}

