/**
 * How many worker threads decode which files.
 */
import { availableParallelism } from 'node:os';
import type { InputSource } from '../input.js';

/** Plain files at least this large are decoded on several threads; smaller ones are not worth starting workers for. */
export const parallelMinBytes = 64 << 20;
/** Bytes read per chunk: one unit of work for a worker or the main thread. */
export const parallelChunkBytes = 1 << 18;
/** The most worker threads. */
export const maxJobs = 3;

/** Workers by default: one a core besides the main thread's, up to {@link maxJobs}; none on a single core. */
export function defaultJobs(): number {
  return Math.min(availableParallelism() - 1, maxJobs);
}

/** Whether a source is decoded on `jobs` worker threads: a plain file large enough. */
export function decodedInParallel(source: InputSource, jobs: number): source is InputSource & { plainFile: string } {
  return jobs > 0 && source.plainFile !== null && (source.size ?? 0) >= parallelMinBytes;
}
