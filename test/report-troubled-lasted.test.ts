/**
 * The summary's clients whose sessions ended in trouble more than once say how long those
 * sessions lasted; when three or more all lasted about as long, something cut them on a timer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Correlation, correlateRecords } from '../src/correlate/index.js';
import { createLineDecoder } from '../src/parse/index.js';
import { renderSummaryJson, renderSummaryMarkdown, renderSummaryTable, timerNotes } from '../src/report/summary.js';
import { plainContext } from './support/ci-report.js';

/** A 1.4 client whose connections end `end` after `lengths` seconds, one after the other. */
function sessions(client: string, lengths: readonly number[], end = 'Socket error on client %s, disconnecting.'): string[] {
  let t = 1585747203;
  return lengths.flatMap((length) => {
    const lines = [
      `${t}: New connection from 10.10.0.10 on port 1883.`,
      `${t}: New client connected from 10.10.0.10 as ${client} (c1, k60, u'clocks').`,
      `${t + length}: ${end.replace('%s', client)}`,
    ];
    t += length + 1;
    return lines;
  });
}

function correlate(lines: readonly string[]): Correlation {
  const decoder = createLineDecoder('f.log');
  return correlateRecords(lines.map((l) => decoder.decode(l)));
}

test('sessions cut after the same time, again and again, are said to be cut on a timer', () => {
  // As a client behind a NAT that drops its mapping every five minutes logs with 1.4.
  const c = correlate(sessions('client-7AD3', [300, 300, 301, 300, 299, 300]));
  assert.deepEqual(c.troubledClients.map((t) => [t.client, t.ends, t.shortestMs, t.longestMs]), [['client-7AD3', 6, 299_000, 301_000]]);
  const note = 'client-7AD3: its 6 sessions that ended in trouble each lasted about 5m 01s, as if something cut its connection on a timer (a NAT, firewall or load balancer limit, or the client itself)';
  assert.deepEqual(timerNotes(c), [note]);
  const table = renderSummaryTable(c, plainContext);
  assert.match(table, /client-7AD3\s+6\s+socket-error 6\s+4m 59s to 5m 01s\n/);
  assert.ok(table.includes(note), table);
  const markdown = renderSummaryMarkdown(c, plainContext);
  assert.ok(markdown.includes('| `client-7AD3` | 6 | socket-error 6 | 4m 59s to 5m 01s |'), markdown);
  assert.ok(markdown.includes(note), markdown);
  const json = JSON.parse(renderSummaryJson(c)) as { troubledClients: Array<{ shortestMs: number | null; longestMs: number | null }> };
  assert.deepEqual(json.troubledClients.map((t) => [t.shortestMs, t.longestMs]), [[299_000, 301_000]]);
});

test("a client id in the timer note is shown safe, as in the table: its control characters escaped", () => {
  const table = renderSummaryTable(correlate(sessions('evil\u001b[31mred', [300, 300, 300])), plainContext);
  assert.ok(!table.includes('\u001b'), table);
  assert.ok(table.includes('evil\\x1b[31mred: its 3 sessions that ended in trouble each lasted about 5m 00s'), table);
});

test('no timer is claimed for lengths that differ, for two sessions, for sessions given up at once, or for keepalive timeouts', () => {
  assert.deepEqual(timerNotes(correlate(sessions('wanders', [30, 300, 120]))), []);
  assert.deepEqual(timerNotes(correlate(sessions('twice', [300, 300]))), []);
  assert.deepEqual(timerNotes(correlate(sessions('at-once', [1, 1, 1, 1]))), []);
  const timeouts = correlate(sessions('silent', [90, 90, 90], 'Client %s has exceeded timeout, disconnecting.'));
  assert.deepEqual([timeouts.troubledClients[0]?.ends, timerNotes(timeouts)], [3, []]);
  // The lengths are still shown.
  assert.match(renderSummaryTable(correlate(sessions('wanders', [30, 300, 120])), plainContext), /wanders\s+3\s+socket-error 3\s+30s to 5m 00s\n/);
});
