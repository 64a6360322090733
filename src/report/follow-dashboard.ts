/**
 * The live summary of `mosqlog follow --dashboard`: a fixed block of lines (sessions open,
 * rates, flows in flight, recent problems) that the CLI redraws in place. Every line fits in
 * `ctx.width - 1` columns, so the terminal never wraps it and the block keeps its height.
 */
import { type LiveSnapshot, findingCodes } from '../correlate/index.js';
import type { ReportContext } from './context.js';
import { describeFinding } from './finding-text.js';
import { displayWidth, elideEndColumns, elideMiddleColumns, formatDuration, formatTime, safeText } from './text.js';

/** Facts the snapshot does not hold. */
export interface DashboardInfo {
  source: string;
  /** The latest notice about the input (waiting, rotated…), or null. */
  status: string | null;
}

/** Lines shown for recent problems, so the block's height does not change. */
const dashboardRecentRows = 5;

function rate(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

/**
 * The findings per code, most severe first, as many as fit whole in `width` columns, then how
 * many codes are left out: a code cut short, or left out unsaid, hides a problem.
 */
function findingsLine(counts: LiveSnapshot['findings'], width: number): string {
  const entries = findingCodes.filter((code) => (counts[code] ?? 0) > 0).map((code) => `${code} ${counts[code]}`);
  let line = '';
  let shown = 0;
  for (const entry of entries) {
    const candidate = line === '' ? entry : `${line}  ${entry}`;
    const left = entries.length - shown - 1;
    if (displayWidth(left > 0 ? `${candidate}  +${left} more` : candidate) > width) break;
    line = candidate;
    shown++;
  }
  const hidden = entries.length - shown;
  return hidden === 0 ? line : `${line}${line === '' ? '' : '  '}+${hidden} more`;
}

/** The dashboard as lines without newlines; always the same number of lines. */
export function renderDashboard(s: LiveSnapshot, info: DashboardInfo, ctx: ReportContext): string[] {
  const max = Math.max(20, ctx.width - 1);
  // Columns, not characters: a wide character (CJK, emoji) takes two.
  const fit = (text: string): string => elideMiddleColumns(text, max);
  const { chalk } = ctx;
  const label = (text: string): string => chalk.dim(text.padEnd(16));
  const findings = findingsLine(s.findings, max - 16);
  const head = fit(`mosqlog follow ${safeText(info.source)}  ·  ${formatDuration(s.elapsedMs)}  ·  log time ${formatTime(s.lastLogTime, ctx.timeZone)}`);
  const lines = [
    chalk.bold(head),
    label('sessions open') + fit(`${s.sessionsOpen}    started ${s.sessionsStarted}  ended ${s.sessionsEnded}  failed ${s.failedConnections}`).slice(0, max - 16),
    label('rates /s') + `lines ${rate(s.rates.lines)}  messages ${rate(s.rates.messages)}  connects ${rate(s.rates.connects)}`.slice(0, max - 16),
    label('flows in flight') + String(s.flowsInFlight) + (s.flowsStalled > 0 ? chalk.yellow(`    stalled ${s.flowsStalled}`) : ''),
    label('findings') + (findings === '' ? chalk.green('none') : findings),
    chalk.dim('recent problems'),
  ];
  const recent = s.recent.slice(-dashboardRecentRows);
  for (let i = 0; i < dashboardRecentRows; i++) {
    const r = recent[i];
    if (!r) {
      lines.push('');
      continue;
    }
    const f = r.finding;
    // On a narrow terminal the time and the code are cut too: the row never wraps.
    const prefix = elideEndColumns(`  ${formatTime(f.time, ctx.timeZone)} ${f.code} `, max);
    const room = max - displayWidth(prefix);
    const text = room > 0 ? elideEndColumns(safeText(describeFinding(f)), room) : '';
    const paint = f.severity === 'error' ? chalk.red : f.severity === 'warning' ? chalk.yellow : chalk.dim;
    lines.push(`${paint(prefix)}${text}`);
  }
  lines.push(info.status === null ? '' : chalk.yellow(fit(safeText(info.status))));
  return lines;
}
