/**
 * The sessions timeline: one lane per client id (a bridge's marked ⇄), a bar per session from
 * connect to end coloured by how it ended, a marker per problem at its time, and a dashed line per broker
 * restart.
 */
import type { Finding, Session } from '../../correlate/index.js';
import { bridgeRole, describeFinding, findingTitle, troubledEnds } from '../finding-text.js';
import { sessionsInStartOrder } from '../log-order.js';
import { elideMiddleColumns, formatDuration, formatTime, location, shownControls } from '../text.js';
import { chartWidth, openSvg, renderTimeTicks, svgNumber, tickAnchor } from './charts.js';
import { htmlText } from './escape.js';
import type { TimeAxis } from './time-axis.js';

/** One client's lane. */
export interface Lane {
  client: string;
  sessions: Session[];
  /** Problems about this client that have a time. */
  findings: Finding[];
}

/** The lanes chosen for the timeline, and how many clients were left out. */
export interface LanePlan {
  lanes: Lane[];
  hiddenClients: number;
}

/**
 * One lane per client id, in the order clients first connected. Past `maxLanes`, clients with
 * a problem or a troubled session end are kept first, then the earliest others.
 */
export function planLanes(sessions: readonly Session[], findings: readonly Finding[], maxLanes: number, files: readonly string[] = []): LanePlan {
  const byClient = new Map<string, Lane & { order: number; troubled: boolean }>();
  for (const s of sessionsInStartOrder(sessions, files)) {
    let lane = byClient.get(s.client);
    if (!lane) {
      lane = { client: s.client, sessions: [], findings: [], order: byClient.size, troubled: false };
      byClient.set(s.client, lane);
    }
    lane.sessions.push(s);
    if (troubledEnds.has(s.endReason)) lane.troubled = true;
  }
  for (const f of findings) {
    const lane = f.client !== null ? byClient.get(f.client) : undefined;
    if (!lane) continue;
    lane.troubled = true;
    if (f.time !== null) lane.findings.push(f);
  }
  const all = [...byClient.values()];
  const kept = all.length <= maxLanes ? all
    : [...all.filter((l) => l.troubled), ...all.filter((l) => !l.troubled)].slice(0, maxLanes).sort((a, b) => a.order - b.order);
  return { lanes: kept.map(({ client, sessions: s, findings: f }) => ({ client, sessions: s, findings: f })), hiddenClients: all.length - kept.length };
}

/** What the timeline needs besides its lanes. */
export interface TimelineSpec {
  lanes: readonly Lane[];
  axis: TimeAxis;
  /** Broker restarts (drawn across every lane). */
  restarts: readonly Finding[];
  timeZone: string;
  /** Bars drawn at most; past it, sessions that ended in trouble are drawn first, the others left out and counted. */
  maxBars: number;
  /** Markers drawn at most; past it, errors are drawn first. */
  maxMarkers: number;
  /** Whether the log has debug lines, by which alone a session's messages are counted. */
  debugLines: boolean;
  /** Whether the log's times are whole seconds ({@link formatDuration}). */
  wholeSeconds: boolean;
}

const laneHeight = 18;
/** Columns of a lane label (a wide character takes two), to fit left of the axis. */
const labelChars = 28;

/** A client id, with which way it is a bridge ({@link bridgeRole}) when it is one. */
function withRole(client: string, role: string | null): string {
  return role === null ? client : `${client} (${role})`;
}

/** A session's bar's tooltip; its messages are counted only from debug lines (`debugLines`). */
function sessionTooltip(s: Session, timeZone: string, { debugLines, wholeSeconds }: Pick<TimelineSpec, 'debugLines' | 'wholeSeconds'>): string {
  const end = s.end !== null ? formatTime(s.end, timeZone) : s.endReason === 'open' ? 'still open' : '?';
  return [
    withRole(s.client, bridgeRole(s)),
    `${formatTime(s.start, timeZone)} → ${end} (${formatDuration(s.durationMs, wholeSeconds)})`,
    `ended: ${s.endReason}${s.endDetail ? ` (${s.endDetail})` : ''}`,
    debugLines ? `${s.messagesIn} message(s) in, ${s.messagesOut} out` : null,
    location(s.startAt),
  ].filter((line) => line !== null).map(htmlText).join('\n');
}

function findingTooltip(f: Finding, timeZone: string): string {
  return [`${findingTitle(f)} (${f.code})`, formatTime(f.time, timeZone), describeFinding(f), location(f.at[0])].map(htmlText).join('\n');
}

/**
 * Which of `items` (in lane order) are drawn when at most `max` may be: those `first` picks, then
 * the others, each in lane order.
 */
function chooseDrawn<T>(items: readonly T[], max: number, first: (item: T) => boolean): ReadonlySet<T> {
  if (items.length <= max) return new Set(items);
  return new Set([...items.filter(first), ...items.filter((item) => !first(item))].slice(0, max));
}

/**
 * Renders the timeline as one SVG, with the drawn and left-out counts. Lane labels carry
 * `data-lane` (their index) so the page script can filter the sessions table by that client.
 */
export function renderSessionTimeline(spec: TimelineSpec): { svg: string; bars: number; skippedBars: number; markers: number; skippedMarkers: number } {
  const { axis, lanes, timeZone } = spec;
  const top = 22;
  const bottom = top + lanes.length * laneHeight;
  const height = bottom + 22;
  const right = axis.left + axis.width;
  const out = [openSvg(height, `Sessions timeline: ${lanes.length} client(s), one lane each`, 'chart timeline')];
  out.push(`<rect class="plot" x="${axis.left}" y="${top}" width="${axis.width}" height="${bottom - top}"/>`);
  for (const tick of axis.ticks) {
    out.push(`<text class="tick" x="${svgNumber(axis.x(tick.time))}" y="${top - 8}" text-anchor="${tickAnchor(axis, tick.time)}">${htmlText(tick.label)}</text>`);
  }
  out.push(renderTimeTicks(axis, top, bottom));
  const drawnBars = chooseDrawn(lanes.flatMap((l) => l.sessions.filter((s) => s.start !== null)), spec.maxBars, (s) => troubledEnds.has(s.endReason));
  const drawnMarkers = chooseDrawn(lanes.flatMap((l) => l.findings.filter((f) => f.time !== null)), spec.maxMarkers, (f) => f.severity === 'error');
  let bars = 0;
  let skippedBars = 0;
  let markers = 0;
  let skippedMarkers = 0;
  const clampX = (t: number): number => Math.min(right, Math.max(axis.left, axis.x(t)));
  for (const [i, lane] of lanes.entries()) {
    const y = top + i * laneHeight;
    // A bridge's lane is marked ⇄ before its id, and named so in its tooltip.
    const role = lane.sessions.map(bridgeRole).find((r) => r !== null) ?? null;
    const label = `${role === null ? '' : '⇄ '}${elideMiddleColumns(shownControls(lane.client), role === null ? labelChars : labelChars - 2)}`;
    const title = withRole(lane.client, role);
    out.push(`<g class="lane" data-lane="${i}">`);
    if (i % 2 === 1) out.push(`<rect class="stripe" x="0" y="${y}" width="${chartWidth}" height="${laneHeight}"/>`);
    out.push(`<text class="lane-label" x="${axis.left - 8}" y="${y + 13}" text-anchor="end"><title>${htmlText(title)}</title>${htmlText(label)}</text>`);
    for (const s of lane.sessions) {
      if (s.start === null) continue;
      if (!drawnBars.has(s)) {
        skippedBars++;
        continue;
      }
      const end = s.end ?? (s.endReason === 'open' ? axis.end : s.start);
      const x0 = clampX(s.start);
      const x1 = clampX(end);
      out.push(`<rect class="session end-${s.endReason}" x="${svgNumber(x0)}" y="${y + 4}" width="${svgNumber(Math.max(2, x1 - x0))}" height="${laneHeight - 8}"><title>${sessionTooltip(s, timeZone, spec)}</title></rect>`);
      bars++;
    }
    for (const f of lane.findings) {
      if (f.time === null) continue;
      if (!drawnMarkers.has(f)) {
        skippedMarkers++;
        continue;
      }
      const x = clampX(f.time);
      const cy = y + laneHeight / 2;
      out.push(`<path class="marker sev-${f.severity}" d="M${svgNumber(x)} ${svgNumber(cy - 6)}l5 6l-5 6l-5-6z"><title>${findingTooltip(f, timeZone)}</title></path>`);
      markers++;
    }
    out.push('</g>');
  }
  for (const f of spec.restarts) {
    if (f.time === null) continue;
    const x = svgNumber(clampX(f.time));
    out.push(`<line class="restart" x1="${x}" x2="${x}" y1="${top}" y2="${bottom}"><title>${findingTooltip(f, timeZone)}</title></line>`);
  }
  out.push(`<line class="axis" x1="${axis.left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>`);
  out.push('</svg>');
  return { svg: out.join(''), bars, skippedBars, markers, skippedMarkers };
}
