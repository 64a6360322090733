import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnMosqlog } from './support/mosqlog-cli.js';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
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
