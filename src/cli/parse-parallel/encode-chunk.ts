/**
 * A run of whole lines to what the main thread takes from it, the same way there and in a
 * worker: NDJSON bytes for `mosqlog parse`, or records for the correlator.
 */
import { type Line, type LineContext, type LineParser, type LogRecord, type Where, createLineDecoder, linesOf, spansOf } from '../../parse/index.js';
// The JSON writer alone, not the report layer's index: a worker loads nothing else of it.
import { RecordJsonLines } from '../../report/record-json.js';
import { type InputTally, newInputTally, tallyRecord } from '../input-tally.js';
import { type PackedRecords, RecordPacker } from './packed-records.js';

/** Where a run of lines starts: the number of its first line, and what came before. */
export interface ChunkStart {
  line: number;
  context: LineContext;
}

/**
 * What a chunk becomes: JSON lines; records packed for the main thread ({@link RecordPacker});
 * or, on the main thread itself, the records as they are.
 */
export type ChunkOutput = 'json' | 'packed' | 'records';

/** How records are read and written. */
export interface ChunkSettings {
  /** Include each line's raw text in JSON (`--raw`). */
  raw: boolean;
  /** Line length limit in bytes; longer lines become `too-long` records. */
  maxLength: number;
}

/** A chunk's result, and what its lines made of the context. */
export interface ChunkResult {
  /** The chunk's own buffer, handed back. */
  input: ArrayBuffer;
  /** How the chunk's lines were decoded from its bytes. */
  encoding: 'latin1' | 'utf8';
  /** JSON lines, or packed rows, from offset 0; goes back through {@link ChunkEncoder.giveBack}. */
  output: ArrayBuffer;
  /** Bytes of JSON lines, or numbers of packed rows, in {@link output}. */
  outputLength: number;
  /** With packed rows: the records not packed, in order. */
  others: LogRecord[];
  /** With packed rows: the strings they name. */
  strings: string[];
  /** With output `records`: the records. */
  records: LogRecord[];
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
  /** What its lines held, for the warnings on the input; null with records, which are counted where they are read. */
  tally: InputTally | null;
}

const noOutput = new ArrayBuffer(0);

/**
 * Encodes chunks of a file into output buffers of one size, which are used again once handed
 * back (a result larger than that gets a buffer of its own size).
 */
export class ChunkEncoder {
  private readonly json: RecordJsonLines;
  private readonly packer = new RecordPacker();
  private readonly spare: ArrayBuffer[] = [];

  constructor(
    private file: string,
    private parser: LineParser,
    private readonly settings: ChunkSettings & { outputBytes: number; output: ChunkOutput },
  ) {
    this.json = new RecordJsonLines(settings.raw, settings.output === 'json' ? 1 << 20 : 0);
  }

  /** The chunks encoded next are of `file`, read with `parser`; the output buffers stay. */
  startFile(file: string, parser: LineParser): void {
    this.file = file;
    this.parser = parser;
  }

  /** Encodes the first `length` bytes of `input`. */
  encode(input: ArrayBuffer, length: number, start: ChunkStart): ChunkResult {
    const decoder = createLineDecoder(this.file, this.parser, start);
    const matchedBefore = this.parser.forcedFormatMatches ?? 0;
    const output = this.settings.output;
    const records: LogRecord[] = [];
    let first: LogRecord | undefined;
    const tally = output === 'json' ? newInputTally() : null;
    const { lines, starts, ends, encoding } = spansOf(Buffer.from(input, 0, length), this.settings.maxLength);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as Line;
      const record = decoder.line(line);
      first ??= record;
      if (tally) tallyRecord(tally, record);
      if (output === 'json') this.json.add(record);
      else if (output === 'records') records.push(record);
      // An over-long line's record is sent as it is: it has no packet to pack.
      else this.packer.add(record, typeof line === 'string' ? line : '', starts[i] as number, ends[i] as number);
    }
    const forcedMatches = (this.parser.forcedFormatMatches ?? 0) - matchedBefore;
    const result = {
      input, encoding, output: noOutput, outputLength: 0, others: [] as LogRecord[], strings: [] as string[], records, first,
      end: { ...decoder.context }, lines: lines.length, forcedMatches, monthFirstLate: decoder.context.monthFirstLate ?? null, tally,
    };
    if (output === 'json') {
      const json = this.json.takeView();
      result.output = this.outputFor(json.byteLength);
      new Uint8Array(result.output).set(json);
      result.outputLength = json.byteLength;
    } else if (output === 'packed') {
      const packed = this.packer.take();
      result.output = this.outputFor(packed.rows.byteLength);
      new Float64Array(result.output, 0, packed.rows.length).set(packed.rows);
      result.outputLength = packed.rows.length;
      result.others = packed.others;
      result.strings = packed.strings;
    }
    return result;
  }

  /** An output buffer whose contents have been taken. */
  giveBack(output: ArrayBuffer): void {
    if (output.byteLength > 0) this.spare.push(output);
  }

  /** A spare output buffer of at least `bytes`. */
  private outputFor(bytes: number): ArrayBuffer {
    const output = this.spare.pop();
    return output === undefined || output.byteLength < bytes ? new ArrayBuffer(Math.max(bytes, this.settings.outputBytes)) : output;
  }
}

/** The packed rows of a result, as {@link unpackRecords} takes them. */
export function packedOf(result: ChunkResult): PackedRecords {
  return { rows: new Float64Array(result.output, 0, result.outputLength), lines: result.lines, others: result.others, strings: result.strings };
}

/** The record of the first line in `bytes`, read from `start`. */
export function decodeFirstLine(bytes: Uint8Array, file: string, start: ChunkStart, parser: LineParser, maxLength: number): LogRecord | undefined {
  const newline = bytes.indexOf(10);
  const [line] = linesOf(Buffer.from(bytes.buffer, bytes.byteOffset, newline < 0 ? bytes.length : newline + 1), maxLength);
  return line === undefined ? undefined : createLineDecoder(file, parser, start).line(line);
}
