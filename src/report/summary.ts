/**
 * `mosqlog summary` (the default command): what the log holds, section by section.
 */
import { type AttemptOutcome, type Correlation, type EndReason, type FindingCode, type FlowTotals, type Latency, type TroubledClient, activityKeyLimit, endReasons, findingCodes } from '../correlate/index.js';
import type { RecordType } from '../parse/index.js';
import type { ReportContext } from './context.js';
import { attemptOutcomeWords, describeEndCounts, describeStalls, findingTitles, fromConnackNote, loggedLine, packetLines, troubledEnds, versionNotInLog } from './finding-text.js';
import { summaryJson } from './json.js';
import { toJsonText } from './record-json.js';
import { heading, markdownTable, renderTable } from './table.js';
import { formatBytes, formatCount, formatDuration, formatTime, location, markdownCell, markdownCodeCell, safeText } from './text.js';

const blocks = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Events per minute as one line of block characters, squeezed into `width` buckets. */
function renderActivityChart(perMinute: ReadonlyArray<readonly [number, number]>, width: number): { chart: string; peak: number; bucketMinutes: number } {
  if (perMinute.length === 0) return { chart: '', peak: 0, bucketMinutes: 1 };
  const first = perMinute[0]?.[0] ?? 0;
  const last = perMinute[perMinute.length - 1]?.[0] ?? first;
  const minutes = Math.floor((last - first) / 60_000) + 1;
  const bucketMinutes = Math.max(1, Math.ceil(minutes / Math.max(10, width)));
  const buckets = new Array<number>(Math.ceil(minutes / bucketMinutes)).fill(0);
  for (const [minute, count] of perMinute) {
    const i = Math.floor((minute - first) / 60_000 / bucketMinutes);
    buckets[i] = (buckets[i] ?? 0) + count;
  }
  const peak = Math.max(...buckets);
  const chart = buckets.map((n) => (n === 0 ? ' ' : blocks[Math.min(7, Math.floor((n / peak) * 7.999))] ?? '█')).join('');
  return { chart, peak, bucketMinutes };
}

/**
 * The QoS flow table's headers and rows. Its `in flight` column, for flows the end of the log
 * cut, is there only when there are some.
 */
function flowTable(c: Correlation): { headers: string[]; rows: string[][] } {
  const cut = c.flowTotals.qos1.inFlight + c.flowTotals.qos2.inFlight > 0;
  const row = (name: string, t: FlowTotals, l: Latency): string[] => {
    return [name, String(t.complete), String(t.incomplete), String(t.refused), ...(cut ? [String(t.inFlight)] : []), describeStalls(t), ...[l.p50, l.p95, l.p99].map((ms) => formatDuration(ms, c.wholeSeconds))];
  };
  return {
    headers: ['QoS', 'complete', 'incomplete', 'refused', ...(cut ? ['in flight'] : []), 'stalled at', 'p50', 'p95', 'p99'],
    rows: [row('QoS 1', c.flowTotals.qos1, c.latency.qos1), row('QoS 2', c.flowTotals.qos2, c.latency.qos2)],
  };
}

/** The broker's versions, starts (and those that failed) and configuration reloads. */
function describeBroker(c: Correlation): string {
  const versions = c.brokerVersions.length ? c.brokerVersions.join(', ') : versionNotInLog(c);
  const counts = [
    ...(c.brokerVersions.length ? [`${c.brokerStarts} start(s)`] : []),
    ...(c.brokerFailedStarts > 0 ? [`${c.brokerFailedStarts} failed start(s)`] : []),
    ...(c.brokerReloads > 0 ? [`${c.brokerReloads} config reload(s)`] : []),
  ];
  return counts.length ? `${versions}; ${counts.join(', ')}` : versions;
}

/** What stands for the time span of a log without one: its lines have no times, or there are none (a window that held no line). */
export function describeMissingSpan(c: Correlation): string {
  return c.lines === 0 ? 'no lines' : 'no timestamps';
}

function overviewRows(c: Correlation, ctx: ReportContext): string[][] {
  const span = c.first !== null && c.last !== null ? `${formatTime(c.first, ctx.timeZone)} → ${formatTime(c.last, ctx.timeZone)} (${formatDuration(c.last - c.first, c.wholeSeconds)})` : describeMissingSpan(c);
  const rows = [
    ['Time span', span],
    ['Broker', describeBroker(c)],
    ['Lines', `${c.lines}; ${describeUnread(c)}`],
    ['Clients', `${c.clientsCapped ? 'at least ' : ''}${c.clients} client id(s), ${c.sessionCount} session(s)${fromConnackNote(c)}, ${c.attemptCount} failed connection(s)${noClientLinesNote(c)}`],
  ];
  if (!c.debugLines) rows.push(['QoS flows', `unknown: the log has no ${packetLines}`]);
  return rows;
}

/**
 * Why a log of the broker's lines may say nothing of clients: none connected, or the broker does
 * not log at `notice`, where it logs connections, their ends and refused logins (a `log_type`
 * list without `notice` or `all`).
 */
function noClientLinesNote(c: Correlation): string {
  const brokerLines = c.records - c.unknown;
  const clientLines = clientRecordTypes.reduce((n, type) => n + (c.recordTypes[type] ?? 0), 0);
  return clientLines === 0 && brokerLines > 0
    ? ' (no line is about a client: none connected, or log_type leaves out notice, where connections and refused logins are logged)'
    : '';
}

/** The records of lines about clients: their connections and ends, packets, subscriptions, wills, queues and sessions. */
const clientRecordTypes: readonly RecordType[] = ['connection', 'client-connected', 'disconnect', 'takeover', 'packet', 'subscription', 'will', 'messages-dropped', 'session-expiry'];

/** The lines that are not the broker's messages: those not understood, and other programs' in a system log. */
export function describeUnread(c: Correlation): string {
  return `${c.unknown} not understood${c.otherProgramLines > 0 ? `; ${c.otherProgramLines} of other programs` : ''}`;
}

/** Formats of errors and warnings a summary lists at most; JSON lists every one. */
const loggedListLimit = 20;

/** The errors and warnings the broker logged, as rows: level, count, the first line's message and where it is (the CI Markdown lists them too). */
export function loggedRows(c: Correlation): string[][] {
  return c.loggedMessages.slice(0, loggedListLimit).map((m) => [m.level, String(m.count), loggedLine(m), location(m.at)]);
}

/** What a summary leaves out of its list of errors and warnings. */
export function loggedLeftOut(c: Correlation): string | null {
  const more = c.loggedMessages.length - loggedListLimit;
  return more > 0 ? `${more} more message(s) not listed (mosqlog summary --format json lists every one).` : null;
}

/** Why the counts of a top list are lower bounds, when they are. */
export function cappedCountsNote(what: 'clients' | 'topics'): string {
  return `More than ${formatCount(activityKeyLimit)} ${what}: the least active were let go as the log was read, so these counts are lower bounds.`;
}

/**
 * The clients whose sessions ended in trouble more than once, most first. One such end is a
 * finding `problems` lists already.
 */
export function repeatedTrouble(c: Correlation): TroubledClient[] {
  return c.troubledClients.filter((t) => t.ends > 1);
}

/** How a client's sessions ended in trouble: `timeout 12, socket-error 3`. */
export function describeTroubledEnds(t: TroubledClient): string {
  return describeEndCounts(t.byEndReason);
}

/** How long a client's sessions that ended in trouble lasted: `5m 00s`, `12s to 5m 03s`, or `-` when the log gives no times. */
export function describeTroubledLasted(t: TroubledClient, wholeSeconds: boolean): string {
  if (t.shortestMs === null || t.longestMs === null) return '-';
  const longest = formatDuration(t.longestMs, wholeSeconds);
  return t.shortestMs === t.longestMs ? longest : `${formatDuration(t.shortestMs, wholeSeconds)} to ${longest}`;
}

/** Troubled sessions of a client, at least this many, that all lasted about as long point at a timer. */
const timedEndsAtLeast = 3;
/** Shorter sessions are ones the broker or the client gave up at once (a refusal, a broken CONNECT), not cut by a timer. */
const timedLengthAtLeastMs = 10_000;

/**
 * Notes on the clients of {@link repeatedTrouble} whose sessions that ended in trouble all lasted
 * about as long (within 2 s, which whole-second stamps may take, or 2 %): something cut their
 * connections on a timer. Ends by keepalive timeout alone are left out: a client silent after it
 * connects times out after the same time each time, for a reason `problems` gives.
 */
export function timerNotes(c: Correlation): string[] {
  return repeatedTrouble(c).flatMap((t) => {
    if (t.ends < timedEndsAtLeast || t.shortestMs === null || t.longestMs === null || t.shortestMs < timedLengthAtLeastMs) return [];
    if (t.longestMs - t.shortestMs > Math.max(2000, t.longestMs * 0.02) || t.byEndReason.timeout === t.ends) return [];
    return [`${t.client}: its ${t.ends} sessions that ended in trouble each lasted about ${formatDuration(t.longestMs, c.wholeSeconds)}, as if something cut its connection on a timer (a NAT, firewall or load balancer limit, or the client itself)`];
  });
}

/** {@link repeatedTrouble} as rows: client, how many, how, and how long they lasted. */
function troubledRows(c: Correlation): string[][] {
  return repeatedTrouble(c).map((t) => [t.client, String(t.ends), describeTroubledEnds(t), describeTroubledLasted(t, c.wholeSeconds)]);
}

/** Why the troubled clients' counts are lower bounds, when they are. */
export const troubledCappedNote = `More than ${formatCount(activityKeyLimit)} clients had sessions end in trouble: those with the fewest were let go as the log was read, so these counts are lower bounds.`;

/** The failed connections by outcome, in the order they first came. */
export function attemptOutcomes(c: Correlation): Array<[AttemptOutcome, number]> {
  return Object.entries(c.attemptsByOutcome) as Array<[AttemptOutcome, number]>;
}

/** The failed connections by outcome: outcome, count, and what it most often is. */
function attemptRows(outcomes: ReadonlyArray<[AttemptOutcome, number]>): string[][] {
  return outcomes.map(([outcome, n]) => [outcome, String(n), attemptOutcomeWords[outcome]]);
}

/** The summary as terminal tables. */
export function renderSummaryTable(c: Correlation, ctx: ReportContext): string {
  const out: string[] = [];
  out.push(heading('Overview', ctx), renderTable([{ header: 'what' }, { header: 'value', shrink: true }], overviewRows(c, ctx), ctx));
  if (c.unknownExamples.length > 0) {
    out.push(heading('Lines not understood (first 5)', ctx), renderTable([{ header: 'text', shrink: true }], c.unknownExamples.map((l) => [l]), ctx));
  }
  const ends = endReasons.filter((r) => (c.sessionsByEnd[r] ?? 0) > 0);
  if (ends.length > 0) {
    out.push(heading('Sessions by end', ctx), renderTable([{ header: 'end reason' }, { header: 'sessions', align: 'right' }], ends.map((r) => [r, String(c.sessionsByEnd[r] ?? 0)]), ctx,
      (row, col, text) => (col === 0 && troubledEnds.has(ends[row] as EndReason) ? ctx.chalk.yellow(text) : text)));
  }
  const troubled = troubledRows(c);
  if (troubled.length > 0) {
    out.push(heading('Clients whose sessions ended in trouble more than once', ctx),
      renderTable([{ header: 'client', shrink: true }, { header: 'sessions', align: 'right' }, { header: 'ended by' }, { header: 'lasted', drop: 0 }], troubled, ctx));
    // A client id is the client's own text: shown safe, as in the table.
    for (const note of timerNotes(c)) out.push(`${ctx.chalk.yellow(safeText(note))}\n`);
    if (c.troubledClientsCapped) out.push(`${troubledCappedNote}\n`);
  }
  const outcomes = attemptOutcomes(c);
  if (outcomes.length > 0) {
    out.push(heading('Failed connections', ctx), renderTable([{ header: 'outcome' }, { header: 'count', align: 'right' }, { header: 'what', shrink: true, drop: 0 }], attemptRows(outcomes), ctx));
  }
  if (c.debugLines) {
    const { headers, rows } = flowTable(c);
    const stalledAt = headers.indexOf('stalled at');
    // On a narrow terminal p99 goes first, then p95.
    const columns = headers.map((header, i) => ({
      header, align: i > 0 && i !== stalledAt ? 'right' as const : 'left' as const, shrink: i === stalledAt, ...(i > stalledAt + 1 ? { drop: i - stalledAt - 1 } : {}),
    }));
    out.push(heading('QoS flows', ctx), renderTable(columns, rows, ctx, (_row, col, text) => (col === 2 && text !== '0' ? ctx.chalk.red(text) : text)));
  }
  const problems = findingCodes.filter((code) => (c.findingTotals[code] ?? 0) > 0);
  if (problems.length > 0) {
    out.push(heading('Problems', ctx), renderTable([{ header: 'code' }, { header: 'count', align: 'right' }, { header: 'what', shrink: true }],
      problems.map((code) => [code, String(c.findingTotals[code] ?? 0), findingTitles[code]]), ctx,
      (_row, col, text) => (col === 0 ? ctx.chalk.red(text) : text)));
  } else {
    out.push(heading('Problems', ctx), `${ctx.chalk.green('none found')}\n`);
  }
  if (c.loggedMessages.length > 0) {
    out.push(heading('Errors and warnings logged', ctx),
      renderTable([{ header: 'level' }, { header: 'count', align: 'right' }, { header: 'first message', shrink: true }, { header: 'at' }], loggedRows(c), ctx,
        (row, col, text) => (col === 0 ? (c.loggedMessages[row]?.level === 'error' ? ctx.chalk.red(text) : ctx.chalk.yellow(text)) : text)));
    const leftOut = loggedLeftOut(c);
    if (leftOut) out.push(`${leftOut}\n`);
  }
  if (c.topClients.length > 0) {
    out.push(heading('Top clients (messages published and delivered)', ctx), renderTable([{ header: 'client', shrink: true }, { header: 'messages', align: 'right' }, { header: 'bytes', align: 'right' }],
      c.topClients.map((a) => [a.client, String(a.messages), formatBytes(a.bytes)]), ctx));
    if (c.topClientsCapped) out.push(`${cappedCountsNote('clients')}\n`);
  }
  if (c.topTopics.length > 0) {
    out.push(heading('Top topics (published)', ctx), renderTable([{ header: 'topic', shrink: true }, { header: 'messages', align: 'right' }, { header: 'bytes', align: 'right' }],
      c.topTopics.map((a) => [a.topic, String(a.messages), formatBytes(a.bytes)]), ctx));
    if (c.topTopicsCapped) out.push(`${cappedCountsNote('topics')}\n`);
  }
  const { chart, peak, bucketMinutes } = renderActivityChart(c.perMinute, Math.min(ctx.width - 2, 100));
  if (chart) {
    out.push(heading(`Lines per ${bucketMinutes === 1 ? 'minute' : `${bucketMinutes} minutes`} (peak ${peak})`, ctx), `${chart}\n`);
  }
  return out.join('\n');
}

/** The summary as one JSON document. */
export function renderSummaryJson(c: Correlation): string {
  return toJsonText(summaryJson(c), 2) + '\n';
}

/** The summary as Markdown. */
export function renderSummaryMarkdown(c: Correlation, ctx: ReportContext): string {
  const out: string[] = ['## mosqlog summary', ''];
  out.push(markdownTable(['what', 'value'], overviewRows(c, ctx).map(([k, v]) => [k ?? '', markdownCell(v ?? '')])));
  if (c.unknownExamples.length > 0) out.push('### Lines not understood (first 5)', '', markdownTable(['text'], c.unknownExamples.map((l) => [markdownCodeCell(l)])));
  const ends = endReasons.filter((r) => (c.sessionsByEnd[r] ?? 0) > 0);
  if (ends.length) out.push('### Sessions by end', '', markdownTable(['end reason', 'sessions'], ends.map((r) => [r, String(c.sessionsByEnd[r] ?? 0)])));
  const troubled = troubledRows(c);
  if (troubled.length) {
    out.push('### Clients whose sessions ended in trouble more than once', '', markdownTable(['client', 'sessions', 'ended by', 'lasted'], troubled.map(([client, n, how, lasted]) => [markdownCodeCell(client ?? ''), n ?? '', how ?? '', markdownCell(lasted ?? '')])));
    for (const note of timerNotes(c)) out.push(markdownCell(note), '');
    if (c.troubledClientsCapped) out.push(troubledCappedNote, '');
  }
  const outcomes = attemptOutcomes(c);
  if (outcomes.length) out.push('### Failed connections', '', markdownTable(['outcome', 'count', 'what'], attemptRows(outcomes)));
  if (c.debugLines) {
    const { headers, rows } = flowTable(c);
    out.push('### QoS flows', '', markdownTable(headers, rows.map((row) => row.map(markdownCell))));
  }
  const problems = findingCodes.filter((code: FindingCode) => (c.findingTotals[code] ?? 0) > 0);
  out.push('### Problems', '', problems.length ? markdownTable(['code', 'count', 'what'], problems.map((code) => [`\`${code}\``, String(c.findingTotals[code] ?? 0), findingTitles[code]])) : 'None found.\n');
  if (c.loggedMessages.length > 0) {
    out.push('### Errors and warnings logged', '', markdownTable(['level', 'count', 'first message', 'at'], loggedRows(c).map(([level, count, message, at]) => [level ?? '', count ?? '', markdownCodeCell(message ?? ''), markdownCell(at ?? '')])));
    const leftOut = loggedLeftOut(c);
    if (leftOut) out.push(leftOut, '');
  }
  if (c.topClients.length) out.push('### Top clients', '', markdownTable(['client', 'messages', 'bytes'], c.topClients.map((a) => [markdownCodeCell(a.client), String(a.messages), formatBytes(a.bytes)])));
  if (c.topClients.length && c.topClientsCapped) out.push(cappedCountsNote('clients'), '');
  if (c.topTopics.length) out.push('### Top topics', '', markdownTable(['topic', 'messages', 'bytes'], c.topTopics.map((a) => [markdownCodeCell(a.topic), String(a.messages), formatBytes(a.bytes)])));
  if (c.topTopics.length && c.topTopicsCapped) out.push(cappedCountsNote('topics'), '');
  return out.join('\n');
}

/** Summary formats by name; `--format` offers these keys. */
export const summaryReporters = {
  table: renderSummaryTable,
  json: renderSummaryJson,
  markdown: renderSummaryMarkdown,
} as const satisfies Record<string, (c: Correlation, ctx: ReportContext) => string>;
