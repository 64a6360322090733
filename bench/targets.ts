/**
 * The performance targets, checked against a bench run's rows and printed under the table.
 */
import type { BenchRow } from './run.js';

/** One target: what it asks, what was measured, and whether it holds (null: not measured). */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

const twoMillion = 2_000_000;
const tenMillion = 10_000_000;
const mosqlogCommands = ['parse', 'summary', 'report'] as const;

function rowFor(rows: readonly BenchRow[], command: BenchRow['command'], lines: number): BenchRow | undefined {
  return rows.find((r) => r.command === command && r.lines === lines && r.style === 'epoch' && r.status === 'ok');
}

const notMeasured = (sizes: string): Pick<TargetCheck, 'measured' | 'met'> => ({ measured: `not measured (needs --sizes ${sizes})`, met: null });

/** Checks each target on the epoch-style rows of the 2 M and 10 M line logs. */
export function checkTargets(rows: readonly BenchRow[]): TargetCheck[] {
  const checks: TargetCheck[] = [];

  const summary = rowFor(rows, 'summary', twoMillion);
  const ratio = summary?.ratioToBaseline;
  checks.push({
    target: 'summary at 2M lines: at most 1.5x the baseline',
    ...(ratio == null ? notMeasured('2M') : { measured: `${ratio.toFixed(2)}x`, met: ratio <= 1.5 }),
  });

  const parse = rowFor(rows, 'parse', twoMillion);
  checks.push({
    target: 'parse at 2M lines: at least 1,000,000 lines/s',
    ...(parse?.linesPerSecond === undefined ? notMeasured('2M') : { measured: `${parse.linesPerSecond.toLocaleString('en-US')} lines/s`, met: parse.linesPerSecond >= 1_000_000 }),
  });

  const at2M = mosqlogCommands.map((c) => [c, rowFor(rows, c, twoMillion)?.medianPeakRssMiB] as const);
  const measured2M = at2M.filter((e): e is readonly [typeof e[0], number] => typeof e[1] === 'number');
  checks.push({
    target: 'peak RSS at 2M lines: at most 128 MiB',
    ...(measured2M.length === 0
      ? notMeasured('2M')
      : { measured: measured2M.map(([c, rss]) => `${c} ${rss.toFixed(1)} MiB`).join(', '), met: measured2M.every(([, rss]) => rss <= 128) }),
  });

  const growth = measured2M.flatMap(([c, rss2M]) => {
    const rss10M = rowFor(rows, c, tenMillion)?.medianPeakRssMiB;
    return typeof rss10M === 'number' ? [[c, rss10M / rss2M - 1] as const] : [];
  });
  checks.push({
    target: 'peak RSS at 10M lines: within 10% of 2M',
    ...(growth.length === 0
      ? notMeasured('2M,10M')
      : { measured: growth.map(([c, g]) => `${c} ${g >= 0 ? '+' : ''}${(g * 100).toFixed(1)}%`).join(', '), met: growth.every(([, g]) => g <= 0.1 + 1e-9) }),
  });
  return checks;
}

/** The checks as lines of text, one per target. */
export function renderTargets(checks: readonly TargetCheck[]): string {
  const verdict = (met: boolean | null): string => (met === null ? '-' : met ? 'met' : 'NOT met');
  const width = Math.max(...checks.map((c) => c.target.length));
  const lines = checks.map((c) => `  ${c.target.padEnd(width)}  ${verdict(c.met).padEnd(7)}  ${c.measured}`);
  return `\ntargets (2-core machine; ratios, not absolute times, are the result):\n${lines.join('\n')}\n`;
}
