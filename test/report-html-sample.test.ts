/**
 * The HTML report keeps some sessions only: of those that ended in trouble and of the others,
 * the first and the latest few thousand, with every session's span and end counted. Below that
 * the page is what it is with every session kept, with or without a selection; past it, the page
 * says how many it counted and did not keep, and its counts and chart cover them all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Selection, type Session, SessionSample, compileSelection, correlateRecords, parseTimeBound, selectCorrelation, sessionSelected,
} from '../src/correlate/index.js';
import { renderHtmlReport } from '../src/report/html/index.js';
import { htmlLimits } from '../src/report/html/limits.js';
import { findingsInOrder } from '../src/report/index.js';
import { parseLine } from '../src/parse/index.js';
import { plainContext } from './support/ci-report.js';
import { fixtureLogs } from './support/fixtures.js';
import { reportOfLog } from './support/html-report.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

/** The parts of a page drawn from sessions: the timeline, the activity charts, the sessions table and the page script's data. */
function sessionParts(html: string): string[] {
  return ['timeline', 'activity', 'sessions'].map((id) => new RegExp(`<section id="${id}">[\\s\\S]*?</section>`).exec(html)?.[0] ?? `no ${id}`)
    .concat(/<script type="application\/json" id="report-data">[\s\S]*?<\/script>/.exec(html)?.[0] ?? 'no data');
}

test('on every fixture, with and without a selection, the sessions the page draws are those it draws with every session kept', async () => {
  for (const log of fixtureLogs()) {
    const whole = await reportOfLog(log, { keepSessions: true, keepFlows: 'unfinished', keepAttempts: false });
    const first = whole.correlation.sessions[0];
    const selections: Array<[string[], Selection]> = [[[], {}], [['--since', '2m'], { since: parseTimeBound('2m') ?? undefined }]];
    if (first) selections.push([['--client', first.client], { clients: [first.client] }]);
    if (first?.end != null) {
      const until = new Date(first.end).toISOString();
      selections.push([['--until', until], { until: parseTimeBound(until) ?? undefined }]);
    }
    for (const [args, selection] of selections) {
      const page = await runCli(['report', '--format', 'html', '--fail-on', 'none', '--tz', 'UTC', ...args, log]);
      assert.equal(page.code, 0, `${log} ${args.join(' ')}: ${page.stderr}`);
      const c = selectCorrelation(whole.correlation, selection);
      const expected = renderHtmlReport({ ...whole, correlation: { ...c, findings: findingsInOrder(c.findings, c.files) } }, plainContext);
      assert.deepEqual(sessionParts(page.stdout), sessionParts(expected), `${log} ${args.join(' ')}`);
    }
  }
});

/** `n` sessions of client `c<i>`, one a second, each a second long; every `troubledEvery`-th ends in a keepalive timeout. */
function manySessions(n: number, troubledEvery: number): string[] {
  const lines = ['1796000000: mosquitto version 2.0.11 running'];
  for (let i = 0; i < n; i++) {
    const t = 1796000001 + i * 2;
    lines.push(`${t}: New connection from 10.0.0.1:${10000 + i} on port 1883.`, `${t}: New client connected from 10.0.0.1:${10000 + i} as c${i} (p2, c1, k60).`);
    lines.push(i % troubledEvery === 0 ? `${t + 1}: Client c${i} has exceeded timeout, disconnecting.` : `${t + 1}: Client c${i} disconnected.`);
  }
  return lines;
}

test('past its cap the sample keeps the first and the latest sessions of each kind, and counts every one', () => {
  const c = correlateRecords(manySessions(40, 4).map((l, i) => parseLine(l, { file: 'f.log', line: i + 1 })), { keepSessions: true });
  const sample = new SessionSample(() => true, 3);
  for (const s of c.sessions) sample.add(s);
  const { sessions, overview } = sample.result(compileSelection({}, c.last));
  const ids = (list: readonly Session[]): number[] => list.map((s) => Number(s.client.slice(1)));
  // Troubled: 0, 4, … 36 (10); others: the rest (30). Three first and three latest of each, in the order they ended.
  assert.deepEqual(ids(sessions), [0, 1, 2, 3, 4, 8, 28, 32, 36, 37, 38, 39]);
  assert.equal(overview.count, 40);
  assert.deepEqual(overview.byEnd, { timeout: 10, disconnect: 30 });
  assert.equal([...overview.spans()].length, 40);
  assert.deepEqual([...overview.spans()][1], { start: 1796000003000, end: 1796000004000, endReason: 'disconnect' });
  // A window selects among all of them, not only those kept.
  const window = sample.result(compileSelection({ since: { at: 1796000041000 }, until: { at: 1796000050000 } }, c.last));
  assert.equal(window.overview.count, 5);
  assert.deepEqual(ids(window.sessions), []);
  // The sessions the sample is told to leave out are not counted either.
  const odd = new SessionSample((s) => sessionSelected(s, compileSelection({ clients: ['c1*'] }, null)), 3);
  for (const s of c.sessions) odd.add(s);
  assert.equal(odd.result(compileSelection({}, c.last)).overview.count, 11);
});

test('a page of sessions sampled says how many it did not keep, and counts them in its legend, chart and table note', async () => {
  const c = correlateRecords(manySessions(40, 4).map((l, i) => parseLine(l, { file: 'f.log', line: i + 1 })), { keepSessions: true });
  const sample = new SessionSample(() => true, 3);
  for (const s of c.sessions) sample.add(s);
  const { sessions, overview } = sample.result(compileSelection({}, c.last));
  const whole = await reportOfLog('fixtures/sample.log');
  const html = renderHtmlReport({ ...whole, correlation: { ...c, sessions }, sessionOverview: overview }, plainContext, { ...htmlLimits, sessionRows: 5 });
  assert.match(html, /28 more session\(s\) were counted but not kept to draw or list: [^<]* the first and the latest 3 of each are\./);
  // The table lists 5 of the 40.
  assert.match(html, /35 more session\(s\) not shown/);
  // The legend counts every session, not the 12 kept.
  const timeline = /<section id="timeline">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  assert.match(timeline, /disconnect <span class="muted">30<\/span>.*timeout <span class="muted">10<\/span>/);
  assert.match(timeline, /their client has no session drawn \(it connected before the log began, or its sessions were not kept\)/);
  // Sessions open over time: 40 one-second sessions two seconds apart, each in the two one-second
  // buckets it touches, at most one open in each: all 40 are charted, not the 12 kept.
  assert.match(html, /Sessions open per second \(peak 1\)/);
  assert.equal(html.match(/: 1 session\(s\) open/g)?.length, 80);
});
