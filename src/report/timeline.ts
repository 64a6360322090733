/**
 * `mosqlog timeline`: one client's life (or several), entry by entry.
 */
import { type Flow, type TimelineEntry, endpoint } from '../correlate/index.js';
import type { ReportContext } from './context.js';
import { connackOnly, describeFinding, describeFlowState, describeFlowSteps, droppedWords, hadNoSubscribers, troubledEnds } from './finding-text.js';
import { attemptJson, findingJson, flowJson, sessionJson } from './json.js';
import { type ReportOutput, jsonListFrame, jsonWithList, ndjsonLine, ndjsonPieces } from './output.js';
import { isoTime } from './record-json.js';
import { describeReasonCode } from './reason-codes.js';
import { wrapText } from './table.js';
import { displayWidth, formatBytes, formatDuration, formatTime, location, markdownCell, markdownCode, markdownCodeCell, safeText } from './text.js';

/** The entries to show. */
export interface TimelineData {
  entries: readonly TimelineEntry[];
  /** Whether the log has debug lines, by which alone a session's messages are counted. */
  debugLines: boolean;
  /** Whether the log's times are whole seconds ({@link formatDuration}). */
  wholeSeconds: boolean;
}

/** How a flow went: `complete in 2s`, `complete in 2s, but no subscription matched it`, `INCOMPLETE, waiting for PUBREC`. */
function flowState(f: Flow, wholeSeconds: boolean): string {
  return f.state === 'complete'
    ? `${f.latencyMs !== undefined ? `complete in ${formatDuration(f.latencyMs, wholeSeconds)}` : 'complete'}${hadNoSubscribers(f) ? ', but no subscription matched it' : ''}`
    : f.state === 'refused' ? describeFlowState(f)
      : f.state === 'in-flight' ? (f.held ? "in flight, held for the client's kept session" : 'in flight')
        : `INCOMPLETE, waiting for ${(f.stalledAt ?? '?').toUpperCase()}${f.dropped !== undefined ? ` (${droppedWords[f.dropped]})` : ''}`;
}

function flowText(f: Flow, wholeSeconds: boolean): string {
  const verb = f.direction === 'in' ? 'published' : 'received';
  const steps = describeFlowSteps(f);
  const origin = f.origin ? ` from ${f.origin.client}${f.origin.will ? "'s will" : ''}${f.origin.ambiguous ? '?' : ''}` : '';
  return `${verb} m${f.mid} QoS ${f.qos} ${f.topic ?? '?'}${f.payloadBytes !== null ? ` (${formatBytes(f.payloadBytes)})` : ''}${f.retain ? ' retained' : ''}${origin}: ${steps} ${flowState(f, wholeSeconds)}${f.duplicates ? `, ${f.duplicates} re-send(s)` : ''}`;
}

/** Words for one entry, and whether it marks trouble. */
function describeEntry(e: TimelineEntry, { debugLines, wholeSeconds }: Omit<TimelineData, 'entries'>): { text: string; trouble: boolean } {
  switch (e.kind) {
    case 'connect': {
      const s = e.session;
      // The local end of an outgoing bridge: this broker connected to the remote one.
      const remote = endpoint(s.address, s.port);
      if (s.outgoingBridge !== undefined) return { text: `bridge ${s.outgoingBridge} connected${remote === null ? '' : ` to ${remote}`}`, trouble: false };
      const addr = remote === null ? '' : ` from ${remote}`;
      // A v5 session outlives its connection by an expiry interval the log does not show, whatever its clean start.
      const session = s.cleanSession === null ? null : s.mqttVersion === '5.0' ? (s.cleanSession ? 'clean start' : 'no clean start') : s.cleanSession ? 'clean' : 'persistent';
      const resumed = s.sessionPresent === undefined ? null : s.sessionPresent ? 'session resumed' : s.cleanSession ? null : 'new session';
      const params = [
        s.fromConnack ? connackOnly : null, s.mqttVersion ? `MQTT ${s.mqttVersion}` : null, session, resumed, s.keepalive === null ? null : `keepalive ${s.keepalive}s`,
        s.username !== null ? `user ${s.username}` : null, s.will ? 'will' : null,
      ].filter(Boolean).join(', ');
      return { text: `connected${addr}${s.listenerPort !== null ? ` to port ${s.listenerPort}` : ''} (${params})`, trouble: false };
    }
    case 'end': {
      const s = e.session;
      const trouble = troubledEnds.has(s.endReason);
      const after = s.durationMs !== null ? ` after ${formatDuration(s.durationMs, wholeSeconds)}` : '';
      const messages = debugLines ? `; ${s.messagesIn} message(s) in, ${s.messagesOut} out` : '';
      return { text: `session ended: ${s.endReason}${s.endDetail ? ` (${s.endDetail})` : ''}${after}${messages}`, trouble };
    }
    case 'end-before-log':
      return { text: `session ended: ${e.reason}${e.detail ? ` (${e.detail})` : ''}; it began before the log`, trouble: troubledEnds.has(e.reason) };
    case 'attempt': {
      const { outcome, reasonCode, client, address, port, detail } = e.attempt;
      // Without an id, where the connection came from is all there is to tell it by.
      const from = client === null && address !== null ? ` from ${endpoint(address, port)}` : '';
      const verb = outcome === 'refused' || outcome === 'not-authorised' || outcome === 'denied' ? 'refused' : 'failed';
      return { text: `connection ${verb}${from}: ${outcome}${reasonCode !== undefined ? ` (CONNACK ${describeReasonCode('connack', reasonCode)})` : ''}${detail !== undefined ? ` (${detail})` : ''}`, trouble: true };
    }
    case 'subscribe':
    case 'unsubscribe':
      return { text: `${e.kind}d ${e.filters.map((f) => `${f.filter}${f.denied ? ' (denied)' : f.qos !== undefined ? ` (QoS ${f.qos})` : ''}`).join(', ')}`, trouble: e.filters.some((f) => f.denied) };
    case 'flow':
      return { text: flowText(e.flow, wholeSeconds), trouble: e.flow.state === 'incomplete' || e.flow.state === 'refused' };
    case 'resend': {
      const f = e.flow;
      const first = f.steps[0]?.at;
      return {
        text: `${f.direction === 'in' ? 'published' : 'received'} m${f.mid} QoS ${f.qos} ${f.topic ?? '?'} again (re-sent${first ? `; first at ${location(first)}` : ''}): ${flowState(f, wholeSeconds)}`,
        trouble: f.state === 'incomplete' || f.state === 'refused',
      };
    }
    case 'message': {
      // A delivery dropped as too large for the client never reached it.
      const undelivered = e.direction === 'out' && e.outcome === 'dropped';
      const verb = e.direction === 'in' ? 'published' : undelivered ? 'not delivered' : 'received';
      return {
        text: `${verb} QoS ${e.qos ?? '?'} ${e.topic ?? '?'}${e.bytes !== null ? ` (${formatBytes(e.bytes)})` : ''}${e.retain ? ' retained' : ''}${undelivered ? ': too large for the client' : e.outcome ? `: ${e.outcome}` : ''}`,
        trouble: e.outcome !== undefined,
      };
    }
    case 'pings':
      return { text: `${e.count} ping(s)${e.last !== null && e.time !== null && e.last > e.time ? ` over ${formatDuration(e.last - e.time, wholeSeconds)}` : ''}`, trouble: false };
    case 'gap':
      return { text: `silent for ${formatDuration(e.gapMs, wholeSeconds)} (keepalive ${e.keepalive}s)`, trouble: true };
    case 'expired':
      return { text: 'kept session expired: the broker threw it away, with the messages it held for the client', trouble: false };
    case 'finding':
      return { text: `${e.finding.code}: ${describeFinding(e.finding)}`, trouble: true };
    case 'packet': {
      const p = e.packet;
      const fields = [p.mid !== undefined ? `m${p.mid}` : null, p.qos !== undefined ? `q${p.qos}` : null, p.topic ?? null, p.reasonCode !== undefined ? `rc${p.reasonCode}` : null, p.outcome ?? null].filter(Boolean).join(' ');
      return { text: `${p.direction === 'in' ? '→' : '←'} ${p.cmd.toUpperCase()}${fields ? ` ${fields}` : ''}`, trouble: p.outcome !== undefined };
    }
  }
}

/** The heading of connections that failed before they gave an id, which have no client to be under. */
const noIdHeading = 'Connections without a client id';

function byClient(entries: readonly TimelineEntry[]): Map<string | null, TimelineEntry[]> {
  const groups = new Map<string | null, TimelineEntry[]>();
  for (const e of entries) {
    const list = groups.get(e.client);
    if (list) list.push(e);
    else groups.set(e.client, [e]);
  }
  return groups;
}

/** The timeline as terminal text: one block per client. */
export function renderTimelineText(data: TimelineData, ctx: ReportContext): string {
  if (data.entries.length === 0) return 'No matching clients.\n';
  const out: string[] = [];
  for (const [client, entries] of byClient(data.entries)) {
    // A long id goes on over more lines, under itself: each fits the terminal.
    const heading = wrapText(client === null ? `(${noIdHeading})` : safeText(client), Math.max(20, ctx.width - 2));
    out.push(...heading.map((part, i) => ctx.chalk.bold(`${i === 0 ? '●' : ' '} ${part}`)));
    for (const e of entries) {
      const { text, trouble } = describeEntry(e, data);
      const lead = `  ${formatTime(e.time, ctx.timeZone)}  `;
      const where = location(e.at);
      // On a terminal the text wraps under itself so that each line fits, the location after its
      // first line (or on a line of its own when too little room is left beside it).
      const indent = displayWidth(lead);
      const beside = ctx.width - indent - 2 - displayWidth(where);
      const parts = wrapText(safeText(text), beside >= 20 ? beside : Math.max(20, ctx.width - indent));
      const paint = (part: string): string => (trouble ? ctx.chalk.red(part) : part);
      const [first = '', ...rest] = parts;
      out.push(`${paint(lead + first)}${beside >= 20 ? `  ${ctx.chalk.dim(where)}` : ''}`);
      for (const part of rest) out.push(paint(' '.repeat(indent) + part));
      if (beside < 20) out.push(' '.repeat(indent) + ctx.chalk.dim(where));
    }
    out.push('');
  }
  return out.join('\n');
}

/**
 * An entry for JSON output. Each object is written out whole: one made by spreading another and
 * adding fields, or by taking some out, is many times slower to make and to stringify, and a busy
 * log's timeline has millions of entries.
 */
function entryJson(e: TimelineEntry): Record<string, unknown> {
  const { kind, client, at } = e;
  const time = isoTime(e.time);
  switch (e.kind) {
    case 'connect':
    case 'end': return { kind, client, time, at, session: sessionJson(e.session) };
    case 'attempt': return { kind, client, time, at, attempt: attemptJson(e.attempt) };
    case 'flow':
    case 'resend': return { kind, client, time, at, flow: flowJson(e.flow) };
    case 'finding': return { kind, client, time, at, finding: findingJson(e.finding) };
    case 'packet': return { kind, client, time, at, packet: { ...e.packet, time: isoTime(e.packet.time) } };
    case 'pings': return { kind, client, time, at, count: e.count, last: isoTime(e.last) };
    // Fields left undefined are not written.
    case 'message': return { kind, client, time, at, direction: e.direction, qos: e.qos, topic: e.topic, bytes: e.bytes, retain: e.retain, outcome: e.outcome };
    case 'subscribe':
    case 'unsubscribe': return { kind, client, time, at, filters: e.filters };
    case 'gap': return { kind, client, time, at, gapMs: e.gapMs, keepalive: e.keepalive };
    case 'expired': return { kind, client, time, at };
    case 'end-before-log': return { kind, client, time, at, reason: e.reason, detail: e.detail };
  }
}

/** The frame of a timeline's JSON document: only its opening says whether the log has debug lines. */
const entriesFrame = jsonListFrame({ debugLines: false }, 'entries');

/** Timeline formats by name. */
export const timelineReporters = {
  table: renderTimelineText,
  json: (d: TimelineData) => jsonWithList({ debugLines: d.debugLines }, 'entries', d.entries, entryJson),
  ndjson: (d: TimelineData) => ndjsonPieces(d.entries, entryJson),
  markdown: (d: TimelineData, ctx: ReportContext) => {
    if (d.entries.length === 0) return '## Timeline\n\nNo matching clients.\n';
    const out: string[] = ['## Timeline', ''];
    for (const [client, entries] of byClient(d.entries)) {
      out.push(`### ${client === null ? noIdHeading : markdownCode(client)}`, '', '| time | what | line |', '| --- | --- | --- |');
      for (const e of entries) out.push(`| ${formatTime(e.time, ctx.timeZone)} | ${markdownCodeCell(describeEntry(e, d).text)} | ${markdownCell(location(e.at))} |`);
      out.push('');
    }
    return out.join('\n');
  },
} as const satisfies Record<string, (d: TimelineData, ctx: ReportContext) => ReportOutput>;

/**
 * The timeline formats that can be written while the log is read, given the entries in order:
 * the same text as {@link timelineReporters}. A document says first whether the log has debug
 * lines (`open`), and how it ends depends on whether it listed any entry (`end`).
 */
export interface TimelineWriter {
  open(debugLines: boolean): string;
  item(e: TimelineEntry): string;
  separator: string;
  end(count: number, debugLines: boolean): string;
}

/** Timeline formats written while the log is read, by name. */
export const timelineWriters = {
  json: {
    open: (debugLines) => jsonListFrame({ debugLines }, 'entries').open,
    item: (e) => entriesFrame.item(entryJson(e)),
    separator: entriesFrame.separator,
    end: (count, debugLines) => (count > 0 ? entriesFrame.close : jsonListFrame({ debugLines }, 'entries').empty),
  },
  ndjson: { open: () => '', item: (e) => ndjsonLine(entryJson(e)), separator: '', end: () => '' },
} as const satisfies Record<string, TimelineWriter>;
