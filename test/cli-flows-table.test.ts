/**
 * `flows` as a table or Markdown reads the log in one pass and holds the flows it lists, at most
 * the first `flowsListLimit`, rather than every flow of the log: the same flows, in the same
 * order, as NDJSON lists, and a warning that says how many more there were.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flowsListLimit } from '../src/cli/commands/flows-list.js';
import { fixtureLogs } from './support/fixtures.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

/** Direction, message id and line of the PUBLISH (or first step) of each flow a Markdown listing shows, in order. */
function markdownFlows(markdown: string): string[] {
  return markdown.split('\n').filter((line) => line.startsWith('| `')).map((line) => {
    const cells = line.split(' | ');
    return `${cells[1]} ${cells[2]} ${/:(\d+)`* \|$/.exec(line)?.[1]}`;
  });
}

/** The same of each flow an NDJSON listing shows. */
function ndjsonFlows(ndjson: string): string[] {
  return ndjson.split('\n').filter(Boolean).map((line) => {
    const flow = JSON.parse(line) as { direction: string; mid: number; steps: Array<{ at: { line: number } }> };
    return `${flow.direction} ${flow.mid} ${flow.steps[0]?.at.line}`;
  });
}

describe('flows as a table or Markdown', () => {
  test('every fixture log: the flows NDJSON lists, in its order, with and without a selection', async () => {
    let listed = 0;
    for (const log of fixtureLogs()) {
      for (const options of [[], ['--incomplete'], ['--client', '*a*'], ['--topic', '+/#']]) {
        const markdown = await runCli(['flows', '--format', 'markdown', ...options, log]);
        const ndjson = await runCli(['flows', '--format', 'ndjson', ...options, log]);
        assert.equal(markdown.code, ndjson.code, `${log} ${options.join(' ')}`);
        const flows = markdownFlows(markdown.stdout);
        assert.deepEqual(flows, ndjsonFlows(ndjson.stdout), `${log} ${options.join(' ')}`);
        listed += flows.length;
      }
    }
    assert.ok(listed > 100, `the fixtures list flows (${listed})`);
  });

  test(`lists the first ${flowsListLimit.toLocaleString('en-US')} flows in the order they started, a flow held to the log's end first, and says how many more there were`, async () => {
    const lines = [
      '1795700000: New connection from 127.0.0.1:50000 on port 1883.',
      '1795700000: New client connected from 127.0.0.1:50000 as away (p2, c0, k60).',
      "1795700000: Sending PUBLISH to away (d0, q1, r0, m1, 'cmd/away', ... (4 bytes))",
      '1795700001: Client away closed its connection.',
    ];
    const complete = flowsListLimit + 2;
    for (let i = 0; i < complete; i++) {
      const mid = (i % 65_535) + 1;
      lines.push(`1795700002: Received PUBLISH from pub (d0, q1, r0, m${mid}, 'plant/line-${i % 7}', ... (8 bytes))`, `1795700002: Sending PUBACK to pub (m${mid}, rc0)`);
    }
    const stdin = `${lines.join('\n')}\n`;
    const markdown = await runCli(['flows', '--format', 'markdown', '-'], { stdin });
    assert.equal(markdown.code, 0, markdown.stderr);
    const flows = markdownFlows(markdown.stdout);
    assert.equal(flows.length, flowsListLimit);
    assert.equal(flows[0], 'out 1 3');
    assert.ok(flows.slice(1).every((flow, i) => flow === `in ${(i % 65_535) + 1} ${5 + 2 * i}`), 'then the flows of pub, in the order they started');
    assert.ok(markdown.stdout.split('\n').filter((line) => line.startsWith('| `')).every((line, i) => line.startsWith(i === 0 ? '| `away` |' : '| `pub` |')));
    assert.equal(markdown.stderr, `mosqlog: warning: the Markdown lists the first ${flowsListLimit.toLocaleString('en-US')} flows; 3 more were left out (--format ndjson lists every flow; --client, --topic, --since/--until or --incomplete narrow the list)\n`);

    // A window counted back from the end waits for the whole log, and lists the same.
    const windowed = await runCli(['flows', '--format', 'markdown', '--since', '1d', '-'], { stdin });
    assert.deepEqual([windowed.code, windowed.stdout, windowed.stderr], [0, markdown.stdout, markdown.stderr]);

    const table = await runCli(['flows', '--client', 'pub', '-'], { stdin });
    assert.ok(table.stderr.startsWith(`mosqlog: warning: the table lists the first ${flowsListLimit.toLocaleString('en-US')} flows; 2 more were left out `), table.stderr);
    assert.equal(table.stdout.trimEnd().split('\n').length, 1 + flowsListLimit, 'a header and a line a flow');

    const incomplete = await runCli(['flows', '--format', 'markdown', '--incomplete', '-'], { stdin });
    assert.deepEqual([incomplete.code, markdownFlows(incomplete.stdout), incomplete.stderr], [0, ['out 1 3'], '']);
  });
});
