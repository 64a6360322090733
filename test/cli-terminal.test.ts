/**
 * What reaches a terminal: colour decided once (flags, NO_COLOR, FORCE_COLOR, TERM, TTY),
 * hostile client ids and topics made harmless, Markdown tables kept whole, and tables fitted
 * to a narrow terminal while pipes get every character.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { displayWidth, elideEndColumns, elideMiddle, elideMiddleColumns, formatCount, safeText } from '../src/report/text.js';
import { hasControlBytes, onlySgr, type RunOptions, runCli, runFromRepoRoot } from './support/run-cli.js';
import { countUnescapedPipes, outsideCodeSpans } from './support/markdown.js';
import { buildScenarioLog, type ScenarioClients } from './support/scenario-log.js';

runFromRepoRoot();

const sample = 'fixtures/sample.log';
const temp = mkdtempSync(join(tmpdir(), 'mosqlog-term-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const sgr = /\x1b\[[0-9;]*m/g;
const stripSgr = (text: string): string => text.replace(sgr, '');
const esc = /\x1b/;

async function stdoutOf(argv: string[], options: RunOptions = {}): Promise<string> {
  const result = await runCli(argv, options);
  assert.equal(result.stderr, '', argv.join(' '));
  assert.equal(result.code, 0, argv.join(' '));
  return result.stdout;
}

describe('colour is decided once, at the CLI boundary', () => {
  const cases: Array<[string, string[], RunOptions, boolean]> = [
    ['a pipe gets none', [], {}, false],
    ['a terminal gets colour', [], { stdoutIsTTY: true }, true],
    ['NO_COLOR turns it off on a terminal', [], { stdoutIsTTY: true, env: { NO_COLOR: '1' } }, false],
    ['an empty NO_COLOR is not set', [], { stdoutIsTTY: true, env: { NO_COLOR: '' } }, true],
    ['TERM=dumb turns it off on a terminal', [], { stdoutIsTTY: true, env: { TERM: 'dumb' } }, false],
    ['FORCE_COLOR turns it on in a pipe', [], { env: { FORCE_COLOR: '1' } }, true],
    ['FORCE_COLOR=0 turns it off on a terminal', [], { stdoutIsTTY: true, env: { FORCE_COLOR: '0' } }, false],
    ['FORCE_COLOR wins over TERM=dumb', [], { env: { FORCE_COLOR: '1', TERM: 'dumb' } }, true],
    ['NO_COLOR wins over FORCE_COLOR', [], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } }, false],
    ['--color turns it on in a pipe', ['--color'], {}, true],
    ['--color wins over NO_COLOR', ['--color'], { env: { NO_COLOR: '1' } }, true],
    ['--no-color turns it off on a terminal', ['--no-color'], { stdoutIsTTY: true }, false],
    ['--no-color wins over FORCE_COLOR', ['--no-color'], { stdoutIsTTY: true, env: { FORCE_COLOR: '3' } }, false],
  ];
  for (const [what, flags, options, coloured] of cases) {
    test(what, async () => {
      for (const command of ['summary', 'problems', 'timeline']) {
        const out = await stdoutOf([command, ...flags, sample], options);
        assert.equal(esc.test(out), coloured, `${command}: ${coloured ? 'colour' : 'no colour'}`);
        assert.ok(onlySgr(out), `${command}: only SGR sequences`);
      }
    });
  }

  test('on an 80-column terminal every command fits, the timeline wrapping its text under itself', async () => {
    for (const command of ['summary', 'sessions', 'flows', 'problems', 'timeline']) {
      const out = stripSgr(await stdoutOf([command, '--color', sample], { stdoutIsTTY: true, columns: 80 }));
      const widest = Math.max(...out.split('\n').map((l) => displayWidth(l)));
      assert.ok(widest <= 80, `${command}: a line of ${widest} columns`);
    }
    const wrapped = stripSgr(await stdoutOf(['timeline', '--client', 'light-sensor-2f', '--color', sample], { stdoutIsTTY: true, columns: 80 }));
    assert.match(wrapped, /^ {2}2026-11-26 14:14:03Z {2}connected from 127\.0\.0\.1:48786 +fixtures\/sample\.log:29\n {24}to port 37843/m);
  });

  test('a terminal that reports no size is as wide as COLUMNS says', async () => {
    for (const command of ['summary', 'sessions', 'problems']) {
      const out = await stdoutOf([command, '--no-color', sample], { stdoutIsTTY: true, env: { COLUMNS: '70' } });
      const widest = Math.max(...out.split('\n').map((l) => displayWidth(l)));
      assert.ok(widest <= 70 && widest > 60, `${command}: a line of ${widest} columns`);
    }
  });

  test('the flag also works after the command and the file', async () => {
    assert.ok(esc.test(await stdoutOf(['sessions', sample, '--color'], {})) || esc.test(await stdoutOf(['summary', sample, '--color'], {})));
    assert.ok(!esc.test(await stdoutOf(['summary', sample, '--no-color'], { stdoutIsTTY: true })));
  });

  test('coloured and plain tables hold the same text', async () => {
    for (const command of ['summary', 'sessions', 'flows', 'problems', 'timeline']) {
      const plain = await stdoutOf([command, '--no-color', sample]);
      const coloured = await stdoutOf([command, '--color', sample]);
      assert.equal(stripSgr(coloured), plain, command);
    }
  });

  test('json, ndjson and markdown never contain ESC, whatever asks for colour', async () => {
    const loud: RunOptions = { stdoutIsTTY: true, env: { FORCE_COLOR: '3', COLORTERM: 'truecolor' } };
    const formats: Record<string, string[]> = {
      summary: ['json', 'markdown'], sessions: ['json', 'ndjson', 'markdown'], flows: ['json', 'ndjson', 'markdown'],
      problems: ['json', 'ndjson', 'markdown'], timeline: ['json', 'ndjson', 'markdown'],
    };
    for (const [command, list] of Object.entries(formats)) {
      for (const format of list) {
        const out = await stdoutOf([command, '--color', '--format', format, sample], loud);
        assert.ok(!esc.test(out), `${command} --format ${format}`);
      }
    }
  });
});

describe('hostile client ids and topics', () => {
  const clients: ScenarioClients = {
    subscriber: 'title\x1b]0;pwned\x07-sub',
    publisher: 'wipe\x1b[2J\x1b[H-pub',
    silent: 'c1\x9b31m\x9b2J-silent',
    broken: 'link\x1b]8;;https://evil.invalid/\x1b\\click me\x1b]8;;\x1b\\-broken',
    twin: 'md|pipe `tick` [x](https://evil.invalid) <b>&amp;\rcr-twin',
    topic: 'evil/\x1b[31m|red`/\x1b]0;t\x07',
  };
  const log = join(temp, 'hostile.log');
  writeFileSync(log, buildScenarioLog(clients));
  const commands = ['summary', 'sessions', 'flows', 'problems', 'timeline'];

  test('the log parses into the expected story (so the ids do reach the reporters)', async () => {
    const sessions = JSON.parse(await stdoutOf(['sessions', '-f', 'json', log])) as { sessions: Array<{ client: string; endReason: string }> };
    assert.deepEqual(sessions.sessions.map((s) => [s.client, s.endReason]), [
      [clients.subscriber, 'broker-shutdown'], [clients.publisher, 'disconnect'], [clients.silent, 'timeout'],
      [clients.broken, 'socket-error'], [clients.twin, 'takeover'], [clients.twin, 'broker-shutdown'],
    ]);
    const problems = JSON.parse(await stdoutOf(['problems', '-f', 'json', log])) as { findings: Array<{ code: string }> };
    assert.deepEqual(problems.findings.map((f) => f.code), ['flow-incomplete', 'keepalive-timeout', 'socket-error', 'takeover']);
  });

  test('colour off: no ESC and no C1 control reaches the terminal', async () => {
    for (const command of commands) {
      for (const options of [{}, { stdoutIsTTY: true, columns: 80 }, { stdoutIsTTY: true, columns: 300 }]) {
        const out = await stdoutOf([command, '--no-color', log], options);
        assert.ok(!hasControlBytes(out), `${command} ${JSON.stringify(options)}: ${JSON.stringify(out.match(/.{0,20}[\x1b\x80-\x9f].{0,20}/)?.[0])}`);
        assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(out), `${command}: no other C0 control (BEL, CR, …)`);
        if (command !== 'summary') assert.match(out, /title\\x|wipe\\x/, `${command}: the sequences show as text, after the text before them`);
      }
    }
  });

  test('colour on: every ESC starts an SGR sequence that mosqlog wrote', async () => {
    for (const command of commands) {
      const out = await stdoutOf([command, '--color', log], { stdoutIsTTY: true, columns: 100 });
      assert.ok(esc.test(out), `${command} is coloured`);
      assert.ok(onlySgr(out), `${command}: ${JSON.stringify(out.replace(sgr, '').match(/.{0,20}[\x1b\x80-\x9f].{0,20}/)?.[0])}`);
      assert.ok(!out.includes('\x1b[31mred'), 'the id\'s own SGR is gone');
      assert.ok(!hasControlBytes(stripSgr(out)));
    }
  });

  test('json keeps the ids exactly, escaped so that no control byte is raw', async () => {
    for (const command of ['sessions', 'flows', 'problems', 'timeline']) {
      const out = await stdoutOf([command, '-f', 'json', log]);
      assert.ok(!hasControlBytes(out), command);
      assert.ok(!/[\x00-\x1f\x7f]/.test(out.replace(/\n/g, '')), `${command}: no raw control byte`);
      assert.ok(out.includes('\\u001b]0;pwned\\u0007'), `${command}: ESC and BEL as \\u escapes`);
      if (command !== 'flows') assert.ok(out.includes('\\u009b31m'), `${command}: C1 CSI as a \\u escape`);
    }
    const sessions = JSON.parse(await stdoutOf(['sessions', '-f', 'json', log])) as { sessions: Array<{ client: string }> };
    assert.ok(sessions.sessions.some((s) => s.client === clients.silent));
  });

  test('markdown tables keep their columns and ids stay in code spans: no live link, HTML or stray code span', async () => {
    for (const command of commands) {
      const out = await stdoutOf([command, '-f', 'markdown', log]);
      assert.ok(!hasControlBytes(out) && !/\r/.test(out), command);
      let columns: number | null = null;
      for (const line of out.split('\n')) {
        if (!line.startsWith('|')) {
          columns = null;
          continue;
        }
        const cells = countUnescapedPipes(line);
        columns ??= cells;
        assert.equal(cells, columns, `${command}: ${line}`);
      }
      const markup = outsideCodeSpans(out);
      assert.ok(!/\]\(https/.test(markup), `${command}: no live link`);
      assert.ok(!/<b>/.test(markup), `${command}: no raw HTML`);
      assert.ok(!/tick/.test(markup), `${command}: no code span opened or closed by an id`);
    }
  });
});

describe('client ids that read as GitHub Actions workflow commands', () => {
  const ids = ['::stop-commands::pwn', 'x##[stop-commands]t0k', '::1'];
  const log = join(temp, 'workflow-commands.log');
  writeFileSync(log, [
    '1795700000: mosquitto version 2.0.11 starting',
    ...ids.flatMap((id, i) => [`1795700001: New connection from 127.0.0.1:5000${i} on port 1883.`, `1795700001: New client connected from 127.0.0.1:5000${i} as ${id} (p2, c1, k10).`]),
    ...ids.map((id) => `1795700040: Client ${id} has exceeded timeout, disconnecting.`),
  ].join('\n') + '\n');

  test('no line of any output but the github format starts a command or holds ##[; json gives the ids back exactly', async () => {
    const runs = [
      ...['summary', 'sessions', 'problems', 'timeline'].flatMap((command) => [[command, log], [command, '-f', 'markdown', log], [command, '-f', 'json', log]]),
      ['report', log], ['report', '--format', 'junit', log], ['report', '--format', 'html', log], ['parse', log], ['parse', '--raw', log],
    ];
    for (const args of runs) {
      const out = (await runCli(args, { stdoutIsTTY: false })).stdout;
      assert.ok(!out.includes('##['), `${args.join(' ')}: ##[`);
      assert.ok(!out.split('\n').some((line) => /^\s*::[^\n]*::/.test(line)), `${args.join(' ')}: a line starting ::…::`);
      if (args[0] !== 'summary') assert.ok(/\\x3a:stop|&#58;:stop|::stop/.test(out), `${args.join(' ')}: the id is there`);
    }
    const sessions = JSON.parse(await stdoutOf(['sessions', '-f', 'json', log])) as { sessions: Array<{ client: string }> };
    assert.deepEqual(sessions.sessions.map((s) => s.client), ids);
  });

  test('the HTML page shows such ids as they are: references in its markup, the ids themselves in its data', async () => {
    const html = await stdoutOf(['report', '--format', 'html', '--fail-on', 'none', log]);
    assert.ok(!html.includes('\\x3a'), 'no \\x3a escape');
    assert.ok(html.includes('<td class="client">&#58;:stop-commands::pwn</td>'), 'the sessions table cell');
    assert.ok(html.includes('x&#35;#[stop-commands]t0k'), 'the ##[ id');
    const data = JSON.parse(/<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)?.[1] ?? 'null') as { lanes: string[]; sessions: Array<{ c: string }> };
    assert.deepEqual(data.sessions.map((s) => s.c).sort(), [...ids].sort());
    assert.deepEqual([...data.lanes].sort(), [...ids].sort());
  });

  test("an annotation's file property shows a control character in the file's name as \\xNN", async () => {
    const named = join(temp, 'red\x1b[31m.log');
    writeFileSync(named, readFileSync(log));
    const out = (await runCli(['report', '--format', 'github', named])).stdout;
    assert.ok(!hasControlBytes(out), JSON.stringify(out));
    assert.match(out, /^::error file=[^,]*red\\x1b\[31m\.log,line=/m);
  });
});

describe('displayWidth', () => {
  test('columns as a terminal draws them: wide East Asian characters and emoji shown as emoji two, text-style symbols one, combining marks none', () => {
    assert.equal(displayWidth('abc'), 3);
    assert.equal(displayWidth('客户端'), 6);
    assert.equal(displayWidth('sensor-😀'), 9);
    // A satellite, a desktop computer and a thermometer are drawn as text, one column each.
    assert.equal(displayWidth('🛰🖥🌡'), 3);
    assert.equal(displayWidth('e\u0301'), 1);
    assert.equal(displayWidth('\u{17000}\u{1b000}'), 4);
    // An emoji with its skin tone, emoji joined into one, and a flag's two letters are one emoji each.
    assert.equal(displayWidth('👍🏽'), 2);
    assert.equal(displayWidth('👨\u200d👩\u200d👧'), 2);
    assert.equal(displayWidth('🇩🇪🇫🇷'), 4);
  });
});

describe('formatCount', () => {
  test('groups the digits of a whole count by three with commas, as en-US does', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1000), '1,000');
    assert.equal(formatCount(100000), '100,000');
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatCount(-1234), '-1,234');
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => formatCount(n) === n.toLocaleString('en-US')));
  });
});

describe('shortening', () => {
  test('never splits a letter from its combining marks, or an emoji from its modifier', () => {
    const accented = 'a\u0301'.repeat(40);
    for (const short of [elideMiddle(accented, 28), elideMiddleColumns(accented, 28), elideEndColumns(accented, 28)]) {
      assert.match(short, /^(a\u0301)+…(a\u0301)*$/u, JSON.stringify(short));
    }
    const thumbs = elideMiddleColumns('👍🏽'.repeat(30), 20);
    assert.match(thumbs, /^(👍🏽)+…(👍🏽)+$/u);
    assert.ok(displayWidth(thumbs) <= 20 && displayWidth(thumbs) >= 18, thumbs);
  });
});

describe('safeText', () => {
  test('an escape sequence shows as text: its ESC or 8-bit introducer as \\xNN, the rest kept', () => {
    assert.equal(safeText('dev\x1b[0m'), 'dev\\x1b[0m');
    assert.equal(safeText('osc\x1b]x exceeded its keepalive'), 'osc\\x1b]x exceeded its keepalive');
    assert.equal(safeText('plant/\x9dline stalled'), 'plant/\\x9dline stalled');
  });

  test('the Unicode line and paragraph separators are shown as \\uNNNN', () => {
    assert.equal(safeText('a\u2028b\u2029c'), 'a\\u2028b\\u2029c');
  });

  test('ids that differ only in an escape sequence stay apart', () => {
    const ids = ['dev', 'dev\x1b[0m', 'dev\x1b[8m'];
    assert.equal(new Set(ids.map(safeText)).size, 3);
  });
});

describe('table width', () => {
  const long = (what: string, n: number): string => `${what}-${'x'.repeat(48)}-${String(n).padStart(4, '0')}`;
  const clients: ScenarioClients = {
    subscriber: long('plant-berlin-building-42-line-3-subscriber', 1),
    publisher: long('plant-berlin-building-42-line-3-publisher', 2),
    silent: long('plant-berlin-building-42-line-3-silent', 3),
    broken: long('plant-berlin-building-42-line-3-broken', 4),
    twin: long('plant-berlin-building-42-line-3-twin', 5),
    topic: `factory/site-berlin/building-42/line-3/conveyor/belt/segment-17/${'y'.repeat(40)}/temperature`,
  };
  const log = join(temp, 'long-ids.log');
  writeFileSync(log, buildScenarioLog(clients));
  const tables = ['summary', 'sessions', 'flows', 'problems'];

  test('a timeline heading of a long id goes on under itself, whole, within the terminal', async () => {
    const id = `c${'x'.repeat(300)}`;
    const path = join(temp, 'long-id-timeline.log');
    writeFileSync(path, [
      '1795700001: New connection from 127.0.0.1:50001 on port 1883.',
      `1795700001: New client connected from 127.0.0.1:50001 as ${id} (p2, c1, k10).`,
      `1795700003: Client ${id} disconnected.`,
    ].join('\n') + '\n');
    const out = await stdoutOf(['timeline', '--no-color', path], { stdoutIsTTY: true, columns: 80 });
    const lines = out.split('\n');
    for (const line of lines) assert.ok(line.length <= 80, `${line.length}: ${line}`);
    const heading = lines.filter((line) => /^[● ] x*c?x+$/.test(line));
    assert.equal(heading.map((line) => line.slice(2)).join(''), id);
  });

  for (const columns of [80, 100, 60]) {
    test(`a ${columns}-column terminal: no table line is longer than ${columns}`, async () => {
      for (const command of tables) {
        for (const colour of ['--no-color', '--color']) {
          const out = stripSgr(await stdoutOf([command, colour, log], { stdoutIsTTY: true, columns }));
          for (const line of out.split('\n')) assert.ok([...line].length <= columns, `${command} ${colour}: ${[...line].length} > ${columns}: ${line}`);
          assert.ok(out.includes('…'), `${command}: long cells were shortened`);
        }
      }
    });
  }

  test('wide characters count as two columns', async () => {
    const wide: ScenarioClients = {
      subscriber: '温度传感器-一号楼-三层-走廊-东侧-编号-000017-订阅者', publisher: '📡📡📡-發布者-一号楼-三层-走廊-东侧-编号-000018',
      silent: 'ｓｉｌｅｎｔ－ｆｕｌｌｗｉｄｔｈ－ｃｌｉｅｎｔ－ｉｄ－０００１', broken: 'cafe\u0301-nai\u0308ve-combining-marks-broken-client-with-a-long-name', twin: '双子-twin',
      topic: '工厂/柏林/四十二号楼/三号线/传送带/第十七段/温度/传感器甲',
    };
    const path = join(temp, 'wide.log');
    writeFileSync(path, buildScenarioLog(wide));
    for (const command of tables) {
      const out = await stdoutOf([command, '--no-color', path], { stdoutIsTTY: true, columns: 80 });
      for (const line of out.split('\n')) assert.ok(displayWidth(line) <= 80, `${command}: ${displayWidth(line)} > 80: ${line}`);
      assert.ok(!out.includes('\ufffd'), `${command}: no character cut in half`);
    }
    const sessions = await stdoutOf(['sessions', '--no-color', path]);
    const rows = sessions.split('\n').filter((row) => /\d{4}-\d\d-\d\d /.test(row));
    const starts = rows.map((row) => displayWidth(row.slice(0, row.search(/\d{4}-\d\d-\d\d /))));
    assert.equal(new Set(starts).size, 1, `the start column lines up:\n${sessions}`);
  });

  test('a narrow terminal keeps the client, the start and the end of each session', async () => {
    const out = await stdoutOf(['sessions', '--no-color', log], { stdoutIsTTY: true, columns: 80 });
    const header = out.split('\n')[0] ?? '';
    for (const column of ['client', 'start', 'end']) assert.match(header, new RegExp(`\\b${column}\\b`));
  });

  test("a problem's description goes on over more lines on a narrow terminal: none of it is cut", async () => {
    for (const columns of [60, 80, 100, 120]) {
      const out = await stdoutOf(['problems', '--no-color', 'fixtures/sample.log'], { stdoutIsTTY: true, columns });
      assert.ok(out.split('\n').every((l) => displayWidth(l) <= columns), `${columns} columns`);
      // The description's lines, read back in order, are the whole description.
      const what = out.split('\n').filter((l) => l.startsWith(' '.repeat(22)) || /^\d{4}-/.test(l)).map((l) => l.slice(22).replace(/ {2,}\S*:\d+$/, '').trim());
      const described = 'legacy-logger delivery m1 (QoS 2, cmd/thermostat-3f/setpoint) stalled waiting for PUBREC; the session ended with it in flight';
      assert.ok(what.join('').replace(/\s/g, '').includes(described.replace(/\s/g, '')), `${columns} columns: ${what.join(' | ')}`);
    }
  });

  test('columns left out to fit are named under the table, and the line column stays', async () => {
    const out = await stdoutOf(['flows', '--no-color', log], { stdoutIsTTY: true, columns: 80 });
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^client +dir +mid +qos +topic +state +line$/);
    assert.equal(lines.at(-1), '(hidden to fit the terminal: steps, start, latency)');
    const wide = await stdoutOf(['flows', '--no-color', log], { stdoutIsTTY: true, columns: 400 });
    assert.doesNotMatch(wide, /hidden to fit/);
  });

  test('a wide terminal shows every column', async () => {
    const out = await stdoutOf(['flows', '--no-color', log], { stdoutIsTTY: true, columns: 400 });
    assert.match(out.split('\n')[0] ?? '', /^client +dir +mid +qos +topic +state +steps +start +latency +line$/);
    assert.ok(!out.includes('…'));
  });

  test('a terminal below 60 columns is treated as 60', async () => {
    const out = await stdoutOf(['sessions', '--no-color', log], { stdoutIsTTY: true, columns: 20 });
    for (const line of out.split('\n')) assert.ok(line.length <= 60, line);
  });

  test('a pipe gets every character: nothing is elided, whatever the columns', async () => {
    for (const command of [...tables, 'timeline']) {
      const out = await stdoutOf([command, '--no-color', log], { stdoutIsTTY: false, columns: 80 });
      assert.ok(!out.includes('…'), command);
    }
    const sessions = await stdoutOf(['sessions', '--no-color', log], { columns: 80 });
    for (const id of [clients.subscriber, clients.publisher, clients.silent, clients.broken, clients.twin]) assert.ok(sessions.includes(id), id);
    const flows = await stdoutOf(['flows', '--no-color', log], { columns: 80 });
    assert.ok(flows.includes(clients.topic));
    assert.match(flows.split('\n')[0] ?? '', /^client +dir +mid +qos +topic +state +steps +start +latency +line$/);
  });
});
