/**
 * The top of the HTML report: the heading with the gate verdict, and the summary (overview
 * cards, sessions by end, gate rules, problems per kind, clients whose sessions ended in trouble
 * more than once, busiest clients and topics).
 */
import { type Correlation, type EndReason, endReasons } from '../../correlate/index.js';
import type { ReportContext } from '../context.js';
import { attemptOutcomeWords, findingTitles, fromConnackNote, packetLines, versionNotInLog } from '../finding-text.js';
import { attemptOutcomes, cappedCountsNote, describeMissingSpan, describeTroubledEnds, describeTroubledLasted, describeUnread, repeatedTrouble, timerNotes, troubledCappedNote } from '../summary.js';
import { formatBytes, formatDuration, inputName } from '../text.js';
import { type CiReport, codesFound, countOf, uncheckedRule } from '../ci/ci-report.js';
import { htmlText } from './escape.js';
import { cell, count, table, time } from './markup.js';

/**
 * A gate rule's verdict: failed, passed, or not checked, or not fully (its findings come from
 * lines the log lacks, or flows the tracking limit dropped), as the other formats say.
 */
function ruleVerdict(report: CiReport, rule: CiReport['gate']['rules'][number]): string {
  if (!rule.passed) return '<span class="fails">failed</span>';
  const unchecked = uncheckedRule(report, rule);
  return unchecked === null ? 'passed' : `<span class="muted" title="${htmlText(unchecked.reason)}">${unchecked.label}</span>`;
}

/** Why rules were not checked, or not fully, under the gate's table: each reason once, with its rules. */
function uncheckedNotes(report: CiReport): string {
  const rules = new Map<string, string[]>();
  for (const rule of report.gate.rules) {
    const unchecked = uncheckedRule(report, rule);
    if (unchecked !== null) rules.set(unchecked.reason, [...(rules.get(unchecked.reason) ?? []), rule.code]);
  }
  return [...rules].map(([reason, codes]) => `<p class="note">${codes.map((code) => `<code>${code}</code>`).join(', ')}: ${htmlText(reason)}.</p>`).join('');
}

/** The page heading: inputs, when it was made, the gate verdict, the selection, the warnings. */
export function renderHeader(report: CiReport, ctx: ReportContext): string {
  const { gate } = report;
  const verdict = gate.rules.length === 0 ? '<span class="badge off">no --fail-on rules</span>'
    : gate.passed ? '<span class="badge pass">gate passed</span>'
      : `<span class="badge fail">gate failed${gate.enforced ? '' : ' (not enforced)'}</span>`;
  const inputs = report.inputs.length ? report.inputs.map((i) => `<code>${htmlText(inputName(i))}</code>`).join(', ') : '<span class="muted">no input</span>';
  // Part of the page is of the selection, part of the whole log: the page says which.
  const selection = report.selection === undefined ? '' : `
<p class="note" id="selection">Selection: <code>${htmlText(report.selection)}</code>. The gate, the problems, the timeline, the sessions listed and their chart, and the QoS flows listed are the selection's; the other counts and charts cover the whole log.</p>`;
  const warnings = report.warnings?.length ? `
<div id="warnings"><p class="fails">Warnings, as written to stderr:</p><ul>${report.warnings.map((w) => `<li>${htmlText(w)}</li>`).join('')}</ul></div>` : '';
  return `<header>
<h1>mosqlog report</h1>
<p class="meta">${inputs} · made ${time(report.generatedAt.getTime(), ctx)} · times in ${htmlText(ctx.timeZone)}</p>
<p>${verdict}</p>${selection}${warnings}
</header>`;
}

function card(key: string, value: string, sub = ''): string {
  return `<div class="card"><div class="k">${key}</div><div class="v">${value}</div>${sub ? `<div class="s">${sub}</div>` : ''}</div>`;
}

/** Chips naming each session end counted, in its timeline colour, with its count. */
export function renderEndLegend(counts: Partial<Record<EndReason, number>>): string {
  const ends = endReasons.filter((r) => (counts[r] ?? 0) > 0);
  if (ends.length === 0) return '';
  return `<div class="legend">${ends.map((r) => `<span class="chip end-${r}">${r} <span class="muted">${counts[r] ?? 0}</span></span>`).join('')}</div>`;
}

/** The note under a top list whose counts are lower bounds. */
function cappedNote(capped: boolean, what: 'clients' | 'topics'): string {
  return capped ? `<p class="note">${htmlText(cappedCountsNote(what))}</p>` : '';
}

function complete(c: Correlation): number {
  return c.flowTotals.qos1.complete + c.flowTotals.qos2.complete;
}

function flowTroubleText(c: Correlation): string {
  const t = c.flowTotals;
  return `${t.qos1.incomplete + t.qos2.incomplete} incomplete, ${t.qos1.refused + t.qos2.refused} refused, ${c.orphanAcks} ack(s) without a flow`;
}

/** Overview cards, sessions by end, the gate rules, problems per code, busiest clients and topics. */
export function renderSummary(report: CiReport, ctx: ReportContext): string {
  const c = report.correlation;
  const span = c.first !== null && c.last !== null
    ? card('Time span', htmlText(formatDuration(c.last - c.first, c.wholeSeconds)), `${time(c.first, ctx)} → ${time(c.last, ctx)}`)
    : card('Time span', describeMissingSpan(c));
  const problems = codesFound(report).reduce((n, code) => n + countOf(report, code), 0);
  const out = ['<section id="summary"><h2>Summary</h2><div class="cards">',
    span,
    card('Broker', c.brokerVersions.length ? htmlText(c.brokerVersions.join(', ')) : htmlText(versionNotInLog(c)), `${c.brokerStarts} start(s)${c.brokerFailedStarts > 0 ? `, ${c.brokerFailedStarts} failed` : ''}${c.brokerReloads > 0 ? `, ${c.brokerReloads} config reload(s)` : ''}`),
    card('Lines', count(c.lines), describeUnread(c)),
    card('Clients', `${c.clientsCapped ? 'at least ' : ''}${count(c.clients)}`, `${count(c.sessionCount)} session(s)${htmlText(fromConnackNote(c))}, ${count(c.attemptCount)} failed connection(s)`),
    c.debugLines ? card('QoS 1/2 flows', `${count(complete(c))} complete`, flowTroubleText(c)) : card('QoS 1/2 flows', 'unknown', htmlText(`the log has no ${packetLines}`)),
    card('Problems', count(problems), problems ? `${codesFound(report).length} kind(s)` : 'none found'),
    '</div>'];
  if (c.sessionCount > 0) out.push('<h3>Sessions by end</h3>', renderEndLegend(c.sessionsByEnd));
  const outcomes = attemptOutcomes(c);
  const columns: string[] = [];
  if (report.gate.rules.length > 0) {
    columns.push(`<div><h3>Gate (--fail-on)</h3>${table(['rule', { text: 'allowed', num: true }, { text: 'found', num: true }, 'verdict'],
      report.gate.rules.map((r) => [`<code>${r.code}</code>`, count(r.max), count(r.count), ruleVerdict(report, r)]), new Set([1, 2]))}${uncheckedNotes(report)}</div>`);
  }
  const codes = codesFound(report);
  if (codes.length > 0) {
    columns.push(`<div><h3>Problems by kind</h3>${table(['code', 'what', { text: 'count', num: true }],
      codes.map((code) => [`<a href="#problems-${code}"><code>${code}</code></a>`, htmlText(findingTitles[code]), count(countOf(report, code))]), new Set([2]))}</div>`);
  }
  if (outcomes.length > 0) {
    columns.push(`<div><h3>Failed connections</h3>${table(['outcome', { text: 'count', num: true }, 'what'], outcomes.map(([k, n]) => [htmlText(k), count(n), htmlText(attemptOutcomeWords[k])]), new Set([1]))}</div>`);
  }
  const troubled = repeatedTrouble(c);
  if (troubled.length > 0) {
    const notes = timerNotes(c).map((note) => `<p class="note">${htmlText(note)}</p>`).join('');
    columns.push(`<div><h3>Sessions ended in trouble more than once</h3>${table(['client', { text: 'sessions', num: true }, 'ended by', 'lasted'],
      troubled.map((t) => [cell('client', htmlText(t.client)), count(t.ends), htmlText(describeTroubledEnds(t)), htmlText(describeTroubledLasted(t, c.wholeSeconds))]), new Set([1]))}${notes}${c.troubledClientsCapped ? `<p class="note">${htmlText(troubledCappedNote)}</p>` : ''}</div>`);
  }
  if (c.topClients.length > 0) {
    columns.push(`<div><h3>Busiest clients</h3>${table(['client', { text: 'messages', num: true }, { text: 'bytes', num: true }],
      c.topClients.map((a) => [cell('client', htmlText(a.client)), count(a.messages), htmlText(formatBytes(a.bytes))]), new Set([1, 2]))}${cappedNote(c.topClientsCapped, 'clients')}</div>`);
  }
  if (c.topTopics.length > 0) {
    columns.push(`<div><h3>Busiest topics</h3>${table(['topic', { text: 'messages', num: true }, { text: 'bytes', num: true }],
      c.topTopics.map((a) => [cell('topic', htmlText(a.topic)), count(a.messages), htmlText(formatBytes(a.bytes))]), new Set([1, 2]))}${cappedNote(c.topTopicsCapped, 'topics')}</div>`);
  }
  if (columns.length) out.push(`<div class="columns">${columns.join('\n')}</div>`);
  if (c.unknownExamples.length > 0) {
    out.push(`<h3>Lines not understood (first ${c.unknownExamples.length} of ${c.unknown})</h3>`,
      table(['line'], c.unknownExamples.map((l) => [cell('line', htmlText(l))])));
  }
  out.push('</section>');
  return out.join('\n');
}
