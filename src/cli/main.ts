/**
 * The command line: wires commander to the parse, correlate and report layers.
 * `main(argv, io)` returns the exit code; only bin/ touches `process`.
 *
 * Exit codes: 0 = ran (and passed any gate), 1 = ran and a `--fail-on` rule failed,
 * 2 = usage error, unreadable input, or a crash.
 */
import { Command, CommanderError, Option } from 'commander';
import { LineParser, type ParseOptions } from '../parse/index.js';
import { InputError, resolveInputs } from './input.js';
import { ClosedOutput, type Io, OutputSink } from './io.js';
import { runParse } from './commands/parse.js';

export const exitCodes = { ok: 0, failed: 1, error: 2 } as const;

/** A mistake in how the command was called. */
export class UsageError extends Error {}

interface TimeOptions {
  tz: string;
  timestampFormat?: string;
  year?: number;
}

function parserFor(options: TimeOptions): LineParser {
  const parseOptions: ParseOptions = { tz: options.tz };
  if (options.timestampFormat) parseOptions.timestampFormat = options.timestampFormat;
  if (options.year !== undefined) parseOptions.year = options.year;
  try {
    return new LineParser(parseOptions);
  } catch (error) {
    throw new UsageError(error instanceof RangeError ? error.message : String(error));
  }
}

function parseYear(value: string): number {
  const year = Number(value);
  if (!Number.isInteger(year) || year < 1970 || year > 9999) throw new UsageError(`--year: not a year: ${value}`);
  return year;
}

/** Adds the options every reading command shares. */
function withInputOptions(command: Command): Command {
  return command
    .argument('[files...]', 'log files (plain or .gz); none or - reads stdin')
    .option('--tz <zone>', 'zone of times written without an offset: UTC, local, +01:00 or an IANA name', 'UTC')
    .option('--timestamp-format <strftime>', "the broker's log_timestamp_format, e.g. '%Y-%m-%dT%H:%M:%S' (default: detected)")
    .addOption(new Option('--year <year>', 'year for syslog lines, which carry none (default: this year)').argParser(parseYear));
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const stdout = new OutputSink(io.stdout);
  const errors: string[] = [];
  let code: number = exitCodes.ok;

  const program = new Command('mosqlog')
    .description('Turn Eclipse Mosquitto broker logs into answers: sessions, QoS flows, problems and CI reports.')
    .version('0.1.0', '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text) => errors.push(text.trim()),
    })
    .showHelpAfterError(false);

  withInputOptions(program.command('parse'))
    .description('decode every line into a typed record, one JSON object per line (NDJSON)')
    .option('--raw', 'include each line\'s raw text (always included for unknown lines)', false)
    .addHelpText('after', `
Examples:
  mosqlog parse mosquitto.log
  docker logs broker 2>&1 | mosqlog parse - | jq 'select(.type == "unknown")'
  mosqlog parse --timestamp-format '%d.%m.%Y %H:%M:%S' --tz Europe/Berlin broker.log`)
    .action(async (files: string[], options: TimeOptions & { raw: boolean }) => {
      const parser = parserFor(options);
      const sources = await resolveInputs(files, io.stdin, parser);
      await runParse(sources, parser, stdout, { raw: options.raw });
    });

  for (const command of program.commands) command.exitOverride().configureOutput({
    writeOut: (text) => void io.stdout.write(text),
    writeErr: (text) => void io.stderr.write(text),
    outputError: (text) => errors.push(text.trim()),
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    code = handleError(error, errors, io);
  }
  return code;
}

function handleError(error: unknown, errors: string[], io: Io): number {
  if (error instanceof ClosedOutput) return exitCodes.ok;
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return exitCodes.ok;
    const message = errors[0] ?? error.message;
    io.stderr.write(`mosqlog: ${message.replace(/^error: /, '')}\n`);
    return exitCodes.error;
  }
  if (error instanceof UsageError || error instanceof InputError) {
    io.stderr.write(`mosqlog: ${error.message}\n`);
    return exitCodes.error;
  }
  const debug = io.env.MOSQLOG_DEBUG === '1';
  const message = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  io.stderr.write(`mosqlog: internal error: ${message}\n`);
  return exitCodes.error;
}

/** Runs against the real process. */
export async function run(argv: readonly string[]): Promise<number> {
  return main(argv, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
    now: () => new Date(),
  });
}
