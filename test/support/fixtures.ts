/**
 * Reading fixture logs and their truth files in tests.
 */
import { createReadStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type LogRecord, readRecordBatches } from '../../src/parse/index.js';
import type { ScenarioTruth } from './truth.js';

export const repoRoot = new URL('../../../', import.meta.url);

/** Absolute path of a file in the repository. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, repoRoot));
}

/** Every fixture log (relative paths), optionally only those with a truth file. */
export function fixtureLogs(options: { withTruth?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const dir of ['fixtures', 'fixtures/handmade']) {
    if (!existsSync(repoPath(dir))) continue;
    for (const name of readdirSync(repoPath(dir)).sort()) {
      if (!name.endsWith('.log')) continue;
      const rel = `${dir}/${name}`;
      if (options.withTruth && !existsSync(repoPath(truthPathOf(rel)))) continue;
      out.push(rel);
    }
  }
  return out;
}

function truthPathOf(logPath: string): string {
  return logPath.replace(/\.log$/, '.truth.json');
}

/** The truth file that belongs to a fixture log. */
export function readTruth(logPath: string): ScenarioTruth {
  return JSON.parse(readFileSync(repoPath(truthPathOf(logPath)), 'utf8')) as ScenarioTruth;
}

/** All records of a fixture log (the name records carry is the relative path). */
export async function readRecords(logPath: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const batch of readRecordBatches(createReadStream(repoPath(logPath)), logPath)) records.push(...batch);
  return records;
}
