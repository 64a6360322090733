import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type LogRecord, createLineDecoder } from '../src/parse/index.js';
import { RecordJsonLines, isoTime, renderRecordJson } from '../src/report/record-json.js';
import { toJsonText } from '../src/report/record-json.js';
import { fixtureLogs } from './support/fixtures.js';
import { anyLine, realLines } from './support/line-arbitraries.js';

/** The documented object: file, line, time, type, family, the record's own fields, raw when asked. */
function expectedJson(record: LogRecord, includeRaw: boolean): string {
  const fields = record as unknown as Record<string, unknown>;
  const own = Object.fromEntries(Object.keys(record).filter((k) => !['file', 'line', 'time', 'type', 'family', 'raw'].includes(k)).map((k) => [k, fields[k]]));
  return toJsonText({
    file: record.file, line: record.line, time: isoTime(record.time), type: record.type, family: record.family, ...own,
    ...(includeRaw || record.type === 'unknown' ? { raw: record.raw } : {}),
  });
}

function assertWritten(records: readonly LogRecord[], includeRaw: boolean): void {
  const writer = new RecordJsonLines(includeRaw, 64);
  for (const record of records) writer.add(record);
  const lines = writer.take().toString('utf8').split('\n');
  assert.equal(lines.pop(), '', 'every line ends with a newline');
  assert.deepEqual(lines, records.map((r) => expectedJson(r, includeRaw)));
  for (const record of records) assert.equal(renderRecordJson(record, includeRaw), expectedJson(record, includeRaw));
}

describe('records as JSON lines', () => {
  test('every fixture line, with and without raw, as the documented object', () => {
    for (const path of fixtureLogs()) {
      const decoder = createLineDecoder(path);
      const records = readFileSync(path, 'utf8').split('\n').map((line) => decoder.decode(line));
      assertWritten(records, false);
      assertWritten(records, true);
    }
  });

  test('random and hostile lines (controls, quotes, bidi, lone surrogates, long numbers)', () => {
    const hostile = fc.constantFrom('"', '\\', '\u0000', '\u001b', '\u007f', '\u0085', '\u202e', '\u2028', '\ud800', 'é', '字', '99999999999', '-1');
    const packetish = fc.tuple(fc.constantFrom(...realLines), fc.array(hostile, { maxLength: 4 }), fc.nat())
      .map(([line, parts, at]) => line.slice(0, at % (line.length + 1)) + parts.join('') + line.slice(at % (line.length + 1)));
    fc.assert(fc.property(fc.array(fc.oneof(anyLine, packetish), { maxLength: 12 }), fc.boolean(), (lines, includeRaw) => {
      const decoder = createLineDecoder('hostile "name"\u202e.log');
      assertWritten(lines.map((line) => decoder.decode(line)), includeRaw);
    }), { numRuns: 300 });
  });

  test('numbers of every length up to the largest int32, and past it, as JSON writes them', () => {
    const numbers = [0, 1, 9, 10, 99, 100, 65535, 999_999_999, 1_000_000_000, 2_147_483_647, 2_147_483_648, 99_999_999_999];
    const decoder = createLineDecoder('numbers.log');
    const records = numbers.flatMap((n) => [
      decoder.decode(`1700000000: Received PUBLISH from c (d0, q1, r0, m${n}, 't', ... (${n} bytes))`),
      decoder.decode(`1700000000: Sending PUBACK to c (m${n}, rc${n % 256})`),
    ]);
    assert.deepEqual(records.map((r) => r.type === 'packet' && r.mid), numbers.flatMap((n) => [n, n]));
    const writer = new RecordJsonLines(false, 64);
    for (const [i, record] of records.entries()) writer.add({ ...record, line: numbers[i >> 1] as number });
    const written = writer.take().toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { line: number; mid: number; payloadBytes?: number });
    assert.deepEqual(written.map((w) => [w.line, w.mid, w.payloadBytes]), numbers.flatMap((n) => [[n, n, n], [n, n, undefined]]));
  });
});
