/**
 * The streaming half of the parse layer: a byte stream in, batches of records out, in order.
 */
import { type LineContext, LineParser, createLineDecoder } from './parse-line.js';
import { defaultMaxLineLength, readLineBatches } from './read-lines.js';
import type { LogRecord } from './record.js';

/**
 * Yields one record per line of `input`, in batches. `file` is the name records carry
 * (`-` for stdin); `lastTime` is the last time read before it (in the file before), which
 * stamps without a year or date follow. Returns what its last line leaves for the next one.
 */
export async function* readRecordBatches(
  input: AsyncIterable<Buffer | string>,
  file: string,
  parser: LineParser = new LineParser(),
  maxLength: number = defaultMaxLineLength,
  lastTime?: number,
): AsyncGenerator<LogRecord[], Readonly<LineContext>> {
  const decoder = createLineDecoder(file, parser, lastTime === undefined ? {} : { context: { lastTime } });
  for await (const lines of readLineBatches(input, maxLength)) {
    yield lines.map(decoder.line);
  }
  return decoder.context;
}
