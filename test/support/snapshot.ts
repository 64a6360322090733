/**
 * File snapshots for node:test, which has none: `assertSnapshot(name, text)` compares text
 * with `test/snapshots/<name>.txt` after masking times. `UPDATE_SNAPSHOTS=1 npm test` writes
 * the files; without it a missing file fails the test.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { repoPath } from './fixtures.js';

const isoTime = /\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?/g;
const tableTime = /\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/g;

/**
 * Masks ISO 8601 times and the `YYYY-MM-DD HH:MM:SSZ` times tables show by turning their digits
 * into `#`, so snapshots do not change when a fixture is captured again and columns stay aligned.
 */
export function maskTimes(text: string): string {
  const mask = (time: string): string => time.replace(/\d/g, '#');
  return text.replace(isoTime, mask).replace(tableTime, mask);
}

/** Where the snapshot called `name` lives (in the source tree, not in dist/). */
export function snapshotPath(name: string): string {
  return repoPath(`test/snapshots/${name}.txt`);
}

/** True when this run should (re)write snapshots instead of comparing. */
export function updatingSnapshots(): boolean {
  return process.env.UPDATE_SNAPSHOTS === '1';
}

/** Asserts that `actual` (times masked) equals the stored snapshot `name`. */
export function assertSnapshot(name: string, actual: string): void {
  const path = snapshotPath(name);
  const masked = maskTimes(actual);
  if (updatingSnapshots()) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== masked) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, masked);
    }
    return;
  }
  if (!existsSync(path)) {
    assert.fail(`snapshot ${name} is missing (test/snapshots/${name}.txt): run UPDATE_SNAPSHOTS=1 npm test to create it, then review it`);
  }
  assert.equal(masked, readFileSync(path, 'utf8'), `snapshot ${name} differs; if the change is intended, run UPDATE_SNAPSHOTS=1 npm test and review the diff`);
}
