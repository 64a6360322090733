/**
 * The summary's failed connections say what each outcome most often is: connections closed
 * before a CONNECT, as a port check makes them, are the commonest that puzzle a reader.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correlateRecords } from '../src/correlate/index.js';
import { createLineDecoder } from '../src/parse/index.js';
import { attemptOutcomeWords } from '../src/report/finding-text.js';
import { renderSummaryMarkdown, renderSummaryTable } from '../src/report/summary.js';
import { plainContext } from './support/ci-report.js';

test('failed connections by outcome say what each most often is', () => {
  // A port check every minute against 1.4, and a client refused for its password.
  const lines = [
    '1453542000: mosquitto version 1.4.8 (build date 2016) starting',
    ...[0, 1, 2].flatMap((i) => [`${1453542017 + i * 60}: New connection from 127.0.0.1 on port 1883.`, `${1453542017 + i * 60}: Socket error on client <unknown>, disconnecting.`]),
    '1453542300: New connection from 10.0.0.8 on port 1883.',
    '1453542300: Sending CONNACK to 10.0.0.8 (0, 5)',
    '1453542300: Socket error on client <unknown>, disconnecting.',
  ];
  const decoder = createLineDecoder('f.log');
  const c = correlateRecords(lines.map((l) => decoder.decode(l)));
  assert.deepEqual(c.attemptsByOutcome, { closed: 3, 'not-authorised': 1 });
  const table = renderSummaryTable(c, plainContext);
  assert.match(table, /outcome\s+count\s+what\n/);
  assert.ok(table.includes(`closed              3  ${attemptOutcomeWords.closed}\n`), table);
  assert.ok(table.includes(`not-authorised      1  ${attemptOutcomeWords['not-authorised']}\n`), table);
  assert.match(attemptOutcomeWords.closed, /^ended before it sent CONNECT: a port check/);
  const markdown = renderSummaryMarkdown(c, plainContext);
  assert.ok(markdown.includes(`| closed | 3 | ${attemptOutcomeWords.closed} |`), markdown);
});

test('a log of broker lines with no line about a client says why there may be none', () => {
  // Real 2.0.11 with `log_type error`, `warning` and `information`: two clients were refused, which it does not log.
  const quiet = [
    '1796023418: mosquitto version 2.0.11 starting',
    '1796023418: Config loaded from /tmp/cap2/h.conf.',
    '1796023418: Opening ipv4 listen socket on port 18849.',
    '1796023418: mosquitto version 2.0.11 running',
    '1796023419: mosquitto version 2.0.11 terminating',
  ];
  const summary = (lines: readonly string[]): string => {
    const decoder = createLineDecoder('f.log');
    return renderSummaryTable(correlateRecords(lines.map((l) => decoder.decode(l))), plainContext);
  };
  const note = 'no line is about a client: none connected, or log_type leaves out notice';
  assert.ok(summary(quiet).includes(`0 failed connection(s) (${note}`), summary(quiet));
  // A refused login, or no broker line at all, says nothing of it.
  assert.ok(!summary([...quiet.slice(0, 4), '1796023419: Client <unknown> disconnected, not authorised.']).includes(note));
  assert.ok(!summary(['not a broker line']).includes(note));
});
