/**
 * A parse worker: encodes the chunks it is sent, in order, into JSON lines or packed records,
 * the chunks of one file after another.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineParser } from '../../parse/index.js';
import { ChunkEncoder } from './encode-chunk.js';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';

const setup = workerData as WorkerSetup;
// Each file is read with a parser of its own, as it is on one thread.
const encoder = new ChunkEncoder('', new LineParser(setup.parseOptions), setup);

parentPort?.on('message', (m: ToWorker) => {
  if (m.kind === 'spare') {
    encoder.giveBack(m.buffer);
    return;
  }
  if (m.kind === 'file') {
    encoder.startFile(m.file, new LineParser(setup.parseOptions));
    return;
  }
  const result: FromWorker = { seq: m.seq, ...encoder.encode(m.buffer, m.length, { line: m.line, context: m.context }) };
  parentPort?.postMessage(result, [result.input, result.output]);
});
