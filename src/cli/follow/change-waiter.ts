/**
 * Waiting for a followed file to change: an `fs.watch` on its directory for promptness, a
 * periodic wake-up as the fallback (watchers miss events on network and some overlay file
 * systems), and the abort signal. Watching the directory, not the file, also sees the name being
 * created, renamed or deleted, and writes to the old file after a rename in the same directory.
 */
import { type FSWatcher, watch } from 'node:fs';

/** How a {@link ChangeWaiter} is set up. */
export interface ChangeWaiterOptions {
  /** Longest wait without an event, in milliseconds. */
  pollMs: number;
  signal?: AbortSignal | undefined;
  /**
   * Only names that start with this wake the owner (the log and its rotations): a busy file
   * beside it costs nothing. Events that name no file always wake it.
   */
  namePrefix?: string;
}

/**
 * Wakes its owner when something in a directory may have changed. Call {@link arm} before
 * looking at the file and {@link wait} after: an event that arrives in between is not lost.
 * {@link close} releases the watcher, the timer and the abort listener; nothing else is left.
 */
export class ChangeWaiter {
  private watcher: FSWatcher | null = null;
  private changed = false;
  private wake: (() => void) | null = null;
  private closed = false;
  private readonly onAbort = (): void => this.notify();

  constructor(private readonly dir: string, private readonly options: ChangeWaiterOptions) {
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.startWatching();
  }

  /** True while the directory has a working watcher (false: polling only). */
  get watching(): boolean {
    return this.watcher !== null;
  }

  /** Forgets earlier events: the caller is about to look at the file. */
  arm(): void {
    this.changed = false;
  }

  /**
   * Resolves on the next change since {@link arm}, on abort, or after `pollMs`, whichever
   * comes first; at once when one of them already happened.
   */
  wait(): Promise<void> {
    if (this.changed || this.closed || this.options.signal?.aborted) return Promise.resolve();
    if (!this.watcher) this.startWatching();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.notify(), this.options.pollMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Stops watching; a pending {@link wait} resolves. Safe to call twice. */
  close(): void {
    this.closed = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.watcher?.close();
    this.watcher = null;
    this.notify();
  }

  private notify(): void {
    this.changed = true;
    this.wake?.();
  }

  private startWatching(): void {
    if (this.closed) return;
    try {
      const prefix = this.options.namePrefix;
      const watcher = watch(this.dir, { persistent: true }, (_event, name) => {
        if (prefix === undefined || name === null || String(name).startsWith(prefix)) this.notify();
      });
      // A watcher that fails later (directory removed) hands over to polling, retried on each wait.
      watcher.on('error', () => {
        watcher.close();
        if (this.watcher === watcher) this.watcher = null;
        this.notify();
      });
      this.watcher = watcher;
    } catch {
      this.watcher = null;
    }
  }
}
