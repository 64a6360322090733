/**
 * Random broker logs for property tests of the whole pipeline: connections, sessions, QoS 1/2
 * exchanges in both directions, takeovers, timeouts, restarts, among a few clients so that their
 * lines interact, with odd values where the broker prints numbers and addresses (huge, negative,
 * non-numeric message ids; IPv6 oddities), damaged and random lines in between, timestamps that
 * go backwards and repeat, and prefixes that change from line to line. Documents are sometimes
 * the log twice (copied twice) or two logs interleaved (two brokers).
 */
import fc from 'fast-check';
import { rawBytes } from './hostile.js';
import { anyLine, mutate, mutation } from './line-arbitraries.js';

const clients = ['alpha', 'beta', 'gamma-7', 'c 3', 'δέλτα', '<unknown>', '(null)', 'x (p2, c1, k60)', 'id:with:colons', '温度'];
const addresses = ['127.0.0.1', '::1', '::ffff:10.0.0.9', '2001:db8::17', 'fe80::1%eth0', '[::1]', ':::', '1:2:3:4:5:6:7:8:9', '999.999.999.999', 'localhost', '(null)', ''];
const oddNumbers = ['0', '65535', '65536', '-1', '-0', '99999999999999999999999', '9'.repeat(400), 'NaN', '', '٣', '0x1F', '1e3', ' 1', '4294967296'];

/** A message id as printed: mostly a few small ids (so exchanges complete), sometimes odd. */
const mid = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 4 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom(...oddNumbers) });
const port = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1024, max: 1040 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom('0', '65536', '-1', '99999999999', 'x') });
const qos = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('1', '2') }, { weight: 2, arbitrary: fc.constantFrom('0', '3', '-1', 'x') });
const rc = fc.oneof({ weight: 6, arbitrary: fc.constant('0') }, { weight: 1, arbitrary: fc.constantFrom('135', '128', '-1', '99999999999') });
const keepalive = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('60', '5') }, { weight: 1, arbitrary: fc.constantFrom('0', '65535', '-1', '99999999999999') });
const topic = fc.constantFrom('t/a', 'sensors/#', '', "it's", 'a/b/c', `x${rawBytes(0xff)}y`);
const flag = fc.constantFrom('0', '1');

/** One broker message (no prefix) about one of the clients. */
export const storyMessage: fc.Arbitrary<string> = fc.record({
  kind: fc.nat({ max: 33 }), c: fc.constantFrom(...clients), a: fc.constantFrom(...addresses), port, mid, qos, rc, keepalive, topic, d: flag, clean: flag,
  bytes: fc.oneof(fc.nat({ max: 10 }).map(String), fc.constantFrom(...oddNumbers)), pick: fc.nat({ max: 3 }),
}).map(({ kind, c, a, port: p, mid: m, qos: q, rc: r, keepalive: k, topic: t, d, clean, bytes, pick }) => {
  switch (kind) {
    case 0: return `New connection from ${a}:${p} on port 1883.`;
    case 1: return `New client connected from ${a}:${p} as ${c} (p2, c${clean}, k${k}).`;
    case 2: return `New client connected from ${a}:${p} as ${c} (p5, c${clean}, k${k}, u'user').`;
    case 3: return `New client connected from ${a} as ${c} (c${clean}, k${k}).`;
    case 4: return `Sending CONNACK to ${c} (0, ${r === '0' ? '5' : r})`;
    case 5: return `Client ${c} disconnected, not authorised.`;
    case 6: return `Client ${c} disconnected.`;
    case 7: return `Client ${c} closed its connection.`;
    case 8: return `Client ${c} has exceeded timeout, disconnecting.`;
    case 9: return `Socket error on client ${c}, disconnecting.`;
    case 10: return `Bad socket read/write on client ${c}: Connection reset by peer`;
    case 11: return `Client ${c} [${a}:${p}] disconnected: session taken over.`;
    case 12: return `Client ${c} already connected, closing old connection.`;
    case 13: return `Received DISCONNECT from ${c}`;
    case 14:
    case 15: return `Received PUBLISH from ${c} (d${d}, q${q}, r0, m${m}, '${t}', ... (${bytes} bytes))`;
    case 16:
    case 17: return `Sending PUBLISH to ${c} (d${d}, q${q}, r0, m${m}, '${t}', ... (${bytes} bytes))`;
    case 18: return `Sending PUBACK to ${c} (m${m}, rc${r})`;
    case 19: return `Sending PUBREC to ${c} (m${m}, rc${r})`;
    case 20: return `Received PUBREL from ${c} (Mid: ${m})`;
    case 21: return `Sending PUBCOMP to ${c} (m${m})`;
    case 22: return `Received PUBACK from ${c} (Mid: ${m}, RC:${r})`;
    case 23: return `Received PUBREC from ${c} (Mid: ${m})`;
    case 24: return `Sending PUBREL to ${c} (m${m})`;
    case 25: return `Received PUBCOMP from ${c} (Mid: ${m}, RC:${r})`;
    case 26: return `Warning: Received PUBREL from ${c} for an unknown packet identifier ${m}.`;
    case 27: return `Received PINGREQ from ${c}`;
    case 28: return `Received SUBSCRIBE from ${c}`;
    case 29: return `\t${t} (QoS ${q})`;
    case 30: return ['mosquitto version 2.0.11 starting', 'mosquitto version 1.4.15 starting', 'mosquitto version 2.0.11 terminating', 'mosquitto version 2.1.2 running'][pick] ?? '';
    case 31: return `Outgoing messages are being dropped for client ${c}.`;
    case 32: return `Expiring client ${c} due to timeout.`;
    default: return `Client ${c} [${a}:${p}] disconnected: ${['protocol error', 'keepalive timeout', 'not authorised', 'administrative action'][pick]}.`;
  }
});

/** How a line's time moves from the line before: mostly not at all, sometimes back (a clock change). */
const timeStep = fc.oneof(
  { weight: 12, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 90 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, -3600, -86_400, 3600, 365 * 86_400) },
);

/** How a line is wrapped; the broker's own prefix style may change from line to line. */
const prefixStyle = fc.oneof(
  { weight: 10, arbitrary: fc.constant('epoch' as const) },
  { weight: 1, arbitrary: fc.constantFrom('iso' as const, 'none' as const, 'syslog' as const, 'docker' as const, 'sys' as const, 'time-error' as const) },
);

type PrefixStyle = 'epoch' | 'iso' | 'none' | 'syslog' | 'docker' | 'sys' | 'time-error';

function prefixed(style: PrefixStyle, seconds: number, message: string): string {
  const iso = (): string => new Date(seconds * 1000).toISOString().slice(0, 19);
  switch (style) {
    case 'epoch': return `${seconds}: ${message}`;
    case 'iso': return `${iso()}: ${message}`;
    case 'none': return message;
    case 'syslog': return `Nov 26 12:00:00 mqtt-gw mosquitto[812]: ${seconds}: ${message.replace(/\t/g, '#011')}`;
    case 'docker': return JSON.stringify({ log: `${seconds}: ${message}\n`, stream: 'stderr', time: `${iso()}.000000000Z` });
    case 'sys': return `$SYS/broker/log/N ${seconds}: ${message}`;
    case 'time-error': return `Time error: ${message}`;
  }
}

/** One line of a story: a broker message, damaged now and then, or a random line. */
const storyLine = fc.oneof(
  { weight: 20, arbitrary: fc.tuple(storyMessage, timeStep, prefixStyle) },
  { weight: 2, arbitrary: fc.tuple(storyMessage.chain((m) => fc.array(mutation, { minLength: 1, maxLength: 2 }).map((ms) => ms.reduce(mutate, m))), timeStep, prefixStyle) },
  { weight: 1, arbitrary: fc.tuple(anyLine, timeStep, fc.constant('none' as const)) },
);

/** A broker log as lines (without line ends) with times from `t0` on. */
export function storyLines(min: number, max: number, t0 = 1_795_700_000): fc.Arbitrary<string[]> {
  return fc.array(storyLine, { minLength: min, maxLength: max, size: 'max' }).map((parts) => {
    let t = t0;
    return parts.map(([message, step, style]) => {
      t = Math.max(0, t + step);
      return prefixed(style, t, message);
    });
  });
}

/** A log as it may reach mosqlog: once, copied twice, or two brokers' lines interleaved. */
export function storyDocument(min: number, max: number): fc.Arbitrary<string[]> {
  return fc.oneof(
    { weight: 4, arbitrary: storyLines(min, max) },
    { weight: 1, arbitrary: storyLines(Math.ceil(min / 2), Math.ceil(max / 2)).map((lines) => [...lines, ...lines]) },
    {
      weight: 1,
      arbitrary: fc.tuple(storyLines(Math.ceil(min / 2), Math.ceil(max / 2)), storyLines(Math.ceil(min / 2), Math.ceil(max / 2), 1_795_600_000), fc.infiniteStream(fc.boolean()))
        .map(([a, b, picks]) => {
          const out: string[] = [];
          let i = 0;
          let j = 0;
          while (i < a.length || j < b.length) out.push((j >= b.length || (i < a.length && picks.next().value) ? a[i++] : b[j++]) ?? '');
          return out;
        }),
    },
  );
}
