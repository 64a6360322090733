/**
 * `mosqlog report` exit codes, run in-process through `main(argv, io)`: 0 when every rule
 * passed, 1 when one failed, 2 for usage errors and unreadable input (which win over 1).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, linkSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultFailOn } from '../src/correlate/gate.js';
import { findingCodes } from '../src/correlate/index.js';
import { ClosingPipe, runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

const stalled = 'fixtures/stalled-qos2.log';
const clean = 'fixtures/clean-qos.log';
const scratch = mkdtempSync(join(tmpdir(), 'mosqlog-report-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface GateJson {
  gate: { passed: boolean; enforced: boolean; rules: Array<{ code: string; max: number; count: number; passed: boolean }> };
}

async function gateOf(argv: string[]): Promise<{ code: number; stderr: string; gate: GateJson['gate'] }> {
  const result = await runCli(['report', '--format', 'json', ...argv]);
  return { code: result.code, stderr: result.stderr, gate: (JSON.parse(result.stdout) as GateJson).gate };
}

describe('the done criterion', () => {
  test('a stalled QoS 2 handshake makes the build red, with the stalled flows in the JUnit file', async () => {
    const file = join(scratch, 'red', 'mqtt.xml');
    const result = await runCli(['report', stalled, '--format', 'junit', '--output-file', file, '--fail-on', 'flow-incomplete']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /flow-incomplete/);
    const xml = readFileSync(file, 'utf8');
    for (const name of ['sub-qos2-stall mid 1 (out)', 'sub-qos1-stall mid 1 (out)', 'pub-qos2-stall mid 1 (in)']) {
      assert.ok(xml.includes(`name="${name}"`), name);
    }
  });

  test('a log where every handshake completed keeps it green', async () => {
    const file = join(scratch, 'green.xml');
    const result = await runCli(['report', clean, '--format', 'junit', '--output-file', file, '--fail-on', 'flow-incomplete']);
    assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
    assert.ok(readFileSync(file, 'utf8').includes('<testsuite name="flow-incomplete"'));
  });
});

describe('thresholds', () => {
  test('>2 passes with 2 findings and fails with 3', async () => {
    const two = await gateOf([stalled, '--client', 'sub-*', '--fail-on', 'flow-incomplete>2']);
    assert.equal(two.code, 0);
    assert.equal(two.stderr, '');
    assert.deepEqual(two.gate.rules, [{ code: 'flow-incomplete', max: 2, count: 2, passed: true, checked: true }]);

    const three = await gateOf([stalled, '--fail-on', 'flow-incomplete>2']);
    assert.equal(three.code, 1);
    assert.deepEqual(three.gate.rules, [{ code: 'flow-incomplete', max: 2, count: 3, passed: false, checked: true }]);
  });

  test('the edge on another fixture: three denied PUBLISH packets against >2 and >3', async () => {
    assert.equal((await gateOf(['fixtures/acl-denial.log', '--fail-on', 'publish-denied>2'])).code, 1);
    assert.equal((await gateOf(['fixtures/acl-denial.log', '--fail-on', 'publish-denied>3'])).code, 0);
  });
});

describe('switches', () => {
  test('--exit-zero reports the failed gate and exits 0', async () => {
    const result = await gateOf([stalled, '--fail-on', 'flow-incomplete', '--exit-zero']);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, 'mosqlog: --fail-on failed: flow-incomplete 3 > 0 (--exit-zero: exit code 0)\n');
    assert.equal(result.gate.passed, false);
    assert.equal(result.gate.enforced, false);
  });

  test('--fail-on none never fails', async () => {
    const result = await gateOf([stalled, '--fail-on', 'none']);
    assert.equal(result.code, 0);
    assert.deepEqual(result.gate, { passed: true, enforced: true, rules: [] });
  });

  test('--fail-on repeats: the rules of every occurrence count, a later one for a code wins', async () => {
    const both = await gateOf(['fixtures/sample.log', '--fail-on', 'flow-incomplete', '--fail-on', 'protocol-error']);
    assert.equal(both.code, 1);
    assert.deepEqual(both.gate.rules.map((r) => [r.code, r.passed]), [['flow-incomplete', false], ['protocol-error', true]]);
    const replaced = await gateOf([stalled, '--fail-on', 'flow-incomplete', '--fail-on', 'flow-incomplete>5']);
    assert.equal(replaced.code, 0);
    assert.deepEqual(replaced.gate.rules, [{ code: 'flow-incomplete', max: 5, count: 3, passed: true, checked: true }]);
    const none = await runCli(['report', stalled, '--fail-on', 'none', '--fail-on', 'flow-incomplete']);
    assert.equal(none.code, 2);
  });

  test('without --fail-on the default rules apply', async () => {
    const red = await gateOf([stalled]);
    assert.equal(red.code, 1);
    assert.deepEqual(red.gate.rules.map((r) => r.code), [...defaultFailOn]);
    // A takeover alone is not in the default set.
    assert.equal((await gateOf(['fixtures/takeover.log'])).code, 0);
  });
});

describe('usage errors and unreadable input exit 2', () => {
  test('an unknown code lists the valid ones', async () => {
    const result = await runCli(['report', stalled, '--fail-on', 'flow-incomplete,stalled-flow']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /stalled-flow/);
    for (const code of findingCodes) assert.ok(result.stderr.includes(code), code);
    assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
  });

  test('a malformed threshold', async () => {
    const result = await runCli(['report', stalled, '--fail-on', 'flow-incomplete>=2']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
  });

  test('an unknown format', async () => {
    const result = await runCli(['report', stalled, '--format', 'xml']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
  });

  test('a missing file wins over a failing gate', async () => {
    const result = await runCli(['report', stalled, join(scratch, 'missing.log'), '--fail-on', 'flow-incomplete']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /missing\.log/);
  });

  test('a directory as input', async () => {
    const result = await runCli(['report', scratch]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
  });

  test('an output file that cannot be written wins over a failing gate', async () => {
    const blocker = join(scratch, 'not-a-dir');
    writeFileSync(blocker, '');
    const result = await runCli(['report', stalled, '--format', 'junit', '--fail-on', 'flow-incomplete', '--output-file', join(blocker, 'mqtt.xml')]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /not-a-dir/);
  });

  test('an output file that is one of the input logs is refused before anything is written', async () => {
    const log = join(scratch, 'own.log');
    copyFileSync(stalled, log);
    const original = readFileSync(log, 'utf8');
    symlinkSync(log, join(scratch, 'own-symlink.log'));
    linkSync(log, join(scratch, 'own-hardlink.log'));
    for (const output of [log, join(scratch, '.', 'own.log'), join(scratch, 'own-symlink.log'), join(scratch, 'own-hardlink.log')]) {
      for (const format of ['markdown', 'github']) {
        const result = await runCli(['report', clean, log, '--format', format, '--fail-on', 'flow-incomplete', '--output-file', output]);
        assert.equal(result.code, 2, output);
        assert.equal(result.stdout, '');
        assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
        assert.match(result.stderr, /--output-file/);
        assert.equal(readFileSync(log, 'utf8'), original, output);
      }
    }
  });

  test('an output file that stdin is redirected from is refused too', () => {
    const log = join(scratch, 'stdin-own.log');
    copyFileSync(stalled, log);
    const original = readFileSync(log, 'utf8');
    const input = openSync(log, 'r');
    try {
      const result = spawnSync(process.execPath, ['bin/mosqlog.js', 'report', '--fail-on', 'none', '--output-file', log], { stdio: [input, 'pipe', 'pipe'], encoding: 'utf8' });
      assert.equal(result.status, 2);
      assert.equal(result.stderr, `mosqlog: --output-file: ${log} is the input stdin reads; the report would replace the log\n`);
    } finally {
      closeSync(input);
    }
    assert.equal(readFileSync(log, 'utf8'), original);
  });

  test('a step summary that cannot be written', async () => {
    const result = await runCli(['report', clean, '--format', 'markdown'], { env: { GITHUB_STEP_SUMMARY: scratch } });
    assert.equal(result.code, 2);
  });
});

describe('where the report goes', () => {
  test('--output-file keeps stdout empty', async () => {
    const file = join(scratch, 'report.json');
    const result = await runCli(['report', stalled, '--format', 'json', '--fail-on', 'none', '--output-file', file]);
    assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { schemaVersion: number }).schemaVersion, 1);
  });

  test('--output-file - is stdout', async () => {
    const result = await runCli(['report', stalled, '--format', 'json', '--fail-on', 'none', '--output-file', '-']);
    assert.equal(result.code, 0);
    assert.equal((JSON.parse(result.stdout) as { schemaVersion: number }).schemaVersion, 1);
  });

  test('github annotations go to stdout even with --output-file, which gets a copy', async () => {
    const file = join(scratch, 'annotations.txt');
    const result = await runCli(['report', stalled, '--format', 'github', '--fail-on', 'flow-incomplete', '--output-file', file]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout.split('\n').filter((l) => l.startsWith('::error ')).length, 3);
    assert.equal(readFileSync(file, 'utf8'), result.stdout);
  });

  test('markdown is appended to $GITHUB_STEP_SUMMARY as well as written to stdout', async () => {
    const summary = join(scratch, 'step-summary.md');
    writeFileSync(summary, 'before\n');
    const env = { GITHUB_STEP_SUMMARY: summary };
    const first = await runCli(['report', stalled, '--format', 'markdown', '--fail-on', 'none'], { env });
    const second = await runCli(['report', clean, '--format', 'markdown', '--fail-on', 'none'], { env });
    assert.equal(first.code, 0);
    assert.equal(readFileSync(summary, 'utf8'), `before\n${first.stdout}${second.stdout}`);
  });

  test('--output-file naming $GITHUB_STEP_SUMMARY appends the summary there once, keeping what was there', async () => {
    const summary = join(scratch, 'step-summary-output.md');
    writeFileSync(summary, 'earlier\n');
    const env = { GITHUB_STEP_SUMMARY: summary };
    const first = await runCli(['report', clean, '--format', 'markdown', '--fail-on', 'none'], { env });
    const again = await runCli(['report', clean, '--format', 'markdown', '--fail-on', 'none', '--output-file', join(scratch, '.', 'step-summary-output.md')], { env });
    assert.deepEqual(again, { code: 0, stdout: '', stderr: '' });
    assert.equal(readFileSync(summary, 'utf8'), `earlier\n${first.stdout}${first.stdout}`);
    // Not there yet: the same path, relative or not, is the same file.
    const fresh = join(scratch, 'fresh-step-summary.md');
    await runCli(['report', clean, '--format', 'markdown', '--fail-on', 'none', '--output-file', fresh], { env: { GITHUB_STEP_SUMMARY: join(scratch, 'x', '..', 'fresh-step-summary.md') } });
    assert.equal(readFileSync(fresh, 'utf8'), first.stdout);
  });

  test('the report starts on a line of its own when $GITHUB_STEP_SUMMARY ends mid-line', async () => {
    const summary = join(scratch, 'mid-line.md');
    writeFileSync(summary, '| a | b |');
    const result = await runCli(['report', clean, '--format', 'markdown', '--fail-on', 'none'], { env: { GITHUB_STEP_SUMMARY: summary } });
    assert.equal(readFileSync(summary, 'utf8'), `| a | b |\n${result.stdout}`);
  });

  test('a named pipe as $GITHUB_STEP_SUMMARY is written to, not read first', { timeout: 10_000 }, async () => {
    const fifo = join(scratch, 'summary.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let received = '';
    reader.stdout.on('data', (chunk: Buffer) => { received += chunk.toString('utf8'); });
    const closed = new Promise((resolve) => reader.on('close', resolve));
    const result = await runCli(['report', clean, '--format', 'markdown', '--fail-on', 'none'], { env: { GITHUB_STEP_SUMMARY: fifo } });
    await closed;
    assert.equal(received, result.stdout);
  });

  test('other formats leave $GITHUB_STEP_SUMMARY alone', async () => {
    const summary = join(scratch, 'untouched.md');
    writeFileSync(summary, '');
    await runCli(['report', stalled, '--format', 'junit', '--fail-on', 'none'], { env: { GITHUB_STEP_SUMMARY: summary } });
    assert.equal(readFileSync(summary, 'utf8'), '');
  });

  test('a closed stdout does not turn a failed gate into a pass', async () => {
    const result = await runCli(['report', stalled, '--format', 'github', '--fail-on', 'flow-incomplete'], { stdout: new ClosingPipe(0) });
    assert.equal(result.code, 1);
  });
});
