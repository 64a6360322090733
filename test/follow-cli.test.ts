import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, afterEach, before, test } from 'node:test';
import { createGzip, gzipSync } from 'node:zlib';
import { repoPath } from './support/fixtures.js';
import { runCli } from './support/run-cli.js';
import { displayWidth } from '../src/report/text.js';
import { TerminalDashboard } from '../src/cli/follow/terminal-dashboard.js';
import { rawLines, startFollow, stopFollows } from './support/follow.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mosqlog-follow-'));
});
afterEach(stopFollows);
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function logFile(text: string): Promise<string> {
  counter++;
  const path = join(dir, `log-${counter}.log`);
  await writeFile(path, text);
  return path;
}

async function fixtureLines(name: string): Promise<string[]> {
  return (await readFile(repoPath(`fixtures/${name}`), 'utf8')).split('\n').filter((l) => l !== '');
}

const kinds = (objects: Array<Record<string, unknown>>): string[] =>
  objects.filter((o) => o.kind !== 'record').map((o) => `${String(o.kind)} ${String(o.client)}${o.code ? ` ${String(o.code)}` : o.reason ? ` ${String(o.reason)}` : ''}`);

test('--all --format ndjson: each line once; a partial line waits for its newline, and is flushed at exit', async () => {
  const path = await logFile('');
  // From the start: lines appended before the follower opens the file must not pass as history.
  const run = startFollow(['--from-start', '--all', '--format', 'ndjson', path]);
  await appendFile(path, '1700000000: mosquitto version 2.0.11 starting\n1700000000: Config loaded');
  await run.until(() => rawLines(run).length === 1, 'the first line');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(rawLines(run), ['1700000000: mosquitto version 2.0.11 starting'], 'the partial line is held');
  await appendFile(path, ' from /etc/mosquitto/mosquitto.conf.\n1700000000: tail without newline');
  await run.until(() => rawLines(run).length === 2, 'the completed line');
  assert.equal(await run.stop(), 0);
  assert.deepEqual(rawLines(run), [
    '1700000000: mosquitto version 2.0.11 starting',
    '1700000000: Config loaded from /etc/mosquitto/mosquitto.conf.',
    '1700000000: tail without newline',
  ]);
  const first = run.objects()[0];
  assert.equal(first?.type, 'broker');
  assert.equal(first?.line, 1);
  assert.match(run.stderr(), /stopped after/);
});

test('rotation: lines read after the rename name the rotated file and go on counting; the new file counts from 1 and keeps the broker version', async () => {
  const path = await logFile('1770000000: mosquitto version 2.1.0 starting\n1770000000: Config loaded from /etc/mosquitto/mosquitto.conf.\n');
  const run = startFollow(['--from-start', '--all', '--format', 'ndjson', path]);
  await run.until(() => rawLines(run).length === 2, 'the first lines');
  await rename(path, `${path}.1`);
  await new Promise((r) => setTimeout(r, 300));
  await appendFile(`${path}.1`, '1770000001: Client c1 closed its connection.\n');
  await run.until(() => rawLines(run).length === 3, 'the line written after the rename');
  await writeFile(path, '1770000002: Client 192.168.7.40 closed its connection.\n');
  await run.until(() => rawLines(run).length === 4, 'the new file');
  assert.equal(await run.stop(), 0);
  const records = run.objects().filter((o) => o.kind === 'record');
  assert.deepEqual(records.map((o) => `${String(o.file)}:${String(o.line)}`), [`${path}:1`, `${path}:2`, `${path}.1:3`, `${path}:1`]);
  // 2.1.0 prints an unknown client's address where the id goes: known from the old file's banner.
  assert.equal(records[3]?.client, null);
  assert.equal(records[3]?.address, '192.168.7.40');
});

test('rotation mid-line: a line half written when the log is renamed is one line of the rotated file', async () => {
  const path = await logFile('1795700001: Received PINGREQ from c1\n');
  const run = startFollow(['--from-start', '--all', '--format', 'ndjson', path]);
  await run.until(() => rawLines(run).length === 1, 'the first line');
  await appendFile(path, '1795700002: Received PING');
  // The follower reads the half line before it sees the rename.
  await new Promise((r) => setTimeout(r, 500));
  await rename(path, `${path}.1`);
  await new Promise((r) => setTimeout(r, 300));
  await appendFile(`${path}.1`, 'REQ from c2\n');
  await writeFile(path, '1795700003: Received PINGREQ from c3\n');
  await run.until(() => rawLines(run).length === 3, 'the rest of the line and the new file');
  assert.equal(await run.stop(), 0);
  const records = run.objects().filter((o) => o.kind === 'record');
  assert.deepEqual(records.map((o) => [`${String(o.file)}:${String(o.line)}`, o.type, o.client]), [
    [`${path}:1`, 'packet', 'c1'], [`${path}.1:2`, 'packet', 'c2'], [`${path}:1`, 'packet', 'c3'],
  ]);
});

test('-n N prints from the last N lines on; the history before them still feeds the correlator', async () => {
  const lines = await fixtureLines('clean-qos.log');
  // Lines 1-12: qos-alpha and qos-beta connect; the last 3 (qos-beta's connect) are shown.
  const path = await logFile(`${lines.slice(0, 12).join('\n')}\n`);
  const run = startFollow(['-n', '3', '--all', '--format', 'ndjson', path]);
  await run.until(() => rawLines(run).length === 3, 'the last three lines');
  assert.deepEqual(rawLines(run), lines.slice(9, 12));
  assert.deepEqual(kinds(run.objects()), ['session-start qos-beta']);
  await appendFile(path, `${lines.slice(12).join('\n')}\n`);
  await run.until(() => rawLines(run).length === lines.length - 9, 'the rest');
  assert.equal(await run.stop(), 0);
  const ends = run.objects().filter((o) => o.kind === 'session-end');
  assert.deepEqual(ends.map((o) => o.client), ['cli-pub-q0', 'cli-pub-q1', 'cli-pub-q2', 'cli-sub', 'qos-alpha', 'qos-beta']);
  const alpha = ends.find((o) => o.client === 'qos-alpha')?.session as { startAt: { line: number } } | undefined;
  assert.equal(alpha?.startAt.line, 6, 'qos-alpha began in the history');
  assert.equal(run.objects().filter((o) => o.kind === 'finding').length, 0, 'no flow is reported incomplete');
});

test('--until ends a follow of a quiet file once the clock has passed it, with its summary and 0', async () => {
  const path = await logFile('');
  const stamp = (ms: number): string => `${Math.floor(ms / 1000)}`;
  const until = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000);
  const run = startFollow(['--until', until.toISOString(), path]);
  await new Promise((r) => setTimeout(r, 200));
  await appendFile(path, `${stamp(Date.now())}: New client connected from 127.0.0.1:5000 as in-window (p2, c1, k60).\n`);
  await run.until(() => run.stdout().includes('in-window'), 'the line in the window');
  // Nothing more is written: the clock alone closes the window, 2 s after --until.
  const code = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('still following'), 8000))]);
  assert.equal(code, 0);
  assert.ok(Date.now() >= until.getTime() + 2000, 'not before the grace after --until');
  assert.match(run.stderr(), new RegExp(`^mosqlog follow .*: reached --until ${until.toISOString().replace(/\./g, '\\.')} after`, 'm'));
  assert.match(run.stderr(), /sessions {2}1 started/);
  assert.doesNotMatch(run.stderr(), /outside --since\/--until/);
});

test('--until already past ends a follow of stdin at the first line after it, without the end-of-log findings', async () => {
  const lines = [
    '1700000000: New client connected from 127.0.0.1:5000 as early (p2, c1, k60).',
    "1700000001: Received PUBLISH from early (d0, q1, r0, m7, 'plant/temp', ... (4 bytes))",
    '1700000100: New client connected from 127.0.0.1:5001 as late (p2, c1, k60).',
    '1700000101: Client early disconnected.',
  ];
  const stdin = Readable.from([`${lines.join('\n')}\n`]);
  const run = startFollow(['--format', 'ndjson', '--until', new Date(1_700_000_050_000).toISOString(), '-'], { stdin });
  assert.equal(await run.exited, 0);
  assert.deepEqual(run.objects().map((o) => `${String(o.kind)} ${String(o.client)}`), ['session-start early']);
  assert.match(run.stderr(), /: reached --until 2023-11-14T22:14:10\.000Z after/);
  assert.match(run.stderr(), /lines {5}2\n/);
  // The flow in flight is not given up as at the end of a whole log: the log went on.
  assert.match(run.stderr(), /findings {2}0/);
});

test('the end of stdin is said as such in the summary', async () => {
  const run = startFollow(['-'], { stdin: Readable.from(['1700000000: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k60).\n']) });
  assert.equal(await run.exited, 0);
  assert.match(run.stderr(), /^mosqlog follow -: input ended after/);
});

test('a log without times is timed by the clock as its lines are read live: a flow that waits 30 s is said stalled, and its session has times', async () => {
  // History, read at once, stays untimed.
  const path = await logFile('New client connected from 127.0.0.1:4999 as old (p2, c1, k60).\n');
  let skew = 0;
  const now = (): Date => new Date(Date.now() + skew);
  const run = startFollow(['--format', 'ndjson', path], { now });
  await new Promise((r) => setTimeout(r, 200));
  await appendFile(path, [
    'New client connected from 127.0.0.1:5000 as dev-1 (p2, c1, k60).',
    "Received PUBLISH from dev-1 (d0, q1, r0, m7, 'plant/temp', ... (4 bytes))",
    '',
  ].join('\n'));
  await run.until(() => run.objects().some((o) => o.kind === 'session-start'), 'the session start');
  const start = run.objects().find((o) => o.kind === 'session-start');
  assert.ok(typeof start?.time === 'string' && Math.abs(Date.parse(start.time) - now().getTime()) < 5000, `timed by the clock: ${String(start?.time)}`);
  skew = 31_000;
  await run.until(() => run.objects().some((o) => o.kind === 'flow-stalled'), 'the stalled flow');
  const stalled = run.objects().find((o) => o.kind === 'flow-stalled') as { client: string; awaiting: string };
  assert.deepEqual([stalled.client, stalled.awaiting], ['dev-1', 'puback']);
  assert.equal(await run.stop(), 0);
});

test('a bridge of a log without times that stays down 10 s by the clock is reported down', async () => {
  const path = await logFile('mosquitto version 2.0.11 starting\nmosquitto version 2.0.11 running\n');
  let skew = 0;
  const run = startFollow(['--format', 'ndjson', path], { now: () => new Date(Date.now() + skew) });
  await new Promise((r) => setTimeout(r, 200));
  await appendFile(path, 'Connecting bridge (step 1) br (127.0.0.1:1884)\nError creating bridge: Connection refused.\n');
  await new Promise((r) => setTimeout(r, 300));
  skew = 11_000;
  await run.until(() => run.objects().some((o) => o.code === 'bridge-down'), 'the bridge reported down');
  const down = run.objects().find((o) => o.code === 'bridge-down')?.finding as { ongoing: boolean; bridge: string };
  assert.deepEqual([down.ongoing, down.bridge], [true, 'br']);
  assert.equal(await run.stop(), 0);
});

test('by default history is silent: a flow begun before following is said stalled once its client has kept it waiting 30 s, and reported when its session ends', async () => {
  const path = await logFile([
    '1700000000: New connection from 127.0.0.1:5000 on port 1883.',
    '1700000000: New client connected from 127.0.0.1:5000 as dev-1 (p2, c1, k60).',
    "1700000001: Received PUBLISH from dev-1 (d0, q1, r0, m7, 'plant/temp', ... (4 bytes))",
    '',
  ].join('\n'));
  const run = startFollow(['--format', 'ndjson', path]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(run.stdout(), '');
  await appendFile(path, '1700000090: Client dev-1 has exceeded timeout, disconnecting.\n');
  await run.until(() => run.objects().some((o) => o.code === 'flow-incomplete'), 'the incomplete flow');
  assert.equal(await run.stop(), 0);
  assert.deepEqual(kinds(run.objects()), ['flow-stalled dev-1', 'session-end dev-1 timeout', 'finding dev-1 keepalive-timeout', 'finding dev-1 flow-incomplete']);
  const flow = run.objects().find((o) => o.code === 'flow-incomplete')?.finding as { mid: number; stalledAt: string; time: string };
  assert.equal(flow.mid, 7);
  assert.equal(flow.stalledAt, 'puback');
  // The finding keeps its flow's time; its event is timed when it was made, so events come in time order.
  assert.equal(flow.time, new Date(1_700_000_001_000).toISOString());
  const times = run.objects().map((o) => o.time as string);
  assert.deepEqual(times.slice(1), [1_700_000_090_000, 1_700_000_090_000, 1_700_000_090_000].map((t) => new Date(t).toISOString()));
});

test('a bridge down for 10 s is reported while it is down, once, also when it went down before the follow began; its coming back is an outage', async () => {
  const connects = (t: number): string[] => [
    `${t}: Connecting bridge (step 1) br (127.0.0.1:1884)`,
    `${t}: Connecting bridge (step 2) br (127.0.0.1:1884)`,
    `${t}: Bridge host.br sending CONNECT`,
  ];
  const up = (t: number): string[] => [...connects(t), `${t}: Received CONNACK on connection local.host.br.`, `${t}: Received PUBACK from local.host.br (Mid: 1, RC:0)`];
  const fails = (t: number): string[] => [`${t}: Connecting bridge (step 1) br (127.0.0.1:1884)`, `${t}: Error creating bridge: Connection refused.`];
  const text = (lines: readonly string[]): string => `${lines.join('\n')}\n`;
  const history = ['1700000000: mosquitto version 2.0.18 starting', '1700000000: mosquitto version 2.0.18 running', ...up(1700000001), '1700000010: Client local.host.br closed its connection.', ...fails(1700000015), ...fails(1700000021)];
  const path = await logFile(text(history));
  const run = startFollow(['--format', 'ndjson', path]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(run.stdout(), '', 'the history is read silently');
  await appendFile(path, text(fails(1700000027)));
  await run.until(() => run.objects().some((o) => o.code === 'bridge-down'), 'the bridge reported down');
  const down = run.objects().find((o) => o.code === 'bridge-down')?.finding as { ongoing?: boolean; downMs: number; attempts: number; wasUp: boolean; title: string };
  // Said at the first new line, as of the lines before it.
  assert.deepEqual([down.ongoing, down.downMs, down.attempts, down.wasUp], [true, 11_000, 2, true]);
  assert.equal(down.title, 'Bridge down', 'not "at the end of the log": the log goes on');
  await appendFile(path, text([...fails(1700000033), ...up(1700000039)]));
  await run.until(() => run.objects().some((o) => o.code === 'bridge-outage'), 'the outage, once it ended');
  assert.equal(await run.stop(), 0);
  assert.deepEqual(run.objects().filter((o) => o.kind === 'finding').map((o) => o.code), ['bridge-down', 'bridge-outage']);
  const outage = run.objects().find((o) => o.code === 'bridge-outage')?.finding as { downMs: number; attempts: number };
  assert.deepEqual([outage.downMs, outage.attempts], [29_000, 4]);
  // Read as a whole, the same log has the outage alone: the bridge is up at its end.
  const listed = JSON.parse((await runCli(['problems', '--format', 'json', path])).stdout) as { findings: Array<{ code: string }> };
  assert.deepEqual(listed.findings.map((f) => f.code), ['bridge-outage']);
});

test('a bridge down is said when the log goes quiet too: its time goes on with the clock', async () => {
  const up = (t: number): string[] => [
    `${t}: Connecting bridge (step 1) br (127.0.0.1:1884)`, `${t}: Connecting bridge (step 2) br (127.0.0.1:1884)`, `${t}: Bridge host.br sending CONNECT`,
    `${t}: Received CONNACK on connection local.host.br.`, `${t}: Received PUBACK from local.host.br (Mid: 1, RC:0)`,
  ];
  const path = await logFile(`${['1700000000: mosquitto version 2.0.18 starting', ...up(1700000001)].join('\n')}\n`);
  const run = startFollow(['--format', 'ndjson', path]);
  await new Promise((r) => setTimeout(r, 100));
  // Lost at :10; the attempt at :18 fails; then nothing more is written.
  await appendFile(path, ['1700000010: Client local.host.br closed its connection.', '1700000018: Connecting bridge (step 1) br (127.0.0.1:1884)', '1700000018: Error creating bridge: Connection refused.', ''].join('\n'));
  await run.until(() => run.objects().some((o) => o.code === 'bridge-down'), 'the bridge said down with no line after the failure', 8000);
  assert.equal(await run.stop(), 0);
  const down = run.objects().find((o) => o.code === 'bridge-down')?.finding as { ongoing?: boolean; downMs: number; attempts: number };
  assert.equal(down.ongoing, true);
  assert.equal(down.attempts, 1);
  assert.ok(down.downMs >= 10_000 && down.downMs < 14_000, `down for ${down.downMs} ms by the clock`);
});

test('--from-start shows the whole file, then follows', async () => {
  const lines = await fixtureLines('takeover.log');
  const path = await logFile(`${lines.join('\n')}\n`);
  const run = startFollow(['--from-start', '--format', 'ndjson', path]);
  await run.until(() => run.objects().some((o) => o.code === 'takeover'), 'the takeover');
  assert.equal(await run.stop(), 0);
  assert.ok(kinds(run.objects()).includes('session-end dup-client takeover'));
  // The finding waits for the new connection's line, so it names the new address as `problems` does.
  const takeover = run.objects().find((o) => o.code === 'takeover')?.finding;
  const listed = JSON.parse((await runCli(['problems', '--format', 'ndjson', '--type', 'takeover', path])).stdout) as unknown;
  assert.deepEqual(takeover, listed);
  assert.equal((listed as { newAddress: string }).newAddress, '127.0.0.1:58656');
});

test('a log stamped with a time of day alone is dated by the clock: its first line on the last day it is not after it, unless --date says', async () => {
  const path = await logFile([
    '23:59:00: New connection from 127.0.0.1:5000 on port 1883.',
    '23:59:01: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k60).',
    '08:59:00: Client c1 disconnected.',
  ].map((l) => `${l}\n`).join(''));
  const ends = async (args: string[]): Promise<unknown[]> => {
    const run = startFollow(['--from-start', '--format', 'ndjson', ...args, path], { now: () => new Date('2026-11-29T09:00:00Z') });
    await run.until(() => run.objects().some((o) => o.kind === 'session-end'), 'the session end');
    assert.equal(await run.stop(), 0);
    const session = run.objects().find((o) => o.kind === 'session-end')?.session as { start: string; end: string };
    return [session.start, session.end];
  };
  assert.deepEqual(await ends([]), ['2026-11-28T23:59:01.000Z', '2026-11-29T08:59:00.000Z']);
  assert.deepEqual(await ends(['--date', '2026-03-01']), ['2026-03-01T23:59:01.000Z', '2026-03-02T08:59:00.000Z']);
});

test('a line read half an hour or more after the clock is said once; one before it is not, as old lines are', async () => {
  const now = (): Date => new Date('2026-11-29T09:00:00Z');
  const line = (stamp: string, id: string): string => `${stamp}: New client connected from 127.0.0.1:5000 as ${id} (p2, c1, k60).\n`;
  // A broker in Kolkata whose stamps are read as UTC: five and a half hours ahead.
  const path = await logFile(line('2026-11-29T04:00:00', 'old') + line('2026-11-29T09:00:00', 'history'));
  const run = startFollow(['--from-start', '--all', '--format', 'ndjson', path], { now });
  await run.until(() => rawLines(run).length === 2, 'the lines there');
  await appendFile(path, line('2026-11-29T09:20:00', 'near') + line('2026-11-29T14:30:00', 'a') + line('2026-11-29T14:30:01', 'b'));
  await run.until(() => rawLines(run).length === 5, 'the lines written');
  assert.equal(await run.stop(), 0);
  const warnings = run.stderr().split('\n').filter((l) => l.startsWith('mosqlog: warning:'));
  assert.deepEqual(warnings, [`mosqlog: warning: ${path}:4 is read as 2026-11-29T14:30:00.000Z, 5h 30m after the clock: are its times read in the zone they were written in (--tz)? A time of day alone is dated by --date, else by the clock`]);
});

test('a session begun before the lines followed is said to end when it does', async () => {
  const path = await logFile('1795700000: Received PINGREQ from old\n');
  const run = startFollow(['--from-start', '--all', '--format', 'ndjson', path]);
  await run.until(() => rawLines(run).length === 1, 'the first line');
  await appendFile(path, '1795700040: Client old disconnected.\n');
  await run.until(() => run.objects().some((o) => o.kind === 'ended-before-log'), 'the end');
  assert.equal(await run.stop(), 0);
  const end = run.objects().find((o) => o.kind === 'ended-before-log');
  assert.deepEqual(end, { kind: 'ended-before-log', time: '2026-11-26T13:34:00.000Z', client: 'old', reason: 'disconnect', at: { file: path, line: 2 } });
  const text = startFollow(['--from-start', path]);
  await text.until(() => text.stdout().includes('old'), 'the end');
  assert.equal(await text.stop(), 0);
  assert.match(text.stdout(), /^2026-11-26 13:34:00Z {2}- old disconnected \(a session begun before the log\)$/m);
});

test('--format ndjson: sessions and findings have the shapes of `sessions` and `problems` JSON, times as ISO strings', async () => {
  const lines = await fixtureLines('keepalive-timeout.log');
  const path = await logFile(`${lines.join('\n')}\n`);
  const run = startFollow(['--from-start', '--format', 'ndjson', path]);
  await run.until(() => run.objects().some((o) => o.code === 'keepalive-timeout'), 'the timeout');
  assert.equal(await run.stop(), 0);
  const jsonLines = (text: string): Array<Record<string, unknown>> => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const ends = run.objects().filter((o) => o.kind === 'session-end').map((o) => o.session as Record<string, unknown>);
  const listedByStart = new Map(jsonLines((await runCli(['sessions', '--format', 'ndjson', path])).stdout).map((s) => [JSON.stringify(s.startAt), s]));
  assert.ok(ends.length > 0);
  assert.deepEqual(ends, ends.map((e) => listedByStart.get(JSON.stringify(e.startAt))));
  const findings = run.objects().filter((o) => o.kind === 'finding').map((o) => o.finding);
  assert.deepEqual(findings, jsonLines((await runCli(['problems', '--format', 'ndjson', path])).stdout));
  const starts = run.objects().filter((o) => o.kind === 'session-start').map((o) => o.session as Record<string, unknown>);
  assert.deepEqual(starts[0]?.packetsIn, {}, 'a new session has seen no packets, and lists none');
});

test('--client selects what is printed', async () => {
  const lines = await fixtureLines('clean-qos.log');
  const path = await logFile(`${lines.join('\n')}\n`);
  const run = startFollow(['--from-start', '--client', 'cli-pub-*', '--all', '--format', 'ndjson', path]);
  await run.until(() => run.objects().filter((o) => o.kind === 'session-end').length === 3, 'three session ends');
  assert.equal(await run.stop(), 0);
  assert.deepEqual([...new Set(run.objects().map((o) => o.client))], ['cli-pub-q0', 'cli-pub-q1', 'cli-pub-q2']);
});

test('--all --topic prints the acknowledgements of the selected flows, not those of others', async () => {
  const log = [
    '1700000000: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k60).',
    '1700000001: Received PUBLISH from c1 (d0, q2, r0, m1, \'keep/a\', ... (3 bytes))',
    '1700000001: Received PUBLISH from c1 (d0, q1, r0, m2, \'other/b\', ... (3 bytes))',
    '1700000001: Sending PUBACK to c1 (m2, rc0)',
    '1700000001: Sending PUBREC to c1 (m1, rc0)',
    '1700000002: Received PUBREL from c1 (Mid: 1)',
    '1700000002: Sending PUBCOMP to c1 (m1)',
    '1700000003: Sending PUBACK to c1 (m1, rc0)',
    '',
  ].join('\n');
  const run = startFollow(['--all', '--topic', 'keep/#', '--format', 'ndjson', '-'], { stdin: Readable.from([log]) });
  assert.equal(await run.exited, 0);
  const printed = rawLines(run).map((raw) => raw.replace(/^\d+: /, ''));
  assert.deepEqual(printed, [
    'Received PUBLISH from c1 (d0, q2, r0, m1, \'keep/a\', ... (3 bytes))',
    'Sending PUBREC to c1 (m1, rc0)',
    'Received PUBREL from c1 (Mid: 1)',
    'Sending PUBCOMP to c1 (m1)',
  ], 'the flow\'s steps; a PUBACK of no selected flow in flight is left out');
});

test('--client keeps findings about the whole log, as problems --client does', async () => {
  const log = [
    '1700000000: mosquitto version 2.0.18 starting',
    '1700000001: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k60).',
    '1700000002: New client connected from 127.0.0.1:5001 as c2 (p2, c1, k60).',
    '1700000010: mosquitto version 2.0.18 starting',
    '',
  ].join('\n');
  const run = startFollow(['--client', 'c1', '--format', 'ndjson', '-'], { stdin: Readable.from([log]) });
  assert.equal(await run.exited, 0);
  const followed = run.objects().filter((o) => o.kind === 'finding').map((o) => (o.finding as { code: string }).code).sort();
  const listed = JSON.parse((await runCli(['problems', '--client', 'c1', '--format', 'json', '-'], { stdin: log })).stdout) as { findings: Array<{ code: string }> };
  assert.ok(followed.includes('broker-restart'));
  assert.deepEqual(followed, listed.findings.map((f) => f.code).sort());
});

test('text: one readable line per event, remote text made safe, summary on stderr', async () => {
  const path = await logFile('');
  const run = startFollow(['--from-start', path]);
  await appendFile(path, [
    '1700000000: New connection from 127.0.0.1:5000 on port 1883.',
    '1700000000: New client connected from 127.0.0.1:5000 as evil\x1b[31m-id (p2, c1, k60).',
    '1700000005: Client evil\x1b[31m-id has exceeded timeout, disconnecting.',
    '',
  ].join('\n'));
  await run.until(() => run.stdout().split('\n').length >= 4, 'three event lines');
  assert.equal(await run.stop(), 0);
  const out = run.stdout();
  assert.ok(!out.includes('\x1b'), 'no escape sequence reaches the terminal');
  const [start, end, finding] = out.trimEnd().split('\n');
  assert.match(start ?? '', /^2023-11-14 22:13:20Z {2}\+ evil\\x1b\[31m-id connected from 127\.0\.0\.1:5000/);
  assert.match(end ?? '', /^2023-11-14 22:13:25Z {2}- evil\\x1b\[31m-id timed out/);
  assert.match(finding ?? '', /ERROR keepalive-timeout/);
  assert.match(run.stderr(), /sessions {2}1 started, 1 ended \(timeout 1\), 0 open/);
});

test('--max-open caps the state followed, as it does for the other commands, and the eviction is reported', async () => {
  const log = await readFile(repoPath('fixtures/sample.log'), 'utf8');
  const evicted = async (args: readonly string[]): Promise<[unknown[], string[]]> => {
    const stdin = new PassThrough();
    const run = startFollow(['--format', 'ndjson', ...args, '-'], { stdin });
    stdin.end(log);
    assert.equal(await run.exited, 0);
    const warnings = run.stderr().split('\n').filter((l) => l.startsWith('mosqlog: warning:'));
    return [run.objects().filter((o) => o.code === 'state-evicted').map((o) => (o.finding as { limit: number }).limit), warnings];
  };
  // A follow stopped by Ctrl-C reports nothing at an end: the first eviction is said as it happens.
  assert.deepEqual(await evicted(['--max-open', '2']), [[2], ['mosqlog: warning: more than 2 clients or connections open at once: the oldest are dropped from tracking from stdin:29 on (raise --max-open)']]);
  assert.deepEqual(await evicted([]), [[], []]);
  const listed = JSON.parse((await runCli(['problems', '--format', 'json', '--max-open', '2', '-'], { stdin: log })).stdout) as { totals: Record<string, number> };
  assert.equal(listed.totals['state-evicted'], 1);
});

test('the summary counts what --client keeps, as summary does', async () => {
  const path = await logFile('');
  const run = startFollow(['--from-start', '--client', 'keep-*', path]);
  await appendFile(path, [
    '1700000000: New client connected from 127.0.0.1:5000 as keep-1 (p2, c1, k60).',
    '1700000000: New client connected from 127.0.0.1:5001 as other (p2, c1, k60).',
    '1700000001: Client other disconnected.',
    '1700000002: New client connected from 127.0.0.1:5002 as keep-2 (p2, c1, k60).',
    '1700000003: Client keep-2 has exceeded timeout, disconnecting.',
    '',
  ].join('\n'));
  await run.until(() => run.stdout().includes('keep-2 timed out'), 'keep-2 timed out');
  assert.equal(await run.stop(), 0);
  assert.doesNotMatch(run.stdout(), /other/);
  assert.match(run.stderr(), /sessions {2}2 started, 1 ended \(timeout 1\), 1 open/);
});

test('- follows stdin until it ends', async () => {
  const stdin = new PassThrough();
  const run = startFollow(['--all', '--format', 'ndjson', '-'], { stdin });
  stdin.write('1700000000: New client connected from 127.0.0.1:5000 as a (p2, c1, k60).\n1700000001: Client a dis');
  await run.until(() => rawLines(run).length === 1, 'the first line');
  stdin.end('connected.\n');
  assert.equal(await run.exited, 0);
  // The whole log was read: what `problems` says of its end is said too.
  assert.deepEqual(kinds(run.objects()), ['session-start a', 'session-end a disconnect', 'finding null no-debug-lines']);
  assert.equal(run.objects()[0]?.file, '-');
  assert.match(run.stderr(), /lines {5}2/);
});

test('at the end of stdin, flows left in flight are reported as problems reports them; open sessions are not ended', async () => {
  const log = await readFile(repoPath('fixtures/handmade/v1.4.log'), 'utf8');
  const stdin = new PassThrough();
  const run = startFollow(['--format', 'ndjson', '-'], { stdin });
  stdin.end(`${log}1523000300: New client connected from 10.20.0.12 as late (c1, k60).\n`);
  assert.equal(await run.exited, 0);
  const followed = run.objects().filter((o) => o.kind === 'finding').map((o) => o.finding as { code: string; at: unknown });
  const listed = JSON.parse((await runCli(['problems', '--format', 'json', '-'], { stdin: log })).stdout) as { findings: Array<{ code: string; at: unknown }> };
  assert.deepEqual(followed.map((f) => [f.code, f.at]).sort(), listed.findings.map((f) => [f.code, f.at]).sort());
  assert.ok(followed.some((f) => f.code === 'flow-incomplete'));
  assert.equal(run.objects().filter((o) => o.kind === 'session-end' && o.client === 'late').length, 0);
});

test('gzipped stdin is gunzipped, as the other commands do', async () => {
  const log = await readFile(repoPath('fixtures/takeover.log'));
  const plain = startFollow(['--format', 'ndjson', '-'], { stdin: Readable.from([log]) });
  const zipped = startFollow(['--format', 'ndjson', '-'], { stdin: Readable.from([gzipSync(log)]) });
  assert.equal(await plain.exited, 0);
  assert.equal(await zipped.exited, 0);
  assert.ok(plain.objects().length > 0);
  assert.deepEqual(zipped.objects(), plain.objects());
});

test('a stop while gzipped stdin stays open ends the follow at once, with what was decompressed', async () => {
  const gzip = createGzip();
  const stdin = new PassThrough();
  gzip.pipe(stdin);
  const run = startFollow(['--all', '--format', 'ndjson', '-'], { stdin });
  gzip.write('1700000000: New client connected from 127.0.0.1:5000 as a (p2, c1, k60).\n');
  gzip.flush();
  await run.until(() => rawLines(run).length === 1, 'the first line');
  assert.equal(await run.stop(), 0);
  assert.equal(stdin.destroyed, true);
  assert.deepEqual(kinds(run.objects()), ['session-start a']);
  assert.match(run.stderr(), /stopped after/);
  assert.match(run.stderr(), /lines {5}1/);
});

test('gzipped stdin cut short is a one-line input error', async () => {
  const zipped = gzipSync('1700000000: New client connected from 127.0.0.1:5000 as a (p2, c1, k60).\n'.repeat(50));
  const run = startFollow(['--format', 'ndjson', '-'], { stdin: Readable.from([zipped.subarray(0, zipped.length - 12)]) });
  assert.equal(await run.exited, 2);
  assert.match(run.stderr(), /^mosqlog: stdin: gzip data cut short \(the file ends inside it\)$/m);
});

test('a gzipped file is a usage error, not compressed bytes read as lines', async () => {
  const path = join(dir, 'rotated.log.gz');
  await writeFile(path, gzipSync('1700000000: mosquitto version 2.0.11 running\n'));
  const result = await runCli(['follow', path]);
  assert.equal(result.code, 2);
  assert.equal(result.stderr, `mosqlog: ${path} is gzipped; follow reads a plain log as it grows (read this one whole: mosqlog ${path})\n`);
});

test('waits for a file that is not there yet, and says so on stderr', async () => {
  const path = join(dir, 'later', 'broker.log');
  const run = startFollow(['--all', '--format', 'ndjson', path]);
  await run.until(() => /does not exist/.test(run.stderr()), 'the waiting notice');
  await mkdir(join(dir, 'later'));
  await writeFile(path, '1700000000: mosquitto version 2.0.11 starting\n');
  await run.until(() => rawLines(run).length === 1, 'the line');
  assert.equal(await run.stop(), 0);
  assert.match(run.stderr(), /appeared/);
  assert.doesNotMatch(run.stderr(), /switched/, 'a first appearance is no rotation');
});

test('the summary counts the time spent waiting for the file', async () => {
  const run = startFollow(['--all', '--format', 'ndjson', join(dir, 'never.log')]);
  await run.until(() => /does not exist/.test(run.stderr()), 'the waiting notice');
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(await run.stop(), 0);
  assert.match(run.stderr(), /stopped after [1-9]\d*s/);
});

test('a file that comes back after it was deleted counts as a switch', async () => {
  const path = join(dir, 'comes-back.log');
  const run = startFollow(['--all', '--format', 'ndjson', path]);
  await run.until(() => /does not exist/.test(run.stderr()), 'the waiting notice');
  await writeFile(path, '1700000000: mosquitto version 2.0.11 starting\n');
  await run.until(() => rawLines(run).length === 1, 'the first file');
  await rm(path);
  await run.until(() => /is gone/.test(run.stderr()), 'the deleted notice');
  await writeFile(path, '1700000001: mosquitto version 2.0.11 starting\n');
  await run.until(() => rawLines(run).length === 2, 'the second file');
  assert.equal(await run.stop(), 0);
  assert.match(run.stderr(), /switched 1 time/);
});

test('--dashboard draws in place on a terminal and prints no event lines there', async () => {
  const path = await logFile('1700000000: New client connected from 127.0.0.1:5000 as a (p2, c1, k60).\n');
  const run = startFollow(['--dashboard', '--from-start', path], { stdoutIsTTY: true, columns: 100 });
  await run.until(() => /sessions open +1/.test(run.stdout()), 'the dashboard');
  assert.equal(await run.stop(), 0);
  const out = run.stdout();
  assert.ok(out.startsWith('\x1b[?25l'), 'cursor hidden');
  assert.ok(out.endsWith('\x1b[?25h'), 'cursor shown again');
  assert.ok(!out.includes('+ a connected'), 'no event lines under the dashboard');
  assert.match(run.stderr(), /stopped after/);
});

test('--dashboard on a narrow terminal lists whole finding codes, errors first, and says how many more there are', async () => {
  const path = await logFile(`${(await fixtureLines('sample.log')).join('\n')}\n`);
  const findingsAt = async (columns: number): Promise<string> => {
    const run = startFollow(['--dashboard', '--from-start', '--no-color', path], { stdoutIsTTY: true, columns });
    await run.until(() => /findings +flow-incomplete/.test(run.stdout()), 'the findings line');
    assert.equal(await run.stop(), 0);
    const lines = run.stdout().split(/\x1b\[[0-9;?]*[A-Za-z]|\r?\n/).filter((l) => l.startsWith('findings'));
    return (lines.at(-1) ?? '').replace(/^findings +/, '');
  };
  assert.equal(await findingsAt(60), 'flow-incomplete 1  +3 more');
  assert.equal(await findingsAt(66), 'flow-incomplete 1  keepalive-timeout 1  +2 more');
  assert.equal(await findingsAt(120), 'flow-incomplete 1  keepalive-timeout 1  auth-failure 1  takeover 1');
});

test('--dashboard on a terminal of 40 or 50 columns: every row fits, recent problems too, their time and code cut where they must be', async () => {
  const path = await logFile(`${(await fixtureLines('sample.log')).join('\n')}\n`);
  for (const columns of [40, 50]) {
    const run = startFollow(['--dashboard', '--from-start', '--no-color', path], { stdoutIsTTY: true, columns });
    await run.until(() => /keepalive-t/.test(run.stdout()), 'a recent problem');
    assert.equal(await run.stop(), 0);
    const rows = run.stdout().split(/\x1b\[[0-9;?]*[A-Za-z]|\r?\n/);
    assert.ok(rows.some((row) => /^ +\d{4}-\d\d-\d\d/.test(row)), 'recent problem rows are drawn');
    for (const row of rows) assert.ok(row.length <= columns - 1, `${columns} columns: ${JSON.stringify(row)}`);
  }
});

test('--dashboard: a line with wide characters (CJK) still fits the terminal, so redrawing in place works', async () => {
  const id = `${'客户端'.repeat(12)}-x`;
  const path = await logFile([
    '1795700001: New connection from 127.0.0.1:50001 on port 1883.',
    `1795700001: New client connected from 127.0.0.1:50001 as ${id} (p2, c1, k10).`,
    `1795700003: Socket error on client ${id}, disconnecting.`,
    '',
  ].join('\n'));
  const run = startFollow(['--dashboard', '--from-start', path], { stdoutIsTTY: true, columns: 80 });
  await run.until(() => /socket-error/.test(run.stdout()), 'the problem on the dashboard');
  assert.equal(await run.stop(), 0);
  const plain = run.stdout().replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const lines = plain.split(/\r?\n/).filter((line) => line.includes('socket-error'));
  assert.ok(lines.length > 0);
  for (const line of lines) assert.ok(displayWidth(line) <= 79, `${displayWidth(line)} columns: ${line}`);
});

test('--dashboard follows the terminal as it is resized: drawn for the new width, on a cleared screen', () => {
  const terminal = Object.assign(new PassThrough(), { columns: 100 });
  let written = '';
  terminal.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const widths: number[] = [];
  const dashboard = new TerminalDashboard(terminal, (width) => {
    widths.push(width);
    return ['x'.repeat(width)];
  }, 80, 60_000);
  dashboard.start();
  dashboard.draw();
  assert.doesNotMatch(written, /\x1b\[2J/, 'the same width redraws in place');
  terminal.columns = 50;
  terminal.emit('resize');
  dashboard.stop();
  assert.deepEqual(widths, [100, 100, 50, 50]);
  const afterResize = written.slice(written.lastIndexOf('x'.repeat(100)) + 100);
  assert.match(afterResize, /^\n\x1b\[J\x1b\[2J\x1b\[H\x1b\[2Kx{50}\n/, 'the screen is cleared before the first drawing at the new width');
});

test('--dashboard on a terminal with fewer rows than its drawing draws what fits, in place', () => {
  const terminal = Object.assign(new PassThrough(), { columns: 80, rows: 8 });
  let written = '';
  terminal.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const dashboard = new TerminalDashboard(terminal, () => Array.from({ length: 12 }, (_, i) => `line ${i}`), 80, 60_000);
  dashboard.start();
  dashboard.draw();
  dashboard.stop();
  assert.doesNotMatch(written, /line 6/, 'the lines past the terminal are left out');
  assert.match(written, /line 5\n\x1b\[2Kline 11\n/, 'the last line, the status, stays');
  assert.match(written, /\x1b\[7A\r/, 'each drawing goes up over the 7 lines drawn');
  assert.doesNotMatch(written, /\x1b\[12A/);
});

test('--dashboard on a terminal that reports a size of 0 x 0 draws at the width it was given, whole', () => {
  const terminal = Object.assign(new PassThrough(), { columns: 0, rows: 0 });
  let written = '';
  terminal.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const widths: number[] = [];
  const dashboard = new TerminalDashboard(terminal, (width) => {
    widths.push(width);
    return Array.from({ length: 12 }, (_, i) => `line ${i}`);
  }, 80, 60_000);
  dashboard.start();
  dashboard.stop();
  assert.deepEqual([...new Set(widths)], [80]);
  assert.match(written, /line 0\n[^]*line 11\n/, 'every line is drawn');
});

test('--dashboard on stderr when only stderr is a terminal; events still go to stdout', async () => {
  const path = await logFile('1700000000: New client connected from 127.0.0.1:5000 as a (p2, c1, k60).\n');
  const run = startFollow(['--dashboard', '--from-start', '--format', 'ndjson', path], { stderrIsTTY: true });
  await run.until(() => run.objects().length === 1 && /flows in flight/.test(run.stderr()), 'events and dashboard');
  assert.equal(await run.stop(), 0);
  assert.equal(run.objects()[0]?.kind, 'session-start');
});

test('usage errors exit 2: --dashboard without a terminal, -n with --from-start, a bad -n, a directory', async () => {
  const path = await logFile('');
  for (const args of [['--dashboard', path], ['-n', '3', '--from-start', path], ['-n', 'x', path], [dir]]) {
    const run = startFollow(args);
    assert.equal(await run.exited, 2, args.join(' '));
    assert.match(run.stderr(), /^mosqlog: /, args.join(' '));
    assert.equal(run.stdout(), '');
  }
});

test('the summary counts a connection that never became a session as failed, not refused', async () => {
  const probe = '1795839500: New connection from 127.0.0.1:40000 on port 1883.\n1795839500: Client <unknown> closed its connection.\n';
  const result = await runCli(['follow', '-'], { stdin: probe });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /failed {4}1 connection\(s\) that did not become a session/);
  assert.doesNotMatch(result.stderr, /refused/);
});

test('a session end says how long the session lasted, then the broker\'s detail', async () => {
  const stdin = new PassThrough();
  const run = startFollow(['--no-color', '-'], { stdin });
  stdin.end([
    '1700000000: New client connected from 127.0.0.1:5000 as a (p2, c1, k60).',
    '1700000000: New client connected from 127.0.0.1:5001 as b (p2, c1, k60).',
    '1700000003: Client a disconnected: Connection reset by peer.',
    '1700000005: Reloading config.',
    '1700000005: Client b disconnected.',
    '',
  ].join('\n'));
  assert.equal(await run.exited, 0);
  assert.match(run.stdout(), /- a lost its connection \(socket error\) after 3s: Connection reset by peer\n/);
  assert.match(run.stdout(), /- b was disconnected \(not authorised\) after 5s: config reloaded\n/);
});

test('a message unanswered for 30 s while its client is connected is said as it stalls, and counted in the summary', async () => {
  const stdin = new PassThrough();
  const run = startFollow(['--no-color', '-'], { stdin });
  const log = [
    '1795700000: New client connected from 10.0.0.1:5000 as slow (p2, c1, k60).',
    "1795700001: Sending PUBLISH to slow (d0, q1, r0, m7, 'a/b', ... (3 bytes))",
    "1795700002: Received PUBLISH from slow (d0, q2, r0, m3, 'c/d', ... (4 bytes))",
    '1795700002: Sending PUBREC to slow (m3, rc0)',
    '1795700040: Received PINGREQ from slow',
    '1795700041: Received PUBACK from slow (Mid: 7, RC:0)',
    '',
  ].join('\n');
  stdin.end(log);
  assert.equal(await run.exited, 0);
  const waits = run.stdout().split('\n').filter((l) => l.includes('flow-stalled'));
  assert.deepEqual(waits, [
    '2026-11-26 13:33:51Z  WAIT  flow-stalled  m7 QoS 1 to slow on a/b: no PUBACK from slow for 30s, though it is still connected  (stdin:2)',
    '2026-11-26 13:33:52Z  WAIT  flow-stalled  m3 QoS 2 from slow on c/d: no PUBREL from slow for 30s, though it is still connected  (stdin:4)',
  ]);
  assert.match(run.stderr(), /flows {5}\d+ in flight, 2 stalled while connected\n/);
  const events = (await runCli(['follow', '-f', 'ndjson', '-'], { stdin: log })).stdout.split('\n').filter((l) => l.includes('"flow-stalled"'));
  assert.deepEqual(events.map((l) => JSON.parse(l) as { time: string; awaiting: string; since: string; flow: { mid: number } }).map((e) => [e.flow.mid, e.awaiting, e.since, e.time]), [
    [7, 'puback', '2026-11-26T13:33:21.000Z', '2026-11-26T13:33:51.000Z'], [3, 'pubrel', '2026-11-26T13:33:22.000Z', '2026-11-26T13:33:52.000Z'],
  ]);
});

test('takeover-flapping follows the takeover that made it, not before it', async () => {
  const stdin = new PassThrough();
  const run = startFollow(['--no-color', '-'], { stdin });
  const takeover = (s: number): string[] => [
    `170000000${s}: New connection from 10.0.0.2:1000${s} on port 1883.`,
    `170000000${s}: Client same already connected, closing old connection.`,
    `170000000${s}: New client connected from 10.0.0.2:1000${s} as same (p2, c1, k60).`,
  ];
  stdin.end([
    '1700000000: New client connected from 10.0.0.1:10000 as same (p2, c1, k60).',
    ...[1, 2, 3].flatMap(takeover),
    '',
  ].join('\n'));
  assert.equal(await run.exited, 0);
  const findings = run.stdout().split('\n').filter((l) => /WARN  takeover|ERROR takeover-flapping/.test(l)).map((l) => l.replace(/^.*?(WARN|ERROR) +(\S+).*\((stdin:\d+)\)$/, '$2 $3'));
  assert.deepEqual(findings, ['takeover stdin:3', 'takeover stdin:6', 'takeover stdin:9', 'takeover-flapping stdin:9']);
});

test('a session end between stamps of the same second lasted under a second; finer stamps keep their milliseconds', async () => {
  const stdin = new PassThrough();
  const run = startFollow(['--no-color', '-'], { stdin });
  stdin.end([
    '1700000000: New client connected from 127.0.0.1:5000 as a (p2, c1, k60).',
    '1700000000: Client a disconnected.',
    '2023-11-14T22:13:21.250Z: New client connected from 127.0.0.1:5001 as b (p2, c1, k60).',
    '2023-11-14T22:13:21.500Z: Client b disconnected.',
    '',
  ].join('\n'));
  assert.equal(await run.exited, 0);
  assert.match(run.stdout(), /- a disconnected after <1s\n/);
  assert.match(run.stdout(), /- b disconnected after 250ms\n/);
});

test("the broker's errors and warnings are said as they come: each message at most once every 10 minutes of the log's time, with those not shown counted", async () => {
  const lines = [
    '1700000000: mosquitto version 2.0.11 starting',
    '1700000000: mosquitto version 2.0.11 running',
    '1700000003: Error in poll: Bad file descriptor.',
    '1700000004: Error in poll: Bad file descriptor.',
    // Another error of the same format counts with it.
    '1700000300: Error in poll: Interrupted system call.',
    '1700000603: Error in poll: Bad file descriptor.',
    '1700000604: Client <b>c1</b> has exceeded its receive-maximum quota. This behaviour must be fixed on the client.',
    '1700000605: Error in poll: Bad file descriptor.',
  ].map((l) => `${l}\n`).join('');
  const ndjson = startFollow(['--format', 'ndjson', '-'], { stdin: Readable.from([lines]) });
  assert.equal(await ndjson.exited, 0);
  const logged = ndjson.objects().filter((o) => o.kind === 'logged').map((o) => [o.level, o.count, o.message, o.client, (o.at as { line: number }).line]);
  assert.deepEqual(logged, [
    ['error', 1, 'Error in poll: Bad file descriptor.', null, 3],
    ['error', 3, 'Error in poll: Bad file descriptor.', null, 6],
    ['warning', 1, 'Client <b>c1</b> has exceeded its receive-maximum quota. This behaviour must be fixed on the client.', '<b>c1</b>', 7],
  ]);
  const text = startFollow(['--no-color', '--client', 'other', '-'], { stdin: Readable.from([lines]) });
  assert.equal(await text.exited, 0);
  // A message that names another client is not this selection's; the broker's own are.
  assert.deepEqual(text.stdout().split('\n').filter((l) => l.includes('logged')), [
    '2023-11-14 22:13:23Z  ERROR logged  Error in poll: Bad file descriptor.  (stdin:3)',
    '2023-11-14 22:23:23Z  ERROR logged  Error in poll: Bad file descriptor.  (stdin:6; 2 more like it before this one, not shown)',
  ]);
});

test("a warning of two lines is said once its second line is in, with that line's values: at the next line, or when the log goes quiet", async () => {
  // 2.1's warning of a password file others may read (from the broker's source), as its one line ends the log, then with a line after it.
  const warning = [
    '1796000000: Warning: File /etc/mosquitto/pw has world readable permissions. Future versions will refuse to load this file.',
    'To fix this, use `chmod 0700 /etc/mosquitto/pw`.',
  ];
  const expected = ['warning', `${warning[0]?.slice('1796000000: '.length)}\n${warning[1]}`];
  for (const after of [[], ['1796000001: mosquitto version 2.1.2 running']]) {
    const lines = ['1796000000: mosquitto version 2.1.2 starting', ...warning, ...after].map((l) => `${l}\n`).join('');
    const run = startFollow(['--format', 'ndjson', '-'], { stdin: Readable.from([lines]) });
    assert.equal(await run.exited, 0);
    assert.deepEqual(run.objects().filter((o) => o.kind === 'logged').map((o) => [o.level, o.message]), [expected]);
  }
  // Followed live, the second line may come in a later read, and nothing after it: the warning is said as the log goes quiet.
  const path = await logFile('1796000000: mosquitto version 2.1.2 running\n');
  const live = startFollow(['--format', 'ndjson', path]);
  await new Promise((r) => setTimeout(r, 100));
  await appendFile(path, `${warning[0]}\n`);
  await new Promise((r) => setTimeout(r, 100));
  await appendFile(path, `${warning[1]}\n`);
  await live.until(() => live.objects().some((o) => o.kind === 'logged'), 'the warning');
  assert.equal(await live.stop(), 0);
  assert.deepEqual(live.objects().filter((o) => o.kind === 'logged').map((o) => [o.level, o.message]), [expected]);
});

test('an error read in the silent history does not hold back the same error when it comes live', async () => {
  const path = await logFile('1700000000: mosquitto version 2.0.11 running\n1700000003: Error in poll: Bad file descriptor.\n');
  const run = startFollow(['--format', 'ndjson', path]);
  await new Promise((r) => setTimeout(r, 100));
  await appendFile(path, '1700000060: Error in poll: Bad file descriptor.\n');
  await run.until(() => run.objects().some((o) => o.kind === 'logged'), 'the error');
  assert.equal(await run.stop(), 0);
  assert.deepEqual(run.objects().filter((o) => o.kind === 'logged').map((o) => [o.count, (o.at as { line: number }).line]), [[1, 3]]);
});
