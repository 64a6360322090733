/**
 * `message_size_limit`: a CONNECT whose will's payload is over it is refused (2.0.6 on), with
 * `packet too large` for an MQTT v5 client and `not authorised` for an MQTT 3.x one, which is no
 * login failure; a PUBLISH over it is dropped, and only a v5 client is told so at QoS 1 and 2.
 * Also what an oversize packet or payload at a connection's end stands for.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Correlation, correlateRecords } from '../src/correlate/index.js';
import { createLineDecoder } from '../src/parse/index.js';
import { describeFinding } from '../src/report/finding-text.js';

function correlate(lines: readonly string[]): Correlation {
  const decoder = createLineDecoder('f.log');
  return correlateRecords(lines.map((l) => decoder.decode(l)), { keepAttempts: true });
}

/** Real 2.0.11 with `message_size_limit 100`: a 3.1.1 client and a v5 client, each with a will of 200 bytes. */
const willsTooLarge = [
  '1796021227: mosquitto version 2.0.11 starting',
  '1796021227: mosquitto version 2.0.11 running',
  '1796021228: New connection from 127.0.0.1:58120 on port 18844.',
  '1796021228: Client willbig connected with too large Will payload',
  '1796021228: Sending CONNACK to 127.0.0.1 (0, 5)',
  '1796021228: Client <unknown> disconnected due to oversize payload.',
  '1796021228: New connection from 127.0.0.1:58126 on port 18844.',
  '1796021228: Client willbig5 connected with too large Will payload',
  '1796021228: Sending CONNACK to 127.0.0.1 (0, 149)',
  '1796021228: Client <unknown> disconnected due to oversize payload.',
];

/** The same connections without debug lines: the end lines alone are left. */
const withoutDebug = (lines: readonly string[]): string[] => lines.filter((l) => !/Sending CONNACK|Will payload/.test(l));

test("a will over message_size_limit is a refused connection that names the client, not an auth failure, whatever the CONNACK's code", () => {
  const c = correlate(willsTooLarge);
  assert.deepEqual(c.findings.map((f) => [f.code, f.client, f.code === 'connection-refused' ? [f.address, f.reasonCode, f.willTooLarge] : null]), [
    ['connection-refused', 'willbig', ['127.0.0.1:58120', 5, true]],
    ['connection-refused', 'willbig5', ['127.0.0.1:58126', 149, true]],
  ]);
  assert.deepEqual(c.attempts.map((a) => [a.client, a.port, a.outcome, a.reasonCode, a.detail]), [
    ['willbig', 58120, 'refused', 5, 'its will is over message_size_limit'],
    ['willbig5', 58126, 'refused', 149, 'its will is over message_size_limit'],
  ]);
  assert.deepEqual(c.sessions, []);
  assert.deepEqual(c.findings.map((f) => describeFinding(f)), [
    "willbig from 127.0.0.1:58120 was refused (CONNACK 5: not authorised): the payload of its will was over the broker's message_size_limit (not authorised is the code an MQTT 3.x client is told it with)",
    "willbig5 from 127.0.0.1:58126 was refused (CONNACK 149: packet too large): the payload of its will was over the broker's message_size_limit",
  ]);
});

test('without debug lines, a connection ended for an oversize payload is the refusal of a will too large, not a protocol error', () => {
  const c = correlate(withoutDebug(willsTooLarge));
  assert.deepEqual(c.findings.map((f) => [f.code, f.client, f.code === 'connection-refused' ? [f.address, f.reasonCode, f.willTooLarge] : null]), [
    ['connection-refused', null, ['127.0.0.1:58120', undefined, true]],
    ['connection-refused', null, ['127.0.0.1:58126', undefined, true]],
  ]);
  assert.deepEqual(c.attempts.map((a) => a.outcome), ['refused', 'refused']);
  // 2.1.1 and later name the address where the connection has no id (from the broker's source).
  const named = correlate([
    '1796021228: mosquitto version 2.1.2 running',
    '1796021228: New connection from 127.0.0.1:58120 on port 18844.',
    '1796021228: Client 127.0.0.1 [127.0.0.1:58120] disconnected: oversize payload.',
  ]);
  assert.deepEqual(named.attempts.map((a) => [a.address, a.port, a.outcome]), [['127.0.0.1', 58120, 'refused']]);
  assert.deepEqual(named.findings.map((f) => [f.code, f.code === 'connection-refused' ? f.willTooLarge : null]), [['connection-refused', true]]);
});

test('a refused CONNACK with no will line before it, or with one further back, is what its code says', () => {
  const far = [...willsTooLarge.slice(0, 4), '1796021228: New connection from 127.0.0.1:58130 on port 18844.', '1796021228: New connection from 127.0.0.1:58132 on port 18844.', ...willsTooLarge.slice(4, 6)];
  const c = correlate(far);
  assert.deepEqual(c.findings.map((f) => [f.code, f.client]), [['auth-failure', null]]);
  assert.ok(!c.findings.some((f) => f.code === 'connection-refused' && f.willTooLarge));
});

/** Real 2.0.11 with `message_size_limit 100`: a 3.1.1 client and a v5 client publish 300 bytes. */
const publishesTooLarge = [
  '1796021229: mosquitto version 2.0.11 running',
  '1796021229: New connection from 127.0.0.1:58128 on port 18844.',
  '1796021229: New client connected from 127.0.0.1:58128 as bigpub (p2, c1, k60).',
  '1796021229: No will message specified.',
  '1796021229: Sending CONNACK to bigpub (0, 0)',
  "1796021229: Dropped too large PUBLISH from bigpub (d0, q1, r0, m58863, 't/x', ... (300 bytes))",
  '1796021229: Sending PUBACK to bigpub (m58863, rc149)',
  "1796021229: Dropped too large PUBLISH from bigpub (d0, q2, r0, m58864, 't/x', ... (300 bytes))",
  '1796021229: Sending PUBREC to bigpub (m58864, rc149)',
  "1796021229: Dropped too large PUBLISH from bigpub (d0, q0, r0, m0, 't/x', ... (300 bytes))",
  '1796021229: Received PUBREL from bigpub (Mid: 58864)',
  '1796021229: Sending PUBCOMP to bigpub (m58864)',
  '1796021229: New connection from 127.0.0.1:58140 on port 18844.',
  '1796021229: New client connected from 127.0.0.1:58140 as bigpub5 (p5, c1, k60).',
  '1796021229: No will message specified.',
  '1796021229: Sending CONNACK to bigpub5 (0, 0)',
  "1796021230: Dropped too large PUBLISH from bigpub5 (d0, q1, r0, m53472, 't/x', ... (300 bytes))",
  '1796021230: Sending PUBACK to bigpub5 (m53472, rc149)',
  "1796021230: Dropped too large PUBLISH from bigpub5 (d0, q0, r0, m0, 't/x', ... (300 bytes))",
];

test('a PUBLISH over message_size_limit says its client was not told: at QoS 0, and at QoS 1 and 2 from an MQTT 3.x client', () => {
  const c = correlate(publishesTooLarge);
  assert.deepEqual(c.findings.map((f) => [f.code, f.client, f.code === 'publish-too-large' ? [f.qos, f.notTold] : null]), [
    ['publish-too-large', 'bigpub', [1, true]],
    ['publish-too-large', 'bigpub', [2, true]],
    ['publish-too-large', 'bigpub', [0, true]],
    ['publish-too-large', 'bigpub5', [1, undefined]],
    ['publish-too-large', 'bigpub5', [0, true]],
  ]);
  const [q1, q2, q0, v5] = c.findings.map((f) => describeFinding(f));
  assert.equal(q1, "bigpub published 300 B to t/x: its PUBLISH m58863 (QoS 1) was larger than the broker's message_size_limit and dropped; the client was not told: an MQTT 3.1/3.1.1 client cannot read the code of its PUBACK, so it takes the message as accepted");
  assert.match(q2 ?? '', /code of its PUBREC,/);
  assert.match(q0 ?? '', /not told \(a QoS 0 message has no acknowledgement\)$/);
  assert.equal(v5, "bigpub5 published 300 B to t/x: its PUBLISH m53472 (QoS 1) was larger than the broker's message_size_limit and dropped");
});

test('a connection ended for an oversize packet says the packet was over max_packet_size, with its size where 1.6 gives it', () => {
  // Real 2.0.11 with `max_packet_size 200`, a 3.1.1 client publishing 500 bytes.
  const c = correlate([
    '1796021203: New connection from 127.0.0.1:39040 on port 18842.',
    '1796021203: New client connected from 127.0.0.1:39040 as big (p2, c1, k60).',
    '1796021203: Sending CONNACK to big (0, 0)',
    '1796021203: Client big disconnected due to oversize packet.',
    '1795859881: New connection from 127.0.0.1 on port 32451.',
    "1795859881: New client connected from 127.0.0.1 as big-1 (p2, c1, k30, u'alice').",
    '1795859882: Client big-1 sent too large packet 3008, disconnecting.',
  ]);
  // Findings come in time order: the 1.6 lines are older.
  assert.deepEqual(c.findings.map((f) => describeFinding(f)), [
    'big-1 was disconnected for a protocol error: oversize packet of 3008 bytes (over max_packet_size)',
    'big was disconnected for a protocol error: oversize packet (over max_packet_size)',
  ]);
});
