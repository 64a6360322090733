/**
 * Helpers for the parse-layer tests: decoding line sequences, checking typed fields, and
 * feeding hand-made chunked streams to the line reader.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import {
  type Line, type LineParser, type LogRecord, createLineDecoder, readLineBatches, readRecordBatches,
} from '../../src/parse/index.js';

/** The place a single test line claims to come from. */
export const where = { file: 'test.log', line: 1 } as const;

/** Stands for "this field is present and is a string", where its text is not the point. */
export const someString = Symbol('some string');

/**
 * Expected record fields: a value to compare, `undefined` for "absent" (missing or undefined, as
 * JSON output leaves both out), or {@link someString}.
 */
export type Expected = Record<string, unknown>;

/** Asserts `record` has every field of `expected` (deep equality); `undefined` means absent. */
export function assertFields(record: LogRecord, expected: Expected, label = ''): void {
  const fields = record as unknown as Record<string, unknown>;
  const context = `${label} ${JSON.stringify(record)}`;
  for (const [key, value] of Object.entries(expected)) {
    if (value === undefined) assert.equal(fields[key], undefined, `${key} should be absent: ${context}`);
    else if (value === someString) assert.equal(typeof fields[key], 'string', `${key} should be a string: ${context}`);
    else assert.deepEqual(fields[key], value, `${key}: ${context}`);
  }
}

/** Decodes `lines` in order as one input, the way a file is read. */
export function decodeLines(lines: readonly string[], parser?: LineParser, file = 'test.log'): LogRecord[] {
  const decoder = createLineDecoder(file, parser);
  return lines.map((text) => decoder.decode(text));
}

/** A stream that yields exactly these chunks, each as a Buffer. */
export function chunkedStream(chunks: ReadonlyArray<Buffer | string>): Readable {
  return Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
}

/** Cuts `bytes` at the given offsets (ascending, inside the buffer). */
export function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (const cut of cuts) {
    parts.push(bytes.subarray(start, cut));
    start = cut;
  }
  parts.push(bytes.subarray(start));
  return parts;
}

/** Cuts `bytes` into chunks of `size` bytes. */
export function splitEvery(bytes: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return parts;
}

/** Every record `readRecordBatches` yields for these chunks, with the batches it yielded them in. */
export async function readAllRecords(
  chunks: ReadonlyArray<Buffer | string>,
  options: { file?: string; parser?: LineParser; maxLength?: number } = {},
): Promise<{ records: LogRecord[]; batches: number }> {
  const records: LogRecord[] = [];
  let batches = 0;
  for await (const batch of readRecordBatches(chunkedStream(chunks), options.file ?? 'stream.log', options.parser, options.maxLength)) {
    assert.ok(batch.length > 0, 'no empty batches');
    batches++;
    records.push(...batch);
  }
  return { records, batches };
}

/** Every line `readLineBatches` yields for these chunks. */
export async function readAllLines(chunks: ReadonlyArray<Buffer | string>, maxLength?: number): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const batch of readLineBatches(chunkedStream(chunks), maxLength)) lines.push(...batch);
  return lines;
}

/** How many lines a byte stream holds: one per LF, plus a last line without one. */
export function countLines(bytes: Buffer): number {
  let count = 0;
  for (const byte of bytes) if (byte === 10) count++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? count + 1 : count;
}

/** Asserts one record per line, numbered 1…n, all from `file`. */
export function assertOnePerLine(records: readonly LogRecord[], lines: number, file: string): void {
  assert.equal(records.length, lines, 'one record per line');
  records.forEach((r, i) => {
    assert.equal(r.line, i + 1, 'line numbers are consecutive');
    assert.equal(r.file, file);
  });
}
