/**
 * Finding where a rotated log went. logrotate either renames the log, which keeps its device and
 * inode, or copies it and then truncates it in place (`copytruncate`): lines the broker wrote
 * after our last read but before the truncation are only in the copy. The copy is recognised by
 * content: it holds, at the offset we had reached, the same bytes we read last.
 */
import { type FileHandle, open, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Rotation, isRotation, olderFirst, rotationOf } from '../rotation.js';

/** The identity of a file: device and inode. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

/** A rotated copy that continues where the truncated file left off. */
export interface RotatedCopy {
  path: string;
  handle: FileHandle;
  /** Its size when it was found: read from our offset up to here. */
  size: number;
}

/** The names in `dir` that are `base` + something (`mosquitto.log.1`, `mosquitto.log-20240101`), sorted. */
async function rotatedNames(dir: string, base: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name !== base && name.startsWith(base)).sort();
  } catch {
    return [];
  }
}

/** {@link rotatedNames} of each directory, as paths. */
async function rotatedPaths(dirs: readonly string[], base: string): Promise<Array<{ name: string; path: string }>> {
  const found = [];
  for (const dir of dirs) for (const name of await rotatedNames(dir, base)) found.push({ name, path: join(dir, name) });
  return found;
}

/** The path of the file in `dir` named `base` + something that is `self`, or null. */
export async function findRenamed(dir: string, base: string, self: FileIdentity): Promise<string | null> {
  for (const name of await rotatedNames(dir, base)) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info?.isFile() && info.ino === self.ino && info.dev === self.dev) return path;
  }
  return null;
}

/**
 * Where an open file is now, when it was moved out of its directory (logrotate `olddir`): the
 * path Linux gives for the descriptor; null elsewhere, or when the file was deleted.
 */
export async function pathOfOpenFile(handle: FileHandle): Promise<string | null> {
  try {
    const path = await readlink(`/proc/self/fd/${handle.fd}`);
    return path.startsWith('/') && !path.endsWith(' (deleted)') ? path : null;
  } catch {
    return null;
  }
}

/** True when `handle` holds `expected` just before `offset`. */
async function bytesMatch(handle: FileHandle, offset: number, expected: Buffer): Promise<boolean> {
  if (expected.length === 0) return true;
  if (offset < expected.length) return false;
  const actual = Buffer.alloc(expected.length);
  const { bytesRead } = await handle.read(actual, 0, expected.length, offset - expected.length);
  return bytesRead === expected.length && actual.equals(expected);
}

/** Bytes of a candidate copy compared with those read at the same place. */
const comparedLength = 64;

/**
 * True when the file `handle`, of `size` bytes, holds the bytes read before where it ends or
 * `offset`, whichever comes first; `tail` is the last bytes read, up to `offset`.
 */
async function holdsAsRead(handle: FileHandle, size: number, offset: number, tail: Buffer): Promise<boolean> {
  const end = Math.min(size, offset);
  const tailStart = offset - tail.length;
  if (end - tailStart < Math.min(comparedLength, end) || end === 0) return false;
  return bytesMatch(handle, end, tail.subarray(Math.max(0, end - tailStart - comparedLength), end - tailStart));
}

/**
 * Looks in `dir` for a regular file named `base` + something, other than `self`, that holds the
 * bytes read before `offset` (`tail` is the last of them), or, shorter, the bytes read before
 * its end: a copy made before reading got to `offset`, which holds nothing missed. Returns it
 * opened, or null. A copy that ends at `offset` or before holds nothing missed, but copies made
 * after it may. Compressed copies never match.
 */
export async function findRotatedCopy(dir: string, base: string, self: FileIdentity, offset: number, tail: Buffer): Promise<RotatedCopy | null> {
  if (tail.length === 0) return null;
  for (const name of await rotatedNames(dir, base)) {
    const path = join(dir, name);
    try {
      const info = await stat(path);
      if (!info.isFile() || (info.ino === self.ino && info.dev === self.dev)) continue;
      const handle = await open(path, 'r');
      if (await holdsAsRead(handle, info.size, offset, tail)) return { path, handle, size: info.size };
      await handle.close();
    } catch {
      // Gone or unreadable: not the copy.
    }
  }
  return null;
}

/**
 * The size a gzip file says its text has (its last four bytes: the size modulo 2^32), or null
 * when it cannot be read.
 */
async function gzipTextSize(path: string, size: number): Promise<number | null> {
  if (size < 18) return null;
  try {
    const handle = await open(path, 'r');
    try {
      const trailer = Buffer.alloc(4);
      const { bytesRead } = await handle.read(trailer, 0, 4, size - 4);
      return bytesRead === 4 ? trailer.readUInt32LE(0) : null;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/**
 * Compressed rotations of `base` in `dirs` written to after `after` (gzip keeps the time of the
 * file it compressed) whose text is longer than `read` bytes: rotated while follow was behind,
 * and compressed before it got to them. Follow reads plain text only, so lines of theirs were
 * missed; their paths, for a notice.
 */
export async function findCompressedSince(dirs: readonly string[], base: string, after: number, read = 0): Promise<string[]> {
  const found: string[] = [];
  for (const { name, path } of await rotatedPaths(dirs, base)) {
    const rotation = rotationOf(name);
    if (rotation.base !== base || !isRotation(rotation) || !rotation.compressed) continue;
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || info.mtimeMs <= after) continue;
    // A size past 4 GiB wraps around: such a copy counts as longer.
    const text = name.endsWith('.gz') ? await gzipTextSize(path, info.size) : null;
    if (text === null || text > read || info.size > 2 ** 32) found.push(path);
  }
  return found;
}

/**
 * The logs of rotations in between, when the log was rotated again before the old file was read
 * to its end: plain rotations of `base` in `dirs` (`log.1`, `log-20240102`; the log's own
 * directory, and the one it was moved to), other than `old` and `current`, written to no earlier
 * than the old file was (`after`, its last modification; file times may not tell writes a moment
 * apart). Opened, oldest first (by their names when the times tie).
 */
export async function findRotatedBetween(dirs: readonly string[], base: string, old: FileIdentity, current: FileIdentity, after: number): Promise<RotatedCopy[]> {
  const found: Array<RotatedCopy & { mtimeMs: number; rotation: Rotation }> = [];
  for (const { name, path } of await rotatedPaths(dirs, base)) {
    // Plain rotations of the log only: not `log.state`, nor compressed ones (follow reads text).
    const rotation = rotationOf(name);
    if (rotation.base !== base || !isRotation(rotation) || rotation.compressed) continue;
    try {
      const info = await stat(path);
      const known = (info.ino === old.ino && info.dev === old.dev) || (info.ino === current.ino && info.dev === current.dev);
      if (!info.isFile() || known || info.mtimeMs < after) continue;
      found.push({ path, handle: await open(path, 'r'), size: info.size, mtimeMs: info.mtimeMs, rotation });
    } catch {
      // Gone or unreadable: nothing to read.
    }
  }
  return found.sort((a, b) => a.mtimeMs - b.mtimeMs || olderFirst(a.rotation, b.rotation)).map(({ path, handle, size }) => ({ path, handle, size }));
}
