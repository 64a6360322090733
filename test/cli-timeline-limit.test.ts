/**
 * `timeline` as a table or Markdown holds at most `timelineListLimit` entries, and says how many
 * more there were; NDJSON written while the log is read lists every entry.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { timelineHeldLimit, timelineListLimit } from '../src/cli/commands/timeline.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

/** One client's connect, then `messages` QoS 0 PUBLISH lines of it: an entry each, its session open to the end. */
function oneClientLog(messages: number): string {
  const lines = [
    '1795700000: New connection from 127.0.0.1:50000 on port 1883.',
    '1795700000: New client connected from 127.0.0.1:50000 as pub (p2, c1, k60).',
  ];
  for (let i = 0; i < messages; i++) lines.push(`1795700001: Received PUBLISH from pub (d0, q0, r0, m0, 'plant/line-${i}', ... (8 bytes))`);
  return `${lines.join('\n')}\n`;
}

/** The line numbers of a Markdown timeline's entries, in order. */
function markdownLines(markdown: string): number[] {
  return markdown.split('\n').filter((line) => line.startsWith('| 2')).map((line) => Number(/:(\d+) \|$/.exec(line)?.[1]));
}

describe('timeline as a table or Markdown', () => {
  test(`holds the first ${timelineListLimit.toLocaleString('en-US')} entries and counts the rest; NDJSON lists them all`, async () => {
    assert.ok(timelineListLimit < timelineHeldLimit);
    const stdin = oneClientLog(timelineListLimit + 4);
    const limitText = timelineListLimit.toLocaleString('en-US');

    const markdown = await runCli(['timeline', '--format', 'markdown', '-'], { stdin });
    assert.equal(markdown.code, 0, markdown.stderr);
    const lines = markdownLines(markdown.stdout);
    assert.equal(lines.length, timelineListLimit);
    assert.ok(lines.every((line, i) => line === i + 2), 'the connect, then the messages in order');
    assert.equal(markdown.stderr, `mosqlog: warning: the timeline holds its first ${limitText} entries; 5 more were left out (narrow it with --client, --since/--until or --topic; --format ndjson lists every entry)\n`);

    const table = await runCli(['timeline', '-'], { stdin });
    assert.equal(table.stderr, markdown.stderr);
    assert.equal(table.stdout.split('\n').filter((line) => line.startsWith('  2')).length, timelineListLimit);

    const ndjson = await runCli(['timeline', '--format', 'ndjson', '-'], { stdin });
    assert.deepEqual([ndjson.code, ndjson.stderr], [0, '']);
    assert.equal(ndjson.stdout.trimEnd().split('\n').length, timelineListLimit + 5);

    // A window counted back from the end waits for the whole log in NDJSON too, which then holds more.
    const windowed = await runCli(['timeline', '--format', 'markdown', '--since', '1d', '-'], { stdin });
    assert.deepEqual([windowed.code, markdownLines(windowed.stdout).length], [0, timelineListLimit]);
    assert.ok(windowed.stderr.endsWith('more were left out (narrow it with --client, --since/--until or --topic)\n'), windowed.stderr);
  });
});
