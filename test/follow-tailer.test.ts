import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, constants, copyFileSync, openSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { mkdir, mkdtemp, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { lastLinesOffset } from '../src/cli/follow/history-offset.js';
import { ChangeWaiter } from '../src/cli/follow/change-waiter.js';
import { describeNotice } from '../src/cli/follow/notice-text.js';
import { FileTailer, type TailNotice, type TailStart } from '../src/cli/follow/tailer.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mosqlog-tailer-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tails: Tail[] = [];
afterEach(async () => {
  await Promise.all(tails.splice(0).map((t) => t.stop()));
});

let counter = 0;
function freshPath(): string {
  counter++;
  return join(dir, `case-${counter}`, 'broker.log');
}

interface Tail {
  segments: Array<{ restart: boolean; history: boolean; renamed: string | undefined; text: string }>;
  notices: TailNotice[];
  text(): string;
  until(condition: () => boolean, what: string): Promise<void>;
  stop(): Promise<void>;
}

/** Follows `path` with a short poll, collecting every segment's text and every notice. */
function tail(path: string, start: TailStart = 'start', chunkSize?: number): Tail {
  const controller = new AbortController();
  const segments: Tail['segments'] = [];
  const notices: TailNotice[] = [];
  const tailer = new FileTailer(path, { start, signal: controller.signal, pollMs: 40, onNotice: (n) => notices.push(n), ...(chunkSize ? { chunkSize } : {}) });
  const done = (async () => {
    for await (const segment of tailer.segments()) {
      const entry = { restart: segment.restart, history: segment.history, renamed: segment.renamed, text: '' };
      segments.push(entry);
      for await (const chunk of segment.chunks) entry.text += chunk.toString('utf8');
    }
  })();
  const text = (): string => segments.map((s) => s.text).join('');
  const t: Tail = {
    segments,
    notices,
    text,
    async until(condition, what) {
      const deadline = Date.now() + 5000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; read so far: ${JSON.stringify(text())}; notices: ${JSON.stringify(notices)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async stop() {
      controller.abort();
      await done;
    },
  };
  tails.push(t);
  return t;
}

const lines = (prefix: string, n: number): string => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}\n`).join('');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes `initial` to a fresh log, follows it, and waits until all of it has been read. */
async function followWritten(initial: string): Promise<{ path: string; t: Tail }> {
  const path = freshPath();
  await mkdir(join(path, '..'));
  await writeFile(path, initial);
  const t = tail(path);
  await t.until(() => t.text() === initial, 'the first lines');
  return { path, t };
}

test('rename + create: the old file is read to its end under its new name, then the new one from its start', async () => {
  const path = freshPath();
  await mkdir(join(path, '..'));
  const writer = await open(path, 'a');
  await writer.write(lines('old', 3));
  const t = tail(path);
  try {
    await t.until(() => t.text().includes('old-3'), 'the first lines');
    await rename(path, `${path}.1`);
    await t.until(() => t.segments.length === 2, 'the segment under the new name');
    await writer.write('old-4\n');
    await writeFile(path, '');
    // The writer has not reopened yet: the new file stays empty while the old one grows.
    await writer.write('old-5\n');
    await sleep(150);
    await writer.write('old-6\n');
    await writer.close();
    const reopened = await open(path, 'a');
    await reopened.write(lines('new', 2));
    await reopened.close();
    await t.until(() => t.text().includes('new-2'), 'the new file');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('old', 6) + lines('new', 2));
  assert.deepEqual(t.segments.map((s) => [s.restart, s.history, s.renamed, s.text]), [
    [true, false, undefined, lines('old', 3)],
    [false, false, `${path}.1`, 'old-4\nold-5\nold-6\n'],
    [true, false, undefined, lines('new', 2)],
  ]);
  assert.deepEqual(t.notices.map((n) => n.code), ['rotated']);
});

test('rename, then the new file written before the old one was looked at again: the rest of the old one is under its new name', async () => {
  const path = freshPath();
  await mkdir(join(path, '..'));
  const writer = await open(path, 'a');
  await writer.write(lines('old', 2));
  const t = tail(path);
  try {
    await t.until(() => t.text().includes('old-2'), 'the first lines');
    // All in one tick: the follower sees the rename, the last old line and the new file at once.
    renameSync(path, `${path}-20240101`);
    appendFileSync(`${path}-20240101`, 'old-3\n');
    appendFileSync(path, 'new-1\n');
    await t.until(() => t.text().includes('new-1'), 'the new file');
  } finally {
    await writer.close();
    await t.stop();
  }
  // Before the rename is seen, the open file may already have given its last line: it is read
  // once either way, under the name the follower knew it by then.
  const [first, renamed, fresh] = t.segments.map((s) => [s.restart, s.renamed, s.text]);
  assert.equal(t.segments.length, 3);
  assert.deepEqual([first?.[0], first?.[1], renamed?.[0], renamed?.[1]], [true, undefined, false, `${path}-20240101`]);
  assert.equal(`${first?.[2]}${renamed?.[2]}`, lines('old', 3));
  assert.ok(first?.[2] === lines('old', 2) || first?.[2] === lines('old', 3), String(first?.[2]));
  assert.deepEqual(fresh, [true, undefined, 'new-1\n']);
});

test('rotated twice before the old file was read again: the file rotated in between is read whole, under its name', async () => {
  const path = freshPath();
  await mkdir(join(path, '..'));
  const older = `${path}.3`;
  await writeFile(older, 'before-1\n');
  const writer = await open(path, 'a');
  await writer.write(lines('old', 2));
  const t = tail(path);
  try {
    await t.until(() => t.text().includes('old-2'), 'the first lines');
    // All in one tick, as when the follower is held up: two rotations, each with lines of its own.
    // Files that only start with the log's name are no rotation of it, nor is a compressed one.
    writeFileSync(`${path}.state`, 'state\n');
    writeFileSync(`${path}.4.xz`, 'xz\n');
    utimesSync(`${path}.4.xz`, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, 'old-3\n');
    appendFileSync(path, lines('mid', 2));
    renameSync(`${path}.1`, `${path}.2`);
    renameSync(path, `${path}.1`);
    appendFileSync(path, 'new-1\n');
    await t.until(() => t.text().includes('new-1'), 'the new file');
  } finally {
    await writer.close();
    await t.stop();
  }
  assert.equal(t.text(), lines('old', 3) + lines('mid', 2) + 'new-1\n');
  const mid = t.segments.find((s) => s.text === lines('mid', 2));
  assert.deepEqual([mid?.restart, mid?.renamed], [true, `${path}.1`]);
  assert.deepEqual(t.notices.map((n) => n.code), ['rotated', 'rotated-between']);
});

test("rotated twice before the old file was read again, under logrotate's dated names and savelog's: the file in between is read whole", async () => {
  // Each scheme: where the log goes at the first rotation and at the second (then its rotation before moves on).
  const schemes: Array<[string, (path: string) => void, (path: string) => void, (path: string) => string]> = [
    ['dateext -%Y-%m-%d', (path) => renameSync(path, `${path}-2026-11-27`), (path) => renameSync(path, `${path}-2026-11-28`), (path) => `${path}-2026-11-28`],
    ['dateext -%Y%m%d-%s', (path) => renameSync(path, `${path}-20261127-1795823207`), (path) => renameSync(path, `${path}-20261127-1795823307`), (path) => `${path}-20261127-1795823307`],
    ['savelog', (path) => renameSync(path, `${path}.0`), (path) => {
      renameSync(`${path}.0`, `${path}.1`);
      renameSync(path, `${path}.0`);
    }, (path) => `${path}.0`],
  ];
  for (const [scheme, first, second, between] of schemes) {
    const { path, t } = await followWritten(lines('old', 2));
    try {
      first(path);
      appendFileSync(path, lines('mid', 2));
      second(path);
      appendFileSync(path, 'new-1\n');
      await t.until(() => t.text().includes('new-1'), 'the new file');
    } finally {
      await t.stop();
    }
    assert.equal(t.text(), lines('old', 2) + lines('mid', 2) + 'new-1\n', scheme);
    assert.deepEqual(t.segments.find((s) => s.text === lines('mid', 2))?.renamed, between(path), scheme);
    assert.deepEqual(t.notices.map((n) => n.code), ['rotated', 'rotated-between'], scheme);
  }
});

test('moved to another directory (logrotate olddir): the rest of the old file is under the name it has there', { skip: process.platform !== 'linux' && 'the path of an open file is read from /proc' }, async () => {
  const path = freshPath();
  await mkdir(join(path, '..'));
  const olddir = join(path, '..', 'old');
  await mkdir(olddir);
  const writer = await open(path, 'a');
  await writer.write(lines('old', 2));
  const t = tail(path);
  try {
    await t.until(() => t.text().includes('old-2'), 'the first lines');
    await rename(path, join(olddir, 'broker.log.1'));
    await writer.write('old-3\n');
    await writer.close();
    await writeFile(path, 'new-1\n');
    await t.until(() => t.text().includes('new-1'), 'the new file');
  } finally {
    await t.stop();
  }
  assert.deepEqual(t.segments.map((s) => [s.renamed, s.text]), [[undefined, lines('old', 2)], [join(olddir, 'broker.log.1'), 'old-3\n'], [undefined, 'new-1\n']]);
});

test('rotated twice into another directory before the old file was read again: the file rotated in between is read whole there', { skip: process.platform !== 'linux' && 'the path of an open file is read from /proc' }, async () => {
  const { path, t } = await followWritten(lines('old', 2));
  const olddir = join(path, '..', 'old');
  try {
    await mkdir(olddir);
    // All in one tick, as when the follower is held up: two rotations into `olddir`.
    renameSync(path, join(olddir, 'broker.log.1'));
    appendFileSync(path, lines('mid', 2));
    renameSync(join(olddir, 'broker.log.1'), join(olddir, 'broker.log.2'));
    renameSync(path, join(olddir, 'broker.log.1'));
    appendFileSync(path, 'new-1\n');
    await t.until(() => t.text().includes('new-1'), 'the new file');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('old', 2) + lines('mid', 2) + 'new-1\n');
  assert.deepEqual(t.segments.find((s) => s.text === lines('mid', 2))?.renamed, join(olddir, 'broker.log.1'));
  assert.deepEqual(t.notices.map((n) => n.code), ['rotated', 'rotated-between']);
});

test('deleted while followed: what is still written to it stays under its old name', async () => {
  const { path, t } = await followWritten(lines('a', 1));
  const writer = await open(path, 'a');
  try {
    await unlink(path);
    await t.until(() => t.notices.some((n) => n.code === 'deleted'), 'the deleted notice');
    await writer.write('a-2\n');
    await t.until(() => t.text().includes('a-2'), 'the line written after the deletion');
  } finally {
    await writer.close();
    await t.stop();
  }
  assert.deepEqual(t.segments.map((s) => [s.restart, s.renamed, s.text]), [[true, undefined, lines('a', 2)]]);
});

test('copytruncate: the shrink is seen, the end missed is read from the copy, nothing is doubled', async () => {
  const { path, t } = await followWritten(lines('a', 3));
  try {
    // All in one tick, so the follower cannot read between the append and the truncation.
    appendFileSync(path, 'a-4\na-5\n');
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, 'b-1\n');
    await t.until(() => t.text().includes('b-1'), 'the line after the truncation');
    appendFileSync(path, 'b-2\n');
    await t.until(() => t.text().includes('b-2'), 'the next line');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), `${lines('a', 5)}b-1\nb-2\n`);
  assert.deepEqual(t.segments.map((s) => [s.restart, s.renamed, s.text]), [
    [true, undefined, lines('a', 3)],
    [false, `${path}.1`, 'a-4\na-5\n'],
    [true, undefined, 'b-1\nb-2\n'],
  ]);
  assert.deepEqual(t.notices, [{ code: 'truncated', path, copy: `${path}.1`, recoveredBytes: 8 }]);
});

test('copytruncate whose copy was made before the last lines were read: the copy is named, nothing was missed, nothing is read twice', async () => {
  const { path, t } = await followWritten(lines('a', 3));
  try {
    // An older rotation, not a copy of this file, is not taken for the copy.
    writeFileSync(`${path}-20260101`, lines('old', 3));
    // logrotate copies; the broker writes a line, which is read; then logrotate truncates.
    copyFileSync(path, `${path}.1`);
    appendFileSync(path, 'a-4\n');
    await t.until(() => t.text().includes('a-4'), 'the line written after the copy');
    truncateSync(path, 0);
    appendFileSync(path, 'b-1\n');
    await t.until(() => t.text().includes('b-1'), 'the line after the truncation');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), `${lines('a', 4)}b-1\n`);
  assert.deepEqual(t.notices, [{ code: 'truncated', path, copy: `${path}.1`, recoveredBytes: 0 }]);
});

/**
 * Two copytruncate rotations in one tick, as while the follower is held up: `unread` is written
 * just before the first, `mid-1`, `mid-2` between them, and `new-1` after.
 */
function copytruncateTwice(path: string, unread: string): void {
  appendFileSync(path, unread);
  copyFileSync(path, `${path}.1`);
  truncateSync(path, 0);
  appendFileSync(path, lines('mid', 2));
  renameSync(`${path}.1`, `${path}.2`);
  copyFileSync(path, `${path}.1`);
  truncateSync(path, 0);
  appendFileSync(path, 'new-1\n');
}

test('copytruncate twice before the follower read on: the copy made in between is read whole, after the first', async () => {
  const { path, t } = await followWritten(lines('a', 2));
  try {
    // All in one tick, as when the follower is held up: two copytruncate rotations, each with
    // lines of their own; older rotations are left alone.
    writeFileSync(`${path}.3`, 'older-1\n');
    utimesSync(`${path}.3`, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    copytruncateTwice(path, 'a-3\n');
    await t.until(() => t.text().includes('new-1'), 'the line after the second truncation');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('a', 3) + lines('mid', 2) + 'new-1\n');
  assert.deepEqual(t.segments.map((s) => [s.renamed, s.text]), [
    [undefined, lines('a', 2)], [`${path}.2`, 'a-3\n'], [`${path}.1`, lines('mid', 2)], [undefined, 'new-1\n'],
  ]);
  assert.deepEqual(t.notices.map((n) => n.code), ['truncated', 'rotated-between']);
});

test('copytruncate twice after the follower read all: the first copy holds nothing new, the one in between is read whole', async () => {
  const { path, t } = await followWritten(lines('a', 2));
  try {
    // The follower has read the whole file: the first copy ends where it had got to.
    copytruncateTwice(path, '');
    await t.until(() => t.text().includes('new-1'), 'the line after the second truncation');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('a', 2) + lines('mid', 2) + 'new-1\n');
  assert.deepEqual(t.segments.map((s) => [s.renamed, s.text]), [[undefined, lines('a', 2)], [`${path}.1`, lines('mid', 2)], [undefined, 'new-1\n']]);
  assert.deepEqual(t.notices, [{ code: 'truncated', path, copy: `${path}.2`, recoveredBytes: 0 }, { code: 'rotated-between', path, file: `${path}.1` }]);
});

/** Compresses `path` as gzip does: into `path.gz`, with its time, and removes it. */
function gzipInPlace(path: string): void {
  const { mtime } = statSync(path);
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
  utimesSync(`${path}.gz`, mtime, mtime);
  unlinkSync(path);
}

test('rotated twice and compressed before the follower read on: the compressed file is named, not passed over in silence', async () => {
  const { path, t } = await followWritten(lines('old', 2));
  try {
    renameSync(path, `${path}.1`);
    appendFileSync(path, lines('mid', 2));
    renameSync(`${path}.1`, `${path}.2`);
    renameSync(path, `${path}.1`);
    gzipInPlace(`${path}.1`);
    appendFileSync(path, 'new-1\n');
    await t.until(() => t.text().includes('new-1'), 'the new file');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('old', 2) + 'new-1\n');
  assert.deepEqual(t.notices, [{ code: 'rotated', path }, { code: 'compressed-skipped', path, file: `${path}.1.gz` }]);
});

test('copytruncate with compression: a copy that holds lines not read is named; one that holds none is not', async () => {
  for (const missed of ['', 'a-3\n']) {
    const { path, t } = await followWritten(lines('a', 2));
    try {
      appendFileSync(path, missed);
      copyFileSync(path, `${path}.1`);
      truncateSync(path, 0);
      gzipInPlace(`${path}.1`);
      appendFileSync(path, 'b-1\n');
      await t.until(() => t.text().includes('b-1'), 'the line after the truncation');
    } finally {
      await t.stop();
    }
    const compressed = missed === '' ? [] : [{ code: 'compressed-skipped', path, file: `${path}.1.gz` }];
    assert.deepEqual(t.notices, [{ code: 'truncated', path, copy: null, recoveredBytes: 0 }, ...compressed], JSON.stringify(missed));
  }
});

test('copytruncate twice while behind, the first copy compressed: it is named, and the plain copy made after it is read whole', async () => {
  const { path, t } = await followWritten(lines('a', 2));
  try {
    // logrotate `copytruncate`, `compress` and `delaycompress`: the second rotation compresses
    // the first copy and makes a plain one.
    appendFileSync(path, 'a-3\n');
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, lines('mid', 2));
    renameSync(`${path}.1`, `${path}.2`);
    gzipInPlace(`${path}.2`);
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, 'new-1\n');
    await t.until(() => t.text().includes('new-1'), 'the line after the second truncation');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('a', 2) + lines('mid', 2) + 'new-1\n');
  assert.deepEqual(t.segments.map((s) => [s.renamed, s.text]), [[undefined, lines('a', 2)], [`${path}.1`, lines('mid', 2)], [undefined, 'new-1\n']]);
  assert.deepEqual(t.notices, [
    { code: 'truncated', path, copy: null, recoveredBytes: 0 }, { code: 'compressed-skipped', path, file: `${path}.2.gz` }, { code: 'rotated-between', path, file: `${path}.1` },
  ]);
});

test('copytruncate followed at once by more than was read before: caught by content, not size', async () => {
  const { path, t } = await followWritten(lines('a', 2));
  const longer = lines('bbbbbbbbbbbbbbbbbbbb', 6);
  try {
    appendFileSync(path, 'a-3\n');
    copyFileSync(path, `${path}-20240101`);
    truncateSync(path, 0);
    appendFileSync(path, longer);
    await t.until(() => t.text().endsWith(longer), 'the new content');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('a', 3) + longer);
  assert.deepEqual(t.notices.map((n) => n.code), ['truncated']);
});

test('truncation without a copy: reading starts again at 0', async () => {
  const { path, t } = await followWritten(lines('a', 2));
  try {
    truncateSync(path, 0);
    await sleep(100);
    appendFileSync(path, 'b-1\n');
    await t.until(() => t.text().includes('b-1'), 'the line after the truncation');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), `${lines('a', 2)}b-1\n`);
  assert.deepEqual(t.notices, [{ code: 'truncated', path, copy: null, recoveredBytes: 0 }]);
});

test('deleted and created again later: waits, says so, and reads the new file from its start', async () => {
  const { path, t } = await followWritten(lines('a', 2));
  try {
    await unlink(path);
    await t.until(() => t.notices.some((n) => n.code === 'deleted'), 'the deleted notice');
    await sleep(100);
    await writeFile(path, lines('c', 2));
    await t.until(() => t.text().includes('c-2'), 'the new file');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('a', 2) + lines('c', 2));
  assert.deepEqual(t.notices.map((n) => n.code), ['deleted', 'appeared']);
});

test('not there at start: waits, says so, and reads the file from its start when it appears', async () => {
  const path = freshPath();
  await mkdir(join(path, '..'));
  const t = tail(path, { lastLines: 0 });
  try {
    await t.until(() => t.notices.some((n) => n.code === 'waiting'), 'the waiting notice');
    await writeFile(path, lines('x', 3));
    await t.until(() => t.text().includes('x-3'), 'the lines');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('x', 3));
  assert.deepEqual(t.segments.map((s) => s.history), [false]);
  assert.deepEqual(t.notices.map((n) => n.code), ['waiting', 'appeared']);
});

test('not there at start, then made a named pipe: read as it comes, and stopping does not wait for a writer', { skip: process.platform === 'win32' && 'no mkfifo' }, async () => {
  const path = freshPath();
  await mkdir(join(path, '..'));
  const t = tail(path);
  await t.until(() => t.notices.some((n) => n.code === 'waiting'), 'the waiting notice');
  execFileSync('mkfifo', [path]);
  await t.until(() => t.notices.some((n) => n.code === 'appeared'), 'the pipe');
  // Opened without waiting for a reader: the follower holds the pipe open by now.
  const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  writeSync(writer, lines('p', 2));
  closeSync(writer);
  await t.until(() => t.text() === lines('p', 2), 'the lines written to the pipe');
  await t.stop();
  assert.deepEqual(t.notices.map((n) => n.code), ['waiting', 'appeared']);
});

test('not there at start, nor its directory: found by polling', async () => {
  const path = freshPath();
  const t = tail(path);
  try {
    await t.until(() => t.notices.some((n) => n.code === 'waiting'), 'the waiting notice');
    await mkdir(join(path, '..'));
    await writeFile(path, lines('x', 2));
    await t.until(() => t.text().includes('x-2'), 'the lines');
    appendFileSync(path, 'x-3\n');
    await t.until(() => t.text().includes('x-3'), 'a line appended later');
  } finally {
    await t.stop();
  }
  assert.equal(t.text(), lines('x', 3));
});

test('the last N lines: earlier lines come first as history, then live from there', async () => {
  const path = freshPath();
  await mkdir(join(path, '..'));
  await writeFile(path, `${lines('h', 5)}part`);
  const t = tail(path, { lastLines: 2 }, 3);
  try {
    await t.until(() => t.text().endsWith('part'), 'the partial line');
    appendFileSync(path, 'ial\n');
    await t.until(() => t.text().endsWith('partial\n'), 'the rest of the line');
  } finally {
    await t.stop();
  }
  assert.deepEqual(t.segments.map((s) => [s.restart, s.history, s.text]), [[true, true, lines('h', 4)], [false, false, 'h-5\npartial\n']]);
});

test('stopping closes the watcher and every file', async () => {
  const path = freshPath();
  await mkdir(join(path, '..'));
  await writeFile(path, lines('a', 1));
  const t = tail(path);
  await t.until(() => t.text().includes('a-1'), 'the line');
  assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length, 1, 'one watcher while following');
  await t.stop();
  // A closed handle leaves the list once the event loop has run its close callbacks.
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(!process.getActiveResourcesInfo().includes('FSEventWrap'), `no watcher after stopping: ${process.getActiveResourcesInfo().join(', ')}`);
});

test('lastLinesOffset: where the last N lines begin, across read blocks', async () => {
  const path = join(dir, 'offsets.log');
  const long = 'x'.repeat(70_000);
  const cases: Array<[string, number, number]> = [
    ['', 0, 0],
    ['', 3, 0],
    ['a\nb\nc\n', 0, 6],
    ['a\nb\nc\n', 1, 4],
    ['a\nb\nc\n', 2, 2],
    ['a\nb\nc\n', 3, 0],
    ['a\nb\nc\n', 9, 0],
    ['a\nb\nc', 0, 4],
    ['a\nb\nc', 1, 4],
    ['a\nb\nc', 2, 2],
    ['abc', 0, 0],
    [`${long}\n${long}\nz\n`, 1, 140_002],
    [`${long}\n${long}\nz\n`, 2, 70_001],
  ];
  for (const [text, n, expected] of cases) {
    await writeFile(path, text);
    const handle = await open(path, 'r');
    try {
      assert.equal(await lastLinesOffset(handle, Buffer.byteLength(text), n), expected, `${JSON.stringify(text.slice(0, 12))} n=${n}`);
    } finally {
      await handle.close();
    }
  }
});

test('the change waiter wakes for the log and its rotations, not for a busy file beside it', async () => {
  const where = join(dir, 'waiter');
  await mkdir(where);
  const waiter = new ChangeWaiter(where, { pollMs: 60_000, namePrefix: 'broker.log' });
  try {
    const woken = async (write: () => void): Promise<boolean> => {
      waiter.arm();
      write();
      return Promise.race([waiter.wait().then(() => true), sleep(300).then(() => false)]);
    };
    assert.equal(await woken(() => writeFileSync(join(where, 'other.log'), 'x\n')), false, 'another file');
    assert.equal(await woken(() => writeFileSync(join(where, 'broker.log'), 'x\n')), true, 'the log');
    assert.equal(await woken(() => writeFileSync(join(where, 'broker.log.1'), 'x\n')), true, 'a rotation of it');
  } finally {
    waiter.close();
  }
});

test('a copytruncate notice does not claim that nothing was lost: lines written between the copy and the truncation are in neither', () => {
  for (const recoveredBytes of [0, 120]) {
    const text = describeNotice({ code: 'truncated', path: 'broker.log', copy: 'broker.log.1', recoveredBytes });
    assert.match(text, /any written between the copy and the truncation are lost to both/);
    assert.doesNotMatch(text, /missed nothing/);
  }
});
