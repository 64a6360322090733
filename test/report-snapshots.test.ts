/**
 * Every CI format of `mosqlog report` on every fixture log, times masked. The snapshots under
 * test/snapshots/fixtures/<log>/report.<format>.txt are the specification of the output.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ciFormats } from '../src/report/index.js';
import { fixtureLogs } from './support/fixtures.js';
import { besidesExitZeroGate, hasControlBytes, runCli, runFromRepoRoot } from './support/run-cli.js';
import { assertSnapshot } from './support/snapshot.js';

runFromRepoRoot();

/** Rules that give every fixture both failed and passed rules, and findings outside them. */
const rules = 'default,socket-error,takeover>1';

for (const log of fixtureLogs()) {
  describe(log, () => {
    for (const format of ciFormats) {
      test(`report --format ${format}`, async () => {
        const result = await runCli(['report', log, '--format', format, '--fail-on', rules, '--exit-zero']);
        assert.equal(result.code, 0);
        assert.equal(besidesExitZeroGate(result.stderr), '');
        assert.equal(hasControlBytes(result.stdout), false, 'no ESC or C1 control, whatever the log holds');
        // The HTML page is checked by its structure and in a browser (report-html tests), not as text.
        if (format === 'html') assert.match(result.stdout, /^<!DOCTYPE html>/);
        else assertSnapshot(`${log.replace(/\.log$/, '')}/report.${format}`, result.stdout);
      });
    }
  });
}
