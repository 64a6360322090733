/**
 * Selecting part of a correlation: by client id glob, MQTT topic filter and time window.
 * Selection happens after correlation, so a flow or session is judged on the whole log.
 */
import { type Clock, type LogRecord, type PacketRecord, assertNever, createClock, fractionMs, isCalendarDate, parseOffset } from '../parse/index.js';
import type { ConnectionAttempt, Correlation, CorrelatorEvent, Finding, FindingCode, FindingCounts, Flow, Session } from './types.js';

/** A time bound: an instant, or a span back from the log's last line. */
export type TimeBound = { at: number } | { backMs: number };

/** What to keep. Every part is optional; an empty selection keeps everything. */
export interface Selection {
  clients?: string[];
  topics?: string[];
  since?: TimeBound;
  until?: TimeBound;
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const isoTime = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?(Z|[+-]\d\d(?::?\d\d)?)?$/i;

/**
 * Parses `30m`, `2h`, `1d`, `90s`, `1w`, or an ISO 8601 time. A time without an offset is read
 * with `clock` (the `--tz` zone; UTC by default), as the log's own times are; an offset may be
 * `Z`, `+hh`, `+hhmm` or `+hh:mm`.
 */
export function parseTimeBound(text: string, clock: Clock = createClock('UTC')): TimeBound | null {
  const trimmed = text.trim();
  const span = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(trimmed);
  if (span) return { backMs: Number(span[1]) * (units[span[2] ?? 's'] ?? 1000) };
  const iso = isoTime.exec(trimmed);
  if (iso) {
    const field = (i: number): number => Number(iso[i] ?? 0);
    const [y, mo, d, h, mi, sec] = [field(1), field(2), field(3), field(4), field(5), field(6)];
    if (!isCalendarDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return null;
    const ms = fractionMs(iso[7]);
    if (iso[8] === undefined) return { at: clock(y, mo, d, h, mi, sec, ms) };
    const offset = parseOffset(iso[8]);
    return offset === null ? null : { at: Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset * 60_000 };
  }
  // Other spellings Date.parse takes (`2026-11-26 14:00 UTC`) have a zone of their own; without
  // one it would read them in this machine's zone, and roll 2026-11-31 over into December.
  const date = /^(\d{4})-(\d\d)-(\d\d)[T ]/.exec(trimmed);
  if (!date || !isCalendarDate(Number(date[1]), Number(date[2]), Number(date[3]))) return null;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : { at };
}

/** Why a text is not a usable `--client` glob (a bracket range out of order), or null when it is one. */
export function globProblem(glob: string): string | null {
  try {
    globToRegExp(glob);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^.*: /, '').toLowerCase() : String(error);
  }
}

/**
 * Why a text is not a valid MQTT topic filter (`#` only as the whole last level, `+` only as a
 * whole level, not empty), or null when it is one.
 */
export function topicFilterProblem(filter: string): string | null {
  if (filter === '') return 'empty';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as string;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return '# must be the whole last level';
    if (level.includes('+') && level !== '+') return '+ must be a whole level';
  }
  return null;
}

/**
 * A shell-style glob (`*`, `?`, `[abc]`) as an anchored regex. An id given in full matches
 * itself as well (see {@link compileSelection}).
 */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        source += `[${glob.slice(i + 1, end).replace(/\\/g, '\\\\').replace(/^!/, '^')}]`;
        i = end;
      }
    } else source += ch.replace(/[\\^$.+(){}|/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** MQTT topic filter matching: `+` one level, `#` the rest; wildcards never match a leading `$`. */
function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The filter of a shared subscription (`$share/GROUP/FILTER`), or the filter itself. */
function unshared(filter: string): string {
  return filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter;
}

/**
 * Whether two topic filters share a topic: level by level each `+` meets any level and a `#`
 * meets the rest; wildcards never meet a leading `$` level. A shared subscription's is its filter's.
 */
export function filtersOverlap(a: string, b: string): boolean {
  const x = unshared(a).split('/');
  const y = unshared(b).split('/');
  const wild = (level: string | undefined): boolean => level === '+' || level === '#';
  if ((x[0]?.startsWith('$') && wild(y[0])) || (y[0]?.startsWith('$') && wild(x[0]))) return false;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === '#' || q === '#') return true;
    if (p === undefined || q === undefined) return false;
    if (p !== '+' && q !== '+' && p !== q) return false;
  }
  return true;
}

/** A selection ready to test things against. */
export interface Selector {
  /** True when the selection keeps everything. */
  all: boolean;
  client(id: string | null): boolean;
  topic(topic: string | null): boolean;
  /** Whether a topic filter (a subscription's) shares a topic with the selected ones. */
  filter(filter: string): boolean;
  /** True when an event at `time` (null = unknown, kept) is inside the window. */
  time(time: number | null): boolean;
  /** True when a span overlaps the window. */
  span(start: number | null, end: number | null): boolean;
}

/** A bound as a time: a duration counts back from `last`; null without the bound, or without `last` for a duration. */
export function resolveBound(bound: TimeBound | undefined, last: number | null): number | null {
  if (!bound) return null;
  if ('at' in bound) return bound.at;
  return last === null ? null : last - bound.backMs;
}

/**
 * The window's bounds when it ends before it starts once its durations count back from `last`
 * (`--since 2026-11-27 --until 1s`); null when it does not, or a bound is not known.
 */
export function invertedWindow(selection: Selection, last: number | null): { since: number; until: number } | null {
  const since = resolveBound(selection.since, last);
  const until = resolveBound(selection.until, last);
  return since !== null && until !== null && since > until ? { since, until } : null;
}

/** Whether a selection asks for anything (an empty one keeps everything). */
export function selects(selection: Selection): boolean {
  return (selection.clients?.length ?? 0) > 0 || (selection.topics?.length ?? 0) > 0 || selection.since !== undefined || selection.until !== undefined;
}

/** Compiles a selection; relative bounds count back from `last`, the log's last time. */
export function compileSelection(selection: Selection, last: number | null): Selector {
  const globs = selection.clients?.map(globToRegExp) ?? [];
  const clients = new Set(selection.clients);
  const topics = selection.topics ?? [];
  const since = resolveBound(selection.since, last);
  const until = resolveBound(selection.until, last);
  return {
    all: globs.length === 0 && topics.length === 0 && since === null && until === null,
    // An id given in full matches itself, whatever `[`, `*` or `?` it holds. A client without an
    // id (a refused login before its CONNECT was read) is matched as the empty id, so `*` keeps it.
    client: (id) => globs.length === 0 || (id !== null && clients.has(id)) || globs.some((g) => g.test(id ?? '')),
    // A shared subscription's filter (`$share/GROUP/FILTER`) selects the topics of its filter.
    topic: (topic) => topics.length === 0 || (topic !== null && topics.some((f) => topicMatches(unshared(f), topic))),
    filter: (filter) => topics.length === 0 || topics.some((f) => filtersOverlap(f, filter)),
    time: (t) => t === null || ((since === null || t >= since) && (until === null || t <= until)),
    span: (start, end) => (since === null || end === null || end >= since) && (until === null || start === null || start <= until),
  };
}

function findingTopic(f: Finding): string | null {
  return 'topic' in f ? (f.topic ?? null) : null;
}

/** Codes about the whole log rather than one client or topic: `--client` and `--topic` keep them. */
const logWideCodes: ReadonlySet<FindingCode> = new Set<FindingCode>(['broker-restart', 'broker-start-failed', 'broker-exited', 'reload-failed', 'local-only', 'persistence-failed', 'mass-disconnect', 'lines-missing', 'state-evicted', 'no-debug-lines', 'no-connection-lines', 'unknown-lines']);

/** Whether a finding is about the clients and topics selected, its time aside. */
export function findingAbout(f: Finding, s: Selector): boolean {
  if (logWideCodes.has(f.code)) return true;
  // A denied filter is about the selected topics it would have brought.
  return s.client(f.client) && (f.code === 'subscribe-denied' ? s.filter(f.filter) : s.topic(findingTopic(f)));
}

/** Counts findings per code in a list. */
export function countFindings(findings: readonly Finding[]): FindingCounts {
  const counts: FindingCounts = {};
  for (const f of findings) counts[f.code] = (counts[f.code] ?? 0) + 1;
  return counts;
}

/**
 * Counts the findings a selection keeps as the correlator reports them: all of them, also those
 * past the cap on findings kept per code. A window counted back from the log's end is known only
 * at the end, so the counts are kept per time until then.
 */
export class FindingTally {
  private readonly about: Selector;
  private readonly counts = new Map<FindingCode, Map<number | null, number>>();

  constructor(private readonly selection: Selection) {
    this.about = compileSelection({ ...(selection.clients ? { clients: selection.clients } : {}), ...(selection.topics ? { topics: selection.topics } : {}) }, null);
  }

  /** A correlator's `onEvent`: counts its findings. */
  readonly onEvent = (e: CorrelatorEvent): void => {
    if (e.kind === 'finding') this.add(e.finding);
  };

  add(f: Finding): void {
    if (!findingAbout(f, this.about)) return;
    let byTime = this.counts.get(f.code);
    if (!byTime) this.counts.set(f.code, (byTime = new Map()));
    byTime.set(f.time, (byTime.get(f.time) ?? 0) + 1);
  }

  /** The counts per code, `last` being the log's last time. */
  totals(last: number | null): FindingCounts {
    const s = compileSelection(this.selection, last);
    const totals: FindingCounts = {};
    for (const [code, byTime] of this.counts) {
      let n = 0;
      for (const [time, count] of byTime) if (s.time(time)) n += count;
      if (n > 0) totals[code] = n;
    }
    return totals;
  }
}

/**
 * Keeps the parts of a correlation the selection asks for. The finding totals are the
 * selection's: from `tally`, which counted every finding, or else from the findings kept.
 */
export function selectCorrelation(c: Correlation, selection: Selection, tally?: FindingTally): Correlation {
  const s = compileSelection(selection, c.last);
  if (s.all) return c;
  const findings = c.findings.filter((f) => findingAbout(f, s) && s.time(f.time));
  return {
    ...c,
    sessions: c.sessions.filter((x) => sessionSelected(x, s)),
    attempts: c.attempts.filter((a) => attemptSelected(a, s, selection)),
    flows: c.flows.filter((f) => flowSelected(f, s)),
    findings,
    findingTotals: tally ? tally.totals(c.last) : countFindings(findings),
  };
}

/** Whether a session is inside a selection: its client, and its span meets the window; `--topic` leaves sessions alone. */
export function sessionSelected(x: Session, s: Selector): boolean {
  return s.client(x.client) && s.span(x.start, x.end);
}

/** Whether a flow is inside a selection: its client, and its topic and steps ({@link flowInWindow}). */
export function flowSelected(f: Flow, s: Selector): boolean {
  return s.client(f.client) && flowInWindow(f, s);
}

/**
 * Whether a flow's topic is selected and its steps, from its PUBLISH to its latest, overlap the
 * window: also a flow begun before it (one a client took up again in a later session).
 */
export function flowInWindow(f: Flow, s: Selector): boolean {
  return s.topic(f.topic) && s.span(f.steps[0]?.time ?? null, f.steps.at(-1)?.time ?? null);
}

/** Whether an acknowledgement of no flow is inside a selection: its client and time; it names no topic. */
export function orphanAckSelected(ack: PacketRecord, s: Selector): boolean {
  return s.client(ack.client) && s.topic(null) && s.time(ack.time);
}

/** Whether a failed connection is inside a selection: its client (no id is the empty id) and time. */
export function attemptSelected(a: ConnectionAttempt, s: Selector, selection: Selection): boolean {
  return (selection.clients?.length ? s.client(a.client) : true) && s.time(a.time);
}

/** The client a record is about, null for an unknown client, undefined for broker lines. */
export function recordClient(r: LogRecord): string | null | undefined {
  switch (r.type) {
    case 'packet': case 'client-connected': case 'takeover': case 'messages-dropped': case 'session-expiry':
      return r.client;
    case 'disconnect': case 'subscription': case 'will':
      return r.client;
    case 'message':
      return r.client;
    case 'connection':
      // A network connection is not yet any client's.
      return null;
    case 'broker': case 'unknown': case 'continuation': case 'marker':
      return undefined;
    default:
      return assertNever(r);
  }
}

/**
 * Whether a record is inside a selection, for views that aggregate records rather than list
 * sessions (the summary): lines of other clients, other topics or outside the window are left
 * out; broker lines that name no client stay.
 */
export function recordSelected(r: LogRecord, s: Selector, selection: Selection): boolean {
  if (s.all) return true;
  if (!s.time(r.time)) return false;
  if (selection.clients?.length) {
    // A line of no client yet (a new connection, a refused login) is the empty id's, as in `client`.
    const client = recordClient(r);
    if (client !== undefined && !s.client(client)) return false;
  }
  if (selection.topics?.length && r.type === 'packet' && r.topic !== undefined && !s.topic(r.topic)) return false;
  return true;
}

/** True when the selection has a bound counted back from the log's last line. */
export function needsLastTime(selection: Selection): boolean {
  return (selection.since !== undefined && 'backMs' in selection.since) || (selection.until !== undefined && 'backMs' in selection.until);
}
