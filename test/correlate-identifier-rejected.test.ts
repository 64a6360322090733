/**
 * `identifier rejected` (CONNACK 2): the broker refuses an empty client id, naming the address in
 * its CONNACK, and, from 2.0.12, an MQTT 3.x client whose keepalive is over `max_keepalive` (or 0
 * while that is set), after it has logged the client connected. The first is an auth failure
 * that says the id was empty; the second a refused connection that names the keepalive, whose
 * session ends at the refusal without a socket error for the line that closes it.
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

/**
 * 2.0.12 to 2.0.22 refusing a 3.1.1 client for its keepalive: the connect and will lines, the
 * CONNACK with code 2, then the connection closed with `MOSQ_ERR_INVAL`'s words (from the broker's
 * source: `connect__on_authorised` checks `max_keepalive` after it logs the connect).
 */
function keepaliveRefusal(keepalive: number, version = '2.0.15'): string[] {
  return [
    `1796014142: mosquitto version ${version} starting`,
    `1796014142: mosquitto version ${version} running`,
    '1796014143: New connection from 10.0.0.5:52810 on port 1883.',
    '1796014143: New connection from 10.0.0.9:40000 on port 1883.',
    `1796014143: New client connected from 10.0.0.5:52810 as plc-7 (p2, c1, k${keepalive}).`,
    '1796014143: No will message specified.',
    '1796014143: Sending CONNACK to plc-7 (0, 2)',
    '1796014143: Bad socket read/write on client plc-7: Invalid arguments provided.',
    '1796014144: New client connected from 10.0.0.9:40000 as hmi-1 (p2, c1, k30).',
    '1796014144: No will message specified.',
    '1796014144: Sending CONNACK to hmi-1 (0, 0)',
  ];
}

test('a 3.x client refused for its keepalive after its connect line is a refused connection naming the keepalive, not a socket error', () => {
  for (const keepalive of [0, 120]) {
    const c = correlate(keepaliveRefusal(keepalive));
    assert.deepEqual(c.findings.map((f) => [f.code, f.client, f.code === 'connection-refused' ? [f.address, f.reasonCode, f.keepalive] : null]), [
      ['connection-refused', 'plc-7', ['10.0.0.5:52810', 2, keepalive]],
    ]);
    // The session the connect line began ends at the refusal; the other connection is untouched.
    assert.deepEqual(c.sessions.map((s) => [s.client, s.address, s.port, s.endReason, s.endDetail, s.endAt?.line]), [
      ['plc-7', '10.0.0.5', 52810, 'other', 'refused with CONNACK 2', 7],
      ['hmi-1', '10.0.0.9', 40000, 'open', undefined, undefined],
    ]);
    assert.deepEqual(c.attempts.map((a) => [a.client, a.address, a.port, a.outcome, a.reasonCode, a.detail]), [
      ['plc-7', '10.0.0.5', 52810, 'refused', 2, keepalive === 0 ? 'no keepalive (0), where max_keepalive is set' : `keepalive ${keepalive}s, over max_keepalive`],
    ]);
  }
  const [none] = correlate(keepaliveRefusal(0)).findings;
  assert.equal(none && describeFinding(none), 'plc-7 from 10.0.0.5:52810 was refused (CONNACK 2: identifier rejected): it asked for no keepalive (0), which a broker with max_keepalive set refuses from an MQTT 3.x client (2.0.12 on; 2.0.12 to 2.0.15 set max_keepalive to 65535 by default)');
  const [long] = correlate(keepaliveRefusal(120)).findings;
  assert.equal(long && describeFinding(long), "plc-7 from 10.0.0.5:52810 was refused (CONNACK 2: identifier rejected): its keepalive of 120s is over the broker's max_keepalive, which refuses such an MQTT 3.x client (2.0.12 on)");
});

test("2.1 over TLS: the will's lines and the cipher's come between the connect line and its refusal", () => {
  const c = correlate([
    '1796014143: New connection from 10.0.0.5:52810 on port 8883.',
    '1796014143: New client connected from 10.0.0.5:52810 as plc-7 (p4, c1, k0).',
    '1796014143: Will message specified (7 bytes) (r1, q1).',
    '1796014143: \tplc/7/status',
    '1796014143: Client plc-7 negotiated TLSv1.3 cipher TLS_AES_256_GCM_SHA384',
    '1796014143: Sending CONNACK to plc-7 (0, 2)',
    '1796014143: Client plc-7 [10.0.0.5:52810] disconnected: bad socket read/write: Invalid arguments provided.',
  ]);
  assert.deepEqual(c.findings.map((f) => [f.code, f.code === 'connection-refused' ? f.keepalive : null]), [['connection-refused', 0]]);
  assert.deepEqual(c.sessions.map((s) => [s.endReason, s.endDetail]), [['other', 'refused with CONNACK 2']]);
});

test('without debug lines, the connection closed with Invalid arguments provided right after a 3.x connect line is that refusal', () => {
  const connect = (version: string): string[] => [
    '1796014143: New connection from 10.0.0.5:52810 on port 1883.',
    `1796014143: New client connected from 10.0.0.5:52810 as plc-7 (${version}, c1, k0).`,
  ];
  const v20 = correlate([...connect('p2'), '1796014143: Bad socket read/write on client plc-7: Invalid arguments provided.']);
  const v21 = correlate([...connect('p4'), '1796014143: Client plc-7 [10.0.0.5:52810] disconnected: bad socket read/write: Invalid arguments provided.']);
  for (const c of [v20, v21]) {
    assert.deepEqual(c.findings.map((f) => [f.code, f.code === 'connection-refused' ? [f.address, f.reasonCode, f.keepalive] : null]), [['connection-refused', ['10.0.0.5:52810', undefined, 0]], ['no-debug-lines', null]]);
    assert.deepEqual(c.sessions.map((s) => [s.endReason, s.endDetail]), [['other', 'refused for its keepalive']]);
    const [finding] = c.findings;
    assert.equal(finding && describeFinding(finding), 'plc-7 from 10.0.0.5:52810 was refused: it asked for no keepalive (0), which a broker with max_keepalive set refuses from an MQTT 3.x client (2.0.12 on; 2.0.12 to 2.0.15 set max_keepalive to 65535 by default)');
  }
  // A v5 client is given the broker's keepalive instead, and a connection that got on with its session is not refused so.
  const v5 = correlate([...connect('p5'), '1796014143: Bad socket read/write on client plc-7: Invalid arguments provided.']);
  const later = correlate([...connect('p2'), '1796014143: Sending CONNACK to plc-7 (0, 0)', '1796014150: Received PINGREQ from plc-7', '1796014150: Sending PINGRESP to plc-7', '1796014160: Bad socket read/write on client plc-7: Invalid arguments provided.']);
  for (const c of [v5, later]) {
    assert.deepEqual(c.findings.filter((f) => f.code !== 'no-debug-lines').map((f) => [f.code, f.code === 'socket-error' ? f.detail : null]), [['socket-error', 'Invalid arguments provided.']]);
    const [finding] = c.findings.filter((f) => f.code === 'socket-error');
    assert.match(finding ? describeFinding(finding) : '', /Invalid arguments provided\. \(2\.0\.12 and later's words as they close the connection of an MQTT 3\.x client they refused for its keepalive/);
  }
});

test('a refusal of another connection with the id of a connected client leaves its session open, as before', () => {
  const c = correlate([
    '1796014143: New connection from 10.0.0.5:52810 on port 1883.',
    '1796014143: New client connected from 10.0.0.5:52810 as plc-7 (p2, c1, k60).',
    '1796014143: Sending CONNACK to plc-7 (0, 0)',
    '1796014150: New connection from 10.0.0.6:52811 on port 1883.',
    '1796014150: Sending CONNACK to plc-7 (0, 5)',
    '1796014150: Client plc-7 disconnected, not authorised.',
  ]);
  assert.deepEqual(c.sessions.map((s) => [s.client, s.endReason]), [['plc-7', 'open']]);
  assert.deepEqual(c.findings.map((f) => [f.code, f.code === 'auth-failure' ? f.address : null]), [['auth-failure', '10.0.0.6:52811']]);
});

test('an empty client id refused by its address is an auth failure that says the id was empty (2.0.11 as captured, and 2.1)', () => {
  const captured = correlate([
    '1796014142: New connection from 127.0.0.1:52836 on port 18833.',
    '1796014142: Sending CONNACK to 127.0.0.1 (0, 2)',
    '1796014142: Client <unknown> disconnected due to protocol error.',
  ]);
  const v21 = correlate([
    '1795697628: New connection from 10.0.0.32:52050 on port 1883.',
    '1795697628: Protocol error from 10.0.0.32:52050: CONNECT with zero length clientid when forbidden.',
    '1795697628: Sending CONNACK to 10.0.0.32 (0, 2)',
    '1795697628: Client 10.0.0.32 [10.0.0.32:52050] disconnected: protocol error.',
  ]);
  for (const [c, address] of [[captured, '127.0.0.1:52836'], [v21, '10.0.0.32:52050']] as const) {
    assert.deepEqual(c.findings.map((f) => [f.code, f.client, f.code === 'auth-failure' ? f.reasonCode : null]), [['auth-failure', null, 2]]);
    assert.deepEqual(c.sessions, []);
    const [finding] = c.findings;
    assert.equal(finding && describeFinding(finding), `a client from ${address} was refused (CONNACK 2: identifier rejected): it sent an empty client id, which the broker takes only from an MQTT 3.1.1 client asking for a clean session, where allow_zero_length_clientid is true`);
  }
});
