/**
 * The HTML report (`mosqlog report --format html`): one self-contained page — style, script,
 * data and SVG charts inline, nothing loaded from anywhere — that opens from disk offline.
 */
import { createHash } from 'node:crypto';
import type { Session, SessionOverview } from '../../correlate/index.js';
import type { ReportContext } from '../context.js';
import type { CiReport } from '../ci/ci-report.js';
import { inputName } from '../text.js';
import { reportScript, reportStyle } from './assets.js';
import { htmlText, scriptJson } from './escape.js';
import { type HtmlLimits, htmlLimits } from './limits.js';
import { renderFlowsSection, renderProblemsSection, renderSessionsSection } from './list-sections.js';
import { renderHeader, renderSummary } from './summary-section.js';
import { renderActivitySection, renderTimelineSection, reportAxis } from './time-sections.js';

/** The CSP source for an inline element's exact text. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's Content-Security-Policy: nothing may load (`default-src 'none'`), and only the
 * page's own style sheet and script may apply or run, named by hash — so markup that escaped
 * escaping still could neither run a script, nor style itself, nor fetch anything.
 */
function contentSecurityPolicy(style: string, script: string): string {
  return `default-src 'none'; style-src ${cspHash(style)}; script-src ${cspHash(script)}; img-src 'none'; base-uri 'none'; form-action 'none'`;
}

/**
 * Renders the report as one HTML document: summary, sessions timeline, activity charts, QoS
 * flows with the latency distribution, problems with `file:line`, and a sortable, filterable
 * sessions table. Times are shown in `ctx.timeZone`. Lists and drawings are capped by
 * `limits`, with a note saying how many were left out. Sessions and completed flows only
 * appear when the correlation kept them (`keepSessions`, `keepFlows: 'all'`).
 */
export function renderHtmlReport(report: CiReport, ctx: ReportContext, limits: HtmlLimits = htmlLimits): string {
  const c = report.correlation;
  const overview = report.sessionOverview ?? overviewOf(c.sessions);
  const axis = reportAxis(c, ctx.timeZone);
  const timeline = renderTimelineSection(c, overview, axis, ctx, limits);
  const sessions = renderSessionsSection(c, overview, ctx, limits);
  const body = [
    renderHeader(report, ctx),
    '<nav class="meta"><a href="#summary">Summary</a> · <a href="#timeline">Timeline</a> · <a href="#activity">Activity</a> · <a href="#flows">QoS flows</a> · <a href="#problems">Problems</a> · <a href="#sessions">Sessions</a></nav>',
    '<main>',
    renderSummary(report, ctx),
    timeline.html,
    renderActivitySection(c, overview, axis, ctx, limits),
    renderFlowsSection(c, ctx, limits, report.selection !== undefined),
    renderProblemsSection(report, ctx, limits),
    sessions.html,
    '</main>',
    `<footer>Made by mosqlog from ${report.inputs.map((i) => htmlText(inputName(i))).join(', ') || 'no input'}. Everything on this page is inline: it loads nothing and works offline. Times in ${htmlText(ctx.timeZone)}.</footer>`,
  ].join('\n');
  const title = `mosqlog report${report.inputs.length ? `: ${report.inputs.map(inputName).join(', ')}` : ''}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(reportStyle, reportScript)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="mosqlog">
<title>${htmlText(title)}</title>
<style>${reportStyle}</style>
</head>
<body>
${body}
<script type="application/json" id="report-data">${scriptJson({ lanes: timeline.lanes, laneSessions: timeline.laneSessions, sessions: sessions.rows })}</script>
<script>${reportScript}</script>
</body>
</html>
`;
}

/** What sessions a correlation that kept them all came to. */
function overviewOf(sessions: readonly Session[]): SessionOverview {
  const byEnd: SessionOverview['byEnd'] = {};
  for (const s of sessions) byEnd[s.endReason] = (byEnd[s.endReason] ?? 0) + 1;
  return { count: sessions.length, sampled: sessions.length, byEnd, spans: () => sessions };
}

/** The HTML reporter as registered for `mosqlog report --format html` (default limits). */
export function renderHtml(report: CiReport, ctx: ReportContext): string {
  return renderHtmlReport(report, ctx);
}
