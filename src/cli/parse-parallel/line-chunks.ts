/**
 * A plain file read in chunks of whole lines, into buffers that are handed back and used again.
 */
import type { FileHandle } from 'node:fs/promises';
import { overlongHeadLength } from '../../parse/index.js';

/** Whole lines of the file (the last chunk's last line may lack its newline). */
export interface LineChunk {
  /** Holds the chunk's bytes from offset 0; goes back through {@link LineChunks.giveBack}. */
  buffer: ArrayBuffer;
  length: number;
  /** The number of the chunk's first line. */
  line: number;
}

/**
 * Reads a file as chunks of about `chunkBytes` that end at a newline. A line longer than
 * `maxLength` is cut: only enough of it is kept to be read as the same `too-long` record, so
 * no line needs more memory than that.
 */
export class LineChunks {
  private readonly spare: ArrayBuffer[] = [];
  /** The start of the line the last chunk ended in. */
  private readonly carry: Buffer;
  private carryLength = 0;
  /** Inside a line already cut to {@link kept} bytes: the rest up to its newline is dropped. */
  private skipping = false;
  private position = 0;
  private nextLine = 1;
  private ended = false;
  /** Bytes kept of an over-long line: still over the limit, with all of its head. */
  private readonly kept: number;
  private readonly capacity: number;

  constructor(private readonly file: FileHandle, private readonly chunkBytes: number, maxLength: number) {
    this.kept = Math.max(maxLength + 1, overlongHeadLength);
    this.carry = Buffer.allocUnsafe(this.kept);
    this.capacity = chunkBytes + this.kept;
  }

  /** A chunk's buffer the caller is done with. */
  giveBack(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.capacity) this.spare.push(buffer);
  }

  /** The next chunk, or null at the end of the file. */
  async next(): Promise<LineChunk | null> {
    while (!this.ended) {
      const buffer = this.spare.pop() ?? new ArrayBuffer(this.capacity);
      const bytes = new Uint8Array(buffer);
      bytes.set(this.carry.subarray(0, this.carryLength));
      const carried = this.carryLength;
      const { bytesRead } = await this.file.read(bytes, carried, this.chunkBytes, this.position);
      this.position += bytesRead;
      let length = carried + bytesRead;
      if (bytesRead === 0) {
        this.ended = true;
        this.carryLength = 0;
        if (length > 0) return this.chunk(buffer, length);
        this.giveBack(buffer);
        return null;
      }
      if (this.skipping) {
        const newline = bytes.subarray(0, length).indexOf(10, carried);
        if (newline < 0) {
          this.giveBack(buffer);
          continue;
        }
        bytes.copyWithin(carried, newline, length);
        length -= newline - carried;
        this.skipping = false;
      }
      const end = bytes.subarray(0, length).lastIndexOf(10) + 1;
      this.keepRest(bytes.subarray(end, length));
      if (end > 0) return this.chunk(buffer, end);
      this.giveBack(buffer);
    }
    return null;
  }

  /** Keeps the unfinished line for the next chunk, cut when it is already too long. */
  private keepRest(rest: Uint8Array): void {
    if (rest.length > this.kept) {
      rest = rest.subarray(0, this.kept);
      this.skipping = true;
    }
    this.carry.set(rest);
    this.carryLength = rest.length;
  }

  /** A chunk, and the number of the line after it (the last chunk needs none). */
  private chunk(buffer: ArrayBuffer, length: number): LineChunk {
    const chunk = { buffer, length, line: this.nextLine };
    // A Buffer's indexOf searches several times faster than a Uint8Array's.
    const bytes = Buffer.from(buffer, 0, length);
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) this.nextLine++;
    return chunk;
  }
}
