import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchRow } from '../bench/run.js';
import { checkTargets, renderTargets } from '../bench/targets.js';

function row(command: BenchRow['command'], lines: number, wall: number, rss: number, ratio: number | null): BenchRow {
  return {
    lines, style: 'epoch', command, commandLine: command, status: 'ok', runs: [],
    medianWallSeconds: wall, linesPerSecond: Math.round(lines / wall), medianPeakRssMiB: rss, ratioToBaseline: ratio,
  };
}

const baseline2M = row('baseline', 2e6, 1, 3, 1);

test('targets hold when every figure is inside its bound', () => {
  const rows = [
    baseline2M, row('parse', 2e6, 1.9, 100, 1.9), row('summary', 2e6, 1.5, 110, 1.5), row('report', 2e6, 1.5, 128, 1.5),
    row('parse', 1e7, 9.5, 110, 1.9), row('summary', 1e7, 7.5, 121, 1.5), row('report', 1e7, 7.5, 140, 1.5),
  ];
  assert.deepEqual(checkTargets(rows).map((c) => c.met), [true, true, true, true]);
});

test('each target fails on its own figure', () => {
  const rows = [
    baseline2M, row('parse', 2e6, 2.1, 100, 2.1), row('summary', 2e6, 1.6, 129, 1.6), row('report', 2e6, 1.5, 100, 1.5),
    row('parse', 1e7, 9.5, 100, 1.9), row('summary', 1e7, 7.5, 130, 1.5), row('report', 1e7, 7.5, 111, 1.5),
  ];
  const checks = checkTargets(rows);
  assert.deepEqual(checks.map((c) => c.met), [false, false, false, false]);
  assert.equal(checks[1]?.measured, '952,381 lines/s');
  assert.equal(checks[3]?.measured, 'parse +0.0%, summary +0.8%, report +11.0%');
  assert.match(renderTargets(checks), /NOT met {2}1\.60x/);
});

test('targets without their rows are reported as not measured', () => {
  const checks = checkTargets([row('baseline', 2e5, 0.1, 2, 1), row('summary', 2e5, 0.4, 90, 4)]);
  assert.deepEqual(checks.map((c) => c.met), [null, null, null, null]);
  assert.match(checks[3]?.measured ?? '', /--sizes 2M,10M/);
});
