/**
 * A parse worker: encodes the chunks it is sent, in order, into JSON lines.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineParser } from '../../parse/index.js';
import { ChunkEncoder } from './encode-chunk.js';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';

const setup = workerData as WorkerSetup;
const encoder = new ChunkEncoder(setup.file, new LineParser(setup.parseOptions), setup);

parentPort?.on('message', (m: ToWorker) => {
  if (m.kind === 'spare') {
    encoder.giveBack(m.buffer);
    return;
  }
  const result: FromWorker = { seq: m.seq, ...encoder.encode(m.buffer, m.length, { line: m.line, context: m.context }) };
  parentPort?.postMessage(result, [result.input, result.output]);
});
