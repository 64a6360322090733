/**
 * `sessions` as a table or Markdown reads the log in one pass and holds the sessions it lists, at
 * most the first `sessionsListLimit`, rather than every session of the log: the same sessions,
 * in the same order, as NDJSON lists, and a warning that says how many more there were.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sessionsListLimit } from '../src/cli/commands/sessions-list.js';
import { fixtureLogs } from './support/fixtures.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

/** Client and start line of each session a Markdown listing shows, in order. */
function markdownSessions(markdown: string): string[] {
  return markdown.split('\n').filter((line) => line.startsWith('| `')).map((line) => `${line.split(' | ')[0]?.slice(3, -1)} ${/:(\d+)`* \|$/.exec(line)?.[1]}`);
}

/** The same of each session an NDJSON listing shows. */
function ndjsonSessions(ndjson: string): string[] {
  return ndjson.split('\n').filter(Boolean).map((line) => {
    const session = JSON.parse(line) as { client: string; startAt: { line: number } };
    return `${session.client} ${session.startAt.line}`;
  });
}

describe('sessions as a table or Markdown', () => {
  test('every fixture log: the sessions NDJSON lists, in its order, with and without a selection', async () => {
    let listed = 0;
    for (const log of fixtureLogs()) {
      for (const options of [[], ['--client', '*a*'], ['--until', '2026-11-26T14:13:52Z']]) {
        const markdown = await runCli(['sessions', '--format', 'markdown', ...options, log]);
        const ndjson = await runCli(['sessions', '--format', 'ndjson', ...options, log]);
        assert.equal(markdown.code, ndjson.code, `${log} ${options.join(' ')}`);
        // Start lines: a Markdown cell shows an id escaped.
        const lineOf = (session: string): string => session.slice(session.lastIndexOf(' ') + 1);
        const sessions = markdownSessions(markdown.stdout).map(lineOf);
        assert.deepEqual(sessions, ndjsonSessions(ndjson.stdout).map(lineOf), `${log} ${options.join(' ')}`);
        listed += sessions.length;
      }
    }
    assert.ok(listed > 50, `the fixtures list sessions (${listed})`);
  });

  test(`lists the first ${sessionsListLimit.toLocaleString('en-US')} sessions in the order they started, one open to the log's end first, and says how many more there were`, async () => {
    const lines = ['1795700000: New client connected from 127.0.0.1:50000 as stays (p2, c1, k60).'];
    const more = sessionsListLimit + 2;
    for (let i = 0; i < more; i++) lines.push(`1795700001: New client connected from 127.0.0.1:${10_000 + (i % 50_000)} as c${i} (p2, c1, k60).`, `1795700002: Client c${i} disconnected.`);
    const stdin = `${lines.join('\n')}\n`;
    const markdown = await runCli(['sessions', '--format', 'markdown', '-'], { stdin });
    assert.equal(markdown.code, 0, markdown.stderr);
    const sessions = markdownSessions(markdown.stdout);
    assert.equal(sessions.length, sessionsListLimit);
    assert.equal(sessions[0], 'stays 1');
    assert.ok(sessions.slice(1).every((session, i) => session === `c${i} ${2 + 2 * i}`), 'then the others, in the order they started');
    assert.equal(markdown.stderr, `mosqlog: warning: the Markdown lists the first ${sessionsListLimit.toLocaleString('en-US')} sessions; 3 more were left out (--format ndjson lists every session; --client or --since/--until narrow the list)\n`);

    // A window counted back from the end waits for the whole log, and lists the same.
    const windowed = await runCli(['sessions', '--format', 'markdown', '--since', '100000d', '-'], { stdin });
    assert.deepEqual([windowed.code, windowed.stdout, windowed.stderr], [0, markdown.stdout, markdown.stderr]);

    const table = await runCli(['sessions', '--client', 'c*', '-'], { stdin });
    assert.ok(table.stderr.startsWith(`mosqlog: warning: the table lists the first ${sessionsListLimit.toLocaleString('en-US')} sessions; 2 more were left out `), table.stderr);
    assert.equal(table.stdout.trimEnd().split('\n').length, 1 + sessionsListLimit, 'a header and a line a session');
  });
});
