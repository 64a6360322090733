import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { connectionTable } from '../src/parse/families/connection.js';
import { lifecycleTable } from '../src/parse/families/lifecycle.js';
import { scanPacketLine } from '../src/parse/families/packet-scan.js';
import { packetTable } from '../src/parse/families/packet.js';
import type { DecodeContext } from '../src/parse/pattern.js';
import type { RecordBody } from '../src/parse/record.js';
import { matchShape } from '../src/parse/template.js';
import { fixtureLogs } from './support/fixtures.js';
import { realLines } from './support/line-arbitraries.js';

/**
 * What the family tables make of a message: the rows whose literal start fits, most literal
 * text first, the first that matches and decodes. The catalogue comes after every table row,
 * so whenever a row decodes the message this is the parser's answer.
 */
const rows = [...connectionTable, ...packetTable, ...lifecycleTable].sort((a, b) => b.shape.literalLength - a.shape.literalLength);
const context: DecodeContext = { prev: undefined, brokerVersion: undefined, level: undefined };

function byTables(message: string): RecordBody | null {
  for (const row of rows) {
    const fields = matchShape(row.shape, message);
    const body = fields && row.decode(fields, context);
    if (body) return body;
  }
  return null;
}

/** Checks the scan against the tables; true when the scan read the message. */
function assertSameAsTables(message: string): boolean {
  const scanned = scanPacketLine(message);
  // Read in place after a prefix, the message gives the same.
  assert.deepEqual(scanPacketLine(`1795700000: ${message}`, 12), scanned, message);
  if (scanned === null) return false;
  assert.deepEqual(scanned, byTables(message), message);
  return true;
}

const number = fc.oneof(fc.integer({ min: -3, max: 70_000 }).map(String), fc.constantFrom('', '-', '007', '-0', '1234567890123456', '99999999999999999999', 'x'));
const tricky = fc.constantFrom(' (d', ' (d0, q1, r0, m2, \'', ' from ', ' to ', ' (m1)', ' (Mid: 3)', ', rc0)', "'", "', ... (", ' bytes))', '(', ')', ' ', '', '\n', 'é', 'PUBACK');
const text = fc.array(fc.oneof(tricky, fc.string({ maxLength: 6 })), { maxLength: 5 }).map((parts) => parts.join(''));
const command = fc.constantFrom('PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'PINGREQ', 'PINGRESP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'DISCONNECT', 'CONNACK', 'AUTH', 'toString', 'PUBACK from x', '');
const publishTail = fc.tuple(number, number, number, number, text, number).map(([d, q, r, m, topic, bytes]) => ` (d${d}, q${q}, r${r}, m${m}, '${topic}', ... (${bytes} bytes))`);
const ackTail = fc.oneof(
  fc.tuple(number, number).map(([m, rc]) => ` (m${m}, rc${rc})`),
  number.map((m) => ` (m${m})`),
  number.map((m) => ` (Mid: ${m})`),
  fc.tuple(number, number).map(([m, rc]) => ` (Mid: ${m}, RC:${rc})`),
  fc.constant(''),
);
const packetMessage = fc.tuple(
  fc.constantFrom('Received ', 'Sending '),
  command,
  fc.constantFrom(' from ', ' to '),
  text,
  fc.oneof(publishTail, ackTail, text),
  text,
).map(([verb, cmd, joint, client, tail, noise]) => verb + cmd + joint + client + tail + (noise.length % 3 === 0 ? noise : ''));

describe('the packet line scan', () => {
  test('reads the lines of a debug log', () => {
    const cases: Array<[string, Partial<Record<string, unknown>>]> = [
      ["Received PUBLISH from s-1 (d0, q2, r1, m7, 'a/b', ... (12 bytes))", { cmd: 'publish', direction: 'in', client: 's-1', qos: 2, mid: 7, retain: true, dup: false, topic: 'a/b', payloadBytes: 12 }],
      ["Sending PUBLISH to s 1 (d1, q1, r0, m3, 'it''s', ... (0 bytes))", { cmd: 'publish', direction: 'out', client: 's 1', qos: 1, mid: 3, dup: true, topic: "it''s", payloadBytes: 0 }],
      ['Sending PUBACK to c (m9, rc0)', { cmd: 'puback', direction: 'out', client: 'c', mid: 9, reasonCode: 0, family: 'puback' }],
      ['Sending PUBCOMP to c (m9)', { cmd: 'pubcomp', direction: 'out', mid: 9, family: 'pubcomp' }],
      ['Sending PUBREL to c (Mid: 4)', { cmd: 'pubrel', direction: 'out', mid: 4 }],
      ['Received PUBACK from c (Mid: 5, RC:0)', { cmd: 'puback', direction: 'in', mid: 5, reasonCode: 0, family: 'puback/pubcomp' }],
      ['Received PUBREL from c d (Mid: 5)', { cmd: 'pubrel', direction: 'in', client: 'c d', mid: 5 }],
      ['Received PINGREQ from c', { cmd: 'pingreq', direction: 'in', client: 'c', family: 'ping' }],
      ['Sending PINGRESP to c(m1)', { cmd: 'pingresp', client: 'c(m1)' }],
    ];
    for (const [message, expected] of cases) {
      const record = scanPacketLine(message);
      assert.ok(record, message);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(record[key as keyof typeof record], value, `${message}: ${key}`);
      assert.deepEqual(record, byTables(message), message);
    }
  });

  test('leaves to the full search what it does not cover', () => {
    for (const message of [
      "Received PUBLISH from a (d0, q0, r0, m0, 'b (d1', ... (1 bytes))",
      'Sending PUBREL to c (m1, rc0)',
      'Sending PINGRESP to c (m1)',
      'Received PUBREC from c (Mid: 1, RC:0)',
      'Sending CONNACK to c (0, 0)',
      'Sending DISCONNECT to c (rc5)',
      'Received AUTH from c (rc0, m)',
      'Received PUBACK from c (Mid: 12345678901234567, RC:0)',
      'Client c disconnected.',
    ]) assert.equal(scanPacketLine(message), null, message);
  });

  test('gives what the family tables give, for every line of the fixtures', () => {
    let scanned = 0;
    const lines = [...realLines, ...fixtureLogs().flatMap((path) => readFileSync(path, 'utf8').split('\n'))];
    for (const line of lines) {
      const message = line.replace(/^[\d:T-]+: /, '');
      if (assertSameAsTables(message)) scanned++;
    }
    assert.ok(scanned > 100, `only ${scanned} real lines scanned`);
  });

  test('gives what the family tables give, for generated and hostile packet lines', () => {
    let scanned = 0;
    fc.assert(fc.property(packetMessage, (message) => {
      if (assertSameAsTables(message)) scanned++;
    }), { numRuns: 3000 });
    // The generator is only a check if many of its lines reach the scan's answers.
    assert.ok(scanned > 300, `only ${scanned} generated lines scanned`);
  });
});
