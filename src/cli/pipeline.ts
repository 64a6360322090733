/**
 * The batch pipeline every analysing command shares: inputs → records → correlator.
 */
import { type CorrelateOptions, type Correlation, Correlator } from '../correlate/index.js';
import type { LineParser, LogRecord } from '../parse/index.js';
import { type InputSource, forEachRecordBatch } from './input.js';

/** Reads every source in order through one correlator; `onRecord` sees each record too. */
export async function correlateInputs(
  sources: readonly InputSource[],
  parser: LineParser,
  options: CorrelateOptions = {},
  onRecord?: (record: LogRecord) => void,
): Promise<Correlation> {
  const correlator = new Correlator(options);
  await forEachRecordBatch(sources, parser, (batch) => {
    for (const record of batch) {
      correlator.push(record);
      onRecord?.(record);
    }
  });
  return correlator.finish();
}
