/**
 * `mosqlog report --format markdown`: the verdict and rule table, log content only inside code
 * spans, and a size cap that truncates lists and says so.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { markdownLimits, renderMarkdownReport } from '../src/report/ci/index.js';
import { keepaliveTimeout, plainContext, stalledFlow, stalledOnStdin, syntheticReport } from './support/ci-report.js';
import { codeSpanText, outsideCodeSpans, tableRows } from './support/markdown.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

const omittedMarker = /<!-- mosqlog:omitted (\d+) -->/;

describe('content', () => {
  test('a failed gate lists the rule and the stalled flows', async () => {
    const result = await runCli(['report', 'fixtures/stalled-qos2.log', '--format', 'markdown', '--fail-on', 'flow-incomplete,socket-error']);
    assert.equal(result.code, 1);
    const rows = tableRows(result.stdout);
    const rules = rows.filter((r) => r.length === 4 && /^`[a-z-]+`/.test(r[0] ?? ''));
    assert.deepEqual(rules.map((r) => [r[0]?.split(' ')[0], r[1], r[2]]), [['`flow-incomplete`', '0', '3'], ['`socket-error`', '0', '0']]);
    const where = rows.map((r) => r[2] ?? '').filter((cell) => cell.startsWith('fixtures/'));
    assert.deepEqual(where.map((cell) => cell.split('<br>')[0]), ['fixtures/stalled-qos2.log:28', 'fixtures/stalled-qos2.log:31', 'fixtures/stalled-qos2.log:38']);
    assert.doesNotMatch(result.stdout, omittedMarker);
  });

  test('a flow rule on a log without debug lines, or an empty log, is not checked, as in JUnit; a keepalive rule, on a log without connection lines', async () => {
    const logs: Array<[string, boolean]> = [['1700000000: mosquitto version 2.0.11 starting\n1700000001: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k10).\n', true], ['', false]];
    for (const [stdin, connections] of logs) {
      const result = await runCli(['report', '-', '--format', 'markdown', '--fail-on', 'flow-incomplete,keepalive-timeout'], { stdin });
      const rules = tableRows(result.stdout).filter((r) => r.length === 4 && /^`[a-z-]+`/.test(r[0] ?? ''));
      assert.deepEqual(rules.map((r) => [r[0]?.split(' ')[0], r[3]]), [['`flow-incomplete`', '➖ not checked'], ['`keepalive-timeout`', connections ? '✅ passed' : '➖ not checked']]);
      assert.match(result.stdout, /QoS flows, denied or dropped PUBLISH and SUBSCRIBE packets, and sessions kept or lost were not checked/);
      assert.equal(/`keepalive-timeout` not checked: the log has no connection lines/.test(result.stdout), !connections);
      // JSON and HTML say so too.
      const json = JSON.parse((await runCli(['report', '-', '--format', 'json', '--fail-on', 'flow-incomplete,keepalive-timeout'], { stdin })).stdout) as { gate: { rules: Array<{ code: string; passed: boolean; checked: boolean; uncheckedReason?: string }> } };
      assert.deepEqual(json.gate.rules.map((r) => [r.code, r.passed, r.checked]), [['flow-incomplete', true, false], ['keepalive-timeout', true, connections]]);
      assert.match(json.gate.rules[0]?.uncheckedReason ?? '', /^not checked: the log has no packet lines/);
      const html = (await runCli(['report', '-', '--format', 'html', '--fail-on', 'flow-incomplete,keepalive-timeout'], { stdin })).stdout;
      assert.match(html, /<code>flow-incomplete<\/code><\/td>(?:<td[^>]*>[^<]*<\/td>){2}<td[^>]*><span class="muted" title="not checked: [^"]*">not checked<\/span>/);
      assert.match(html, connections ? /<code>keepalive-timeout<\/code><\/td>(?:<td[^>]*>[^<]*<\/td>){2}<td[^>]*>passed</ : /<code>keepalive-timeout<\/code><\/td>(?:<td[^>]*>[^<]*<\/td>){2}<td[^>]*><span class="muted" title="not checked: the log has no connection lines/);
    }
  });

  test("the broker's errors and warnings close the summary, by message, their text in code spans", async () => {
    const stdin = [
      '1795700000: mosquitto version 2.1.2 starting',
      '1795700000: mosquitto version 2.1.2 running',
      '1795700001: Client a|b`@here has exceeded its receive-maximum quota. This behaviour must be fixed on the client.',
      '1795700002: Error in poll: Interrupted system call.',
      '1795700003: Error in poll: Bad file descriptor.',
    ].join('\n');
    const result = await runCli(['report', '-', '--format', 'markdown', '--fail-on', 'none'], { stdin });
    assert.match(result.stdout, /### Errors and warnings the broker logged \(3 line\(s\)\)\n\n\| Level \| Count \| First message \| Where \|\n\|---\|---:\|---\|---\|\n\| error \| 2 \| `Error in poll: Interrupted system call\.` \| stdin:4 \|\n/);
    const rows = tableRows(result.stdout).filter((r) => r[0] === 'warning');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.length, 4, 'a pipe in the message does not add a cell');
    assert.doesNotMatch(outsideCodeSpans(result.stdout), /@here/);
    assert.doesNotMatch((await runCli(['report', 'fixtures/sample.log', '--format', 'markdown', '--fail-on', 'none'])).stdout, /Errors and warnings the broker logged/);
  });

  test('hostile ids stay inside code spans: no HTML, links or mentions', async () => {
    const result = await runCli(['report', 'fixtures/handmade/hostile-ids.log', '--format', 'markdown', '--fail-on', 'all', '--exit-zero']);
    assert.equal(result.code, 0);
    const markup = outsideCodeSpans(result.stdout).replace(/<br>/g, '');
    assert.doesNotMatch(markup, /<script|@here|\]\(http|&'amp'/);
    assert.equal(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(result.stdout), false);
    const findingRows = tableRows(result.stdout).filter((r) => /^\d{4}-/.test(r[0] ?? ''));
    assert.equal(findingRows.length, 4);
    for (const row of findingRows) assert.equal(row.length, 4, 'a pipe in an id does not add a cell');
  });
});

describe('the views\' Markdown', () => {
  const views = ['summary', 'sessions', 'flows', 'problems', 'timeline'];
  const markupId = '**URGENT** _see_ ~~www.evil.example~~ http://e.invalid/x ops@evil.example cc @octo-org/admins';
  const markupTopic = '**t**/www.evil.example/@here';
  const log = [
    '1795700000: mosquitto version 2.0.11 running',
    `1795700001: New client connected from 10.0.0.1:20001 as ${markupId} (p2, c1, k60, u'@root_user_').`,
    `1795700002: Received PUBLISH from ${markupId} (d0, q1, r0, m5, '${markupTopic}', ... (3 bytes))`,
    `1795700003: Socket error on client ${markupId}, disconnecting.`,
    '',
  ].join('\n');

  test('log text stays inside code spans: no emphasis, autolinks or mentions', async () => {
    for (const view of views) {
      const result = await runCli([view, '--format', 'markdown', '-'], { stdin: log });
      assert.equal(result.code, 0, view);
      const markup = outsideCodeSpans(result.stdout);
      assert.doesNotMatch(markup, /\*\*|_see_|~~|www\.|http|@octo|@here|@root|@evil/, view);
    }
  });

  test('ids and topics read back exactly from their code spans, also in hostile-ids.log', async () => {
    const result = await runCli(['sessions', '--format', 'markdown', 'fixtures/handmade/hostile-ids.log']);
    const clients = tableRows(result.stdout).map((row) => codeSpanText(row[0] ?? ''));
    assert.ok(clients.includes('gh:esc,%0A]]>-- |`@here` [x](http://e.invalid)'), clients.join(' ‖ '));
    assert.equal(outsideCodeSpans(result.stdout).includes('@here'), false);
    const flows = await runCli(['flows', '--format', 'markdown', '-'], { stdin: log });
    const row = tableRows(flows.stdout)[1] ?? [];
    assert.deepEqual([codeSpanText(row[0] ?? ''), codeSpanText(row[4] ?? '')], [markupId, markupTopic]);
  });
});

/** Text outside code spans as GFM shows it: backslash escapes and the entities mosqlog writes undone. */
function readBack(markdown: string): string {
  const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };
  return markdown.replace(/\\([!-/:-@[-`{-~])|&(?:lt|gt|amp);/g, (all, escaped: string | undefined) => escaped ?? entities[all] ?? all);
}

describe('file paths in Markdown read back as written: no emphasis, strikethrough or math', () => {
  const paths = ['__tests__/broker.log', '*broker*.log', '~~old~~/a_b_.log', '$HOME/$USER.log', 'a\\*b<c>&.log'];

  test('report: the inputs and each finding\'s file:line', () => {
    const findings = paths.map((file, i) => stalledFlow(`c${i}`, i + 1, i + 1, file));
    const report = { ...syntheticReport(findings, [{ code: 'flow-incomplete', max: 0 }]), inputs: paths };
    const text = renderMarkdownReport(report, plainContext);
    assert.ok(text.includes('\\_\\_tests\\_\\_/broker.log:1'), text);
    assert.ok(text.includes('\\*broker\\*.log'));
    const where = tableRows(text).filter((r) => /^\d{4}-/.test(r[0] ?? '')).map((r) => readBack(r[2] ?? ''));
    assert.deepEqual(where, paths.map((path, i) => `${path}:${i + 1}`));
    const summaryLine = text.split('\n').find((line) => line.includes('finding(s) · ')) ?? '';
    assert.ok(readBack(summaryLine).includes(paths.join(', ')), summaryLine);
    for (const line of [summaryLine, ...tableRows(text).map((r) => r[2] ?? '')]) {
      assert.doesNotMatch(line.replace(/\\[!-/:-@[-`{-~]/g, ''), /[*_~$]/, line);
    }
  });

  test('the views: a path in a file:line cell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosqlog-md-'));
    try {
      mkdirSync(join(dir, '__tests__'));
      const log = join(dir, '__tests__', '*broker*.log');
      writeFileSync(log, stalledOnStdin);
      const result = await runCli(['problems', '--format', 'markdown', log]);
      assert.equal(result.code, 0, result.stderr);
      const cells = tableRows(result.stdout).map((r) => r.at(-1) ?? '').filter((cell) => cell.includes('broker'));
      assert.ok(cells.length > 0, result.stdout);
      for (const cell of cells) {
        assert.ok(cell.includes('\\_\\_tests\\_\\_/\\*broker\\*.log:'), cell);
        assert.ok(readBack(cell).startsWith(`${log}:`), cell);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('backslashes and pipes in ids cannot add cells', () => {
  const ids = ['a|b', 'a\\|b', 'a\\\\|b|', '|', '\\', '`|`'];
  const report = syntheticReport(ids.map((id, i) => stalledFlow(id, i + 1, i + 1)), [{ code: 'flow-incomplete', max: 0 }]);
  const rows = tableRows(renderMarkdownReport(report, plainContext)).filter((r) => /^\d{4}-/.test(r[0] ?? ''));
  assert.equal(rows.length, ids.length);
  for (const row of rows) assert.equal(row.length, 4, row.join(' ‖ '));
});

test('ids with backslashes and pipes read back exactly from their code spans', () => {
  const ids = ['a|b', 'a\\|b', 'a\\\\|b', '\\', '`|`', 'x\\', '|\\|'];
  const report = syntheticReport(ids.map((id, i) => stalledFlow(id, i + 1, i + 1)), [{ code: 'flow-incomplete', max: 0 }]);
  const rows = tableRows(renderMarkdownReport(report, plainContext)).filter((r) => /^\d{4}-/.test(r[0] ?? ''));
  assert.deepEqual(rows.map((r) => codeSpanText(r[1] ?? '')), ids);
});

describe('size', () => {
  test('long lists are cut per code, and the cut is counted', () => {
    const flows = Array.from({ length: 80 }, (_, i) => stalledFlow(`pub-${i}`, i + 1, i + 1));
    const report = syntheticReport(flows, [{ code: 'flow-incomplete', max: 0 }]);
    const text = renderMarkdownReport(report, plainContext);
    const listed = tableRows(text).filter((r) => /^\d{4}-/.test(r[0] ?? '')).length;
    assert.equal(listed, markdownLimits.rowsPerCode);
    assert.equal(Number(omittedMarker.exec(text)?.[1]), 80 - markdownLimits.rowsPerCode);
  });

  test('the default cap keeps the summary under 1 MiB even with huge client ids', () => {
    const big = 'x'.repeat(70_000);
    const findings = [
      ...Array.from({ length: 3000 }, (_, i) => stalledFlow(`${big}${i}`, i + 1, i + 1)),
      ...Array.from({ length: 3000 }, (_, i) => keepaliveTimeout(`${big}${i}`, 5000 + i)),
    ];
    const text = renderMarkdownReport(syntheticReport(findings, [{ code: 'flow-incomplete', max: 0 }]), plainContext);
    assert.ok(Buffer.byteLength(text) < 1024 * 1024);
    assert.ok(omittedMarker.test(text));
  });

  test('the note under a cut section gives the reason: the per-code limit, the size cap, or both with counts', () => {
    const notes = (text: string): string[] => text.split('\n').filter((line) => /^_\d+ more not listed/.test(line));
    const rowsOf = (text: string): number => tableRows(text).filter((r) => /^\d{4}-/.test(r[0] ?? '')).length;
    const report = (n: number) => syntheticReport(Array.from({ length: n }, (_, i) => stalledFlow(`pub-${i}`, i + 1, i + 1)), [{ code: 'flow-incomplete', max: 0 }]);
    const limited = renderMarkdownReport(report(80), plainContext);
    assert.deepEqual(notes(limited), ['_30 more not listed (beyond the per-code limits)._']);
    const sized = renderMarkdownReport(report(40), plainContext, { ...markdownLimits, maxBytes: 6000 });
    const listed = rowsOf(sized);
    assert.ok(listed > 0 && listed < 40, `${listed} rows`);
    assert.deepEqual(notes(sized), [`_${40 - listed} more not listed (the summary reached its size limit)._`]);
    const both = renderMarkdownReport(report(80), plainContext, { ...markdownLimits, maxBytes: 6000 });
    assert.equal(rowsOf(both), listed);
    assert.deepEqual(notes(both), [`_${80 - listed} more not listed (30 beyond the per-code limits, ${50 - listed} cut where the summary reached its size limit)._`]);
  });

  test('when the byte cap is reached, later sections are left out and counted', () => {
    const findings = [
      ...Array.from({ length: 30 }, (_, i) => stalledFlow(`pub-${i}`, i + 1, i + 1)),
      ...Array.from({ length: 30 }, (_, i) => keepaliveTimeout(`sensor-${i}`, 100 + i)),
    ];
    const report = syntheticReport(findings, [{ code: 'flow-incomplete', max: 0 }]);
    const limits = { ...markdownLimits, maxBytes: 6000 };
    const text = renderMarkdownReport(report, plainContext, limits);
    assert.ok(Buffer.byteLength(text) <= limits.maxBytes);
    const listed = tableRows(text).filter((r) => /^\d{4}-/.test(r[0] ?? '')).length;
    assert.ok(listed > 0 && listed < 60);
    assert.equal(Number(omittedMarker.exec(text)?.[1]), 60 - listed);
    // A code left no room has no section: the footer names it.
    assert.ok(!text.includes('(`keepalive-timeout`, '), 'no section of its own');
    assert.match(text, new RegExp(`_${60 - listed} finding\\(s\\) not listed here, with no room for keepalive-timeout \\(30\\); `));
  });
});

test('an id that starts with :: stands in a Markdown cell as it is: a cell starts no line of the output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosqlog-md-colons-'));
  try {
    const log = join(dir, 'colons.log');
    writeFileSync(log, [
      '1795700001: New connection from 127.0.0.1:50000 on port 1883.',
      '1795700001: New client connected from 127.0.0.1:50000 as ::error::x (p2, c1, k10).',
      '1795700040: Client ::error::x has exceeded timeout, disconnecting.',
    ].join('\n') + '\n');
    for (const command of ['sessions', 'problems']) {
      const out = (await runCli([command, '--format', 'markdown', log])).stdout;
      assert.ok(tableRows(out).some((row) => row.includes('`::error::x`')), `${command}: ${out}`);
      assert.ok(!out.split('\n').some((line) => /^\s*::/.test(line)), command);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
