/**
 * The report's pictures over time: the sessions timeline and the activity charts (log lines per
 * minute, sessions open over time), on one time axis.
 */
import type { Correlation, SessionOverview, Severity } from '../../correlate/index.js';
import type { ReportContext } from '../context.js';
import { unlistedFindings } from '../lists.js';
import { formatTime, shownControls } from '../text.js';
import { chartWidth, renderTimeBars } from './charts.js';
import type { HtmlLimits } from './limits.js';
import { count, more, time } from './markup.js';
import { eventsPerBucket, openBucketMs, sessionsOpenPerBucket } from './series.js';
import { renderEndLegend } from './summary-section.js';
import { type TimeAxis, createTimeAxis } from './time-axis.js';
import { planLanes, renderSessionTimeline } from './timeline-svg.js';

/**
 * The span the time charts share: the log's first to last time, else the sessions'. A stamp
 * names a whole second, so the axis ends with the last one: the bars of the last second or
 * minute have a width.
 */
export function reportAxis(c: Correlation, timeZone: string): TimeAxis | null {
  let start = c.first;
  let end = c.last;
  for (const s of c.sessions) {
    if (s.start !== null && (start === null || s.start < start)) start = s.start;
    const to = s.end ?? s.start;
    if (to !== null && (end === null || to > end)) end = to;
  }
  if (start === null || end === null) return null;
  const left = 210;
  return createTimeAxis(start, end + 1000, left, chartWidth - left - 14, timeZone);
}

/** The sessions timeline section, and the client ids of its lanes and their sessions (for the page script). */
export function renderTimelineSection(
  c: Correlation, overview: SessionOverview, axis: TimeAxis | null, ctx: ReportContext, limits: HtmlLimits,
): { html: string; lanes: string[]; laneSessions: number[] } {
  const head = '<section id="timeline"><h2>Sessions timeline</h2>';
  if (c.sessions.length === 0) {
    const why = c.sessionCount > 0 ? 'Sessions were not kept for this report.' : 'No sessions in the log.';
    return { html: `${head}<p class="note">${why}</p></section>`, lanes: [], laneSessions: [] };
  }
  if (axis === null) return { html: `${head}<p class="note">The log has no timestamps, so sessions cannot be placed in time; the table below lists them.</p></section>`, lanes: [], laneSessions: [] };
  const plan = planLanes(c.sessions, c.findings, limits.timelineLanes, c.files);
  const restarts = c.findings.filter((f) => f.code === 'broker-restart');
  const drawn = renderSessionTimeline({ lanes: plan.lanes, axis, restarts, timeZone: ctx.timeZone, maxBars: limits.timelineBars, maxMarkers: limits.timelineMarkers, debugLines: c.debugLines, wholeSeconds: c.wholeSeconds });
  // The sessions the timeline is given (the selection's, when one is made), not the whole log's.
  const ends = overview.byEnd;
  // A marker takes its problem's severity colour: the legend names those drawn.
  const severities = severityOrder.filter((sev) => plan.lanes.some((l) => l.findings.some((f) => f.severity === sev)));
  const markerChips = severities.map((sev) => `<span class="chip marker-legend sev-${sev}">${sev} problem</span>`).join('');
  const legend = `${renderEndLegend(ends).replace('</div>', '')}${markerChips}${restarts.length ? '<span class="chip restart-legend">broker restart</span>' : ''}</div>`;
  // A problem whose client has no session here (it connected before the log, or it has no id) has no lane.
  const laned = new Set(c.sessions.map((s) => s.client));
  const unlaned = c.findings.filter((f) => f.time !== null && f.code !== 'broker-restart' && (f.client === null || !laned.has(f.client))).length;
  const html = [head,
    `<p class="note">One lane per client id; a bar per session from connect to end, coloured by how it ended; ◆ marks a problem. Hover for details; click a client id (or Tab to it and press Enter or Space) to filter the sessions table.</p>`,
    legend,
    `<figure id="timeline-chart"><div class="timeline-wrap">${drawn.svg}</div></figure>`,
    more(plan.hiddenClients, 'client(s)', 'lanes go first to clients with problems'),
    more(drawn.skippedBars, 'session bar(s)'),
    unsampledNote(overview.count - c.sessions.length, overview.sampled),
    more(drawn.skippedMarkers, 'problem marker(s)'),
    unlaned > 0 ? `<p class="more">${count(unlaned)} problem(s) have no marker: their client has no session drawn (it connected before the log began${overview.count > c.sessions.length ? ', or its sessions were not kept' : ''}) or none is named. Problems lists them.</p>` : '',
    unkeptNote(unlistedFindings(c)),
    '</section>'].join('\n');
  return { html, lanes: plan.lanes.map((l) => shownControls(l.client)), laneSessions: plan.lanes.map((l) => l.sessions.length) };
}

const severityOrder: readonly Severity[] = ['error', 'warning', 'info'];

/** Sessions counted but not kept to draw or list: a log with more than the page can show. */
function unsampledNote(unsampled: number, sampled: number): string {
  return unsampled > 0
    ? `<p class="more">${count(unsampled)} more session(s) were counted but not kept to draw or list: of the sessions that ended in trouble and of the others, the first and the latest ${count(sampled)} of each are.</p>`
    : '';
}

/** Findings counted but not kept (each code keeps its first ones) have no marker to draw. */
function unkeptNote(unkept: number): string {
  return unkept > 0 ? `<p class="more">${count(unkept)} more problem(s) were counted but not kept, and have no marker.</p>` : '';
}

function per(ms: number): string {
  if (ms === 60_000) return 'minute';
  if (ms === 1000) return 'second';
  return ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${ms / 1000} s`;
}

/** Events per minute and sessions open over time, over the shared axis. */
export function renderActivitySection(c: Correlation, overview: SessionOverview, axis: TimeAxis | null, ctx: ReportContext, limits: HtmlLimits): string {
  const out = ['<section id="activity"><h2>Activity</h2>'];
  if (axis === null) {
    out.push(`<p class="note">${c.lines === 0 ? 'No lines were read' : 'The log has no timestamps'}: no activity over time.</p></section>`);
    return out.join('\n');
  }
  const events = eventsPerBucket(c.perMinute, limits.chartBuckets);
  const total = events.buckets.reduce((n, b) => n + b.value, 0);
  const onlyBucket = events.buckets[0];
  if (events.buckets.length === 1 && onlyBucket) {
    out.push(`<p id="events-chart" class="note">Log lines per minute: all ${count(total)} line(s) fall in the minute from ${time(onlyBucket.start, ctx)}, so there is nothing to chart.</p>`);
  } else if (events.buckets.length > 1) {
    const peak = Math.max(...events.buckets.map((b) => b.value));
    out.push(`<figure id="events-chart"><figcaption>Log lines per ${per(events.bucketMs)} (peak ${count(peak)}, ${count(total)} in all)</figcaption>`,
      renderTimeBars({
        label: `Log lines per ${per(events.bucketMs)}`, buckets: events.buckets, axis, barClass: 'events',
        describe: (b) => `${formatTime(b.start, ctx.timeZone)}: ${count(b.value)} line(s)`,
      }), '</figure>');
  }
  if (overview.count > 0) {
    const bucketMs = openBucketMs(axis.end - axis.start, limits.chartBuckets);
    const open = sessionsOpenPerBucket(overview.spans(), axis.start, axis.end, bucketMs);
    const peak = Math.max(0, ...open.map((b) => b.value));
    out.push(`<figure id="connections-chart"><figcaption>Sessions open per ${per(bucketMs)} (peak ${count(peak)})</figcaption>`,
      renderTimeBars({
        label: `Sessions open per ${per(bucketMs)}`, buckets: open, axis, barClass: 'open-sessions',
        describe: (b) => `${formatTime(b.start, ctx.timeZone)}: ${count(b.value)} session(s) open`,
      }), '</figure>');
  } else if (c.sessionCount > 0) {
    out.push('<p class="note">Sessions were not kept for this report: no connections chart.</p>');
  }
  out.push('</section>');
  return out.join('\n');
}
