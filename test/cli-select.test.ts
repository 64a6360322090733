/**
 * Choosing what to show (`--client`, `--topic`, `--since`, `--until`, `--incomplete`, `--type`)
 * and the documented shape of the JSON outputs (docs/json.md).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { filtersOverlap, findingCodes } from '../src/correlate/index.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

// sample.log runs from 14:14:03 to 14:14:08 on 2026-11-26; its last flow starts at 14:14:08.
const sample = 'fixtures/sample.log';

interface SessionJson { client: string; start: string | null; end: string | null; endReason: string; startAt: { file: string; line: number } }
interface FlowJson { client: string; direction: 'in' | 'out'; mid: number; qos: number; topic: string | null; state: string; stalledAt?: string; steps: Array<{ step: string; time: string | null }> }
interface FindingJson { code: string; severity: string; client: string | null; time: string | null; at: Array<{ file: string; line: number }> }
interface EntryJson { kind: string; client: string; time: string | null }

/** The warning for a `--client` or `--topic` that matches nothing, which a few selections here expect. */
const noMatch = /^mosqlog: warning: --(client|topic) ".*" matches no (client id|topic) in the log\n$/;

async function json<T>(argv: string[], { unmatched = false } = {}): Promise<T> {
  const result = await runCli(argv);
  if (unmatched) assert.match(result.stderr, noMatch, argv.join(' '));
  else assert.equal(result.stderr, '', argv.join(' '));
  assert.equal(result.code, 0, argv.join(' '));
  return JSON.parse(result.stdout) as T;
}

async function ndjson<T>(argv: string[]): Promise<T[]> {
  const result = await runCli(argv);
  assert.equal(result.stderr, '', argv.join(' '));
  assert.equal(result.code, 0, argv.join(' '));
  return result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
}

const sessionsOf = async (...args: string[]): Promise<SessionJson[]> => (await json<{ sessions: SessionJson[] }>(['sessions', '-f', 'json', ...args])).sessions;
const flowsOf = async (...args: string[]): Promise<FlowJson[]> => (await json<{ flows: FlowJson[] }>(['flows', '-f', 'json', ...args])).flows;
const findingsOf = async (...args: string[]): Promise<FindingJson[]> => (await json<{ findings: FindingJson[] }>(['problems', '-f', 'json', ...args])).findings;
const entriesOf = async (...args: string[]): Promise<EntryJson[]> => (await json<{ entries: EntryJson[] }>(['timeline', '-f', 'json', ...args])).entries;

describe('a --client or --topic that matches nothing in the log', () => {
  test('is said on stderr by every command that selects, once per glob or filter; one that matches is not', async () => {
    for (const command of ['summary', 'sessions', 'problems', 'flows', 'timeline', 'report']) {
      const run = await runCli([command, '--client', 'thermostat-*', '--client', 'thermostta-*', '--topic', 'cmd/#', '--topic', 'cmdd/#', sample]);
      assert.equal(run.stderr, 'mosqlog: warning: --client "thermostta-*" matches no client id in the log\nmosqlog: warning: --topic "cmdd/#" matches no topic in the log\n', command);
    }
    assert.equal((await runCli(['report', '--client', 'thermostat-*', '--topic', 'cmd/#', sample])).stderr, '');
  });

  test("the empty id matches the lines of connections that gave none, such as a refused login's", async () => {
    const refused = '1700000000: New connection from 127.0.0.1:5000 on port 1883.\n1700000001: Sending CONNACK to 127.0.0.1 (0, 5)\n';
    const result = await runCli(['problems', '-f', 'json', '--client', '', '-'], { stdin: refused });
    assert.equal(result.stderr, '');
    assert.deepEqual((JSON.parse(result.stdout) as { findings: FindingJson[] }).findings.map((f) => [f.code, f.client]), [['auth-failure', null]]);
    const connected = '1700000000: New client connected from 127.0.0.1:5 as dev (p2, c1, k60).\n';
    assert.equal((await runCli(['sessions', '--client', '', '-'], { stdin: connected })).stderr, 'mosqlog: warning: --client "" matches no client id in the log\n');
  });
});

describe('--client', () => {
  test('a glob with ? picks both sessions of one id', async () => {
    const sessions = await sessionsOf('--client', 'mobile-app-?', sample);
    assert.deepEqual(sessions.map((s) => [s.client, s.endReason]), [['mobile-app-7', 'takeover'], ['mobile-app-7', 'disconnect']]);
  });

  test('repeated, globs add up', async () => {
    const sessions = await sessionsOf('--client', 'dashboard', '--client', 'door-*', sample);
    assert.deepEqual(sessions.map((s) => s.client), ['dashboard', 'door-panel']);
  });

  test('a glob matches whole ids only', async () => {
    const partial = await json<{ sessions: SessionJson[] }>(['sessions', '-f', 'json', '--client', 'dash', sample], { unmatched: true });
    assert.deepEqual(partial.sessions, []);
    assert.equal((await sessionsOf('--client', '*', sample)).length, 7);
  });

  test('flows, problems and the timeline keep only matching clients', async () => {
    const flows = await flowsOf('--client', 'thermostat-*', sample);
    assert.equal(flows.length, 4);
    for (const f of flows) assert.equal(f.client, 'thermostat-3f');
    assert.deepEqual((await findingsOf('--client', 'light-*', sample)).map((f) => f.code), ['keepalive-timeout']);
    const entries = await entriesOf('--client', 'light-sensor-2f', sample);
    assert.deepEqual(entries.map((e) => e.kind), ['connect', 'flow', 'gap', 'end']);
    for (const e of entries) assert.equal(e.client, 'light-sensor-2f');
  });

  test('an id given in full matches itself, whatever glob characters it holds', async () => {
    const result = await runCli(['sessions', '-f', 'json', '--client', 'dev[1]', '-'], {
      stdin: '1700000000: New client connected from 127.0.0.1:5 as dev[1] (p2, c1, k60).\n1700000001: Client dev[1] disconnected.\n',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as { sessions: SessionJson[] }).sessions.map((x) => x.client), ['dev[1]']);
  });

  test('a glob no regular expression can hold is a usage error, not an internal one', async () => {
    const result = await runCli(['sessions', '--client', '[z-a]', sample]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'mosqlog: --client: not a usable glob (range out of order in character class): [z-a]\n');
  });

  test('no match is an empty result, exit 0', async () => {
    for (const command of ['sessions', 'flows', 'problems', 'timeline']) {
      const result = await runCli([command, '--no-color', '--client', 'nobody', sample]);
      assert.equal(result.code, 0);
      assert.equal(result.stderr, 'mosqlog: warning: --client "nobody" matches no client id in the log\n');
      assert.ok(result.stdout.length > 0 && result.stdout.split('\n').length <= 2, `${command}: a one-line note`);
    }
  });

  test('a summary of lines without packets still knows the log has debug lines', async () => {
    for (const narrow of [['--client', 'nobody'], ['--until', '2026-11-26T14:14:02']]) {
      const json = JSON.parse((await runCli(['summary', '--format', 'json', ...narrow, sample])).stdout) as { debugLines: boolean };
      assert.equal(json.debugLines, true, narrow.join(' '));
      assert.doesNotMatch((await runCli(['summary', '--no-color', ...narrow, sample])).stdout, /no packet lines/);
    }
  });
});

describe('--topic filters are checked', () => {
  test('# only as the whole last level, + only as a whole level, not empty', async () => {
    for (const filter of ['building/#/x', 'build#', 'build+', 'a/+b/c', '']) {
      const result = await runCli(['flows', '--topic', filter, sample]);
      assert.equal(result.code, 2, filter);
      assert.match(result.stderr, /^mosqlog: --topic: not an MQTT topic filter/);
    }
    assert.equal((await flowsOf('--topic', '+/+/#', sample)).length > 0, true);
  });
});

describe('--topic', () => {
  const cases: Array<[string, number]> = [['building/3f/#', 7], ['building/+/setpoint', 5], ['+/thermostat-3f/#', 3], ['building/3f', 0], ['#', 15]];
  for (const [filter, count] of cases) {
    test(`flows on ${filter}`, async () => {
      // A filter that matches no topic of the log is said on stderr.
      const { flows } = await json<{ flows: FlowJson[] }>(['flows', '-f', 'json', '--topic', filter, sample], { unmatched: count === 0 });
      assert.equal(flows.length, count);
      const pattern = new RegExp(`^${filter.replace(/\+/g, '[^/]+').replace(/#$/, '.*')}$`);
      for (const f of flows) assert.match(f.topic ?? '', pattern);
    });
  }

  test('a shared subscription\'s filter selects the topics of its filter', async () => {
    assert.deepEqual(await flowsOf('--topic', '$share/group/building/3f/#', sample), await flowsOf('--topic', 'building/3f/#', sample));
  });

  test('the timeline keeps connects and ends but only messages on the topic, and subscriptions that share a topic with it', async () => {
    const entries = await entriesOf('--client', 'thermostat-3f', '--topic', 'building/3f/mode', sample);
    assert.deepEqual(entries.map((e) => e.kind), ['connect', 'flow', 'end']);
    const commands = await entriesOf('--client', 'thermostat-3f', '--topic', 'cmd/+/setpoint', sample);
    assert.deepEqual(commands.map((e) => e.kind), ['connect', 'subscribe', 'flow', 'end']);
  });

  test('problems keep topic-less findings out when a topic is asked for', async () => {
    const findings = await findingsOf('--topic', 'cmd/#', sample);
    assert.deepEqual(findings.map((f) => f.code), ['flow-incomplete']);
  });

  test('the timeline keeps findings as problems does, and with --packets only the PUBLISH packets on the topic and their acknowledgements', async () => {
    const all = await entriesOf('--topic', 'cmd/#', sample);
    assert.deepEqual(all.filter((e) => e.kind === 'finding'), [], 'the takeover is about no topic');
    const entries = await json<{ entries: Array<EntryJson & { packet?: { cmd: string; topic?: string; mid?: number } }> }>(['timeline', '-f', 'json', '--packets', '--client', 'thermostat-3f', '--topic', 'cmd/#', sample]);
    const messagePackets = entries.entries.filter((e) => e.packet !== undefined && /^pub/.test(e.packet.cmd)).map((e) => [e.packet?.cmd, e.packet?.topic ?? null, e.packet?.mid]);
    assert.deepEqual(messagePackets, [['publish', 'cmd/thermostat-3f/setpoint', 1], ['pubrec', null, 1], ['pubrel', null, 1], ['pubcomp', null, 1]]);
  });
});

describe('--since and --until', () => {
  const last = Date.parse('2026-11-26T14:14:08Z');

  test('relative spans count back from the last line, not from now', async () => {
    assert.equal((await flowsOf('--since', '30m', sample)).length, 15);
    assert.equal((await flowsOf('--since', '1d', sample)).length, 15);
    const recent = await flowsOf('--since', '3s', sample);
    assert.deepEqual(recent.map((f) => [f.client, f.topic]), [['dashboard', 'status/light-sensor-2f']]);
    for (const f of recent) assert.ok(Date.parse(f.steps[0]?.time ?? '') >= last - 3000);
    assert.equal((await flowsOf('--until', '3s', sample)).length, 14);
  });

  test('ISO times: with Z, with an offset (hh:mm, hhmm or hh), without a zone (UTC), date and time with a space', async () => {
    const offsets = ['2026-11-26T15:14:05+01:00', '2026-11-26T15:14:05+0100', '2026-11-26T15:14:05+01', '2026-11-26T09:14:05-05', '2026-11-26T14:14:05.000z'];
    for (const since of ['2026-11-26T14:14:05Z', ...offsets, '2026-11-26T14:14:05', '2026-11-26 14:14:05']) {
      assert.equal((await flowsOf('--since', since, sample)).length, 1, since);
    }
    // A window that holds no line of the log selects nothing, and says so.
    const span = 'which runs from 2026-11-26T14:14:03.000Z to 2026-11-26T14:14:08.000Z';
    for (const [command, window] of [['flows', ['--since', '2026-11-27']], ['summary', ['--until', '2026-11-26T14:14:02Z']], ['timeline', ['--until', '1h']], ['problems', ['--since', '2027-01-01']]] as const) {
      const result = await runCli([command, '--format', 'json', ...window, sample]);
      assert.equal(result.code, 0, command);
      assert.equal(result.stderr, `mosqlog: warning: --since/--until hold no line of the log, ${span}\n`, command);
    }
    assert.equal((await runCli(['flows', '--since', '2026-11-26T14:14:08Z', sample])).stderr, '', 'a window that holds the last line');
    // The summary's time span says there were no lines, not that the log has no times.
    assert.match((await runCli(['summary', '--no-color', '--until', '2026-11-26T14:14:02Z', sample])).stdout, /Time span +no lines\n/);
  });

  test('a time without a zone is read in --tz, like the log\'s own times', async () => {
    assert.equal((await flowsOf('--tz', '+01:00', '--since', '2026-11-26T15:14:05', sample)).length, 1);
    assert.equal((await flowsOf('--tz', '+01', '--since', '2026-11-26T15:14:05', sample)).length, 1, 'an offset of hours only');
    assert.equal((await flowsOf('--tz', 'Europe/Berlin', '--since', '2026-11-26 15:14:05', sample)).length, 1);
    assert.equal((await flowsOf('--tz', 'Europe/Berlin', '--since', '2026-11-26T14:14:05', sample)).length, 15, 'an hour earlier there');
    assert.equal((await flowsOf('--tz', 'Europe/Berlin', '--since', '2026-11-26T14:14:05Z', sample)).length, 1, 'Z is Z in any zone');
  });

  test('a window that ends before it starts, or an impossible date, is a usage error', async () => {
    for (const args of [['--since', '2026-11-26T14:15', '--until', '2026-11-26T14:14'], ['--since', '1m', '--until', '2m'], ['--since', '2026-13-01T00:00'], ['--since', '2026-11-31'], ['--since', '2026-02-29T00:00:00+01:00'], ['--since', 'Nov 31 2026'], ['--since', '2026/11/26']]) {
      const result = await runCli(['sessions', ...args, sample]);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /^mosqlog: --since/);
    }
  });

  test('a window of a time and a duration that ends before it starts is a usage error, once the duration is counted back', async () => {
    for (const command of ['sessions', 'summary', 'timeline', 'report']) {
      for (const args of [['--since', '2026-11-27', '--until', '1s'], ['--since', '1s', '--until', '2026-11-26T14:00']]) {
        const result = await runCli([command, ...args, sample]);
        assert.equal(result.code, 2, `${command} ${args.join(' ')}`);
        assert.match(result.stderr, /^mosqlog: the window ends before it starts: --since is \S+, --until \S+/);
        assert.equal(result.stdout, '');
      }
    }
    assert.equal((await runCli(['sessions', '--since', '2026-11-26T14:14', '--until', '1s', sample])).code, 0);
  });

  test('since and until together make a window', async () => {
    assert.equal((await flowsOf('--since', '2026-11-26T14:14:00Z', '--until', '2026-11-26T14:14:04Z', sample)).length, 14);
    assert.equal((await flowsOf('--since', '10s', '--until', '4s', sample)).length, 14);
  });

  test('sessions overlapping the window are kept', async () => {
    const sessions = await sessionsOf('--since', '3s', sample);
    assert.deepEqual(sessions.map((s) => s.client), ['dashboard', 'thermostat-3f', 'light-sensor-2f', 'legacy-logger']);
    for (const s of sessions) assert.ok(Date.parse(s.end ?? '') >= last - 3000);
  });

  test('a flow whose steps overlap the window is kept, also one begun before it and taken up again in a later session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosqlog-window-'));
    try {
      const log = join(dir, 'resumed.log');
      writeFileSync(log, [
        '1795700000: New client connected from 10.0.0.1:5000 as p (p2, c0, k60).',
        "1795700001: Sending PUBLISH to p (d0, q1, r0, m1, 'a/b', ... (3 bytes))",
        '1795700002: Client p closed its connection.',
        '1795700600: New client connected from 10.0.0.1:5001 as p (p2, c0, k60).',
        '1795700600: Sending CONNACK to p (1, 0)',
        "1795700600: Sending PUBLISH to p (d1, q1, r0, m1, 'a/b', ... (3 bytes))",
        '1795700600: Received PUBACK from p (Mid: 1, RC:0)',
        '',
      ].join('\n'));
      const flows = await flowsOf('--since', '5m', log);
      assert.deepEqual(flows.map((f) => [f.client, f.mid, f.state, f.steps[0]?.time]), [['p', 1, 'complete', '2026-11-26T13:33:21.000Z']]);
      // The flow, begun before the window, and its re-send as the session resumed, in it.
      assert.deepEqual((await entriesOf('--since', '5m', log)).map((e) => e.kind), ['flow', 'connect', 'resend']);
      // A window while the message waited for its client holds it; one that ends before it began does not.
      assert.equal((await flowsOf('--since', '2026-11-26T13:33:22Z', '--until', '2026-11-26T13:42:00Z', log)).length, 1);
      assert.deepEqual(await flowsOf('--until', '2026-11-26T13:33:20Z', log), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('problems and the timeline are cut to the window', async () => {
    assert.deepEqual((await findingsOf('--since', '3s', sample)).map((f) => f.code), ['keepalive-timeout']);
    const entries = await entriesOf('--client', 'thermostat-3f', '--since', '3s', sample);
    assert.deepEqual(entries.map((e) => e.kind), ['end']);
  });
});

describe('flows --incomplete', () => {
  test('lists only flows that did not complete, each with the step it stalled at', async () => {
    const flows = await flowsOf('--incomplete', 'fixtures/stalled-qos2.log');
    assert.deepEqual(
      flows.map((f) => [f.client, f.direction, f.qos, f.state, f.stalledAt]),
      [
        ['sub-qos2-stall', 'out', 2, 'incomplete', 'pubrec'],
        ['sub-qos1-stall', 'out', 1, 'incomplete', 'puback'],
        ['pub-qos2-stall', 'in', 2, 'incomplete', 'pubrel'],
      ],
    );
  });

  test('keeps refused flows, drops complete ones', async () => {
    const all = await flowsOf('fixtures/acl-denial.log');
    const incomplete = await flowsOf('--incomplete', 'fixtures/acl-denial.log');
    assert.ok(all.some((f) => f.state === 'complete'));
    assert.deepEqual(incomplete, all.filter((f) => f.state !== 'complete'));
    assert.deepEqual(incomplete.map((f) => f.state), ['refused', 'refused']);
  });

  test('combines with --client and the table', async () => {
    assert.deepEqual((await flowsOf('--incomplete', '--client', 'sub-*', 'fixtures/stalled-qos2.log')).map((f) => f.client), ['sub-qos2-stall', 'sub-qos1-stall']);
    const table = await runCli(['flows', '--no-color', '--incomplete', 'fixtures/clean-qos.log']);
    assert.equal(table.code, 0);
    assert.equal(table.stdout, 'No flows to list.\n');
  });
});

describe('problems --type', () => {
  test('keeps only the named codes, most severe first', async () => {
    const findings = await findingsOf('--type', 'takeover,keepalive-timeout', sample);
    assert.deepEqual(findings.map((f) => f.code), ['keepalive-timeout', 'takeover']);
  });

  test('spaces around codes are fine; totals are those of the codes asked for', async () => {
    const result = await json<{ totals: Record<string, number>; findings: FindingJson[] }>(['problems', '-f', 'json', '--type', ' auth-failure , takeover', sample]);
    assert.deepEqual(result.findings.map((f) => f.code), ['auth-failure', 'takeover']);
    assert.deepEqual(result.totals, { 'auth-failure': 1, takeover: 1 });
  });

  test('a code with no findings gives the empty result', async () => {
    assert.deepEqual(await findingsOf('--type', 'broker-restart', sample), []);
    const table = await runCli(['problems', '--no-color', '--type', 'broker-restart', sample]);
    assert.equal(table.stdout, 'No problems found.\n');
  });

  test('repeated, the codes add up; an empty item is a usage error', async () => {
    const findings = await findingsOf('--type', 'takeover', '--type', 'auth-failure', sample);
    assert.deepEqual(findings.map((f) => f.code), ['auth-failure', 'takeover']);
    const result = await runCli(['problems', '--type', 'takeover,', sample]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^mosqlog: --type: an empty item/);
  });

  test('every finding code is accepted', async () => {
    assert.deepEqual(await findingsOf('--type', findingCodes.join(','), sample), await findingsOf(sample));
  });
});

describe('JSON outputs have the documented shape', () => {
  test('sessions: { sessions: [...], attempts }', async () => {
    const doc = await json<Record<string, unknown>>(['sessions', '-f', 'json', sample]);
    assert.deepEqual(Object.keys(doc), ['debugLines', 'sessions', 'attempts']);
    assert.equal(doc.attempts, 1);
    const sessions = doc.sessions as Array<Record<string, unknown>>;
    assert.equal(sessions.length, 7);
    for (const s of sessions) {
      for (const key of ['client', 'address', 'port', 'mqttVersion', 'cleanSession', 'keepalive', 'start', 'end', 'durationMs', 'endReason', 'startAt', 'messagesIn', 'messagesOut']) {
        assert.ok(key in s, `session has ${key}`);
      }
      assert.match(s.start as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    assert.deepEqual(sessions.map((s) => s.endReason), ['disconnect', 'disconnect', 'timeout', 'disconnect', 'broker-shutdown', 'takeover', 'disconnect']);
  });

  test('sessions ndjson: the same objects, one per line', async () => {
    const doc = await json<{ sessions: unknown[] }>(['sessions', '-f', 'json', sample]);
    assert.deepEqual(await ndjson(['sessions', '-f', 'ndjson', sample]), doc.sessions);
  });

  test('flows: { debugLines, flows: [...] }', async () => {
    const doc = await json<Record<string, unknown>>(['flows', '-f', 'json', sample]);
    assert.deepEqual(Object.keys(doc), ['debugLines', 'flows']);
    assert.equal(doc.debugLines, true);
    const flows = doc.flows as FlowJson[];
    for (const f of flows) {
      for (const key of ['client', 'direction', 'mid', 'qos', 'topic', 'state', 'steps']) assert.ok(key in f, `flow has ${key}`);
      assert.ok(f.direction === 'in' || f.direction === 'out');
      assert.ok(f.qos === 1 || f.qos === 2);
      assert.equal('stalledAt' in f, f.state === 'incomplete', 'stalledAt exactly on incomplete flows');
    }
    assert.deepEqual(flows.filter((f) => f.state !== 'complete').map((f) => [f.client, f.mid, f.stalledAt]), [['legacy-logger', 1, 'pubrec']]);
    assert.deepEqual(await ndjson(['flows', '-f', 'ndjson', sample]), flows);
  });

  test('flows on a log without debug lines say so', async () => {
    // $SYS/broker/log never carries DEBUG lines.
    const log = 'fixtures/prefixes/sys-topic.log';
    assert.deepEqual(await json(['flows', '-f', 'json', log]), { debugLines: false, flows: [] });
    const table = await runCli(['flows', '--no-color', log]);
    assert.equal(table.code, 0);
    assert.equal(table.stdout.split('\n').length, 3, 'a note and the empty list');
    assert.ok((await findingsOf(log)).some((f) => f.code === 'no-debug-lines'));
  });

  test('problems: { totals, findings: [...] } with code, severity, client, time, at', async () => {
    const doc = await json<Record<string, unknown>>(['problems', '-f', 'json', sample]);
    assert.deepEqual(Object.keys(doc), ['totals', 'findings']);
    const findings = doc.findings as FindingJson[];
    for (const f of findings) {
      assert.ok((findingCodes as readonly string[]).includes(f.code));
      assert.ok(['error', 'warning', 'info'].includes(f.severity));
      assert.ok('client' in f && 'time' in f && Array.isArray(f.at));
    }
    assert.deepEqual(doc.totals, { 'flow-incomplete': 1, 'keepalive-timeout': 1, 'auth-failure': 1, takeover: 1 });
  });

  test('problems: every field that comes out null is documented as null for its code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosqlog-nulls-'));
    try {
      // Whole-log findings in a log with times: no debug lines, an unknown line, state evicted.
      const timed = join(dir, 'whole.log');
      writeFileSync(timed, `garbage line\n${readFileSync(sample, 'utf8').split('\n').filter((l) => !/Received|Sending/.test(l)).join('\n')}`);
      // A log that starts mid-way: the old connection of a takeover is not in it.
      const midway = join(dir, 'midway.log');
      writeFileSync(midway, '1700000034: Client dup already connected, closing old connection.\n');
      const findings = [
        ...(await json<{ findings: Array<Record<string, unknown>> }>(['problems', '-f', 'json', '--max-open', '1', timed])).findings,
        ...(await json<{ findings: Array<Record<string, unknown>> }>(['problems', '-f', 'json', midway])).findings,
      ];
      const docs = /## `mosqlog problems --format json`\n([\s\S]*?)\n## /.exec(readFileSync('docs/json.md', 'utf8'))?.[1] ?? '';
      const common = /Every finding has\n?([\s\S]*?)\n\n/.exec(docs)?.[1] ?? '';
      const rowOf = (code: string): string => docs.split('\n').find((line) => line.startsWith('| ') && (line.split(' | ')[0] ?? '').includes(`\`${code}\``)) ?? '';
      const nulls = findings.flatMap((f) => Object.keys(f).filter((key) => f[key] === null).map((key) => [f.code as string, key] as const));
      for (const code of ['takeover', 'no-debug-lines', 'unknown-lines', 'state-evicted']) {
        assert.ok(nulls.some(([c]) => c === code), `${code} has a null field in this test`);
      }
      for (const [code, key] of nulls) {
        const row = rowOf(code);
        assert.ok(row !== '', `a row for ${code}`);
        // `time` is null for whole-log findings even in a log with times, so their rows say so.
        const documented = key === 'client' ? /`client` \((string )?or null\)/.test(common) : new RegExp(`\`${key}\`[^|]*null`).test(row);
        assert.ok(documented, `${code}.${key} can be null: ${row}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('summary: the documented top-level keys', async () => {
    const doc = await json<Record<string, unknown>>(['summary', '-f', 'json', sample]);
    assert.deepEqual(Object.keys(doc), [
      'span', 'broker', 'lines', 'records', 'recordTypes', 'unknown', 'otherProgramLines', 'clients', 'clientsCapped', 'sessions', 'troubledClients', 'troubledClientsCapped', 'attempts', 'flows',
      'latencyMs', 'orphanAcks', 'debugLines', 'problems', 'errorsAndWarnings', 'topClients', 'topTopics', 'topClientsCapped', 'topTopicsCapped', 'perMinute', 'evicted',
    ]);
    assert.deepEqual(doc.span, { first: '2026-11-26T14:14:03.000Z', last: '2026-11-26T14:14:08.000Z', durationMs: 5000, wholeSeconds: true });
    assert.deepEqual((doc.sessions as { total: number }).total, 7);
  });

  test('timeline: { entries: [...] } with kind, client, time, at', async () => {
    const entries = await entriesOf(sample);
    assert.ok(entries.length > 0);
    for (const e of entries) assert.ok('kind' in e && 'client' in e && 'time' in e && 'at' in e);
    assert.deepEqual(await ndjson(['timeline', '-f', 'ndjson', sample]), entries);
  });
});

describe('summary with a selection', () => {
  interface SummaryJson { clients: number; sessions: { total: number; byEndReason: Record<string, number> }; attempts: { total: number }; topTopics: Array<{ topic: string }>; lines: number }
  const summaryOf = async (...args: string[]): Promise<SummaryJson> => json<SummaryJson>(['summary', '-f', 'json', ...args]);

  test('--client counts only that client and leaves out other connections', async () => {
    const all = await summaryOf(sample);
    const one = await summaryOf('--client', 'light-sensor-2f', sample);
    assert.equal(one.clients, 1);
    assert.deepEqual(one.sessions, { total: 1, byEndReason: { timeout: 1 } });
    assert.equal(one.attempts.total, 0);
    assert.ok(one.lines < all.lines);
  });

  test("--client '*' keeps failed connections of no id, as `sessions` does", async () => {
    for (const file of [sample, 'fixtures/handmade/v2.1.log']) {
      for (const glob of ['*', '', 'x*']) {
        // No id is empty, and none starts with x.
        const { attempts } = await json<{ attempts: number }>(['sessions', '-f', 'json', '--client', glob, file], { unmatched: glob === 'x*' });
        const summary = await json<{ attempts: { total: number } }>(['summary', '-f', 'json', '--client', glob, file], { unmatched: glob === 'x*' });
        assert.equal(summary.attempts.total, attempts, `${file} --client '${glob}'`);
      }
    }
    assert.equal((await summaryOf('--client', '*', 'fixtures/handmade/v2.1.log')).attempts.total, 4);
  });

  test('a window counts the sessions `sessions` lists for it, ended as they ended, and keeps the broker version', async () => {
    const log = [
      '1795694400: mosquitto version 2.0.11 starting',
      '1795694400: New connection from 10.0.0.2:5002 on port 1883.',
      '1795694400: New client connected from 10.0.0.2:5002 as s (p2, c1, k10).',
      '1795694400: Sending CONNACK to s (0, 0)',
      '1795694405: Received PINGREQ from s',
      '1795694420: Client s has exceeded timeout, disconnecting.',
      '1795694460: New connection from 10.0.0.3:5003 on port 1883.',
      '1795694460: New client connected from 10.0.0.3:5003 as t (p2, c1, k60).',
      '1795694470: Client t disconnected.',
      '',
    ].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'mosqlog-window-'));
    const file = join(dir, 'window.log');
    writeFileSync(file, log);
    try {
      for (const window of [['--until', '2026-11-26T12:00:10Z'], ['--since', '2026-11-26T12:00:10Z'], ['--since', '20s']]) {
        const summary = JSON.parse((await runCli(['summary', '-f', 'json', ...window, file])).stdout) as SummaryJson & { broker: { versions: string[] } };
        const sessions = JSON.parse((await runCli(['sessions', '-f', 'json', ...window, file])).stdout) as { sessions: Array<{ client: string; endReason: string }> };
        const byEnd: Record<string, number> = {};
        for (const s of sessions.sessions) byEnd[s.endReason] = (byEnd[s.endReason] ?? 0) + 1;
        assert.deepEqual(summary.sessions, { total: sessions.sessions.length, byEndReason: byEnd }, window.join(' '));
        assert.equal(summary.clients, new Set(sessions.sessions.map((s) => s.client)).size);
        assert.deepEqual(summary.broker.versions, ['2.0.11'], window.join(' '));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a window on a log without times keeps every line, and says so', async () => {
    const untimed = readFileSync(sample, 'utf8').replace(/^\d+: /gm, '');
    for (const command of ['sessions', 'summary', 'problems', 'timeline']) {
      const run = await runCli([command, '--until', '2000-01-01', '-'], { stdin: untimed });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /warning: no line has a time, so --since\/--until kept every line/, command);
    }
    const timed = await runCli(['sessions', '--until', '2000-01-01', sample]);
    assert.doesNotMatch(timed.stderr, /no line has a time/);
  });

  test('a duration counts back from the last time also when the last 64 KiB hold none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosqlog-tail-'));
    try {
      const untimedTail = join(dir, 'untimed-tail.log');
      writeFileSync(untimedTail, readFileSync(sample, 'utf8') + Array.from({ length: 3000 }, (_, i) => `\tcontinuation line ${i}\n`).join(''));
      const longLast = join(dir, 'long-last.log');
      writeFileSync(longLast, `${readFileSync(sample, 'utf8')}1795702448: ${'A'.repeat(70_000)}\n`);
      const expected = (await summaryOf('--since', '3s', sample)).sessions;
      for (const file of [untimedTail, longLast]) {
        const run = await runCli(['summary', '-f', 'json', '--since', '3s', file]);
        assert.equal(run.code, 0, run.stderr);
        // Both end at the sample's last time, so the window is the sample's.
        assert.deepEqual((JSON.parse(run.stdout) as SummaryJson).sessions, expected, file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--topic keeps only messages on matching topics', async () => {
    const doc = await summaryOf('--topic', 'building/3f/#', sample);
    assert.ok(doc.topTopics.length > 0);
    assert.ok(doc.topTopics.every((t) => t.topic.startsWith('building/3f/')));
  });

  test('its problems are the ones `problems` counts under the same selection, topic-less findings out under --topic', async () => {
    const selections = [['--topic', '#'], ['--topic', 'cmd/#'], ['--topic', 'building/3f/#'], ['--client', '*'], ['--client', 'light-sensor-2f'], ['--since', '2s']];
    for (const selection of selections) {
      const summary = await json<{ problems: Record<string, number> }>(['summary', '-f', 'json', ...selection, sample]);
      const problems = await json<{ totals: Record<string, number> }>(['problems', '-f', 'json', ...selection, sample]);
      assert.deepEqual(summary.problems, problems.totals, selection.join(' '));
    }
    assert.deepEqual((await json<{ problems: Record<string, number> }>(['summary', '-f', 'json', '--topic', 'cmd/#', sample])).problems, { 'flow-incomplete': 1 });
  });

  test('its QoS flows are the ones `flows` lists under the same selection: a flow the window cuts is not stalled', async () => {
    type Totals = Record<'qos1' | 'qos2', { complete: number; incomplete: number; refused: number; inFlight: number; stalledAt: Record<string, number>; untracked: number }>;
    const selections = [['--until', '1s'], ['--since', '2s'], ['--topic', 'cli/#'], ['--client', 'cli-pub-q2']];
    for (const file of ['fixtures/clean-qos.iso.log', sample]) {
      for (const selection of selections) {
        // No topic of either log is under cli/#, and cli-pub-q2 is a client of the other log only.
        const unmatched = selection[0] === '--topic' || (selection[0] === '--client' && file === sample);
        const summary = await json<{ flows: Totals }>(['summary', '-f', 'json', ...selection, file], { unmatched });
        const { flows } = await json<{ flows: Array<{ qos: 1 | 2; state: 'complete' | 'incomplete' | 'refused' | 'in-flight'; stalledAt?: string }> }>(['flows', '-f', 'json', ...selection, file], { unmatched });
        const none = (): Totals['qos1'] => ({ complete: 0, incomplete: 0, refused: 0, inFlight: 0, stalledAt: {}, untracked: 0 });
        const listed: Totals = { qos1: none(), qos2: none() };
        for (const f of flows) {
          const totals = listed[f.qos === 1 ? 'qos1' : 'qos2'];
          totals[f.state === 'in-flight' ? 'inFlight' : f.state]++;
          if (f.stalledAt) totals.stalledAt[f.stalledAt] = (totals.stalledAt[f.stalledAt] ?? 0) + 1;
        }
        assert.deepEqual(summary.flows, listed, `${file} ${selection.join(' ')}`);
      }
    }
    const cut = await json<{ flows: Totals }>(['summary', '-f', 'json', '--until', '1s', 'fixtures/clean-qos.iso.log']);
    assert.deepEqual([cut.flows.qos2.incomplete, cut.flows.qos2.stalledAt], [0, {}]);
    // Acknowledgements of no flow are the selection's by client and time; they name no topic.
    const orphanLog = [
      '1795700000: New client connected from 127.0.0.1:5000 as a (p2, c1, k60).',
      '1795700000: New client connected from 127.0.0.1:5001 as b (p2, c1, k60).',
      '1795700001: Received PUBACK from a (Mid: 9, RC:0)',
      "1795700001: Received PUBLISH from b (d0, q1, r0, m1, 't/x', ... (1 bytes))",
      '1795700001: Sending PUBACK to b (m1, rc0)',
      '',
    ].join('\n');
    const orphans = async (...selection: string[]): Promise<number> =>
      (JSON.parse((await runCli(['summary', '-f', 'json', ...selection, '-'], { stdin: orphanLog })).stdout) as { orphanAcks: number }).orphanAcks;
    assert.deepEqual([await orphans(), await orphans('--client', 'a'), await orphans('--client', 'b'), await orphans('--topic', 't/#')], [1, 1, 0, 0]);
  });

  test('past the cap on findings listed per code, the selection\'s own findings are the ones listed', async () => {
    // 10 050 keepalive timeouts, 50 a second: more than the 10 000 listed of one code.
    const lines = ['1795700000: mosquitto version 2.0.11 running'];
    for (let i = 0; i < 10_050; i++) {
      lines.push(`1795700001: New client connected from 127.0.0.1:${1000 + (i % 50_000)} as k${i} (p2, c1, k10).`, `${1795700030 + Math.floor(i / 50)}: Client k${i} has exceeded timeout, disconnecting.`);
    }
    const log = `${lines.join('\n')}\n`;
    type Problems = { totals: Record<string, number>; findings: Array<{ code: string; client: string | null }> };
    const timeouts = (doc: Problems): string[] => doc.findings.filter((f) => f.code === 'keepalive-timeout').map((f) => f.client ?? '');
    const one = JSON.parse((await runCli(['problems', '-f', 'json', '--client', 'k10049', '-'], { stdin: log })).stdout) as Problems;
    assert.deepEqual([one.totals['keepalive-timeout'], timeouts(one)], [1, ['k10049']]);
    // A window counted back from the end lists the latest.
    const late = JSON.parse((await runCli(['problems', '-f', 'json', '--since', '1s', '-'], { stdin: log })).stdout) as Problems;
    assert.equal(late.totals['keepalive-timeout'], 100);
    assert.deepEqual(timeouts(late), Array.from({ length: 100 }, (_, i) => `k${9950 + i}`));
    const junit = (await runCli(['report', '-f', 'junit', '--client', 'k10049', '-'], { stdin: log })).stdout;
    assert.match(junit, /<testcase [^>]*name="k10049"/);
  });

  test('its problems are judged on the whole log: a window does not cut a flow or a burst of takeovers into other findings', async () => {
    const stamp = (s: number): string => String(1_795_702_400 + s);
    const log = [
      `${stamp(0)}: mosquitto version 2.0.11 running`,
      `${stamp(0)}: New client connected from 127.0.0.1:5000 as sub (p2, c1, k60).`,
      `${stamp(0)}: Sending PUBLISH to sub (d0, q1, r0, m1, 'a/b', ... (3 bytes))`,
      `${stamp(1)}: Received PUBACK from sub (Mid: 1, RC:0)`,
      `${stamp(2)}: New client connected from 127.0.0.1:5001 as dup (p2, c1, k60).`,
      ...[3, 4, 5, 6].flatMap((s) => [`${stamp(s)}: Client dup already connected, closing old connection.`, `${stamp(s)}: New client connected from 127.0.0.1:500${s} as dup (p2, c1, k60).`]),
      `${stamp(10)}: mosquitto version 2.0.11 terminating`,
      `${stamp(11)}: mosquitto version 2.0.11 starting`,
      `${stamp(12)}: a line mosquitto never writes`,
      '',
    ].join('\n');
    const selections = [[], ['--until', '2026-11-26T14:13:20Z'], ['--since', '2026-11-26T14:13:25Z'], ['--since', '2026-11-26T14:13:31Z'], ['--client', 'dup'], ['--client', 'sub']];
    for (const selection of selections) {
      const summary = JSON.parse((await runCli(['summary', '-f', 'json', ...selection, '-'], { stdin: log })).stdout) as { problems: Record<string, number> };
      const problems = JSON.parse((await runCli(['problems', '-f', 'json', ...selection, '-'], { stdin: log })).stdout) as { totals: Record<string, number> };
      assert.deepEqual(summary.problems, problems.totals, selection.join(' '));
    }
    const late = JSON.parse((await runCli(['summary', '-f', 'json', '--since', '2026-11-26T14:13:25Z', '-'], { stdin: log })).stdout) as { problems: Record<string, number> };
    assert.deepEqual(late.problems, { takeover: 2, 'takeover-flapping': 1, 'broker-restart': 1, 'unknown-lines': 1 });
  });

  test('a relative --since counts back from the last line, and needs a file (gzipped is fine)', async () => {
    const late = await summaryOf('--since', '1s', sample);
    const all = await summaryOf(sample);
    assert.ok(late.lines < all.lines);
    const dir = mkdtempSync(join(tmpdir(), 'mosqlog-select-'));
    try {
      const gz = join(dir, 'sample.log.gz');
      writeFileSync(gz, gzipSync(readFileSync(sample)));
      assert.deepEqual(await summaryOf('--since', '1s', gz), late);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const dir2 = mkdtempSync(join(tmpdir(), 'mosqlog-select-'));
    try {
      // A syslog log that passed New Year ends in the next year, and the window counts back from there.
      const sys = join(dir2, 'syslog.log');
      writeFileSync(sys, [
        'Dec 31 23:59:50 host mosquitto[12]: mosquitto version 2.0.11 starting',
        'Dec 31 23:59:55 host mosquitto[12]: New client connected from 127.0.0.1:50001 as a1 (p2, c1, k10).',
        'Jan  1 00:00:30 host mosquitto[12]: Client a1 has exceeded timeout, disconnecting.',
        'Jan  1 00:01:00 host mosquitto[12]: Client b1 disconnected.',
        '',
      ].join('\n'));
      const doc = await json<{ lines: number; span: { first: string } }>(['summary', '-f', 'json', '--year', '2025', '--since', '30s', sys]);
      assert.deepEqual([doc.lines, doc.span.first], [2, '2026-01-01T00:00:30.000Z']);
      // Stamps of a time of day alone over three days: the end is known only by reading through.
      const days = join(dir2, 'days.log');
      const dayLines: string[] = [];
      for (let day = 0; day < 3; day++) {
        for (let minute = 0; minute < 24 * 60; minute += 5) {
          const stamp = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`;
          dayLines.push(`${stamp}: New client connected from 127.0.0.1:5000 as c${day}-${minute} (p2, c1, k60).`, `${stamp}: Client c${day}-${minute} disconnected.`);
        }
      }
      writeFileSync(days, `${dayLines.join('\n')}\n`);
      const window = await json<{ sessions: { total: number }; span: { first: string; last: string } }>(['summary', '-f', 'json', '--date', '2026-01-01', '--since', '1h', days]);
      const listed = await json<{ sessions: unknown[] }>(['sessions', '-f', 'json', '--date', '2026-01-01', '--since', '1h', days]);
      assert.deepEqual([window.sessions.total, window.span.first, window.span.last], [listed.sessions.length, '2026-01-03T22:55:00.000Z', '2026-01-03T23:55:00.000Z']);
      // Just after logrotate the current file is empty: the log's end is in the rotated one, as
      // it is for the other commands.
      const current = join(dir2, 'mosquitto.log');
      writeFileSync(current, '');
      const rotatedSample = join(dir2, 'mosquitto.log.1');
      writeFileSync(rotatedSample, readFileSync(sample));
      const afterRotation = await runCli(['summary', '-f', 'json', '--since', '1s', rotatedSample, current]);
      assert.deepEqual(JSON.parse(afterRotation.stdout), late);
      assert.equal(afterRotation.stderr, `mosqlog: warning: no lines read from ${current}\n`);
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
    const piped = await runCli(['summary', '--since', '1s', '-'], { stdin: '1700000000: Using default config.\n' });
    assert.equal(piped.code, 2);
    assert.match(piped.stderr, /^mosqlog: summary --since\/--until with a duration .*give regular files rather than stdin or a pipe, or an ISO time\n$/);
    // A file without times keeps every line, with the warning every command gives.
    for (const command of ['summary', 'sessions']) {
      const untimed = await runCli([command, '--since', '1h', 'fixtures/prefixes/none.log']);
      assert.deepEqual([untimed.code, untimed.stderr], [0, 'mosqlog: warning: no line has a time, so --since/--until kept every line\n'], command);
    }
  });
});

test('a window at the end of a log holds a bridge still down then, whenever it went down', async () => {
  const log = [
    '1795000000: mosquitto version 2.0.11 starting',
    '1795000000: Connecting bridge (step 1) br (127.0.0.1:1883)',
    '1795000000: Connecting bridge (step 2) br (127.0.0.1:1883)',
    '1795000000: Bridge vm.br sending CONNECT',
    '1795000000: Received CONNACK on connection local.vm.br.',
    '1795000000: Received PUBACK from local.vm.br (Mid: 1, RC:0)',
    '1795000010: Client local.vm.br closed its connection.',
    '1795000100: Connecting bridge (step 1) br (127.0.0.1:1883)',
    '1795000100: Connecting bridge (step 2) br (127.0.0.1:1883)',
    '1795000100: Bridge vm.br sending CONNECT',
    '1795000100: Error creating bridge: Connection refused.',
    '',
  ].join('\n');
  const result = await runCli(['report', '--format', 'json', '--since', '5s', '-'], { stdin: log });
  assert.equal(result.code, 1);
  assert.deepEqual((JSON.parse(result.stdout) as { counts: Record<string, number> }).counts, { 'bridge-down': 1 });
});

test('bridges that never connected, one with its own remote id, are named by their bridge in findings and JUnit', async () => {
  const log = [
    '1795000000: mosquitto version 2.0.11 starting',
    '1795000000: Connecting bridge (step 1) two (127.0.0.1:1002)',
    '1795000000: Bridge local.rc-one doing local SUBSCRIBE on topic a/#',
    '1795000000: Connecting bridge (step 1) one (127.0.0.1:1001)',
    '1795000000: Connecting bridge (step 2) two (127.0.0.1:1002)',
    '1795000000: Connecting bridge (step 2) one (127.0.0.1:1001)',
    '1795000000: Bridge rc-one sending CONNECT',
    '1795000000: Error creating bridge: Broken pipe.',
    '1795000000: Bridge vm.two sending CONNECT',
    '1795000000: Error creating bridge: Connection refused.',
    '1795000030: Reloading config.',
    '',
  ].join('\n');
  const json = JSON.parse((await runCli(['problems', '--format', 'json', '-'], { stdin: log })).stdout) as { findings: Array<{ bridge: string; lastError: string }> };
  assert.deepEqual(json.findings.map((f) => [f.bridge, f.lastError]).sort(), [['one', 'Broken pipe'], ['two', 'Connection refused']]);
  const junit = (await runCli(['report', '--format', 'junit', '-'], { stdin: log })).stdout;
  assert.deepEqual([...junit.matchAll(/classname="bridge-down" name="([^"]*)"/g)].map((m) => m[1]).sort(), ['bridge one', 'bridge two']);
});

test('two topic filters overlap when some topic matches both', () => {
  const cases: Array<[string, string, boolean]> = [
    ['a/b', 'a/b', true], ['a/b', 'a/c', false], ['a/+', 'a/b', true], ['+/b', 'a/+', true], ['a/#', 'a', true], ['a/#', 'a/b/c', true],
    ['#', 'x/y', true], ['a/b', 'a/b/c', false], ['a/+', 'a/b/c', false], ['+/+', 'a/#', true], ['#', '$SYS/x', false], ['+/x', '$SYS/x', false], ['$SYS/#', '$SYS/x', true],
    ['$share/g/sensors/temp', 'sensors/#', true], ['$share/g/sensors/temp', 'other/#', false],
  ];
  for (const [a, b, overlap] of cases) {
    assert.equal(filtersOverlap(a, b), overlap, `${a} ~ ${b}`);
    assert.equal(filtersOverlap(b, a), overlap, `${b} ~ ${a}`);
  }
});

describe('a client whose session began before the log (a log rotated while it was connected)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosqlog-before-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'rotated.log');
  const pings = [0, 10, 20, 30].flatMap((s) => [`17957000${String(s).padStart(2, '0')}: Received PINGREQ from old`, `17957000${String(s).padStart(2, '0')}: Sending PINGRESP to old`]);
  writeFileSync(log, [
    ...pings,
    '1795700001: New connection from 10.0.0.1:5000 on port 1883.',
    '1795700001: New client connected from 10.0.0.1:5000 as fresh (p2, c1, k60).',
    '1795700040: Client old disconnected.',
    '1795700050: Client fresh disconnected.',
  ].sort().map((l) => `${l}\n`).join(''));

  test('its timeline ends with its end, and a window holds the pings inside it, counted', async () => {
    const text = (await runCli(['timeline', '--client', 'old', '--no-color', log])).stdout;
    assert.match(text.trimEnd().split('\n').at(-1) ?? '', /2026-11-26 13:34:00Z {2}session ended: disconnect; it began before the log {2}.*rotated\.log:\d+$/);
    const entries = await json<{ entries: Array<EntryJson & { count?: number; reason?: string }> }>(['timeline', '--client', 'old', '--format', 'json', log]);
    assert.deepEqual(entries.entries.map((e) => [e.kind, e.count ?? e.reason]), [['pings', 4], ['end-before-log', 'disconnect']]);
    // Pings at :00, :10, :20 and :30; the window holds :20 alone.
    const window = await json<{ entries: Array<EntryJson & { count?: number }> }>(['timeline', '--client', 'old', '--since', '2026-11-26T13:33:35Z', '--until', '2026-11-26T13:33:45Z', '--format', 'json', log]);
    assert.deepEqual(window.entries.map((e) => [e.kind, e.time, e.count]), [['pings', '2026-11-26T13:33:40.000Z', 1]]);
    // Counted back from the end of the file, the same.
    const back = await json<{ entries: Array<EntryJson & { count?: number }> }>(['timeline', '--client', 'old', '--since', '25s', '--until', '15s', '--format', 'json', log]);
    assert.deepEqual(back.entries.map((e) => [e.kind, e.count]), [['pings', 1]]);
  });

  test('a summary counts its client id, with or without a selection', async () => {
    const clients = async (args: string[]): Promise<number> => (await json<{ clients: number }>(['summary', '--format', 'json', ...args, log])).clients;
    assert.equal(await clients([]), 2);
    assert.equal(await clients(['--client', '*']), 2);
    assert.equal(await clients(['--since', '2026-11-26T13:33:00Z']), 2);
    assert.equal(await clients(['--client', 'old']), 1);
    // Its end is before the window: it is not of it.
    assert.equal(await clients(['--since', '2026-11-26T13:34:05Z']), 1);
  });
});
