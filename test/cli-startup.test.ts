/**
 * What a run loads before it reads a line: the CLI loads the module of the command asked for
 * alone, and `parse` loads the parse layer and the JSON writer, nothing of the correlator or of
 * the other reports. Checked on the built modules' imports.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** The modules `entry` loads, itself included, following the static imports that are not of types alone. */
function loadedBy(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm)) {
      visit(resolve(dirname(file), (m[1] ?? m[2]) as string));
    }
  };
  visit(resolve(src, entry));
  return [...seen].map((f) => relative(src, f)).sort();
}

test('the CLI itself loads no command: each is loaded when it is asked for', () => {
  assert.deepEqual(loadedBy('cli/main.js').filter((m) => m.startsWith('cli/commands/')), []);
});

test('parse loads the parse layer and the JSON writer: of the correlate layer only what reads a selection, nothing of the other reports', () => {
  const loaded = loadedBy('cli/commands/parse.js');
  assert.deepEqual(loaded.filter((m) => m.startsWith('correlate/')), ['correlate/select.js']);
  assert.deepEqual(loaded.filter((m) => m.startsWith('report/')), ['report/record-json.js', 'report/text.js', 'report/wall-clock.js']);
  assert.ok(loaded.includes('parse/index.js'));
});
