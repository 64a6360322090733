/**
 * The everyday commands as a user calls them: help, the default command, where input comes
 * from (files, stdin, several rotated files, gzip) and how mistakes end (one line, exit 2).
 */
import assert from 'node:assert/strict';
import { viewFormats } from './support/view-formats.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fixtureLogs } from './support/fixtures.js';
import { type CliResult, runCli, runFromRepoRoot } from './support/run-cli.js';
import { catalogueRowsFrom14, physicalLines } from './support/catalogue.js';
import { endedSession } from './support/session-lines.js';

runFromRepoRoot();

const sample = 'fixtures/sample.log';
const rotated = 'fixtures/handmade/v2.1.log';
const temp = mkdtempSync(join(tmpdir(), 'mosqlog-cli-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const formatsOf = viewFormats;

/** A run that ended as a usage or input error: nothing on stdout, one `mosqlog:` line on stderr, exit 2. */
function assertOneLineError(result: CliResult, mentions?: string): void {
  assert.equal(result.code, 2, `exit code 2 (stderr: ${result.stderr})`);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^mosqlog: [^\n]+\n$/, 'exactly one line starting with mosqlog:');
  assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+|Error:|internal error/, 'no stack trace or internal error');
  if (mentions !== undefined) assert.ok(result.stderr.includes(mentions), `stderr names ${mentions}: ${result.stderr}`);
}

/** Replaces `"file": x, "line": n` pairs by their place in the whole log, so split inputs compare with the whole. */
function relocate(json: string, offsets: Record<string, number>, whole: string): unknown {
  return JSON.parse(json, function (this: unknown, _key: string, value: unknown) {
    if (typeof value === 'object' && value !== null && 'file' in value && 'line' in value) {
      const at = value as { file: string; line: number };
      const offset = offsets[at.file];
      if (offset !== undefined) return { ...at, file: whole, line: at.line + offset };
    }
    return value;
  });
}

/** A summary table without its section of logged errors and warnings, which names lines. */
function withoutLogged(table: string): string {
  return table.replace(/Errors and warnings logged\n[^]*?\n\n(?=\S)/, '');
}

/** Writes `lines` (without trailing newline handling surprises) as a file in the temp dir. */
function writeLines(name: string, lines: readonly string[]): string {
  const path = join(temp, name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

function logLines(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

describe('help', () => {
  for (const [command, formats] of Object.entries(formatsOf)) {
    test(`${command} --help shows usage, every format and examples, on stdout, exit 0`, async () => {
      const result = await runCli([command, '--help']);
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, new RegExp(`^Usage: mosqlog ${command} \\[options\\] \\[files\\.\\.\\.\\]`));
      for (const format of formats) assert.ok(result.stdout.includes(`"${format}"`), `help offers --format ${format}`);
      const examples = result.stdout.slice(result.stdout.indexOf('\nExamples:\n'));
      assert.ok(examples.length > 0, 'has an Examples section');
      assert.match(examples, new RegExp(`\\n  mosqlog ${command === 'summary' ? '' : `${command} `}`), 'examples call this command');
    });

    test(`help ${command} prints the same help`, async () => {
      assert.deepEqual(await runCli(['help', command]), await runCli([command, '--help']));
    });
  }

  test('parse --help shows examples', async () => {
    const result = await runCli(['parse', '--help']);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /\nExamples:\n {2}mosqlog parse /);
  });

  test('mosqlog --help lists the commands, exit 0', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    for (const command of Object.keys(formatsOf)) assert.match(result.stdout, new RegExp(`\\n {2}${command} \\[options\\]`));
    assert.match(result.stdout, /Without a command, files run summary: mosqlog broker\.log is mosqlog summary broker\.log\./);
  });

  test('mosqlog help help is the main help, on stdout', async () => {
    assert.deepEqual(await runCli(['help', 'help']), await runCli(['--help']));
  });

  test('--version prints the version, exit 0', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.equal(result.stderr, '');
  });
});

describe('the default command', () => {
  test('mosqlog FILE is mosqlog summary FILE', async () => {
    const implicit = await runCli(['--no-color', sample]);
    assert.equal(implicit.code, 0);
    assert.equal(implicit.stderr, '');
    assert.deepEqual(implicit, await runCli(['summary', '--no-color', sample]));
  });

  test('summary options work without the command name', async () => {
    const implicit = await runCli(['--format', 'json', sample]);
    assert.equal(implicit.code, 0);
    assert.deepEqual(JSON.parse(implicit.stdout), JSON.parse((await runCli(['summary', '--format', 'json', sample])).stdout));
  });
});

describe('stdin', () => {
  const text = readFileSync(sample);

  test('- and no file both read stdin, with the same result as the file', async () => {
    const fromFile = await runCli(['summary', '--no-color', sample]);
    const dash = await runCli(['summary', '--no-color', '-'], { stdin: text });
    const none = await runCli(['summary', '--no-color'], { stdin: text });
    const bare = await runCli(['--no-color'], { stdin: text });
    for (const run of [dash, none, bare]) assert.deepEqual(run, fromFile);
  });

  test('records read from stdin name their file -', async () => {
    const result = await runCli(['sessions', '--format', 'ndjson', '-'], { stdin: text });
    assert.equal(result.code, 0);
    const sessions = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { startAt: { file: string } });
    assert.ok(sessions.length > 0);
    for (const s of sessions) assert.equal(s.startAt.file, '-');
  });

  test('tables and Markdown show lines read from stdin as stdin:N', async () => {
    const table = await runCli(['sessions', '--no-color', '-'], { stdin: text });
    const markdown = await runCli(['problems', '--format', 'markdown', '-'], { stdin: text });
    for (const result of [table, markdown]) {
      assert.match(result.stdout, /\bstdin:\d+/);
      assert.doesNotMatch(result.stdout, /(?:^|[\s|])-:\d/m);
    }
  });

  test('stdin between files takes its place in time order', async () => {
    const lines = logLines(rotated);
    const head = writeLines('stdin-head.log', lines.slice(0, 90));
    const whole = await runCli(['summary', '--format', 'json', rotated]);
    const mixed = await runCli(['summary', '--format', 'json', head, '-'], { stdin: lines.slice(90).map((l) => `${l}\n`).join('') });
    assert.equal(mixed.stderr, '');
    assert.deepEqual(relocate(mixed.stdout, { [head]: 0, '-': 90 }, rotated), JSON.parse(whole.stdout));
  });

  test('stdin on a terminal gets a hint on stderr; a pipe does not', async () => {
    const terminal = await runCli(['sessions'], { stdin: '', stdinIsTTY: true });
    assert.equal(terminal.code, 0);
    assert.match(terminal.stderr, /^mosqlog: reading the log from the terminal; end it with Ctrl-D/);
    const piped = await runCli(['sessions'], { stdin: '1700000000: Using default config.\n' });
    assert.equal(piped.stderr, '');
  });

  test('an empty stdin is an empty log, not an error, with a warning', async () => {
    const result = await runCli(['sessions', '--no-color'], { stdin: '' });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, 'mosqlog: warning: no lines read from stdin\n');
    const json = await runCli(['sessions', '--format', 'json'], { stdin: '' });
    assert.deepEqual(JSON.parse(json.stdout), { debugLines: false, sessions: [], attempts: 0 });
  });

  test('inputs without lines are named on stderr by every analysing command; parse says nothing', async () => {
    const empty = writeLines('empty.log', []);
    const other = writeLines('empty-too.log', []);
    const commands = [['summary'], ['sessions'], ['flows'], ['problems'], ['timeline'], ['report', '-f', 'junit']];
    for (const command of commands) {
      const result = await runCli([...command, empty, other]);
      assert.equal(result.code, 0, command.join(' '));
      assert.equal(result.stderr, `mosqlog: warning: no lines read from ${empty}, ${other}\n`, command.join(' '));
    }
    // The gate over no lines keeps its exit code; the warning names stdin as stdin.
    const gate = await runCli(['report', '-f', 'junit', '-o', join(temp, 'empty.xml')], { stdin: '' });
    assert.deepEqual(gate, { code: 0, stdout: '', stderr: 'mosqlog: warning: no lines read from stdin\n' });
    assert.deepEqual(await runCli(['parse', empty]), { code: 0, stdout: '', stderr: '' });
    // An empty file next to one with lines is named too: in CI the empty one may be today's log.
    assert.equal((await runCli(['summary', empty, sample])).stderr, `mosqlog: warning: no lines read from ${empty}\n`);
    assert.equal((await runCli(['report', '--fail-on', 'none', sample, other])).stderr, `mosqlog: warning: no lines read from ${other}\n`);
    // Blank lines alone are as empty (`echo "$LOG" > broker.log` with LOG unset writes one), and a gate over them is not passed without a word.
    const blank = writeLines('one-empty-line.log', ['']);
    assert.deepEqual(await runCli(['report', '-f', 'junit', '-o', join(temp, 'blank.xml'), blank]), { code: 0, stdout: '', stderr: `mosqlog: warning: only blank lines read from ${blank}\n` });
    assert.equal((await runCli(['summary', blank, sample])).stderr, `mosqlog: warning: only blank lines read from ${blank}\n`);
  });
});

describe('several files, taken in time order', () => {
  const lines = logLines(rotated);
  // Cut inside the log (a QoS 2 flow and open sessions span both cuts) like logrotate would.
  const cuts = [0, 61, 141, lines.length];
  const parts = [0, 1, 2].map((i) => writeLines(`rotated.${2 - i}.log`, lines.slice(cuts[i], cuts[i + 1])));
  const offsets = Object.fromEntries(parts.map((p, i) => [p, cuts[i] ?? 0]));

  test('a SUBSCRIBE whose topic lines were rotated into the next file counts for its session', async () => {
    // Line 33 is `Received SUBSCRIBE from pers-logger`; its topic line and grant start the next file.
    const head = writeLines('subscribe-cut.1.log', lines.slice(0, 33));
    const tail = writeLines('subscribe-cut.log', lines.slice(33));
    assert.match(lines[32] ?? '', /Received SUBSCRIBE from pers-logger$/);
    const split = await runCli(['sessions', '--format', 'json', tail, head]);
    const whole = await runCli(['sessions', '--format', 'json', rotated]);
    assert.deepEqual(relocate(split.stdout, { [head]: 0, [tail]: 33 }, rotated), JSON.parse(whole.stdout));
  });

  test('the parts start at different times (a precondition of this test)', async () => {
    const first = await Promise.all(parts.map(async (p) => (JSON.parse((await runCli(['summary', '--format', 'json', p])).stdout) as { span: { first: string } }).span.first));
    assert.deepEqual([...first].sort(), first);
    assert.equal(new Set(first).size, 3);
  });

  for (const order of [[2, 1, 0], [1, 2, 0], [0, 1, 2]]) {
    test(`parts given as ${order.join(', ')} read as the whole log`, async () => {
      const files = order.map((i) => parts[i] as string);
      const summary = await runCli(['summary', '--format', 'json', ...files]);
      assert.equal(summary.stderr, '');
      assert.equal(summary.code, 0);
      assert.deepEqual(relocate(summary.stdout, offsets, rotated), JSON.parse((await runCli(['summary', '--format', 'json', rotated])).stdout));
      // The tables differ only where the first of a logged warning is: in a part, not the whole.
      const [splitTable, wholeTable] = [await runCli(['summary', '--no-color', ...files]), await runCli(['summary', '--no-color', rotated])];
      assert.match(wholeTable.stdout, /Errors and warnings logged\n/);
      assert.deepEqual({ ...splitTable, stdout: withoutLogged(splitTable.stdout) }, { ...wholeTable, stdout: withoutLogged(wholeTable.stdout) });
      for (const command of ['sessions', 'flows', 'problems', 'timeline']) {
        const split = await runCli([command, '--format', 'json', ...files]);
        const whole = await runCli([command, '--format', 'json', rotated]);
        assert.equal(split.code, 0);
        assert.deepEqual(relocate(split.stdout, offsets, rotated), JSON.parse(whole.stdout), `${command} in the same order as the whole log`);
      }
    });
  }

  test('rotated files that begin in the same second are read oldest rotation first, in any order given', async () => {
    const dir = join(temp, 'same-second');
    mkdirSync(dir, { recursive: true });
    const [older, current, plain] = [join(dir, 'broker.log.2.gz'), join(dir, 'broker.log.1'), join(dir, 'broker.log')];
    writeFileSync(older, gzipSync('1700000000: mosquitto version 2.0.11 starting\n1700000000: New connection from 127.0.0.1:5000 on port 1883.\n'));
    writeFileSync(current, '1700000000: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k10).\n');
    writeFileSync(plain, '1700000000: Sending CONNACK to c1 (0, 0)\n1700000020: Client c1 has exceeded timeout, disconnecting.\n');
    for (const files of [[plain, current, older], [current, plain, older], [older, current, plain]]) {
      const parsed = (await runCli(['parse', ...files])).stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { file: string }).file);
      assert.deepEqual(parsed, [older, older, current, plain, plain]);
      const problems = await runCli(['problems', '--format', 'json', ...files]);
      assert.deepEqual((JSON.parse(problems.stdout) as { findings: Array<{ keepalive: number; gapMs: number }> }).findings.map((f) => [f.keepalive, f.gapMs]), [[10, 20_000]]);
    }
  });

  test('sessions that start in the same second in two rotated files are listed in the order the files are read', async () => {
    const dir = join(temp, 'same-second-sessions');
    mkdirSync(dir, { recursive: true });
    const [older, current] = [join(dir, 'm.log.1'), join(dir, 'm.log')];
    writeFileSync(older, '1795700000: mosquitto version 2.0.11 running\n1795700020: New client connected from 10.0.0.1:2 as b (p2, c1, k60).\n');
    // The session of the newer file ends first.
    writeFileSync(current, '1795700020: New client connected from 10.0.0.1:3 as c (p2, c1, k60).\n1795700021: Client c disconnected.\n1795700030: Client b disconnected.\n');
    const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', current, older])).stdout) as { sessions: Array<{ client: string }> };
    assert.deepEqual(sessions.sessions.map((x) => x.client), ['b', 'c']);
  });

  test('a rotated .gz part is read transparently among plain parts', async () => {
    const gz = join(temp, 'rotated.2.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(parts[0] as string)));
    const files = [parts[2] as string, gz, parts[1] as string];
    const split = await runCli(['sessions', '--format', 'json', ...files]);
    assert.equal(split.stderr, '');
    const whole = await runCli(['sessions', '--format', 'json', rotated]);
    assert.deepEqual(relocate(split.stdout, { ...offsets, [gz]: 0 }, rotated), JSON.parse(whole.stdout));
  });
});

describe('rotated syslog files that pass New Year', () => {
  const syslog = (stamp: string, message: string): string => `${stamp} gw mosquitto[1]: ${message}`;
  const lines = [
    syslog('Nov 30 10:00:00', 'mosquitto version 2.0.11 running'),
    syslog('Nov 30 10:00:01', 'New client connected from 10.0.0.1:5000 as a (p2, c1, k60).'),
    syslog('Dec 31 23:59:50', 'New client connected from 10.0.0.2:5001 as b (p2, c1, k60).'),
    syslog('Dec 31 23:59:55', "Received PUBLISH from b (d0, q1, r0, m7, 't', ... (2 bytes))"),
    syslog('Jan  1 00:00:01', 'Sending PUBACK to b (m7, rc0)'),
    syslog('Jan  1 00:00:05', 'Client b disconnected.'),
    syslog('Jan  1 00:00:09', 'Client a disconnected.'),
  ];
  const whole = writeLines('new-year.log', lines);
  const cuts = [0, 2, 4, lines.length];
  const parts = [0, 1, 2].map((i) => writeLines(`new-year.log.${2 - i}`, lines.slice(cuts[i], cuts[i + 1])));
  const offsets = Object.fromEntries(parts.map((p, i) => [p, cuts[i] ?? 0]));

  for (const order of [[2, 1, 0], [0, 2, 1]]) {
    test(`parts given as ${order.join(', ')} read as the whole log: January after December, in the next year`, async () => {
      const files = order.map((i) => parts[i] as string);
      for (const command of ['parse', 'sessions', 'flows', 'problems', 'summary']) {
        const args = command === 'parse' ? ['parse', '--year', '2025'] : [command, '--year', '2025', '--format', 'json'];
        const split = await runCli([...args, ...files]);
        const one = await runCli([...args, whole]);
        assert.equal(split.code, 0, split.stderr);
        if (command === 'parse') {
          const records = split.stdout.trimEnd().split('\n').map((l) => relocate(l, offsets, whole));
          assert.deepEqual(records, one.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown));
          assert.match(one.stdout.trimEnd().split('\n').at(-1) ?? '', /"time":"2026-01-01T00:00:09\.000Z"/);
        } else {
          assert.deepEqual(relocate(split.stdout, offsets, whole), JSON.parse(one.stdout), command);
        }
      }
      const sessions = JSON.parse((await runCli(['sessions', '--year', '2025', '--format', 'json', ...files])).stdout) as { sessions: Array<{ client: string; durationMs: number }> };
      assert.deepEqual(sessions.sessions.map((x) => [x.client, x.durationMs]), [['a', 2_728_808_000], ['b', 15_000]]);
    });
  }

  test('a window counted back from the end reads the last file in the next year', async () => {
    const files = [parts[2] as string, parts[0] as string, parts[1] as string];
    const summary = JSON.parse((await runCli(['summary', '--year', '2025', '--since', '10s', '--format', 'json', ...files])).stdout) as { span: { first: string; last: string } };
    assert.deepEqual([summary.span.first, summary.span.last], ['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:09.000Z']);
  });

  test('files whose stamps name the year stay in time order, however far apart', async () => {
    const january = writeLines('jan.log', ['1704067200: mosquitto version 2.0.11 running', '1704067201: New client connected from 10.0.0.1:5000 as a (p2, c1, k60).']);
    const december = writeLines('dec.log', ['1733011200: mosquitto version 2.0.11 running', '1733011201: Client a disconnected.']);
    const parsed = (await runCli(['parse', december, january])).stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { file: string }).file);
    assert.deepEqual(parsed, [january, january, december, december]);
  });
});

describe('rotated files of a log stamped with a time of day alone', () => {
  const older = writeLines('daily.log.1', [
    '22:00:00: mosquitto version 2.0.11 starting',
    '22:00:01: New client connected from 10.0.0.1:5000 as c1 (p2, c1, k60).',
    '23:59:00: Received PINGREQ from c1',
  ]);
  const current = writeLines('daily.log', ['00:30:00: Received PINGREQ from c1', '01:00:00: Client c1 disconnected.']);

  test('are read in rotation order, the day carried from one into the next, and the made-up date is said', async () => {
    for (const files of [[current, older], [older, current]]) {
      const result = await runCli(['sessions', '--format', 'json', ...files]);
      const sessions = (JSON.parse(result.stdout) as { sessions: Array<{ client: string; endReason: string; durationMs: number; start: string }> }).sessions;
      assert.deepEqual(sessions.map((x) => [x.client, x.endReason, x.durationMs]), [['c1', 'disconnect', 10_799_000]]);
      assert.match(sessions[0]?.start ?? '', /^\d{4}-01-01T22:00:01/);
      assert.match(result.stderr, /warning: the log's stamps give a time of day and no date: its first day is read as 1 January \d{4} \(give the first line's date with --date YYYY-MM-DD\)/);
    }
  });

  test('--date gives the first day; it cannot be given with --year, and must be a date', async () => {
    const dated = await runCli(['summary', '--date', '2026-11-28', '--format', 'json', current, older]);
    assert.equal(dated.stderr, '');
    const span = (JSON.parse(dated.stdout) as { span: { first: string; last: string } }).span;
    assert.deepEqual([span.first, span.last], ['2026-11-28T22:00:00.000Z', '2026-11-29T01:00:00.000Z']);
    const both = await runCli(['summary', '--date', '2026-11-28', '--year', '2025', older]);
    assert.equal(both.code, 2);
    const bad = await runCli(['summary', '--date', '2026-02-30', older]);
    assert.deepEqual([bad.code, bad.stderr], [2, 'mosqlog: --date: not a date (YYYY-MM-DD): 2026-02-30\n']);
  });

  test('a log whose stamps carry their date gets no warning, and --date leaves its times alone', async () => {
    const plain = await runCli(['summary', '--date', '2020-05-05', '--format', 'json', sample]);
    assert.equal(plain.stderr, '');
    const without = await runCli(['summary', '--format', 'json', sample]);
    assert.deepEqual((JSON.parse(plain.stdout) as { span: unknown }).span, (JSON.parse(without.stdout) as { span: unknown }).span);
  });
});

test('flows says why a flow was given up unfinished: untracked at --max-open is no stall', async () => {
  const json = JSON.parse((await runCli(['flows', '--incomplete', '--max-open', '2', '--format', 'json', sample])).stdout) as { flows: Array<{ client: string; mid: number; dropped?: string }> };
  const table = (await runCli(['flows', '--incomplete', '--max-open', '2', '--no-color', sample])).stdout;
  const evicted = json.flows.filter((f) => f.dropped === 'evicted');
  assert.ok(evicted.length > 0);
  for (const f of evicted) {
    const row = table.split('\n').find((line) => line.startsWith(`${f.client} `) && line.includes(` ${f.mid} `));
    assert.match(row ?? '', /incomplete at PUB[A-Z]+ \(untracked at --max-open\)/, `${f.client} m${f.mid}`);
  }
  // The summary counts them apart from the stalls, in JSON and in its table.
  const summary = JSON.parse((await runCli(['summary', '--max-open', '2', '--format', 'json', sample])).stdout) as { flows: Record<'qos1' | 'qos2', { untracked: number; stalledAt: Record<string, number>; incomplete: number }> };
  const untracked = (['qos1', 'qos2'] as const).reduce((n, q) => n + summary.flows[q].untracked, 0);
  assert.equal(untracked, evicted.length);
  const stalls = (['qos1', 'qos2'] as const).reduce((n, q) => n + Object.values(summary.flows[q].stalledAt).reduce((a, b) => a + b, 0), 0);
  assert.equal(stalls + untracked, summary.flows.qos1.incomplete + summary.flows.qos2.incomplete);
  assert.match((await runCli(['summary', '--max-open', '2', '--no-color', sample])).stdout, /\d+ untracked at --max-open/);
});

test('sessions: without debug lines a session\'s messages are unknown, not zero', async () => {
  const log = '1795700001: New client connected from 10.0.0.1:20001 as quiet (p2, c1, k60).\n1795700009: Client quiet disconnected.\n';
  for (const format of ['table', 'markdown']) {
    const out = (await runCli(['sessions', '--no-color', '--format', format, '-'], { stdin: log })).stdout;
    const row = out.split('\n').find((line) => line.includes('quiet')) ?? '';
    assert.doesNotMatch(row, /0\/0/, format);
    assert.match(row, /disconnect`?\s*\|?\s*-\s/, format);
  }
});

test('sessions --format json: an open session has endAt null, as every session has the field', async () => {
  const log = [
    '1795700000: mosquitto version 2.0.11 running',
    '1795700001: New client connected from 10.0.0.1:20001 as open-one (p2, c1, k60).',
    '1795700001: New client connected from 10.0.0.2:20002 as gone (p2, c1, k60).',
    '1795700002: Client gone disconnected.',
    '',
  ].join('\n');
  const result = await runCli(['sessions', '--format', 'json', '-'], { stdin: log });
  const { sessions } = JSON.parse(result.stdout) as { sessions: Array<{ client: string; endReason: string; endAt?: unknown }> };
  assert.deepEqual(sessions.map((s) => [s.client, s.endReason, s.endAt]), [
    ['open-one', 'open', null],
    ['gone', 'disconnect', { file: '-', line: 4 }],
  ]);
});

describe('message trace', () => {
  const log = [
    '1795702432: mosquitto version 2.0.11 running',
    '1795702432: New client connected from 127.0.0.1:35000 as pub (p2, c1, k60).',
    '1795702432: New client connected from 127.0.0.1:35001 as sub (p2, c1, k60).',
    '1795702432: Received SUBSCRIBE from sub',
    '1795702432: \tt/# (QoS 1)',
    '1795702432: sub 1 t/#',
    '1795702432: Sending SUBACK to sub',
    "1795702432: Received PUBLISH from pub (d0, q1, r0, m5, 't/x', ... (3 bytes))",
    "1795702432: Sending PUBLISH to sub (d0, q1, r0, m1, 't/x', ... (3 bytes))",
    '1795702432: Sending PUBACK to pub (m5, rc0)',
    '1795702432: Received PUBACK from sub (Mid: 1, RC:0)',
    '',
  ].join('\n');

  test('flows --format json names the PUBLISH a delivery came from', async () => {
    const result = await runCli(['flows', '--format', 'json', '-'], { stdin: log });
    assert.equal(result.code, 0);
    const { flows } = JSON.parse(result.stdout) as { flows: Array<{ client: string; direction: string; origin?: unknown }> };
    const delivery = flows.find((f) => f.client === 'sub' && f.direction === 'out');
    assert.deepEqual(delivery?.origin, { client: 'pub', at: { file: '-', line: 8 }, mid: 5, ambiguous: false });
  });

  test('timeline says whom a received message came from', async () => {
    const result = await runCli(['timeline', '--client', 'sub', '--format', 'json', '-'], { stdin: log });
    assert.equal(result.code, 0);
    const { entries } = JSON.parse(result.stdout) as { entries: Array<{ kind: string; flow?: { origin?: { client: string } } }> };
    assert.equal(entries.find((e) => e.kind === 'flow')?.flow?.origin?.client, 'pub');
    const table = await runCli(['timeline', '--client', 'sub', '--no-color', '-'], { stdin: log });
    assert.match(table.stdout, /received m1 QoS 1 t\/x \(3 B\) from pub:/);
  });
});

describe('--max-open', () => {
  test('timeline and report take it too, and report the state they let go', async () => {
    const timeline = await runCli(['timeline', '--max-open', '1', sample]);
    assert.equal(timeline.code, 0, timeline.stderr);
    assert.match(timeline.stdout, /session ended: other \(state limit reached\)/);
    const report = await runCli(['report', '--max-open', '1', '--format', 'json', '--fail-on', 'none', sample]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /state-evicted/);
  });
});

describe('--max-open and the gate', () => {
  test('a flow rule that passed after flows were let go is not fully checked, in every format', async () => {
    type Rules = { gate: { rules: Array<{ code: string; passed: boolean; checked: boolean; uncheckedReason?: string }> } };
    const rulesOf = async (args: string[]): Promise<Rules['gate']['rules']> => (JSON.parse((await runCli(['report', '--format', 'json', ...args, sample])).stdout) as Rules).gate.rules;
    // Whole, the log's flows are checked; with two clients tracked at once, some are let go unfinished.
    const whole = await rulesOf(['--fail-on', 'flow-incomplete>100,keepalive-timeout>100']);
    assert.deepEqual(whole.map((r) => [r.code, r.passed, r.checked]), [['flow-incomplete', true, true], ['keepalive-timeout', true, true]]);
    const limited = await rulesOf(['--max-open', '2', '--fail-on', 'flow-incomplete>100,keepalive-timeout>100']);
    assert.deepEqual(limited.map((r) => [r.code, r.passed, r.checked]), [['flow-incomplete', true, false], ['keepalive-timeout', true, true]]);
    assert.match(limited[0]?.uncheckedReason ?? '', /^not fully checked: the tracking limit \(--max-open\) dropped \d+ QoS flow\(s\)/);
    const markdown = await runCli(['report', '--max-open', '2', '--fail-on', 'flow-incomplete>100', sample]);
    assert.match(markdown.stdout, /\| `flow-incomplete` .* \| 100 \| \d+ \| ➖ not fully checked \|/);
    const junit = await runCli(['report', '--max-open', '2', '--format', 'junit', '--fail-on', 'flow-incomplete>100', sample]);
    assert.match(junit.stdout, /<testcase classname="flow-incomplete" name="not fully checked" time="0">\s*<skipped message="not fully checked: /);
    // The whole log fails the rule, and a failure is checked: what it counted is there. With the
    // limit, the flow that failed it was let go, so the rule passes, but not fully checked.
    assert.deepEqual((await rulesOf(['--fail-on', 'flow-incomplete'])).map((r) => [r.passed, r.checked]), [[false, true]]);
    assert.deepEqual((await rulesOf(['--max-open', '2', '--fail-on', 'flow-incomplete'])).map((r) => [r.passed, r.checked]), [[true, false]]);
  });
});

describe('flows in flight at the end of the log and the gate', () => {
  test('a flow rule that passed with flows still in flight is not fully checked, and says how many, in every format', async () => {
    // Real 2.0.11, copied while the broker ran: a PUBREC and two deliveries were the last lines.
    const log = [
      '1795886986: New connection from 127.0.0.1:43230 on port 21833.',
      '1795886986: New client connected from 127.0.0.1:43230 as stay-sub (p2, c1, k60).',
      '1795886986: Sending CONNACK to stay-sub (0, 0)',
      '1795886987: New connection from 127.0.0.1:43240 on port 21833.',
      '1795886987: New client connected from 127.0.0.1:43240 as stay-pub (p2, c1, k60).',
      '1795886987: Sending CONNACK to stay-pub (0, 0)',
      "1795886987: Received PUBLISH from stay-pub (d0, q2, r0, m1, 'stay/x', ... (2 bytes))",
      '1795886987: Sending PUBREC to stay-pub (m1, rc0)',
      "1795886987: Sending PUBLISH to stay-sub (d0, q1, r0, m1, 'stay/y', ... (2 bytes))",
      '',
    ].join('\n');
    const report = (format: string): Promise<{ code: number; stdout: string }> => runCli(['report', '--format', format, '--fail-on', 'flow-incomplete', '-'], { stdin: log });
    const json = JSON.parse((await report('json')).stdout) as { gate: { rules: Array<{ code: string; passed: boolean; checked: boolean; uncheckedReason?: string }> } };
    assert.deepEqual(json.gate.rules.map((r) => [r.code, r.passed, r.checked]), [['flow-incomplete', true, false]]);
    assert.match(json.gate.rules[0]?.uncheckedReason ?? '', /^not fully checked: 2 QoS flow\(s\) were still in flight when the log ended/);
    const markdown = await report('markdown');
    assert.equal(markdown.code, 0);
    assert.match(markdown.stdout, /\| ➖ not fully checked \|/);
    assert.match(markdown.stdout, /^> `flow-incomplete` not fully checked: 2 QoS flow\(s\) were still in flight/m);
    assert.match((await report('junit')).stdout, /<testcase classname="flow-incomplete" name="not fully checked" time="0">\s*<skipped message="not fully checked: 2 QoS flow/);
  });
});

describe('problems --format json', () => {
  test('gives each finding its title and its message, as the table and report --format json do', async () => {
    type Listed = { code: string; title: string; message: string };
    const problems = JSON.parse((await runCli(['problems', '--format', 'json', sample])).stdout) as { findings: Listed[] };
    const report = JSON.parse((await runCli(['report', '--format', 'json', '--exit-zero', sample])).stdout) as { findings: Listed[] };
    const table = (await runCli(['problems', sample])).stdout;
    assert.ok(problems.findings.length > 0);
    for (const f of problems.findings) {
      assert.ok(table.includes(`${f.code}: ${f.title} (`), `${f.code}'s title in the table`);
      assert.ok(table.includes(f.message), `${f.code}'s message in the table`);
    }
    assert.deepEqual(problems.findings.map(({ title, message }) => ({ title, message })), report.findings.map(({ title, message }) => ({ title, message })));
  });
});

describe('one file named twice', () => {
  test('is read once, with a warning: its sessions and findings are not counted twice', async () => {
    const once = await runCli(['problems', '--format', 'json', sample]);
    const twice = await runCli(['problems', '--format', 'json', sample, `./${sample}`]);
    assert.equal(twice.code, once.code);
    assert.equal(twice.stdout, once.stdout);
    assert.match(twice.stderr, /warning: \.\/fixtures\/sample\.log is the same file as fixtures\/sample\.log; it is read once/);
  });
});

describe('timeline of refused logins', () => {
  const badPassword = 'fixtures/bad-password.log';

  test("--client '*' keeps a login refused before it gave an id, under a heading of its own, with its address", async () => {
    const table = await runCli(['timeline', '--client', '*', '--no-color', badPassword]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /● \(Connections without a client id\)\n {2}\S+ \S+ {2}connection refused from 127\.0\.0\.1:39672: not-authorised \(CONNACK 5: not authorised\)/);
    const json = JSON.parse((await runCli(['timeline', '--client', '*', '--format', 'json', badPassword])).stdout) as { entries: Array<{ kind: string; client: string | null }> };
    assert.deepEqual(json.entries.filter((e) => e.kind === 'attempt').map((e) => e.client), [null]);
  });

  test('a glob that is not * leaves it out', async () => {
    const table = await runCli(['timeline', '--client', 'login-*', '--no-color', badPassword]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^● login-good$/m);
    assert.doesNotMatch(table.stdout, /refused|without a client id/);
  });
});

describe('gzip', () => {
  test('gzip on stdin is read as the log it holds', async () => {
    const plain = await runCli(['sessions', sample]);
    const piped = await runCli(['sessions', '-'], { stdin: gzipSync(readFileSync(sample)) });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, plain.stdout.replaceAll(`${sample}:`, 'stdin:'));
    const cut = await runCli(['sessions', '-'], { stdin: gzipSync(readFileSync(sample)).subarray(0, 100) });
    assert.equal(cut.code, 2);
    assert.match(cut.stderr, /gzip data cut short/);
  });

  test('report -o with an empty path, or a file where a directory must be, is one line and exit 2', async () => {
    const empty = await runCli(['report', '-o', '', sample]);
    assert.deepEqual([empty.code, empty.stdout, empty.stderr], [2, '', 'mosqlog: --output-file: empty path\n']);
    const slash = await runCli(['report', '-o', 'no-such-dir/', sample]);
    assert.deepEqual([slash.code, slash.stdout, slash.stderr], [2, '', 'mosqlog: --output-file: no-such-dir/ names a directory; add a file name\n']);
    const file = writeLines('not-a-dir.xml', ['x']);
    const under = await runCli(['report', '-o', join(file, 'junit.xml'), sample]);
    assert.equal(under.code, 2);
    assert.equal(under.stderr, `mosqlog: --output-file: ${join(file, 'junit.xml')}: not a directory\n`);
    const deeper = await runCli(['report', '-o', join(file, 'sub', 'junit.xml'), sample]);
    assert.equal(deeper.stderr, `mosqlog: --output-file: ${join(file, 'sub', 'junit.xml')}: not a directory\n`);
  });

  test('report -o under a directory that cannot be made is a usage error, not a hang', async () => {
    const result = await runCli(['report', '-o', '/proc/no-such-dir/junit.xml', sample]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'mosqlog: --output-file: /proc/no-such-dir/junit.xml: cannot be created there\n');
    // The directory is there; the file cannot be made in it.
    const inProc = await runCli(['report', '-o', '/proc/report.md', sample]);
    assert.equal(inProc.stderr, 'mosqlog: --output-file: /proc/report.md: cannot be created there\n');
  });

  test('a .gz log gives the same output as the plain log', async () => {
    const gz = join(temp, 'sample.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(sample)));
    for (const command of ['summary', 'problems']) {
      const plain = await runCli([command, '--no-color', sample]);
      const packed = await runCli([command, '--no-color', gz]);
      assert.equal(packed.code, 0);
      assert.equal(packed.stderr, '');
      assert.equal(packed.stdout, plain.stdout.replaceAll(sample, gz));
    }
  });

  test('gzip is recognised by its magic bytes, not its name', async () => {
    const hidden = join(temp, 'sample-compressed.log');
    writeFileSync(hidden, gzipSync(readFileSync(sample)));
    const result = await runCli(['summary', '--format', 'json', hidden]);
    assert.equal(result.code, 0);
    assert.deepEqual(JSON.parse(result.stdout), JSON.parse((await runCli(['summary', '--format', 'json', sample])).stdout));
  });

  test('corrupt gzip data: one line on stderr, exit 2', async () => {
    const corrupt = join(temp, 'corrupt.log.gz');
    writeFileSync(corrupt, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('this is not deflate data at all, sorry')]));
    for (const command of ['summary', 'sessions', 'timeline', 'parse']) assertOneLineError(await runCli([command, corrupt]), corrupt);
    // A time before the log's end is found by reading it first.
    assertOneLineError(await runCli(['summary', '--until', '1m', corrupt]), `${corrupt}: corrupt gzip data`);
  });

  test('gzip data cut short on stdin is named stdin', async () => {
    const whole = gzipSync(readFileSync(sample));
    assertOneLineError(await runCli(['sessions', '-'], { stdin: whole.subarray(0, Math.floor(whole.length / 2)) }), 'stdin: gzip data cut short (the file ends inside it)');
  });

  test('truncated gzip: one line on stderr, exit 2', async () => {
    const whole = gzipSync(readFileSync(sample));
    const truncated = join(temp, 'truncated.log.gz');
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    assertOneLineError(await runCli(['sessions', truncated]), truncated);
  });

  test('a corrupt part among several files fails the run the same way', async () => {
    const corrupt = join(temp, 'corrupt-part.log.gz');
    writeFileSync(corrupt, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x03, 0xde, 0xad]));
    assertOneLineError(await runCli(['summary', sample, corrupt]), corrupt);
  });
});

describe('mistakes end with one line on stderr and exit 2', () => {
  const cases: Array<[string, string[], string?]> = [
    ['a missing file', ['summary', 'no-such-file.log'], 'no-such-file.log'],
    ['a missing file with the default command', ['no-such-file.log'], 'no-such-file.log'],
    ['a missing file among good ones', ['sessions', sample, 'no-such-file.log'], 'no-such-file.log'],
    ['a directory', ['sessions', 'fixtures'], 'fixtures'],
    ['an empty file name', ['sessions', ''], 'an empty file name'],
    ['a path through a file', ['sessions', `${sample}/x`], 'a part of the path is a file'],
    ['follow: an empty file name', ['follow', ''], 'an empty file name'],
    ['follow: a path through a file, which can never appear', ['follow', `${sample}/x`], 'a part of the path is a file'],
    ['an unknown flag', ['summary', '--bogus', sample], '--bogus'],
    ['an unknown flag before the file', ['--bogus', sample], '--bogus'],
    ['a bad --format', ['sessions', '--format', 'xml', sample], 'xml'],
    ['a format another command has', ['summary', '--format', 'ndjson', sample], 'ndjson'],
    ['a bad timeline --format', ['timeline', '-f', 'csv', sample], 'csv'],
    ['a bad --since, with the forms that work', ['sessions', '--since', 'yesterday', sample], 'yesterday (ISO 8601 such as 2026-11-26T14:00 or 2026-11-26T14:00:00+01:00, or 30m / 2h / 1d)'],
    ['a bad --until', ['flows', '--until', '5 parsecs', sample], '5 parsecs'],
    ['a bad timeline --since', ['timeline', '--since', 'soon', sample], 'soon'],
    ['--since with no value', ['sessions', sample, '--since'], '--since'],
    ['a bad --max-open', ['flows', '--max-open', 'lots', sample], 'lots'],
    ['a zero --max-open', ['summary', '--max-open', '0', sample], '0'],
    ['an unknown problem --type', ['problems', '--type', 'keepalive-timeout,nonsense', sample], 'nonsense'],
    ['a bad --year', ['sessions', '--year', '12', sample], '12'],
    ['a bad --tz', ['sessions', '--tz', 'Mars/Olympus_Mons', sample], 'Mars/Olympus_Mons'],
    ['a bad --timestamp-format', ['sessions', '--timestamp-format', '%Q', sample], '--timestamp-format: unsupported strftime conversion %Q'],
    ['an empty --timestamp-format', ['summary', '--timestamp-format', '', sample], '--timestamp-format: empty'],
    ['a command name one slip off, read as a file', ['sesions', sample], 'did you mean the command sessions?'],
    ['stdin twice', ['summary', '-', '-']],
    ['help for a command that does not exist', ['help', 'sesions'], 'no command sesions'],
  ];
  for (const [what, argv, mentions] of cases) {
    test(what, async () => {
      assertOneLineError(await runCli(argv, { stdin: 'x\n' }), mentions);
    });
  }

  test('an unreadable file', { skip: process.getuid?.() === 0 ? 'root reads everything' : false }, async () => {
    const locked = join(temp, 'locked.log');
    writeFileSync(locked, readFileSync(sample), { mode: 0o000 });
    assertOneLineError(await runCli(['summary', locked]), locked);
  });

  test('a directory among files is reported before any output', async () => {
    const dir = join(temp, 'a-dir.log');
    mkdirSync(dir, { recursive: true });
    assertOneLineError(await runCli(['timeline', sample, dir]), dir);
  });
});

describe('a clean run', () => {
  test('has empty stderr even when stderr is a terminal', async () => {
    for (const command of Object.keys(formatsOf)) {
      const result = await runCli([command, sample], { stderrIsTTY: true, stdoutIsTTY: true, columns: 120 });
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '', command);
    }
  });
});

describe('--tz shows times in the zone it names', () => {
  const firstStart = async (tz: string): Promise<string> => {
    const result = await runCli(['sessions', '--tz', tz, sample]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.split('\n')[1]?.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ?/)?.[0] ?? '';
  };

  test('UTC (any spelling), an IANA name, and fixed offsets', async () => {
    assert.equal(await firstStart('UTC'), '2026-11-26 14:14:03Z');
    assert.equal(await firstStart('utc'), '2026-11-26 14:14:03Z');
    assert.equal(await firstStart('Europe/Berlin'), '2026-11-26 15:14:03');
    assert.equal(await firstStart('+01:00'), '2026-11-26 15:14:03');
    assert.equal(await firstStart('-0530'), '2026-11-26 08:44:03');
  });

  test('local is the zone of this machine', async () => {
    const expected = new Intl.DateTimeFormat('sv-SE', {
      hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).format(new Date(Date.UTC(2026, 10, 26, 14, 14, 3)));
    // Shown under the zone's name: UTC's times end in Z.
    const suffix = Intl.DateTimeFormat().resolvedOptions().timeZone === 'UTC' ? 'Z' : '';
    assert.equal(await firstStart('local'), expected + suffix);
  });

  test('an impossible offset or an unknown name is a usage error naming --tz', async () => {
    for (const tz of ['+25:00', 'Mars/Olympus_Mons']) {
      const result = await runCli(['sessions', '--tz', tz, sample]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, new RegExp(`^mosqlog: --tz: not a time zone: ${tz.replace('+', '\\+')}`));
    }
  });

  test('a time in the hour repeated when daylight saving ends shows its offset; other times do not', async () => {
    // Berlin goes back from 03:00 CEST to 02:00 CET at 01:00Z on 2026-10-25 (epoch 1792890000).
    const log = writeLines('fall-back.log', [
      '1792886400: New client connected from 127.0.0.1:5000 as before (p2, c1, k60).',
      '1792888200: New client connected from 127.0.0.1:5001 as first (p2, c1, k60).',
      '1792891800: New client connected from 127.0.0.1:5002 as second (p2, c1, k60).',
      '1792895400: New client connected from 127.0.0.1:5003 as after (p2, c1, k60).',
    ]);
    const result = await runCli(['sessions', '--tz', 'Europe/Berlin', log]);
    assert.equal(result.code, 0, result.stderr);
    const starts = Object.fromEntries(result.stdout.split('\n').slice(1, -1).map((row) => [row.split(/\s+/)[0], row.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\S*/)?.[0]]));
    assert.deepEqual(starts, {
      before: '2026-10-25 02:00:00+02:00', first: '2026-10-25 02:30:00+02:00', second: '2026-10-25 02:30:00+01:00', after: '2026-10-25 03:30:00',
    });
    // Lord Howe goes back half an hour, from +11:00 to +10:30, at 15:00Z on 2026-04-04.
    const halfHour = writeLines('half-hour.log', [
      '1775313900: New client connected from 127.0.0.1:5000 as early (p2, c1, k60).',
      '1775315700: New client connected from 127.0.0.1:5001 as late (p2, c1, k60).',
    ]);
    const lordHowe = await runCli(['timeline', '--tz', 'Australia/Lord_Howe', halfHour]);
    assert.equal(lordHowe.code, 0, lordHowe.stderr);
    assert.deepEqual(lordHowe.stdout.match(/\d\d:\d\d:\d\d\S* {2}connected/g), ['01:45:00+11:00  connected', '01:45:00+10:30  connected']);
  });

  test('follow and the HTML report take a fixed offset too', async () => {
    const follow = await runCli(['follow', '--tz', '+01:00', '-'], { stdin: readFileSync(sample) });
    assert.equal(follow.code, 0, follow.stderr);
    assert.match(follow.stdout, /^2026-11-26 15:14:03 {2}\+ dashboard connected/);
    const html = await runCli(['report', '--format', 'html', '--fail-on', 'none', '--tz', '-05:30', sample]);
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /times in -05:30/);
  });

  test('the HTML report names the zone of --tz local', async () => {
    const html = await runCli(['report', '--format', 'html', '--fail-on', 'none', '--tz', 'local', sample]);
    assert.equal(html.code, 0, html.stderr);
    assert.ok(html.stdout.includes(`times in ${Intl.DateTimeFormat().resolvedOptions().timeZone}<`), 'the zone by name');
    assert.doesNotMatch(html.stdout, /times in local/i);
  });
});

describe('--timestamp-format', () => {
  test('parse says so too when the format reads no line', async () => {
    const log = writeLines('dmy-parse.log', ['26.11.2026 14:07:50: Client a disconnected.']);
    const wrong = await runCli(['parse', '--timestamp-format', '%m.%d.%Y %H:%M:%S', log]);
    assert.equal(wrong.stderr, 'mosqlog: warning: --timestamp-format "%m.%d.%Y %H:%M:%S" matched none of the 1 line(s); their times come from other prefixes or are unknown\n');
    assert.equal((await runCli(['parse', '--timestamp-format', '%d.%m.%Y %H:%M:%S', log])).stderr, '');
  });

  test('a format that reads no line says so on stderr; one that reads the log says nothing', async () => {
    const log = writeLines('dmy.log', ['26.11.2026 14:07:50: Client a disconnected.']);
    const wrong = await runCli(['summary', '--timestamp-format', '%m.%d.%Y %H:%M:%S', log]);
    assert.equal(wrong.code, 0);
    assert.match(wrong.stderr, /^mosqlog: warning: --timestamp-format "%m\.%d\.%Y %H:%M:%S" matched none of the 1 line\(s\)/);
    const right = await runCli(['summary', '--timestamp-format', '%d.%m.%Y %H:%M:%S', log]);
    assert.equal(right.code, 0);
    assert.equal(right.stderr, '');
    assert.match(right.stdout, /2026-11-26 14:07:50Z/);
  });

  test('a format that reads some lines but not others says how many it read; blank lines and a message\'s further lines do not count', async () => {
    const log = writeLines('mdy-partly.log', [
      '03/12/2026 10:00:00: Warning: File /etc/mosquitto/passwd has world readable permissions. Future versions will refuse to load this file.',
      'To fix this, use `chmod 0700 /etc/mosquitto/passwd`.',
      '',
      '03/12/2026 10:00:00: New client connected from 127.0.0.1:50001 as a (p2, c1, k60).', '03/13/2026 10:00:02: Client a disconnected.',
    ]);
    const wrong = await runCli(['sessions', '--timestamp-format', '%d/%m/%Y %H:%M:%S', log]);
    assert.equal(wrong.stderr, 'mosqlog: warning: --timestamp-format "%d/%m/%Y %H:%M:%S" matched 2 of the 3 line(s); the others\' times come from other prefixes or are unknown\n');
    assert.equal((await runCli(['sessions', '--timestamp-format', '%m/%d/%Y %H:%M:%S', log])).stderr, '');
  });
});

test('timeline --packets lines end without trailing spaces', async () => {
  const result = await runCli(['timeline', '--packets', sample]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /SUBSCRIBE {2}fixtures\/sample\.log:9/);
  for (const line of result.stdout.split('\n')) assert.doesNotMatch(line, /\s$/);
});

test('a log that ends with a flow just sent: counted in flight, listed as such, and no gate fails', async () => {
  const log = [
    '1795700000: New client connected from 127.0.0.1:40000 as live (p2, c1, k60).',
    "1795700001: Sending PUBLISH to live (d0, q1, r0, m1, 'l/1', ... (1 bytes))",
    '',
  ].join('\n');
  const summary = await runCli(['summary', '--no-color', '-'], { stdin: log });
  assert.match(summary.stdout, /QoS +complete +incomplete +refused +in flight +stalled at/);
  assert.match(summary.stdout, /QoS 1 +0 +0 +0 +1 +-/);
  const flows = await runCli(['flows', '--incomplete', '-'], { stdin: log });
  assert.match(flows.stdout, /in flight when the log ended/);
  assert.equal((await runCli(['report', '--format', 'junit', '-'], { stdin: log })).code, 0);
  // Without such flows the column is left out.
  assert.doesNotMatch((await runCli(['summary', '--no-color', 'fixtures/sample.log'])).stdout, /in flight/);
});

test('problems lists each code in the order of its time column, though a flow cites a later line first', async () => {
  const log = [
    '1795700000: New client connected from 127.0.0.1:40000 as kept (p5, c0, k60).',
    "1795700001: Sending PUBLISH to kept (d0, q1, r0, m1, 'a/1', ... (1 bytes))",
    '1795700001: Client kept disconnected.',
    '1795700002: New client connected from 127.0.0.1:40001 as gone (p2, c1, k60).',
    "1795700002: Sending PUBLISH to gone (d0, q1, r0, m1, 'b/1', ... (1 bytes))",
    '1795700003: Client gone disconnected.',
    '1795700090: Expiring client kept due to timeout.',
    '',
  ].join('\n');
  const { findings } = JSON.parse((await runCli(['problems', '--format', 'json', '--type', 'flow-incomplete', '-'], { stdin: log })).stdout) as { findings: Array<{ client: string; at: Array<{ line: number }> }> };
  assert.deepEqual(findings.map((f) => [f.client, f.at[0]?.line]), [['kept', 7], ['gone', 5]]);
  const table = (await runCli(['problems', '--no-color', '--type', 'flow-incomplete', '-'], { stdin: log })).stdout;
  assert.ok(table.indexOf('kept delivery') < table.indexOf('gone delivery'), table);
});

test('top topics and clients leave out what the broker dropped as too large', async () => {
  const log = [
    '1795700000: New client connected from 127.0.0.1:40000 as big (p2, c1, k60).',
    "1795700001: Dropped too large PUBLISH from big (d0, q1, r0, m1, 'lim/a', ... (50 bytes))",
    '1795700001: Sending PUBACK to big (m1, rc149)',
    "1795700002: Received PUBLISH from big (d0, q0, r0, m0, 'lim/a', ... (5 bytes))",
    '',
  ].join('\n');
  const summary = JSON.parse((await runCli(['summary', '--format', 'json', '-'], { stdin: log })).stdout) as { topTopics: unknown[]; topClients: unknown[] };
  assert.deepEqual(summary.topTopics, [{ topic: 'lim/a', messages: 1, bytes: 5 }]);
  assert.deepEqual(summary.topClients, [{ client: 'big', messages: 1, bytes: 5 }]);
});

test('top topics past the topics counted at once say their counts are lower bounds; a capped client count says so in JSON', async () => {
  const topics = Array.from({ length: 25_000 }, (_, i) => `dev/${i}/temp`);
  const log = [
    '1795700000: New client connected from 127.0.0.1:40000 as gw (p2, c1, k60).',
    ...[0, 1].flatMap(() => topics.map((t) => `1795700001: Received PUBLISH from gw (d0, q0, r0, m0, '${t}', ... (4 bytes))`)),
    '',
  ].join('\n');
  const json = JSON.parse((await runCli(['summary', '--format', 'json', '-'], { stdin: log })).stdout) as { topTopicsCapped: boolean; topClientsCapped: boolean; clientsCapped: boolean };
  assert.deepEqual([json.topTopicsCapped, json.topClientsCapped, json.clientsCapped], [true, false, false]);
  const table = (await runCli(['summary', '--no-color', '-'], { stdin: log })).stdout;
  assert.match(table, /More than 20,000 topics: .* lower bounds/);
  assert.doesNotMatch(table, /More than 20,000 clients/);
  const capped = JSON.parse((await runCli(['summary', '--max-open', '3', '--format', 'json', sample])).stdout) as { clients: number; clientsCapped: boolean };
  assert.deepEqual(capped, { ...capped, clients: 3, clientsCapped: true });
  const report = JSON.parse((await runCli(['report', '--max-open', '3', '--format', 'json', '--fail-on', 'none', sample])).stdout) as { log: { clientsCapped: boolean } };
  assert.equal(report.log.clientsCapped, true);
});

test('problems in NDJSON and Markdown say how many findings past those listed of a code they leave out', async () => {
  const log = [
    ...Array.from({ length: 10_003 }, (_, i) => `1795700000: New client connected from 127.0.0.1:${1000 + (i % 60000)} as c${i} (p2, c1, k60).`),
    ...Array.from({ length: 10_003 }, (_, i) => `1795700200: Client c${i} has exceeded timeout, disconnecting.`),
    '',
  ].join('\n');
  const ndjson = await runCli(['problems', '--format', 'ndjson', '-'], { stdin: log });
  assert.equal(ndjson.stdout.trim().split('\n').filter((l) => l.includes('"code":"keepalive-timeout"')).length, 10_000);
  assert.equal(ndjson.stderr, "mosqlog: note: 3 more finding(s) counted but not listed: each code lists its first ones (--format json gives every code's count)\n");
  const markdown = await runCli(['problems', '--format', 'markdown', '-'], { stdin: log });
  assert.match(markdown.stdout, /\n_3 more finding\(s\) counted but not listed/);
  const whole = await runCli(['problems', '--format', 'ndjson', '--client', 'c1', '-'], { stdin: log });
  assert.equal(whole.stderr, '');
});

test('a log whose dates show themselves month first after ambiguous ones says so on stderr', async () => {
  const log = ['03/12/2026 23:59:59: New client connected from 127.0.0.1:50001 as a (p2, c1, k60).', '03/13/2026 00:00:02: Client a disconnected.', ''].join('\n');
  for (const command of ['sessions', 'parse']) {
    // The year given: 3 December is no date yet to come (which would show month first at once).
    const result = await runCli([command, '--year', '2026', '-'], { stdin: log });
    assert.equal(result.stderr, "mosqlog: warning: stdin:2 shows the log's dates are month first; its dates before that line were read day first (give --timestamp-format, such as '%m/%d/%Y %H:%M:%S')\n", command);
  }
});

test('a topic the broker cut short is marked as cut among the top topics', async () => {
  const head = "1795700001: Received PUBLISH from big (d0, q0, r0, m0, 'long/";
  const cut = head + 't'.repeat(999 - head.length);
  const log = ['1795700000: New client connected from 127.0.0.1:5000 as big (p2, c1, k60).', cut, "1795700002: Received PUBLISH from big (d0, q0, r0, m0, 'short', ... (5 bytes))", ''].join('\n');
  const summary = JSON.parse((await runCli(['summary', '--format', 'json', '-'], { stdin: log })).stdout) as { topTopics: Array<{ topic: string }> };
  assert.deepEqual(summary.topTopics.map((t) => t.topic).sort(), [`long/${'t'.repeat(999 - head.length)}…`, 'short']);
});

test('a log without debug lines counts no messages: the timeline and the HTML report do not say 0', async () => {
  const log = [
    '1700000000: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k60).',
    '1700000005: Client c1 disconnected.',
    '',
  ].join('\n');
  const timeline = await runCli(['timeline', '-'], { stdin: log });
  assert.match(timeline.stdout, /session ended: disconnect after 5s {2}stdin:2/);
  assert.doesNotMatch(timeline.stdout, /message\(s\)/);
  const json = JSON.parse((await runCli(['timeline', '--format', 'json', '-'], { stdin: log })).stdout) as { debugLines: boolean };
  assert.equal(json.debugLines, false);
  const html = (await runCli(['report', '--format', 'html', '-'], { stdin: log })).stdout;
  assert.match(html, /<td class="num">-<\/td><td class="where">stdin:1<\/td>/);
  assert.doesNotMatch(html, /message\(s\) in/);
  const withDebug = (await runCli(['timeline', '-'], { stdin: `${log}1700000001: Received PINGREQ from c1\n` })).stdout;
  assert.match(withDebug, /session ended: disconnect after 5s; 0 message\(s\) in, 0 out/);
});

test('dates read day first in one file and shown month first in the next say so on stderr', async () => {
  const older = writeLines('dates-older.log', ['05/03/2026 23:59:59: New client connected from 127.0.0.1:50001 as a (p2, c1, k60).']);
  const newer = writeLines('dates-newer.log', ['05/14/2026 00:00:02: Client a disconnected.']);
  for (const command of ['sessions', 'parse']) {
    const result = await runCli([command, older, newer]);
    assert.equal(result.stderr, `mosqlog: warning: ${newer}:1 shows the log's dates are month first; its dates before that line were read day first (give --timestamp-format, such as '%m/%d/%Y %H:%M:%S')\n`, command);
  }
});

test('--topic keeps a denied filter that matches it, as it keeps flows on matching topics', async () => {
  const log = writeLines('denied-filter.log', [
    '1700000000: mosquitto version 2.1.2 starting', '1700000001: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k10).',
    '1700000002: Received SUBSCRIBE from c1', '1700000002: \tsecret/# (denied)', '1700000002: Sending SUBACK to c1',
  ]);
  const codes = async (topic: string): Promise<string[]> => (JSON.parse((await runCli(['problems', '--format', 'json', '--topic', topic, log])).stdout) as { findings: Array<{ code: string }> }).findings.map((f) => f.code);
  assert.deepEqual(await codes('secret/#'), ['subscribe-denied']);
  // A topic the denied filter would have brought, or a filter that shares one with it.
  assert.deepEqual(await codes('secret/plans'), ['subscribe-denied']);
  assert.deepEqual(await codes('+/plans'), ['subscribe-denied']);
  assert.deepEqual(await codes('public/#'), []);
  assert.deepEqual(await codes('$SYS/#'), []);
});

test('files that overlap in time, as two brokers\' logs do, are said to be read as one log; rotated files are not', async () => {
  const local = writeLines('local.log', ['1795867384: mosquitto version 2.0.11 starting', '1795867385: Connecting bridge br1 (127.0.0.1:1884)', '1795867439: Saving in-memory database to /var/lib/mosquitto/mosquitto.db.']);
  const remote = writeLines('remote.log', ['1795867384: mosquitto version 2.0.11 starting', '1795867386: New connection from 127.0.0.1:40000 on port 1884.']);
  const together = await runCli(['summary', local, remote]);
  assert.equal(together.stderr, `mosqlog: warning: ${remote} begins (2026-11-28T12:03:04.000Z) before ${local}, read before it, ends (2026-11-28T12:03:59.000Z): the files are read one after the other as one broker's log, so the logs of two brokers given together are mixed up (give each broker's log to a command of its own)\n`);
  assert.equal(together.code, 0);
  const older = writeLines('rotated.log.1', ['1795867384: mosquitto version 2.0.11 starting', '1795867390: Saving in-memory database to /var/lib/mosquitto/mosquitto.db.']);
  const newer = writeLines('rotated.log', ['1795867390: Saving in-memory database to /var/lib/mosquitto/mosquitto.db.', '1795867400: Reloading config.']);
  assert.equal((await runCli(['summary', newer, older])).stderr, '');
  // The same rotation, plain and gzipped: one log given twice, not two brokers.
  writeFileSync(`${older}.gz`, gzipSync(readFileSync(older)));
  assert.equal((await runCli(['summary', older, `${older}.gz`])).stderr, `mosqlog: warning: ${older}.gz begins with the same line as ${older}: the same log given twice (a plain and a gzipped copy?) is read twice\n`);
});

test("other programs' lines in a system log are counted apart, not as lines not understood, and do not time the log", async () => {
  const syslog = writeLines('syslog', [
    'Nov 29 05:46:27 gw CRON[2211]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)',
    'Nov 29 05:46:28 gw mosquitto[812]: New client connected from 10.0.0.5:50000 as sensor (p2, c1, k60).',
    'Nov 29 05:46:28 gw kernel: [12345.678] eth0: link up',
    'Nov 29 05:46:29 gw mosquitto[812]: something no broker format reads',
    'Nov 29 05:46:30 gw sshd[4242]: Accepted publickey for admin',
  ]);
  const summary = JSON.parse((await runCli(['summary', '--format', 'json', syslog])).stdout) as { lines: number; unknown: { count: number }; otherProgramLines: number; span: { first: string; last: string } };
  assert.deepEqual([summary.lines, summary.unknown.count, summary.otherProgramLines], [5, 1, 3]);
  assert.deepEqual([summary.span.first, summary.span.last].map((t) => t.slice(11, 19)), ['05:46:28', '05:46:29']);
  assert.match((await runCli(['summary', syslog])).stdout, /Lines +5; 1 not understood; 3 of other programs/);
  const reasons = (await runCli(['parse', syslog])).stdout.trim().split('\n').map((l) => (JSON.parse(l) as { reason?: string }).reason ?? '-');
  assert.deepEqual(reasons, ['other-program', '-', 'other-program', 'no-match', 'other-program']);
  const problems = JSON.parse((await runCli(['problems', '--format', 'json', syslog])).stdout) as { findings: Array<{ code: string; count?: number }> };
  assert.equal(problems.findings.find((f) => f.code === 'unknown-lines')?.count, 1);
});

test('a file that mixes the lines of two brokers, told apart by their envelopes, is said to: they are read as one', async () => {
  const syslog = writeLines('two-hosts.log', [
    'Nov 29 05:46:28 gw1 mosquitto[812]: New client connected from 10.0.0.5:50000 as sensor (p2, c1, k60).',
    'Nov 29 05:46:29 gw2 mosquitto[4242]: New client connected from 10.0.0.6:50001 as sensor (p2, c1, k60).',
    'Nov 29 05:46:30 gw2 systemd[1]: Started mosquitto.service - Mosquitto MQTT Broker.',
    'Nov 29 05:46:40 gw1 mosquitto[812]: Client sensor disconnected.',
  ]);
  const mixed = await runCli(['summary', syslog]);
  assert.equal(mixed.stderr, `mosqlog: warning: ${syslog} mixes the lines of two brokers (gw1 mosquitto[812] and gw2 mosquitto[4242], from line 4): they are read as one broker's, so their sessions and findings are mixed up (give each one's lines to a command of its own: grep -F 'gw1 mosquitto[812]')\n`);
  assert.equal(mixed.code, 0);
  const compose = writeLines('compose.log', ['broker-a-1  | 1700000000: Client x disconnected.', 'broker-b-1  | 1700000001: Client y disconnected.', 'broker-a-1  | 1700000002: Client z disconnected.']);
  assert.match((await runCli(['summary', compose])).stderr, /mixes the lines of two brokers \(broker-a-1 and broker-b-1, from line 3\)/);
  // A restart gives the broker a new process id, and it does not go back to the old one; nor do systemd's lines count.
  const restarted = writeLines('restarted.log', [
    'Nov 29 05:46:28 gw1 mosquitto[812]: mosquitto version 2.0.11 terminating',
    'Nov 29 05:46:28 gw1 systemd[1]: Stopped mosquitto.service - Mosquitto MQTT Broker.',
    'Nov 29 05:46:29 gw1 mosquitto[900]: mosquitto version 2.0.11 starting',
    'Nov 29 05:46:29 gw1 systemd[1]: Started mosquitto.service - Mosquitto MQTT Broker.',
    'Nov 29 05:46:29 gw1 mosquitto[900]: mosquitto version 2.0.11 running',
  ]);
  assert.equal((await runCli(['summary', restarted])).stderr, '');
  // Each line names its writer in `parse`'s records.
  const records = (await runCli(['parse', syslog])).stdout.trim().split('\n').map((l) => (JSON.parse(l) as { origin?: string }).origin);
  assert.deepEqual(records, ['gw1 mosquitto[812]', 'gw2 mosquitto[4242]', 'gw2 systemd[1]', 'gw1 mosquitto[812]']);
  // So do lines not understood: those of the broker, and another program's.
  const unknown = writeLines('unknown-origins.log', ['broker-1  | 1795697655: what is this', 'Nov 26 12:00:02 gw CRON[2211]: (root) CMD (x)']);
  const unread = (await runCli(['parse', '--year', '2026', unknown])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { reason: string; origin?: string });
  assert.deepEqual(unread.map((r) => [r.reason, r.origin]), [['no-match', 'broker-1'], ['other-program', 'gw CRON[2211]']]);
});

test('a file without one line a broker prints is said to be no broker log, whatever the command', async () => {
  const notLog = writeLines('package-like.json', ['{', '  "name": "x",', '  "scripts": {', '    "start": "node ."', '  }', '}']);
  const log = writeLines('one-line.log', ['1795700000: Reloading config.', 'something else entirely']);
  for (const command of ['summary', 'sessions', 'flows', 'problems', 'timeline', 'report']) {
    const result = await runCli([command, notLog, log]);
    assert.equal(result.stderr, `mosqlog: warning: ${notLog}: none of its 6 line(s) is a mosquitto log line (not a broker log, or give --timestamp-format)\n`, command);
    assert.equal(result.code, 0, command);
  }
  // Text saved as UTF-16 (PowerShell's `>`) is said to be so; its last newline's NUL byte makes a third line.
  const utf16 = join(temp, 'utf16.log');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('1795700000: Reloading config.\r\n1795700001: Client c1 disconnected.\r\n', 'utf16le')]));
  const result = await runCli(['summary', utf16]);
  assert.equal(result.stderr, `mosqlog: warning: ${utf16}: none of its 3 line(s) is a mosquitto log line (its lines hold NUL bytes: a binary file, or text saved as UTF-16, which iconv -f UTF-16LE -t UTF-8 converts)\n`);
  // journalctl's export output is named, with the output modes that are read; its JSON is read.
  const exported = writeLines('journal.export', ['__CURSOR=s=1', '__REALTIME_TIMESTAMP=1795700000000000', '_SYSTEMD_UNIT=mosquitto.service', 'MESSAGE=1795700000: Reloading config.', '']);
  assert.equal((await runCli(['summary', exported])).stderr, `mosqlog: warning: ${exported}: none of its 4 line(s) is a mosquitto log line (journalctl's export output, which is not read: give journalctl -o json or -o short-iso)\n`);
  const json = writeLines('journal.json', [
    '{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1795700000000000","_SYSTEMD_UNIT":"mosquitto.service","MESSAGE":"1795700000: Reloading config."}',
  ]);
  assert.equal((await runCli(['summary', json])).stderr, '');
  // journalctl's answer for a unit or host with no lines, and a journal with only systemd's lines about the unit.
  const noEntries = writeLines('no-entries.log', ['-- No entries --']);
  assert.equal((await runCli(['report', noEntries])).stderr, `mosqlog: warning: ${noEntries}: none of its 1 line(s) is a mosquitto log line (journalctl found no entries: check the unit (-u mosquitto), the host and the time range)\n`);
  const unitOnly = writeLines('unit-only.log', [
    'Nov 29 05:50:01 gw systemd[1]: Starting mosquitto.service - Mosquitto MQTT Broker...',
    'Nov 29 05:50:01 gw systemd[1]: mosquitto.service: Main process exited, code=exited, status=3/NOTIMPLEMENTED',
    "Nov 29 05:50:01 gw systemd[1]: mosquitto.service: Failed with result 'exit-code'.",
    'Nov 29 05:50:01 gw systemd[1]: Failed to start mosquitto.service - Mosquitto MQTT Broker.',
  ]);
  const unit = await runCli(['summary', '--format', 'json', unitOnly]);
  assert.equal(unit.stderr, `mosqlog: warning: ${unitOnly}: none of its 4 line(s) is a mosquitto log line (only the system's lines about the service: the broker's own are not in it)\n`);
  assert.equal((JSON.parse(unit.stdout) as { unknown: { count: number } }).unknown.count, 0, 'systemd\'s "Failed to start" is read as its line');
});

test("a file is read with what the one before it left: its broker version and the order of its dates", async () => {
  // Rotated files: the banner and the dates that show their order are in the first one only.
  const first = writeLines('carry-1.log', ['03/13/2026 10:00:00: mosquitto version 2.1.2 starting']);
  const second = writeLines('carry-2.log', ['04/05/2026 10:00:01: New client connected from 127.0.0.1 as c1 (p2, c1, k60).']);
  const records = JSON.parse(`[${(await runCli(['parse', first, second])).stdout.trim().split('\n').join(',')}]`) as Array<{ time: string; versionAmbiguous?: boolean }>;
  assert.deepEqual(records.map((r) => r.time), ['2026-03-13T10:00:00.000Z', '2026-04-05T10:00:01.000Z']);
  assert.equal(records[1]?.versionAmbiguous, true, 'read as 2.1 prints it');
  const sessions = JSON.parse((await runCli(['sessions', '--format', 'json', first, second])).stdout) as { sessions: Array<{ start: string }> };
  assert.deepEqual(sessions.sessions.map((s) => s.start), ['2026-04-05T10:00:01.000Z']);
});

test('the summary lists lines not understood under a text column, and help names --max-open\'s default', async () => {
  const summary = await runCli(['summary', '--no-color', '-'], { stdin: '1795700000: Reloading config.\nsomething else entirely\n' });
  assert.match(summary.stdout, /Lines not understood \(first 5\)\n\ntext\s*\nsomething else entirely\n/);
  assert.match((await runCli(['sessions', '--help'])).stdout, /default 1000000/);
});

test('the summary counts the errors and warnings the broker logged by message, errors first, with the first of each and where it is', async () => {
  const log = [
    '1795700000: mosquitto version 2.0.18 starting',
    '1795700001: Warning: Mosquitto should not be run as root/administrator.',
    '1795700002: Error in poll: Interrupted system call.',
    '1795700003: Client c2 has exceeded its receive-maximum quota. This behaviour must be fixed on the client.',
    '1795700004: Client c3 has exceeded its receive-maximum quota. This behaviour must be fixed on the client.',
    '1795700005: Error in poll: Bad file descriptor.',
    '1795700006: New connection from 127.0.0.1:5000 on port 1883.',
    // A warning the broker logs at info, by its words; its second line is the same message's.
    '1795700007: Warning: File /etc/mosquitto/passwd has world readable permissions. Future versions will refuse to load this file.',
    'To fix this, use `chmod 0700 /etc/mosquitto/passwd`.',
  ].join('\n');
  const json = JSON.parse((await runCli(['summary', '--format', 'json', '-'], { stdin: log })).stdout) as {
    errorsAndWarnings: Array<{ level: string; count: number; format: string; message: string; time: string; at: { file: string; line: number } }>;
  };
  assert.deepEqual(json.errorsAndWarnings.map((m) => [m.level, m.count, m.message, m.time, m.at.line]), [
    ['error', 2, 'Error in poll: Interrupted system call.', '2026-11-26T13:33:22.000Z', 3],
    ['warning', 2, 'Client c2 has exceeded its receive-maximum quota. This behaviour must be fixed on the client.', '2026-11-26T13:33:23.000Z', 4],
    ['warning', 1, 'Warning: Mosquitto should not be run as root/administrator.', '2026-11-26T13:33:21.000Z', 2],
    ['warning', 1, 'Warning: File /etc/mosquitto/passwd has world readable permissions. Future versions will refuse to load this file.\nTo fix this, use `chmod 0700 /etc/mosquitto/passwd`.', '2026-11-26T13:33:27.000Z', 8],
  ]);
  assert.equal(json.errorsAndWarnings[0]?.format, 'Error in poll: %s.');
  const table = (await runCli(['summary', '--no-color', '-'], { stdin: log })).stdout;
  assert.match(table, /Errors and warnings logged\n\nlevel +count +first message +at\nerror +2 +Error in poll: Interrupted system call\. +stdin:3\n/);
  assert.match(table, /load this file\. To fix this, use `chmod 0700 \/etc\/mosquitto\/passwd`\. +stdin:8\n/, 'a message of two lines on one');
  const markdown = (await runCli(['summary', '--format', 'markdown', '-'], { stdin: log })).stdout;
  assert.match(markdown, /### Errors and warnings logged\n\n\| level \| count \| first message \| at \|\n.*\n\| error \| 2 \| `Error in poll: Interrupted system call\.` \| stdin:3 \|/);
  // Without a version line the parser takes that format at the level of its first release (info): its words say warning.
  const unversioned = JSON.parse((await runCli(['summary', '--format', 'json', '-'], { stdin: log.split('\n').slice(7).join('\n') })).stdout) as typeof json;
  assert.deepEqual(unversioned.errorsAndWarnings.map((m) => [m.level, m.count, m.at.line]), [['warning', 1, 1]]);
  // problems points at them, counted by level, in a table and in Markdown.
  assert.match((await runCli(['problems', '--no-color', '-'], { stdin: log })).stdout, /\nThe broker logged 2 error line\(s\) and 4 warning line\(s\) in the whole log; mosqlog summary lists them by message\.\n$/);
  assert.match((await runCli(['problems', '--format', 'markdown', '-'], { stdin: log })).stdout, /\nThe broker logged 2 error line\(s\) and 4 warning line\(s\) in the whole log; mosqlog summary lists them by message\.\n$/);
  assert.doesNotMatch((await runCli(['problems', '--no-color', sample])).stdout, /The broker logged/);
  // A log with none has no such section.
  assert.doesNotMatch((await runCli(['summary', '--no-color', sample])).stdout, /Errors and warnings/);
});

test('past 20 messages, the summary and the CI Markdown list the first 20 of the errors and warnings logged and count the rest', async () => {
  // A line of each one-line warning of the catalogue, while a broker runs.
  const warnings = catalogueRowsFrom14().filter((row) => row.level === 'MOSQ_LOG_WARNING' && row.format.startsWith('Warning: ')).flatMap((row) => physicalLines(row, 'x')).filter((l) => !l.includes('\n'));
  const log = ['1795700000: mosquitto version 2.0.18 starting', '1795700000: mosquitto version 2.0.18 running', ...warnings.map((l) => `1795700001: ${l}`)].join('\n');
  const listed = (JSON.parse((await runCli(['summary', '--format', 'json', '-'], { stdin: log })).stdout) as { errorsAndWarnings: unknown[] }).errorsAndWarnings.length;
  assert.ok(listed > 20, `${listed} messages`);
  const note = `${listed - 20} more message(s) not listed (mosqlog summary --format json lists every one).`;
  const table = (await runCli(['summary', '--no-color', '-'], { stdin: log })).stdout;
  assert.equal(table.slice(table.indexOf('Errors and warnings logged')).split('\n').filter((l) => l.startsWith('warning ')).length, 20);
  assert.ok(table.includes(`\n${note}\n`), table);
  const markdown = (await runCli(['report', '--format', 'markdown', '--fail-on', 'none', '-'], { stdin: log })).stdout;
  assert.equal(markdown.split('\n').filter((l) => l.startsWith('| warning |')).length, 20);
  assert.ok(markdown.includes(`\n_${note}_\n`), markdown);
});

test('the summary names the clients whose sessions ended in trouble more than once, also of a selection', async () => {
  const log = [
    ...endedSession(1795700000, 'flaky', 'Client %s has exceeded timeout, disconnecting.'),
    ...endedSession(1795700100, 'flaky', 'Socket error on client %s, disconnecting.'),
    ...endedSession(1795700200, 'fragile', 'Client %s has exceeded timeout, disconnecting.'),
    ...endedSession(1795700300, 'fragile', 'Client %s has exceeded timeout, disconnecting.'),
    ...endedSession(1795700400, 'fragile', 'Client %s has exceeded timeout, disconnecting.'),
    ...endedSession(1795700500, 'once', 'Client %s has exceeded timeout, disconnecting.'),
  ].join('\n');
  const table = (await runCli(['summary', '--no-color', '-'], { stdin: log })).stdout;
  // Each session ends in the second it began.
  assert.match(table, /Clients whose sessions ended in trouble more than once\n\nclient +sessions +ended by +lasted\nfragile +3 +timeout 3 +<1s\nflaky +2 +timeout 1, socket-error 1 +<1s\n\n/);
  const markdown = (await runCli(['summary', '--format', 'markdown', '-'], { stdin: log })).stdout;
  assert.match(markdown, /\| `fragile` \| 3 \| timeout 3 \| &lt;1s \|\n\| `flaky` \| 2 \| timeout 1, socket-error 1 \| &lt;1s \|\n\n/);
  // JSON lists the one with a single such end too; a selection counts its own sessions.
  const selected = JSON.parse((await runCli(['summary', '--format', 'json', '--client', 'f*', '-'], { stdin: log })).stdout) as { troubledClients: Array<{ client: string; ends: number; longestMs: number | null }> };
  assert.deepEqual(selected.troubledClients.map((t) => [t.client, t.ends, t.longestMs]), [['fragile', 3, 0], ['flaky', 2, 0]]);
  const whole = JSON.parse((await runCli(['summary', '--format', 'json', '-'], { stdin: log })).stdout) as typeof selected;
  assert.deepEqual(whole.troubledClients.map((t) => [t.client, t.ends]), [['fragile', 3], ['flaky', 2], ['once', 1]]);
});

test('sessions --end lists the sessions that ended so, trouble standing for every troubled end, in every format and read either way', async () => {
  const log = [
    '1795700000: New connection from 10.0.0.1:10000 on port 1883.',
    '1795700000: New client connected from 10.0.0.1:10000 as a (p2, c1, k60).',
    '1795700001: Client a has exceeded timeout, disconnecting.',
    '1795700002: New connection from 10.0.0.1:10001 on port 1883.',
    '1795700002: New client connected from 10.0.0.1:10001 as b (p2, c1, k60).',
    '1795700003: Client b disconnected.',
    '1795700004: New connection from 10.0.0.1:10002 on port 1883.',
    '1795700004: New client connected from 10.0.0.1:10002 as c (p2, c1, k60).',
    '1795700005: Socket error on client c, disconnecting.',
    '1795700006: New connection from 10.0.0.1:10003 on port 1883.',
    '1795700006: New client connected from 10.0.0.1:10003 as d (p2, c1, k60).',
  ].join('\n');
  const clients = async (args: string[]): Promise<string[]> => {
    const json = JSON.parse((await runCli(['sessions', '--format', 'json', ...args, '-'], { stdin: log })).stdout) as { sessions: Array<{ client: string }> };
    return json.sessions.map((s) => s.client);
  };
  assert.deepEqual(await clients(['--end', 'trouble']), ['a', 'c']);
  assert.deepEqual(await clients(['--end', 'disconnect', '--end', 'open']), ['b', 'd']);
  // A window counted back from the end reads the whole log before listing.
  assert.deepEqual(await clients(['--end', 'trouble', '--since', '4s']), ['c']);
  const ndjson = (await runCli(['sessions', '--format', 'ndjson', '--end', 'timeout', '-'], { stdin: log })).stdout.trim().split('\n');
  assert.deepEqual(ndjson.map((l) => (JSON.parse(l) as { client: string }).client), ['a']);
  const table = (await runCli(['sessions', '--no-color', '--end', 'socket-error', '-'], { stdin: log })).stdout;
  assert.deepEqual(table.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), ['c']);
  const markdown = (await runCli(['sessions', '--format', 'markdown', '--end', 'socket-error,timeout', '-'], { stdin: log })).stdout;
  assert.equal(markdown.match(/^\| `[ac]` \|/gm)?.length, 2);
  assertOneLineError(await runCli(['sessions', '--end', 'timeout,bogus', '-'], { stdin: log }), 'not an end reason: bogus');
});

describe('durations under a second', () => {
  const body = (stamp: (ms: number) => string): string[] => [
    [0, 'New connection from 10.0.0.1:5000 on port 1883.'],
    [0, 'New client connected from 10.0.0.1:5000 as quick (p2, c1, k60).'],
    [0, 'Sending CONNACK to quick (0, 0)'],
    [120, "Received PUBLISH from quick (d0, q1, r0, m1, 'a/b', ... (3 bytes))"],
    [130, 'Sending PUBACK to quick (m1, rc0)'],
    [250, 'Received DISCONNECT from quick'],
    [250, 'Client quick disconnected.'],
  ].map(([ms, text]) => `${stamp(ms as number)}: ${text as string}`);
  const start = Date.UTC(2026, 10, 26, 12, 0, 0);
  const epoch = writeLines('whole-seconds.log', body((ms) => String(Math.floor((start + ms) / 1000))));
  const fine = writeLines('fine-stamps.log', body((ms) => new Date(start + ms).toISOString()));

  test('between whole-second stamps show as <1s, not 0ms, in every view', async () => {
    const sessions = (await runCli(['sessions', epoch])).stdout;
    assert.match(sessions, /quick .* <1s {2}disconnect/);
    assert.match((await runCli(['flows', epoch])).stdout, /complete .* <1s /);
    assert.match((await runCli(['summary', epoch])).stdout, /QoS 1 .* <1s {2}<1s {2}<1s/);
    const timeline = (await runCli(['timeline', '--client', 'quick', epoch])).stdout;
    assert.match(timeline, /complete in <1s/);
    assert.match(timeline, /session ended: disconnect after <1s/);
    assert.doesNotMatch(sessions + timeline, /\b0ms\b/);
    const span = (JSON.parse((await runCli(['summary', '-f', 'json', epoch])).stdout) as { span: { wholeSeconds: boolean } }).span;
    assert.equal(span.wholeSeconds, true);
  });

  test('between finer stamps keep their milliseconds', async () => {
    assert.match((await runCli(['sessions', fine])).stdout, /quick .* 250ms {2}disconnect/);
    assert.match((await runCli(['timeline', '--client', 'quick', fine])).stdout, /complete in 10ms/);
    const span = (JSON.parse((await runCli(['summary', '-f', 'json', fine])).stdout) as { span: { wholeSeconds: boolean } }).span;
    assert.equal(span.wholeSeconds, false);
  });
});

test("summary counts the broker's configuration reloads, in the table, JSON and HTML", async () => {
  const log = writeLines('reloads.log', [
    '1795700000: mosquitto version 2.0.11 running',
    '1795700010: Reloading config.',
    '1795700020: Reloading config.',
  ]);
  assert.match((await runCli(['summary', log])).stdout, /Broker {5}2\.0\.11; 0 start\(s\), 2 config reload\(s\)\n/);
  const broker = (JSON.parse((await runCli(['summary', '-f', 'json', log])).stdout) as { broker: unknown }).broker;
  assert.deepEqual(broker, { versions: ['2.0.11'], starts: 0, failedStarts: 0, reloads: 2 });
  assert.match((await runCli(['report', '-f', 'html', '--fail-on', 'none', log])).stdout, /0 start\(s\), 2 config reload\(s\)/);
  const unversioned = writeLines('reloads-only.log', ['1795700010: Reloading config.']);
  assert.match((await runCli(['summary', unversioned])).stdout, /Broker {5}version not in log; 1 config reload\(s\)\n/);
});

test('parse warns as the other commands do of a log given twice, a timestamp format that reads some lines, and dates made up', async () => {
  const sample = readFileSync('fixtures/sample.log');
  const plain = join(temp, 'twice.log');
  writeFileSync(plain, sample);
  writeFileSync(`${plain}.gz`, gzipSync(sample));
  assert.equal((await runCli(['parse', plain, `${plain}.gz`])).stderr, `mosqlog: warning: ${plain}.gz begins with the same line as ${plain}: the same log given twice (a plain and a gzipped copy?) is read twice\n`);
  const dateless = writeLines('time-of-day.log', ['11:25:51: Client a disconnected.']);
  assert.equal((await runCli(['parse', '--year', '2026', dateless])).stderr, 'mosqlog: warning: the log\'s stamps give a time of day and no date: its first day is read as 1 January 2026 (give the first line\'s date with --date YYYY-MM-DD)\n');
  const mixed = writeLines('mixed-stamps.log', ['2026-11-29T11:25:50: Client a disconnected.', '29.11.2026 11:25:51: Client b disconnected.']);
  assert.equal((await runCli(['parse', '--timestamp-format', '%d.%m.%Y %H:%M:%S', mixed])).stderr, 'mosqlog: warning: --timestamp-format "%d.%m.%Y %H:%M:%S" matched 1 of the 2 line(s); the others\' times come from other prefixes or are unknown\n');
  // What parse writes shows an empty input, or one that is no broker log, for what it is.
  assert.equal((await runCli(['parse', writeLines('no-broker.log', ['hello'])])).stderr, '');
});

test("a log that names no broker version (rotated after the start) is placed by its lines: 2.1's named ends, 2.0's ports, or none", async () => {
  const logs = {
    '2.1 or later': ['1795700001: New client connected from 10.0.0.1:20001 as a (p4, c1, k60).', '1795700002: Client a [10.0.0.1:20001] disconnected.'],
    '2.0 or later': ['1795700001: New client connected from 10.0.0.1:20001 as a (p2, c1, k60).', '1795700002: Client a disconnected.'],
    'before 2.0': ['1590000001: New client connected from 10.0.0.1 as a (c1, k60).', '1590000002: Client a disconnected.'],
  };
  for (const [era, lines] of Object.entries(logs)) {
    const log = writeLines(`era-${era.replace(/ /g, '-')}.log`, lines);
    assert.match((await runCli(['summary', log])).stdout, new RegExp(`Broker {5}version not in log \\(${era}, by its lines\\)\n`), era);
    const broker = (JSON.parse((await runCli(['summary', '-f', 'json', log])).stdout) as { broker: { era?: string } }).broker;
    assert.equal(broker.era, era);
    assert.match((await runCli(['report', '-f', 'html', '--fail-on', 'none', log])).stdout, new RegExp(`version not in log \\(${era}, by its lines\\)`), era);
    assert.match((await runCli(['report', '-f', 'markdown', '--fail-on', 'none', log])).stdout, new RegExp(`, mosquitto version not in log \\(${era}, by its lines\\)\\)`), era);
  }
  // A client id that reads as a 2.1 end's connection does not make a 1.x log one of 2.1.
  const spoofed = writeLines('era-spoofed.log', ['1590000001: New client connected from 10.0.0.1 as evil [1.2.3.4:5] (c1, k60).', '1590000002: Client evil [1.2.3.4:5] disconnected.']);
  assert.match((await runCli(['summary', spoofed])).stdout, /Broker {5}version not in log \(before 2\.0, by its lines\)\n/);
  const named = (JSON.parse((await runCli(['summary', '-f', 'json', 'fixtures/sample.log'])).stdout) as { broker: { era?: string } }).broker;
  assert.equal(named.era, undefined);
});

test('flows --incomplete, which keeps no completed flow, lists what flows lists but the completed ones, on every fixture', async () => {
  for (const log of fixtureLogs()) {
    const flowsOf = async (...args: string[]): Promise<Array<{ state: string }>> => (JSON.parse((await runCli(['flows', '-f', 'json', ...args, log])).stdout) as { flows: Array<{ state: string }> }).flows;
    const all = await flowsOf();
    assert.deepEqual(await flowsOf('--incomplete'), all.filter((f) => f.state !== 'complete'), log);
  }
});
