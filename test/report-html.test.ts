/**
 * The HTML report renderer on fixtures and made-up data: one self-contained page (CSP by hash,
 * nothing loaded from anywhere), log content escaped everywhere, lists capped with a note, times
 * in the asked zone. The browser test (report-html-browser.test.ts) opens the pages for real.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { evaluateGate } from '../src/correlate/gate.js';
import { countFindings } from '../src/correlate/select.js';
import { type Correlation, type Finding, type Flow, type PacketCounts, type Session, correlateRecords } from '../src/correlate/index.js';
import { htmlText, renderHtmlReport, scriptJson } from '../src/report/html/index.js';
import { htmlLimits } from '../src/report/html/limits.js';
import { renderLatencyHistogram } from '../src/report/html/charts.js';
import { latencyHistogram, openBucketMs, sessionsOpenPerBucket } from '../src/report/html/series.js';
import { createTimeAxis } from '../src/report/html/time-axis.js';
import { parseLine } from '../src/parse/index.js';
import type { CiReport } from '../src/report/index.js';
import { keepaliveTimeout, plainContext, stalledFlow } from './support/ci-report.js';
import { fixtureLogs, repoPath } from './support/fixtures.js';
import { reportOfLog } from './support/html-report.js';
import { fixedNow, runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

/** Elements the renderer writes; anything else in a page came from the log. */
const ownElements = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'p', 'code', 'span', 'nav', 'a', 'main', 'section',
  'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'br', 'figure', 'figcaption', 'svg', 'rect', 'line', 'text', 'g', 'path',
  'label', 'input', 'datalist', 'button', 'footer', 'script', 'ul', 'li',
]);

/** The text of each `<tag …>` start tag. */
function startTags(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>/g)].map((m) => m[0]);
}

function tagName(tag: string): string {
  return /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(tag)?.[1]?.toLowerCase() ?? '';
}

/** The contents of `<style>` and of the executable `<script>`, and the JSON data block. */
function inlineParts(html: string): { style: string; script: string; data: string; csp: string } {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(style !== undefined && script !== undefined && data !== undefined && csp !== undefined, 'style, script, data and CSP present');
  return { style, script, data, csp };
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Checks every page must pass, whatever log it shows. */
function assertSelfContained(html: string): void {
  assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  assert.ok(html.endsWith('</html>\n'));
  const { style, script, data, csp } = inlineParts(html);
  assert.match(csp, /^default-src 'none'; /);
  assert.ok(csp.includes(`style-src ${sha256(style)};`), 'style allowed by its hash');
  assert.ok(csp.includes(`script-src ${sha256(script)};`), 'script allowed by its hash');
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|http/);
  assert.equal(html.match(/<script\b/g)?.length, 2, 'the data block and the one inline script');
  assert.equal(html.match(/<style\b/g)?.length, 1);
  assert.doesNotMatch(data, /[<>&]/, 'nothing in the data can end its element');
  JSON.parse(data);
  const tags = startTags(html);
  for (const tag of tags) {
    assert.ok(ownElements.has(tagName(tag)), `unexpected element ${tag}`);
    assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, `event handler attribute in ${tag}`);
    assert.doesNotMatch(tag, /\sstyle\s*=/i, `style attribute (blocked by the CSP) in ${tag}`);
    assert.doesNotMatch(tag, /\s(?:src|href|action|xlink:href|srcset|poster|data)\s*=\s*"(?!#)/i, `a reference that is not a fragment in ${tag}`);
  }
  assert.doesNotMatch(tags.join('\n'), /https?:\/\//, 'no http(s) address in any tag');
  assert.doesNotMatch(html, /<link\b|<img\b|<iframe\b|<object\b|<embed\b|@import|url\(/i);
}

describe('every fixture', () => {
  for (const log of fixtureLogs()) {
    test(`${log}: a self-contained page`, async () => {
      const html = renderHtmlReport(await reportOfLog(log), plainContext);
      assertSelfContained(html);
      for (const id of ['summary', 'timeline', 'activity', 'flows', 'problems', 'sessions']) assert.ok(html.includes(`<section id="${id}">`), id);
    });
  }
});

describe('fixtures/sample.log', () => {
  test('one lane per client, the stalled flow and every problem with file:line', async () => {
    const report = await reportOfLog('fixtures/sample.log');
    const html = renderHtmlReport(report, plainContext);
    assert.doesNotMatch(html, /https?:\/\//, 'no web address anywhere');
    const clients = [...new Set(report.correlation.sessions.map((s) => s.client))];
    assert.equal(html.match(/<g class="lane" data-lane="/g)?.length, clients.length);
    const data = JSON.parse(inlineParts(html).data) as { lanes: string[]; sessions: Array<{ c: string }> };
    assert.deepEqual([...data.lanes].sort(), [...clients].sort());
    assert.equal(data.sessions.length, report.correlation.sessions.length);
    assert.equal(html.match(/<tr data-i="/g)?.length, report.correlation.sessions.length);
    const flows = html.slice(html.indexOf('id="incomplete-flows"'), html.indexOf('<section id="problems">'));
    assert.match(flows, /legacy-logger/);
    assert.match(flows, /incomplete at PUBREC/);
    const problems = html.slice(html.indexOf('<section id="problems">'), html.indexOf('<section id="sessions">'));
    for (const f of report.correlation.findings) {
      const at = f.at[0];
      assert.ok(at && problems.includes(`${at.file}:${at.line}`), `${f.code} at ${at?.line}`);
    }
    assert.match(html, /<figure id="latency-chart">/);
    assert.match(html, /<figure id="connections-chart">/);
  });

  test('incomplete flows are listed in log order, as `flows` lists them', async () => {
    const html = renderHtmlReport(await reportOfLog('fixtures/stalled-qos2.log'), plainContext);
    const flows = html.slice(html.indexOf('id="incomplete-flows"'), html.indexOf('<section id="problems">'));
    const lines = [...flows.matchAll(/stalled-qos2\.log:(\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(lines, [28, 31, 37]);
  });

  test('times are shown in the context time zone', async () => {
    const report = await reportOfLog('fixtures/sample.log');
    const utc = renderHtmlReport(report, plainContext);
    const kolkata = renderHtmlReport(report, { ...plainContext, timeZone: 'Asia/Kolkata' });
    assert.match(utc, /2026-11-26 14:14:03Z/);
    assert.doesNotMatch(kolkata, /14:14:03/);
    assert.match(kolkata, /2026-11-26 19:44:03/);
    assert.match(kolkata, /times in Asia\/Kolkata/);
    assert.match(kolkata, />19:44:05</, 'axis ticks in the zone');
  });

  test('sessions not kept are said, not drawn; the latency chart needs no kept flows', async () => {
    const report = await reportOfLog('fixtures/sample.log', { keepSessions: false, keepFlows: 'none' });
    const html = renderHtmlReport(report, plainContext);
    assertSelfContained(html);
    assert.match(html, /Sessions were not kept for this report/);
    assert.doesNotMatch(html, /data-lane=/);
    assert.match(html, /<figure id="latency-chart">/);
  });
});

test('a log without timestamps lists its sessions and says why nothing is drawn', async () => {
  const report = await reportOfLog('fixtures/prefixes/none.log');
  const html = renderHtmlReport(report, plainContext);
  assertSelfContained(html);
  assert.match(html, /The log has no timestamps, so sessions cannot be placed in time/);
  assert.doesNotMatch(html, /<svg/);
  assert.equal(html.match(/<tr data-i="/g)?.length, report.correlation.sessions.length);
  assert.match(html, /The log has no timestamps: no activity over time/);
});

test('the errors and warnings the broker logged are listed under the problems, by message, escaped, even when no problem was found', async () => {
  const log = [
    '1795700000: mosquitto version 2.1.2 starting',
    '1795700000: mosquitto version 2.1.2 running',
    '1795700001: Client <b>x</b> has exceeded its receive-maximum quota. This behaviour must be fixed on the client.',
    '1795700002: Client y has exceeded its receive-maximum quota. This behaviour must be fixed on the client.',
    '1795700003: Error in poll: Interrupted system call.',
  ].join('\n');
  const html = (await runCli(['report', '--format', 'html', '--fail-on', 'none', '-'], { stdin: log })).stdout;
  assertSelfContained(html);
  assert.match(html, /<p class="note">No problems found\.<\/p>\n<div class="problem-group" id="logged">/);
  const rows = [...html.matchAll(/<tr><td class="nowrap"><span class="sev (\w+)">\w+<\/span><\/td><td class="num">(\d+)<\/td><td class="what">([^<]*)<\/td>.*?<td class="where">([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1));
  assert.deepEqual(rows, [
    ['error', '1', 'Error in poll: Interrupted system call.', 'stdin:5'],
    ['warning', '2', 'Client &lt;b&gt;x&lt;/b&gt; has exceeded its receive-maximum quota. This behaviour must be fixed on the client.', 'stdin:3'],
  ]);
  assert.doesNotMatch((await runCli(['report', '--format', 'html', '--fail-on', 'none', 'fixtures/sample.log'])).stdout, /id="logged"/);
});

test('the summary names the clients whose sessions ended in trouble more than once, as the summary command does', async () => {
  const html = renderHtmlReport(await reportOfLog('fixtures/handmade/v1.4.log'), plainContext);
  assert.match(html, /<h3>Sessions ended in trouble more than once<\/h3><table><thead><tr><th>client<\/th><th class="num">sessions<\/th><th>ended by<\/th><th>lasted<\/th><\/tr><\/thead><tbody>\n<tr><td class="client">handheld-3<\/td><td class="num">2<\/td><td>timeout 1, takeover 1<\/td><td>51s to 1m 32s<\/td><\/tr>\n<\/tbody>/);
  assert.doesNotMatch(renderHtmlReport(await reportOfLog('fixtures/sample.log'), plainContext), /ended in trouble more than once/);
});

test('an empty log says no lines were read, not that the log has no timestamps; standard input is named stdin, as in locations', async () => {
  const html = (await runCli(['report', '--format', 'html', '--fail-on', 'none', '-'], { stdin: '' })).stdout;
  assertSelfContained(html);
  assert.match(html, /No lines were read: no activity over time/);
  assert.doesNotMatch(html, /no timestamps/);
  assert.match(html, /<title>mosqlog report: stdin<\/title>/);
  assert.match(html, /<p class="meta"><code>stdin<\/code>/);
  assert.match(html, /Made by mosqlog from stdin\./);
});

test('bridge sessions are marked beside their address: an outgoing bridge by its name, an incoming one as such', async () => {
  const log = [
    '1795000000: mosquitto version 2.0.11 starting',
    '1795000000: Connecting bridge (step 1) br (127.0.0.1:1883)',
    '1795000000: Bridge vm.br sending CONNECT',
    '1795000000: Received CONNACK on connection local.vm.br.',
    '1795000001: New connection from 127.0.0.1:5000 on port 1883.',
    '1795000001: New bridge connected from 127.0.0.1:5000 as other.br (p2, c0, k60).',
    '1795000002: New connection from 127.0.0.1:5001 on port 1883.',
    '1795000002: New client connected from 127.0.0.1:5001 as plain (p2, c1, k60).',
    '',
  ].join('\n');
  const html = (await runCli(['report', '--format', 'html', '-'], { stdin: log })).stdout;
  const address = (client: string): string => html.match(new RegExp(`<td class="client">${client}</td><td class="client">[^<]*</td><td class="mono nowrap">(.*?)</td>`))?.[1] ?? '';
  assert.equal(address('local\\.vm\\.br'), '127.0.0.1:1883 <span class="muted">outgoing bridge br</span>');
  assert.equal(address('other\\.br'), '127.0.0.1:5000 <span class="muted">incoming bridge</span>');
  assert.equal(address('plain'), '127.0.0.1:5001');
  // The timeline's lanes mark them too.
  const lane = (client: string): string => html.match(new RegExp(`<text class="lane-label"[^>]*><title>${client}[^<]*</title>([^<]*)</text>`))?.[0] ?? '';
  assert.match(lane('local\\.vm\\.br'), /<title>local\.vm\.br \(outgoing bridge br\)<\/title>⇄ local\.vm\.br</);
  assert.match(lane('other\\.br'), /<title>other\.br \(incoming bridge\)<\/title>⇄ other\.br</);
  assert.match(lane('plain'), /<title>plain<\/title>plain</);
});

test('sessions that start in the same second in two files are listed in the order the files were read, as `sessions` lists them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosqlog-html-order-'));
  try {
    const lines = readFileSync(repoPath('fixtures/sample.log'), 'utf8').split('\n');
    writeFileSync(join(dir, 'a.log'), `${lines.slice(0, 60).join('\n')}\n`);
    writeFileSync(join(dir, 'b.log'), lines.slice(60).join('\n'));
    const files = [join(dir, 'a.log'), join(dir, 'b.log')];
    const html = (await runCli(['report', '--format', 'html', '--fail-on', 'none', ...files])).stdout;
    const table = html.slice(html.indexOf('<section id="sessions">'));
    const listed = [...table.matchAll(/<tr[^>]*><td class="client">([^<]*)<\/td>/g)].map((m) => m[1]);
    const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', ...files])).stdout) as { sessions: Array<{ client: string }> };
    assert.deepEqual(listed, sessions.sessions.map((x) => x.client));
    assert.equal(listed[0], 'dashboard');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the timeline's legend names the severities of the markers drawn, and a note counts the problems of no lane", async () => {
  const lines = readFileSync(repoPath('fixtures/sample.log'), 'utf8').split('\n');
  // The log begins after light-sensor-2f connected: its keepalive timeout has no lane.
  const html = (await runCli(['report', '--format', 'html', '--fail-on', 'none', '-'], { stdin: lines.slice(44).join('\n') })).stdout;
  const legend = html.slice(html.indexOf('<section id="timeline">')).match(/<div class="legend">(.*?)<\/div>/)?.[1] ?? '';
  assert.deepEqual([...legend.matchAll(/<span class="chip marker-legend sev-(\w+)">(.*?)<\/span>/g)].map((m) => `${m[1]}: ${m[2]}`), ['error: error problem', 'warning: warning problem']);
  const note = (page: string): string => page.match(/<p class="more">(\d+ problem\(s\) have no marker: [^<]*)<\/p>/)?.[1] ?? '';
  assert.equal(note(html), '1 problem(s) have no marker: their client has no session drawn (it connected before the log began) or none is named. Problems lists them.');
  // The whole log: light-sensor-2f has its lane; the refused login names no client.
  const whole = (await runCli(['report', '--format', 'html', '--fail-on', 'none', 'fixtures/sample.log'])).stdout;
  assert.match(note(whole), /^1 problem/);
  assert.equal(note((await runCli(['report', '--format', 'html', '--fail-on', 'none', 'fixtures/clean-qos.log'])).stdout), '');
});

test('why a rule was not fully checked is written under the gate, not only in a tooltip', async () => {
  const html = (await runCli(['report', '--format', 'html', '--max-open', '2', 'fixtures/sample.log'])).stdout;
  assert.match(html, /<\/table><p class="note"><code>flow-incomplete<\/code>: not fully checked: the tracking limit \(--max-open\) dropped \d+ QoS flow\(s\) before they ended, and what became of them is not counted\.<\/p><\/div>/);
  const all = (await runCli(['report', '--format', 'html', 'fixtures/sample.log'])).stdout;
  assert.doesNotMatch(all, /<p class="note"><code>/);
});

test('under a selection with no unfinished flow, the page does not say every flow of the log completed', async () => {
  const unfinished = (html: string): string => html.slice(html.indexOf('<h3 id="incomplete-flows">')).split('\n')[1] ?? '';
  const light = (await runCli(['report', '--format', 'html', '--fail-on', 'none', '--client', 'light*', 'fixtures/sample.log'])).stdout;
  assert.equal(unfinished(light), '<p class="note">None in the selection (1 in the whole log, counted above).</p>');
  const whole = (await runCli(['report', '--format', 'html', '--fail-on', 'none', 'fixtures/clean-qos.log'])).stdout;
  assert.equal(unfinished(whole), '<p class="note">None: every QoS 1/2 flow completed.</p>');
});

test("under --client, the timeline's legend counts the sessions it draws; the summary's counts the whole log", async () => {
  const html = (await runCli(['report', '--format', 'html', '--fail-on', 'none', '--client', 'legacy-logger', 'fixtures/sample.log'])).stdout;
  const legends = [...html.matchAll(/<div class="legend">(.*?)<\/div>/g)].map((m) => [...(m[1] ?? '').matchAll(/<span class="chip end-([\w-]+)">[\w-]+ <span class="muted">(\d+)<\/span>/g)].map((c) => `${c[1]} ${c[2]}`));
  assert.deepEqual(legends, [['disconnect 4', 'timeout 1', 'takeover 1', 'broker-shutdown 1'], ['broker-shutdown 1']]);
});

describe('hostile log content', () => {
  for (const log of ['fixtures/handmade/xss-ids.log', 'fixtures/handmade/hostile-ids.log']) {
    test(`${log}: ids, usernames and topics only as text`, async () => {
      const report = await reportOfLog(log);
      const html = renderHtmlReport(report, plainContext);
      assertSelfContained(html);
      for (const s of report.correlation.sessions) assert.ok(html.includes(htmlText(s.client)), s.client);
      assert.doesNotMatch(html, /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/, 'no control characters');
    });
  }

  test('xss-ids: the injections appear escaped, and raw in the parsed data', async () => {
    const html = renderHtmlReport(await reportOfLog('fixtures/handmade/xss-ids.log'), plainContext);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;&lt;!--'));
    assert.ok(html.includes('&#39; onmouseover=&#39;alert(5)&#39; x=&#39;'));
    assert.ok(html.includes('&lt;b onclick=alert(4)&gt;user&lt;/b&gt;'));
    assert.ok(html.includes('xss/&lt;svg onload=alert(2)&gt;'));
    const data = JSON.parse(inlineParts(html).data) as { lanes: string[] };
    assert.ok(data.lanes.includes('</script><script>alert(3)</script><!--'));
  });

  test('htmlText escapes the five characters and shows controls', () => {
    assert.equal(htmlText(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    assert.equal(htmlText('a\x1b[31mb\x00c\u202ed'), 'a\\x1b[31mb\\x00c\\u202ed');
  });

  test('scriptJson cannot close its element and parses back to the same value', () => {
    const value = { id: '</script><script>alert(1)</script><!-- & -->', line: '\u2028' };
    const text = scriptJson(value);
    assert.doesNotMatch(text, /[<>&\u2028]/);
    assert.deepEqual(JSON.parse(text), value);
  });
});

function session(i: number, endReason: Session['endReason'] = 'disconnect'): Session {
  const start = 1_700_000_000_000 + i * 1000;
  return {
    client: `client-${String(i % 5000).padStart(5, '0')}`, address: '10.0.0.1', port: 40000 + (i % 20000), listenerPort: 1883,
    mqttVersion: '3.1.1', protocolLevel: 4, cleanSession: true, keepalive: 60, username: null, bridge: false,
    start, end: start + 60_000, durationMs: 60_000, endReason, startAt: { file: 'big.log', line: i * 10 + 1 },
    endAt: { file: 'big.log', line: i * 10 + 9 }, packetsIn: {} as PacketCounts, packetsOut: {} as PacketCounts, messagesIn: i % 7, messagesOut: i % 3,
    bytesIn: 0, bytesOut: 0, subscriptions: 0, lastActivity: start, will: false,
  };
}

function incompleteFlow(i: number): Flow {
  return {
    client: `client-${String(i % 5000).padStart(5, '0')}`, direction: 'out', mid: i % 65535 + 1, qos: 1, topic: 'plant/line/state', payloadBytes: 4,
    state: 'incomplete', stalledAt: 'puback', steps: [{ step: 'publish', time: 1_700_000_000_000 + i * 1000, at: { file: 'big.log', line: i * 10 + 5 } }],
    sessionEnded: false, duplicates: 0, outOfOrder: false, resumed: false,
  };
}

/** A report far larger than any page should list. */
function bigReport(): CiReport {
  const empty = correlateRecords([]);
  const sessions = Array.from({ length: 20_000 }, (_, i) => session(i, i % 9 === 0 ? 'timeout' : 'disconnect'));
  const findings: Finding[] = [
    ...Array.from({ length: 5000 }, (_, i) => stalledFlow(`client-${String(i % 5000).padStart(5, '0')}`, i + 1, i * 10 + 5, 'big.log')),
    ...Array.from({ length: 5000 }, (_, i) => keepaliveTimeout(`client-${String(i % 5000).padStart(5, '0')}`, i * 10 + 9, 'big.log')),
  ];
  const perMinute: Array<[number, number]> = Array.from({ length: 20_000 / 60 + 1 }, (_, i) => [1_700_000_000_000 - 20_000 + i * 60_000, 600]);
  const correlation = {
    ...empty, lines: 2_000_000, first: 1_700_000_000_000, last: 1_700_000_000_000 + 20_060_000, sessions, sessionCount: sessions.length,
    sessionsByEnd: { disconnect: 17_777, timeout: 2223 }, clients: 5000, findings, findingTotals: countFindings(findings), debugLines: true,
    flows: Array.from({ length: 3000 }, (_, i) => incompleteFlow(i)), perMinute,
  };
  const gate = evaluateGate([{ code: 'flow-incomplete', max: 0 }], countFindings(findings));
  return { correlation, gate, inputs: ['big.log'], generatedAt: fixedNow };
}

describe('size caps', () => {
  test('a huge log gives a page under 2 MB that says what it left out', () => {
    const html = renderHtmlReport(bigReport(), plainContext);
    assertSelfContained(html);
    assert.ok(Buffer.byteLength(html) < 2_000_000, `${Buffer.byteLength(html)} bytes`);
    assert.equal(html.match(/<tr data-i="/g)?.length, htmlLimits.sessionRows);
    assert.equal(html.match(/<g class="lane" data-lane="/g)?.length, htmlLimits.timelineLanes);
    assert.match(html, /19,000 more session\(s\) not shown/);
    assert.match(html, /4,880 more client\(s\) not shown/);
    assert.match(html, /2,800 more unfinished flow\(s\) not shown/);
    assert.match(html, /4,950 more flow-incomplete problem\(s\) not shown/);
    assert.match(html, /4,950 more keepalive-timeout problem\(s\) not shown/);
  });

  test('smaller limits list exactly that many', () => {
    const limits = { ...htmlLimits, sessionRows: 10, timelineLanes: 3, flowRows: 4, problemsPerCode: 2, problemRows: 3 };
    const html = renderHtmlReport(bigReport(), plainContext, limits);
    assert.equal(html.match(/<tr data-i="/g)?.length, 10);
    assert.equal(html.match(/<g class="lane" data-lane="/g)?.length, 3);
    const problems = html.slice(html.indexOf('<section id="problems">'), html.indexOf('<section id="sessions">'));
    assert.equal(problems.match(/<tr><td/g)?.length, 3, 'two of the first code, one of the next');
    assert.match(problems, /4,998 more flow-incomplete/);
    assert.match(problems, /4,999 more keepalive-timeout/);
    assert.match(html, /2,996 more unfinished flow\(s\) not shown/);
  });

  test('problems counted but not kept are said to have no marker', () => {
    const report = bigReport();
    const { correlation } = report;
    const totals = { ...correlation.findingTotals, 'keepalive-timeout': 8000 };
    const html = renderHtmlReport({ ...report, correlation: { ...correlation, findingTotals: totals } }, plainContext);
    assert.match(html, /3,000 more problem\(s\) were counted but not kept, and have no marker/);
    assert.doesNotMatch(renderHtmlReport(report, plainContext), /counted but not kept/);
  });

  test('capped lists keep the troubled sessions first', () => {
    const limits = { ...htmlLimits, sessionRows: 50, timelineLanes: 5 };
    const html = renderHtmlReport(bigReport(), plainContext, limits);
    const data = JSON.parse(inlineParts(html).data) as { sessions: Array<{ p: number }> };
    assert.ok(data.sessions.every((s) => s.p === 1));
  });

  test('past the bar cap, the timeline draws the sessions that ended in trouble first', () => {
    const empty = correlateRecords([]);
    // 20 clients of 5 sessions each, in lane order; only the last client's sessions time out.
    const sessions = Array.from({ length: 100 }, (_, i) => ({ ...session(i % 20 + 20 * Math.floor(i / 20), i % 20 === 19 ? 'timeout' : 'disconnect'), client: `c${String(i % 20).padStart(2, '0')}` }));
    const correlation = { ...empty, first: 1_700_000_000_000, last: 1_700_000_200_000, sessions, sessionCount: sessions.length, sessionsByEnd: { disconnect: 95, timeout: 5 } };
    const report: CiReport = { correlation, gate: evaluateGate([], correlation.findingTotals), inputs: ['bars.log'], generatedAt: fixedNow };
    const html = renderHtmlReport(report, plainContext, { ...htmlLimits, timelineBars: 10 });
    const timeline = html.slice(html.indexOf('<figure id="timeline-chart">'), html.indexOf('</figure>', html.indexOf('<figure id="timeline-chart">')));
    assert.equal(timeline.match(/class="session end-timeout"/g)?.length, 5);
    assert.equal(timeline.match(/class="session end-disconnect"/g)?.length, 5);
    assert.match(html, /90 more session bar\(s\)/);
  });
});

describe('chart data', () => {
  test('sessions open per bucket count every bucket a session touches', () => {
    const base = 1_700_000_000_000;
    const at = (s: number): number => base + s * 1000;
    const sessions = [
      { ...session(0), start: at(0), end: at(10) },
      { ...session(1), start: at(5), end: null, endReason: 'open' as const },
      { ...session(2), start: at(7), end: null, endReason: 'closed' as const },
      { ...session(3), start: null, end: null },
    ];
    const buckets = sessionsOpenPerBucket(sessions, at(0), at(19), 5000);
    assert.deepEqual(buckets.map((b) => b.value), [1, 3, 2, 1]);
  });

  test('the last second and minute of a log get bars: every line and the sessions open at its end are drawn', () => {
    const lines = [
      '1795702439: mosquitto version 2.0.11 starting',
      ...['a', 'b', 'c'].flatMap((id, i) => [
        `1795702440: New connection from 127.0.0.1:4000${i} on port 1883.`,
        `1795702440: New client connected from 127.0.0.1:4000${i} as ${id} (p2, c1, k60).`,
      ]),
    ];
    const correlation = correlateRecords(lines.map((text, i) => parseLine(text, { file: 'edge.log', line: i + 1 })), { keepSessions: true });
    const html = renderHtmlReport({ correlation, gate: evaluateGate([], correlation.findingTotals), inputs: ['edge.log'], generatedAt: fixedNow }, plainContext);
    const bars = (id: string): number[] => {
      const figure = html.slice(html.indexOf(`<figure id="${id}">`), html.indexOf('</figure>', html.indexOf(`<figure id="${id}">`)));
      return [...figure.matchAll(/<rect class="[a-z-]+" x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+"><title>[^<]*: (\d+) /g)].map((m) => Number(m[1]));
    };
    assert.deepEqual(bars('events-chart'), [1, 6]);
    assert.deepEqual(bars('connections-chart'), [3]);
  });

  test('bucket widths: under a minute for short logs, whole minutes otherwise', () => {
    assert.equal(openBucketMs(5000, 360), 1000);
    assert.equal(openBucketMs(9 * 60_000, 360), 5000);
    assert.equal(openBucketMs(30 * 60_000, 360), 60_000);
    assert.equal(openBucketMs(24 * 3_600_000, 360), 4 * 60_000);
  });

  test('latency classes count completed flows per QoS', () => {
    const distribution = { qos1: [[0, 2]] as Array<[number, number]>, qos2: [[1000, 1], [400_000, 1]] as Array<[number, number]> };
    const { classes, timed } = latencyHistogram({ latencyDistribution: distribution } as unknown as Correlation);
    assert.equal(timed, 4);
    assert.deepEqual(classes.map((c) => [c.upTo, c.qos1, c.qos2]), [[0, 2, 0], [10, 0, 0], [100, 0, 0], [1000, 0, 1], [5000, 0, 0], [30_000, 0, 0], [300_000, 0, 0], [null, 0, 1]]);
  });

  test('latency classes of a log stamped to the whole second start with the same second and the next', () => {
    const distribution = { qos1: [[0, 445_009], [1000, 3]] as Array<[number, number]>, qos2: [[2000, 1], [400_000, 1]] as Array<[number, number]> };
    const { classes } = latencyHistogram({ latencyDistribution: distribution, wholeSeconds: true } as unknown as Correlation);
    assert.deepEqual(classes.map((c) => [c.label, c.qos1, c.qos2]), [['<1 s', 445_009, 0], ['1 s', 3, 0], ['≤ 5 s', 0, 1], ['≤ 30 s', 0, 0], ['≤ 5 min', 0, 0], ['> 5 min', 0, 1]]);
    const { classes: fine } = latencyHistogram({ latencyDistribution: distribution, wholeSeconds: false } as unknown as Correlation);
    assert.deepEqual(fine.map((c) => c.label), ['0 ms', '≤ 10 ms', '≤ 100 ms', '≤ 1 s', '≤ 5 s', '≤ 30 s', '≤ 5 min', '> 5 min']);
    // Counts on the chart carry thousands separators, as the tables' do.
    assert.match(renderLatencyHistogram(classes), />445,009<\/text>/);
  });

  test('axis ticks fall on round wall-clock times of the zone', () => {
    const start = Date.UTC(2026, 10, 26, 14, 14, 3);
    const utc = createTimeAxis(start, start + 5000, 0, 1000, 'UTC');
    assert.deepEqual(utc.ticks.map((t) => t.label), ['14:14:03', '14:14:04', '14:14:05', '14:14:06', '14:14:07', '14:14:08']);
    const kathmandu = createTimeAxis(start, start + 2 * 3_600_000, 0, 1000, 'Asia/Kathmandu');
    assert.deepEqual(kathmandu.ticks.map((t) => t.label), ['20:00', '20:15', '20:30', '20:45', '21:00', '21:15', '21:30', '21:45']);
    assert.ok(kathmandu.ticks.every((t) => t.time >= start && t.time <= start + 2 * 3_600_000));
    const offset = createTimeAxis(start, start + 2 * 3_600_000, 0, 1000, '+05:45');
    assert.deepEqual(offset.ticks.map((t) => t.label), kathmandu.ticks.map((t) => t.label));
    // Times of day over several days: the first tick of each day names its date.
    const days = createTimeAxis(Date.UTC(2026, 10, 26, 5), Date.UTC(2026, 10, 29, 3), 0, 1000, 'UTC');
    assert.deepEqual(days.ticks.map((t) => t.label), ['11-26 12:00', '11-27 00:00', '12:00', '11-28 00:00', '12:00', '11-29 00:00']);
  });

  test('axis ticks keep to the wall clock across daylight saving: each midnight once, no tick in the hour skipped', () => {
    const autumn = createTimeAxis(Date.UTC(2026, 9, 22, 12), Date.UTC(2026, 9, 27, 12), 0, 1000, 'Europe/Berlin');
    assert.deepEqual(autumn.ticks.map((t) => [t.label, new Date(t.time).toISOString()]), [
      ['10-23', '2026-10-22T22:00:00.000Z'], ['10-24', '2026-10-23T22:00:00.000Z'], ['10-25', '2026-10-24T22:00:00.000Z'],
      ['10-26', '2026-10-25T23:00:00.000Z'], ['10-27', '2026-10-26T23:00:00.000Z'],
    ]);
    const spring = createTimeAxis(Date.UTC(2026, 2, 29, 0), Date.UTC(2026, 2, 29, 3), 0, 1000, 'Europe/Berlin');
    assert.deepEqual(spring.ticks.map((t) => t.label), ['01:00', '01:30', '03:00', '03:30', '04:00', '04:30', '05:00']);
    // The hour repeated as daylight saving ends has its ticks twice, told apart by their offsets.
    const repeated = createTimeAxis(Date.UTC(2026, 9, 25, 0, 20), Date.UTC(2026, 9, 25, 1, 45), 0, 1000, 'Europe/Berlin');
    assert.deepEqual(repeated.ticks.map((t) => [t.label, new Date(t.time).toISOString().slice(11, 16)]), [
      ['02:30+02:00', '00:30'], ['02:45+02:00', '00:45'], ['02:00+01:00', '01:00'], ['02:15+01:00', '01:15'], ['02:30+01:00', '01:30'], ['02:45+01:00', '01:45'],
    ]);
  });
});
