/**
 * HTML reports of fixture logs for the HTML reporter's tests: the correlation `mosqlog report
 * --format html` would make (sessions and every flow kept), judged by the default gate.
 */
import { createReadStream } from 'node:fs';
import { defaultGateRules, evaluateGate } from '../../src/correlate/gate.js';
import { type CorrelateOptions, Correlator } from '../../src/correlate/index.js';
import { readRecordBatches } from '../../src/parse/index.js';
import type { CiReport } from '../../src/report/index.js';
import { repoPath } from './fixtures.js';
import { fixedNow } from './run-cli.js';

/** What the HTML report keeps: every session and every flow (for the latency distribution). */
export const htmlCorrelateOptions: CorrelateOptions = { keepSessions: true, keepFlows: 'all' };

/** The report of one log (a path relative to the repository, named so in the report). */
export async function reportOfLog(logPath: string, options: CorrelateOptions = htmlCorrelateOptions): Promise<CiReport> {
  const correlator = new Correlator(options);
  for await (const batch of readRecordBatches(createReadStream(repoPath(logPath)), logPath)) {
    for (const record of batch) correlator.push(record);
  }
  const correlation = correlator.finish();
  const gate = evaluateGate(defaultGateRules(), correlation.findingTotals);
  return { correlation, gate, inputs: [logPath], generatedAt: fixedNow };
}
