/**
 * The README shows real output: each `$ mosqlog …` example in it is run on the bundled sample log
 * and must print what the README says, and the summary excerpt must be part of the summary.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { repoPath } from './support/fixtures.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';

runFromRepoRoot();

/** The README's code blocks, as their lines. */
function codeBlocks(markdown: string): string[][] {
  return [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => (m[1] ?? '').replace(/\n$/, '').split('\n'));
}

/** The `$ mosqlog …` examples of a block, each with the lines it shows. */
function examples(block: readonly string[]): Array<{ args: string[]; shown: string }> {
  const found: Array<{ args: string[]; lines: string[] }> = [];
  for (const line of block) {
    if (line.startsWith('$ mosqlog ')) found.push({ args: line.slice('$ mosqlog '.length).split(' '), lines: [] });
    else found[found.length - 1]?.lines.push(line);
  }
  return found.map(({ args, lines }) => ({ args, shown: lines.join('\n').trimEnd() }));
}

const blocks = codeBlocks(readFileSync(repoPath('README.md'), 'utf8'));

const shownExamples = blocks.flatMap(examples);

test('README: its examples are found', () => {
  assert.ok(shownExamples.length >= 4, `${shownExamples.length} example(s)`);
});

for (const { args, shown } of shownExamples) {
  test(`README: mosqlog ${args.join(' ')}`, async () => {
    const result = await runCli(args);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trimEnd(), shown);
  });
}

test('README: the summary excerpt is part of the summary of the sample log', async () => {
  const excerpt = blocks.find((b) => b[0] === 'Top topics (published)');
  assert.ok(excerpt, 'the README shows the top topics');
  const result = await runCli(['fixtures/sample.log']);
  assert.ok(result.stdout.includes(excerpt.join('\n')), result.stdout);
});
