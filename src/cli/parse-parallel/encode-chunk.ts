/**
 * A run of whole lines to NDJSON bytes, the same way on the main thread and in a worker.
 */
import { type LineContext, type LineParser, type LogRecord, createLineDecoder, readLineBatches } from '../../parse/index.js';
import type { RecordJsonLines } from '../../report/index.js';

/** Where a run of lines starts: its file, the number of its first line, what came before. */
export interface ChunkStart {
  file: string;
  line: number;
  context: LineContext;
}

/** How records are read and written. */
export interface ChunkSettings {
  /** Include each line's raw text (`--raw`). */
  raw: boolean;
  /** Line length limit in bytes; longer lines become `too-long` records. */
  maxLength: number;
}

/** What a run of lines' first line became, and what its last one left for the next. */
export interface EncodedChunk {
  first: LogRecord | undefined;
  end: LineContext;
}

/** Decodes the lines in `bytes` from `start` and adds their records to `out`. */
export async function encodeChunk(bytes: Uint8Array, start: ChunkStart, parser: LineParser, out: RecordJsonLines, maxLength: number): Promise<EncodedChunk> {
  const decoder = createLineDecoder(start.file, parser, start);
  let first: LogRecord | undefined;
  for await (const lines of readLineBatches([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)], maxLength)) {
    for (const line of lines) {
      const record = decoder.line(line);
      first ??= record;
      out.add(record);
    }
  }
  return { first, end: { ...decoder.context } };
}

/** The record of the first line in `bytes`, read from `start`. */
export async function decodeFirstLine(bytes: Uint8Array, start: ChunkStart, parser: LineParser, maxLength: number): Promise<LogRecord | undefined> {
  const newline = bytes.indexOf(10);
  const line = bytes.subarray(0, newline < 0 ? bytes.length : newline + 1);
  const decoder = createLineDecoder(start.file, parser, start);
  for await (const lines of readLineBatches([Buffer.from(line.buffer, line.byteOffset, line.length)], maxLength)) {
    const first = lines[0];
    if (first !== undefined) return decoder.line(first);
  }
  return undefined;
}
