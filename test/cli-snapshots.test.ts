/**
 * Every reporter of every everyday command on every fixture log, colour off, times masked.
 * The snapshots under test/snapshots/fixtures/ are the specification of the output.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flowsReporters, problemsReporters, sessionsReporters } from '../src/report/lists.js';
import { summaryReporters } from '../src/report/summary.js';
import { timelineReporters } from '../src/report/timeline.js';
import { fixtureLogs } from './support/fixtures.js';
import { hasControlBytes, runCli, runFromRepoRoot } from './support/run-cli.js';
import { assertSnapshot } from './support/snapshot.js';

runFromRepoRoot();

/** Commands and the formats their registries offer (so a new format needs a snapshot). */
const commands = {
  summary: Object.keys(summaryReporters),
  sessions: Object.keys(sessionsReporters),
  flows: Object.keys(flowsReporters),
  problems: Object.keys(problemsReporters),
  timeline: Object.keys(timelineReporters),
} as const;

const machine = new Set(['json', 'ndjson']);

for (const log of fixtureLogs()) {
  describe(log, () => {
    for (const [command, formats] of Object.entries(commands)) {
      for (const format of formats) {
        test(`${command} --format ${format}`, async () => {
          const result = await runCli([command, '--no-color', '--format', format, log]);
          assert.equal(result.stderr, '');
          assert.equal(result.code, 0);
          assert.equal(hasControlBytes(result.stdout), false, 'no ESC or C1 byte with colour off');
          if (format === 'json') JSON.parse(result.stdout);
          if (format === 'ndjson') for (const line of result.stdout.split('\n').filter(Boolean)) JSON.parse(line);
          if (!machine.has(format)) assert.ok(result.stdout.endsWith('\n'), 'output ends with a newline');
          assertSnapshot(`${log.replace(/\.log$/, '')}/${command}.${format}`, result.stdout);
        });
      }
    }
  });
}
