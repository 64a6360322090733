import { test } from 'node:test';
import { correlateRecords } from '../src/correlate/index.js';
import { assertMatchesTruth } from './support/compare-truth.js';
import { fixtureLogs, readRecords, readTruth } from './support/fixtures.js';

for (const log of fixtureLogs({ withTruth: true })) {
  test(`${log}: sessions, end reasons and unfinished flows match what the clients did`, async () => {
    assertMatchesTruth(correlateRecords(await readRecords(log), { keepFlows: 'all' }), readTruth(log));
  });
}
