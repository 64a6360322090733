/**
 * `mosqlog report --format junit` on every fixture: valid against a JUnit XSD (xmllint), and a
 * structure whose counts match its elements, with one suite per rule and stable, unique names.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Finding, findingCodes } from '../src/correlate/index.js';
import { renderJunit } from '../src/report/ci/junit.js';
import { keepaliveTimeout, plainContext, stalledFlow, stalledOnStdin, syntheticReport } from './support/ci-report.js';
import { fixtureLogs, repoPath } from './support/fixtures.js';
import { besidesExitZeroGate, runCli, runFromRepoRoot } from './support/run-cli.js';
import { assertConsistent, forbiddenInXml, intAttribute as int } from './support/junit.js';
import { type XmlElement, childrenNamed, parseXml } from './support/xml-tree.js';
import { requireXmllint, validateXml } from './support/xmllint.js';

runFromRepoRoot();

const schema = repoPath('test/support/junit.xsd');
const hostile = 'fixtures/handmade/hostile-ids.log';

describe('every fixture, every rule', () => {
  for (const log of fixtureLogs()) {
    test(log, async (t) => {
      const result = await runCli(['report', log, '--format', 'junit', '--fail-on', 'all', '--exit-zero']);
      assert.equal(result.code, 0);
      assert.equal(besidesExitZeroGate(result.stderr), '');
      assert.equal(forbiddenInXml.test(result.stdout), false, 'only characters XML 1.0 allows');
      const root = parseXml(result.stdout);
      assertConsistent(root);
      assert.deepEqual(childrenNamed(root, 'testsuite').map((s) => s.attributes.name), [...findingCodes]);
      if (requireXmllint(t)) {
        const validation = validateXml(result.stdout, schema);
        assert.ok(validation.valid, validation.output);
      }
    });
  }
});

describe('what the testcases say', () => {
  test('stalled flows are failures named by client, mid and direction, pointing at the log line', async () => {
    const result = await runCli(['report', 'fixtures/stalled-qos2.log', '--format', 'junit', '--fail-on', 'flow-incomplete']);
    assert.equal(result.code, 1);
    const root = parseXml(result.stdout);
    assertConsistent(root);
    const [suite] = childrenNamed(root, 'testsuite');
    assert.ok(suite);
    assert.equal(suite.attributes.name, 'flow-incomplete');
    const cases = childrenNamed(suite, 'testcase').map((c) => ({
      name: c.attributes.name, file: c.attributes.file, line: c.attributes.line, failure: childrenNamed(c, 'failure')[0]?.text ?? '',
    }));
    assert.deepEqual(cases.map(({ name, file, line }) => ({ name, file, line })), [
      { name: 'sub-qos2-stall mid 1 (out)', file: 'fixtures/stalled-qos2.log', line: '28' },
      { name: 'sub-qos1-stall mid 1 (out)', file: 'fixtures/stalled-qos2.log', line: '31' },
      { name: 'pub-qos2-stall mid 1 (in)', file: 'fixtures/stalled-qos2.log', line: '38' },
    ]);
    for (const c of cases) assert.ok(c.failure.includes(`${c.file}:${c.line}`), 'the body names the log location');
    assert.ok(cases[2]?.failure.includes('stalledAt: pubrel'));
  });

  test('a rule without findings is one passing testcase', async () => {
    const result = await runCli(['report', 'fixtures/clean-qos.log', '--format', 'junit', '--fail-on', 'flow-incomplete']);
    assert.equal(result.code, 0);
    const root = parseXml(result.stdout);
    assertConsistent(root);
    assert.equal(int(root, 'tests'), 1);
    assert.equal(int(root, 'failures'), 0);
  });

  test('a flow rule on a log without debug lines is skipped, not passed, and says why', async (t) => {
    const result = await runCli(['report', '-', '--format', 'junit', '--fail-on', 'flow-incomplete,keepalive-timeout>9'], {
      stdin: '1700000000: mosquitto version 2.0.11 starting\n1700000001: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k10).\n',
    });
    assert.equal(result.code, 0);
    const root = parseXml(result.stdout);
    assertConsistent(root);
    const [flows, keepalive] = childrenNamed(root, 'testsuite');
    assert.ok(flows && keepalive);
    const [skippedCase] = childrenNamed(flows, 'testcase');
    assert.equal(skippedCase?.attributes.name, 'not checked');
    assert.match(childrenNamed(skippedCase, 'skipped')[0]?.attributes.message ?? '', /no packet lines/);
    // A rule the log can answer without debug lines passes as before.
    assert.equal(childrenNamed(keepalive, 'testcase')[0]?.attributes.name, 'no findings');
    assert.equal(int(root, 'skipped'), 1);
    if (requireXmllint(t)) assert.ok(validateXml(result.stdout, schema).valid);
  });

  test('subscribe-denied on a log before 2.1 without grant lines is skipped: a denied filter cannot be told there', async () => {
    const subscribe = ['1700000001: New client connected from 127.0.0.1:5000 as c1 (p2, c1, k10).', '1700000002: Received SUBSCRIBE from c1', '1700000002: \tsecret/x (QoS 1)', '1700000002: Sending SUBACK to c1'];
    const suite = async (banner: string, grant: readonly string[] = []): Promise<string | undefined> => {
      const lines = [banner, ...subscribe.slice(0, 3), ...grant, subscribe[3]];
      const result = await runCli(['report', '-', '--format', 'junit', '--fail-on', 'subscribe-denied>9'], { stdin: `${lines.join('\n')}\n` });
      const [only] = childrenNamed(parseXml(result.stdout), 'testsuite');
      return only && childrenNamed(only, 'testcase')[0]?.attributes.name;
    };
    assert.equal(await suite('1700000000: mosquitto version 2.0.11 starting'), 'not checked');
    assert.equal(await suite('1700000000: mosquitto version 2.0.11 starting', ['1700000002: c1 1 secret/x']), 'no findings');
    // The grant lines of a run count also when the log ends with the broker stopping.
    const stopped = ['1700000000: mosquitto version 2.0.11 starting', ...subscribe.slice(0, 3), '1700000002: c1 1 secret/x', subscribe[3], '1700000003: mosquitto version 2.0.11 terminating'];
    const result = await runCli(['report', '-', '--format', 'junit', '--fail-on', 'subscribe-denied'], { stdin: `${stopped.join('\n')}\n` });
    assert.equal(childrenNamed(childrenNamed(parseXml(result.stdout), 'testsuite')[0] ?? parseXml(result.stdout), 'testcase')[0]?.attributes.name, 'no findings');
    // 2.1 says which filters it denies.
    assert.equal(await suite('1700000000: mosquitto version 2.1.2 starting'), 'no findings');
    // One run with grant lines does not vouch for a later run without them.
    const twoRuns = [
      '1700000000: mosquitto version 2.0.11 starting', ...subscribe.slice(0, 3), '1700000002: c1 1 secret/x', subscribe[3], '1700000003: mosquitto version 2.0.11 terminating',
      '1700000010: mosquitto version 2.0.11 starting', ...subscribe,
    ];
    const later = await runCli(['report', '-', '--format', 'junit', '--fail-on', 'subscribe-denied'], { stdin: `${twoRuns.join('\n')}\n` });
    assert.equal(childrenNamed(childrenNamed(parseXml(later.stdout), 'testsuite')[0] ?? parseXml(later.stdout), 'testcase')[0]?.attributes.name, 'not checked');
  });

  test('findings within a threshold pass, so failures appear only when the gate fails', async () => {
    const result = await runCli(['report', 'fixtures/stalled-qos2.log', '--format', 'junit', '--fail-on', 'flow-incomplete>3']);
    assert.equal(result.code, 0);
    const root = parseXml(result.stdout);
    assertConsistent(root);
    assert.equal(int(root, 'tests'), 3);
    assert.equal(int(root, 'failures'), 0);
    for (const c of childrenNamed(childrenNamed(root, 'testsuite')[0] as XmlElement, 'testcase')) {
      assert.equal(childrenNamed(c, 'system-out').length, 1, 'the evidence stays in system-out');
    }
  });

  test('--fail-on none gives one passing case that says nothing was judged, and what was found: a view takes an empty document for a run that failed to report', async (t) => {
    const result = await runCli(['report', 'fixtures/stalled-qos2.log', '--format', 'junit', '--fail-on', 'none']);
    assert.equal(result.code, 0);
    const root = parseXml(result.stdout);
    const suites = childrenNamed(root, 'testsuite');
    assert.deepEqual(suites.map((s) => childrenNamed(s, 'testcase').map((c) => [c.attributes.name, childrenNamed(c, 'failure').length])), [[['no rules', 0]]]);
    assert.deepEqual([int(root, 'tests'), int(root, 'failures'), int(root, 'skipped')], [1, 0, 0]);
    assert.match(result.stdout, /<system-out>no --fail-on rules: nothing was judged; findings: flow-incomplete 3</);
    if (requireXmllint(t)) assert.ok(validateXml(result.stdout, schema).valid);
  });
});

describe('hostile client ids', () => {
  test('ids with <, &, quotes and controls survive as text, shown safely', async () => {
    const result = await runCli(['report', hostile, '--format', 'junit', '--fail-on', 'all', '--exit-zero']);
    const root = parseXml(result.stdout);
    const names = childrenNamed(root, 'testsuite').flatMap((s) => childrenNamed(s, 'testcase').map((c) => c.attributes.name ?? ''));
    assert.ok(names.includes(`<script>alert("x")</script>&'amp'; mid 1 (out)`), 'markup characters decode back to the id');
    assert.ok(names.includes(`"quoted" & 'single'`));
    const controlled = names.find((n) => n.startsWith('ctl'));
    assert.ok(controlled);
    assert.equal(/[\x00-\x1f\x7f-\x9f\uFFFE]/.test(controlled), false, 'controls shown as escapes or dropped');
    assert.ok(controlled.includes('\\x01'), 'a C0 control is shown, not hidden');
  });

  test('forbidden characters and lone surrogates never reach the document', (t) => {
    const ids = ['\uD800half', 'nul\x00byte', 'non\uFFFFchar', 'cdata]]>end', 'cr\rlf\n', 'emoji 🚀'];
    const report = syntheticReport(ids.map((id, i) => stalledFlow(id, i + 1, i + 10, `logs/${id}.log`)), [{ code: 'flow-incomplete', max: 0 }]);
    const xml = renderJunit(report, plainContext);
    assert.equal(forbiddenInXml.test(xml), false);
    const root = parseXml(xml);
    assertConsistent(root);
    assert.ok(xml.includes('emoji 🚀'), 'characters outside the BMP are kept');
    if (requireXmllint(t)) {
      const validation = validateXml(xml, schema);
      assert.ok(validation.valid, validation.output);
    }
  });
});

test('testcases of lines read from stdin have no file or line; the evidence says stdin:N', async () => {
  const result = await runCli(['report', '--format', 'junit', '--fail-on', 'flow-incomplete', '-'], { stdin: stalledOnStdin });
  assert.equal(result.code, 1);
  const root = parseXml(result.stdout);
  assertConsistent(root);
  const cases = childrenNamed(childrenNamed(root, 'testsuite')[0] as XmlElement, 'testcase');
  assert.deepEqual(cases.map((c) => [c.attributes.file, c.attributes.line]), [[undefined, undefined]]);
  assert.match(result.stdout, /^at: stdin:4$/m);
});

describe('names and counts beyond what is listed', () => {
  test('repeated subjects get stable #n suffixes in log order', () => {
    const report = syntheticReport([stalledFlow('c', 1, 10), stalledFlow('c', 1, 20), stalledFlow('c', 1, 30)], [{ code: 'flow-incomplete', max: 0 }]);
    const root = parseXml(renderJunit(report, plainContext));
    const cases = childrenNamed(childrenNamed(root, 'testsuite')[0] as XmlElement, 'testcase');
    assert.deepEqual(cases.map((c) => [c.attributes.name, c.attributes.line]), [['c mid 1 (out)', '10'], ['c mid 1 (out) #2', '20'], ['c mid 1 (out) #3', '30']]);
  });

  test('ids that differ only in characters XML forbids still get unique names; an id as written keeps its own', () => {
    const ids = ['dev\uFFFE', 'dev\uFFFF', 'dev', 'dev\uD800', 'dev #2'];
    const report = syntheticReport(ids.map((id, i) => keepaliveTimeout(id, i + 10)), [{ code: 'keepalive-timeout', max: 0 }]);
    const root = parseXml(renderJunit(report, plainContext));
    assertConsistent(root);
    const cases = childrenNamed(childrenNamed(root, 'testsuite')[0] as XmlElement, 'testcase');
    assert.deepEqual(cases.map((c) => c.attributes.name), ['dev #3', 'dev #4', 'dev', 'dev #5', 'dev #2']);
  });

  test('a client id keeps its name from a refused login named by its address', () => {
    const refused = (client: string | null, address: string, line: number): Finding => ({
      code: 'auth-failure', severity: 'error', client, time: 1_700_000_000_000 + line * 1000, at: [{ file: 'broker.log', line }], address,
    });
    const report = syntheticReport([refused(null, '10.0.0.8', 3), refused('10.0.0.8', '10.0.0.9', 7), refused(null, '10.0.0.8', 9)], [{ code: 'auth-failure', max: 0 }]);
    const cases = childrenNamed(childrenNamed(parseXml(renderJunit(report, plainContext)), 'testsuite')[0] as XmlElement, 'testcase');
    assert.deepEqual(cases.map((c) => [c.attributes.name, c.attributes.line]), [['10.0.0.8 #2', '3'], ['10.0.0.8', '7'], ['10.0.0.8 #3', '9']]);
  });

  test("a connection dropped before it gave an id is named by its address, and a name made for it is no other suite's client id", () => {
    const dropped = (address: string | null, line: number): Finding => ({
      code: 'protocol-error', severity: 'error', client: null, time: 1_700_000_000_000 + line * 1000, at: [{ file: 'broker.log', line }], address,
    });
    const report = syntheticReport([dropped('10.0.0.8:5000', 3), dropped(null, 5), dropped(null, 6), keepaliveTimeout('unknown client #2', 9)], [{ code: 'protocol-error', max: 0 }, { code: 'keepalive-timeout', max: 0 }]);
    const suites = childrenNamed(parseXml(renderJunit(report, plainContext)), 'testsuite');
    const names = suites.map((suite) => childrenNamed(suite, 'testcase').map((c) => c.attributes.name));
    assert.deepEqual(names, [['10.0.0.8:5000', 'unknown client', 'unknown client #3'], ['unknown client #2']]);
  });

  test('findings counted but not kept become one more testcase, so tests still match', () => {
    const report = syntheticReport([stalledFlow('a', 1, 10), stalledFlow('b', 2, 20)], [{ code: 'flow-incomplete', max: 0 }], { 'flow-incomplete': 10 });
    const root = parseXml(renderJunit(report, plainContext));
    assertConsistent(root);
    assert.equal(int(root, 'tests'), 3);
    assert.equal(int(root, 'failures'), 3);
    const suite = childrenNamed(root, 'testsuite')[0] as XmlElement;
    assert.equal(childrenNamed(suite, 'properties')[0]?.children.find((p) => p.attributes.name === 'found')?.attributes.value, '10');
  });
});
