/**
 * OrderedOutput: items written in the order they were reserved, whatever order they become known
 * in; past its budget the items waiting go to a file in a directory of their own, which is gone
 * afterwards, and the text written is the same.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { OrderedOutput, type Slot } from '../src/cli/ordered-output.js';

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-ordered-output-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** A sink that keeps what it is given, and counts its writes. */
function collector(): { sink: { write(chunk: string | Uint8Array): Promise<void> }; text(): string; writes: number } {
  const chunks: string[] = [];
  const state = {
    sink: {
      write: async (chunk: string | Uint8Array): Promise<void> => {
        chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        state.writes++;
      },
    },
    text: (): string => chunks.join(''),
    writes: 0,
  };
  return state;
}

/** A deterministic shuffle of 0..n-1 (a linear congruential walk). */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let x = seed;
  for (let i = n - 1; i > 0; i--) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = x % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/**
 * Reserves `n` items, fills them in a shuffled order with a flush after every `flushEvery`
 * fills; item i is left out when `skip(i)`. Returns the text written and the spill directory's
 * entries seen while it was at work.
 */
async function run(n: number, budget: number, options: { seed: number; flushEvery: number; skip?: (i: number) => boolean; separator?: string }): Promise<{ text: string; spilled: boolean; left: string[] }> {
  const dir = mkdtempSync(join(temp, 'run-'));
  const out = collector();
  const output = new OrderedOutput(out.sink, options.separator ?? ',', budget, dir);
  const slots: Slot[] = Array.from({ length: n }, () => output.reserve());
  let spilled = false;
  let filled = 0;
  for (const i of shuffled(n, options.seed)) {
    output.fill(slots[i] as Slot, options.skip?.(i) === true ? null : `item-${i}-é`);
    if (++filled % options.flushEvery === 0) {
      await output.flush();
      spilled ||= output.bytesInFile > 0;
      // The file is removed from the directory as soon as it is open.
      assert.deepEqual(readdirSync(dir), []);
    }
  }
  await output.finish();
  return { text: out.text(), spilled, left: readdirSync(dir) };
}

const expected = (n: number, skip: (i: number) => boolean = () => false, separator = ','): string =>
  Array.from({ length: n }, (_, i) => i).filter((i) => !skip(i)).map((i) => `item-${i}-é`).join(separator);

test('items known out of order are written in the order they were reserved', async () => {
  const result = await run(500, 1 << 20, { seed: 7, flushEvery: 3 });
  assert.equal(result.spilled, false);
  assert.equal(result.text, expected(500));
});

test('past the budget the items waiting go to a file, and the text written is the same', async () => {
  for (const seed of [1, 2, 3]) {
    const skip = (i: number): boolean => i % 5 === 0;
    const result = await run(2000, 50, { seed, flushEvery: 7, skip });
    assert.ok(result.spilled, 'a file was used');
    assert.equal(result.text, expected(2000, skip), `seed ${seed}`);
    assert.deepEqual(result.left, [], 'the file and its directory are gone');
  }
});

test('the first item written may come from the file: no separator before it', async () => {
  const dir = mkdtempSync(join(temp, 'first-'));
  const out = collector();
  const output = new OrderedOutput(out.sink, ',\n', 10, dir);
  const first = output.reserve();
  const rest = Array.from({ length: 50 }, () => output.reserve());
  rest.forEach((slot, i) => output.fill(slot, `r${i}`));
  await output.flush();
  assert.equal(out.writes, 0, 'nothing is written while the first item is not known');
  assert.ok(output.bytesInFile > 0, 'the items waiting went to a file');
  // The first item is left out: the first written is the first of those in the file.
  output.fill(first, null);
  await output.finish();
  assert.equal(out.text(), Array.from({ length: 50 }, (_, i) => `r${i}`).join(',\n'));
  assert.equal(output.written, 50);
  assert.deepEqual(readdirSync(dir), []);
});

test('an item never known is an error at the end, and the file goes all the same', async () => {
  const dir = mkdtempSync(join(temp, 'unknown-'));
  const output = new OrderedOutput(collector().sink, '', 1, dir);
  output.reserve();
  for (let i = 0; i < 10; i++) output.fill(output.reserve(), `x${i}`);
  await output.flush();
  assert.ok(output.bytesInFile > 0);
  await assert.rejects(output.finish(), /never known/);
  assert.deepEqual(readdirSync(dir), []);
});

test('without a directory to write to, the items wait in memory', async () => {
  const out = collector();
  const output = new OrderedOutput(out.sink, ' ', 1, join(temp, 'no-such-directory'));
  const first = output.reserve();
  for (let i = 0; i < 10; i++) output.fill(output.reserve(), `x${i}`);
  await output.flush();
  output.fill(first, 'x');
  await output.finish();
  assert.equal(out.text(), 'x x0 x1 x2 x3 x4 x5 x6 x7 x8 x9');
});

test('items left out behind one not known do not pile up', async () => {
  const output = new OrderedOutput(collector().sink, '', 1 << 20, join(temp, 'no-such-directory'));
  const first = output.reserve();
  for (let i = 0; i < 100_000; i++) {
    output.fill(output.reserve(), null);
    if (i % 100 === 0) await output.flush();
  }
  // Private, read for the test: the queue holds what is still to write, not every item.
  assert.ok((output as unknown as { queue: unknown[] }).queue.length < 5_000);
  output.fill(first, 'x');
  await output.finish();
  assert.equal(output.written, 1);
});
