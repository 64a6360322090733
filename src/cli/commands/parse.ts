/**
 * `mosqlog parse`: every input line as one JSON object (NDJSON), in input order.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { type LineContext, defaultMaxLineLength } from '../../parse/index.js';
import { RecordJsonLines } from '../../report/index.js';
import type { CommandEnv } from '../command-env.js';
import { forEachRecordBatch, resolveInputs } from '../input.js';
import { type InputOptions, addInputOptions, parseCount, parserFor } from '../options.js';
import { parseFileInParallel } from '../parse-parallel/index.js';
import { warnDatesMonthFirst, warnFormatUnmatched } from '../pipeline.js';

/** Plain files at least this large are decoded on several threads; smaller ones are not worth starting workers for. */
const parallelMinBytes = 64 << 20;
/** Bytes read per chunk: one unit of work for a worker or the main thread. */
const chunkBytes = 1 << 18;
const maxJobs = 3;

/** Workers by default: one a core besides the main thread's, up to {@link maxJobs}; none on a single core. */
function defaultJobs(): number {
  return Math.min(availableParallelism() - 1, maxJobs);
}

/** Registers `mosqlog parse`. */
export function registerParse(program: Command, env: CommandEnv): void {
  addInputOptions(program.command('parse'))
    .description('decode every line into a typed record, one JSON object per line (NDJSON)')
    .option('--raw', "include each line's raw text (always included for unknown lines)", false)
    .option('--jobs <n>', `worker threads that decode plain files of ${parallelMinBytes >> 20} MiB or more with the main thread (default: one per CPU core but one, at most ${maxJobs}; 0: none)`, parseCount('--jobs', 0))
    .addHelpText('after', `
Each object has file, line, time (ISO 8601 UTC or null), type, family and the record's fields.
Record types and fields: docs/records.md. The output is the same with or without worker threads.

Examples:
  mosqlog parse mosquitto.log
  docker logs broker 2>&1 | mosqlog parse - | jq 'select(.type == "unknown")'
  mosqlog parse --timestamp-format '%d.%m.%Y %H:%M:%S' --tz Europe/Berlin broker.log`)
    .action(async (files: string[], options: InputOptions & { raw: boolean; jobs?: number }) => {
      const parser = parserFor(options);
      const sources = await resolveInputs(files, env.io, parser);
      const jobs = options.jobs ?? defaultJobs();
      const lines = new RecordJsonLines(options.raw);
      // Each file is read with what the one before left, as forEachRecordBatch does.
      let carried: LineContext = {};
      // Lines, and lines the forced format read, of files decoded on several threads; the parser
      // here counts the others.
      const read = { lines: 0, matched: 0 };
      for (const source of sources) {
        const { plainFile } = source;
        if (jobs > 0 && plainFile !== null && (source.size ?? 0) >= parallelMinBytes) {
          const settings = { jobs, chunkBytes, raw: options.raw, maxLength: defaultMaxLineLength };
          const stats = await parseFileInParallel({ ...source, plainFile }, parser, settings, (json, written) => env.stdout.write(json, written), carried);
          carried = stats.end;
          read.lines += stats.lines;
          read.matched += stats.forcedMatches;
          continue;
        }
        carried = await forEachRecordBatch([source], parser, async (batch) => {
          for (const record of batch) lines.add(record);
          read.lines += batch.length;
          await env.stdout.write(lines.take());
        }, carried);
      }
      if (parser.forcedFormatMatches === 0 && read.matched === 0 && read.lines > 0) warnFormatUnmatched(parser, read.lines, env.io);
      warnDatesMonthFirst(parser, env.io);
    });
}
