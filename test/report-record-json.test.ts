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
});
