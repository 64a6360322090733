/**
 * Connections the broker announced (`New connection from …`) that have not become a client yet:
 * the line that connects a client, or ends a connection without one, takes its connection from
 * here by address and port (before 2.0 by address alone; `Client <unknown>` lines by neither).
 */
import type { Where } from '../parse/index.js';
import { OldestFirst } from './oldest-first.js';

/** A connection announced and waiting for its CONNECT. */
export interface PendingConnection {
  address: string;
  port: number | null;
  listenerPort: number;
  time: number | null;
  at: Where;
  /** The record it was announced in: later connections have higher numbers. */
  seq: number;
}

/**
 * How long a connection may wait for its CONNECT before it is taken to have had none. The broker
 * drops one without a CONNECT after 1.5 times its default keepalive (60 s; 2.1: 20 s): one older
 * than this is a connection whose end went to another (a `Client <unknown>` line names none).
 */
const giveUpMs = 10 * 60_000;
/** Connections announced between two sweeps of every address for connections given up. */
const sweepEvery = 4096;

/** What the waiting connections tell their owner. */
export interface PendingConnectionHooks {
  /** `p` waited too long for its CONNECT: it never sent one. */
  gaveUp(p: PendingConnection): void;
  /** `count` connections were let go, unjudged, to keep under the cap. */
  evicted(count: number): void;
}

/** The connections waiting, by address, each address's in the order they came. */
export class PendingConnections implements Iterable<PendingConnection> {
  private readonly byAddress = new Map<string, PendingConnection[]>();
  private count = 0;
  /** The connection announced last, while it waits. */
  private last: PendingConnection | null = null;
  private added = 0;
  private readonly toEvict = new OldestFirst(this.byAddress);

  /** At most `max` wait at once: past it, the addresses that waited longest are let go. */
  constructor(private readonly max: number, private readonly hooks: PendingConnectionHooks) {}

  /** How many wait. */
  get size(): number {
    return this.count;
  }

  /** Whether a connection from `address` waits. */
  has(address: string): boolean {
    return this.byAddress.has(address);
  }

  /** The connections waiting from `address`, oldest first. */
  from(address: string): readonly PendingConnection[] | undefined {
    return this.byAddress.get(address);
  }

  *[Symbol.iterator](): Iterator<PendingConnection> {
    for (const list of this.byAddress.values()) yield* list;
  }

  /** A connection was announced at `p.time`: those of its address that waited too long are given up. */
  add(p: PendingConnection): void {
    if (this.count >= this.max) {
      const oldest = this.toEvict.next();
      if (oldest) {
        const [address, list] = oldest;
        this.count -= list.length;
        this.byAddress.delete(address);
        this.hooks.evicted(list.length);
      }
    }
    const list = this.byAddress.get(p.address);
    if (list) {
      this.giveUpWaiting(list, p.time);
      list.push(p);
    } else {
      this.byAddress.set(p.address, [p]);
    }
    this.count++;
    this.last = p;
    if (++this.added % sweepEvery === 0) {
      for (const [other, waiting] of this.byAddress) {
        this.giveUpWaiting(waiting, p.time);
        if (waiting.length === 0) this.byAddress.delete(other);
      }
    }
  }

  /** Takes the connection waiting from an address (and port, when known); with no address, the newest. */
  take(address: string | null, port: number | null): PendingConnection | null {
    if (address === null) {
      // The newest connection, also when the one announced last became a client meanwhile.
      const last = this.last ?? this.newest();
      return last && this.remove(last) ? last : null;
    }
    const list = this.byAddress.get(address);
    if (!list) return null;
    const i = port === null ? 0 : list.findIndex((c) => c.port === port || c.port === null);
    const p = i >= 0 ? list.splice(i, 1)[0] : undefined;
    if (list.length === 0) this.byAddress.delete(address);
    if (!p) return null;
    this.count--;
    if (p === this.last) this.last = null;
    return p;
  }

  /** Takes this very connection if it still waits; false when it does not. */
  remove(p: PendingConnection): boolean {
    const list = this.byAddress.get(p.address);
    const i = list?.indexOf(p) ?? -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.byAddress.delete(p.address);
    this.count--;
    if (p === this.last) this.last = null;
    return true;
  }

  /** Puts a connection taken by a wrong guess back among those waiting, in the order they came. */
  restore(p: PendingConnection): void {
    const list = this.byAddress.get(p.address);
    if (!list) this.byAddress.set(p.address, [p]);
    else {
      const i = list.findIndex((c) => c.seq > p.seq);
      list.splice(i < 0 ? list.length : i, 0, p);
    }
    this.count++;
  }

  /** Takes the connection announced first, if one waits. */
  takeOldest(): PendingConnection | null {
    let oldest: PendingConnection | null = null;
    for (const list of this.byAddress.values()) {
      const p = list[0];
      if (p && (oldest === null || p.seq < oldest.seq)) oldest = p;
    }
    return oldest && this.remove(oldest) ? oldest : null;
  }

  /** The connection announced last, if one waits. */
  newest(): PendingConnection | null {
    let newest: PendingConnection | null = null;
    // Each address's list is in the order its connections came.
    for (const list of this.byAddress.values()) {
      const p = list[list.length - 1];
      if (p && (newest === null || p.seq > newest.seq)) newest = p;
    }
    return newest;
  }

  /** None waits any more (the broker restarted). */
  clear(): void {
    this.byAddress.clear();
    this.count = 0;
    this.last = null;
  }

  /**
   * Gives up the connections of one address that waited too long for their CONNECT
   * ({@link giveUpMs}): a log with many such would otherwise make each later line of the
   * address slower to match.
   */
  private giveUpWaiting(list: PendingConnection[], now: number | null): void {
    let stale = 0;
    for (const p of list) {
      if (now === null || p.time === null || now - p.time <= giveUpMs) break;
      this.hooks.gaveUp(p);
      if (p === this.last) this.last = null;
      stale++;
    }
    if (stale === 0) return;
    list.splice(0, stale);
    this.count -= stale;
  }
}
