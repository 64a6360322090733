import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Repository root; this file is compiled to dist/test/support/. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** What `mosqlog parse` printed: one JSON record per stdout line, plus anything that was not JSON. */
export interface ParseRun {
  exitCode: number | null;
  records: Array<Record<string, unknown>>;
  /** stdout lines that did not parse as a JSON object. */
  notJson: string[];
  stderr: string;
}

/**
 * Runs `node bin/mosqlog.js parse <file>` from the repository root, as a user would, and
 * collects its output. Never rejects for a non-zero exit: the caller asserts on `exitCode`.
 */
export function runMosqlogParse(file: string): Promise<ParseRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mosqlog.js', 'parse', file], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', reject);
    child.once('close', (exitCode) => {
      const records: Array<Record<string, unknown>> = [];
      const notJson: string[] = [];
      for (const line of stdout.split('\n')) {
        if (line === '') continue;
        try {
          const value: unknown = JSON.parse(line);
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) records.push(value as Record<string, unknown>);
          else notJson.push(line);
        } catch {
          notJson.push(line);
        }
      }
      resolve({ exitCode, records, notJson, stderr });
    });
  });
}

/** Counts the lines of a log file the way a line splitter does: a last line without `\n` counts. */
export async function countLogLines(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  if (text === '') return 0;
  const breaks = text.split('\n').length - 1;
  return text.endsWith('\n') ? breaks : breaks + 1;
}
