/**
 * `mosqlog parse`: every input line as one JSON object (NDJSON), in input order.
 */
import type { Command } from 'commander';
import { RecordJsonLines } from '../../report/index.js';
import type { CommandEnv } from '../command-env.js';
import { forEachRecordBatch, resolveInputs } from '../input.js';
import { type InputOptions, addInputOptions, parserFor } from '../options.js';

/** Registers `mosqlog parse`. */
export function registerParse(program: Command, env: CommandEnv): void {
  addInputOptions(program.command('parse'))
    .description('decode every line into a typed record, one JSON object per line (NDJSON)')
    .option('--raw', "include each line's raw text (always included for unknown lines)", false)
    .addHelpText('after', `
Each object has file, line, time (ISO 8601 UTC or null), type, family and the record's fields.
Record types and fields: docs/records.md.

Examples:
  mosqlog parse mosquitto.log
  docker logs broker 2>&1 | mosqlog parse - | jq 'select(.type == "unknown")'
  mosqlog parse --timestamp-format '%d.%m.%Y %H:%M:%S' --tz Europe/Berlin broker.log`)
    .action(async (files: string[], options: InputOptions & { raw: boolean }) => {
      const parser = parserFor(options);
      const sources = await resolveInputs(files, env.io.stdin, parser);
      const lines = new RecordJsonLines(options.raw);
      await forEachRecordBatch(sources, parser, async (batch) => {
        for (const record of batch) lines.add(record);
        await env.stdout.write(lines.take());
      });
    });
}
