/**
 * A listing written in the order its items began while their texts become known in another
 * order: each is written once it and every item before it are known. The items known behind one
 * that is not wait in memory, and past a budget in a temporary file. A QoS flow held for a client
 * that is away may stay open until the log ends, and the flows begun after it are most of a log's.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An item's place: its text once known, null when it is not to be written. */
export interface Slot {
  known: boolean;
  text: string | null;
  /** Items in the text, joined by the separator. */
  items: number;
}

/** Known items moved to the temporary file, one after another: `bytes` from `offset`, each item's text after the separator. */
interface InFile {
  known: true;
  offset: number;
  bytes: number;
  items: number;
}

type Entry = Slot | InFile;

/** Where the text goes: written in order, each write waited for. */
export interface TextSink {
  write(chunk: string | Uint8Array): Promise<void>;
}

/** Characters joined into one write. */
const writeBatch = 1 << 20;
/** Entries passed before the queue is compacted: compacting costs as much as the entries held. */
const compactAfter = 1024;

/**
 * Writes items in the order of their {@link reserve}, each once it and those before it are known
 * ({@link fill}); {@link flush} writes what is ready, and {@link finish} the rest.
 */
export class OrderedOutput {
  private queue: Entry[] = [];
  private head = 0;
  /** Characters of known texts waiting in memory. */
  private waiting = 0;
  /**
   * Items known to be left out, still in the queue: with a selection most are, and behind an
   * item not known they would pile up with the log, as texts of no characters count nothing.
   */
  private leftOut = 0;
  private spill: { dir: string; fd: number; size: number } | null = null;
  /** False once no file could be made: the items then wait in memory. */
  private canMove = true;
  private count = 0;

  /**
   * `separator` goes between items (a comma in a JSON array); texts past `budget` characters
   * waiting in memory move to a file in `directory`.
   */
  constructor(
    private readonly sink: TextSink,
    private readonly separator: string,
    private readonly budget = 4 << 20,
    private readonly directory = tmpdir(),
  ) {}

  /** Items written so far. */
  get written(): number {
    return this.count;
  }

  /** Bytes moved to the temporary file so far: 0 while every item waits in memory. */
  get bytesInFile(): number {
    return this.spill?.size ?? 0;
  }

  /** The place of the next item, in the order they are written. */
  reserve(): Slot {
    const slot: Slot = { known: false, text: null, items: 1 };
    this.queue.push(slot);
    return slot;
  }

  /** The item of `slot` is known: `text` (of `items` joined by the separator), or nothing to write (null). */
  fill(slot: Slot, text: string | null, items = 1): void {
    slot.known = true;
    slot.text = text;
    slot.items = items;
    if (text !== null) this.waiting += text.length;
    else this.leftOut++;
  }

  /** Writes the items ready, in order; moves those still waiting to the file past the budget. */
  async flush(): Promise<void> {
    let batch = '';
    for (let entry = this.queue[this.head]; entry?.known === true; entry = this.queue[this.head]) {
      this.head++;
      if ('offset' in entry) {
        if (batch.length > 0) await this.sink.write(batch);
        batch = '';
        await this.writeRun(entry);
        continue;
      }
      if (entry.text === null) {
        this.leftOut--;
        continue;
      }
      this.waiting -= entry.text.length;
      batch += (this.count === 0 ? '' : this.separator) + entry.text;
      this.count += entry.items;
      if (batch.length < writeBatch) continue;
      await this.sink.write(batch);
      batch = '';
    }
    if (batch.length > 0) await this.sink.write(batch);
    if (this.head > compactAfter && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.canMove && this.waiting > this.budget) this.moveToFile();
    if (this.leftOut > compactAfter && this.leftOut * 2 > this.queue.length - this.head) this.dropLeftOut();
  }

  /** Drops the items known to be left out from the queue: they write nothing. */
  private dropLeftOut(): void {
    this.queue = this.queue.slice(this.head).filter((entry) => !entry.known || 'offset' in entry || entry.text !== null);
    this.head = 0;
    this.leftOut = 0;
  }

  /** Writes what is left, every item being known by now, and lets the file go. */
  async finish(): Promise<void> {
    try {
      for (const entry of this.queue.slice(this.head)) {
        if (!entry.known) throw new Error('OrderedOutput: an item was never known');
      }
      await this.flush();
    } finally {
      this.close();
    }
  }

  /** Lets the file go, also when the listing ends early (its reader went away). */
  close(): void {
    if (this.spill === null) return;
    closeSync(this.spill.fd);
    rmSync(this.spill.dir, { recursive: true, force: true });
    this.spill = null;
  }

  /**
   * Appends the known texts waiting to the file, each after the separator, and holds each run of
   * known items between those not known as one entry. Without a file to write, they stay.
   */
  private moveToFile(): void {
    if (this.spill === null) {
      try {
        const dir = mkdtempSync(join(this.directory, 'mosqlog-'));
        this.spill = { dir, fd: openSync(join(dir, 'held'), 'w+'), size: 0 };
        // Gone from TMPDIR at once where the system lets an open file be removed (not Windows),
        // so a run ended by a signal, which skips every finally, leaves nothing behind.
        try {
          rmSync(dir, { recursive: true, force: true });
        } catch {
          // Removed by {@link close} instead.
        }
      } catch {
        this.canMove = false;
        return;
      }
    }
    const spill = this.spill;
    const kept: Entry[] = [];
    // Texts joined into one write of the file, and their size in bytes.
    let batch: string[] = [];
    let batchLength = 0;
    let batchBytes = 0;
    const writeBatchOut = (): void => {
      const data = Buffer.from(batch.join(''));
      for (let at = 0; at < data.length;) at += writeSync(spill.fd, data, at, data.length - at, spill.size + at);
      spill.size += data.length;
      batch = [];
      batchLength = 0;
      batchBytes = 0;
    };
    let run: InFile | null = null;
    // A full disk fails a write: the items then stay in memory, as without a file, and the queue
    // as it was (the runs moved before lie in the file before any text of this move).
    try {
      for (let i = this.head; i < this.queue.length; i++) {
        const entry = this.queue[i] as Entry;
        // An item not known, or a run moved before (its texts lie earlier in the file), ends a run.
        if (!entry.known || 'offset' in entry) {
          kept.push(entry);
          run = null;
          continue;
        }
        if (entry.text === null) continue;
        if (run === null) kept.push((run = { known: true, offset: spill.size + batchBytes, bytes: 0, items: 0 }));
        const text = this.separator + entry.text;
        const bytes = Buffer.byteLength(text);
        batch.push(text);
        batchLength += text.length;
        batchBytes += bytes;
        run.bytes += bytes;
        run.items += entry.items;
        if (batchLength >= writeBatch) writeBatchOut();
      }
      writeBatchOut();
    } catch {
      this.canMove = false;
      return;
    }
    this.queue = kept;
    this.head = 0;
    this.waiting = 0;
    this.leftOut = 0;
  }

  /** Copies a run from the file to the sink; the first item written has no separator before it. */
  private async writeRun(run: InFile): Promise<void> {
    if (run.items === 0 || this.spill === null) return;
    let offset = run.offset;
    let left = run.bytes;
    if (this.count === 0) {
      const skip = Buffer.byteLength(this.separator);
      offset += skip;
      left -= skip;
    }
    while (left > 0) {
      const chunk = Buffer.allocUnsafe(Math.min(left, writeBatch));
      const read = readSync(this.spill.fd, chunk, 0, chunk.length, offset);
      if (read === 0) throw new Error('OrderedOutput: the held items were cut short');
      await this.sink.write(chunk.subarray(0, read));
      offset += read;
      left -= read;
    }
    this.count += run.items;
  }
}
