/**
 * `mosqlog parse`: every input line as one JSON object (NDJSON), in input order.
 */
import type { LineParser } from '../../parse/index.js';
import { renderRecordJson } from '../../report/record-json.js';
import { type InputSource, forEachRecordBatch } from '../input.js';
import type { OutputSink } from '../io.js';

export interface ParseCommandOptions {
  raw: boolean;
}

/** Streams the records of every source to `out`. */
export async function runParse(sources: readonly InputSource[], parser: LineParser, out: OutputSink, options: ParseCommandOptions): Promise<void> {
  await forEachRecordBatch(sources, parser, async (batch) => {
    let text = '';
    for (const record of batch) text += renderRecordJson(record, options.raw) + '\n';
    await out.write(text);
  });
}
