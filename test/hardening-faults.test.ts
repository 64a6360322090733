/**
 * Hardening: faults end with one clear line on stderr and the documented exit code, never a
 * stack trace (unless `--debug`). Missing, unreadable and corrupt inputs, directories; named
 * pipes, which are read like any file; files that shrink or vanish while read; a stdout or
 * stderr whose reader goes away (`| head -1`); SIGINT and SIGTERM in the middle of a batch
 * command (a line on stderr, then the process ends by the signal: 130 or 143 in a shell) and of
 * `follow` (its summary, exit 0, at once, even with its input still open).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, createWriteStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { repoPath } from './support/fixtures.js';
import { rawLines, startFollow, stopFollows } from './support/follow.js';
import { type Child, runIntoHead, spawnMosqlog } from './support/mosqlog-cli.js';
import { countLines } from './support/records.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();
afterEach(stopFollows);

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-hardening-faults-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const sample = readFileSync(repoPath('fixtures/sample.log'));
const sampleLines = countLines(sample);
/** About 27 MB: long enough to read that a signal or a truncation lands in the middle. */
const big = join(temp, 'big.log');
writeFileSync(big, Buffer.concat(Array.from({ length: 4000 }, () => sample)));
const bigLines = sampleLines * 4000;
/** About 2.7 MB: listings of it fill a pipe many times over. */
const medium = join(temp, 'medium.log');
writeFileSync(medium, Buffer.concat(Array.from({ length: 400 }, () => sample)));

const noStack = /^\s+at /m;

/** Exactly one line on stderr, starting `mosqlog: `, and no stack trace. */
function assertOneLine(stderr: string, pattern: RegExp, label: string): void {
  assert.match(stderr, /^mosqlog: [^\n]*\n$/, `${label}: one line on stderr: ${JSON.stringify(stderr)}`);
  assert.match(stderr, pattern, label);
  assert.doesNotMatch(stderr, noStack, label);
}

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  if (made.error || made.status !== 0) throw new Error(`mkfifo failed: ${made.error?.message ?? made.stderr.toString()}`);
}

/** Writes `chunks` into a named pipe, each by its own writer (opening blocks until a reader comes). */
async function feedPipe(path: string, ...chunks: Buffer[]): Promise<void> {
  for (const chunk of chunks) {
    await new Promise<void>((resolve, reject) => createWriteStream(path).on('error', reject).end(chunk, resolve));
  }
}

/** Where a process is reading `path`, from /proc; null when it has no such file open (or no /proc). */
async function readOffset(pid: number, path: string): Promise<number | null> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  for (const fd of fds) {
    if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) !== path) continue;
    const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
    return Number(/^pos:\s+(\d+)/m.exec(info)?.[1] ?? 0);
  }
  return null;
}

/** Resolves once `child` has read some of `path` (after 300 ms where there is no /proc to tell). */
async function whenReading(child: Child, path: string): Promise<void> {
  if (!existsSync('/proc/self/fdinfo')) {
    await new Promise((r) => setTimeout(r, 300));
    return;
  }
  let exited = false;
  void child.exit.then(() => {
    exited = true;
  });
  for (const deadline = Date.now() + 10_000; !exited && Date.now() < deadline; await new Promise((r) => setTimeout(r, 5))) {
    if (((await readOffset(child.pid, path)) ?? 0) > 0) return;
  }
}

describe('inputs that cannot be read: one line on stderr, exit 2, no stack trace', () => {
  const gz = gzipSync(sample);
  const cases: Array<[string, string, RegExp]> = [
    ['a missing file', join(temp, 'missing.log'), /missing\.log: no such file$/m],
    ['a directory', temp, /: is a directory$/m],
    ['garbage after a gzip header', join(temp, 'garbage.log.gz'), /garbage\.log\.gz: corrupt gzip data$/m],
    ['a gzip file cut short', join(temp, 'cut.log.gz'), /cut\.log\.gz: gzip data cut short \(the file ends inside it\)$/m],
    ['a gzip file with trailing garbage', join(temp, 'trailing.log.gz'), /trailing\.log\.gz: corrupt gzip data$/m],
  ];
  writeFileSync(join(temp, 'garbage.log.gz'), Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not deflate at all')]));
  writeFileSync(join(temp, 'cut.log.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  writeFileSync(join(temp, 'trailing.log.gz'), Buffer.concat([gz, Buffer.from('garbage\n')]));
  const commands = [['summary'], ['sessions'], ['flows'], ['problems'], ['timeline'], ['parse'], ['report', '--format', 'junit']];

  for (const [what, path, message] of cases) {
    test(what, async () => {
      for (const command of commands) {
        for (const debug of [[], ['--debug']]) {
          const result = await runCli([...debug, ...command, path]);
          const label = `${what}: ${[...debug, ...command].join(' ')}`;
          assert.equal(result.code, 2, `${label}: ${result.stderr}`);
          assertOneLine(result.stderr, message, label);
        }
      }
    });
  }

  test('stdin that is a directory (`< dir`)', () => {
    const directory = openSync(temp, 'r');
    try {
      for (const command of [['summary'], ['parse', '-'], ['follow', '-']]) {
        const result = spawnSync(process.execPath, ['bin/mosqlog.js', ...command], { cwd: repoPath('.'), stdio: [directory, 'pipe', 'pipe'], encoding: 'utf8', timeout: 10_000 });
        assert.equal(result.status, 2, `${command.join(' ')}: ${result.stderr}`);
        assertOneLine(result.stderr, /^mosqlog: stdin: is a directory$/m, command.join(' '));
      }
    } finally {
      closeSync(directory);
    }
  });

  test('a gzip file named .gz that is plain text is read as text', async () => {
    const path = join(temp, 'plain.log.gz');
    writeFileSync(path, sample);
    const summary = JSON.parse((await runCli(['summary', '--format', 'json', path])).stdout) as { lines: number };
    assert.equal(summary.lines, sampleLines);
  });

  test('permission denied (as root, run as nobody; root reads every file)', async (t) => {
    const path = join(temp, 'denied.log');
    writeFileSync(path, sample);
    chmodSync(path, 0o000);
    if (process.getuid?.() !== 0) {
      const result = await runCli(['summary', path]);
      assert.equal(result.code, 2);
      assertOneLine(result.stderr, /denied\.log: permission denied$/m, 'permission denied');
      return;
    }
    chmodSync(temp, 0o755);
    const child = spawnMosqlog(['summary', path], { uid: 65534, gid: 65534 });
    let exit: { code: number | null };
    try {
      exit = await child.exit;
    } catch (error) {
      process.stderr.write(`mosqlog: cannot run as nobody (${String(error)}): permission test skipped\n`);
      t.skip(`cannot run as nobody: ${String(error)}`);
      return;
    }
    if (exit.code !== 2 && /Cannot find module|EACCES.*mosqlog\.js/.test(child.stderr())) {
      process.stderr.write(`mosqlog: nobody cannot read the repository: permission test skipped\n`);
      t.skip('nobody cannot read the repository');
      return;
    }
    assert.equal(exit.code, 2, child.stderr());
    assertOneLine(child.stderr(), /denied\.log: permission denied$/m, 'permission denied');
  });
});

test('follow: a log that appears unreadable is waited for until it can be read (as root, run as nobody)', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mosqlog-follow-unreadable-'));
  chmodSync(dir, 0o755);
  const path = join(dir, 'broker.log');
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const child = spawnMosqlog(['follow', '--format', 'ndjson', '--all', path], asNobody);
  const until = async (what: string, ok: () => boolean): Promise<void> => {
    for (const deadline = Date.now() + 10_000; !ok(); await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > deadline) throw new Error(`${what} did not come; stderr: ${child.stderr()}`);
    }
  };
  try {
    try {
      await until('the wait', () => /waiting for it to appear/.test(child.stderr()));
    } catch (error) {
      if (/Cannot find module|EACCES.*mosqlog\.js/.test(child.stderr())) {
        t.skip('nobody cannot read the repository');
        return;
      }
      throw error;
    }
    writeFileSync(path, '1795700000: mosquitto version 2.0.11 starting\n', { mode: 0o000 });
    chmodSync(path, 0o000);
    await until('the notice', () => /broker\.log cannot be read \((EACCES|EPERM)\); still trying/.test(child.stderr()));
    chmodSync(path, 0o644);
    await until('the first record', () => child.stdout().includes('"starting"'));
    assert.match(child.stderr(), /broker\.log appeared; following it from its start/);
    // Deleted, then made again unreadable: when it can be read, it appeared (it was not rotated in).
    unlinkSync(path);
    await until('the deletion', () => /broker\.log is gone/.test(child.stderr()));
    writeFileSync(path, '1795700001: mosquitto version 2.0.11 running\n', { mode: 0o000 });
    chmodSync(path, 0o000);
    await until('the second notice', () => child.stderr().split('cannot be read').length === 3);
    chmodSync(path, 0o644);
    await until('the record of the new file', () => child.stdout().includes('"running"'));
    child.kill('SIGINT');
    assert.equal((await child.exit).code, 0, child.stderr());
    assert.equal(child.stderr().split('appeared; following it from its start').length, 3, child.stderr());
    assert.doesNotMatch(child.stderr(), /was rotated/);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('named pipes are read like files', () => {
  test('summary of a FIFO, alone and between files (it is not read twice to order the files)', { timeout: 30_000 }, async () => {
    const fifo = join(temp, 'broker.fifo');
    mkfifo(fifo);
    for (const files of [[fifo], [fifo, repoPath('fixtures/sample.log')], [repoPath('fixtures/clean-qos.log'), fifo]]) {
      // A child, not in-process: a pipe opened again after its writer left blocks for good.
      const child = spawnMosqlog(['summary', '--format', 'json', ...files]);
      const watchdog = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const fed = feedPipe(fifo, sample).catch(() => undefined);
      const exit = await child.exit;
      clearTimeout(watchdog);
      await fed;
      assert.equal(exit.code, 0, `${files.join(' ')}: ${exit.signal === 'SIGKILL' ? 'still reading after 10 s' : child.stderr()}`);
      const expected = files.reduce((n, f) => n + (f === fifo ? sampleLines : countLines(readFileSync(f))), 0);
      assert.equal((JSON.parse(child.stdout()) as { lines: number }).lines, expected, files.join(' '));
    }
  });

  test('a FIFO named twice is read once, with a warning: not waited on for a second writer', { timeout: 30_000 }, async () => {
    const fifo = join(temp, 'twice.fifo');
    mkfifo(fifo);
    const child = spawnMosqlog(['summary', '--format', 'json', fifo, `${temp}/./twice.fifo`]);
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const fed = feedPipe(fifo, sample).catch(() => undefined);
    const exit = await child.exit;
    clearTimeout(watchdog);
    await fed;
    assert.equal(exit.code, 0, exit.signal === 'SIGKILL' ? 'still reading after 10 s' : child.stderr());
    assert.equal((JSON.parse(child.stdout()) as { lines: number }).lines, sampleLines);
    assert.match(child.stderr(), /warning: .*twice\.fifo is the same file as .*twice\.fifo; it is read once/);
  });

  test('follow reads a FIFO as it comes, across writers, until stopped', { timeout: 20_000 }, async () => {
    const fifo = join(temp, 'follow.fifo');
    mkfifo(fifo);
    const run = startFollow([fifo, '--all', '--format', 'ndjson']);
    const firstTwenty = Buffer.from(`${sample.toString('utf8').split('\n').slice(0, 20).join('\n')}\n`);
    await feedPipe(fifo, sample, firstTwenty);
    await run.until(() => rawLines(run).length === sampleLines + 20, 'every line of both writers', 10_000);
    assert.equal(await run.stop(), 0);
    assert.match(run.stderr(), new RegExp(`lines +${sampleLines + 20}\\b`));
  });
});

test('more rotated files than may be open at once are read as one log', { skip: process.platform === 'win32' && 'ulimit is a shell builtin of POSIX systems' }, () => {
  // 300 files of about 100 kB (more than the first read of each), `m.log` the newest, under a
  // limit of 64 open files.
  const dir = mkdtempSync(join(temp, 'rotated-'));
  const part = Buffer.concat(Array.from({ length: 15 }, () => sample));
  for (let i = 0; i < 300; i++) writeFileSync(join(dir, i === 0 ? 'm.log' : `m.log.${i}`), part);
  const run = spawnSync('bash', ['-c', `ulimit -n 64 && exec node bin/mosqlog.js summary --format json "${dir}"/m.log*`], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { lines: number }).lines, sampleLines * 15 * 300);
});

describe('files that change while they are read', () => {
  test('a file that shrinks mid-read: what was read is counted, exit 0, nothing on stderr', { timeout: 30_000 }, async () => {
    const path = join(temp, 'shrinking.log');
    writeFileSync(path, readFileSync(big));
    const child = spawnMosqlog(['summary', '--format', 'json', path]);
    await whenReading(child, path);
    truncateSync(path, Math.floor(sample.length * 1000.5));
    const { code } = await child.exit;
    assert.equal(code, 0, child.stderr());
    assert.equal(child.stderr(), '');
    const lines = (JSON.parse(child.stdout()) as { lines: number }).lines;
    assert.ok(lines >= sampleLines * 1000 && lines <= bigLines, `${lines} lines`);
  });

  test('a file deleted mid-read is read to its end', { timeout: 30_000 }, async () => {
    const path = join(temp, 'vanishing.log');
    writeFileSync(path, readFileSync(big));
    const child = spawnMosqlog(['summary', '--format', 'json', path]);
    await whenReading(child, path);
    unlinkSync(path);
    const { code } = await child.exit;
    assert.equal(code, 0, child.stderr());
    assert.equal((JSON.parse(child.stdout()) as { lines: number }).lines, bigLines);
  });
});

describe('the reader goes away', () => {
  for (const args of [['summary'], ['sessions'], ['problems'], ['report', '--fail-on', 'none'], ['follow', '--from-start', '--all']]) {
    test(`mosqlog ${args.join(' ')} LOG | head -1: exit 0, nothing on stderr`, { timeout: 30_000 }, async () => {
      const run = await runIntoHead([...args, medium]);
      assert.equal(run.stderr, '');
      assert.equal(run.code, 0);
      assert.equal(run.stdout.split('\n').filter(Boolean).length, 1);
    });
  }

  test('stderr into a closed pipe too (2>&1 | true): the documented exit code, not a crash', async () => {
    assert.equal((await runIntoHead(['summary', join(temp, 'missing.log')], { stderrToo: true, into: 'true' })).code, 2);
    assert.equal((await runIntoHead(['report', '--fail-on', 'all', repoPath('fixtures/sample.log')], { stderrToo: true, into: 'true' })).code, 1);
  });

  test('stdout on a full disk (/dev/full): one line, exit 2; --debug adds the stack trace', async (t) => {
    let fd: number;
    try {
      fd = openSync('/dev/full', 'w');
    } catch {
      t.skip('no /dev/full');
      return;
    }
    try {
      const plain = spawnMosqlog(['summary', repoPath('fixtures/sample.log')], { stdout: fd });
      assert.equal((await plain.exit).code, 2);
      assertOneLine(plain.stderr(), /^mosqlog: cannot write output: ENOSPC/, '/dev/full');
      const debug = spawnMosqlog(['--debug', 'summary', repoPath('fixtures/sample.log')], { stdout: fd });
      assert.equal((await debug.exit).code, 2);
      assert.match(debug.stderr(), noStack, '--debug shows where');
    } finally {
      closeSync(fd);
    }
  });
});

describe('SIGINT, SIGTERM and SIGHUP mid-run', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    for (const command of [['summary'], ['parse'], ['report', '--format', 'junit']]) {
      test(`${command[0]}: "interrupted by ${signal}" on stderr, then ended by the signal (no stack trace)`, { timeout: 30_000 }, async () => {
        const child = spawnMosqlog([...command, big]);
        await whenReading(child, big);
        child.kill(signal);
        const exit = await child.exit;
        assert.equal(exit.signal, signal, `ended by ${signal} (a shell shows ${{ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal]}), not ${exit.code}`);
        assert.equal(child.stderr(), `mosqlog: interrupted by ${signal}\n`);
      });
    }

    test(`follow - with its input still open: the partial summary, exit 0, at once (${signal})`, { timeout: 30_000 }, async () => {
      const child = spawnMosqlog(['follow', '-']);
      child.stdin.write(sample);
      const deadline = Date.now() + 10_000;
      while (!child.stdout().includes('connected from') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      child.kill(signal);
      const prompt = await Promise.race([child.exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
      child.stdin.end();
      const exit = await child.exit;
      assert.ok(prompt, 'the pipe still open does not keep it alive');
      assert.equal(exit.code, 0, child.stderr());
      assert.match(child.stderr(), /^mosqlog follow -: stopped after/);
      assert.match(child.stderr(), new RegExp(`lines +${sampleLines}\\b`));
      assert.doesNotMatch(child.stderr(), noStack);
    });
  }
});
