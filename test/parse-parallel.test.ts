/**
 * `mosqlog parse` on worker threads writes exactly what one thread writes, and the analysing
 * commands get the records one thread makes. Chunks are made tiny here, so that nearly every
 * line starts a chunk and the check of each chunk's first line, and decoding again on the main
 * thread when it fails, are exercised on every fixture.
 */
import assert from 'node:assert/strict';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { jobsFor } from '../src/cli/options.js';
import { newInputTally, tallyRecord } from '../src/cli/input-tally.js';
import { type ParallelSettings, type ParallelStats, ParseWorkers, parseFileInParallel, readRecordsInParallel } from '../src/cli/parse-parallel/index.js';
import { type LineContext, LineParser, type LogRecord, createLineDecoder, defaultMaxLineLength, readRecordBatches } from '../src/parse/index.js';
import { RecordJsonLines } from '../src/report/index.js';
import { fixtureLogs, repoPath } from './support/fixtures.js';
import { realLines } from './support/line-arbitraries.js';
import { spawnMosqlog } from './support/mosqlog-cli.js';
import { runCli } from './support/run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-parse-parallel-'));
after(() => rmSync(temp, { recursive: true, force: true }));

interface Run {
  raw?: boolean;
  maxLength?: number;
  chunkBytes?: number;
  parser?: LineParser;
  /** What the file read before left. */
  before?: LineContext;
}

/** What one thread writes for the file. */
async function oneThread(path: string, run: Run = {}): Promise<string> {
  const parser = run.parser ?? new LineParser();
  const out = new RecordJsonLines(run.raw ?? false);
  for await (const batch of readRecordBatches(createReadStream(path, { highWaterMark: 97 }), path, parser, run.maxLength ?? defaultMaxLineLength, run.before)) {
    for (const record of batch) out.add(record);
  }
  return out.take().toString('utf8');
}

/** What the worker threads write for the file, and how the chunks went. */
async function workerThreads(path: string, run: Run = {}): Promise<{ text: string; stats: ParallelStats }> {
  const settings: ParallelSettings = { jobs: 2, chunkBytes: run.chunkBytes ?? 64, raw: run.raw ?? false, maxLength: run.maxLength ?? defaultMaxLineLength };
  const parts: Buffer[] = [];
  const source = { name: path, size: statSync(path).size, plainFile: path, open: () => { throw new Error('not read as a stream'); } };
  const stats = await parseFileInParallel(source, run.parser ?? new LineParser(), settings, async (json, written) => {
    parts.push(Buffer.from(json));
    written();
  }, run.before);
  return { text: Buffer.concat(parts).toString('utf8'), stats };
}

/** The records one thread makes of the file. */
async function oneThreadRecords(path: string, run: Run = {}): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const batch of readRecordBatches(createReadStream(path, { highWaterMark: 97 }), path, run.parser ?? new LineParser(), run.maxLength ?? defaultMaxLineLength, run.before)) {
    records.push(...batch);
  }
  return records;
}

/** The records the worker threads make of the file, and how the chunks went. */
async function workerRecords(path: string, run: Run = {}): Promise<{ records: LogRecord[]; stats: ParallelStats }> {
  const settings: ParallelSettings = { jobs: 2, chunkBytes: run.chunkBytes ?? 64, raw: false, maxLength: run.maxLength ?? defaultMaxLineLength };
  const records: LogRecord[] = [];
  const source = { name: path, size: statSync(path).size, plainFile: path, open: () => { throw new Error('not read as a stream'); } };
  const stats = await readRecordsInParallel(source, run.parser ?? new LineParser(), settings, (batch) => {
    records.push(...batch);
  }, run.before);
  return { records, stats };
}

function writeLog(name: string, text: string): string {
  const path = join(temp, name);
  writeFileSync(path, text);
  return path;
}

describe('parse on worker threads', () => {
  test('every fixture log reads the same as on one thread, with chunks of a line or two', async () => {
    let decodedAgain = 0;
    let onMainThread = 0;
    let chunks = 0;
    for (const log of fixtureLogs()) {
      const path = repoPath(log);
      const { text, stats } = await workerThreads(path);
      assert.equal(text, await oneThread(path), log);
      chunks += stats.chunks;
      onMainThread += stats.onMainThread;
      decodedAgain += stats.decodedAgain;
    }
    assert.ok(chunks > 1000, `many chunks (${chunks})`);
    // The workers and the main thread both decode chunks read ahead of the one written next.
    assert.ok(onMainThread > 0 && onMainThread < chunks / 2, `some chunks decoded on the main thread first (${onMainThread})`);
    // Lines that need the one before them (topic lines, continuations) start some chunks.
    assert.ok(decodedAgain > 0, 'some chunks failed the check and were decoded again');
  });

  test('what each fixture log held, for the warnings on it, is counted as one thread counts its records', async () => {
    for (const log of fixtureLogs()) {
      const path = repoPath(log);
      const expected = newInputTally();
      for (const record of await oneThreadRecords(path)) tallyRecord(expected, record);
      assert.deepEqual((await workerThreads(path)).stats.tally, expected, log);
    }
  });

  test('every fixture log gives the records one thread makes, with chunks of a line or two', async () => {
    let decodedAgain = 0;
    let onMainThread = 0;
    let chunks = 0;
    let records = 0;
    for (const log of fixtureLogs()) {
      const path = repoPath(log);
      const expected = await oneThreadRecords(path);
      const { records: got, stats } = await workerRecords(path);
      assert.deepEqual(got, expected, log);
      records += got.length;
      chunks += stats.chunks;
      onMainThread += stats.onMainThread;
      decodedAgain += stats.decodedAgain;
    }
    // Workers send most records packed, as numbers, and the main thread makes them again.
    assert.ok(chunks - onMainThread - decodedAgain > chunks / 2, `most chunks decoded by workers (${chunks} chunks, ${onMainThread} here first, ${decodedAgain} again)`);
    assert.ok(records > 1000, `many records (${records})`);
  });

  test('records of over-long lines, CRLF, a byte order mark, other scripts and cut lines are the ones one thread makes', async () => {
    const publish = (topic: string, client = 'c1'): string => `1700000000: Received PUBLISH from ${client} (d0, q1, r0, m7, '${topic}', ... (3 bytes))`;
    const path = writeLog('record-edges.log', [
      '\ufeff1700000000: mosquitto version 2.0.18 starting\r',
      `\ufeff${publish('a/b')}`,
      `${publish('a/b')}\r`,
      publish('température/é', 'capteur-é'),
      publish('t'.repeat(5000)),
      `1700000000: Received PUBLISH from ${'c'.repeat(990)}`,
      // Cut by the broker: a lone minus sign for a number reads as NaN, which is no unset field.
      `1700000000: Received PUBLISH from weird (d0, q1, r0, m-, 'topic/${'x'.repeat(560)}`,
      '1700000000: Sending PUBACK to capteur-é (m7, rc0)',
      'Nov 26 10:00:00 gw mosquitto[1]: Received PINGREQ from c1',
      '<13>1 2026-11-26T10:00:00Z gw mosquitto 1 - - Sending PINGRESP to c1',
      '',
      '1700000001: Client c1 disconnected.',
    ].join('\n') + `\n${publish('last')}`);
    const parser = new LineParser({ year: 2026 });
    for (const [maxLength, chunkBytes] of [[300, 64], [300, 5000], [1000, 777], [defaultMaxLineLength, 4096]] as const) {
      const { records } = await workerRecords(path, { maxLength, chunkBytes, parser });
      assert.deepEqual(records, await oneThreadRecords(path, { maxLength, parser }), `limit ${maxLength}, chunks of ${chunkBytes} bytes`);
    }
  });

  test('a forced timestamp format counts each line it read once, whichever thread read it', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 120; i++) lines.push(i % 9 === 0 ? `1700000000: Received PINGREQ from c${i}` : `2026-11-26T10:00:${String(i % 60).padStart(2, '0')}: Received PINGREQ from c${i}`);
    const path = writeLog('forced-count.log', `${lines.join('\n')}\n`);
    const format = { timestampFormat: '%Y-%m-%dT%H:%M:%S', year: 2026 };
    const one = new LineParser(format);
    await oneThreadRecords(path, { parser: one });
    assert.equal(one.forcedFormatMatches, 106);
    for (const chunkBytes of [50, 200, 1000]) {
      const parser = new LineParser(format);
      await workerRecords(path, { parser, chunkBytes });
      assert.equal(parser.forcedFormatMatches, 106, `records, chunks of ${chunkBytes} bytes`);
      const json = new LineParser(format);
      await workerThreads(path, { parser: json, chunkBytes });
      assert.equal(json.forcedFormatMatches, 106, `JSON lines, chunks of ${chunkBytes} bytes`);
    }
  });

  test('a stamp read at the start of another chunk is not taken for the same stamp a day later', async () => {
    // Times of day alone: every line is as long, so that of the chunks of four lines, the second
    // starts at 12:00 one day and the third at 12:00 the next.
    const stamp = (minute: number): string => `${String(Math.floor((minute % 1440) / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`;
    const minutes = [0, 360, 600, 660, 720, 1080, 1440, 1800, 1440 + 720, 1440 + 780, 1440 + 840, 1440 + 900];
    const lines = minutes.map((m, i) => `${stamp(m)}: Sending PINGRESP to client-${String(i).padStart(3, '0')}`);
    const path = writeLog('same-stamp-next-day.log', `${lines.join('\n')}\n`);
    const chunkBytes = 4 * (Buffer.byteLength(lines[0] ?? '') + 1);
    const format = { timestampFormat: '%H:%M:%S', year: 2026 };
    const expected = await oneThread(path, { parser: new LineParser(format) });
    assert.match(expected.split('\n')[8] ?? '', /"time":"2026-01-02T12:00:00\.000Z"/);
    const { text } = await workerThreads(path, { parser: new LineParser(format), chunkBytes });
    assert.equal(text, expected);
    const { records } = await workerRecords(path, { parser: new LineParser(format), chunkBytes });
    assert.deepEqual(records, await oneThreadRecords(path, { parser: new LineParser(format) }));
  });

  test('with raw text, another time zone and a timestamp format', async () => {
    const path = writeLog('formatted.log', [
      '26.11.2026 10:00:00: mosquitto version 2.0.18 starting',
      '26.11.2026 10:00:01: New connection from 127.0.0.1:50000 on port 1883.',
      '26.11.2026 10:00:01: New client connected from 127.0.0.1:50000 as c1 (p2, c1, k60).',
      '26.11.2026 10:00:02: Received SUBSCRIBE from c1',
      '26.11.2026 10:00:02: \ta/b (QoS 1)',
      '26.11.2026 10:00:02: c1 1 a/b',
      '',
    ].join('\n'));
    const parser = new LineParser({ tz: 'Europe/Berlin', year: 2026, timestampFormat: '%d.%m.%Y %H:%M:%S' });
    for (const chunkBytes of [1, 40, 100, 1000]) {
      const threads = new LineParser(parser.options);
      const { text, stats } = await workerThreads(path, { raw: true, parser: threads, chunkBytes });
      assert.equal(text, await oneThread(path, { raw: true, parser }), `chunks of ${chunkBytes} bytes`);
      // The lines written, and those the format read, whichever thread decoded them.
      assert.deepEqual([stats.lines, threads.forcedFormatMatches], [6, 6], `chunks of ${chunkBytes} bytes`);
    }
    const monthFirst = new LineParser({ timestampFormat: '%m/%d/%Y %H:%M:%S' });
    const { stats } = await workerThreads(path, { parser: monthFirst });
    assert.deepEqual([stats.lines, monthFirst.forcedFormatMatches], [6, 0]);
  });

  test('the line that shows the dates month first after ambiguous ones is noted, whichever thread decoded it', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 80; i++) lines.push(`03/${i < 50 ? '12' : '13'}/2026 10:00:${String(i % 60).padStart(2, '0')}: Received PINGREQ from c${i}`);
    const path = writeLog('month-first-late.log', `${lines.join('\n')}\n`);
    const one = new LineParser({ year: 2026 });
    const expected = await oneThread(path, { parser: one });
    assert.deepEqual(one.monthFirstShownAt, { file: path, line: 51 });
    for (const chunkBytes of [40, 100, 173, 400, 1000, 5000]) {
      const parser = new LineParser({ year: 2026 });
      const { text } = await workerThreads(path, { parser, chunkBytes });
      assert.equal(text, expected, `chunks of ${chunkBytes} bytes`);
      assert.deepEqual(parser.monthFirstShownAt, { file: path, line: 51 }, `chunks of ${chunkBytes} bytes`);
    }
    // Dates read day first in the file before count too.
    const parser = new LineParser({ year: 2026 });
    const later = writeLog('month-first-next-file.log', `${lines.slice(50).join('\n')}\n`);
    await workerThreads(later, { parser, chunkBytes: 100, before: { dateGuessed: true } });
    assert.deepEqual(parser.monthFirstShownAt, { file: later, line: 1 });
  });

  test('with two-digit years shown last, the line that shows the dates month first is noted, whichever thread decoded it', async () => {
    // `02-02-30` shows the year last (2002-02-30 is no date); `03-04-25` could be read both ways.
    const lines = ['02-02-30 10:00:00: Received PINGREQ from a'];
    for (let i = 0; i < 60; i++) lines.push(`05-05-25 10:00:${String(i).padStart(2, '0')}: Received PINGREQ from c${i}`);
    lines.push('03-04-25 10:01:00: Received PINGREQ from a');
    for (let i = 0; i < 20; i++) lines.push(`05-05-25 10:02:${String(i).padStart(2, '0')}: Received PINGREQ from c${i}`);
    lines.push('04-13-25 10:03:00: Sending PINGRESP to a');
    const path = writeLog('two-digit-month-first.log', `${lines.join('\n')}\n`);
    const one = new LineParser({ year: 2026 });
    const expected = await oneThread(path, { parser: one });
    assert.deepEqual(one.monthFirstShownAt, { file: path, line: lines.length });
    for (const chunkBytes of [100, 400, 1000]) {
      const parser = new LineParser({ year: 2026 });
      assert.equal((await workerThreads(path, { parser, chunkBytes })).text, expected, `chunks of ${chunkBytes} bytes`);
      assert.deepEqual(parser.monthFirstShownAt, { file: path, line: lines.length }, `chunks of ${chunkBytes} bytes`);
    }
  });

  test('an over-long line is read after the line before it: its time of day, and the times after it', async () => {
    const publish = (stamp: string, bytes: number): string => `${stamp}: Received PUBLISH from a (d0, q0, r0, m0, '${'x'.repeat(bytes)}', ... (0 bytes))`;
    const lines = ['23:00:00: Received PINGREQ from a', '01:00:00: Received PINGREQ from a', publish('01:00:00', 400), publish('02:00:00', 400), '03:00:00: Received PINGREQ from a'];
    const path = writeLog('over-long-time-of-day.log', `${lines.join('\n')}\n`);
    const format = { timestampFormat: '%H:%M:%S', year: 2023 };
    const records = await oneThreadRecords(path, { parser: new LineParser(format), maxLength: 300 });
    assert.deepEqual(records.map((r) => [r.type, new Date(r.time ?? 0).toISOString()]), [
      ['packet', '2023-01-01T23:00:00.000Z'], ['packet', '2023-01-02T01:00:00.000Z'], ['unknown', '2023-01-02T01:00:00.000Z'],
      ['unknown', '2023-01-02T02:00:00.000Z'], ['packet', '2023-01-02T03:00:00.000Z'],
    ]);
    for (const chunkBytes of [40, 100, 1000]) {
      const { records: threaded } = await workerRecords(path, { parser: new LineParser(format), maxLength: 300, chunkBytes });
      assert.deepEqual(threaded, records, `chunks of ${chunkBytes} bytes`);
    }
  });

  test('a syslog log that passes New Year, with lines of no time where chunks may start', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 120; i++) {
      const day = i < 60 ? 'Dec 31 23:59' : 'Jan  1 00:00';
      lines.push(`${day}:${String(i % 60).padStart(2, '0')} gw mosquitto[1]: Received PINGREQ from c${i}`);
      if (i % 7 === 0) lines.push('');
    }
    const path = writeLog('new-year.log', `${lines.join('\n')}\n`);
    const parser = new LineParser({ year: 2025 });
    const expected = await oneThread(path, { parser });
    assert.match(expected.split('\n').find((l) => l.includes('c119')) ?? '', /"time":"2026-01-01T00:00:59\.000Z"/);
    // Sizes at which a chunk starts with a line of no time followed by January lines.
    for (const chunkBytes of [59, 71, 100, 151, 173, 230]) {
      const { text } = await workerThreads(path, { parser, chunkBytes });
      assert.equal(text, expected, `chunks of ${chunkBytes} bytes`);
    }
  });

  test('stamps of a time of day alone that pass midnight, with lines of no time where chunks may start', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 120; i++) {
      lines.push(`${i < 60 ? '23:59' : '00:00'}:${String(i % 60).padStart(2, '0')}: Received PINGREQ from c${i}`);
      if (i % 7 === 0) lines.push('');
    }
    const path = writeLog('midnight.log', `${lines.join('\n')}\n`);
    const parser = new LineParser({ year: 2025, timestampFormat: '%H:%M:%S' });
    const expected = await oneThread(path, { parser });
    assert.match(expected.split('\n').find((l) => l.includes('c119')) ?? '', /"time":"2025-01-02T00:00:59\.000Z"/);
    for (const chunkBytes of [47, 59, 100, 173]) {
      const { text } = await workerThreads(path, { parser, chunkBytes });
      assert.equal(text, expected, `chunks of ${chunkBytes} bytes`);
    }
  });

  test('a rotated syslog file after New Year is read after the last time of the file before, and gives its own last time', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `Jan  1 00:00:${String(i).padStart(2, '0')} gw mosquitto[1]: Received PINGREQ from c${i}`);
    const path = writeLog('after-new-year.log', `${lines.join('\n')}\n`);
    const parser = new LineParser({ year: 2025 });
    const lastTime = Date.UTC(2025, 11, 31, 23, 59, 59);
    const expected = await oneThread(path, { parser, before: { lastTime } });
    assert.match(expected.split('\n')[0] ?? '', /"time":"2026-01-01T00:00:00\.000Z"/);
    for (const chunkBytes of [64, 500]) {
      const { text, stats } = await workerThreads(path, { parser, chunkBytes, before: { lastTime } });
      assert.equal(text, expected, `chunks of ${chunkBytes} bytes`);
      assert.equal(stats.end.lastTime, Date.UTC(2026, 0, 1, 0, 0, 59));
    }
  });

  test('a topic line that starts a rotated file goes on from the last line of the file before', async () => {
    const lines = ['1700000001: \ta/b (QoS 1)', '1700000001: c 1 a/b', '1700000001: Sending SUBACK to c'];
    for (let i = 0; i < 40; i++) lines.push(`1700000002: Received PINGREQ from c${i}`);
    const path = writeLog('topic-first.log', `${lines.join('\n')}\n`);
    const before = createLineDecoder('before.log');
    before.decode('1700000000: Received SUBSCRIBE from c');
    const expected = await oneThreadRecords(path, { before: before.context });
    assert.deepEqual([expected[0]?.type, expected[0]?.type === 'subscription' && expected[0].client], ['subscription', 'c']);
    for (const chunkBytes of [40, 500]) {
      const { records, stats } = await workerRecords(path, { chunkBytes, before: before.context });
      assert.deepEqual(records, expected, `chunks of ${chunkBytes} bytes`);
      assert.deepEqual(stats.end.prev, records[records.length - 1]);
    }
  });

  test('a broker version that changes between chunks is the one each line is read with', async () => {
    // 1.x and 2.1 print the same CONNECT line; which one printed it decides how it is read. A
    // PINGREQ line reads the same under both, so chunks that start with one are checked by the
    // version they assumed, not only by their first line.
    const pair = (i: number): string[] => [
      `1700000001: Received PINGREQ from c${i}`,
      `1700000001: New client connected from 127.0.0.1 as c${i} (p2, c1, k60).`,
    ];
    const lines = ['1700000000: mosquitto version 1.6.9 starting'];
    for (let i = 0; i < 40; i++) lines.push(...pair(i));
    lines.push('1700000002: mosquitto version 2.1.2 starting');
    for (let i = 40; i < 80; i++) lines.push(...pair(i));
    const path = writeLog('versions.log', `${lines.join('\n')}\n`);
    const expected = await oneThread(path);
    const readAs = (n: number): string => {
      const { line, client, time, ...rest } = JSON.parse(expected.split('\n')[n - 1] ?? '{}') as Record<string, unknown>;
      return JSON.stringify(rest);
    };
    assert.notEqual(readAs(3), readAs(85), 'the two versions read the line differently');
    for (const chunkBytes of [100, 150, 230, 500, 3000]) {
      const { text, stats } = await workerThreads(path, { chunkBytes });
      assert.equal(text, expected, `chunks of ${chunkBytes} bytes`);
      assert.ok(stats.chunks > 1);
    }
  });

  test('over-long lines, CRLF, blank lines and a last line without a newline', async () => {
    const long = (n: number): string => `1700000000: Received PUBLISH from c1 (d0, q0, r0, m0, '${'t'.repeat(n)}', ... (3 bytes))`;
    const path = writeLog('edges.log', [
      '1700000000: mosquitto version 2.0.18 starting\r',
      long(5000),
      '',
      long(250),
      `1700000000: ${'é'.repeat(900)}`,
      long(100_000),
      '\r',
      '1700000001: Client c1 disconnected.',
    ].join('\n') + `\n${long(3000)}`);
    for (const [maxLength, chunkBytes] of [[300, 64], [300, 5000], [1000, 777], [defaultMaxLineLength, 4096]] as const) {
      const { text } = await workerThreads(path, { maxLength, chunkBytes });
      assert.equal(text, await oneThread(path, { maxLength }), `limit ${maxLength}, chunks of ${chunkBytes} bytes`);
    }
  });

  test("the workers of a run decode file after file, each chunk as the file it is of: one thread's output, and few chunks decoded again", async () => {
    const files = ['clean-qos.log', 'sample.log', 'takeover.log'].map((name) => repoPath(`fixtures/${name}`));
    const settings: ParallelSettings = { jobs: 2, chunkBytes: 200, raw: false, maxLength: defaultMaxLineLength };
    const parser = new LineParser();
    const workers = new ParseWorkers(2);
    try {
      let before: LineContext = {};
      for (const path of files) {
        const parts: Buffer[] = [];
        const source = { name: path, size: statSync(path).size, plainFile: path, open: () => { throw new Error('not read as a stream'); } };
        const stats = await parseFileInParallel(source, parser, settings, async (json, written) => {
          parts.push(Buffer.from(json));
          written();
        }, before, undefined, workers);
        assert.equal(Buffer.concat(parts).toString('utf8'), await oneThread(path, { before }), path);
        // A chunk whose records named another file would fail its check, and be decoded again.
        const onWorkers = stats.chunks - stats.onMainThread - 1;
        assert.ok(onWorkers >= 4 && stats.decodedAgain < onWorkers / 2, `${path}: ${stats.decodedAgain} of ${onWorkers} chunks from the workers decoded again`);
        before = stats.end;
      }
    } finally {
      await workers.stop();
    }
  });

  test('an empty file and a file of newlines', async () => {
    assert.deepEqual(await workerThreads(writeLog('empty.log', '')), { text: '', stats: { chunks: 0, onMainThread: 0, decodedAgain: 0, end: {}, lines: 0, tally: newInputTally() } });
    const newlines = writeLog('newlines.log', '\n\n\n');
    assert.equal((await workerThreads(newlines)).text, await oneThread(newlines));
  });

  test('random logs of real lines, cut into random chunks, read the same as on one thread: JSON lines and records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...realLines, '', '\tx/y (QoS 2)'), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 400 }), async (lines, chunkBytes) => {
        const path = writeLog('random.log', lines.join('\n'));
        const { text } = await workerThreads(path, { chunkBytes });
        assert.equal(text, await oneThread(path));
        const { records } = await workerRecords(path, { chunkBytes });
        assert.deepEqual(records, await oneThreadRecords(path));
      }),
      { numRuns: 25 },
    );
  });
});

describe('--jobs on a large plain file', () => {
  let large: string | null = null;
  /** A fixture repeated past the size at which worker threads decode a file. */
  function largeLog(): string {
    if (large !== null) return large;
    const one = readFileSync(repoPath('fixtures/clean-qos.log'));
    large = join(temp, 'large.log');
    writeFileSync(large, Buffer.concat(Array.from({ length: Math.ceil((65 << 20) / one.length) }, () => one)));
    return large;
  }

  /** Runs `mosqlog parse ARGS` with stdout into a file; returns the exit code, stderr and the file. */
  async function parseInto(name: string, args: readonly string[]): Promise<{ code: number | null; stderr: string; stdout: Buffer }> {
    const path = join(temp, name);
    const fd = openSync(path, 'w');
    try {
      const child = spawnMosqlog(['parse', ...args], { stdout: fd });
      const { code } = await child.exit;
      return { code, stderr: child.stderr(), stdout: readFileSync(path) };
    } finally {
      closeSync(fd);
    }
  }

  test('parse: the same output with worker threads as without', async () => {
    const path = largeLog();
    const threads = await parseInto('threads.ndjson', ['--jobs', '2', path]);
    const single = await parseInto('single.ndjson', ['--jobs', '0', path]);
    assert.equal(threads.code, 0, threads.stderr);
    assert.equal(threads.stderr, '');
    assert.ok(threads.stdout.length > 65 << 20);
    assert.ok(threads.stdout.equals(single.stdout), 'same bytes');
  });

  test('summary and report: the same output with worker threads as without', async () => {
    const path = largeLog();
    for (const args of [['summary', '--format', 'json'], ['report', '--format', 'json', '--fail-on', 'none']]) {
      const runs = [];
      for (const jobs of ['1', '0']) {
        const child = spawnMosqlog([...args, '--jobs', jobs, path]);
        const { code } = await child.exit;
        runs.push({ code, stderr: child.stderr(), stdout: child.stdout() });
      }
      const [threads, single] = runs;
      assert.equal(threads?.code, 0, threads?.stderr);
      assert.equal(threads?.stderr, '');
      // A report says when it was made.
      const [a, b] = [threads, single].map((run): Record<string, unknown> => ({ ...JSON.parse(run?.stdout ?? '{}') as Record<string, unknown>, generatedAt: null }));
      assert.deepEqual(a, b, args.join(' '));
      if (args[0] === 'summary') assert.ok((a?.lines as number) > 1_000_000, `lines read: ${String(a?.lines)}`);
    }
  });

  test('a --jobs that is not a whole number is a usage error', async () => {
    const result = await parseInto('bad-jobs.ndjson', ['--jobs', 'two', repoPath('fixtures/clean-qos.log')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--jobs/);
    assert.equal(result.stdout.length, 0);
  });
});

test('--jobs starts no more workers than there are CPU cores, and 0 none', () => {
  const cores = availableParallelism();
  assert.equal(jobsFor({ jobs: 100 }, 'write'), cores);
  assert.equal(jobsFor({ jobs: 100 }, 'correlate'), cores);
  assert.equal(jobsFor({ jobs: 1 }, 'write'), 1);
  assert.equal(jobsFor({ jobs: 0 }, 'correlate'), 0);
});

test('a negative --jobs says what a count may be', async () => {
  const result = await runCli(['summary', '--jobs', '-1', repoPath('fixtures/sample.log')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--jobs: not a whole number of 0 or more: -1/);
});
