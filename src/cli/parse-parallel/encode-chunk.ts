/**
 * A run of whole lines to NDJSON bytes, the same way on the main thread and in a worker.
 */
import { type LineContext, type LineParser, type LogRecord, createLineDecoder, readLineBatches } from '../../parse/index.js';
// The JSON writer alone, not the report layer's index: a worker loads nothing else of it.
import { RecordJsonLines } from '../../report/record-json.js';

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

/** A chunk's JSON lines, in a buffer of their own, and what its lines made of the context. */
export interface ChunkResult extends EncodedChunk {
  /** The chunk's own buffer, handed back. */
  input: ArrayBuffer;
  /** Holds the JSON lines from offset 0; goes back through {@link ChunkEncoder.giveBack}. */
  output: ArrayBuffer;
  outputLength: number;
}

/**
 * Encodes chunks read on their own: without the record of the line before, with the broker
 * version known when the chunk was read. The results go into output buffers of one size, used
 * again once they are handed back.
 */
export class ChunkEncoder {
  private readonly out: RecordJsonLines;
  private readonly spare: ArrayBuffer[] = [];
  /** The last chunk asked for: chunks are encoded one after another, in the order asked. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly parser: LineParser,
    private readonly settings: ChunkSettings & { outputBytes: number },
  ) {
    this.out = new RecordJsonLines(settings.raw, 1 << 20);
  }

  /** Encodes the first `length` bytes of `input`, whose first line is number `line`. */
  encode(input: ArrayBuffer, length: number, line: number, brokerVersion: string | undefined): Promise<ChunkResult> {
    const result = this.last.then(() => this.encodeNow(input, length, line, brokerVersion));
    this.last = result.catch(() => undefined);
    return result;
  }

  private async encodeNow(input: ArrayBuffer, length: number, line: number, brokerVersion: string | undefined): Promise<ChunkResult> {
    const start = { file: this.file, line, context: brokerVersion === undefined ? {} : { brokerVersion } };
    const { first, end } = await encodeChunk(new Uint8Array(input, 0, length), start, this.parser, this.out, this.settings.maxLength);
    const json = this.out.takeView();
    let output = this.spare.pop();
    // One size for all but outsized results, so buffers come back fitting and are not made anew.
    if (output === undefined || output.byteLength < json.length) output = new ArrayBuffer(Math.max(json.length, this.settings.outputBytes));
    new Uint8Array(output).set(json);
    return { input, output, outputLength: json.length, first, end };
  }

  /** An output buffer whose JSON lines have been written. */
  giveBack(output: ArrayBuffer): void {
    this.spare.push(output);
  }
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
