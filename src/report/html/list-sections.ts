/**
 * The report's lists: QoS flows (totals, latency distribution, unfinished flows), problems per
 * code with `file:line`, and the sortable, filterable sessions table. Each is capped by the
 * limits and says how many it left out.
 */
import { type Correlation, type EndReason, type Finding, type Session, type SessionOverview, endpoint } from '../../correlate/index.js';
import type { ReportContext } from '../context.js';
import { bridgeRole, describeFinding, describeFlowState, describeFlowSteps, describeStalls, findingTitles, loggedLine, packetLines, troubledEnds } from '../finding-text.js';
import { formatDuration, location, shownControls } from '../text.js';
import { type CiReport, codesFound, countOf, findingsOf, isFailing } from '../ci/ci-report.js';
import { renderLatencyHistogram } from './charts.js';
import { htmlText } from './escape.js';
import type { HtmlLimits } from './limits.js';
import { cell, count, more, table, time, where } from './markup.js';
import { flowsInLogOrder, sessionsInStartOrder } from '../log-order.js';
import { latencyHistogram } from './series.js';

/** A duration, or `-` ({@link formatDuration}). */
function ms(v: number | null, wholeSeconds: boolean): string {
  return htmlText(formatDuration(v, wholeSeconds));
}

/**
 * Flow totals with latency percentiles, the latency distribution, the unfinished flows. With a
 * selection (`selected`), the totals are the whole log's and the unfinished flows the selection's.
 */
export function renderFlowsSection(c: Correlation, ctx: ReportContext, limits: HtmlLimits, selected = false): string {
  const out = ['<section id="flows"><h2>QoS flows</h2>'];
  if (!c.debugLines) {
    out.push(`<p class="note">The log has no ${htmlText(packetLines)}, so QoS flows could not be followed.</p></section>`);
    return out.join('\n');
  }
  // Flows the end of the log cut get a column only when there are some.
  const cut = c.flowTotals.qos1.inFlight + c.flowTotals.qos2.inFlight > 0;
  const rows = (['qos1', 'qos2'] as const).map((q, i) => {
    const t = c.flowTotals[q];
    const l = c.latency[q];
    return [`QoS ${i + 1}`, count(t.complete), t.incomplete ? `<span class="fails">${count(t.incomplete)}</span>` : '0', count(t.refused), ...(cut ? [count(t.inFlight)] : []),
      htmlText(describeStalls(t)), ...[l.p50, l.p95, l.p99, l.max].map((v) => ms(v, c.wholeSeconds))];
  });
  const headers = ['QoS', { text: 'complete', num: true }, { text: 'incomplete', num: true }, { text: 'refused', num: true }, ...(cut ? [{ text: 'in flight', num: true }] : []),
    'stalled at', { text: 'p50', num: true }, { text: 'p95', num: true }, { text: 'p99', num: true }, { text: 'max', num: true }];
  const numeric = new Set(headers.flatMap((h, i) => (typeof h === 'object' ? [i] : [])));
  out.push(`<div class="table-wrap">${table(headers, rows, numeric)}</div>`);
  const histogram = latencyHistogram(c);
  const complete = c.flowTotals.qos1.complete + c.flowTotals.qos2.complete;
  out.push('<h3>Latency distribution</h3>');
  if (histogram.timed > 0) {
    out.push(`<figure id="latency-chart"><figcaption>Time from PUBLISH to the final acknowledgement, completed flows per latency class, log scale${c.wholeSeconds ? ' (the log is stamped to the whole second: &lt;1 s is the same second)' : ''}</figcaption>${renderLatencyHistogram(histogram.classes)}</figure>`);
  } else if (complete > 0) {
    out.push('<p class="note">The completed flows carry no times (the log has no timestamps).</p>');
  } else {
    out.push('<p class="note">No completed QoS 1/2 flows.</p>');
  }
  const unfinished = flowsInLogOrder(c.flows, c.files).filter((f) => f.state === 'incomplete' || f.state === 'refused');
  out.push(`<h3 id="incomplete-flows">Incomplete and refused flows (${unfinished.length})</h3>`);
  const inFlight = c.flowTotals.qos1.inFlight + c.flowTotals.qos2.inFlight;
  const unfinishedInLog = c.flowTotals.qos1.incomplete + c.flowTotals.qos1.refused + c.flowTotals.qos2.incomplete + c.flowTotals.qos2.refused;
  if (unfinished.length === 0 && selected) {
    out.push(`<p class="note">None in the selection${unfinishedInLog > 0 ? ` (${count(unfinishedInLog)} in the whole log, counted above)` : ''}.</p>`);
  } else if (unfinished.length === 0) {
    out.push(inFlight === 0 ? '<p class="note">None: every QoS 1/2 flow completed.</p>' : `<p class="note">None; ${count(inFlight)} still in flight when the log ended.</p>`);
  } else {
    const shown = unfinished.slice(0, limits.flowRows);
    out.push(`<div class="table-wrap">${table(['client', 'dir', { text: 'mid', num: true }, 'QoS', 'topic', 'state', 'steps seen', 'started', 'line'],
      shown.map((f) => [
        cell('client', htmlText(f.client)), f.direction, String(f.mid), String(f.qos), cell('topic', f.topic === null ? '-' : htmlText(f.topic)),
        `<span class="fails">${htmlText(describeFlowState(f))}</span>${f.sessionEnded ? '<br><span class="muted">session ended</span>' : ''}`,
        htmlText(describeFlowSteps(f)), cell('nowrap', time(f.steps[0]?.time ?? null, ctx)), cell('where', where(f.steps[0] ? [f.steps[0].at] : [])),
      ]), new Set([2]))}</div>`);
    out.push(more(unfinished.length - shown.length, 'unfinished flow(s)'));
  }
  out.push('</section>');
  return out.join('\n');
}

/** Problems per code, most severe first, each with time, client, what and `file:line`. */
export function renderProblemsSection(report: CiReport, ctx: ReportContext, limits: HtmlLimits): string {
  const out = ['<section id="problems"><h2>Problems</h2>'];
  const codes = codesFound(report);
  if (codes.length === 0) {
    out.push('<p class="note">No problems found.</p>', renderLogged(report.correlation, ctx, limits), '</section>');
    return out.join('\n');
  }
  let budget = limits.problemRows;
  for (const code of codes) {
    const findings = findingsOf(report, code);
    const total = countOf(report, code);
    const severity = findings[0]?.severity ?? 'warning';
    const shown = findings.slice(0, Math.max(0, Math.min(limits.problemsPerCode, budget)));
    budget -= shown.length;
    out.push(`<div class="problem-group" id="problems-${code}"><h3><span class="sev ${severity}">${severity}</span> <code>${code}</code> ${htmlText(findingTitles[code])} <span class="muted">(${count(total)})</span>${isFailing(report, code) ? ' <span class="fails">fails the gate</span>' : ''}</h3>`);
    if (shown.length > 0) {
      out.push(`<div class="table-wrap">${table(['time', 'client', 'what', 'line'],
        shown.map((f: Finding) => [cell('nowrap', time(f.time, ctx)), cell('client', f.client === null ? '-' : htmlText(f.client)), cell('what', htmlText(describeFinding(f))), cell('where', where(f.at))]))}</div>`);
    }
    out.push(more(total - shown.length, `${code} problem(s)`), '</div>');
  }
  out.push(renderLogged(report.correlation, ctx, limits), '</section>');
  return out.join('\n');
}

/** The errors and warnings the broker logged, by message, with the first of each; nothing when there were none. */
function renderLogged(c: Correlation, ctx: ReportContext, limits: HtmlLimits): string {
  if (c.loggedMessages.length === 0) return '';
  const shown = c.loggedMessages.slice(0, limits.problemsPerCode);
  const rows = shown.map((m) => [cell('nowrap', `<span class="sev ${m.level}">${m.level}</span>`), count(m.count), cell('what', htmlText(loggedLine(m))), cell('nowrap', time(m.time, ctx)), cell('where', where([m.at]))]);
  return [
    '<div class="problem-group" id="logged"><h3>Errors and warnings logged <span class="muted">(by message, with the first of each)</span></h3>',
    `<div class="table-wrap">${table(['level', { text: 'count', num: true }, 'first message', 'time', 'line'], rows, new Set([1]))}</div>`,
    more(c.loggedMessages.length - shown.length, 'message(s)'),
    '</div>',
  ].join('\n');
}

/** One sessions-table row as the page script sees it: display id, sort keys, troubled flag. */
export interface SessionRowData {
  c: string;
  s: number | null;
  d: number | null;
  e: EndReason;
  m: number;
  p: 0 | 1;
}

/**
 * Sessions to list: all of them up to `max`; past it, the troubled ones (bad end or a problem
 * about the client) first, then the earliest others — shown in log order either way.
 */
function listedSessions(c: Correlation, max: number): Array<{ session: Session; troubled: boolean }> {
  const problemClients = new Set(c.findings.map((f) => f.client).filter((x): x is string => x !== null));
  const all = sessionsInStartOrder(c.sessions, c.files).map((session, order) => ({ session, order, troubled: troubledEnds.has(session.endReason) || problemClients.has(session.client) }));
  if (all.length <= max) return all;
  return [...all.filter((s) => s.troubled), ...all.filter((s) => !s.troubled)].slice(0, max).sort((a, b) => a.order - b.order);
}

/** What marks a bridge's session beside its address ({@link bridgeRole}). */
function bridgeNote(s: Session): string {
  const role = bridgeRole(s);
  return role === null ? '' : ` <span class="muted">${htmlText(role)}</span>`;
}

const sortable = [['client', 'client'], ['start', 'start'], ['duration', 'duration'], ['end', 'ended'], ['messages', 'msgs in/out']] as const;

/** The sessions table with its filter and sort controls (hidden until the script runs). */
export function renderSessionsSection(c: Correlation, overview: SessionOverview, ctx: ReportContext, limits: HtmlLimits): { html: string; rows: SessionRowData[] } {
  const head = '<section id="sessions"><h2>Sessions</h2>';
  if (c.sessions.length === 0) {
    return { html: `${head}<p class="note">${c.sessionCount > 0 ? 'Sessions were not kept for this report.' : 'No sessions in the log.'}</p></section>`, rows: [] };
  }
  const listed = listedSessions(c, limits.sessionRows);
  const data: SessionRowData[] = listed.map(({ session: s, troubled }) => ({
    c: shownControls(s.client), s: s.start, d: s.durationMs, e: s.endReason, m: s.messagesIn + s.messagesOut, p: troubled ? 1 : 0,
  }));
  const headers = ['client', 'user', 'address', 'MQTT', 'start', 'duration', 'ended', 'msgs in/out', 'line'].map((name) => {
    const key = sortable.find(([, label]) => label === name)?.[0];
    const num = name === 'duration' || name === 'msgs in/out';
    return key ? `<th data-sort="${key}"${num ? ' class="num"' : ''}><button type="button" data-key="${key}">${name}</button></th>` : `<th>${name}</th>`;
  }).join('');
  const rows = listed.map(({ session: s, troubled }, i) => {
    const address = endpoint(s.address, s.port) ?? '-';
    const end = `<span class="chip end-${s.endReason}${troubled && troubledEnds.has(s.endReason) ? ' fails' : ''}">${s.endReason}</span>${s.endDetail ? ` <span class="muted">${htmlText(s.endDetail)}</span>` : ''}`;
    return `<tr data-i="${i}"><td class="client">${htmlText(s.client)}</td><td class="client">${s.username === null ? '-' : htmlText(s.username)}</td><td class="mono nowrap">${htmlText(address)}${bridgeNote(s)}</td>`
      + `<td>${htmlText(s.mqttVersion ?? '-')}</td><td class="nowrap">${time(s.start, ctx)}</td><td class="num">${ms(s.durationMs, c.wholeSeconds)}</td><td>${end}</td>`
      + `<td class="num">${c.debugLines ? `${s.messagesIn}/${s.messagesOut}` : '-'}</td><td class="where">${htmlText(location(s.startAt))}</td></tr>`;
  });
  const html = [head,
    `<div class="controls" id="session-controls" hidden><label>Client id <input type="search" id="session-filter" list="session-clients" placeholder="filter by client id" autocomplete="off"></label><datalist id="session-clients"></datalist>`
    + '<label><input type="checkbox" id="session-troubled"> only sessions with problems</label><span class="muted" id="session-shown"></span></div>',
    `<div class="table-wrap"><table id="sessions-table"><thead><tr>${headers}</tr></thead><tbody>`,
    rows.join('\n'),
    '</tbody></table></div>',
    more(overview.count - listed.length, 'session(s)', 'sessions with problems are listed first'),
    '</section>'].join('\n');
  return { html, rows: data };
}
