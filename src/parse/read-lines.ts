/**
 * Splits a byte stream into lines, in batches (one per chunk read), without holding more than
 * one line in memory. UTF-8 sequences split across chunks are joined; invalid bytes become
 * U+FFFD; a CR before the newline is left for the parser to drop; a last line without a newline
 * still counts. A line longer than `maxLength` characters is not kept: its first characters
 * stand in for it as an {@link OverlongLine}, so it is reported, not lost.
 */
import { StringDecoder } from 'node:string_decoder';

/** A line that exceeded the length limit; `head` is its beginning. */
export interface OverlongLine {
  head: string;
}

export type Line = string | OverlongLine;

/** Characters of an over-long line kept for the report. */
const headLength = 200;

/** Default line length limit: far above the broker's 999 bytes, far below memory trouble. */
export const defaultMaxLineLength = 1 << 20;

/** Yields the lines of `input` in batches. */
export async function* readLineBatches(
  input: AsyncIterable<Buffer | string>,
  maxLength: number = defaultMaxLineLength,
): AsyncGenerator<Line[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let overflowHead: string | null = null;
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const batch: Line[] = [];
    let start = 0;
    let nl = text.indexOf('\n');
    if (overflowHead !== null) {
      if (nl < 0) continue;
      batch.push({ head: overflowHead });
      overflowHead = null;
      pending = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (nl >= 0) {
      const length = pending.length + nl - start;
      batch.push(length > maxLength ? { head: (pending + text.slice(start, start + headLength)).slice(0, headLength) } : pending + text.slice(start, nl));
      pending = '';
      start = nl + 1;
      for (nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
        batch.push(nl - start > maxLength ? { head: text.slice(start, start + headLength) } : text.slice(start, nl));
        start = nl + 1;
      }
      pending = text.slice(start);
    } else {
      pending += text.slice(start);
    }
    if (pending.length > maxLength) {
      overflowHead = pending.slice(0, headLength);
      pending = '';
    }
    if (batch.length > 0) yield batch;
  }
  pending += decoder.end();
  if (overflowHead !== null) yield [{ head: overflowHead }];
  else if (pending !== '') yield [pending];
}
