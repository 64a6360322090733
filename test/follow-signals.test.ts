import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnMosqlog } from './support/mosqlog-cli.js';

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} ends a follow with a summary on stderr and exit code 0`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mosqlog-signal-'));
    const path = join(dir, 'broker.log');
    await writeFile(path, '');
    const child = spawnMosqlog(['follow', path]);
    try {
      // Lines before the follower opens the file are history, not shown: append until one shows.
      for (let i = 0; !child.stdout().includes('connected from'); i++) {
        if (i > 200) throw new Error(`the follower printed nothing: ${child.stderr()}`);
        await appendFile(path, `1700000000: New client connected from 127.0.0.1:${5000 + i} as c${i} (p2, c1, k60).\n`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill(signal);
      const { code } = await child.exit;
      assert.equal(code, 0);
      assert.match(child.stderr(), /^mosqlog follow .*: stopped after/);
      assert.match(child.stderr(), /sessions {2}[1-9]\d* started/);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('SIGINT keeps its default effect for a command that does not listen for it', async () => {
  const child = spawnMosqlog(['parse', '-']);
  try {
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const { signal } = await child.exit;
    assert.equal(signal, 'SIGINT');
  } finally {
    child.kill('SIGKILL');
  }
});

/** Whether a non-blocking reader of a FIFO has something to read; reads a little of it. */
function someOutput(fd: number): boolean {
  try {
    return readSync(fd, Buffer.alloc(1024)) > 0;
  } catch {
    return false;
  }
}

test('a follow stopped while its reader holds up stdout ends at once, with its summary', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mosqlog-signal-'));
  const path = join(dir, 'broker.log');
  const lines = Array.from({ length: 20_000 }, (_, i) => `1700000000: New client connected from 127.0.0.1:${1000 + (i % 60000)} as c${i} (p2, c1, k60).`);
  await writeFile(path, `${lines.join('\n')}\n`);
  // stdout is a FIFO whose reader never reads: once its buffer is full, every write waits.
  const fifo = join(dir, 'out');
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  const child = spawnMosqlog(['follow', '--from-start', '--format', 'ndjson', path], { stdout: writer });
  closeSync(writer);
  try {
    // Its first output shows the follow running (a loaded machine may take seconds to start it);
    // the reader then stops reading, and the pipe fills again.
    const deadline = Date.now() + 20_000;
    while (!someOutput(reader) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const ended = await Promise.race([child.exit, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    assert.deepEqual(ended, { code: 0, signal: null });
    assert.match(child.stderr(), /^mosqlog follow .*: stopped after/);
  } finally {
    child.kill('SIGKILL');
    closeSync(reader);
    await rm(dir, { recursive: true, force: true });
  }
});

test('a full disk under stdout is said to be the output, not the followed file', { skip: process.platform === 'linux' ? false : '/dev/full is Linux' }, async () => {
  const full = openSync('/dev/full', 'w');
  const child = spawnMosqlog(['follow', '--from-start', 'fixtures/sample.log'], { stdout: full });
  closeSync(full);
  try {
    const ended = await Promise.race([child.exit, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    assert.deepEqual(ended, { code: 2, signal: null });
    assert.match(child.stderr(), /^mosqlog: cannot write output: ENOSPC/m);
    assert.doesNotMatch(child.stderr(), /sample\.log: ENOSPC/);
  } finally {
    child.kill('SIGKILL');
  }
});

test('a line written during a follow that --since leaves out is said once on stderr: its times are read in another zone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mosqlog-window-'));
  const path = join(dir, 'broker.log');
  await writeFile(path, '');
  const child = spawnMosqlog(['follow', '--since', '10m', path]);
  // A broker five hours behind UTC that writes local times without an offset: read as UTC, they are five hours old.
  const stamp = (): string => new Date(Date.now() - 5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  try {
    for (let i = 0; !child.stderr().includes('outside --since/--until'); i++) {
      if (i > 200) throw new Error(`no warning: ${child.stderr()}`);
      await appendFile(path, `${stamp()}: New client connected from 127.0.0.1:${5000 + i} as c${i} (p2, c1, k60).\n`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await appendFile(path, `${stamp()}: New client connected from 127.0.0.1:4999 as late (p2, c1, k60).\n`);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    assert.equal((await child.exit).code, 0);
    assert.match(child.stderr(), /^mosqlog: warning: .*broker\.log:\d+, written since the follow began, is read as \S+, outside --since\/--until: are its times read in the zone they were written in \(--tz\)\?/m);
    assert.equal(child.stderr().split('outside --since/--until').length, 2, 'said once');
    assert.equal(child.stdout(), '');
  } finally {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
