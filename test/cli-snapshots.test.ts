/**
 * Every reporter of every everyday command on every fixture log, colour off, times masked.
 * The snapshots under test/snapshots/fixtures/ are the specification of the output.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixtureLogs } from './support/fixtures.js';
import { viewFormats } from './support/view-formats.js';
import { hasControlBytes, runCli, runFromRepoRoot } from './support/run-cli.js';
import { assertSnapshot } from './support/snapshot.js';

runFromRepoRoot();

const commands = viewFormats;

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
