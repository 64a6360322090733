import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createLineDecoder, parseLine } from '../src/parse/index.js';
import { anyLine, assertWellFormed, parsers, realLines } from './support/line-arbitraries.js';
import { countLines, readAllRecords, splitAt } from './support/records.js';

/** Kept modest so the suite stays fast; the hardening run raises it. */
const numRuns = 300;

describe('parseLine is total', () => {
  test('random strings, random bytes and damaged real lines give exactly one record', () => {
    fc.assert(fc.property(anyLine, fc.string({ maxLength: 20 }), fc.nat(), (text, file, line) => {
      const record = parseLine(text, { file, line });
      assertWellFormed(record, file, line);
    }), { numRuns });
  });

  test('with other options and a previous record as context', () => {
    fc.assert(fc.property(fc.array(anyLine, { minLength: 1, maxLength: 8 }), fc.nat({ max: 1 }), (lines, which) => {
      const decoder = createLineDecoder('ctx.log', parsers[which]);
      lines.forEach((text, i) => assertWellFormed(decoder.decode(text), 'ctx.log', i + 1));
    }), { numRuns });
  });

  test('the real lines, in order and untouched, all decode', () => {
    const decoder = createLineDecoder('real.log');
    for (const text of realLines.slice(0, -1)) assert.notEqual(decoder.decode(text).type, 'unknown', text);
  });
});

describe('readRecordBatches keeps one record per line', () => {
  const document = fc.tuple(
    fc.array(anyLine, { maxLength: 20 }),
    fc.constantFrom('\n', '\r\n'),
    fc.boolean(),
  ).map(([lines, eol, trailing]) => Buffer.from(lines.join(eol) + (trailing && lines.length > 0 ? eol : '')));

  const chunked = (bytes: fc.Arbitrary<Buffer>) => bytes.chain((b) => fc.tuple(
    fc.constant(b),
    fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, b.length - 1) }), { maxLength: 8 }).map((cuts) => cuts.filter((c) => c < b.length).sort((x, y) => x - y)),
    fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  ));

  async function check([bytes, cuts, maxLength]: [Buffer, number[], number | undefined]): Promise<void> {
    const options = maxLength === undefined ? { file: 'p.log' } : { file: 'p.log', maxLength };
    const { records } = await readAllRecords(splitAt(bytes, cuts), options);
    assert.equal(records.length, countLines(bytes));
    records.forEach((r, i) => assertWellFormed(r, 'p.log', i + 1));
  }

  test('lines of text, random chunking, sometimes a tiny maxLength', async () => {
    await fc.assert(fc.asyncProperty(chunked(document), check), { numRuns });
  });

  test('random bytes, random chunking', async () => {
    await fc.assert(fc.asyncProperty(chunked(fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b))), check), { numRuns });
  });
});
