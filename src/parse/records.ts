/**
 * The streaming half of the parse layer: a byte stream in, batches of records out, in order.
 */
import { LineParser, createLineDecoder } from './parse-line.js';
import { defaultMaxLineLength, readLineBatches } from './read-lines.js';
import type { LogRecord } from './record.js';

/**
 * Yields one record per line of `input`, in batches. `file` is the name records carry
 * (`-` for stdin).
 */
export async function* readRecordBatches(
  input: AsyncIterable<Buffer | string>,
  file: string,
  parser: LineParser = new LineParser(),
  maxLength: number = defaultMaxLineLength,
): AsyncGenerator<LogRecord[]> {
  const decoder = createLineDecoder(file, parser);
  for await (const lines of readLineBatches(input, maxLength)) {
    yield lines.map(decoder.line);
  }
}
