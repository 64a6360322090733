/**
 * Hardening: odd times and odd files are reported, not crashed on. A clock set back or forward
 * mid-log, a log copied twice, two brokers' logs interleaved, one log whose prefix style changes
 * from line to line, and times at the ends of what a date can hold: every command runs (exit 0,
 * nothing on stderr), every line is counted, and no duration is negative.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { repoPath } from './support/fixtures.js';
import { countLines } from './support/records.js';
import { runCli } from './support/run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-hardening-time-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const commands = [['summary'], ['sessions'], ['flows'], ['problems'], ['timeline'], ['report', '--fail-on', 'none', '--format', 'junit']];

interface Session {
  client: string;
  endReason: string;
  start: string | null;
  durationMs: number | null;
}

interface Summary {
  lines: number;
  span: { first: string | null; last: string | null; durationMs: number | null };
  unknown: { count: number };
  broker: { versions: string[]; starts: number };
  sessions: { total: number; byEndReason: Record<string, number> };
  problems: Record<string, number>;
  latencyMs: Record<string, Record<string, number | null>>;
}

function write(name: string, text: string): string {
  const path = join(temp, name);
  writeFileSync(path, text);
  return path;
}

const fixtureText = (relative: string): string => readFileSync(repoPath(relative), 'utf8');

async function json<T>(argv: string[]): Promise<T> {
  const result = await runCli(argv);
  assert.equal(result.code, 0, `${argv.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/**
 * Every command runs cleanly on `path`, every line is counted, and no duration is negative;
 * returns the summary and the sessions.
 */
async function assertRunsCleanly(path: string, extra: string[] = [], warning?: RegExp): Promise<{ summary: Summary; sessions: Session[] }> {
  for (const command of commands) {
    const result = await runCli([...command, ...extra, path]);
    assert.equal(result.code, 0, `${command.join(' ')}: ${result.stderr}`);
    if (warning) assert.match(result.stderr, warning, command.join(' '));
    else assert.equal(result.stderr, '', command.join(' '));
    assert.doesNotMatch(result.stdout, /Invalid Date|NaN|undefined|Infinity/, command.join(' '));
  }
  const summary = await json<Summary>(['summary', '--format', 'json', ...extra, path]);
  assert.equal(summary.lines, countLines(readFileSync(path)), 'every line counted');
  assert.ok(summary.span.durationMs === null || summary.span.durationMs >= 0, `span ${summary.span.durationMs}`);
  assert.equal(Object.values(summary.sessions.byEndReason).reduce((a, b) => a + b, 0), summary.sessions.total);
  for (const l of Object.values(summary.latencyMs)) for (const v of Object.values(l)) assert.ok(v === null || v >= 0);
  const { sessions } = await json<{ sessions: Session[] }>(['sessions', '--format', 'json', ...extra, path]);
  assert.equal(sessions.length, summary.sessions.total);
  for (const s of sessions) assert.ok(s.durationMs === null || s.durationMs >= 0, `${s.client}: duration ${s.durationMs}`);
  const { flows } = await json<{ flows: Array<{ latencyMs?: number }> }>(['flows', '--format', 'json', ...extra, path]);
  for (const f of flows) assert.ok(f.latencyMs === undefined || f.latencyMs >= 0, `latency ${f.latencyMs}`);
  const { findings } = await json<{ findings: Array<{ code: string; gapMs?: number | null }> }>(['problems', '--format', 'json', ...extra, path]);
  for (const f of findings) assert.ok(f.gapMs === undefined || f.gapMs === null || f.gapMs >= 0, `${f.code}: gap ${f.gapMs}`);
  const { entries } = await json<{ entries: Array<{ kind: string; gapMs?: number }> }>(['timeline', '--format', 'json', ...extra, path]);
  for (const e of entries) assert.ok(e.gapMs === undefined || e.gapMs >= 0, `timeline gap ${e.gapMs}`);
  return { summary, sessions };
}

/** The log with its epoch times from line `from` on moved by `seconds`. */
function shiftFrom(text: string, from: number, seconds: number): string {
  return text.split('\n').map((line, i) => (i + 1 >= from ? line.replace(/^(\d+):/, (_, t: string) => `${Number(t) + seconds}:`) : line)).join('\n');
}

describe('the clock changes mid-log', () => {
  const sample = fixtureText('fixtures/sample.log');

  for (const [what, seconds] of [['set back an hour', -3600], ['set back a second', -1], ['set forward a year', 365 * 86_400]] as const) {
    test(`${what}: sessions, flows and timeouts across the change are reported, none with a negative duration`, async () => {
      // Line 60 falls inside sessions and flows of sample.log (legacy-logger's stalled QoS 2).
      const { summary, sessions } = await assertRunsCleanly(write(`clock-${seconds}.log`, shiftFrom(sample, 60, seconds)));
      const plain = await json<{ sessions: Session[] }>(['sessions', '--format', 'json', repoPath('fixtures/sample.log')]);
      assert.deepEqual(sessions.map((s) => [s.client, s.endReason]), plain.sessions.map((s) => [s.client, s.endReason]), 'the same sessions, ending the same way');
      assert.ok((summary.problems['flow-incomplete'] ?? 0) >= 1 && (summary.problems['keepalive-timeout'] ?? 0) >= 1);
    });
  }
});

describe('odd files', () => {
  test('a log copied twice: every line counted, the second start reported as a restart', async () => {
    const once = await json<Summary>(['summary', '--format', 'json', repoPath('fixtures/sample.log')]);
    const sample = fixtureText('fixtures/sample.log');
    const { summary } = await assertRunsCleanly(write('twice.log', sample + sample));
    assert.equal(summary.lines, once.lines * 2);
    assert.equal(summary.broker.starts, 2);
    assert.equal(summary.problems['broker-restart'], 1);
    assert.equal(summary.sessions.total, once.sessions.total * 2);
  });

  test('two brokers interleaved line by line: both versions, every line, every session', async () => {
    const a = fixtureText('fixtures/sample.log').trimEnd().split('\n');
    const b = fixtureText('fixtures/handmade/v1.6.log').trimEnd().split('\n');
    const merged: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) merged.push(...[a[i], b[i]].filter((l): l is string => l !== undefined));
    const { summary } = await assertRunsCleanly(write('interleaved.log', `${merged.join('\n')}\n`));
    assert.equal(summary.lines, a.length + b.length);
    const [versionA, versionB] = [a, b].map((lines) => /mosquitto version (\S+) starting/.exec(lines.join('\n'))?.[1]);
    assert.deepEqual(summary.broker.versions, [versionA, versionB], 'both brokers named');
    assert.equal(summary.problems['broker-restart'], 1, 'the second start is reported');
  });

  test('one log whose prefix changes from line to line reads as the plain one', async () => {
    const styles = ['epoch', 'iso', 'iso-space', 'syslog-rfc3164', 'syslog-rfc5424', 'journal-short-iso', 'journal-short-precise', 'journal-json', 'docker-json', 'docker-compose', 'cri', 'windows-crlf'];
    const texts = styles.map((s) => fixtureText(`fixtures/prefixes/${s}.log`).split('\n'));
    const lines = (texts[0] ?? []).map((_, i) => texts[i % texts.length]?.[i] ?? '');
    const mixed = write('mixed-prefixes.log', lines.join('\n'));
    // Each line's envelope names another writer (a syslog host, a compose service), and they take turns: said as two brokers.
    const { summary, sessions } = await assertRunsCleanly(mixed, ['--year', '2026'], /^mosqlog: warning: \S+ mixes the lines of two brokers \([^\n]*\n$/);
    const plain = await json<{ sessions: Session[] }>(['sessions', '--format', 'json', repoPath('fixtures/prefixes/epoch.log')]);
    assert.equal(summary.unknown.count, 0, 'every line understood');
    assert.deepEqual(sessions.map((s) => [s.client, s.endReason, s.start]), plain.sessions.map((s) => [s.client, s.endReason, s.start]));
  });

  test('times at the ends of what a date holds (epoch 0, year 9999, beyond any date, a leap day in a common year) and a negative keepalive', async () => {
    const log = [
      '0: mosquitto version 2.0.11 starting',
      '0: New client connected from 10.0.0.1:1 as early (p2, c1, k60).',
      '253402300799: Received PUBLISH from early (d0, q1, r0, m1, \'t\', ... (1 bytes))',
      '99999999999999999999: Sending PUBACK to early (m1, rc0)',
      '9999-12-31T23:59:59: Client early disconnected.',
      'Feb 29 12:00:00 host mosquitto[1]: 1795700000: New client connected from 10.0.0.1:2 as leap (p2, c1, k1).',
      '1: Client leap has exceeded timeout, disconnecting.',
      // A keepalive no broker prints, and the clock going back while the client talks.
      '1795700000: New client connected from 10.0.0.1:3 as odd (p2, c1, k-1).',
      '1795700010: Received PINGREQ from odd',
      '1795700009: Received PINGREQ from odd',
      '',
    ].join('\n');
    await assertRunsCleanly(write('extremes.log', log), ['--year', '2025']);
  });
});
