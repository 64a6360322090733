/**
 * A reader that goes away (`mosqlog … | head`) ends the run quietly: exit 0, nothing on stderr.
 * Checked in-process with a stdout that fails with EPIPE, and with a real pipe into `head`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { OutputSink } from '../src/cli/io.js';
import { repoPath } from './support/fixtures.js';
import { runIntoHead, spawnMosqlog } from './support/mosqlog-cli.js';
import { ClosingPipe, fixedNow, runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-pipe-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** sample.log again and again: about 4 MB, far more than a pipe buffers. */
const big = join(temp, 'big.log');
const sampleText = readFileSync(repoPath('fixtures/sample.log'), 'utf8');
writeFileSync(big, sampleText.repeat(400));

describe('stdout closed early, in-process', () => {
  for (const accepted of [0, 1, 3]) {
    test(`parse: the reader leaves after ${accepted} write(s)`, async () => {
      const pipe = new ClosingPipe(accepted);
      const result = await runCli(['parse', big], { stdout: pipe });
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
      if (accepted > 0) assert.ok(result.stdout.startsWith('{"file":'), 'what was accepted is JSON lines');
    });
  }

  for (const command of ['summary', 'sessions', 'flows', 'problems', 'timeline']) {
    test(`${command}: the reader is gone before the first write`, async () => {
      const result = await runCli([command, '--no-color', 'fixtures/sample.log'], { stdout: new ClosingPipe(0) });
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
    });
  }

  test('parse from stdin: the reader leaves after the first write', async () => {
    const result = await runCli(['parse', '-'], { stdin: sampleText.repeat(50), stdout: new ClosingPipe(1) });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
  });
});

describe('stdout closed early, a real pipe into head', () => {
  test('mosqlog parse BIG | head -1: one line, exit 0, no error text', async () => {
    const run = await runIntoHead(['parse', big]);
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    const lines = run.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0] ?? '') as { line: number }).line, 1);
  });

  for (const command of ['timeline', 'flows']) {
    test(`mosqlog ${command} BIG | head -1: exit 0, no error text`, async () => {
      const run = await runIntoHead([command, big]);
      assert.equal(run.stderr, '');
      assert.equal(run.code, 0);
      assert.equal(run.stdout.split('\n').filter(Boolean).length, 1);
    });
  }
});

describe('a slow reader', () => {
  test('writes that wait for it at once share one wait: no listeners pile up on the stream', async () => {
    const slow = new Writable({ highWaterMark: 1, write: (_chunk, _encoding, callback) => setTimeout(callback, 5) });
    const sink = new OutputSink(slow);
    const writes = Array.from({ length: 20 }, (_, i) => sink.write(`line ${i}\n`));
    assert.ok(slow.listenerCount('drain') <= 1, `${slow.listenerCount('drain')} drain listeners`);
    await Promise.all(writes);
    assert.equal(slow.listenerCount('drain'), 0);
  });
});

describe('a full disk under stdout', { skip: process.platform === 'linux' ? false : '/dev/full is Linux' }, () => {
  for (const args of [['--help'], ['sessions', '--help'], ['help', 'sessions'], ['--version']]) {
    test(`${args.join(' ')} says it could not write, exit 2`, async () => {
      const full = openSync('/dev/full', 'w');
      const child = spawnMosqlog(args, { stdout: full });
      closeSync(full);
      assert.deepEqual(await child.exit, { code: 2, signal: null });
      assert.match(child.stderr(), /^mosqlog: cannot write output: ENOSPC/);
    });
  }
});

describe('progress on a terminal', () => {
  // Lines enough for a redraw, then one long line that takes the file past the size worth a meter.
  const sized = (name: string, mib: number): string => {
    const file = join(temp, name);
    writeFileSync(file, `${sampleText.repeat(50)}${'x'.repeat(mib << 20)}\n`);
    return file;
  };

  test('parse and summary show it on stderr and erase it', async () => {
    const file = sized('progress.log', 51);
    for (const args of [['parse', '--jobs', '0', file], ['parse', '--jobs', '2', sized('progress-big.log', 65)], ['summary', file]]) {
      const result = await runCli(args, { stderrIsTTY: true, stdout: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /^\rmosqlog: reading… \d+% \([\d,]+ lines\)/, args.join(' '));
      assert.ok(result.stderr.endsWith('\r\x1b[2K'), args.join(' '));
    }
  });

  test('stdin, whose size is not known, shows lines and bytes read once it has been read for 2 s; typed at a terminal, none', async () => {
    // A clock that moves a second each time it is read.
    const clock = (): (() => Date) => {
      let ms = fixedNow.getTime();
      return () => new Date((ms += 1000));
    };
    for (const command of ['parse', 'summary']) {
      const result = await runCli([command, '-'], { stdin: sampleText.repeat(200), stderrIsTTY: true, clock: clock(), stdout: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /^\rmosqlog: reading… [\d,]+ lines, \d+ MiB/, command);
      assert.ok(result.stderr.endsWith('\r\x1b[2K'), command);
      // The same input read in less than 2 s shows nothing.
      const quick = await runCli([command, '-'], { stdin: sampleText.repeat(200), stderrIsTTY: true, stdout: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
      assert.equal(quick.stderr, '', command);
    }
    const typed = await runCli(['summary', '-'], { stdin: sampleText.repeat(200), stdinIsTTY: true, stderrIsTTY: true, clock: clock() });
    assert.doesNotMatch(typed.stderr, /reading… [\d,]+ lines/);
    // A named pipe read while stdin is the terminal (`mosqlog <(zcat log.gz)`) shows it.
    const fifo = join(temp, 'progress.fifo');
    execFileSync('mkfifo', [fifo]);
    const feeding = new Promise<void>((resolve, reject) => createWriteStream(fifo).on('error', reject).end(sampleText.repeat(200), resolve));
    const piped = await runCli(['summary', fifo], { stdinIsTTY: true, stderrIsTTY: true, clock: clock(), stdout: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
    await feeding;
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stderr, /^\rmosqlog: reading… [\d,]+ lines, \d+ MiB/);
  });
});
