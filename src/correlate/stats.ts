/**
 * Small bounded aggregates the correlator folds finished work into.
 */
import type { ContinuationRecord, MessageRecord } from '../parse/index.js';
import { type Activity, type Correlation, type EndReason, type Latency, type LoggedMessage, type Session, type TroubledClient, troubledEnds } from './types.js';

/**
 * A copy of `text` made of its own characters. Texts cut from a line share the line's memory;
 * a key kept for the whole run would keep its line too, and compare slower for being spread out.
 */
export function ownCopy(text: string): string {
  return structuredClone(text);
}

/**
 * Latency distribution: exact values while there are few distinct ones (epoch-second logs give
 * whole seconds), rounded to 2 significant digits beyond that, so memory stays flat.
 */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private coarse = false;

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const key = this.coarse ? roundTo2(ms) : ms;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total++;
    if (!this.coarse && this.counts.size > 5000) this.coarsen();
  }

  /** The distribution: `[milliseconds, flows]` pairs in ascending order. */
  distribution(): Array<[number, number]> {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
  }

  summary(): Latency {
    if (this.total === 0) return { count: 0, p50: null, p95: null, p99: null, max: null };
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    const at = (q: number): number => {
      const rank = Math.ceil(q * this.total);
      let seen = 0;
      for (const k of keys) {
        seen += this.counts.get(k) ?? 0;
        if (seen >= rank) return k;
      }
      return keys[keys.length - 1] ?? 0;
    };
    return { count: this.total, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: keys[keys.length - 1] ?? null };
  }

  private coarsen(): void {
    const old = [...this.counts];
    this.counts.clear();
    this.coarse = true;
    for (const [k, n] of old) this.counts.set(roundTo2(k), (this.counts.get(roundTo2(k)) ?? 0) + n);
  }
}

function roundTo2(ms: number): number {
  if (ms < 100) return Math.round(ms);
  const scale = 10 ** (Math.floor(Math.log10(ms)) - 1);
  return Math.round(ms / scale) * scale;
}

/** Clients the summary lists by their sessions ended in trouble. */
export const troubledClientsListed = 10;

/** Keys an {@link ActivityCounter} keeps by default. */
export const activityKeyLimit = 20_000;

/**
 * Message and byte counts per key, capped: past `limit` keys the smallest half is folded away,
 * so the top entries stay right for any realistic skew. A key folded away and seen again counts
 * from 0, so once any was ({@link capped}) the counts are lower bounds.
 */
export class ActivityCounter {
  private readonly map = new Map<string, Activity>();
  private prunes = 0;

  /** `foldCut`: keys cut short end in `…`, and {@link top} counts them under the key they start. */
  constructor(private readonly limit = activityKeyLimit, private readonly foldCut = false) {}

  /** Whether keys were folded away, so counts may be short. */
  get capped(): boolean {
    return this.prunes > 0;
  }

  add(key: string, bytes: number): void {
    const a = this.entry(key);
    a.messages++;
    a.bytes += bytes;
  }

  /** Takes one message of `bytes` back from `key`'s counts, when it still has any. */
  takeBack(key: string, bytes: number): void {
    const a = this.map.get(key);
    if (a === undefined || a.messages === 0) return;
    a.messages--;
    a.bytes -= bytes;
  }

  /**
   * The live counts of `key`, for a caller that counts into them directly. They stay live until
   * {@link generation} changes (a prune may have folded them away).
   */
  entry(key: string): Activity {
    let a = this.map.get(key);
    if (!a) {
      if (this.map.size >= this.limit) this.prune();
      a = { messages: 0, bytes: 0 };
      this.map.set(ownCopy(key), a);
    }
    return a;
  }

  /** Changes whenever entries are folded away. */
  get generation(): number {
    return this.prunes;
  }

  /**
   * The `n` keys with the most messages. With `foldCut`, a key cut short (a topic of a line the
   * broker cut) counts under a whole key it starts, else under the shortest cut key that starts
   * it: a topic longer than a line is cut at another place in each client's line.
   */
  top(n: number): Array<[string, Activity]> {
    // A key whose every message was taken back has none to list.
    const entries = (this.foldCut ? foldCutKeys(this.map) : [...this.map]).filter(([, a]) => a.messages > 0);
    return entries.sort((x, y) => y[1].messages - x[1].messages || y[1].bytes - x[1].bytes || (x[0] < y[0] ? -1 : 1)).slice(0, n);
  }

  private prune(): void {
    letGoLightestHalf(this.map, (a) => a.messages);
    this.prunes++;
  }
}

/** Lets go the half of `map`'s entries that weigh least: how a capped count keeps the ones that matter. */
function letGoLightestHalf<V>(map: Map<string, V>, weight: (value: V) => number): void {
  const sorted = [...map].sort((x, y) => weight(x[1]) - weight(y[1]));
  for (const [key] of sorted.slice(0, Math.floor(sorted.length / 2))) map.delete(key);
}

/** Cut keys folded together at most: a log with more is no log of a few long topics. */
const foldedCutKeys = 100;

/** The entries of `map` with its cut keys folded ({@link ActivityCounter.top}); the map is left as it is. */
function foldCutKeys(map: ReadonlyMap<string, Activity>): Array<[string, Activity]> {
  const cut = [...map.keys()].filter((k) => k.endsWith('…')).sort((a, b) => a.length - b.length);
  if (cut.length === 0 || cut.length > foldedCutKeys) return [...map];
  const whole = [...map.keys()].filter((k) => !k.endsWith('…'));
  const into = new Map<string, string>();
  for (const key of cut) {
    const prefix = key.slice(0, -1);
    into.set(key, whole.find((w) => w.startsWith(prefix)) ?? cut.find((c) => into.get(c) === c && prefix.startsWith(c.slice(0, -1))) ?? key);
  }
  const folded = new Map<string, Activity>();
  for (const [key, a] of map) {
    const target = into.get(key) ?? key;
    const sum = folded.get(target) ?? { messages: 0, bytes: 0 };
    folded.set(target, { messages: sum.messages + a.messages, bytes: sum.bytes + a.bytes });
  }
  return [...folded];
}

/**
 * Sessions that ended in trouble ({@link troubledEnds}), per client, capped as an
 * {@link ActivityCounter} is: past `limit` clients the half with the fewest is let go, and one
 * seen again counts from 0, so once any was ({@link capped}) the counts are lower bounds.
 */
export class TroubledClients {
  private readonly map = new Map<string, TroubledClient>();
  private prunes = 0;

  constructor(private readonly limit = activityKeyLimit) {}

  /** Counts a session's end, if it is a troubled one, and how long the session lasted (null when unknown). */
  add(client: string, reason: EndReason, durationMs: number | null): void {
    if (!troubledEnds.has(reason)) return;
    let t = this.map.get(client);
    if (t === undefined) {
      if (this.map.size >= this.limit) this.prune();
      t = { client: ownCopy(client), ends: 0, byEndReason: {}, shortestMs: null, longestMs: null };
      this.map.set(t.client, t);
    }
    t.ends++;
    t.byEndReason[reason] = (t.byEndReason[reason] ?? 0) + 1;
    if (durationMs !== null) {
      t.shortestMs = Math.min(t.shortestMs ?? durationMs, durationMs);
      t.longestMs = Math.max(t.longestMs ?? durationMs, durationMs);
    }
  }

  /** Whether clients were let go, so counts may be short. */
  get capped(): boolean {
    return this.prunes > 0;
  }

  /** The `n` clients with the most troubled ends, most first, then by id. */
  top(n: number): TroubledClient[] {
    return [...this.map.values()].sort((a, b) => b.ends - a.ends || (a.client < b.client ? -1 : 1)).slice(0, n);
  }

  private prune(): void {
    letGoLightestHalf(this.map, (t) => t.ends);
    this.prunes++;
  }
}

/** Distinct client ids counted exactly; past this the count is a lower bound (`clientsCapped`). */
export const distinctClientLimit = 200_000;

/** Sessions counted by how they ended, and the distinct clients they were of. */
export class SessionTally {
  /** Distinct client ids counted exactly, as the correlator counts them: at most `maxOpen`. */
  private readonly limit: number;

  constructor(maxOpen = Number.POSITIVE_INFINITY) {
    this.limit = Math.min(maxOpen, distinctClientLimit);
  }

  private count = 0;
  private fromConnack = 0;
  private readonly byEnd: Correlation['sessionsByEnd'] = {};
  private readonly troubled = new TroubledClients();
  private readonly clients = new Set<string>();
  private capped = false;

  add(session: Session): void {
    this.count++;
    if (session.fromConnack) this.fromConnack++;
    this.byEnd[session.endReason] = (this.byEnd[session.endReason] ?? 0) + 1;
    this.troubled.add(session.client, session.endReason, session.durationMs);
    this.addClient(session.client);
  }

  /** Counts the id of a client whose session began before the log, as the correlator counts it. */
  addClient(client: string): void {
    if (this.capped || this.clients.has(client)) return;
    if (this.clients.size >= this.limit) this.capped = true;
    else this.clients.add(client);
  }

  result(): Pick<Correlation, 'sessionCount' | 'sessionsByEnd' | 'sessionsFromConnack' | 'clients' | 'clientsCapped' | 'troubledClients' | 'troubledClientsCapped'> {
    return {
      sessionCount: this.count, sessionsByEnd: this.byEnd, sessionsFromConnack: this.fromConnack, clients: this.clients.size, clientsCapped: this.capped,
      troubledClients: this.troubled.top(troubledClientsListed), troubledClientsCapped: this.troubled.capped,
    };
  }
}

/** Values cut from a line, copied so as to hold none of its memory. */
function ownValues(params: ReadonlyArray<string | number>): Array<string | number> {
  return params.map((p) => (typeof p === 'string' ? ownCopy(p) : p));
}

/**
 * An error or a warning by the message's level, or else by its first word, as a grep for them
 * finds it: the broker logs a few of its warnings at other levels (2.0.18's `Warning: File %s has
 * world readable permissions…` at info), and prints errors on stderr before its log is open.
 */
export function errorOrWarning(r: MessageRecord): LoggedMessage['level'] | null {
  if (r.level === 'error' || r.level === 'warning') return r.level;
  if (r.format.startsWith('Error')) return 'error';
  if (r.format.startsWith('Warning')) return 'warning';
  return null;
}

/**
 * The broker's messages at error and warning level, counted by format: what `grep -c Error`
 * would be asked, with the first line of each. There are as many keys at most as formats the
 * broker has at those levels.
 */
export class LoggedMessageTally {
  private readonly byLevel = { error: new Map<string, LoggedMessage>(), warning: new Map<string, LoggedMessage>() };
  /** The first of its format, just added: the next lines of its message hold the rest of its values. */
  private first: LoggedMessage | null = null;

  /** Counts a message of `level` ({@link errorOrWarning}). */
  add(r: MessageRecord, level: LoggedMessage['level']): void {
    const byFormat = this.byLevel[level];
    const seen = byFormat.get(r.format);
    this.first = null;
    if (seen !== undefined) {
      seen.count++;
      return;
    }
    this.first = { level, format: r.format, count: 1, params: ownValues(r.params), time: r.time, at: { file: r.file, line: r.line } };
    byFormat.set(r.format, this.first);
  }

  /** A later line of a message: its values are the first message's too, when that one is kept. */
  continued(r: ContinuationRecord): void {
    const first = this.first;
    if (first === null || r.parentLine !== first.at.line || r.file !== first.at.file || r.format !== first.format) return;
    if (r.params !== undefined) first.params.push(...ownValues(r.params));
  }

  /** Errors first, then the most frequent, then the first logged. */
  result(): LoggedMessage[] {
    const order = (list: LoggedMessage[]): LoggedMessage[] => list.sort((a, b) => b.count - a.count);
    return [...order([...this.byLevel.error.values()]), ...order([...this.byLevel.warning.values()])];
  }
}
