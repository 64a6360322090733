/**
 * `mosqlog parse`: every input line as one JSON object (NDJSON), in input order.
 */
import type { Command } from 'commander';
import { type LineContext, defaultMaxLineLength } from '../../parse/index.js';
// The JSON writer alone: `parse` loads nothing else of the report layer.
import { RecordJsonLines } from '../../report/record-json.js';
import type { CommandEnv } from '../command-env.js';
import { forEachRecordBatch, resolveInputs } from '../input.js';
import { type InputTally, tallyFor, tallyRecord } from '../input-tally.js';
import { warnAboutInputs } from '../input-warnings.js';
import { type InputOptions, type JobsOptions, addInputOptions, addJobsOption, jobsFor, parserFor } from '../options.js';
import { ParseWorkers, parseFileInParallel } from '../parse-parallel/index.js';
import { decodedInParallel, parallelChunkBytes } from '../parse-parallel/jobs.js';
import { createProgress } from '../progress.js';

/** Registers `mosqlog parse`. */
export function registerParse(program: Command, env: CommandEnv): void {
  addJobsOption(addInputOptions(program.command('parse')), 'write')
    .description('decode every line into a typed record, one JSON object per line (NDJSON)')
    .option('--raw', "include each line's raw text (always included for unknown lines)", false)
    .addHelpText('after', `
Each object has file, line, time (ISO 8601 UTC or null), type, family and the record's fields.
Record types and fields: docs/records.md. The output is the same with or without worker threads.

Examples:
  mosqlog parse mosquitto.log
  docker logs broker 2>&1 | mosqlog parse - | jq 'select(.type == "unknown")'
  mosqlog parse --timestamp-format '%d.%m.%Y %H:%M:%S' --tz Europe/Berlin broker.log`)
    .action(async (files: string[], options: InputOptions & JobsOptions & { raw: boolean }) => {
      const parser = parserFor(options);
      const sources = await resolveInputs(files, env.io, parser);
      const jobs = jobsFor(options, 'write');
      const lines = new RecordJsonLines(options.raw);
      // Each file is read with what the one before left, as forEachRecordBatch does.
      let carried: LineContext = {};
      // What each input held, for the warnings the other commands give too.
      const read = new Map<string, InputTally>();
      const progress = createProgress(env.io, sources);
      // Started for the first file decoded on several threads, and used for each after it.
      const workers = jobs > 0 ? new ParseWorkers(jobs) : null;
      try {
        for (const source of sources) {
          if (workers !== null && decodedInParallel(source, jobs)) {
            const settings = { jobs, chunkBytes: parallelChunkBytes, raw: options.raw, maxLength: defaultMaxLineLength };
            const stats = await parseFileInParallel(source, parser, settings, (json, written) => env.stdout.write(json, written), carried, progress.chunk, workers);
            carried = stats.end;
            if (stats.lines > 0) read.set(source.name, stats.tally);
            continue;
          }
          carried = await forEachRecordBatch([source], parser, async (batch) => {
            const file = batch[0]?.file;
            const tally = file === undefined ? undefined : tallyFor(read, file);
            for (const record of batch) {
              lines.add(record);
              if (tally) tallyRecord(tally, record);
              progress.line(record.raw.length);
            }
            await env.stdout.write(lines.take());
          }, carried);
        }
      } finally {
        progress.done();
        await workers?.stop();
      }
      // Its output shows an empty input, or one of no broker line, for what it is.
      warnAboutInputs(sources, read, parser, env.io, { unread: false });
    });
}
