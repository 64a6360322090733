/**
 * A parse worker: encodes the chunks it is sent, in order, into JSON lines.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineParser } from '../../parse/index.js';
import { ChunkEncoder } from './encode-chunk.js';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';

const setup = workerData as WorkerSetup;
const encoder = new ChunkEncoder(setup.file, new LineParser(setup.parseOptions), setup);

async function encode(m: Extract<ToWorker, { kind: 'chunk' }>): Promise<void> {
  const result: FromWorker = { seq: m.seq, ...(await encoder.encode(m.buffer, m.length, m.line, m.brokerVersion)) };
  parentPort?.postMessage(result, [result.input, result.output]);
}

parentPort?.on('message', (m: ToWorker) => {
  if (m.kind === 'spare') encoder.giveBack(m.buffer);
  else void encode(m);
});
