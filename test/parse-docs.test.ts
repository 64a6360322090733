import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { LineParser, type LogRecord, families } from '../src/parse/index.js';
import { decodeLines, readAllRecords } from './support/records.js';

const repoRoot = new URL('../../', import.meta.url);
const doc = readFileSync(new URL('docs/records.md', repoRoot), 'utf8');

/** Keys every record has, documented once at the top. */
const baseKeys = new Set(['file', 'line', 'time', 'type', 'family', 'level', 'truncated', 'origin', 'raw']);

/** The text of the `### \`type\`` section of docs/records.md. */
function section(type: string): string | undefined {
  const start = doc.indexOf(`\n### \`${type}\`\n`);
  if (start < 0) return undefined;
  const rest = doc.slice(start + 1);
  const end = rest.slice(4).search(/\n##/);
  return end < 0 ? rest : rest.slice(0, end + 4);
}

function logFiles(dir: string): URL[] {
  const url = new URL(dir, repoRoot);
  try {
    return readdirSync(url).filter((f) => f.endsWith('.log')).map((f) => new URL(f, url));
  } catch {
    return [];
  }
}

/** Records of every fixture plus lines that fixtures lack (markers, unknown reasons). */
async function sampleRecords(): Promise<LogRecord[]> {
  const parser = new LineParser({ year: 2026 });
  const records: LogRecord[] = [];
  for (const url of [...logFiles('fixtures/'), ...logFiles('fixtures/handmade/'), ...logFiles('fixtures/prefixes/')]) {
    records.push(...(await readAllRecords([readFileSync(url)], { file: url.pathname, parser })).records);
  }
  records.push(...decodeLines([
    '-- Boot 0123456789abcdef --', '', '1700000000: nothing known', '\0\0', '1700000000: Client c1 [(null):0] disconnected: Broken pipe.',
    "1790000000: Denied PUBLISH to c1 (q1, r0, 'secret', ... (4 bytes))", '1700000000: Received AUTH from c1 (rc24, SCRAM-SHA-1)',
    '1700000000: \tsecret/# (denied)', '1795702070: New client connected from 127.0.0.1:1 as c1 (p2, c1, k60).',
  ], new LineParser(), 'samples.log'));
  const tooLong = (await readAllRecords(['x'.repeat(100) + '\n'], { maxLength: 10 })).records;
  return [...records, ...tooLong];
}

test('every record type in the summary table has a section, and back', () => {
  const summary = [...doc.matchAll(/^\| \[`([a-z-]+)`\]\(#/gm)].map((m) => m[1]);
  const sections = [...doc.matchAll(/^### `([a-z-]+)`$/gm)].map((m) => m[1]);
  assert.ok(summary.length >= 14);
  assert.deepEqual([...summary].sort(), [...sections].sort());
});

test('every field of every record the parser produces is documented under its type', async () => {
  const missing = new Set<string>();
  for (const record of await sampleRecords()) {
    const text = section(record.type);
    if (!text) {
      missing.add(`type ${record.type}`);
      continue;
    }
    for (const [key, value] of Object.entries(record)) {
      if (value !== undefined && !baseKeys.has(key) && !text.includes(`\`${key}\``)) missing.add(`${record.type}.${key}`);
    }
    if (record.type === 'unknown' && !doc.includes(`| \`${record.reason}\` |`)) missing.add(`reason ${record.reason}`);
  }
  assert.deepEqual([...missing], []);
});

test('the base fields and every family are documented', () => {
  for (const key of baseKeys) assert.ok(doc.includes(`\`${key}\``), key);
  const familyTable = doc.slice(doc.indexOf('\n## Families'));
  for (const family of families) assert.ok(familyTable.includes(`\`${family}\``), family);
});
