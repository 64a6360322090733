/**
 * How many worker threads decode which files.
 */
import { availableParallelism } from 'node:os';
import type { InputSource } from '../input.js';

/** Plain files at least this large are decoded on several threads; smaller ones are not worth starting workers for. */
export const parallelMinBytes = 64 << 20;
/** Bytes read per chunk: one unit of work for a worker or the main thread. */
export const parallelChunkBytes = 1 << 18;
/**
 * What the main thread does while workers decode: write their JSON lines (`parse`), which leaves
 * it a core to share, or correlate the records, which takes a core of its own.
 */
export type MainThreadWork = 'write' | 'correlate';

/** The most worker threads by default, for each kind of work on the main thread. */
export const maxJobs: Record<MainThreadWork, number> = { write: 3, correlate: 2 };

/**
 * Workers by default. Writing leaves the main thread time to decode too: one worker a core
 * besides the main thread's. Correlating takes the main thread's core, and a worker that shares
 * the other core with it gains little for a second heap's memory: one worker a core besides two.
 * Two workers parse about as fast as the main thread correlates.
 */
export function defaultJobs(work: MainThreadWork): number {
  const cores = availableParallelism();
  return Math.max(0, Math.min(work === 'write' ? cores - 1 : cores - 2, maxJobs[work]));
}

/** Whether a source is decoded on `jobs` worker threads: a plain file large enough. */
export function decodedInParallel(source: InputSource, jobs: number): source is InputSource & { plainFile: string } {
  return jobs > 0 && source.plainFile !== null && (source.size ?? 0) >= parallelMinBytes;
}
