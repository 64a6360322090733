/**
 * `node --expose-gc dist/bench/live-heap.js FILE`: what the summary pipeline keeps while it reads
 * a log. Runs the parser and the correlator with the options `mosqlog summary` uses, and every
 * `--every` lines collects garbage and prints the live heap and the sizes of the correlator's
 * open state. Peak RSS (the `npm run bench` column) also counts garbage not yet collected; this
 * shows whether what is kept grows with the log. See bench/README.md.
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { Correlator } from '../src/correlate/index.js';
import { readRecordBatches } from '../src/parse/index.js';

const usage = `usage: node --expose-gc dist/bench/live-heap.js [--every N] FILE

  --every N        lines between measurements (default 1000000)
  -h, --help       show this help
`;

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { every: { type: 'string', default: '1000000' }, help: { type: 'boolean', short: 'h' } },
  });
  const file = positionals[0];
  const every = Number(values.every);
  if (values.help || file === undefined || !Number.isInteger(every) || every <= 0) {
    process.stdout.write(usage);
    return values.help ? 0 : 2;
  }
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) {
    process.stderr.write('live-heap: run node with --expose-gc\n');
    return 2;
  }
  const correlator = new Correlator({ keepSessions: false, keepFlows: 'none', keepAttempts: false, maxFindingsPerCode: 0 });
  process.stdout.write('lines\tlive heap MiB\topen clients\trss MiB\n');
  let lines = 0;
  const report = (): void => {
    collect();
    const memory = process.memoryUsage();
    process.stdout.write(`${lines}\t${mib(memory.heapUsed)}\t${correlator.openClients}\t${mib(memory.rss)}\n`);
  };
  for await (const batch of readRecordBatches(createReadStream(file, { highWaterMark: 1 << 17 }), file)) {
    for (const record of batch) {
      correlator.push(record);
      if (++lines % every === 0) report();
    }
  }
  if (lines % every !== 0) report();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
