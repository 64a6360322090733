/**
 * Takeovers back and forth: the third within five minutes makes a `takeover-flapping` finding,
 * the takeovers that follow closely count in it, and the run is over (its finding settled) once
 * five minutes pass without one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlappingFinding } from '../src/correlate/index.js';
import { FlappingWatch, type Takeovers, flappingWindowMs } from '../src/correlate/flapping.js';

const minute = 60_000;
const at = (line: number): { file: string; line: number } => ({ file: 'f.log', line });

test('the third takeover within the window makes the finding; those that follow closely count in it until the run is over', () => {
  const settled: FlappingFinding[] = [];
  const watch = new FlappingWatch((f) => settled.push(f));
  const t: Takeovers = { recent: [], run: null };
  assert.equal(watch.takeover(t, 'c', 0, at(1), false), null);
  assert.equal(watch.takeover(t, 'c', 2 * minute, at(2), false), null);
  const finding = watch.takeover(t, 'c', 4 * minute, at(3), true);
  assert.ok(finding);
  assert.deepEqual([finding.takeovers, finding.windowMs, finding.inferred, finding.at.map((w) => w.line)], [3, 4 * minute, false, [3, 1, 2]]);
  assert.equal(watch.watching, true);
  // Within the window of the one before: the same run.
  assert.equal(watch.takeover(t, 'c', 8 * minute, at(4), false), null);
  assert.deepEqual([finding.takeovers, finding.windowMs, finding.at.map((w) => w.line)], [4, 8 * minute, [3, 1, 2, 4]]);
  assert.equal(watch.recentAt(t, 8 * minute + flappingWindowMs), true);
  watch.before(8 * minute + flappingWindowMs);
  assert.deepEqual(settled, [], 'five minutes exactly is still within it');
  assert.equal(watch.recentAt(t, 8 * minute + flappingWindowMs + 1), false);
  watch.before(8 * minute + flappingWindowMs + 1);
  assert.deepEqual(settled, [finding]);
  assert.equal(watch.watching, false);
});

test('takeovers further apart than the window, or a new run after one is over, start afresh', () => {
  const settled: FlappingFinding[] = [];
  const watch = new FlappingWatch((f) => settled.push(f));
  const t: Takeovers = { recent: [], run: null };
  for (const time of [0, 6, 12, 18].map((m) => m * minute)) assert.equal(watch.takeover(t, 'c', time, at(time), false), null);
  // Then three within five minutes (18, 19, 20), not all inferred (no takeover line said them).
  assert.equal(watch.takeover(t, 'c', 19 * minute, at(19), true), null);
  const run = watch.takeover(t, 'c', 20 * minute, at(20), true);
  assert.deepEqual([run?.takeovers, run?.windowMs, run?.inferred], [3, 2 * minute, false], 'the one at 18 minutes was not inferred');
  const u: Takeovers = { recent: [], run: null };
  for (const m of [0, 1]) watch.takeover(u, 'd', m * minute, at(m), true);
  const inferred = watch.takeover(u, 'd', 2 * minute, at(2), true);
  assert.equal(inferred?.inferred, true);
  // One that a takeover line said makes the run one of takeovers logged.
  assert.equal(watch.takeover(u, 'd', 3 * minute, at(3), false), null);
  assert.deepEqual([inferred?.takeovers, inferred?.inferred], [4, false]);
  // A takeover after the window ends the run and counts as the first of a new one.
  assert.equal(watch.takeover(u, 'd', 9 * minute, at(9), false), null);
  assert.equal(settled.length, 1);
  assert.equal(settled[0]?.client, 'd');
  assert.equal(u.run, null);
});
