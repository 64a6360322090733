/**
 * Listing reporters: sessions, flows and problems, each as a terminal table, one JSON
 * document, NDJSON (one object per line) or Markdown.
 */
import { type Correlation, type Finding, type Flow, type Session, endpoint } from '../correlate/index.js';
import type { ReportContext } from './context.js';
import { bridgeRole, describeFinding, describeFlowState, describeFlowSteps, findingTitles, packetLines, troubledEnds } from './finding-text.js';
import { findingJson, findingTotalsJson, flowJson, sessionJson } from './json.js';
import { findingsInOrder, flowsInLogOrder, groupByCode, sessionsInLogOrder } from './log-order.js';
import { type JsonListFrame, type ReportOutput, jsonListFrame, jsonWithList, ndjsonLine, ndjsonPieces } from './output.js';
import { heading, markdownTable, renderTable } from './table.js';
import { formatDuration, formatTime, location, markdownCell, markdownCodeCell } from './text.js';

/** Where a session's client came from, and which way it is a bridge ({@link bridgeRole}). */
function sessionWhere(s: Session): string {
  const where = endpoint(s.address, s.port) ?? '-';
  const role = bridgeRole(s);
  return role === null ? where : `${where} (${role})`;
}

/** A session's row; its messages are counted only from debug lines (`debugLines`), else unknown. */
function sessionRow(s: Session, ctx: ReportContext, { debugLines, wholeSeconds }: Pick<Correlation, 'debugLines' | 'wholeSeconds'>): string[] {
  const where = sessionWhere(s);
  return [
    s.client, where, s.mqttVersion ?? '-', formatTime(s.start, ctx.timeZone), formatDuration(s.durationMs, wholeSeconds),
    s.endReason + (s.endDetail ? ` (${s.endDetail})` : ''), debugLines ? `${s.messagesIn}/${s.messagesOut}` : '-', location(s.startAt),
  ];
}

const sessionColumns = [
  { header: 'client', shrink: true }, { header: 'address', shrink: true, drop: 1 }, { header: 'mqtt', drop: 3 }, { header: 'start' },
  { header: 'duration', align: 'right' as const }, { header: 'end', shrink: true }, { header: 'msgs in/out', align: 'right' as const, drop: 2 }, { header: 'line', shrink: true, elide: 'start' as const },
];

function sortedSessions(c: Correlation): Session[] {
  return sessionsInLogOrder(c.sessions, c.files);
}

/** Sessions as a table. */
export function renderSessionsTable(c: Correlation, ctx: ReportContext): string {
  const sessions = sortedSessions(c);
  if (sessions.length === 0) return 'No sessions.\n';
  return renderTable(sessionColumns, sessions.map((s) => sessionRow(s, ctx, c)), ctx, (row, col, text) =>
    col === 5 && troubledEnds.has(sessions[row]?.endReason ?? 'disconnect') ? ctx.chalk.yellow(text) : text);
}

function flowRow(f: Flow, ctx: ReportContext, wholeSeconds: boolean): string[] {
  return [
    f.client, f.direction, String(f.mid), String(f.qos), f.topic ?? '-', describeFlowState(f), describeFlowSteps(f),
    formatTime(f.steps[0]?.time ?? null, ctx.timeZone), formatDuration(f.latencyMs, wholeSeconds), location(f.steps[0]?.at),
  ];
}

const flowColumns = [
  { header: 'client', shrink: true }, { header: 'dir' }, { header: 'mid', align: 'right' as const }, { header: 'qos' },
  { header: 'topic', shrink: true }, { header: 'state' }, { header: 'steps', shrink: true, drop: 4 }, { header: 'start', drop: 1 },
  { header: 'latency', align: 'right' as const, drop: 3 }, { header: 'line', shrink: true, elide: 'start' as const, drop: 0 },
];

/** Flows as a table. */
export function renderFlowsTable(c: Correlation, ctx: ReportContext): string {
  const flows = flowsInLogOrder(c.flows, c.files);
  const note = c.debugLines ? '' : `${ctx.chalk.yellow(`The log has no ${packetLines}: QoS flows cannot be known.`)}\n`;
  if (flows.length === 0) return note + 'No flows to list.\n';
  return note + renderTable(flowColumns, flows.map((f) => flowRow(f, ctx, c.wholeSeconds)), ctx, (row, col, text) => {
    const state = flows[row]?.state;
    return col === 5 && state !== 'complete' ? ctx.chalk.red(text) : text;
  });
}

const severityColour = { error: 'red', warning: 'yellow', info: 'cyan' } as const;

/**
 * What the broker itself logged as errors and warnings, which a finding may or may not explain:
 * counted in the whole log, for the summary to list by message; null when there were none.
 */
function loggedNote(c: Correlation): string | null {
  const lines = { error: 0, warning: 0 };
  for (const m of c.loggedMessages) lines[m.level] += m.count;
  if (lines.error + lines.warning === 0) return null;
  const counts = [lines.error > 0 ? `${lines.error} error line(s)` : null, lines.warning > 0 ? `${lines.warning} warning line(s)` : null].filter(Boolean).join(' and ');
  return `The broker logged ${counts} in the whole log; mosqlog summary lists them by message.`;
}

/** Problems grouped by code, most severe first. */
export function renderProblemsTable(c: Correlation, ctx: ReportContext): string {
  const note = loggedNote(c);
  const after = note === null ? '' : `\n${note}\n`;
  if (c.findings.length === 0) return `${ctx.chalk.green('No problems found.')}\n${after}`;
  const out: string[] = [];
  for (const [code, findings] of groupByCode(c.findings, c.files)) {
    const total = c.findingTotals[code] ?? findings.length;
    const first = findings[0];
    const colour = first ? severityColour[first.severity] : 'red';
    out.push(heading(`${ctx.chalk[colour](code)}: ${findingTitles[code]} (${total}${total > findings.length ? `, ${findings.length} listed` : ''})`, ctx));
    out.push(renderTable(
      // The description names the client too, so a narrow terminal gives its room to the description.
      [{ header: 'time' }, { header: 'client', shrink: true, drop: 1 }, { header: 'what', wrap: true, comfortable: 40 }, { header: 'line', shrink: true, elide: 'start' }],
      findings.map((f) => [formatTime(f.time, ctx.timeZone), f.client ?? '-', describeFinding(f), location(f.at[0])]), ctx));
  }
  return out.join('\n') + after;
}

/** Findings counted in `findingTotals` past those listed (each code keeps its first ones). */
export function unlistedFindings(c: Correlation): number {
  const listed = new Map<string, number>();
  for (const f of c.findings) listed.set(f.code, (listed.get(f.code) ?? 0) + 1);
  let unlisted = 0;
  for (const [code, total] of Object.entries(c.findingTotals)) unlisted += Math.max(0, (total ?? 0) - (listed.get(code) ?? 0));
  return unlisted;
}

function sortedFindings(c: Correlation): Finding[] {
  return findingsInOrder(c.findings, c.files);
}

/**
 * A Markdown table row: cells under `logColumns` hold log text (ids, topics, an end's detail from
 * the broker) and become code spans; mosqlog's own text is escaped.
 */
function markdownRow(row: readonly string[], columns: ReadonlyArray<{ header: string }>, logColumns: readonly string[]): string[] {
  return row.map((text, i) => (logColumns.includes(columns[i]?.header ?? '') ? markdownCodeCell(text) : markdownCell(text)));
}

/** Sessions formats by name. */
export const sessionsReporters = {
  table: renderSessionsTable,
  json: (c: Correlation) => jsonWithList({ debugLines: c.debugLines, sessions: [], attempts: c.attempts.length }, 'sessions', sortedSessions(c), sessionJson),
  ndjson: (c: Correlation) => ndjsonPieces(sortedSessions(c), sessionJson),
  markdown: (c: Correlation, ctx: ReportContext) => {
    const sessions = sortedSessions(c);
    return `## Sessions\n\n${sessions.length === 0 ? 'No sessions.\n' : markdownTable(sessionColumns.map((x) => x.header), sessions.map((s) => markdownRow(sessionRow(s, ctx, c), sessionColumns, ['client', 'address', 'end'])))}`;
  },
} as const satisfies Record<string, (c: Correlation, ctx: ReportContext) => ReportOutput>;

/** A sessions document: whether the log has debug lines first, how many attempts failed last. */
const sessionsFrame = (debugLines: boolean, attempts: number): JsonListFrame => jsonListFrame({ debugLines, sessions: [], attempts }, 'sessions');
const sessionItems = sessionsFrame(false, 0);

/**
 * The sessions formats that can be written while the log is read, given the sessions in the
 * order `sessions` lists them: the same text as {@link sessionsReporters}. A JSON document says
 * first whether the log has debug lines, and last how many connections failed.
 */
export const sessionsWriters = {
  json: {
    open: (debugLines) => sessionsFrame(debugLines, 0).open,
    item: (s) => sessionItems.item(sessionJson(s)),
    separator: sessionItems.separator,
    end: (count, debugLines, attempts) => (count > 0 ? sessionsFrame(debugLines, attempts).close : sessionsFrame(debugLines, attempts).empty),
  },
  ndjson: { open: () => '', item: (s) => ndjsonLine(sessionJson(s)), separator: '', end: () => '' },
} as const satisfies Record<string, SessionsWriter>;

/** A sessions listing written while the log is read: `attempts` counts the failed connections selected. */
export interface SessionsWriter {
  open(debugLines: boolean): string;
  item(s: Session): string;
  separator: string;
  end(count: number, debugLines: boolean, attempts: number): string;
}

/** Flows formats by name. */
export const flowsReporters = {
  table: renderFlowsTable,
  json: (c: Correlation) => jsonWithList({ debugLines: c.debugLines }, 'flows', flowsInLogOrder(c.flows, c.files), flowJson),
  ndjson: (c: Correlation) => ndjsonPieces(flowsInLogOrder(c.flows, c.files), flowJson),
  markdown: (c: Correlation, ctx: ReportContext) => {
    const flows = flowsInLogOrder(c.flows, c.files);
    const note = c.debugLines ? '' : `_The log has no ${markdownCell(packetLines)}: QoS flows cannot be known._\n\n`;
    return `## QoS flows\n\n${note}${flows.length === 0 ? 'No flows to list.\n' : markdownTable(flowColumns.map((x) => x.header), flows.map((f) => markdownRow(flowRow(f, ctx, c.wholeSeconds), flowColumns, f.topic === null ? ['client'] : ['client', 'topic'])))}`;
  },
} as const satisfies Record<string, (c: Correlation, ctx: ReportContext) => ReportOutput>;

/**
 * A listing written item by item as the items become known: `open` before the first, `separator`
 * between two, and `end` once the log is read.
 */
export interface ListWriter<T> {
  open: string;
  item(x: T): string;
  separator: string;
  /** What ends the listing of `count` items, from the correlation of the whole log. */
  end(count: number, c: Correlation): string;
}

/** A flow is known only from debug lines: a document that lists one says the log has them. */
const flowsFrame = jsonListFrame({ debugLines: true }, 'flows');

/**
 * The flows formats that can be written while the log is read, given the flows in the order
 * `flows` lists them: the same text as {@link flowsReporters}. A table and Markdown lay out
 * their columns, and the units of latencies, from every flow, so they wait for the end.
 */
export const flowsWriters = {
  json: {
    open: flowsFrame.open,
    item: (f) => flowsFrame.item(flowJson(f)),
    separator: flowsFrame.separator,
    end: (count, c) => (count > 0 ? flowsFrame.close : jsonListFrame({ debugLines: c.debugLines }, 'flows').empty),
  },
  ndjson: {
    open: '',
    item: (f) => ndjsonLine(flowJson(f)),
    separator: '',
    end: () => '',
  },
} as const satisfies Record<string, ListWriter<Flow>>;

/** Problems formats by name. */
export const problemsReporters = {
  table: renderProblemsTable,
  json: (c: Correlation) => jsonWithList({ totals: findingTotalsJson(c.findingTotals) }, 'findings', sortedFindings(c), findingJson),
  ndjson: (c: Correlation) => ndjsonPieces(sortedFindings(c), findingJson),
  markdown: (c: Correlation, ctx: ReportContext) => {
    const logged = loggedNote(c);
    const after = logged === null ? '' : `\n${logged}\n`;
    if (c.findings.length === 0) return `## Problems\n\nNone found.\n${after}`;
    const rows = sortedFindings(c).map((f) => [`\`${f.code}\``, formatTime(f.time, ctx.timeZone), f.client !== null ? markdownCodeCell(f.client) : '-', markdownCodeCell(describeFinding(f)), markdownCell(location(f.at[0]))]);
    const unlisted = unlistedFindings(c);
    const note = unlisted > 0 ? `\n_${unlisted} more finding(s) counted but not listed: each code lists its first ones. JSON's \`totals\` has every code's count._\n` : '';
    return `## Problems\n\n${markdownTable(['code', 'time', 'client', 'what', 'line'], rows)}${note}${after}`;
  },
} as const satisfies Record<string, (c: Correlation, ctx: ReportContext) => ReportOutput>;
