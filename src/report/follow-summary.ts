/**
 * What `mosqlog follow` says on stderr when it stops (Ctrl-C, SIGTERM, SIGHUP, end of stdin, the end of the `--until` window):
 * a few lines on what was seen while following.
 */
import type { EndReason, FindingCode, LiveSnapshot } from '../correlate/index.js';
import type { ReportContext } from './context.js';
import { formatDuration, safeText } from './text.js';

/** Facts about the input that the snapshot does not hold. */
export interface FollowSummaryInfo {
  /** The path followed, or `-`. */
  source: string;
  /** Files switched because of rotation, truncation or re-creation. */
  switches: number;
  /** Why the follow ended. */
  ending: FollowEnding;
  /** The `--until` bound, or null. */
  until: number | null;
}

/** Why a follow ended: stopped by a signal, its input ended (stdin, a pipe), or its `--until` window closed. */
export type FollowEnding = 'stopped' | 'input ended' | 'until';

function counts<K extends string>(map: Partial<Record<K, number>>): string {
  return Object.entries<number | undefined>(map)
    .filter((e): e is [string, number] => (e[1] ?? 0) > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

function total(map: Partial<Record<string, number>>): number {
  let n = 0;
  for (const v of Object.values(map)) n += v ?? 0;
  return n;
}

function endingText(info: FollowSummaryInfo): string {
  if (info.ending === 'until' && info.until !== null) return `reached --until ${new Date(info.until).toISOString()}`;
  return info.ending;
}

/** The summary, several lines, each ending in a newline. */
export function renderFollowSummary(s: LiveSnapshot, info: FollowSummaryInfo, ctx: ReportContext): string {
  const ends = counts<EndReason>(s.endReasons);
  const found = counts<FindingCode>(s.findings);
  const lines = [
    `${ctx.chalk.bold('mosqlog follow')} ${safeText(info.source)}: ${endingText(info)} after ${formatDuration(s.elapsedMs)}`,
    `  lines     ${s.lines}${s.historyLines > 0 ? ` (after ${s.historyLines} of history)` : ''}`,
    `  sessions  ${s.sessionsStarted} started, ${s.sessionsEnded} ended${ends ? ` (${ends})` : ''}, ${s.sessionsOpen} open`,
    `  flows     ${s.flowsInFlight} in flight${s.flowsStalled > 0 ? `, ${s.flowsStalled} stalled while connected` : ''}`,
    `  findings  ${total(s.findings)}${found ? ` (${found})` : ''}`,
  ];
  if (s.failedConnections > 0) lines.push(`  failed    ${s.failedConnections} connection(s) that did not become a session`);
  if (info.switches > 0) lines.push(`  files     switched ${info.switches} time(s) (rotation or truncation)`);
  return `${lines.join('\n')}\n`;
}
