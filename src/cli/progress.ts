/**
 * Progress on stderr for long reads: shown only when stderr is a terminal and the input is
 * large, or of a size not known (stdin, a pipe) and read for a while; redrawn at most four
 * times a second, erased when done.
 */
import { formatCount } from '../report/text.js';
import type { InputSource } from './input.js';
import type { Io } from './io.js';

/** Inputs smaller than this finish before progress would help. */
const threshold = 50 * 1024 * 1024;
/** An input of a size not known shows progress once it has been read this long. */
const unsizedAfterMs = 2000;

/** Told of what is read as it is read; {@link Progress.done} erases what it drew. Never throws. */
export interface Progress {
  /** Counts a line of `length` characters (about its bytes). */
  line(length: number): void;
  /** Counts `lines` lines of `bytes` bytes, read at once. */
  chunk(bytes: number, lines: number): void;
  done(): void;
}

/** Progress that shows nothing. */
export const noProgress: Progress = { line: () => undefined, chunk: () => undefined, done: () => undefined };

/**
 * A progress meter for reading these inputs (a size of null is not known, as of stdin), or
 * {@link noProgress}. Stdin typed at a terminal gets none: its reader is the one typing.
 */
export function createProgress(io: Io, sources: ReadonlyArray<Pick<InputSource, 'name' | 'size'>>): Progress {
  const sizes = sources.map((s) => s.size);
  const totalBytes = sizes.includes(null) ? null : sizes.reduce<number>((a, b) => a + (b ?? 0), 0);
  const typed = sources.some((s) => s.name === '-') && (io.stdin as { isTTY?: boolean }).isTTY === true;
  if (!io.stderrIsTTY || typed || (totalBytes !== null && totalBytes < threshold)) return noProgress;
  const started = io.now().getTime();
  let bytes = 0;
  let lines = 0;
  let shown = 0;
  let drawn = false;
  const draw = (): void => {
    const now = io.now().getTime();
    if (now - shown < 250 || (totalBytes === null && now - started < unsizedAfterMs)) return;
    shown = now;
    drawn = true;
    const count = `${formatCount(lines)} lines`;
    io.stderr.write(totalBytes === null
      ? `\rmosqlog: reading… ${count}, ${(bytes / 1048576).toFixed(0)} MiB`
      : `\rmosqlog: reading… ${Math.min(100, Math.floor((bytes / totalBytes) * 100))}% (${count})`);
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
