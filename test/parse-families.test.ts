import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type LineContext, type LogRecord, createLineDecoder, fillPrintf, parseLine } from '../src/parse/index.js';
import { catalogueRowsFrom14, physicalLines } from './support/catalogue.js';
import { type Expected, assertFields, decodeLines, someString, where } from './support/records.js';
import { renderRecordJson } from '../src/report/record-json.js';

interface Case {
  name: string;
  line: string;
  expect: Expected;
  context?: LineContext;
}

/** One `test` per row: the line decodes alone into a record with these fields. */
function table(cases: readonly Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const record = parseLine(c.line, where, c.context);
      assert.equal(record.file, where.file);
      assert.equal(record.line, where.line);
      assertFields(record, c.expect);
    });
  }
}

/** Decodes a sequence and checks each record against its row (null = not checked). */
function sequence(lines: readonly string[], expected: ReadonlyArray<Expected | null>): LogRecord[] {
  assert.equal(lines.length, expected.length);
  const records = decodeLines(lines);
  records.forEach((r, i) => {
    assert.equal(r.line, i + 1);
    const e = expected[i];
    if (e) assertFields(r, e, `line ${i + 1}`);
  });
  return records;
}

const v14: LineContext = { brokerVersion: '1.4.15' };
const v16: LineContext = { brokerVersion: '1.6.15' };
const v20: LineContext = { brokerVersion: '2.0.18' };
const v21: LineContext = { brokerVersion: '2.1.2' };

describe('connection: New connection', () => {
  const conn = { type: 'connection', family: 'connect', level: 'notice' };
  table([
    { name: '1.x IPv4, no remote port', line: '1500000000: New connection from 10.0.0.1 on port 1883.', expect: { ...conn, address: '10.0.0.1', port: null, listenerPort: 1883, time: 1_500_000_000_000 } },
    { name: '1.x IPv6 ::1 without port', line: '1500000000: New connection from ::1 on port 1883.', expect: { ...conn, address: '::1', port: null } },
    { name: '1.x IPv6 2001:db8::17 without port', line: '1500000000: New connection from 2001:db8::17 on port 8883.', expect: { ...conn, address: '2001:db8::17', port: null, listenerPort: 8883 } },
    { name: '1.x IPv6 of eight groups without port: seven are no address', line: '1500000000: New connection from 2001:db8:85a3:0:0:8a2e:370:7334 on port 8883.', expect: { ...conn, address: '2001:db8:85a3:0:0:8a2e:370:7334', port: null, listenerPort: 8883 } },
    { name: '1.x IPv4-mapped IPv6 without port', line: '1500000000: New connection from ::ffff:10.0.0.9 on port 1883.', expect: { ...conn, address: '::ffff:10.0.0.9', port: null } },
    { name: '1.6 context: a trailing :N is part of the address', line: '1560000000: New connection from fe80::1:5 on port 1883.', context: v16, expect: { ...conn, address: 'fe80::1:5', port: null } },
    { name: '2.x IPv4 with port', line: '1700000000: New connection from 127.0.0.1:60802 on port 1883.', expect: { ...conn, address: '127.0.0.1', port: 60802, listenerPort: 1883 } },
    { name: '2.x IPv6 ::1:51234', line: '1700000000: New connection from ::1:51234 on port 1883.', expect: { ...conn, address: '::1', port: 51234 } },
    { name: '2.x IPv6 2001:db8::17:40022', line: '1700000000: New connection from 2001:db8::17:40022 on port 1883.', expect: { ...conn, address: '2001:db8::17', port: 40022 } },
    { name: '2.x IPv4-mapped ::ffff:10.0.0.9:51234', line: '1700000000: New connection from ::ffff:10.0.0.9:51234 on port 1883.', expect: { ...conn, address: '::ffff:10.0.0.9', port: 51234 } },
    { name: '2.x unix socket path, port 0', line: '1700000000: New connection from /run/mosquitto/mqtt.sock:0 on port 0.', expect: { ...conn, address: '/run/mosquitto/mqtt.sock', port: 0, listenerPort: 0 } },
    { name: '2.x unix socket path with a colon, port 0', line: '1700000000: New connection from /run/mq:a.sock:0 on port 0.', expect: { ...conn, address: '/run/mq:a.sock', port: 0, listenerPort: 0 } },
  ]);
});

describe('connection: New client connected', () => {
  const cc = { type: 'client-connected', family: 'connect', level: 'notice' };
  table([
    { name: '1.3 unquoted username', line: '1400000000: New client connected from 10.0.0.1 as c1 (c1, k60, ubob).', expect: { ...cc, client: 'c1', address: '10.0.0.1', port: null, protocolLevel: null, mqttVersion: null, cleanSession: true, keepalive: 60, username: 'bob', bridge: false } },
    { name: '1.3/1.4 without username', line: '1400000000: New client connected from 10.0.0.1 as c1 (c0, k15).', expect: { ...cc, client: 'c1', cleanSession: false, keepalive: 15, username: null, mqttVersion: null } },
    { name: "1.4 username with '", line: "1450000000: New client connected from 10.0.0.1 as c1 (c1, k60, u'o'brien').", context: v14, expect: { ...cc, client: 'c1', username: "o'brien", protocolLevel: null } },
    { name: '1.4 IPv6 without port', line: '1450000000: New client connected from 2001:db8::17 as sensor-7 (c1, k60).', expect: { ...cc, address: '2001:db8::17', port: null, client: 'sensor-7' } },
    { name: '1.6 p2 with username', line: "1560000000: New client connected from 10.0.0.1 as c1 (p2, c1, k60, u'bob').", context: v16, expect: { ...cc, protocolLevel: 2, mqttVersion: '3.1.1', versionAmbiguous: undefined, username: 'bob', port: null } },
    { name: '1.6 p1 is MQTT 3.1', line: '1560000000: New client connected from 10.0.0.1 as c1 (p1, c1, k60).', context: v16, expect: { ...cc, protocolLevel: 1, mqttVersion: '3.1' } },
    { name: '1.6 IPv6 of eight groups without port', line: '1560000000: New client connected from 2001:db8:85a3:0:0:8a2e:370:7334 as c1 (p2, c1, k60).', expect: { ...cc, address: '2001:db8:85a3:0:0:8a2e:370:7334', port: null, client: 'c1' } },
    { name: '1.6 IPv6 without port, id with spaces and (', line: '1560000000: New client connected from 2001:db8::17 as my client (x) (p2, c1, k60).', expect: { ...cc, client: 'my client (x)', address: '2001:db8::17', port: null } },
    { name: '1.6 ::1 without port', line: '1560000000: New client connected from ::1 as c1 (p5, c0, k0).', expect: { ...cc, address: '::1', port: null, mqttVersion: '5.0', keepalive: 0 } },
    // An address never holds ` as `: an id that does (`node:7 as primary`) is read whole.
    { name: '2.0 id holding ":N as "', line: '1700000000: New client connected from 1.2.3.4:5 as node:7 as primary (p2, c1, k60).', expect: { ...cc, address: '1.2.3.4', port: 5, client: 'node:7 as primary' } },
    { name: '2.0 IPv6 and an id holding " as "', line: "1700000000: New client connected from 2001:db8::17:40022 as c as d (p2, c1, k60, u'x').", expect: { ...cc, address: '2001:db8::17', port: 40022, client: 'c as d', username: 'x' } },
    { name: '1.6 id holding " as "', line: '1560000000: New client connected from 10.0.0.1 as a as b (p2, c1, k60).', expect: { ...cc, address: '10.0.0.1', port: null, client: 'a as b' } },
    { name: '2.0 IPv4 with port, p2', line: '1700000000: New client connected from 127.0.0.1:60802 as qos-alpha (p2, c1, k60).', context: v20, expect: { ...cc, client: 'qos-alpha', address: '127.0.0.1', port: 60802, protocolLevel: 2, mqttVersion: '3.1.1', versionAmbiguous: undefined } },
    { name: "2.0 ::1:51234 with username containing '", line: "1700000000: New client connected from ::1:51234 as c1 (p2, c1, k60, u'it's me').", expect: { ...cc, address: '::1', port: 51234, username: "it's me" } },
    { name: '2.0 2001:db8::17:40022', line: '1700000000: New client connected from 2001:db8::17:40022 as c1 (p5, c1, k60).', expect: { ...cc, address: '2001:db8::17', port: 40022 } },
    { name: '2.0 ::ffff:10.0.0.9:51234, id with spaces', line: '1700000000: New client connected from ::ffff:10.0.0.9:51234 as id with space (p5, c0, k30).', expect: { ...cc, client: 'id with space', address: '::ffff:10.0.0.9', port: 51234, mqttVersion: '5.0', cleanSession: false, keepalive: 30 } },
    { name: '2.0 id containing " (p"', line: '1700000000: New client connected from 10.0.0.1:1 as odd (p9) id (p5, c1, k60).', expect: { ...cc, client: 'odd (p9) id', protocolLevel: 5 } },
    { name: '2.0 unix socket path, port 0', line: '1700000000: New client connected from /tmp/mosq.sock:0 as c1 (p5, c1, k60).', expect: { ...cc, address: '/tmp/mosq.sock', port: 0 } },
    { name: "2.0 empty username u''", line: "1700000000: New client connected from 10.0.0.1:1 as c1 (p2, c1, k60, u'').", expect: { ...cc, username: '' } },
    { name: '2.0 incoming bridge', line: '1700000000: New bridge connected from 10.0.0.1:1234 as host.bridge (p2, c0, k60).', expect: { ...cc, bridge: true, client: 'host.bridge', port: 1234 } },
    { name: '2.1 p4 is MQTT 3.1.1', line: '1795702070: New client connected from 127.0.0.1:60802 as c1 (p4, c1, k60).', context: v21, expect: { ...cc, protocolLevel: 4, mqttVersion: '3.1.1', versionAmbiguous: undefined } },
    { name: '2.1 p3 is MQTT 3.1', line: '1795702070: New client connected from 127.0.0.1:60802 as c1 (p3, c1, k60).', context: v21, expect: { ...cc, protocolLevel: 3, mqttVersion: '3.1' } },
    { name: 'p5 is MQTT 5.0 in every version', line: '1795702070: New client connected from 127.0.0.1:1 as c1 (p5, c1, k60).', context: v16, expect: { ...cc, mqttVersion: '5.0', versionAmbiguous: undefined } },
    { name: 'p2 without a known broker version: 3.1.1, not ambiguous', line: '1700000000: New client connected from 127.0.0.1:1 as c1 (p2, c1, k60).', expect: { ...cc, mqttVersion: '3.1.1', versionAmbiguous: undefined } },
    { name: 'p4 without a known broker version: 3.1.1', line: '1700000000: New client connected from 127.0.0.1:1 as c1 (p4, c1, k60).', expect: { ...cc, mqttVersion: '3.1.1', versionAmbiguous: undefined } },
    { name: 'p2 from a 2.1 broker is ambiguous', line: '1795702070: New client connected from 127.0.0.1:1 as c1 (p2, c1, k60).', context: v21, expect: { ...cc, protocolLevel: 2, mqttVersion: '3.1.1', versionAmbiguous: true } },
    { name: 'p4 from a 2.0 broker is ambiguous', line: '1700000000: New client connected from 127.0.0.1:1 as c1 (p4, c1, k60).', context: v20, expect: { ...cc, protocolLevel: 4, mqttVersion: '3.1.1', versionAmbiguous: true } },
    { name: 'an unknown p value has no version', line: '1700000000: New client connected from 127.0.0.1:1 as c1 (p7, c1, k60).', expect: { ...cc, protocolLevel: 7, mqttVersion: null, versionAmbiguous: true } },
  ]);

  test('the broker version announced earlier in the input decides ambiguity', () => {
    const records = sequence([
      '1795702070: mosquitto version 2.1.2 starting',
      '1795702070: New client connected from 127.0.0.1:1 as old (p2, c1, k60).',
      '1795702070: New client connected from 127.0.0.1:2 as new (p4, c1, k60).',
    ], [
      { type: 'broker', event: 'starting', version: '2.1.2' },
      { type: 'client-connected', client: 'old', versionAmbiguous: true },
      { type: 'client-connected', client: 'new', versionAmbiguous: undefined },
    ]);
    assert.equal(records.length, 3);
  });

  test('a 1.x broker version keeps a trailing :N in the address', () => {
    sequence([
      '1560000000: mosquitto version 1.6.15 starting',
      '1560000000: New connection from fe80::1:5 on port 1883.',
      '1560000000: New client connected from fe80::1:5 as c1 (p2, c1, k60).',
    ], [
      { type: 'broker', event: 'starting' },
      { type: 'connection', address: 'fe80::1:5', port: null },
      { type: 'client-connected', address: 'fe80::1:5', port: null, client: 'c1' },
    ]);
  });
});

describe('connection: disconnect wordings', () => {
  const d = { type: 'disconnect', family: 'disconnect', level: 'notice' };
  table([
    { name: '1.x Socket error', line: '1400000000: Socket error on client c1, disconnecting.', expect: { ...d, client: 'c1', address: null, port: null, cause: 'socket-error' } },
    { name: '1.x Socket error on <unknown>', line: '1400000000: Socket error on client <unknown>, disconnecting.', expect: { ...d, client: null, cause: 'socket-error' } },
    { name: '1.x keepalive timeout', line: '1400000000: Client c1 has exceeded timeout, disconnecting.', expect: { ...d, client: 'c1', cause: 'timeout' } },
    { name: 'client DISCONNECT (1.3–2.1.0)', line: '1400000000: Client c1 disconnected.', expect: { ...d, client: 'c1', address: null, cause: 'client-disconnect' } },
    { name: 'client id with spaces and (', line: '1700000000: Client my client (x) disconnected.', expect: { ...d, client: 'my client (x)', cause: 'client-disconnect' } },
    { name: '1.6 protocol error', line: '1560000000: Client c1 disconnected due to protocol error.', expect: { ...d, cause: 'protocol-error' } },
    { name: '1.6 no longer authorised', line: '1560000000: Client c1 disconnected, no longer authorised.', expect: { ...d, cause: 'not-authorised' } },
    { name: '1.6 too large packet (INFO)', line: '1560000000: Client c1 sent too large packet 300000, disconnecting.', expect: { ...d, level: 'info', cause: 'oversize-packet' } },
    { name: '2.0 closed its connection', line: '1700000000: Client c1 closed its connection.', expect: { ...d, client: 'c1', cause: 'closed' } },
    { name: '2.0 <unknown> closed its connection', line: '1700000000: Client <unknown> closed its connection.', expect: { ...d, client: null, cause: 'closed' } },
    { name: '2.1.0 prints the address for an unknown id', line: '1770000004: Client 192.168.7.40 closed its connection.', context: { brokerVersion: '2.1.0' }, expect: { ...d, client: null, address: '192.168.7.40', port: null, cause: 'closed' } },
    { name: "2.1.0 prints a unix socket's path for an unknown id", line: '1770000004: Client /run/mosq.sock closed its connection.', context: { brokerVersion: '2.1.0' }, expect: { ...d, client: null, address: '/run/mosq.sock', port: null, cause: 'closed' } },
    { name: '2.0: an id that starts with / is an id', line: '1700000004: Client /run/mosq.sock closed its connection.', context: v20, expect: { ...d, client: '/run/mosq.sock', address: null } },
    { name: '2.1.0 IPv6 address for an unknown id', line: '1770000004: Client ::1 has exceeded timeout, disconnecting.', context: { brokerVersion: '2.1.0' }, expect: { ...d, client: null, address: '::1', cause: 'timeout' } },
    { name: 'before 2.1 an id that looks like an address is an id', line: '1700000000: Client 192.168.7.40 closed its connection.', context: v20, expect: { ...d, client: '192.168.7.40', address: null } },
    { name: '2.0 not authorised', line: '1700000000: Client c1 disconnected, not authorised.', expect: { ...d, cause: 'not-authorised' } },
    { name: '2.0 malformed packet', line: '1700000000: Client c1 disconnected due to malformed packet.', expect: { ...d, cause: 'malformed-packet' } },
    { name: '2.0 oversize payload', line: '1700000000: Client c1 disconnected due to oversize payload.', expect: { ...d, cause: 'oversize-payload' } },
    { name: '2.0 out of memory', line: '1700000000: Client c1 disconnected due to out of memory.', expect: { ...d, cause: 'out-of-memory' } },
    { name: '2.0.0 QoS too high', line: '1700000000: Client c1 disconnected due to QoS too high or retain not supported.', expect: { ...d, cause: 'disallowed-feature' } },
    { name: '2.0.12 not allowed feature', line: '1700000000: Client c1 disconnected due to using not allowed feature (QoS too high, retain not supported, or bad AUTH method).', expect: { ...d, cause: 'disallowed-feature' } },
    { name: '2.0 administrative action', line: '1700000000: Client c1 been disconnected by administrative action.', expect: { ...d, cause: 'administrative' } },
    { name: '2.0 errno text', line: '1700000000: Client c1 disconnected: Connection reset by peer.', expect: { ...d, cause: 'os-error', detail: someString } },
    { name: 'errno 0: closed in the middle of a packet', line: '1700000000: Client c1 disconnected: Success.', expect: { ...d, cause: 'closed', detail: 'mid-packet' } },
    { name: 'errno 0 in musl\'s words', line: '1700000000: Client c1 disconnected: No error information.', expect: { ...d, cause: 'closed', detail: 'mid-packet' } },
    { name: '2.0.0 bad socket', line: '1700000000: Bad socket read/write on client c1, disconnecting.', expect: { ...d, cause: 'bad-socket', detail: undefined } },
    { name: '2.0.6 bad socket with text', line: '1700000000: Bad socket read/write on client c1: The connection was lost.', expect: { ...d, client: 'c1', cause: 'bad-socket', detail: someString } },
    { name: '2.1.0 session taken over', line: '1790000000: Client c1 disconnected, session taken over.', expect: { ...d, cause: 'session-taken-over' } },
    { name: '2.1.0 bad username or password', line: '1790000000: Client c1 disconnected, bad username or password.', expect: { ...d, cause: 'bad-credentials' } },
    { name: '2.1.0 client banned', line: '1790000000: Client c1 disconnected, client banned.', expect: { ...d, cause: 'banned' } },
    { name: '2.1.0 client identifier not valid', line: '1790000000: Client c1 disconnected, client identifier not valid.', expect: { ...d, cause: 'invalid-client-id' } },
    { name: '2.1.0 bad authentication method', line: '1790000000: Client c1 disconnected, bad authentication method.', expect: { ...d, cause: 'bad-auth-method' } },
    { name: '2.1.0 server busy', line: '1790000000: Client c1 disconnected, server busy.', expect: { ...d, cause: 'server-busy' } },
    { name: '2.1.0 quota exceeded', line: '1790000000: Client c1 disconnected, quota exceeded.', expect: { ...d, cause: 'quota-exceeded' } },
    { name: '2.1.0 connection rate exceeded', line: '1790000000: Client c1 disconnected, connection rate exceeded.', expect: { ...d, cause: 'rate-exceeded' } },
    { name: '2.1.0 topic alias invalid', line: '1790000000: Client c1 disconnected, topic alias invalid.', expect: { ...d, cause: 'topic-alias-invalid' } },
    { name: '2.1.0 receive maximum', line: '1790000000: Client c1 disconnected due to exceeding the receive maximum.', expect: { ...d, cause: 'receive-maximum' } },
    { name: '2.1.1 plain', line: '1795000000: Client c1 [127.0.0.1:47000] disconnected.', expect: { ...d, client: 'c1', address: '127.0.0.1', port: 47000, cause: 'client-disconnect' } },
    { name: '2.1.1 closed by client', line: '1795000000: Client c1 [127.0.0.1:47000] disconnected: connection closed by client.', expect: { ...d, cause: 'closed', port: 47000 } },
    { name: '2.1.1 timeout, [::1:port]', line: '1795000000: Client c1 [::1:47000] disconnected: exceeded timeout.', expect: { ...d, cause: 'timeout', address: '::1', port: 47000 } },
    { name: '2.1.1 protocol error, [2001:db8::17:port]', line: '1795000000: Client c1 [2001:db8::17:40022] disconnected: protocol error.', expect: { ...d, cause: 'protocol-error', address: '2001:db8::17', port: 40022 } },
    { name: '2.1.1 not authorised', line: '1795000000: Client c1 [127.0.0.1:47000] disconnected: not authorised.', expect: { ...d, cause: 'not-authorised' } },
    { name: '2.1.1 session taken over', line: '1795000000: Client c1 [127.0.0.1:47000] disconnected: session taken over.', expect: { ...d, cause: 'session-taken-over' } },
    { name: '2.1.1 administrative action, unix socket', line: '1795000000: Client c1 [/tmp/sock:0] disconnected: administrative action.', expect: { ...d, cause: 'administrative', address: '/tmp/sock', port: 0 } },
    { name: '2.1.1 closed, unix socket path with a colon', line: '1795000000: Client c1 [/run/mq:a.sock:0] disconnected: connection closed by client.', expect: { ...d, client: 'c1', cause: 'closed', address: '/run/mq:a.sock', port: 0 } },
    { name: '2.1.1 disallowed feature', line: '1795000000: Client c1 [127.0.0.1:47000] disconnected: used disallowed feature (QoS too high, retain not supported, or bad AUTH method).', expect: { ...d, cause: 'disallowed-feature' } },
    { name: '2.1.1 strerror', line: '1795000000: Client c1 [127.0.0.1:47000] disconnected: Broken pipe.', expect: { ...d, cause: 'os-error', detail: someString } },
    { name: '2.1.1 errno 0', line: '1795000000: Client c1 [127.0.0.1:47000] disconnected: Success.', expect: { ...d, cause: 'closed', detail: 'mid-packet' } },
    { name: '2.1.1 bad socket (no final dot)', line: '1795000000: Client c1 [127.0.0.1:47000] disconnected: bad socket read/write: The connection was lost.', expect: { ...d, cause: 'bad-socket', detail: someString } },
    { name: '2.1.1 <unknown> id', line: '1795000000: Client <unknown> [127.0.0.1:47000] disconnected: protocol error.', expect: { ...d, client: null, address: '127.0.0.1', cause: 'protocol-error' } },
    { name: '2.1 address printed as the id', line: '1795000000: Client 10.1.2.3 [10.1.2.3:40022] disconnected: connection closed by client.', expect: { ...d, client: null, address: '10.1.2.3', port: 40022, cause: 'closed' } },
    { name: '2.1 [(null):0]: no address', line: '1795000000: Client pers-inflight [(null):0] disconnected: session taken over.', expect: { ...d, client: 'pers-inflight', address: null, port: null, cause: 'session-taken-over' } },
    { name: '2.1 [(null):0] bridge strerror', line: '1795000000: Client local.edge-bridge [(null):0] disconnected: Broken pipe.', expect: { ...d, client: 'local.edge-bridge', address: null, cause: 'os-error' } },
    { name: '2.1.1 id holding a bad-socket end, then another end', line: '1795000000: Client a [1.2.3.4:5] disconnected: bad socket read/write: q [127.0.0.1:47000] disconnected: connection closed by client.', expect: { ...d, client: 'a [1.2.3.4:5] disconnected: bad socket read/write: q', address: '127.0.0.1', port: 47000, cause: 'closed' } },
    { name: '2.1.1 id holding a bad-socket end, then a plain end', line: '1795000000: Client a [1.2.3.4:5] disconnected: bad socket read/write: q [127.0.0.1:47000] disconnected.', expect: { ...d, client: 'a [1.2.3.4:5] disconnected: bad socket read/write: q', address: '127.0.0.1', port: 47000, cause: 'client-disconnect' } },
    { name: '2.1.1 id holding a bad-socket end, then a bad-socket end', line: '1795000000: Client a [1.2.3.4:5] disconnected: bad socket read/write: q [127.0.0.1:47000] disconnected: bad socket read/write: Connection reset by peer', expect: { ...d, client: 'a [1.2.3.4:5] disconnected: bad socket read/write: q', address: '127.0.0.1', port: 47000, cause: 'bad-socket', detail: 'Connection reset by peer' } },
    { name: '2.1.1 id containing " [" ', line: '1795000000: Client my id [x] [127.0.0.1:47000] disconnected.', expect: { ...d, client: 'my id [x]', address: '127.0.0.1', port: 47000 } },
    { name: 'before 2.1.1 a [x:N] is part of the id', line: '1700000000: Client esp32 [00:11:22:33:44:55] disconnected.', context: v20, expect: { ...d, client: 'esp32 [00:11:22:33:44:55]', address: null, port: null, cause: 'client-disconnect' } },
    { name: 'before 2.1.1 a [x:N] is part of the id (errno text)', line: '1700000000: Client esp32 [00:11:22:33:44:55] disconnected: Connection reset by peer.', context: v20, expect: { ...d, client: 'esp32 [00:11:22:33:44:55]', address: null, cause: 'os-error' } },
  ]);
});

describe('connection: CONNACK, takeover, session expiry', () => {
  const ack = { type: 'packet', family: 'connack', cmd: 'connack' };
  table([
    { name: '1.3 CONNACK: one number', line: '1300000000: Sending CONNACK to c1 (0)', expect: { ...ack, direction: 'out', client: 'c1', reasonCode: 0, sessionPresent: undefined } },
    { name: '1.3 CONNACK to an address', line: '1300000000: Sending CONNACK to 10.0.0.1 (5)', expect: { ...ack, client: '10.0.0.1', reasonCode: 5 } },
    { name: '1.4+ CONNACK: session present, rc', line: '1700000000: Sending CONNACK to c1 (1, 0)', expect: { ...ack, direction: 'out', client: 'c1', sessionPresent: true, reasonCode: 0 } },
    { name: 'v5 CONNACK refusal', line: '1700000000: Sending CONNACK to c1 (0, 135)', expect: { ...ack, sessionPresent: false, reasonCode: 135 } },
    { name: 'bridge receives CONNACK', line: '1700000000: Received CONNACK on connection local.bridge.', expect: { ...ack, direction: 'in', client: 'local.bridge' } },
    { name: 'takeover (≤2.0, ERR)', line: '1700000000: Client c1 already connected, closing old connection.', expect: { type: 'takeover', family: 'connect', level: 'error', client: 'c1' } },
    { name: 'session expiry (1.6.8+)', line: '1700000000: Expiring client c1 due to timeout.', expect: { type: 'session-expiry', family: 'session-expiry', client: 'c1' } },
    { name: 'session expiry (≤1.6.7)', line: '1500000000: Expiring persistent client c1 due to timeout.', expect: { type: 'session-expiry', family: 'session-expiry', client: 'c1' } },
  ]);
});

describe('packets: PUBLISH', () => {
  const pin = { type: 'packet', family: 'publish-in', cmd: 'publish', direction: 'in', level: 'debug' };
  const pout = { type: 'packet', family: 'publish-out', cmd: 'publish', direction: 'out', level: 'debug' };
  table([
    { name: 'received QoS 1', line: "1700000000: Received PUBLISH from c1 (d0, q1, r0, m12, 'a/b', ... (22 bytes))", expect: { ...pin, client: 'c1', mid: 12, qos: 1, dup: false, retain: false, topic: 'a/b', payloadBytes: 22 } },
    { name: "received, topic with ', dup and retain set", line: "1700000000: Received PUBLISH from c1 (d1, q2, r1, m65535, 'it's/a', ... (0 bytes))", expect: { ...pin, mid: 65535, qos: 2, dup: true, retain: true, topic: "it's/a", payloadBytes: 0 } },
    { name: "received, topic containing ', ... (", line: "1700000000: Received PUBLISH from c1 (d0, q0, r0, m0, 'x', ... (y', ... (3 bytes))", expect: { ...pin, mid: 0, qos: 0, topic: "x', ... (y", payloadBytes: 3 } },
    { name: 'sent to an id with spaces', line: "1700000000: Sending PUBLISH to my client (d0, q2, r0, m7, 'a', ... (b', ... (5 bytes))", expect: { ...pout, client: 'my client', mid: 7, qos: 2, topic: "a', ... (b", payloadBytes: 5 } },
    { name: 'sent, empty topic', line: "1700000000: Sending PUBLISH to c1 (d0, q0, r1, m0, '', ... (1 bytes))", expect: { ...pout, topic: '', retain: true } },
    { name: 'denied incoming', line: "1700000000: Denied PUBLISH from c1 (d0, q1, r0, m3, 'secret', ... (4 bytes))", expect: { ...pin, outcome: 'denied', mid: 3 } },
    { name: 'dropped too large', line: "1700000000: Dropped too large PUBLISH from c1 (d0, q1, r0, m3, 'big', ... (400000 bytes))", expect: { ...pin, outcome: 'dropped', payloadBytes: 400000 } },
    { name: '2.1 denied outgoing (no d, no m)', line: "1790000000: Denied PUBLISH to c1 (q1, r0, 'secret', ... (4 bytes))", expect: { ...pout, outcome: 'denied', qos: 1, mid: undefined, dup: undefined, topic: 'secret' } },
    { name: '2.1 rejected incoming (quota)', line: '1790000000: Rejected PUBLISH from c1, quota exceeded.', expect: { ...pin, outcome: 'rejected', client: 'c1' } },
    { name: '2.1 rejected outgoing (quota)', line: '1790000000: Rejected PUBLISH to c1, quota exceeded.', expect: { ...pout, outcome: 'rejected', client: 'c1' } },
    { name: 'too large outgoing', line: '1700000000: Dropping too large outgoing PUBLISH for c1 (300 bytes)', expect: { type: 'messages-dropped', family: 'publish-out', client: 'c1', packetBytes: 300 } },
    { name: 'queue full', line: '1700000000: Outgoing messages are being dropped for client c1.', expect: { type: 'messages-dropped', family: 'publish-out', client: 'c1', packetBytes: undefined } },
  ]);
});

describe('packets: acknowledgements and pings', () => {
  const p = { type: 'packet', level: 'debug' };
  table([
    { name: '≤1.5 PUBACK sent (Mid: n)', line: '1400000000: Sending PUBACK to c1 (Mid: 5)', expect: { ...p, family: 'puback', cmd: 'puback', direction: 'out', mid: 5, reasonCode: undefined } },
    { name: '≤1.5 PUBREC sent', line: '1400000000: Sending PUBREC to c1 (Mid: 5)', expect: { ...p, family: 'pubrec', cmd: 'pubrec', direction: 'out', mid: 5 } },
    { name: '≤1.5 PUBREL sent', line: '1400000000: Sending PUBREL to c1 (Mid: 5)', expect: { ...p, family: 'pubrel', cmd: 'pubrel', direction: 'out', mid: 5 } },
    { name: '≤1.5 PUBCOMP sent', line: '1400000000: Sending PUBCOMP to c1 (Mid: 5)', expect: { ...p, family: 'pubcomp', cmd: 'pubcomp', direction: 'out', mid: 5 } },
    { name: '≤1.5 PUBACK received', line: '1400000000: Received PUBACK from c1 (Mid: 5)', expect: { ...p, family: 'puback/pubcomp', cmd: 'puback', direction: 'in', mid: 5 } },
    { name: 'PUBREC received', line: '1400000000: Received PUBREC from c1 (Mid: 6)', expect: { ...p, family: 'pubrec', cmd: 'pubrec', direction: 'in', mid: 6 } },
    { name: 'PUBREL received', line: '1700000000: Received PUBREL from c1 (Mid: 7)', expect: { ...p, family: 'pubrel', cmd: 'pubrel', direction: 'in', mid: 7 } },
    { name: '≤1.5 PUBCOMP received', line: '1400000000: Received PUBCOMP from c1 (Mid: 5)', expect: { ...p, family: 'puback/pubcomp', cmd: 'pubcomp', direction: 'in', mid: 5 } },
    { name: '1.6+ PUBACK sent (mN, rcN)', line: '1700000000: Sending PUBACK to c1 (m5, rc0)', expect: { ...p, family: 'puback', cmd: 'puback', direction: 'out', mid: 5, reasonCode: 0 } },
    { name: '1.6+ PUBREC sent with quota rc', line: '1700000000: Sending PUBREC to c1 (m5, rc151)', expect: { ...p, family: 'pubrec', cmd: 'pubrec', mid: 5, reasonCode: 151 } },
    { name: '1.6+ PUBREL sent (mN)', line: '1700000000: Sending PUBREL to c1 (m5)', expect: { ...p, family: 'pubrel', cmd: 'pubrel', direction: 'out', mid: 5 } },
    { name: '1.6+ PUBCOMP sent (mN)', line: '1700000000: Sending PUBCOMP to c1 (m5)', expect: { ...p, family: 'pubcomp', cmd: 'pubcomp', direction: 'out', mid: 5 } },
    { name: '1.6+ PUBACK received (Mid: n, RC:n)', line: '1700000000: Received PUBACK from c1 (Mid: 5, RC:0)', expect: { ...p, family: 'puback/pubcomp', cmd: 'puback', direction: 'in', mid: 5, reasonCode: 0 } },
    { name: '1.6+ PUBCOMP received (Mid: n, RC:n)', line: '1700000000: Received PUBCOMP from c1 (Mid: 5, RC:146)', expect: { ...p, family: 'puback/pubcomp', cmd: 'pubcomp', mid: 5, reasonCode: 146 } },
    { name: 'ack id with spaces', line: '1700000000: Received PUBACK from my id (x) (Mid: 5, RC:0)', expect: { ...p, cmd: 'puback', client: 'my id (x)', mid: 5 } },
    { name: "ack id holding ' from '", line: '1700000000: Received PUBACK from sensor from lab (Mid: 1, RC:0)', expect: { ...p, cmd: 'puback', direction: 'in', client: 'sensor from lab', mid: 1, reasonCode: 0 } },
    { name: "ack id holding ' to '", line: '1700000000: Sending PUBACK to car to go (m2, rc0)', expect: { ...p, cmd: 'puback', direction: 'out', client: 'car to go', mid: 2 } },
    { name: "≤1.5 ack id holding ' to '", line: '1400000000: Sending PUBREL to car to go (Mid: 3)', expect: { ...p, cmd: 'pubrel', direction: 'out', client: 'car to go', mid: 3 } },
    { name: "ping id holding ' from '", line: '1700000000: Received PINGREQ from sensor from lab', expect: { ...p, cmd: 'pingreq', client: 'sensor from lab' } },
    { name: "unknown mid, id holding ' from '", line: '1700000000: Warning: Received PUBREL from a from b for an unknown packet identifier 9.', expect: { ...p, level: 'warning', cmd: 'pubrel', client: 'a from b', mid: 9, outcome: 'unknown-mid' } },
    { name: 'unknown mid PUBACK', line: '1700000000: Warning: Received PUBACK from c1 for an unknown packet identifier 9.', expect: { ...p, level: 'warning', cmd: 'puback', direction: 'in', mid: 9, outcome: 'unknown-mid' } },
    { name: 'unknown mid PUBREC', line: '1700000000: Warning: Received PUBREC from c1 for an unknown packet identifier 9.', expect: { ...p, level: 'warning', family: 'pubrec', cmd: 'pubrec', outcome: 'unknown-mid' } },
    { name: 'unknown mid PUBREL', line: '1700000000: Warning: Received PUBREL from c1 for an unknown packet identifier 9.', expect: { ...p, level: 'warning', family: 'pubrel', cmd: 'pubrel', outcome: 'unknown-mid' } },
    { name: 'unknown mid PUBCOMP', line: '1700000000: Warning: Received PUBCOMP from c1 for an unknown packet identifier 9.', expect: { ...p, level: 'warning', family: 'puback/pubcomp', cmd: 'pubcomp', mid: 9, outcome: 'unknown-mid' } },
    { name: 'PINGREQ received', line: '1700000000: Received PINGREQ from c1', expect: { ...p, family: 'ping', cmd: 'pingreq', direction: 'in', client: 'c1' } },
    { name: 'PINGRESP sent', line: '1700000000: Sending PINGRESP to c1', expect: { ...p, family: 'ping', cmd: 'pingresp', direction: 'out' } },
    { name: 'bridge PINGREQ sent', line: '1700000000: Sending PINGREQ to host.bridge', expect: { ...p, family: 'ping', cmd: 'pingreq', direction: 'out', client: 'host.bridge' } },
    { name: 'bridge PINGRESP received', line: '1700000000: Received PINGRESP from host.bridge', expect: { ...p, family: 'ping', cmd: 'pingresp', direction: 'in' } },
    { name: 'DISCONNECT received', line: '1700000000: Received DISCONNECT from c1', expect: { ...p, family: 'disconnect', cmd: 'disconnect', direction: 'in' } },
    { name: 'DISCONNECT sent with rc', line: '1700000000: Sending DISCONNECT to c1 (rc142)', expect: { ...p, family: 'disconnect', cmd: 'disconnect', direction: 'out', reasonCode: 142 } },
    { name: 'AUTH received', line: '1700000000: Received AUTH from c1 (rc24, SCRAM-SHA-1)', expect: { ...p, family: 'auth/acl', cmd: 'auth', direction: 'in', reasonCode: 24, method: 'SCRAM-SHA-1' } },
    { name: 'AUTH sent', line: '1700000000: Sending AUTH to c1 (rc0, SCRAM-SHA-1)', expect: { ...p, family: 'auth/acl', cmd: 'auth', direction: 'out', reasonCode: 0 } },
  ]);
});

describe('subscriptions', () => {
  test('SUBSCRIBE with tab lines and log_type subscribe lines', () => {
    const sub = { type: 'subscription', action: 'subscribe' };
    sequence([
      '1700000000: Received SUBSCRIBE from c1',
      '1700000000: \ta/b (QoS 1)',
      '1700000000: c1 1 a/b',
      '1700000000: \tsecret/# (denied)',
      '1700000000: \tx y (QoS 2)',
      '1700000000: c1 2 x y',
      '1700000000: Sending SUBACK to c1',
    ], [
      { type: 'packet', family: 'subscribe', cmd: 'subscribe', direction: 'in', client: 'c1' },
      { ...sub, family: 'subscribe', level: 'debug', client: 'c1', filter: 'a/b', qos: 1 },
      { ...sub, family: 'subscribe', level: 'subscribe', client: 'c1', filter: 'a/b', qos: 1 },
      { ...sub, client: 'c1', filter: 'secret/#', denied: true, qos: undefined },
      { ...sub, client: 'c1', filter: 'x y', qos: 2 },
      { ...sub, level: 'subscribe', client: 'c1', filter: 'x y', qos: 2 },
      { type: 'packet', family: 'subscribe', cmd: 'suback', direction: 'out', client: 'c1' },
    ]);
  });

  test('a log that begins inside a SUBSCRIBE: its first topic line is a filter of a client it does not name, until a line names it', () => {
    sequence([
      '1700000000: \tsensors/# (QoS 2)',
      '1700000000: c1 2 sensors/#',
      '1700000000: \tother (QoS 1)',
    ], [
      { type: 'subscription', family: 'subscribe', action: 'subscribe', client: null, filter: 'sensors/#', qos: 2 },
      { type: 'subscription', level: 'subscribe', client: 'c1', filter: 'sensors/#', qos: 2 },
      { type: 'subscription', level: 'debug', client: 'c1', filter: 'other', qos: 1 },
    ]);
    // Not first, outside a SUBSCRIBE, such a line is not understood.
    sequence(['1700000000: Client c1 disconnected.', '1700000000: \tsensors/# (QoS 2)'], [null, { type: 'unknown' }]);
  });

  test('a client id with spaces is taken from the SUBSCRIBE line', () => {
    sequence([
      '1700000000: Received SUBSCRIBE from my id 2',
      '1700000000: \ta (QoS 0)',
      '1700000000: my id 2 0 a b',
    ], [
      { type: 'packet', cmd: 'subscribe', client: 'my id 2' },
      { type: 'subscription', client: 'my id 2', filter: 'a', qos: 0 },
      { type: 'subscription', level: 'subscribe', client: 'my id 2', filter: 'a b', qos: 0 },
    ]);
  });

  test('a topic line cut before its QoS is still the subscribe, and so is the line after it', () => {
    // 1.x formats `\t%s (QoS %d)` into 512 bytes, so a long filter loses its tail.
    const filter = `a/${'x'.repeat(509)}`;
    sequence([
      '1500000000: Received SUBSCRIBE from sub',
      `1500000000: \t${filter}`,
      `1500000000: sub 0 ${filter}`,
    ], [
      { type: 'packet', cmd: 'subscribe', client: 'sub' },
      { type: 'subscription', action: 'subscribe', client: 'sub', filter, qos: undefined, truncated: true },
      { type: 'subscription', action: 'subscribe', level: 'subscribe', client: 'sub', filter, qos: 0 },
    ]);
    // Shorter than the cut, it is no cut line.
    sequence(['1500000000: Received SUBSCRIBE from sub', '1500000000: \tshort'], [null, { type: 'subscription', action: 'subscribe', filter: 'short', truncated: undefined }]);
  });

  test('UNSUBSCRIBE with tab lines and log_type unsubscribe lines', () => {
    const unsub = { type: 'subscription', family: 'unsubscribe', action: 'unsubscribe' };
    sequence([
      '1700000000: Received UNSUBSCRIBE from my id',
      '1700000000: \ta/b',
      '1700000000: my id a/b',
      '1700000000: \tc (QoS 1)',
      '1700000000: Sending UNSUBACK to my id',
    ], [
      { type: 'packet', family: 'unsubscribe', cmd: 'unsubscribe', direction: 'in', client: 'my id' },
      { ...unsub, level: 'debug', client: 'my id', filter: 'a/b' },
      { ...unsub, level: 'unsubscribe', client: 'my id', filter: 'a/b' },
      // Inside an UNSUBSCRIBE a tab line is a filter, whatever it looks like.
      { ...unsub, client: 'my id', filter: 'c (QoS 1)' },
      { type: 'packet', family: 'unsubscribe', cmd: 'unsuback', direction: 'out' },
    ]);
  });

  test('the $SYS topic names the action, whatever the line before was', () => {
    sequence([
      '$SYS/broker/log/M/unsubscribe 1700000000: c1 a/b',
      '$SYS/broker/log/M/subscribe 1700000001: c1 1 a/b',
      '$SYS/broker/log/M/unsubscribe 1700000002: c1 a/b',
    ], [
      { type: 'subscription', action: 'unsubscribe', client: 'c1', filter: 'a/b' },
      { type: 'subscription', action: 'subscribe', level: 'subscribe', client: 'c1', filter: 'a/b', qos: 1 },
      { type: 'subscription', action: 'unsubscribe', level: 'unsubscribe', client: 'c1', filter: 'a/b' },
    ]);
  });

  test("a client id holding ' from ' is taken whole from the SUBSCRIBE line", () => {
    sequence([
      '1700000003: Received SUBSCRIBE from sensor from lab',
      '1700000003: \ta/b (QoS 1)',
      '1700000003: sensor from lab 1 a/b',
    ], [
      { type: 'packet', cmd: 'subscribe', client: 'sensor from lab' },
      { type: 'subscription', client: 'sensor from lab', filter: 'a/b', qos: 1 },
      { type: 'subscription', level: 'subscribe', client: 'sensor from lab', filter: 'a/b', qos: 1 },
    ]);
  });

  test('without debug lines: the connect line names the client, and an unsubscribe follows its subscribe lines', () => {
    sequence([
      '1700000000: New client connected from 127.0.0.1:5000 as sub 2 (p2, c1, k60).',
      '1700000000: sub 2 0 x/y',
      '1700000000: sub 2 1 a/#',
      '1700000005: sub 2 a/#',
    ], [
      { type: 'client-connected', client: 'sub 2' },
      { type: 'subscription', action: 'subscribe', level: 'subscribe', client: 'sub 2', filter: 'x/y', qos: 0 },
      { type: 'subscription', action: 'subscribe', level: 'subscribe', client: 'sub 2', filter: 'a/#', qos: 1 },
      { type: 'subscription', action: 'unsubscribe', level: 'unsubscribe', client: 'sub 2', filter: 'a/#' },
    ]);
    // A persistent session's client may unsubscribe first thing.
    sequence([
      '1700000000: New client connected from 127.0.0.1:5000 as keeper (p2, c0, k60).',
      '1700000001: keeper sensors/#',
    ], [
      { type: 'client-connected', client: 'keeper' },
      { type: 'subscription', action: 'unsubscribe', level: 'unsubscribe', client: 'keeper', filter: 'sensors/#' },
    ]);
  });

  test('a $SYS subscribe line says what it is: its client id may hold spaces and digits', () => {
    const lines = ['my client (1) 1 a/#', 'c 2 0 a/b', 'c 1 a b'].map((text) => `$SYS/broker/log/M/subscribe 1700000000: ${text}`);
    sequence(lines, [
      { type: 'subscription', action: 'subscribe', level: 'subscribe', client: 'my client (1)', filter: 'a/#', qos: 1 },
      // Filters seldom hold spaces: the reading that leaves one without is taken.
      { type: 'subscription', action: 'subscribe', level: 'subscribe', client: 'c 2', filter: 'a/b', qos: 0 },
      { type: 'subscription', action: 'subscribe', level: 'subscribe', client: 'c', filter: 'a b', qos: 1 },
    ]);
  });

  table([
    { name: 'a log_type subscribe line on its own, single-word id', line: '1700000000: lone 1 x/y', expect: { type: 'subscription', family: 'subscribe', level: 'subscribe', client: 'lone', filter: 'x/y', qos: 1 } },
    { name: 'a line of more words on its own is no subscribe line: which word is the QoS is a guess', line: '1700000000: sub 2 0 x/y', expect: { type: 'unknown' } },
    { name: 'a tab line with no request before it is no topic line (a stack trace)', line: '1700000000: \tat com.example.App.handle(App.java:42)', expect: { type: 'unknown', reason: 'no-match' } },
    { name: 'a tab and nothing else is empty', line: '1700000000: \t ', expect: { type: 'unknown', reason: 'empty' } },
  ]);
});

describe('will lines', () => {
  test('will topic tab line after Will message specified', () => {
    sequence([
      '1700000000: New client connected from ::1:5 as w1 (p5, c1, k60).',
      '1700000000: Will message specified (12 bytes) (r1, q2).',
      '1700000000: \twill/topic',
      '1700000000: Sending CONNACK to w1 (0, 0)',
    ], [
      { type: 'client-connected', client: 'w1' },
      { type: 'will', family: 'will', event: 'specified', client: 'w1', payloadBytes: 12, retain: true, qos: 2 },
      { type: 'will', family: 'will', event: 'topic', client: 'w1', topic: 'will/topic' },
      { type: 'packet', cmd: 'connack' },
    ]);
  });

  test('a will topic that ends like a subscription topic line is still the will topic', () => {
    for (const topic of ['status (QoS 1)', 'lwt/w2 (denied)']) {
      sequence([
        '1700000000: New client connected from ::1:5 as w1 (p5, c1, k60).',
        '1700000000: Will message specified (3 bytes) (r0, q1).',
        `1700000000: \t${topic}`,
      ], [
        { type: 'client-connected', client: 'w1' },
        { type: 'will', event: 'specified', client: 'w1' },
        { type: 'will', event: 'topic', client: 'w1', topic },
      ]);
    }
  });

  test('No will message specified', () => {
    sequence([
      '1700000000: New client connected from ::1:5 as w2 (p4, c1, k60).',
      '1700000000: No will message specified.',
    ], [
      { type: 'client-connected', client: 'w2' },
      { type: 'will', family: 'will', event: 'none', client: 'w2' },
    ]);
  });

  table([
    { name: 'a will line without its connect line', line: '1700000000: Will message specified (0 bytes) (r0, q0).', expect: { type: 'will', event: 'specified', client: null, payloadBytes: 0, retain: false, qos: 0 } },
  ]);
});

describe('broker life cycle', () => {
  const b = { type: 'broker' };
  table([
    { name: '≤1.4 starting with build date', line: '1400000000: mosquitto version 1.4.15 (build date 2018-03-04 15:00:00+0000) starting', expect: { ...b, family: 'startup', event: 'starting', version: '1.4.15' } },
    { name: 'starting', line: '1700000000: mosquitto version 2.0.18 starting', expect: { ...b, family: 'startup', level: 'info', event: 'starting', version: '2.0.18' } },
    { name: 'running', line: '1700000000: mosquitto version 2.0.18 running', expect: { ...b, event: 'running', version: '2.0.18' } },
    { name: 'terminating', line: '1700000000: mosquitto version 2.0.18 terminating', expect: { ...b, family: 'shutdown', event: 'terminating', version: '2.0.18' } },
    { name: 'config loaded', line: '1700000000: Config loaded from /etc/mosquitto/mosquitto.conf.', expect: { ...b, event: 'config-loaded', path: '/etc/mosquitto/mosquitto.conf' } },
    { name: 'default config', line: '1700000000: Using default config.', expect: { ...b, event: 'default-config' } },
    { name: 'ipv4 listener', line: '1700000000: Opening ipv4 listen socket on port 1883.', expect: { ...b, family: 'listener', event: 'listening', socket: 'ipv4', port: 1883 } },
    { name: 'ipv6 listener', line: '1700000000: Opening ipv6 listen socket on port 1883.', expect: { ...b, event: 'listening', socket: 'ipv6', port: 1883 } },
    { name: 'websockets listener', line: '1700000000: Opening websockets listen socket on port 9001.', expect: { ...b, family: 'websockets', socket: 'websockets', port: 9001 } },
    { name: '2.1 http api listener', line: '1790000000: Opening http api listen socket on port 8080.', expect: { ...b, socket: 'http-api', port: 8080 } },
    { name: 'unix listener', line: '1700000000: Opening unix listen socket on path /run/m.sock.', expect: { ...b, socket: 'unix', path: '/run/m.sock', port: undefined } },
    { name: 'saving', line: '1700000000: Saving in-memory database to /var/lib/mosquitto/mosquitto.db.', expect: { ...b, family: 'persistence', event: 'saving', path: '/var/lib/mosquitto/mosquitto.db' } },
    { name: 'reloading', line: '1700000000: Reloading config.', expect: { ...b, family: 'config', event: 'reloading' } },
  ]);
});

describe('catalogue messages', () => {
  const m = { type: 'message' };
  table([
    { name: '2.1 config error with params', line: "1795697655: Error: Invalid 'log_dest' value (nowhere).", expect: { ...m, family: 'config', level: 'error', params: ['nowhere'], client: undefined } },
    { name: 'config file and line are not an address', line: '1795697655: Error found at /etc/mosquitto/mosquitto.conf:12.', expect: { ...m, family: 'config', params: ['/etc/mosquitto/mosquitto.conf', 12], address: undefined, port: undefined } },
    { name: 'dynsec audit line', line: '1795697655: dynsec: admin/admin | createClient | username=bob | password=*****', expect: { ...m, family: 'plugin/dynsec', level: 'info', params: ['admin', 'admin', 'bob', '*****'] } },
    { name: 'dynsec audit line with a client id', line: '1795697655: dynsec: admin/root | setClientId | username=bob | clientid=my id', expect: { ...m, family: 'plugin/dynsec', params: ['admin', 'root', 'bob', 'my id'] } },
    { name: '2.1 protocol error naming the client', line: '1795697655: Protocol error from c1: PUBLISH with dup = 1.', expect: { ...m, family: 'publish-in', level: 'info', client: 'c1', params: ['c1', 1] } },
    { name: '2.1 protocol error naming address and port', line: '1795697655: Protocol error from 10.0.0.1:5555: First packet not CONNECT (30).', expect: { ...m, family: 'connect', address: '10.0.0.1', port: 5555, client: undefined } },
    { name: '2.0 invalid protocol names the address, not a client', line: '1700000000: Invalid protocol version 7 in CONNECT from 10.0.0.1.', expect: { ...m, family: 'connect', address: '10.0.0.1', client: undefined, params: [7, '10.0.0.1'] } },
    { name: 'TLS cipher names the client', line: '1795697655: Client c1 negotiated TLSv1.3 cipher TLS_AES_256_GCM_SHA384', expect: { ...m, client: 'c1', params: ['c1', 'TLSv1.3', 'TLS_AES_256_GCM_SHA384'] } },
    { name: '2.1 bad client with address and port', line: '1795697655: Bad client 10.0.0.1:1234 sending multiple CONNECT messages.', expect: { ...m, family: 'connect', address: '10.0.0.1', port: 1234 } },
    { name: 'bridge connecting', line: '1700000000: Connecting bridge edge (broker.example:8883)', expect: { ...m, family: 'bridge', params: ['edge', 'broker.example', 8883], address: 'broker.example', port: 8883 } },
    { name: '2.1 receive-maximum warning', line: '1795697655: Client c1 has exceeded its receive-maximum quota. This behaviour must be fixed on the client.', expect: { ...m, client: 'c1', level: 'warning' } },
    { name: 'plugin tree line with box drawing', line: '1700000000:  ├── Username/password checking enabled.', expect: { ...m, family: 'plugin' } },
    { name: 'a SIGUSR2 tree level with an empty name and nothing on it: its indent alone', line: '    ', expect: { ...m, family: 'debug-tree-print', level: 'stdout', params: ['    '] } },
    { name: 'a SIGUSR2 tree level deeper down', line: '      ', expect: { ...m, family: 'debug-tree-print', params: ['      '] } },
    { name: 'a logged line is not taken for a direct print', line: '1700000001: Error: Address already in use', expect: { ...m, family: 'error-other', level: 'error', format: 'Error: %s' } },
    { name: 'a line with the time prefix that only a direct print would read is unknown', line: '1795702443: mosquitto version 2.0.11 startingX', expect: { type: 'unknown', reason: 'no-match' } },
    { name: 'without a prefix, after a start, a logged row goes before a direct print of the same text', line: 'Error: Out of memory.', context: v20, expect: { ...m, family: 'plugin/dynsec', level: 'error' } },
    { name: 'a shape starting with a placeholder beats a looser one', line: '1700000000: Error: Unable to resolve bind_address 1.2.3.x.', expect: { ...m, family: 'config', level: 'error', format: '%s: Unable to resolve %s %s.', params: ['Error', 'bind_address', '1.2.3.x'] } },
    { name: 'the resolve warning is a warning', line: '1700000000: Warning: Unable to resolve bridge address broker.example.', expect: { ...m, family: 'config', level: 'warning', params: ['Warning', 'bridge address', 'broker.example'] } },
    { name: '2.0 bad client: the address is not split', line: '1700000002: Bad client ::1:5 sending multiple CONNECT messages.', context: v20, expect: { ...m, format: 'Bad client %s sending multiple CONNECT messages.', client: '::1:5', address: undefined } },
    { name: '2.0 group warning: WARNING, one line', line: '1700000001: Warning: File /etc/mosquitto/passwd group is not mosquitto. Future versions will refuse to load this file.', context: v20, expect: { ...m, level: 'warning', format: 'Warning: File %s group is not %s. Future versions will refuse to load this file.' } },
    { name: '2.1 group warning: INFO, then a blank line', line: '1795697655: Warning: File /etc/mosquitto/passwd group is not mosquitto. Future versions will refuse to load this file.', context: v21, expect: { ...m, level: 'info', format: 'Warning: File %s group is not %s. Future versions will refuse to load this file.\n' } },
    { name: '1.5.2 socket count: NOTICE', line: '1530000000: Unable to accept new connection, system socket count has been exceeded. Try increasing "ulimit -n" or equivalent.', context: { brokerVersion: '1.5.2' }, expect: { ...m, level: 'notice' } },
    { name: '1.5.3 socket count: WARNING', line: '1530000000: Unable to accept new connection, system socket count has been exceeded. Try increasing "ulimit -n" or equivalent.', context: { brokerVersion: '1.5.3' }, expect: { ...m, level: 'warning' } },
    // The broker prints the id in some refusals and the address in others.
    { name: 'invalid PUBLISH names the client', line: '1700000000: Invalid PUBLISH (QoS=0 and DUP=1) from c1, disconnecting.', context: v20, expect: { ...m, client: 'c1' } },
    { name: 'reused message id names the client', line: '1700000000: Reused message ID 5 from c1 detected. Clearing from storage.', context: v20, expect: { ...m, client: 'c1', params: [5, 'c1'] } },
    { name: 'an UNSUBSCRIBE refusal names the client', line: '1700000000: Invalid unsubscription string from c1, disconnecting.', context: v20, expect: { ...m, client: 'c1' } },
    { name: 'a SUBSCRIBE refusal names the address', line: '1700000000: Empty subscription string from 10.0.0.1, disconnecting.', context: v20, expect: { ...m, client: undefined, address: '10.0.0.1' } },
    {
      name: 'a chown hint repeats the owner and the file, which may hold spaces',
      line: '1700000000: Warning: File /etc/mosquitto/my pw owner is not mosquitto. Future versions will refuse to load this file.To fix this, use `chown mosquitto /etc/mosquitto/my pw`.',
      context: { brokerVersion: '2.0.18' },
      expect: { ...m, level: 'warning', params: ['/etc/mosquitto/my pw', 'mosquitto', 'mosquitto', '/etc/mosquitto/my pw'] },
    },
    { name: '1.5 malformed UTF-8 in a SUBSCRIBE names the client', line: '1500000000: Malformed UTF-8 in subscription string from sensor-7, disconnecting.', context: { brokerVersion: '1.5.11' }, expect: { ...m, client: 'sensor-7', address: undefined } },
  ]);

  test('a row of another version still beats a much looser row of this one', () => {
    const lines = [
      '1700000000: mosquitto version 2.0.11 starting',
      '1795697655: Warning: File /x/passwd has world readable permissions. Future versions will refuse to load this file.',
      'To fix this, use `chmod 0700 /x/passwd`.',
    ];
    sequence(lines, [null, { type: 'message', family: 'file-permissions' }, { type: 'continuation', parentLine: 2 }]);
  });
});

describe('continuation lines', () => {
  test('2.1 file-permission warning over three physical lines', () => {
    const records = sequence([
      '1795697655: Warning: File /x/passwd has world readable permissions. Future versions will refuse to load this file.',
      'To fix this, use `chmod 0700 /x/passwd`.',
      '',
    ], [
      { type: 'message', family: 'file-permissions', params: ['/x/passwd'] },
      // Each line has the values of its own conversions.
      { type: 'continuation', family: 'file-permissions', parentLine: 1, part: 1, params: ['/x/passwd'] },
      { type: 'continuation', family: 'file-permissions', parentLine: 1, part: 2 },
    ]);
    const first = records[0];
    assert.ok(first?.type === 'message');
    for (const r of records.slice(1)) assert.ok(r.type === 'continuation' && r.format === first.format);
    assert.ok(!('params' in (records[2] ?? {})), 'a blank line has no values');
  });

  test('journalctl -o short: the later lines are indented under the first, by the width of its header', () => {
    const indent = ' '.repeat('Nov 26 12:54:15 gw mosquitto[812]: '.length);
    sequence([
      'Nov 26 12:54:15 gw mosquitto[812]: 1795697655: Warning: File /x/passwd has world readable permissions. Future versions will refuse to load this file.',
      `${indent}To fix this, use \`chmod 0700 /x/passwd\`.`,
    ], [
      { type: 'message', family: 'file-permissions', params: ['/x/passwd'] },
      { type: 'continuation', family: 'file-permissions', parentLine: 1, part: 1 },
    ]);
  });

  test("2.1's dynsec lines printed on their own under the one they explain keep their values", () => {
    sequence([
      '1795697655: Dynamic security plugin config not found, generating a default config.',
      "1795697655:   Using admin password from file '/etc/pw'",
      '1795697655:   Generated passwords are at /etc/dynsec.pw',
    ], [
      { type: 'message', family: 'plugin/dynsec' },
      { type: 'continuation', family: 'plugin/dynsec', parentLine: 1, part: 1, params: ['/etc/pw'] },
      { type: 'continuation', family: 'plugin/dynsec', parentLine: 1, part: 1, params: ['/etc/dynsec'] },
    ]);
  });

  test('sudo setcap after the privileged-port line', () => {
    sequence([
      '1700000000: If you are trying to bind to a privileged port (<1024), try using setcap and do not start the broker as root:',
      "    sudo setcap 'CAP_NET_BIND_SERVICE=+ep /usr/sbin/mosquitto'",
      '1700000000: mosquitto version 2.0.18 terminating',
    ], [
      { type: 'message', family: 'listener', level: 'error' },
      { type: 'continuation', family: 'listener', parentLine: 1, part: 1 },
      { type: 'broker', event: 'terminating' },
    ]);
  });

  test('the AUTH protocol-error second line, with its own prefix', () => {
    sequence([
      '1795697655: Protocol error from c1: AUTH reauthentication packet before session is active,',
      '1795697655:      or attempted to continue authentication when no authentication in progress.',
    ], [
      { type: 'message', family: 'auth/acl', client: 'c1' },
      { type: 'continuation', family: 'auth/acl', parentLine: 1, part: 1, time: 1_795_697_655_000 },
    ]);
  });

  test('a blank line after a format ending in \\n', () => {
    sequence([
      '1400000000: Error: Unable to open config file /etc/m.conf',
      '',
      '',
    ], [
      { type: 'message', family: 'config', params: ['/etc/m.conf'] },
      { type: 'continuation', family: 'config', parentLine: 1, part: 1 },
      { type: 'unknown', reason: 'empty' },
    ]);
  });

  test('a continuation text without its first line is not a continuation', () => {
    const record = parseLine('To fix this, use `chmod 0700 /x/passwd`.', where);
    assert.notEqual(record.type, 'continuation');
  });
});

test("before a broker start, words a plugin logs and the broker prints (`Error: Unknown option '%s'.`) are the print", () => {
  const before = createLineDecoder('usage.log');
  assertFields(before.decode("Error: Unknown option '--foo'."), { type: 'message', family: 'config', level: 'stderr', params: ['--foo'] });
  assertFields(before.decode('Error: Out of memory.'), { type: 'message', family: 'error-other', level: 'stderr' });
  const after = createLineDecoder('plugin.log');
  after.decode('mosquitto version 2.1.2 starting');
  assertFields(after.decode("Error: Unknown option 'interval'."), { type: 'message', family: 'plugin/example', level: 'error', params: ['interval'] });
});

describe('truncated lines', () => {
  const head = "1700000000: Received PUBLISH from c1 (d0, q1, r0, m5, '";

  test('a 2.x line of exactly 999 bytes cut inside a topic is still a publish packet', () => {
    const line = head + 'a'.repeat(999 - head.length);
    assert.equal(Buffer.byteLength(line), 999);
    assertFields(parseLine(line, where), {
      type: 'packet', family: 'publish-in', cmd: 'publish', direction: 'in', truncated: true,
      client: 'c1', mid: 5, qos: 1, dup: false, retain: false, payloadBytes: undefined,
      topic: 'a'.repeat(999 - head.length),
    });
  });

  test("a 2.x line cut inside the ', ... (' after its topic ends the topic where that begins", () => {
    const cut = "', ..";
    const line = head + 'a'.repeat(999 - head.length - cut.length) + cut;
    assertFields(parseLine(line, where), { type: 'packet', cmd: 'publish', truncated: true, topic: 'a'.repeat(999 - head.length - cut.length) });
  });

  test('a line of white space alone, with or without a prefix, is unknown as empty', () => {
    for (const line of ['   ', '1700000000:    ']) assertFields(parseLine(line, where), { type: 'unknown', reason: 'empty' });
  });

  test('a whole 1.x line whose id is Latin-1 (one byte a character) is not taken as cut', () => {
    const bytes = Buffer.concat([Buffer.from('1450000000: New client connected from 1.2.3.4 as '), Buffer.alloc(340, 0xe9), Buffer.from(' (c1, k60).')]);
    assertFields(parseLine(bytes.toString('utf8'), where, { brokerVersion: '1.4.15' }), { type: 'client-connected', keepalive: 60, truncated: undefined });
  });

  test('a loose stamp with a zone name of one offset is read in it', () => {
    assertFields(parseLine('2023-11-14 22:13:20 CET: Client a disconnected.', where), { type: 'disconnect', time: Date.UTC(2023, 10, 14, 21, 13, 20) });
  });

  test('a 2.x line cut inside a UTF-8 sequence', () => {
    const bytes = Buffer.concat([Buffer.from(head), Buffer.alloc(999 - head.length - 1, 'b'), Buffer.from('é').subarray(0, 1)]);
    assert.equal(bytes.length, 999);
    assertFields(parseLine(bytes.toString('utf8'), where), { type: 'packet', cmd: 'publish', truncated: true, mid: 5 });
  });

  test('a line cut after two bytes of a three-byte character, which read as one U+FFFD', () => {
    const start = '1795812744: Received DISCONNECT from ';
    const bytes = Buffer.concat([Buffer.from(start + '日'.repeat(320)), Buffer.from('日').subarray(0, 2)]);
    assert.equal(bytes.length, 999);
    assertFields(parseLine(bytes.toString('utf8'), where), { type: 'packet', cmd: 'disconnect', truncated: true });
  });

  test('a 2.x line cut inside the client id keeps no invented fields', () => {
    const start = '1700000000: Sending PUBLISH to ';
    const line = start + 'c'.repeat(999 - start.length);
    const record = parseLine(line, where);
    assertFields(record, { type: 'packet', family: 'publish-out', cmd: 'publish', truncated: true, retain: undefined, topic: undefined, payloadBytes: undefined, mid: undefined, qos: undefined });
  });

  test('a CONNACK cut inside its client id or its codes keeps no invented fields', () => {
    const start = '1700000000: Sending CONNACK to ';
    const inId = parseLine(start + 'c'.repeat(999 - start.length), where);
    assertFields(inId, { type: 'packet', cmd: 'connack', direction: 'out', truncated: true, reasonCode: undefined, sessionPresent: undefined });
    const tail = ' (1, ';
    const inCodes = parseLine(start + 'c'.repeat(999 - start.length - tail.length) + tail, where);
    assertFields(inCodes, { type: 'packet', cmd: 'connack', truncated: true, reasonCode: undefined });
    assert.ok(!('reasonCode' in JSON.parse(renderRecordJson(inCodes, false))), 'no reasonCode: null in the JSON');
  });

  test('a number the cut ran into is left out', () => {
    const start = "1700000000: Received PUBLISH from c1 (d0, q1, r0, m5, '";
    const tail = "', ... (12";
    const line = start + 't'.repeat(999 - start.length - tail.length) + tail;
    assertFields(parseLine(line, where), { type: 'packet', cmd: 'publish', truncated: true, payloadBytes: undefined });
  });

  test('a minus sign alone before the literal after it is no number: no field is NaN', () => {
    const line = `1700000000: Received PUBLISH from c1 (d0, q1, r0, m-, '${'t'.repeat(600)}`;
    const record = parseLine(line, where);
    assertFields(record, { type: 'packet', cmd: 'publish', truncated: true, mid: undefined });
  });

  test('a 2.x line cut inside the byte count tail keeps the number before it', () => {
    for (const tail of ["', ... (123456 ", "', ... (123456 bytes)"]) {
      const line = head + 'y'.repeat(999 - head.length - tail.length) + tail;
      assertFields(parseLine(line, where), { type: 'packet', family: 'publish-in', cmd: 'publish', truncated: true, payloadBytes: 123456, topic: 'y'.repeat(999 - head.length - tail.length) });
    }
    const out = "1700000000: Sending PUBLISH to c1 (d0, q1, r0, m1, '";
    const line = out + 'y'.repeat(999 - out.length - 9) + "', ... (1";
    assertFields(parseLine(line, where), { type: 'packet', family: 'publish-out', truncated: true, payloadBytes: undefined });
  });

  test('a 2.x connect line cut inside its literal tail', () => {
    const start = '1700000000: New client connected from 1.2.3.4:5 as ';
    const line = (tail: string): string => start + 'c'.repeat(999 - start.length - tail.length) + tail;
    assertFields(parseLine(line(' (p2, c0, k60, u'), where), { type: 'client-connected', truncated: true, address: '1.2.3.4', port: 5, protocolLevel: 2, cleanSession: false, keepalive: 60 });
    assertFields(parseLine(line(' (p2, c0, k6'), where), { type: 'client-connected', truncated: true, protocolLevel: 2, keepalive: Number.NaN });
  });

  test('a `Client ID …` line cut after a long id reads as the message its text after the id begins', () => {
    const cut = (version: string, tail: string): LogRecord => {
      const start = '1700000000: Client ';
      const decoder = createLineDecoder('cut.log');
      decoder.decode(`1700000000: mosquitto version ${version} starting`);
      return decoder.decode(start + 'Z'.repeat(999 - start.length - tail.length) + tail);
    };
    const id = (tail: string): string => 'Z'.repeat(999 - '1700000000: Client '.length - tail.length);
    const end = (version: string, tail: string, cause: string, extra: Expected = {}): void =>
      assertFields(cut(version, tail), { type: 'disconnect', truncated: true, client: id(tail), cause, ...extra });
    // Cut before the words that tell the endings apart: a disconnect, its cause unknown.
    end('2.1.2', ' [10.0.0.1:51234] disconnected', 'unknown', { address: '10.0.0.1', port: 51234 });
    end('2.1.2', ' [10.0.0.1:512', 'unknown', { address: '10.0.0.1', port: null });
    end('2.0.18', ' disc', 'unknown');
    end('2.0.18', ' closed its conn', 'closed');
    end('2.0.18', ' disconnected due to prot', 'protocol-error');
    end('2.0.18', ' has exceeded timeout, disc', 'timeout');
    end('2.0.18', ' disconnected, not auth', 'not-authorised');
    end('1.6.15', ' has exceeded timeout,', 'timeout');
    assertFields(cut('2.0.18', ' already connected, clo'), { type: 'takeover', truncated: true, client: id(' already connected, clo') });
    // A reason cut where what is left starts several: a disconnect all the same, its cause unknown.
    end('2.0.18', ' disconnected, conne', 'unknown', { detail: 'conne…' });
    end('2.0.18', ' disconnected due to ', 'unknown', { detail: undefined });
    end('2.1.2', ' [10.0.0.1:51234] disconnected: exc', 'unknown', { detail: 'exc…', address: '10.0.0.1', port: 51234 });
    end('2.1.2', ' [10.0.0.1:51234] disconnected: Connection res', 'os-error', { detail: 'Connection res' });
    // A warning, no disconnect.
    assertFields(cut('2.1.2', ' has exceeded its rec'), { type: 'message', level: 'warning', truncated: true, client: id(' has exceeded its rec') });
  });

  test('a cut PUBLISH whose client id holds \' (d\' is a publish, never an acknowledgement (2.0.11)', () => {
    const client = `${'c'.repeat(300)} (d0, q1`;
    const lines = [
      ['Received PUBLISH from', 'publish-in', 'in', undefined], ['Sending PUBLISH to', 'publish-out', 'out', undefined],
      ['Denied PUBLISH from', 'publish-in', 'in', 'denied'], ['Dropped too large PUBLISH from', 'publish-in', 'in', 'dropped'],
    ] as const;
    for (const [start, family, direction, outcome] of lines) {
      const head = `1700000000: ${start} ${client} (d0, q1, r0, m7, '`;
      const bytes = Buffer.from(`${head}${'é'.repeat(600)}', ... (5 bytes))`).subarray(0, 999);
      const line = bytes.toString('utf8');
      assertFields(parseLine(line, where), {
        type: 'packet', family, cmd: 'publish', direction, truncated: true, outcome,
        client, mid: 7, qos: 1, dup: false, retain: false, topic: line.slice(head.length), payloadBytes: undefined,
      });
    }
  });

  test('a PUBLISH cut inside its numbers after a client id that holds \' (d\' keeps what it reached', () => {
    const start = '1700000000: Received PUBLISH from ';
    const tail = ' (d1, q2, r';
    const client = `${'c'.repeat(999 - start.length - tail.length - 8)} (d0, q1`;
    const line = start + client + tail;
    assert.equal(Buffer.byteLength(line), 999);
    assertFields(parseLine(line, where), { type: 'packet', cmd: 'publish', truncated: true, client, dup: true, qos: 2, retain: undefined, mid: undefined, topic: undefined });
  });

  test('a cut line is not read as a shape that starts with a placeholder', () => {
    const start = '1700000000: Dropped too large PUBLISH from c1 (d0, q1, r0, m1, \'';
    const line = start + 'z'.repeat(999 - start.length);
    assertFields(parseLine(line, where), { type: 'packet', cmd: 'publish', outcome: 'dropped', truncated: true });
  });

  test('a 1.x line cut at the format length plus 499', () => {
    const start = "1500000000: Received PUBLISH from c1 (d0, q1, r0, m5, '";
    assertFields(parseLine(start + 'a'.repeat(560 - start.length), where), { type: 'packet', family: 'publish-in', truncated: true });
  });

  test('a 1.x line cut at the format length plus 499 in characters of several bytes', () => {
    const format = "Sending PUBLISH to %s (d%d, q%d, r%d, m%d, '%s', ... (%ld bytes))";
    const message = Buffer.from(`Sending PUBLISH to dashboard (d0, q1, r0, m42, '${'завод/температура'.repeat(40)}', ... (5 bytes))`).subarray(0, format.length + 499);
    const line = `1500000000: ${message.toString('utf8')}`;
    assert.ok(line.length * 3 < 999);
    assertFields(parseLine(line, where, { brokerVersion: '1.6.9' }), { type: 'packet', family: 'publish-out', client: 'dashboard', mid: 42, qos: 1, truncated: true });
  });

  test('a cut line splits an IPv6 address from its port at the colon a port and its literal follow', () => {
    const cut = (text: string, context: LineContext = { brokerVersion: '2.1.2' }): LogRecord => parseLine(Buffer.from(`1700000000: ${text}`).subarray(0, 999).toString('utf8'), where, context);
    const long = 'x'.repeat(1000);
    assertFields(cut(`Client dev-${long.slice(0, 940)} [::ffff:10.0.0.9:40022] disconnected: session taken over`), { type: 'disconnect', truncated: true, address: '::ffff:10.0.0.9', port: 40022 });
    assertFields(cut(`New client connected from 2001:db8::17:51234 as dev (p5, c1, k60, u'${long}`), { type: 'client-connected', truncated: true, client: 'dev', address: '2001:db8::17', port: 51234 });
    assertFields(cut(`New client connected from ::ffff:10.0.0.9:51234 as dev-${long}`), { type: 'client-connected', truncated: true, address: '::ffff:10.0.0.9', port: 51234 });
    assertFields(cut(`Protocol error from ::ffff:10.0.0.9:51234: CONNECT with invalid protocol "${long}`), {
      type: 'message', truncated: true, format: 'Protocol error from %s:%d: CONNECT with invalid protocol "%s".', address: '::ffff:10.0.0.9', port: 51234,
    });
  });

  test('a complete line is not marked truncated', () => {
    assertFields(parseLine("1700000000: Received PUBLISH from c1 (d0, q1, r0, m5, 'a', ... (1 bytes))", where), { truncated: undefined });
  });

  test('a short incomplete line is unknown, not truncated', () => {
    assertFields(parseLine(head + 'ab', where), { type: 'unknown', reason: 'no-match', truncated: undefined });
  });
});

describe('unknown and envelope lines', () => {
  table([
    { name: 'an empty line', line: '', expect: { type: 'unknown', family: 'unknown', reason: 'empty', time: null, message: '' } },
    { name: 'a prefix with nothing after it', line: '1700000000: ', expect: { type: 'unknown', reason: 'empty', time: 1_700_000_000_000 } },
    { name: 'text that is no broker message', line: 'garbage that is not a log line', expect: { type: 'unknown', family: 'unknown', reason: 'no-match', time: null } },
    { name: 'an unknown message after a prefix', line: '1700000000: something the broker never says', expect: { type: 'unknown', reason: 'no-match', time: 1_700_000_000_000, message: 'something the broker never says' } },
    { name: 'NUL bytes', line: '\0\0\0\0', expect: { type: 'unknown', reason: 'binary' } },
    { name: 'a line the broker wrote after a hole of NUL bytes (a log truncated in place) is read, its raw text whole', line: '\0\0\0\x001795702450: Client c1 disconnected.', expect: { type: 'disconnect', client: 'c1', time: 1_795_702_450_000, raw: '\0\0\0\x001795702450: Client c1 disconnected.' } },
    { name: 'journalctl boot marker', line: '-- Boot 0123456789abcdef0123456789abcdef --', expect: { type: 'marker', family: 'envelope', text: 'Boot 0123456789abcdef0123456789abcdef', time: null } },
    { name: 'journalctl no entries', line: '-- No entries --', expect: { type: 'marker', family: 'envelope' } },
  ]);

  test('unknown records keep their raw text; a CR before the newline is dropped', () => {
    const record = parseLine('1700000000: nonsense\r', where);
    assertFields(record, { type: 'unknown', raw: '1700000000: nonsense', message: 'nonsense' });
  });
});

test('a message record gives its line back from its format and values (fillPrintf), for every one-line format of the catalogue', () => {
  let checked = 0;
  for (const row of catalogueRowsFrom14()) {
    const lines = physicalLines(row, 'abc');
    if (lines.length !== 1) continue;
    const message = lines[0] as string;
    const record = createLineDecoder('f.log').decode(`1795700000: ${message}`);
    // A format that ends in a newline is a message and the blank line after it.
    if (record.type !== 'message' || record.format.includes('\n')) continue;
    assert.equal(fillPrintf(record.format, record.params), message, row.format);
    checked++;
  }
  assert.ok(checked > 400, `${checked} formats checked`);
  // `%%` is a percent sign; a value the broker cut the line before is `…`.
  assert.equal(fillPrintf("Warning: ACL pattern '%s' does not contain '%%c' or '%%u'.", ['x/#']), "Warning: ACL pattern 'x/#' does not contain '%c' or '%u'.");
  assert.equal(fillPrintf('Error in poll: %s. (%d)', []), 'Error in poll: …. (…)');
});
