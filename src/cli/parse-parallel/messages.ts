/**
 * What the main thread and the parse workers say to each other.
 */
import type { LineContext, ParseOptions } from '../../parse/index.js';
import type { ChunkOutput, ChunkResult, ChunkSettings } from './encode-chunk.js';

/** Given to each worker when it starts: it may decode several files, one after another. */
export interface WorkerSetup extends ChunkSettings {
  parseOptions: ParseOptions;
  /** Size of the buffers results are sent in. */
  outputBytes: number;
  /** What the chunks become: JSON lines or packed records. */
  output: ChunkOutput;
}

/**
 * The file the chunks sent next are of, a chunk of whole lines to encode (its buffer is
 * transferred), or an output buffer to reuse.
 */
export type ToWorker =
  | { kind: 'file'; file: string }
  | { kind: 'chunk'; seq: number; buffer: ArrayBuffer; length: number; line: number; context: LineContext }
  | { kind: 'spare'; buffer: ArrayBuffer };

/** A chunk's result: its input buffer back, and its JSON lines in `output` (both transferred). */
export interface FromWorker extends ChunkResult {
  seq: number;
}
