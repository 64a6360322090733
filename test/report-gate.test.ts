/**
 * The `--fail-on` gate as data: reading rule texts, judging counts, and which counts a
 * selection makes it judge.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type GateRule, type GateRulesParse, defaultFailOn, defaultGateRules, evaluateGate, parseGateRules,
} from '../src/correlate/gate.js';
import { type CorrelateOptions, FindingTally, type Selection, correlateRecords, findingCodes, selectCorrelation } from '../src/correlate/index.js';
import { parseLine } from '../src/parse/index.js';
import { readRecords } from './support/fixtures.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

const rules = (...list: Array<[GateRule['code'], number]>): GateRulesParse => ({ ok: true, rules: list.map(([code, max]) => ({ code, max })) });

describe('parseGateRules', () => {
  const cases: Array<[string, GateRulesParse]> = [
    ['flow-incomplete', rules(['flow-incomplete', 0])],
    ['flow-incomplete,keepalive-timeout>2,socket-error', rules(['flow-incomplete', 0], ['keepalive-timeout', 2], ['socket-error', 0])],
    [' socket-error , flow-incomplete > 3 ', rules(['flow-incomplete', 3], ['socket-error', 0])],
    ['takeover>0', rules(['takeover', 0])],
    ['flow-incomplete>1234567890', rules(['flow-incomplete', 1234567890])],
    ['flow-incomplete>99999999999999999999', rules(['flow-incomplete', Number.MAX_SAFE_INTEGER])],
    ['none', rules()],
    [' none ', rules()],
    ['default', rules(...defaultFailOn.map((code): [GateRule['code'], number] => [code, 0]))],
    ['all>5', rules(...findingCodes.map((code): [GateRule['code'], number] => [code, 5]))],
    ['default,flow-incomplete>4', rules(...defaultFailOn.map((code): [GateRule['code'], number] => [code, code === 'flow-incomplete' ? 4 : 0]))],
    ['flow-incomplete>4,flow-incomplete', rules(['flow-incomplete', 0])],
    ['flow-incomplet', { ok: false, problem: { kind: 'unknown-code', item: 'flow-incomplet', code: 'flow-incomplet' } }],
    ['Flow-Incomplete', { ok: false, problem: { kind: 'unknown-code', item: 'Flow-Incomplete', code: 'Flow-Incomplete' } }],
    ['nope>2', { ok: false, problem: { kind: 'unknown-code', item: 'nope>2', code: 'nope' } }],
    ['flow-incomplete>', { ok: false, problem: { kind: 'malformed', item: 'flow-incomplete>' } }],
    ['flow-incomplete>=2', { ok: false, problem: { kind: 'malformed', item: 'flow-incomplete>=2' } }],
    ['flow-incomplete>-1', { ok: false, problem: { kind: 'malformed', item: 'flow-incomplete>-1' } }],
    ['flow-incomplete>1.5', { ok: false, problem: { kind: 'malformed', item: 'flow-incomplete>1.5' } }],
    ['flow-incomplete<2', { ok: false, problem: { kind: 'unknown-code', item: 'flow-incomplete<2', code: 'flow-incomplete<2' } }],
    ['flow-incomplete socket-error', { ok: false, problem: { kind: 'malformed', item: 'flow-incomplete socket-error' } }],
    ['', { ok: false, problem: { kind: 'empty-rule', item: '' } }],
    ['flow-incomplete,', { ok: false, problem: { kind: 'empty-rule', item: '' } }],
    ['none,flow-incomplete', { ok: false, problem: { kind: 'none-combined', item: 'none' } }],
  ];
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => assert.deepEqual(parseGateRules(text), expected));
  }

  test('rules come back most severe first, whatever order they were written in', () => {
    const parsed = parseGateRules('unknown-lines,takeover,flow-incomplete');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.rules.map((r) => r.code), ['flow-incomplete', 'takeover', 'unknown-lines']);
  });

  test('the default rules are the default codes, each failing on the first finding', () => {
    assert.deepEqual(defaultGateRules(), defaultFailOn.map((code) => ({ code, max: 0 })));
    for (const code of defaultFailOn) assert.ok(findingCodes.includes(code));
  });
});

describe('evaluateGate', () => {
  test('a rule passes up to its threshold and fails above it', () => {
    const rule: GateRule[] = [{ code: 'keepalive-timeout', max: 2 }];
    assert.equal(evaluateGate(rule, { 'keepalive-timeout': 2 }).passed, true);
    assert.equal(evaluateGate(rule, { 'keepalive-timeout': 3 }).passed, false);
    assert.equal(evaluateGate(rule, {}).passed, true);
  });

  test('each rule carries its count and verdict; counts of other codes travel along', () => {
    const gate = evaluateGate([{ code: 'flow-incomplete', max: 0 }, { code: 'socket-error', max: 1 }], { 'flow-incomplete': 1, 'socket-error': 1, takeover: 4 });
    assert.deepEqual(gate, {
      passed: false,
      enforced: true,
      rules: [
        { code: 'flow-incomplete', max: 0, count: 1, passed: false },
        { code: 'socket-error', max: 1, count: 1, passed: true },
      ],
      counts: { 'flow-incomplete': 1, 'socket-error': 1, takeover: 4 },
    });
  });

  test('no rules never fail; enforced only travels along', () => {
    assert.equal(evaluateGate([], { 'flow-incomplete': 9 }).passed, true);
    const gate = evaluateGate([{ code: 'flow-incomplete', max: 0 }], { 'flow-incomplete': 9 }, false);
    assert.equal(gate.passed, false);
    assert.equal(gate.enforced, false);
  });
});

describe('the counts a selection makes the gate judge', () => {
  test('without a selection the whole-log totals count; with one, only the selected findings', async () => {
    const whole = correlateRecords(await readRecords('fixtures/stalled-qos2.log'));
    assert.deepEqual(selectCorrelation(whole, {}).findingTotals, { 'flow-incomplete': 3 });
    assert.deepEqual(selectCorrelation(whole, { clients: ['sub-*'] }).findingTotals, { 'flow-incomplete': 2 });
    assert.deepEqual(selectCorrelation(whole, { clients: ['nobody'] }).findingTotals, {});
  });

  test('a report of a selection names it: in the HTML page, the Markdown header and the JSON', async () => {
    const args = ['report', 'fixtures/sample.log', '--fail-on', 'none', '--client', 'legacy-*', '--since', '2026-11-26T14:00:00'];
    const html = await runCli([...args, '--format', 'html']);
    assert.match(html.stdout, /<p class="note" id="selection">Selection: <code>--client legacy-\* --since 2026-11-26T14:00:00<\/code>\. The gate, the problems, the timeline, the sessions listed/);
    const markdown = await runCli([...args, '--format', 'markdown']);
    assert.match(markdown.stdout.split('\n')[2] ?? '', / · selection: `--client legacy-\* --since 2026-11-26T14:00:00`$/);
    const json = JSON.parse((await runCli([...args, '--format', 'json'])).stdout) as { selection: string | null };
    assert.equal(json.selection, '--client legacy-* --since 2026-11-26T14:00:00');
    const whole = await runCli(['report', 'fixtures/sample.log', '--fail-on', 'none', '--format', 'html']);
    assert.doesNotMatch(whole.stdout, /id="selection"/);
    assert.equal((JSON.parse((await runCli(['report', 'fixtures/sample.log', '--fail-on', 'none', '--format', 'json'])).stdout) as { selection: null }).selection, null);
  });

  /** `n` clients that connect one second apart and end with a socket error; no debug lines. */
  function socketErrors(n: number): string[] {
    const lines = ['1795700000: mosquitto version 2.0.11 running'];
    for (let i = 0; i < n; i++) {
      const t = 1795700001 + i;
      lines.push(`${t}: New client connected from 10.0.0.1:${20000 + i} as c${i} (p2, c1, k60).`, `${t}: Socket error on client c${i}, disconnecting.`);
    }
    return lines;
  }

  /** Correlates `lines` keeping at most `max` findings per code, and selects with a tally fed as the CLI feeds it. */
  function selected(lines: string[], selection: Selection, max: number): Record<string, number | undefined> {
    const tally = new FindingTally(selection);
    const options: CorrelateOptions = { maxFindingsPerCode: max, onEvent: tally.onEvent };
    const whole = correlateRecords(lines.map((l, i) => parseLine(l, { file: 'f.log', line: i + 1 })), options);
    return selectCorrelation(whole, selection, tally).findingTotals;
  }

  test('every selected finding counts, also those past the cap on findings kept', () => {
    const lines = socketErrors(30);
    assert.equal(selected(lines, { clients: ['*'] }, 10)['socket-error'], 30);
    assert.equal(selected(lines, { clients: ['c1*'] }, 5)['socket-error'], 11);
    // Counted back from the log's last line, which is known only at the end.
    assert.equal(selected(lines, { since: { backMs: 9000 } }, 5)['socket-error'], 10);
  });

  test('findings about the whole log stay whatever clients or topics are selected', () => {
    const lines = socketErrors(2);
    assert.deepEqual(selected(lines, { clients: ['c0'] }, 100), { 'socket-error': 1, 'no-debug-lines': 1 });
    assert.deepEqual(selected(lines, { topics: ['a/#'] }, 100), { 'no-debug-lines': 1 });
  });
});

test('--client \'*\' keeps findings about a client without an id; a narrower glob does not', () => {
  const lines = [
    '1795700000: New connection from 127.0.0.1:40000 on port 1883.',
    '1795700001: Sending CONNACK to 127.0.0.1 (0, 5)',
    '1795700001: Client <unknown> disconnected, not authorised.',
  ];
  const whole = correlateRecords(lines.map((l, i) => parseLine(l, { file: 'f.log', line: i + 1 })));
  assert.equal(selectCorrelation(whole, { clients: ['*'] }).findingTotals['auth-failure'], 1);
  assert.equal(selectCorrelation(whole, { clients: ['x*'] }).findingTotals['auth-failure'], undefined);
});
