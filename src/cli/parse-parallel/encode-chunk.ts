/**
 * A run of whole lines to NDJSON bytes, the same way on the main thread and in a worker.
 */
import { type LineContext, type LineParser, type LogRecord, type Where, createLineDecoder, linesOf } from '../../parse/index.js';
// The JSON writer alone, not the report layer's index: a worker loads nothing else of it.
import { RecordJsonLines } from '../../report/record-json.js';

/** Where a run of lines starts: the number of its first line, and what came before. */
export interface ChunkStart {
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

/** A chunk's JSON lines, in a buffer of their own, and what its lines made of the context. */
export interface ChunkResult {
  /** The chunk's own buffer, handed back. */
  input: ArrayBuffer;
  /** Holds the JSON lines from offset 0; goes back through {@link ChunkEncoder.giveBack}. */
  output: ArrayBuffer;
  outputLength: number;
  /** The record of the chunk's first line. */
  first: LogRecord | undefined;
  /** What the chunk's last line leaves for the next one. */
  end: LineContext;
  /** Lines in the chunk. */
  lines: number;
  /** Lines whose time the forced `--timestamp-format` read (0 without one). */
  forcedMatches: number;
  /** The line that showed the dates month first after some were read day first ({@link LineContext.monthFirstLate}). */
  monthFirstLate: Where | null;
}

/**
 * Encodes chunks of one file into output buffers of one size, which are used again once handed
 * back (a result larger than that gets a buffer of its own size).
 */
export class ChunkEncoder {
  private readonly out: RecordJsonLines;
  private readonly spare: ArrayBuffer[] = [];

  constructor(
    private readonly file: string,
    private readonly parser: LineParser,
    private readonly settings: ChunkSettings & { outputBytes: number },
  ) {
    this.out = new RecordJsonLines(settings.raw, 1 << 20);
  }

  /** Encodes the first `length` bytes of `input`. */
  encode(input: ArrayBuffer, length: number, start: ChunkStart): ChunkResult {
    const decoder = createLineDecoder(this.file, this.parser, start);
    const matchedBefore = this.parser.forcedFormatMatches ?? 0;
    let lines = 0;
    let first: LogRecord | undefined;
    // Line by line, not in an array: a chunk's lines are garbage as soon as they are written.
    for (const line of linesOf(Buffer.from(input, 0, length), this.settings.maxLength)) {
      const record = decoder.line(line);
      first ??= record;
      this.out.add(record);
      lines++;
    }
    const json = this.out.takeView();
    let output = this.spare.pop();
    if (output === undefined || output.byteLength < json.length) output = new ArrayBuffer(Math.max(json.length, this.settings.outputBytes));
    new Uint8Array(output).set(json);
    const forcedMatches = (this.parser.forcedFormatMatches ?? 0) - matchedBefore;
    return { input, output, outputLength: json.length, first, end: { ...decoder.context }, lines, forcedMatches, monthFirstLate: decoder.context.monthFirstLate ?? null };
  }

  /** An output buffer whose JSON lines have been written. */
  giveBack(output: ArrayBuffer): void {
    this.spare.push(output);
  }
}

/** The record of the first line in `bytes`, read from `start`. */
export function decodeFirstLine(bytes: Uint8Array, file: string, start: ChunkStart, parser: LineParser, maxLength: number): LogRecord | undefined {
  const newline = bytes.indexOf(10);
  const [line] = linesOf(Buffer.from(bytes.buffer, bytes.byteOffset, newline < 0 ? bytes.length : newline + 1), maxLength);
  return line === undefined ? undefined : createLineDecoder(file, parser, start).line(line);
}
