/**
 * Reads the broker log catalogue (`fixtures/formats/catalogue.tsv`): one row per format string
 * the broker printed, with its family, level and version range.
 */

export { compareVersions } from '../src/parse/pattern.js';

/** One catalogue row, with the format's TSV escapes decoded. */
export interface CatalogueRow {
  family: string;
  /** `MOSQ_LOG_INFO`, `DIRECT_STDOUT`, … as in the catalogue. */
  level: string;
  format: string;
  firstVersion: string;
  lastVersion: string;
}

/** Decodes the catalogue's escapes: `\\`, `\t`, `\n`, `\r`, `\xHH`. */
export function unescapeTsv(text: string): string {
  return text.replace(/\\(\\|t|n|r|x[0-9A-Fa-f]{2})/g, (_, e: string) => {
    if (e === '\\') return '\\';
    if (e === 't') return '\t';
    if (e === 'n') return '\n';
    if (e === 'r') return '\r';
    return String.fromCharCode(parseInt(e.slice(1), 16));
  });
}

/** Parses the catalogue TSV text (header line first). */
export function parseCatalogue(text: string): CatalogueRow[] {
  const rows: CatalogueRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const [family = '', level = '', format = '', firstVersion = '', lastVersion = ''] = line.split('\t');
    rows.push({ family, level, format: unescapeTsv(format), firstVersion, lastVersion });
  }
  return rows;
}

