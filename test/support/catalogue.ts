/**
 * Lines built from catalogue rows, for tests: each printf placeholder gets a plain value.
 */
import { readFileSync } from 'node:fs';
import { type CatalogueRow, compareVersions, parseCatalogue } from '../../scripts/catalogue-tsv.js';

export const repoRoot = new URL('../../../', import.meta.url);

/** The catalogue rows the parser must decode: those printed by broker 1.4 or later. */
export function catalogueRowsFrom14(): CatalogueRow[] {
  const text = readFileSync(new URL('fixtures/formats/catalogue.tsv', repoRoot), 'utf8');
  return parseCatalogue(text).filter((r) => compareVersions(r.lastVersion, '1.4.0') >= 0);
}

/** Fills a format's placeholders: text becomes `value`, numbers 1, hex 0F. */
export function fillFormat(format: string, value = 'abc'): string {
  return format.replace(/%(%|[-+ #0-9.*]*l*[a-zA-Z])/g, (_, spec: string) => {
    if (spec === '%') return '%';
    const conv = spec.at(-1) ?? 's';
    if ('diu'.includes(conv)) return '1';
    if ('xX'.includes(conv)) return '0F';
    return value;
  });
}

/**
 * The physical lines one logged message produces (the logger adds a newline; printf does not).
 * A row logged at error or warning level names its level in its first `%s`.
 */
export function physicalLines(row: CatalogueRow, value = 'abc'): string[] {
  const direct = row.level.startsWith('DIRECT_');
  const format = row.level === 'MOSQ_LOG_ERR|MOSQ_LOG_WARNING' ? row.format.replace('%s', 'Warning') : row.format;
  const text = fillFormat(direct ? format.replace(/\n$/, '') : format, value);
  return text.split('\n');
}
