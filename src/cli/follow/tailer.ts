/**
 * Following a log file the way `tail -F` should: across rename-and-recreate rotation (the old
 * file is drained to its end before the new one is read from its start), `copytruncate` (the
 * shrink is seen, the missed end is read from the copy, reading starts again at 0), deletion and
 * re-creation, and a file that is not there yet. Rotation is recognised by device and inode.
 * What is read from a file after it was renamed, or from the copy, comes in a segment of its
 * own that names where those lines now are.
 * File I/O lives here, in the CLI layer; lines and records are the caller's business.
 */
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ChangeWaiter } from './change-waiter.js';
import { type FileIdentity, type RotatedCopy, findCompressedSince, findRenamed, findRotatedBetween, findRotatedCopy, pathOfOpenFile } from './copy-recovery.js';
import { lastLinesOffset } from './history-offset.js';
import { openNamedPipe, streamSegment } from './stream-source.js';

/**
 * A stretch of input read in one go. Consume each segment's `chunks` to the end before asking
 * for the next segment.
 */
export interface TailSegment {
  /** Line numbering starts again: a new file, or the same file read again from its start. */
  restart: boolean;
  /** Lines that were in the file before following began (all but the last N). */
  history: boolean;
  /**
   * Where the lines of this segment are now, when the followed path no longer names their file:
   * the name a rotated log was given, or the copy `copytruncate` made. Their numbering goes on
   * from the segment before.
   */
  renamed?: string;
  chunks: AsyncIterable<Buffer>;
}

/** Something the user should hear about on stderr. */
export type TailNotice =
  | { code: 'waiting'; path: string }
  | { code: 'appeared'; path: string }
  | { code: 'deleted'; path: string }
  | { code: 'rotated'; path: string }
  /** Rotated again before the old file was read to its end: `file` was rotated in between, and is read too. */
  | { code: 'rotated-between'; path: string; file: string }
  | { code: 'truncated'; path: string; copy: string | null; recoveredBytes: number }
  /** Rotated while follow was behind and compressed before it was read: `file`'s lines are not read. */
  | { code: 'compressed-skipped'; path: string; file: string }
  | { code: 'unreadable'; path: string; reason: string };

/** Where to begin in a file that is there at start. */
export type TailStart = 'start' | { lastLines: number };

/** How to follow. */
export interface TailOptions {
  start: TailStart;
  /** Ends the follow: reading stops, open files are closed. */
  signal?: AbortSignal | undefined;
  /** Longest time between two looks at the file when no watcher event comes (default 200 ms). */
  pollMs?: number;
  /** Bytes per read (default 64 KiB). */
  chunkSize?: number;
  onNotice?: (notice: TailNotice) => void;
}

interface OpenFile extends FileIdentity {
  handle: FileHandle;
  offset: number;
  /** The last bytes read, to tell a file truncated and written again from one that grew, and to know its copy. */
  tail: Buffer;
  /** Whether the path was seen to name another file, or none, since this one was opened. */
  moved: boolean;
  /** When bytes were last read from it (epoch ms; 0 before any). */
  readAt: number;
}

type Change =
  | { kind: 'same' }
  | { kind: 'grown' }
  // The path names another file or none, and where this one went is still to be looked up.
  | { kind: 'moved' }
  | { kind: 'truncated' }
  | { kind: 'pending'; notice: TailNotice | null }
  | { kind: 'replaced'; file: OpenFile }
  // The path names a named pipe now: it is read as it comes.
  | { kind: 'piped' };

/** Bytes compared, before each read, with the last ones read: a file truncated and written again differs there. */
const checkLength = 64;
/** Bytes kept of the last read: enough to know a copy made a little before the last lines were read (copytruncate). */
const keptLength = 64 * 1024;
/** How long the name must stay missing before the user is told. */
const missingNoticeMs = 1000;
const empty = Buffer.alloc(0);

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function keepTail(previous: Buffer, chunk: Buffer): Buffer {
  if (chunk.length >= keptLength) return Buffer.from(chunk.subarray(chunk.length - keptLength));
  return Buffer.concat([previous.subarray(Math.max(0, previous.length + chunk.length - keptLength)), chunk]);
}

/** Follows one path; see the module comment for what it survives. */
export class FileTailer {
  private readonly dir: string;
  private readonly base: string;
  private readonly pollMs: number;
  private readonly chunkSize: number;
  private readonly handles = new Set<FileHandle>();
  /** The segments that go on from the current one, queued when it ends. */
  private readonly queued: TailSegment[] = [];
  /** The notice in force, so a state is announced once. */
  private announced: TailNotice['code'] | null = null;
  /** The path was said to be gone since the file followed was opened: a new file there appeared, it was not rotated in. */
  private saidGone = false;
  /** When the name was first found missing while following. */
  private missingSince: number | null = null;

  constructor(private readonly path: string, private readonly options: TailOptions) {
    this.dir = dirname(path);
    this.base = basename(path);
    this.pollMs = options.pollMs ?? 200;
    this.chunkSize = options.chunkSize ?? 1 << 16;
  }

  /**
   * Yields the file's contents as segments until the signal aborts. Throws for a path that
   * cannot be read at start for a reason other than not existing. Every watcher, timer and
   * file handle is released when the generator ends, however it ends.
   */
  async *segments(): AsyncGenerator<TailSegment> {
    const waiter = new ChangeWaiter(this.dir, { pollMs: this.pollMs, signal: this.options.signal, namePrefix: this.base });
    try {
      const first = await this.openWhenPresent(waiter);
      if (!first) return;
      if (first.pipe) {
        // A named pipe that appeared where the log was waited for.
        yield streamSegment(openNamedPipe(this.path), this.options.signal);
        return;
      }
      const file = first.file;
      let restart = true;
      const start = this.options.start;
      if (first.existed && start !== 'start') {
        const liveFrom = await lastLinesOffset(file.handle, first.size, start.lastLines);
        if (liveFrom > 0) {
          yield { restart, history: true, chunks: this.readAvailable(file, liveFrom) };
          if (this.aborted) return;
          restart = false;
        }
      }
      // Each segment, read to its end, has queued the ones that go on from it.
      for (let segment: TailSegment | undefined = { restart, history: false, chunks: this.follow(file, waiter) }; segment; segment = this.queued.shift()) {
        yield segment;
      }
    } finally {
      waiter.close();
      for (const handle of this.handles) await handle.close().catch(() => undefined);
      this.handles.clear();
    }
  }

  private get aborted(): boolean {
    return this.options.signal?.aborted === true;
  }

  private announce(notice: TailNotice | null): void {
    if (notice === null || notice.code === this.announced) return;
    if (notice.code === 'deleted') this.saidGone = true;
    this.announced = notice.code;
    this.options.onNotice?.(notice);
  }

  /**
   * Opens the path; `pipe` when it names a named pipe, which is then closed again for the caller
   * to read as a stream. Opened without blocking: a pipe with no writer yet would hold the open.
   */
  private async openFile(): Promise<{ pipe: false; file: OpenFile; size: number } | { pipe: true }> {
    const handle = await open(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
    this.handles.add(handle);
    try {
      const info = await handle.stat();
      if (info.isDirectory()) throw Object.assign(new Error(`${this.path}: is a directory`), { code: 'EISDIR' });
      if (info.isFIFO()) {
        await this.closeFile(handle);
        return { pipe: true };
      }
      return { pipe: false, file: { handle, dev: info.dev, ino: info.ino, offset: 0, tail: Buffer.alloc(0), moved: false, readAt: 0 }, size: info.size };
    } catch (error) {
      await this.closeFile(handle);
      throw error;
    }
  }

  private async closeFile(handle: FileHandle): Promise<void> {
    this.handles.delete(handle);
    await handle.close().catch(() => undefined);
  }

  /** Opens the path, waiting while it does not exist. Null when aborted first. */
  private async openWhenPresent(waiter: ChangeWaiter): Promise<(({ pipe: false; file: OpenFile; size: number } | { pipe: true }) & { existed: boolean }) | null> {
    let waited = false;
    for (;;) {
      waiter.arm();
      try {
        const opened = await this.openFile();
        if (waited) this.announce({ code: 'appeared', path: this.path });
        return { ...opened, existed: !waited };
      } catch (error) {
        const code = errorCode(error);
        // A file that appears while waited for may not be readable yet (the broker makes its log
        // 0600 before a chmod, or `follow` runs as another user): said, and waited for as later.
        if (waited && (code === 'EACCES' || code === 'EPERM')) this.announce({ code: 'unreadable', path: this.path, reason: code });
        else if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      }
      if (!waited) this.announce({ code: 'waiting', path: this.path });
      waited = true;
      await waiter.wait();
      if (this.aborted) return null;
    }
  }

  /**
   * Reads from the file's offset up to `until` or its current end, stopping early on abort.
   * With `verify`, each read starts with the last bytes already read and checks they are still
   * there, in the same system call: a file truncated and written again is caught before any of
   * its new bytes are taken for the old file's continuation. Returns `truncated` then.
   */
  private async *readAvailable(file: OpenFile, until = Number.POSITIVE_INFINITY, verify = false): AsyncGenerator<Buffer, 'end' | 'truncated'> {
    while (!this.aborted) {
      const want = Math.min(this.chunkSize, until - file.offset);
      if (want <= 0) return 'end';
      const check = verify ? file.tail.subarray(Math.max(0, file.tail.length - checkLength)) : empty;
      const buffer = Buffer.allocUnsafe(check.length + want);
      const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, file.offset - check.length);
      if (bytesRead < check.length || !buffer.subarray(0, check.length).equals(check)) return 'truncated';
      if (bytesRead === check.length) return 'end';
      const chunk = buffer.subarray(check.length, bytesRead);
      file.offset += chunk.length;
      file.readAt = Date.now();
      file.tail = keepTail(file.tail, chunk);
      yield chunk;
    }
    return 'end';
  }

  /**
   * Reads one file until it is replaced, renamed, truncated (then the segments that go on are
   * queued) or the signal aborts.
   */
  private async *follow(file: OpenFile, waiter: ChangeWaiter): AsyncGenerator<Buffer> {
    for (;;) {
      waiter.arm();
      // Looked at before each read: whatever is read once the file has a new name is under it.
      if (!file.moved && await this.nameMoved(file)) {
        file.moved = true;
        const renamed = (await findRenamed(this.dir, this.base, file)) ?? (await pathOfOpenFile(file.handle));
        if (renamed !== null) {
          this.queued.push({ restart: false, history: false, renamed, chunks: this.follow(file, waiter) });
          return;
        }
      }
      const end = yield* this.readAvailable(file, Number.POSITIVE_INFINITY, true);
      if (this.aborted) return;
      const change: Change = end === 'truncated' ? { kind: 'truncated' } : await this.inspect(file);
      switch (change.kind) {
        case 'grown':
        case 'moved':
          continue;
        case 'same':
          await waiter.wait();
          continue;
        case 'pending':
          this.announce(change.notice);
          await waiter.wait();
          continue;
        case 'truncated': {
          const copy = await findRotatedCopy(this.dir, this.base, file, file.offset, file.tail);
          if (copy) {
            // Held from here: closed with the rest if the follow ends before the copy is read.
            this.handles.add(copy.handle);
            const copied = await copy.handle.stat();
            if (copy.size > file.offset) {
              this.queued.push({ restart: false, history: false, renamed: copy.path, chunks: this.readCopy(copy, file.offset, file.tail) });
            } else {
              // Copied when all of it had been read: nothing was missed.
              await this.closeFile(copy.handle);
              this.announceTruncation({ copy: copy.path, recoveredBytes: 0 });
            }
            // Copied and truncated again while behind: the copies made since come next, whole.
            this.queueBetween(await findRotatedBetween([this.dir], this.base, copied, file, copied.mtimeMs));
          } else {
            this.announceTruncation({ copy: null, recoveredBytes: 0 });
            // The copy may have been compressed before it was looked for; copies made after it
            // while behind come next, whole.
            await this.announceCompressed(file.readAt, file.offset);
            this.queueBetween(await findRotatedBetween([this.dir], this.base, file, file, file.readAt));
          }
          file.offset = 0;
          file.tail = Buffer.alloc(0);
          this.queued.push({ restart: true, history: false, chunks: this.follow(file, waiter) });
          return;
        }
        case 'piped':
        case 'replaced': {
          // The writer has moved to the new file, so the old one is complete: drain it, then switch.
          yield* this.readAvailable(file, Number.POSITIVE_INFINITY, true);
          const lastWrite = (await file.handle.stat()).mtimeMs;
          // Moved to another directory (logrotate `olddir`): the files rotated in between are there.
          const movedTo = await pathOfOpenFile(file.handle);
          await this.closeFile(file.handle);
          this.announce({ code: this.saidGone ? 'appeared' : 'rotated', path: this.path });
          this.announced = null;
          this.saidGone = false;
          const dirs = movedTo === null || resolve(dirname(movedTo)) === resolve(this.dir) ? [this.dir] : [this.dir, dirname(movedTo)];
          // Rotated more than once while behind: the files rotated in between come first, whole.
          const current = change.kind === 'replaced' ? change.file : file;
          this.queueBetween(await findRotatedBetween(dirs, this.base, file, current, lastWrite));
          await this.announceCompressed(lastWrite, 0, dirs);
          if (change.kind === 'replaced') this.queued.push({ restart: true, history: false, chunks: this.follow(change.file, waiter) });
          else this.queued.push(streamSegment(openNamedPipe(this.path), this.options.signal));
          return;
        }
      }
    }
  }

  /**
   * Says which rotations written to after `after`, and longer than the `read` bytes read of the
   * file they were, were compressed before they could be read.
   */
  private async announceCompressed(after: number, read = 0, dirs = [this.dir]): Promise<void> {
    for (const file of await findCompressedSince(dirs, this.base, after, read)) {
      this.announced = null;
      this.announce({ code: 'compressed-skipped', path: this.path, file });
    }
    this.announced = null;
  }

  /** Queues files rotated in between, each to be read whole. */
  private queueBetween(files: readonly RotatedCopy[]): void {
    for (const between of files) {
      this.handles.add(between.handle);
      this.queued.push({ restart: true, history: false, renamed: between.path, chunks: this.readBetween(between) });
    }
  }

  private announceTruncation(recovered: { copy: string | null; recoveredBytes: number }): void {
    this.announced = null;
    this.announce({ code: 'truncated', path: this.path, ...recovered });
    this.announced = null;
  }

  /** Whether the path no longer names `file`: renamed, deleted, or replaced by another file. */
  private async nameMoved(file: OpenFile): Promise<boolean> {
    try {
      const named = await stat(this.path);
      return named.ino !== file.ino || named.dev !== file.dev;
    } catch (error) {
      const code = errorCode(error);
      return code === 'ENOENT' || code === 'ENOTDIR';
    }
  }

  /** What happened to the file and to its name since the last look, all reads done. */
  private async inspect(file: OpenFile): Promise<Change> {
    const own = await file.handle.stat();
    if (own.size < file.offset) return { kind: 'truncated' };
    // Grown since the read that found the end; the next read checks it is still the same file.
    if (own.size > file.offset) return { kind: 'grown' };
    let named;
    try {
      named = await stat(this.path);
      this.missingSince = null;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        // Rotation leaves the name missing for a moment between rename and create: only a
        // name gone for longer is worth a notice.
        if (!file.moved) return { kind: 'moved' };
        this.missingSince ??= Date.now();
        const missing = Date.now() - this.missingSince >= missingNoticeMs;
        return { kind: 'pending', notice: missing ? { code: 'deleted', path: this.path } : null };
      }
      return { kind: 'pending', notice: { code: 'unreadable', path: this.path, reason: code ?? String(error) } };
    }
    if (named.ino === file.ino && named.dev === file.dev) {
      if (this.announced === 'unreadable') this.announced = null;
      return { kind: 'same' };
    }
    if (!file.moved) return { kind: 'moved' };
    if (named.isFIFO()) return { kind: 'piped' };
    // A new, still empty file (logrotate `create`): the writer may not have reopened yet, so the
    // old file can still grow. Keep reading it until the new one has something in it.
    if (named.size === 0) return { kind: 'pending', notice: null };
    try {
      const next = await this.openFile();
      return next.pipe ? { kind: 'piped' } : { kind: 'replaced', file: next.file };
    } catch (error) {
      return { kind: 'pending', notice: { code: 'unreadable', path: this.path, reason: errorCode(error) ?? String(error) } };
    }
  }

  /** A file rotated in between, said, then read whole. */
  private async *readBetween(between: RotatedCopy): AsyncGenerator<Buffer> {
    this.announce({ code: 'rotated-between', path: this.path, file: between.path });
    this.announced = null;
    const whole: OpenFile = { handle: between.handle, dev: 0, ino: 0, offset: 0, tail: empty, moved: false, readAt: 0 };
    try {
      yield* this.readAvailable(whole, between.size);
    } finally {
      await this.closeFile(between.handle);
    }
  }

  /** After a truncation: the bytes the copy has beyond `from`, where reading had got to, then the notice. */
  private async *readCopy(copy: RotatedCopy, from: number, tail: Buffer): AsyncGenerator<Buffer> {
    const copied: OpenFile = { handle: copy.handle, dev: 0, ino: 0, offset: from, tail, moved: false, readAt: 0 };
    try {
      yield* this.readAvailable(copied, copy.size);
    } finally {
      await this.closeFile(copy.handle);
    }
    this.announceTruncation({ copy: copy.path, recoveredBytes: copied.offset - from });
  }
}
