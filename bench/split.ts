/**
 * `node dist/bench/split.js FILE`: where the summary pipeline's time goes. Reads the log three
 * ways in one process, each several times: reading its lines, reading and parsing them, and
 * parsing them into the correlator with the options `mosqlog summary` uses. The differences are
 * the parser's and the correlator's shares. See bench/README.md.
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { Correlator } from '../src/correlate/index.js';
import { LineParser, defaultMaxLineLength, readLineBatches, readRecordBatches } from '../src/parse/index.js';

const usage = `usage: node dist/bench/split.js [--runs N] FILE

  --runs N         runs of each stage, median reported (default 3)
  -h, --help       show this help
`;

const readChunk = 1 << 18;

/** Reads the lines only. */
async function readOnly(file: string): Promise<number> {
  let lines = 0;
  for await (const batch of readLineBatches(createReadStream(file, { highWaterMark: readChunk }), defaultMaxLineLength)) lines += batch.length;
  return lines;
}

/** Reads and parses the lines; `onRecord` sees each record. */
async function parse(file: string, onRecord?: (record: Parameters<Correlator['push']>[0]) => void): Promise<number> {
  let lines = 0;
  for await (const batch of readRecordBatches(createReadStream(file, { highWaterMark: readChunk }), file, new LineParser())) {
    lines += batch.length;
    if (onRecord) for (const record of batch) onRecord(record);
  }
  return lines;
}

/** Parses into the correlator, as `mosqlog summary` does. */
async function correlate(file: string): Promise<number> {
  const correlator = new Correlator({ keepSessions: false, keepFlows: 'none', keepAttempts: false, maxFindingsPerCode: 0 });
  const lines = await parse(file, (record) => correlator.push(record));
  correlator.finish();
  return lines;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { runs: { type: 'string', default: '3' }, help: { type: 'boolean', short: 'h' } },
  });
  const file = positionals[0];
  const runs = Number(values.runs);
  if (values.help || file === undefined || !Number.isInteger(runs) || runs <= 0) {
    process.stdout.write(usage);
    return values.help ? 0 : 2;
  }
  const stages = [['read lines', readOnly], ['read + parse', parse], ['read + parse + correlate', correlate]] as const;
  const seconds: number[] = [];
  let lines = 0;
  process.stdout.write('stage\tmedian s\tlines/s\n');
  for (const [name, run] of stages) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      lines = await run(file);
      times.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    const s = median(times);
    seconds.push(s);
    process.stdout.write(`${name}\t${s.toFixed(2)}\t${Math.round(lines / s).toLocaleString('en-US')}\n`);
  }
  const [read = 0, parsed = 0, correlated = 0] = seconds;
  process.stdout.write(`\n${lines.toLocaleString('en-US')} lines: reading ${read.toFixed(2)} s, parsing ${(parsed - read).toFixed(2)} s, correlating ${(correlated - parsed).toFixed(2)} s\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
