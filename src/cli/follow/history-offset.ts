/**
 * Where the last N lines of a file begin, found the way `tail -n` does: by reading backwards
 * from the end, so a large log is not read twice.
 */
import type { FileHandle } from 'node:fs/promises';

const blockSize = 1 << 16;
const newline = 0x0a;

/**
 * The byte offset at which the last `lines` lines of the first `size` bytes begin. A last line
 * without its newline counts as a line; with `lines` 0 the offset is the end of the last whole
 * line (a partial last line is still to come). Returns 0 when the file has fewer lines.
 */
export async function lastLinesOffset(handle: FileHandle, size: number, lines: number): Promise<number> {
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  const endsWithNewline = last[0] === newline;
  if (lines === 0 && endsWithNewline) return size;
  // Newlines to find, scanning back from before the one that ends the file.
  let wanted = Math.max(1, lines);
  let end = endsWithNewline ? size - 1 : size;
  const block = Buffer.allocUnsafe(blockSize);
  while (end > 0) {
    const start = Math.max(0, end - blockSize);
    const { bytesRead } = await handle.read(block, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (block[i] === newline && --wanted === 0) return start + i + 1;
    }
    end = start;
  }
  return 0;
}
