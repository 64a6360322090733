/**
 * Splits a byte stream into lines, in batches (one per chunk read), without holding more than
 * one line in memory. UTF-8 sequences split across chunks are joined; invalid bytes become
 * U+FFFD; a CR before the newline is left for the parser to drop; a last line without a newline
 * still counts. A line longer than `maxLength` bytes is not kept: its first bytes
 * stand in for it as an {@link OverlongLine}, so it is reported, not lost.
 */
import { isAscii } from 'node:buffer';

/** A line that exceeded the length limit; `head` is its beginning. */
export interface OverlongLine {
  head: string;
}

/** A line read: its text, or the beginning of one over the length limit. */
export type Line = string | OverlongLine;

/** Bytes of an over-long line kept for the report. */
export const overlongHeadLength = 200;

/** Default line length limit in bytes: far above the broker's 999, far below memory trouble. */
export const defaultMaxLineLength = 1 << 20;

/** The first bytes of an over-long line, as text. */
function headOf(parts: readonly Buffer[]): string {
  return Buffer.concat(parts).toString('utf8', 0, overlongHeadLength);
}

/** How to decode `bytes`: plain ASCII reads the same as Latin-1, which is quicker to decode than UTF-8. */
function encodingOf(bytes: Buffer): 'latin1' | 'utf8' {
  return isAscii(bytes) ? 'latin1' : 'utf8';
}

/** The line from `start` to `end` of `bytes`, or its head when it is over `maxLength` bytes. */
function lineAt(bytes: Buffer, start: number, end: number, maxLength: number, encoding: 'latin1' | 'utf8'): Line {
  // The head ends with its line: with a limit under `overlongHeadLength` it could reach the next ones.
  return end - start > maxLength ? { head: bytes.toString(encoding, start, Math.min(end, start + overlongHeadLength)) } : bytes.toString(encoding, start, end);
}

/** The lines of a run of bytes, with where each lies in them and how they were decoded. */
export interface LineSpans {
  lines: Line[];
  /** Where each line starts in the bytes, and where it ends without its newline. */
  starts: number[];
  ends: number[];
  /** Latin-1 when every byte is ASCII, else UTF-8. */
  encoding: 'latin1' | 'utf8';
}

/**
 * The lines of `bytes`, which holds whole lines (the last one may lack its newline): the same
 * lines {@link readLineBatches} yields for it. They are gathered first and visited after, so
 * the loop over them is the caller's own, which the compiler can make fast for its one use.
 */
export function spansOf(bytes: Buffer, maxLength: number = defaultMaxLineLength): LineSpans {
  const spans: LineSpans = { lines: [], starts: [], ends: [], encoding: encodingOf(bytes) };
  const add = (start: number, end: number): void => {
    spans.lines.push(lineAt(bytes, start, end, maxLength, spans.encoding));
    spans.starts.push(start);
    spans.ends.push(end);
  };
  let start = 0;
  for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
    add(start, nl);
    start = nl + 1;
  }
  if (start < bytes.length) add(start, bytes.length);
  return spans;
}

/** The lines of `bytes`, as {@link spansOf} finds them. */
export function linesOf(bytes: Buffer, maxLength: number = defaultMaxLineLength): Line[] {
  return spansOf(bytes, maxLength).lines;
}

/**
 * Yields the lines of `input` in batches. Lines are cut from the bytes (a newline byte is never
 * part of a multi-byte UTF-8 sequence) and each is decoded on its own, so a string kept from a
 * line holds on to that line only, never to the whole chunk it came in.
 */
export async function* readLineBatches(
  input: AsyncIterable<Buffer | string>,
  maxLength: number = defaultMaxLineLength,
): AsyncGenerator<Line[]> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let overflowHead: string | null = null;
  const keep = (part: Buffer): void => {
    if (overflowHead !== null || part.length === 0) return;
    carry.push(part);
    carryBytes += part.length;
    if (carryBytes > maxLength) {
      overflowHead = headOf(carry);
      carry = [];
      carryBytes = 0;
    }
  };
  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    let nl = chunk.indexOf(10);
    if (nl < 0) {
      keep(chunk);
      continue;
    }
    const encoding = encodingOf(chunk);
    const batch: Line[] = [];
    if (overflowHead !== null) {
      batch.push({ head: overflowHead });
      overflowHead = null;
    } else if (carryBytes > 0) {
      carry.push(chunk.subarray(0, nl));
      const whole = Buffer.concat(carry, carryBytes + nl);
      carry = [];
      carryBytes = 0;
      batch.push(lineAt(whole, 0, whole.length, maxLength, 'utf8'));
    } else {
      batch.push(lineAt(chunk, 0, nl, maxLength, encoding));
    }
    let start = nl + 1;
    for (nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      batch.push(lineAt(chunk, start, nl, maxLength, encoding));
      start = nl + 1;
    }
    if (start < chunk.length) keep(chunk.subarray(start));
    yield batch;
  }
  if (overflowHead !== null) yield [{ head: overflowHead }];
  else if (carryBytes > 0) yield [Buffer.concat(carry, carryBytes).toString('utf8')];
}
