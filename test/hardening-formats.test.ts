/**
 * Hardening: machine and CI formats stay well-formed whatever the log holds. On the escape
 * corpus and on random hostile text (fast-check): every JSON and NDJSON output parses and holds
 * no raw control character; JUnit is well-formed, consistent and valid against the schema;
 * Markdown tables keep their columns and log text cannot add links, HTML or code spans; every
 * GitHub annotation is one command whose properties and message are escaped as the runner needs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, afterEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { findingCodes } from '../src/correlate/index.js';
import { annotationsPerKind } from '../src/report/ci/index.js';
import { fixtureLogs, repoPath } from './support/fixtures.js';
import { startFollow, stopFollows } from './support/follow.js';
import { parseCommands } from './support/github-commands.js';
import { type HostileValues, buildHostileLog, decodedText, escapeCorpus, everywhere, hostileText, logBytes } from './support/hostile.js';
import { assertConsistent, forbiddenInXml } from './support/junit.js';
import { countUnescapedPipes, outsideCodeSpans } from './support/markdown.js';
import { countLines } from './support/records.js';
import { runCli, runFromRepoRoot } from './support/run-cli.js';
import { parseXml } from './support/xml-tree.js';
import { requireXmllint, validateXml } from './support/xmllint.js';

runFromRepoRoot();

const temp = mkdtempSync(join(tmpdir(), 'mosqlog-hardening-formats-'));
after(() => rmSync(temp, { recursive: true, force: true }));
afterEach(stopFollows);

const schema = repoPath('test/support/junit.xsd');

/** Raw characters no JSON output may hold: C0 but LF, DEL, C1, bidi controls, line separators. */
const rawControl = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const jsonViews: Array<[string, string]> = [
  ['summary', 'json'], ['sessions', 'json'], ['flows', 'json'], ['problems', 'json'], ['timeline', 'json'],
  ['sessions', 'ndjson'], ['flows', 'ndjson'], ['problems', 'ndjson'], ['timeline', 'ndjson'],
];

async function stdoutOf(argv: string[], expectedCode = 0): Promise<string> {
  const result = await runCli(argv);
  assert.equal(result.code, expectedCode, `${argv.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function assertJsonText(text: string, ndjson: boolean, label: string): unknown[] {
  const bad = rawControl.exec(text);
  assert.equal(bad, null, `${label}: raw ${JSON.stringify(bad?.[0])} at ${JSON.stringify(text.slice(Math.max(0, (bad?.index ?? 0) - 30), (bad?.index ?? 0) + 30))}`);
  const docs = ndjson ? text.split('\n').filter((line) => line !== '') : [text];
  return docs.map((doc) => {
    try {
      return JSON.parse(doc) as unknown;
    } catch (error) {
      throw new assert.AssertionError({ message: `${label}: not JSON (${String(error)}): ${doc.slice(0, 200)}` });
    }
  });
}

/** Every JSON and NDJSON output of `log`; returns the number of lines `parse` gave. */
async function checkJson(log: string): Promise<number> {
  for (const [view, format] of jsonViews) assertJsonText(await stdoutOf([view, '--format', format, log]), format === 'ndjson', `${view} --format ${format}`);
  assertJsonText(await stdoutOf(['report', log, '--format', 'json', '--fail-on', 'all', '--exit-zero']), false, 'report --format json');
  const records = assertJsonText(await stdoutOf(['parse', '--raw', log]), true, 'parse --raw');
  const run = startFollow(['-', '--all', '--format', 'ndjson'], { stdin: Readable.from([await readFile(log)]) });
  assert.equal(await run.exited, 0, run.stderr());
  const followed = assertJsonText(run.stdout(), true, 'follow --all --format ndjson') as Array<{ kind: string }>;
  assert.equal(followed.filter((o) => o.kind === 'record').length, records.length, 'follow shows every line parse shows');
  return records.length;
}

/** JUnit of every rule: XML 1.0 characters only, well-formed, counts matching, schema-valid. */
async function checkJunit(log: string, validate: boolean): Promise<void> {
  const xml = await stdoutOf(['report', log, '--format', 'junit', '--fail-on', 'all', '--exit-zero']);
  const bad = forbiddenInXml.exec(xml);
  assert.equal(bad, null, `a character XML 1.0 forbids: ${JSON.stringify(bad?.[0])}`);
  const root = parseXml(xml);
  assertConsistent(root);
  if (validate) {
    const validation = validateXml(xml, schema);
    assert.ok(validation.valid, validation.output);
  }
}

/** Lines of `markdown` grouped into tables (runs of lines starting with `|`). */
function tables(markdown: string): string[][] {
  const out: string[][] = [];
  let current: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      current = null;
      continue;
    }
    if (!current) out.push((current = []));
    current.push(line);
  }
  return out;
}

function assertTablesWhole(markdown: string, label: string): void {
  for (const table of tables(markdown)) {
    const columns = countUnescapedPipes(table[0] ?? '');
    for (const line of table) assert.equal(countUnescapedPipes(line), columns, `${label}: a row with other columns than its head: ${line}`);
    assert.match(table[1] ?? '', /^\|(?: *:?-+:? *\|)+$/, `${label}: the head is followed by its rule`);
  }
}

/** Markdown of the views and of `report`: tables keep their columns, log text stays in code spans. */
async function checkMarkdown(log: string): Promise<void> {
  const runs = [
    ...['summary', 'sessions', 'flows', 'problems', 'timeline'].map((view) => [view, '--format', 'markdown', log]),
    ['report', log, '--format', 'markdown', '--fail-on', 'all', '--exit-zero'],
  ];
  for (const args of runs) {
    const out = await stdoutOf(args);
    const label = `${args[0]} --format markdown`;
    assert.equal(rawControl.exec(out), null, `${label}: a raw control character`);
    assertTablesWhole(out, label);
    // Outside code spans only mosqlog's own text is left, its backticks, brackets and < escaped.
    const markup = outsideCodeSpans(out).replace(/<br>|<!-- mosqlog:omitted \d+ -->/g, '');
    assert.doesNotMatch(markup, /(?<!\\)[`[\]<>]/, `${label}: markup outside code spans`);
  }
}

/** `report --format github`: one command per line, properties and message escaped. */
async function checkGithub(log: string): Promise<void> {
  const out = await stdoutOf(['report', log, '--format', 'github', '--fail-on', 'all', '--exit-zero']);
  assert.doesNotMatch(out, /\r/, 'no CR: the runner would read a new command after it');
  const { annotations, other } = parseCommands(out);
  for (const line of other) assert.match(line, /^mosqlog: \d+ more finding\(s\) not annotated/);
  const perKind: Record<string, number> = {};
  for (const line of out.split('\n').filter((l) => l.startsWith('::'))) {
    const m = /^::(error|warning|notice) (?:file=([^,:]*),line=(\d+),)?title=([^,:]*)::(.*)$/.exec(line);
    assert.ok(m, `an annotation the runner reads as intended: ${line.slice(0, 200)}`);
    for (const property of [m[2] ?? '', m[4] ?? '']) assert.doesNotMatch(property, /%(?!25|0D|0A|3A|2C)/, `a property escaped: ${property}`);
    assert.doesNotMatch(m[5] ?? '', /%(?!25|0D|0A)/, `the message escaped: ${m[5]}`);
    perKind[m[1] ?? ''] = (perKind[m[1] ?? ''] ?? 0) + 1;
  }
  for (const n of Object.values(perKind)) assert.ok(n <= annotationsPerKind);
  for (const a of annotations) {
    assert.equal(a.properties.file, log);
    assert.ok(findingCodes.some((code) => a.properties.title?.endsWith(`(${code})`)), a.properties.title);
    assert.equal(rawControl.exec(a.message), null, `a control character in ${JSON.stringify(a.message)}`);
  }
}

function writeLog(name: string, stories: readonly HostileValues[]): { path: string; lines: number } {
  const path = join(temp, name);
  const bytes = logBytes(buildHostileLog(stories));
  writeFileSync(path, bytes);
  return { path, lines: countLines(bytes) };
}

describe('the escape corpus in every place a client controls', () => {
  const stories = escapeCorpus.map(([, text], i) => everywhere(text, i));
  const { path: log, lines } = writeLog('corpus.log', stories);

  test('JSON and NDJSON parse, hold no raw control character, and keep the ids exactly', async () => {
    assert.equal(await checkJson(log), lines);
    const sessions = JSON.parse(await stdoutOf(['sessions', '--format', 'json', log])) as { sessions: Array<{ client: string; username: string | null }> };
    const ids = new Set(sessions.sessions.map((s) => s.client));
    for (const v of stories) assert.ok(ids.has(decodedText(v.client)), JSON.stringify(v.client));
    const problems = JSON.parse(await stdoutOf(['problems', '--format', 'json', log])) as { findings: Array<{ code: string; topic?: string | null }> };
    const topics = new Set(problems.findings.map((f) => f.topic).filter((t) => typeof t === 'string'));
    for (const v of stories) assert.ok(topics.has(decodedText(v.topic)), JSON.stringify(v.topic));
  });

  test('JUnit is well-formed, consistent and schema-valid', async (t) => {
    await checkJunit(log, requireXmllint(t));
  });

  test('Markdown tables keep their columns; ids add no markup', async () => {
    await checkMarkdown(log);
  });

  test('GitHub annotations are escaped', async () => {
    await checkGithub(log);
  });
});

describe('random hostile text (fast-check)', () => {
  test('every machine and CI format stays well-formed', async (t) => {
    const validate = requireXmllint(t);
    let n = 0;
    await fc.assert(fc.asyncProperty(fc.array(hostileText, { minLength: 1, maxLength: 3 }), async (texts) => {
      const { path, lines } = writeLog(`random-${n++}.log`, texts.map((text, i) => everywhere(text, i)));
      assert.equal(await checkJson(path), lines);
      await checkJunit(path, validate);
      await checkMarkdown(path);
      await checkGithub(path);
    }), { numRuns: 20 });
  });
});

describe('every fixture', () => {
  test('Markdown tables keep their columns and GitHub annotations are escaped', async () => {
    for (const log of fixtureLogs()) {
      await checkMarkdown(log);
      await checkGithub(log);
    }
  });
});
