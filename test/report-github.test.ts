/**
 * `mosqlog report --format github`: workflow commands escaped as the runner requires, pointing
 * at log lines, most severe first, capped per kind, with a count of what was left out.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { annotationsPerKind, escapeCommandData, escapeCommandProperty } from '../src/report/ci/index.js';
import { renderGithub } from '../src/report/ci/github.js';
import { keepaliveTimeout, plainContext, stalledFlow, stalledOnStdin, syntheticReport } from './support/ci-report.js';
import { parseCommands } from './support/github-commands.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

describe('escaping', () => {
  const cases: Array<[string, string, string]> = [
    ['100%', '100%25', '100%25'],
    ['a\r\nb', 'a%0D%0Ab', 'a%0D%0Ab'],
    ['file:1,2', 'file:1,2', 'file%3A1%2C2'],
    ['%0A', '%250A', '%250A'],
    ['::error::x', '::error::x', '%3A%3Aerror%3A%3Ax'],
  ];
  for (const [raw, data, property] of cases) {
    test(JSON.stringify(raw), () => {
      assert.equal(escapeCommandData(raw), data);
      assert.equal(escapeCommandProperty(raw), property);
    });
  }
});

describe('annotations from fixtures', () => {
  test('stalled flows are errors pointing at their lines', async () => {
    const result = await runCli(['report', 'fixtures/stalled-qos2.log', '--format', 'github', '--fail-on', 'flow-incomplete']);
    assert.equal(result.code, 1);
    const { annotations, other } = parseCommands(result.stdout);
    assert.deepEqual(other, []);
    assert.deepEqual(annotations.map((a) => [a.kind, a.properties.file, a.properties.line]), [
      ['error', 'fixtures/stalled-qos2.log', '28'],
      ['error', 'fixtures/stalled-qos2.log', '31'],
      ['error', 'fixtures/stalled-qos2.log', '38'],
    ]);
    for (const a of annotations) assert.ok(a.properties.title?.includes('flow-incomplete'));
  });

  test("files in the job's checkout are named from its root, however the command named them; files outside it as named", async () => {
    const repo = process.cwd();
    for (const name of ['./fixtures/sample.log', join(repo, 'fixtures/sample.log')]) {
      const result = await runCli(['report', name, '--format', 'github', '--fail-on', 'keepalive-timeout'], { env: { GITHUB_WORKSPACE: repo } });
      const { annotations } = parseCommands(result.stdout);
      assert.deepEqual(annotations.map((a) => a.properties.file), Array(4).fill('fixtures/sample.log'), name);
      assert.match(annotations.find((a) => a.properties.title?.includes('keepalive-timeout'))?.message ?? '', /\(see also fixtures\/sample\.log:29\)$/, name);
    }
    const elsewhere = await runCli(['report', './fixtures/sample.log', '--format', 'github'], { env: { GITHUB_WORKSPACE: join(repo, 'docs') } });
    assert.deepEqual([...new Set(parseCommands(elsewhere.stdout).annotations.map((a) => a.properties.file))], ['./fixtures/sample.log']);
  });

  test('findings no rule fails on are warnings', async () => {
    const result = await runCli(['report', 'fixtures/sample.log', '--format', 'github', '--fail-on', 'flow-incomplete']);
    const { annotations } = parseCommands(result.stdout);
    assert.deepEqual(annotations.map((a) => a.kind), ['error', 'warning', 'warning', 'warning']);
  });

  test('hostile ids cannot break out of their command', async () => {
    const result = await runCli(['report', 'fixtures/handmade/hostile-ids.log', '--format', 'github', '--fail-on', 'all', '--exit-zero']);
    assert.equal(result.code, 0);
    const lines = result.stdout.split('\n').filter(Boolean);
    const { annotations, other } = parseCommands(result.stdout);
    assert.deepEqual(other, []);
    assert.equal(annotations.length, lines.length, 'one command per line');
    assert.equal(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(result.stdout), false);
    const socket = annotations.find((a) => a.properties.title?.includes('socket-error'));
    assert.ok(socket?.message.startsWith('gh:esc,%0A]]>'), 'the id comes back intact after unescaping');
  });
});

describe('lines read from stdin', () => {
  test('name no file or line, and are not listed under see also', async () => {
    const result = await runCli(['report', '--format', 'github', '--fail-on', 'flow-incomplete', '-'], { stdin: stalledOnStdin });
    assert.equal(result.code, 1);
    const { annotations, other } = parseCommands(result.stdout);
    assert.deepEqual(other, []);
    assert.deepEqual(annotations.map((a) => [a.kind, a.properties.file, a.properties.line]), [['error', undefined, undefined]]);
    assert.doesNotMatch(annotations[0]?.message ?? '', /see also|-:\d/);
  });

  test('a file read alongside stdin is still named', () => {
    const report = syntheticReport([{ ...stalledFlow('c', 1, 4, '-'), at: [{ file: '-', line: 4 }, { file: 'broker.log', line: 3 }] }], [{ code: 'flow-incomplete', max: 0 }]);
    const [a] = parseCommands(renderGithub(report, plainContext)).annotations;
    assert.equal(a?.properties.file, undefined);
    assert.match(a?.message ?? '', /\(see also broker\.log:3\)$/);
  });
});

describe('limits', () => {
  test('at most 10 per kind, most severe first, and a final line counting the rest', () => {
    const flows = Array.from({ length: 14 }, (_, i) => stalledFlow(`pub-${i}`, i + 1, i + 1));
    const timeouts = Array.from({ length: 12 }, (_, i) => keepaliveTimeout(`sensor-${i}`, 100 + i));
    const report = syntheticReport([...flows, ...timeouts], [{ code: 'flow-incomplete', max: 0 }]);
    const { annotations, other } = parseCommands(renderGithub(report, plainContext));
    assert.equal(annotationsPerKind, 10);
    assert.deepEqual(annotations.map((a) => a.kind), [...Array<string>(10).fill('error'), ...Array<string>(10).fill('warning')]);
    assert.deepEqual(annotations.slice(0, 10).map((a) => a.properties.line), flows.slice(0, 10).map((f) => String(f.at[0]?.line)));
    assert.equal(other.length, 1);
    assert.match(other[0] ?? '', /\b6\b/);
    assert.match(other[0] ?? '', /\b4 error\b/);
    assert.match(other[0] ?? '', /\b2 warning\b/);
  });

  test('every failed rule gets an annotation, and the line left out names the codes', () => {
    const flows = Array.from({ length: 14 }, (_, i) => stalledFlow(`pub-${i}`, i + 1, i + 1));
    const report = syntheticReport([...flows, keepaliveTimeout('sensor', 100)], [{ code: 'flow-incomplete', max: 0 }, { code: 'keepalive-timeout', max: 0 }]);
    const { annotations, other } = parseCommands(renderGithub(report, plainContext));
    assert.equal(annotations.length, annotationsPerKind);
    assert.ok(annotations.every((a) => a.kind === 'error'));
    assert.equal(annotations.filter((a) => a.properties.title?.includes('keepalive-timeout')).length, 1);
    assert.equal(annotations.filter((a) => a.properties.title?.includes('flow-incomplete')).length, 9);
    assert.match(other[0] ?? '', /\(5 error: 5 flow-incomplete;/);
  });

  test('findings counted but not kept are counted as left out', () => {
    const report = syntheticReport([stalledFlow('a', 1, 1)], [{ code: 'flow-incomplete', max: 0 }], { 'flow-incomplete': 5 });
    const { annotations, other } = parseCommands(renderGithub(report, plainContext));
    assert.equal(annotations.length, 1);
    assert.match(other[0] ?? '', /\b4 error\b/);
  });

  test('nothing found, nothing written', () => {
    assert.equal(renderGithub(syntheticReport([], [{ code: 'flow-incomplete', max: 0 }]), plainContext), '');
  });
});
