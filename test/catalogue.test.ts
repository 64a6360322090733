import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type LogRecord, createLineDecoder } from '../src/parse/index.js';
import { renderCatalogueModule } from '../scripts/generate-catalogue.js';
import { catalogueRowsFrom14, physicalLines, repoRoot } from './support/catalogue.js';

/**
 * Decodes the lines of one message, its first line after an epoch prefix when the broker logged
 * it (a direct print has none); returns the first real record.
 */
function decodeMessage(lines: string[], logged = true): { first: LogRecord; all: LogRecord[] } {
  const decoder = createLineDecoder('catalogue');
  const all = lines.map((l, i) => decoder.decode(i === 0 && logged ? `1700000000: ${l}` : l));
  const first = all.find((r) => r.type !== 'unknown' || r.reason !== 'empty') ?? all[0];
  assert.ok(first);
  return { first, all };
}

test('lines built from at least 99% of catalogue rows (1.4+) decode into their family', () => {
  const rows = catalogueRowsFrom14();
  // The same text printed from two places (a plugin's own copy of a broker message) cannot be
  // told apart: any family the catalogue gives that text counts.
  const familiesOf = new Map<string, Set<string>>();
  for (const row of rows) familiesOf.set(row.format, (familiesOf.get(row.format) ?? new Set()).add(row.family));
  const misses: string[] = [];
  for (const row of rows) {
    const lines = physicalLines(row);
    const start = lines.findIndex((l) => l !== '');
    const { first } = decodeMessage(lines.slice(start), !row.level.startsWith('DIRECT_'));
    if (!familiesOf.get(row.format)?.has(first.family)) misses.push(`${row.family} <- ${first.family}: ${JSON.stringify(row.format)}`);
  }
  const typed = (rows.length - misses.length) / rows.length;
  assert.ok(typed >= 0.99, `only ${(typed * 100).toFixed(1)}% typed in the right family; misses:\n${misses.join('\n')}`);
});

test('every physical line of a multi-line catalogue message is decoded, none unknown', () => {
  for (const row of catalogueRowsFrom14()) {
    const lines = physicalLines(row);
    if (lines.length < 2 || lines[0] === '') continue;
    const { all } = decodeMessage(lines, !row.level.startsWith('DIRECT_'));
    for (const record of all.slice(1)) {
      assert.equal(record.type, 'continuation', `line after ${JSON.stringify(row.format)}`);
      assert.equal(record.family, row.family);
    }
  }
});

test('the generated format table matches the catalogue file', () => {
  const tsv = readFileSync(new URL('fixtures/formats/catalogue.tsv', repoRoot), 'utf8');
  const module = readFileSync(new URL('src/parse/catalogue-formats.ts', repoRoot), 'utf8');
  assert.equal(module, renderCatalogueModule(tsv), 'run: npm run build && node dist/scripts/generate-catalogue.js');
});
