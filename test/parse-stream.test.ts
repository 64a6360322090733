import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type LogRecord, linesOf } from '../src/parse/index.js';
import {
  assertFields, assertOnePerLine, countLines, decodeLines, readAllLines, readAllRecords, splitAt, splitEvery,
} from './support/records.js';

const file = 'stream.log';

const shortLog = [
  '1700000000: New client connected from ::1:51234 as c1 (p5, c1, k60).',
  "1700000000: Received PUBLISH from c1 (d0, q1, r0, m7, 'température/€/😀', ... (3 bytes))",
  '1700000000: Sending PUBACK to c1 (m7, rc0)',
].join('\n') + '\n';

/** The records of `text` decoded line by line, without the stream reader. */
function reference(text: string): LogRecord[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return decodeLines(lines, undefined, file);
}

async function recordsOf(chunks: ReadonlyArray<Buffer | string>, maxLength?: number): Promise<LogRecord[]> {
  const bytes = Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
  const { records } = await readAllRecords(chunks, maxLength === undefined ? { file } : { file, maxLength });
  assertOnePerLine(records, countLines(bytes), file);
  return records;
}

describe('chunk boundaries', () => {
  test('a short log split into two chunks at every byte position', async () => {
    const bytes = Buffer.from(shortLog);
    const expected = reference(shortLog);
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(await recordsOf(splitAt(bytes, [cut])), expected, `cut at byte ${cut}`);
    }
  });

  test('a short log split into three chunks at every pair of positions around each newline', async () => {
    const bytes = Buffer.from(shortLog);
    const expected = reference(shortLog);
    const newlines = [...bytes.keys()].filter((i) => bytes[i] === 10);
    for (const nl of newlines) {
      for (let a = Math.max(1, nl - 3); a <= nl + 1 && a < bytes.length; a++) {
        for (let b = a + 1; b < bytes.length && b <= nl + 4; b++) {
          assert.deepEqual(await recordsOf(splitAt(bytes, [a, b])), expected, `cuts at ${a}, ${b}`);
        }
      }
    }
  });

  test('one byte per chunk', async () => {
    assert.deepEqual(await recordsOf(splitEvery(Buffer.from(shortLog), 1)), reference(shortLog));
  });

  test('a UTF-8 character split across chunks at each of its bytes', async () => {
    const prefix = "1700000000: Received PUBLISH from c1 (d0, q0, r0, m0, 'a";
    for (const char of ['é', '€', '😀']) {
      const bytes = Buffer.from(`${prefix}${char}b', ... (1 bytes))\n`);
      const at = Buffer.byteLength(prefix);
      for (let k = 1; k < Buffer.byteLength(char); k++) {
        const [record] = await recordsOf(splitAt(bytes, [at + k]));
        assertFields(record as LogRecord, { type: 'packet', cmd: 'publish', topic: `a${char}b` }, `${char} cut after byte ${k}`);
      }
    }
  });
});

describe('line endings and odd bytes', () => {
  test('CRLF line endings decode like LF', async () => {
    const crlf = shortLog.replace(/\n/g, '\r\n');
    const records = await recordsOf([crlf]);
    assert.deepEqual(records, reference(shortLog));
    for (const r of records) assert.ok(!r.raw.endsWith('\r'));
  });

  test('a CRLF split between CR and LF', async () => {
    const bytes = Buffer.from('1700000000: Reloading config.\r\n1700000000: Reloading config.\r\n');
    const records = await recordsOf(splitAt(bytes, [bytes.indexOf(10)]));
    for (const r of records) assertFields(r, { type: 'broker', event: 'reloading', raw: '1700000000: Reloading config.' });
  });

  test('a lone CR inside a line stays in the line', async () => {
    const records = await recordsOf(["1700000000: Received PUBLISH from c1 (d0, q0, r0, m0, 'a\rb', ... (1 bytes))\n1700000000: Reloading config.\n"]);
    assertFields(records[0] as LogRecord, { type: 'packet', topic: 'a\rb' });
    assertFields(records[1] as LogRecord, { type: 'broker', line: 2 });
  });

  test('invalid UTF-8 bytes become U+FFFD and do not disturb numbering', async () => {
    const bytes = Buffer.concat([
      Buffer.from("1700000000: Received PUBLISH from c1 (d0, q0, r0, m0, 'a"),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from("', ... (1 bytes))\n"),
      Buffer.from([0x80, 0x80, 0x0a]),
      Buffer.from('1700000000: Reloading config.\n'),
    ]);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const records = await recordsOf(splitAt(bytes, [cut]));
      assertFields(records[0] as LogRecord, { type: 'packet', cmd: 'publish' });
      assert.ok((records[0] as { topic?: string }).topic?.includes('\uFFFD'));
      assertFields(records[1] as LogRecord, { type: 'unknown', line: 2 });
      assertFields(records[2] as LogRecord, { type: 'broker', line: 3 });
    }
  });

  test('NUL bytes: a binary line is unknown, a NUL inside a topic is kept', async () => {
    const records = await recordsOf([
      Buffer.from([0, 0, 0, 0, 10]),
      "1700000000: Received PUBLISH from c1 (d0, q0, r0, m0, 'a\0b', ... (1 bytes))\n",
      '1700000000: Reloading config.\n',
    ]);
    assertFields(records[0] as LogRecord, { type: 'unknown', reason: 'binary' });
    assertFields(records[1] as LogRecord, { type: 'packet', topic: 'a\0b' });
    assertFields(records[2] as LogRecord, { type: 'broker' });
  });

  test('empty lines are records of their own', async () => {
    const records = await recordsOf(['\n\n1700000000: Reloading config.\n\n']);
    assert.deepEqual(records.map((r) => r.type), ['unknown', 'unknown', 'broker', 'unknown']);
    for (const r of records) if (r.type === 'unknown') assert.equal(r.reason, 'empty');
  });

  test('a last line without a newline still counts', async () => {
    const records = await recordsOf(['1700000000: Reloading config.\n1700000000: Using default', ' config.']);
    assertFields(records[1] as LogRecord, { type: 'broker', event: 'default-config', line: 2 });
  });

  test('an empty input yields no records and no batches', async () => {
    const { records, batches } = await readAllRecords([]);
    assert.equal(records.length, 0);
    assert.equal(batches, 0);
    assert.deepEqual(await readAllLines([Buffer.alloc(0)]), []);
  });

  test('lines come in batches, in order', async () => {
    const text = Array.from({ length: 50 }, (_, i) => `1700000000: Sending PUBACK to c1 (m${i + 1}, rc0)`).join('\n') + '\n';
    const { records, batches } = await readAllRecords(splitEvery(Buffer.from(text), 100), { file });
    assertOnePerLine(records, 50, file);
    assert.ok(batches > 1);
    records.forEach((r, i) => assertFields(r, { type: 'packet', mid: i + 1 }));
  });
});

describe('over-long lines', () => {
  const big = 'x'.repeat(5 * 1024 * 1024);
  const before = '1700000000: Reloading config.\n';
  const after = '1700000000: Using default config.\n';
  const bytes = Buffer.from(before + '1700000000: ' + big + '\n' + after);

  const chunkings: Array<[string, Buffer[]]> = [
    ['one chunk', [bytes]],
    ['64 KiB chunks', splitEvery(bytes, 64 * 1024)],
    ['the long line starts a chunk', splitAt(bytes, [Buffer.byteLength(before)])],
    ['the long line ends a chunk', splitAt(bytes, [bytes.length - Buffer.byteLength(after)])],
    ['the long line alone in a chunk', splitAt(bytes, [Buffer.byteLength(before), bytes.length - Buffer.byteLength(after)])],
    ['cut just before its newline', splitAt(bytes, [bytes.length - Buffer.byteLength(after) - 1])],
  ];

  for (const [name, chunks] of chunkings) {
    test(`a 5 MB line with a small maxLength is one too-long record (${name})`, async () => {
      const records = await recordsOf(chunks, 1000);
      assert.equal(records.length, 3);
      assertFields(records[0] as LogRecord, { type: 'broker', event: 'reloading', line: 1 });
      assertFields(records[1] as LogRecord, { type: 'unknown', reason: 'too-long', line: 2, time: 1_700_000_000_000 });
      assert.ok((records[1] as LogRecord).raw.length <= 1000, 'only the head of the line is kept');
      assertFields(records[2] as LogRecord, { type: 'broker', event: 'default-config', line: 3 });
    });
  }

  test('a too-long last line without a newline', async () => {
    const records = await recordsOf([before, big.slice(0, 5000)], 1000);
    assertFields(records[1] as LogRecord, { type: 'unknown', reason: 'too-long', line: 2 });
  });

  test('readLineBatches reports the head of an over-long line', async () => {
    const lines = await readAllLines(splitEvery(bytes, 1 << 20), 1000);
    assert.equal(lines.length, 3);
    const long = lines[1];
    assert.ok(typeof long === 'object' && long.head.startsWith('1700000000: xxx'));
    assert.equal(lines[2], after.slice(0, -1));
  });

  test('a line of exactly maxLength characters is kept', async () => {
    const line = '1700000000: ' + 'y'.repeat(88);
    const lines = await readAllLines([`${line}\n${line}`], 100);
    assert.deepEqual(lines, [line, line]);
  });
});

describe('linesOf', () => {
  test('gives the lines readLineBatches gives for a buffer of whole lines', async () => {
    const pieces = fc.constantFrom('\n', '\r\n', '\r', 'a', 'é', '😀', '\uFFFD', 'x'.repeat(150), 'y'.repeat(300));
    await fc.assert(
      fc.asyncProperty(fc.array(pieces, { maxLength: 40 }), fc.uint8Array({ maxLength: 20 }), fc.integer({ min: 1, max: 400 }), async (parts, odd, maxLength) => {
        const bytes = Buffer.concat([Buffer.from(parts.join('')), odd]);
        assert.deepEqual([...linesOf(bytes, maxLength)], await readAllLines([bytes], maxLength));
      }),
      { numRuns: 300 },
    );
  });

  test('an empty buffer has no lines, a lone newline one empty line', () => {
    assert.deepEqual([...linesOf(Buffer.alloc(0))], []);
    assert.deepEqual([...linesOf(Buffer.from('\n'))], ['']);
    assert.deepEqual([...linesOf(Buffer.from('a\nb'))], ['a', 'b']);
  });
});
