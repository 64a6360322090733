/**
 * `mosqlog report --format json`: the documented schema (docs/ci.md), on every fixture.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findingCodes } from '../src/correlate/index.js';
import { jsonWithList, ndjsonPieces } from '../src/report/output.js';
import { toJsonText } from '../src/report/record-json.js';
import { fixtureLogs } from './support/fixtures.js';
import { besidesExitZeroGate, runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface ReportJson {
  schemaVersion: number;
  tool: string;
  generatedAt: string;
  inputs: string[];
  selection: string | null;
  warnings: string[];
  gate: { passed: boolean; enforced: boolean; rules: Array<{ code: string; max: number; count: number; passed: boolean }> };
  counts: Record<string, number>;
  unlisted: Record<string, number>;
  findings: Array<Record<string, unknown> & { code: string; at: Array<{ file: string; line: number }> }>;
  log: Record<string, unknown>;
}

describe('schema on every fixture', () => {
  for (const log of fixtureLogs()) {
    test(log, async () => {
      const result = await runCli(['report', log, '--format', 'json', '--fail-on', 'all', '--exit-zero']);
      assert.equal(result.code, 0);
      assert.equal(besidesExitZeroGate(result.stderr), '');
      const doc = JSON.parse(result.stdout) as ReportJson;
      assert.deepEqual(Object.keys(doc), ['schemaVersion', 'tool', 'generatedAt', 'inputs', 'selection', 'warnings', 'gate', 'counts', 'unlisted', 'findings', 'log']);
      assert.equal(doc.selection, null);
      assert.deepEqual(doc.warnings, []);
      assert.equal(doc.schemaVersion, 1);
      assert.equal(doc.tool, 'mosqlog');
      assert.equal(doc.generatedAt, '2026-11-27T12:00:00.000Z');
      assert.deepEqual(doc.inputs, [log]);
      assert.deepEqual(doc.gate.rules.map((r) => r.code), [...findingCodes]);
      assert.equal(doc.gate.passed, doc.gate.rules.every((r) => r.passed));
      assert.equal(doc.gate.enforced, false);
      for (const rule of doc.gate.rules) {
        assert.equal(rule.count, doc.counts[rule.code] ?? 0);
        assert.equal(rule.passed, rule.count <= rule.max);
      }
      const listed: Record<string, number> = {};
      for (const f of doc.findings) {
        listed[f.code] = (listed[f.code] ?? 0) + 1;
        assert.ok(findingCodes.includes(f.code as (typeof findingCodes)[number]));
        assert.deepEqual(Object.keys(f).slice(0, 7), ['code', 'severity', 'title', 'message', 'client', 'time', 'at']);
        assert.ok(f.time === null || iso.test(String(f.time)));
        for (const at of f.at) assert.deepEqual(Object.keys(at), ['file', 'line']);
        if ('lastActivity' in f) assert.ok(f.lastActivity === null || iso.test(String(f.lastActivity)));
      }
      for (const [code, count] of Object.entries(doc.counts)) assert.equal((listed[code] ?? 0) + (doc.unlisted[code] ?? 0), count);
      assert.deepEqual(Object.keys(doc.log), ['lines', 'first', 'last', 'brokerVersions', 'brokerStarts', 'sessions', 'clients', 'clientsCapped', 'debugLines', 'unknownLines']);
    });
  }
});

test('the warnings written to stderr as the logs were read are in the report too: JSON, Markdown and HTML', async () => {
  // A topic that reads as a GitHub team's mention mentions no one in the Markdown: it is in a code span.
  const args = ['report', '--fail-on', 'none', '--topic', '@octo-org/admins/#', 'fixtures/sample.log', '-'];
  const expected = ['stdin: none of its 1 line(s) is a mosquitto log line (not a broker log, or give --timestamp-format)', '--topic "@octo-org/admins/#" matches no topic in the log'];
  const json = await runCli([...args, '--format', 'json'], { stdin: 'hello\n' });
  assert.deepEqual((JSON.parse(json.stdout) as ReportJson).warnings, expected);
  assert.equal(json.stderr, expected.map((w) => `mosqlog: warning: ${w}\n`).join(''));
  const markdown = (await runCli([...args, '--format', 'markdown'], { stdin: 'hello\n' })).stdout;
  assert.match(markdown, /\n> ⚠️ Warnings, as written to stderr:\n> - `stdin: none of its 1 line\(s\) is a mosquitto log line .*`\n> - `--topic "@octo-org\/admins\/#" matches no topic in the log`\n\n/);
  const html = (await runCli([...args, '--format', 'html'], { stdin: 'hello\n' })).stdout;
  assert.match(html, /<li>--topic &quot;@octo-org\/admins\/#&quot; matches no topic in the log<\/li><\/ul><\/div>\n<\/header>/);
});

test('a selection narrows findings and counts', async () => {
  const result = await runCli(['report', 'fixtures/stalled-qos2.log', '--format', 'json', '--fail-on', 'flow-incomplete', '--client', 'pub-*']);
  assert.equal(result.code, 1);
  const doc = JSON.parse(result.stdout) as ReportJson;
  assert.deepEqual(doc.counts, { 'flow-incomplete': 1 });
  assert.deepEqual(doc.findings.map((f) => [f.client, f.direction, f.mid, f.stalledAt]), [['pub-qos2-stall', 'in', 1, 'pubrel']]);
});

describe('a listing written in pieces', () => {
  const items = [
    { client: 'a', topic: 'x/##[group]/y', text: 'line\nbreak "quoted" \u202e', nested: { list: [1, { deep: true }], empty: [] } },
    { client: 'b', steps: [] },
  ];
  test('joins to the text the whole value gives, with the list anywhere among the keys', () => {
    for (const [value, key] of [[{ flows: items, debugLines: true }, 'flows'], [{ debugLines: false, flows: items }, 'flows'], [{ sessions: items, attempts: 3 }, 'sessions']] as const) {
      const pieces = [...jsonWithList({ ...value, [key]: [] }, key, items, (item) => item)];
      assert.equal(pieces.length, items.length + 1, 'one piece an item, the first with the head, and the tail');
      assert.equal(pieces.join(''), `${toJsonText(value, 2)}\n`);
    }
  });
  test('an empty list is the whole text at once', () => {
    assert.deepEqual([...jsonWithList({ debugLines: true }, 'flows', [], (item) => item)], [`${toJsonText({ debugLines: true, flows: [] }, 2)}\n`]);
  });
  test('JSON lines are one piece an item', () => {
    assert.deepEqual([...ndjsonPieces(items, (item) => item)], items.map((i) => `${toJsonText(i)}\n`));
  });
  test("each item's JSON is made as its piece is taken", () => {
    const made: string[] = [];
    const toJson = (item: (typeof items)[number]): Record<string, unknown> => {
      made.push(item.client);
      return item;
    };
    for (const pieces of [jsonWithList({ flows: [] }, 'flows', items, toJson), ndjsonPieces(items, toJson)]) {
      made.length = 0;
      const taken = pieces[Symbol.iterator]();
      taken.next();
      assert.deepEqual(made, ['a']);
      taken.next();
      assert.deepEqual(made, ['a', 'b']);
    }
  });
});
