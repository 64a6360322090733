/**
 * Progress on stderr for long reads: shown only when stderr is a terminal and the input is
 * large, redrawn at most four times a second, erased when done.
 */
import type { Io } from './io.js';

/** Inputs smaller than this finish before progress would help. */
const threshold = 50 * 1024 * 1024;

export interface Progress {
  /** Counts a line of `length` characters (about its bytes). */
  line(length: number): void;
  /** Counts `lines` lines of `bytes` bytes, read at once. */
  chunk(bytes: number, lines: number): void;
  done(): void;
}

const silent: Progress = { line: () => undefined, chunk: () => undefined, done: () => undefined };

/** A progress meter for inputs of these sizes (null: not known, as of stdin), or a silent one. */
export function createProgress(io: Io, sizes: ReadonlyArray<number | null>): Progress {
  const totalBytes = sizes.includes(null) ? null : sizes.reduce<number>((a, b) => a + (b ?? 0), 0);
  if (!io.stderrIsTTY || totalBytes === null || totalBytes < threshold) return silent;
  let bytes = 0;
  let lines = 0;
  let shown = 0;
  let drawn = false;
  const draw = (): void => {
    const now = Date.now();
    if (now - shown < 250) return;
    shown = now;
    drawn = true;
    const pct = Math.min(100, Math.floor((bytes / totalBytes) * 100));
    io.stderr.write(`\rmosqlog: reading… ${pct}% (${lines.toLocaleString('en-US')} lines)`);
  };
  return {
    line(length) {
      bytes += length + 1;
      lines++;
      if ((lines & 0xfff) === 0) draw();
    },
    chunk(chunkBytes, chunkLines) {
      bytes += chunkBytes;
      lines += chunkLines;
      draw();
    },
    done() {
      if (drawn) io.stderr.write('\r\x1b[2K');
    },
  };
}
