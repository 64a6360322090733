/**
 * The streaming half of the parse layer: a byte stream in, batches of records out, in order.
 */
import { type LineContext, LineParser, createLineDecoder, nextFileContext } from './parse-line.js';
import { defaultMaxLineLength, readLineBatches } from './read-lines.js';
import type { LogRecord } from './record.js';

/**
 * Yields one record per line of `input`, in batches. `file` is the name records carry
 * (`-` for stdin); `before` is what the file before it left ({@link nextFileContext}): its last
 * time, which stamps without a year or date follow, its broker version, its order of numeric
 * dates and its last record. Returns what its last line leaves for the next one.
 */
export async function* readRecordBatches(
  input: AsyncIterable<Buffer | string>,
  file: string,
  parser: LineParser = new LineParser(),
  maxLength: number = defaultMaxLineLength,
  before: Readonly<LineContext> = {},
): AsyncGenerator<LogRecord[], Readonly<LineContext>> {
  const decoder = createLineDecoder(file, parser, { context: nextFileContext(before) });
  for await (const lines of readLineBatches(input, maxLength)) {
    yield lines.map(decoder.line);
  }
  return decoder.context;
}
