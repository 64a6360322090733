/**
 * A parse worker: encodes the chunks it is sent, in order, into JSON lines.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineParser } from '../../parse/index.js';
import { RecordJsonLines } from '../../report/index.js';
import { encodeChunk } from './encode-chunk.js';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';

const setup = workerData as WorkerSetup;
const parser = new LineParser(setup.parseOptions);
const out = new RecordJsonLines(setup.raw, 1 << 20);
/** Output buffers the main thread has written and handed back. */
const spare: ArrayBuffer[] = [];
let done: Promise<void> = Promise.resolve();

async function encode(m: Extract<ToWorker, { kind: 'chunk' }>): Promise<void> {
  const start = { file: setup.file, line: m.line, context: m.brokerVersion === undefined ? {} : { brokerVersion: m.brokerVersion } };
  const chunk = await encodeChunk(new Uint8Array(m.buffer, 0, m.length), start, parser, out, setup.maxLength);
  const json = out.takeView();
  let output = spare.pop();
  // One size for all but outsized results, so buffers come back fitting and are not made anew.
  if (output === undefined || output.byteLength < json.length) output = new ArrayBuffer(Math.max(json.length, setup.outputBytes));
  new Uint8Array(output).set(json);
  const result: FromWorker = { seq: m.seq, input: m.buffer, output, outputLength: json.length, first: chunk.first, end: chunk.end };
  parentPort?.postMessage(result, [m.buffer, output]);
}

parentPort?.on('message', (m: ToWorker) => {
  if (m.kind === 'spare') spare.push(m.buffer);
  else done = done.then(() => encode(m));
});
