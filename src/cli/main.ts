/**
 * The command line: wires commander to the parse, correlate and report layers.
 * `main(argv, io)` returns the exit code and touches no `process`; `run` gives it the real
 * process's streams and signals, for bin/ to set the exit code.
 *
 * Exit codes: 0 = ran (and passed any gate), 1 = ran and a `--fail-on` rule failed,
 * 2 = usage error, unreadable input, or a crash.
 */
import { getEventListeners, once } from 'node:events';
import { Command, CommanderError } from 'commander';
import type { CommandEnv, RegisterCommand } from './command-env.js';
import { InputError } from './input.js';
import { ClosedOutput, type Io, OutputSink } from './io.js';
import { UsageError } from './options.js';

const exitCodes = { ok: 0, failed: 1, error: 2 } as const;

/** A module of commands, loaded when a run needs it; `names` are the commands it registers. */
interface CommandModule {
  names: readonly string[];
  load(): Promise<RegisterCommand>;
}

/** The command modules, in the order `--help` lists their commands. */
const commandModules: readonly CommandModule[] = [
  { names: ['summary', 'sessions', 'flows', 'problems'], load: async () => (await import('./commands/views.js')).registerViews },
  { names: ['timeline'], load: async () => (await import('./commands/timeline.js')).registerTimeline },
  { names: ['report'], load: async () => (await import('./commands/report.js')).registerReport },
  { names: ['follow'], load: async () => (await import('./commands/follow.js')).registerFollow },
  { names: ['parse'], load: async () => (await import('./commands/parse.js')).registerParse },
];

/**
 * The command modules a run needs: the one whose command its first word names (the options
 * before it, `--color` and the like, take no value), so that `mosqlog parse` loads no code of
 * the other commands; every module otherwise (the default command on files, help, the version).
 */
function modulesFor(argv: readonly string[]): readonly CommandModule[] {
  const first = argv.find((arg) => !arg.startsWith('-'));
  const named = first === undefined ? undefined : commandModules.find((m) => m.names.includes(first));
  return named === undefined ? commandModules : [named];
}

/** The terminal's width: what it reports, else `COLUMNS` (a terminal that reports 0 × 0, a serial console). */
function withColumns(io: Io): Io {
  if (io.columns) return io;
  const fromEnv = Number(io.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? { ...io, columns: fromEnv } : io;
}

/** What commander throws after it printed what was asked for (help, the version). */
const answeredCodes: ReadonlySet<string> = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], given: Io): Promise<number> {
  const io = withColumns(given);
  const stdout = new OutputSink(io.stdout);
  const errors: string[] = [];
  let code: number = exitCodes.ok;

  const helpWidth = io.stdoutIsTTY && io.columns ? io.columns : 80;
  // Help and version to stdout, commander's errors kept to be said in one line.
  const output = {
    writeOut: (text: string) => void stdout.write(text).catch(() => undefined),
    writeErr: (text: string) => void io.stderr.write(text),
    outputError: (text: string) => errors.push(text.trim()),
    getOutHelpWidth: () => helpWidth,
    getErrHelpWidth: () => helpWidth,
  };
  const program = new Command('mosqlog')
    .description('Turn Eclipse Mosquitto broker logs into answers: sessions, QoS flows, problems and CI reports.')
    .version('0.1.0', '-V, --version')
    .exitOverride()
    .configureOutput(output)
    .option('--color', 'colour output even when stdout is not a terminal')
    .option('--no-color', 'never colour output (NO_COLOR in the environment does the same)')
    .option('--debug', 'show stack traces for internal errors')
    .showHelpAfterError(false)
    .addHelpText('after', `
Without a command, files run summary: mosqlog broker.log is mosqlog summary broker.log.
Each command's --help lists its options and examples.`);

  const env: CommandEnv = { io, stdout, gateFailed: () => { code = exitCodes.failed; } };
  for (const register of await Promise.all(modulesFor(argv).map((m) => m.load()))) register(program, env);

  for (const command of program.commands) command.exitOverride().configureOutput(output);

  // commander answers `help <unknown>`, and `help help`, with the main help on stderr and success.
  const topic = argv[0] === 'help' ? argv[1] : undefined;
  const names = program.commands.map((c) => c.name());
  if (topic !== undefined && topic !== 'help' && !names.includes(topic)) {
    io.stderr.write(`mosqlog: help: no command ${topic} (the commands are ${names.join(', ')})\n`);
    return exitCodes.error;
  }

  try {
    await program.parseAsync(topic === 'help' ? ['--help'] : [...argv], { from: 'user' });
  } catch (error) {
    // Help and the version are output too: a full disk under them is an error.
    const failure = error instanceof CommanderError && answeredCodes.has(error.code) ? await stdout.settled().then(() => error, (e: unknown) => e) : error;
    code = handleError(failure, errors, io, program.opts<{ debug?: boolean }>().debug === true, argv, program);
  }
  return code;
}

/**
 * `mosqlog sesions log` reads `sesions` as a file for the default command: when that file is
 * missing and its name is one slip from a command, the error says which.
 */
function commandHint(error: Error, argv: readonly string[], program: Command): string {
  const first = argv[0];
  if (first === undefined || error.message !== `${first}: no such file`) return '';
  const names = program.commands.map((c) => c.name());
  const near = names.find((name) => editDistance(first, name) <= 2);
  return near === undefined ? '' : ` (did you mean the command ${near}?)`;
}

/** Levenshtein distance between two short words. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

function handleError(error: unknown, errors: string[], io: Io, debug: boolean, argv: readonly string[], program: Command): number {
  if (error instanceof ClosedOutput) return exitCodes.ok;
  if (error instanceof CommanderError) {
    if (answeredCodes.has(error.code)) return exitCodes.ok;
    // One line: commander may add a "(Did you mean …?)" line, which the first line already names.
    const message = (errors[0] ?? error.message).split('\n')[0] ?? '';
    io.stderr.write(`mosqlog: ${message.replace(/^error: /, '')}\n`);
    return exitCodes.error;
  }
  if (error instanceof UsageError || error instanceof InputError) {
    io.stderr.write(`mosqlog: ${error.message}${commandHint(error, argv, program)}\n`);
    return exitCodes.error;
  }
  const message = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  // A full disk or a broken device under stdout is the output's fault, not mosqlog's.
  const output = (error as NodeJS.ErrnoException | null)?.syscall === 'write';
  io.stderr.write(`mosqlog: ${output ? 'cannot write output' : 'internal error'}: ${message}\n`);
  return exitCodes.error;
}

/** The signals that ask a run to stop. */
const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs against the real process. SIGINT, SIGTERM and SIGHUP (the terminal or SSH session closed)
 * abort `io.signal`; a command that listens for it (`follow`) stops cleanly. The others say on
 * stderr that they were interrupted and then end by the signal itself, so a shell sees 130, 143
 * or 129 and a script loop stops. A second signal always has its default effect.
 */
export async function run(argv: readonly string[]): Promise<number> {
  const stop = new AbortController();
  const detach = (): void => {
    for (const signal of stopSignals) process.off(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    detach();
    if (getEventListeners(stop.signal, 'abort').length > 0) {
      stop.abort(signal);
      return;
    }
    // Written synchronously (stderr is a file, pipe or terminal), before the default effect.
    process.stderr.write(`mosqlog: interrupted by ${signal}\n`);
    process.kill(process.pid, signal);
  }
  for (const signal of stopSignals) process.on(signal, onSignal);
  // Diagnostics for a stderr nobody reads any more (`2>&1 | head`) are dropped, not a crash.
  process.stderr.on('error', () => undefined);
  let code: number = exitCodes.error;
  try {
    code = await main(argv, {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      stdoutIsTTY: process.stdout.isTTY === true,
      stderrIsTTY: process.stderr.isTTY === true,
      ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
      now: () => new Date(),
      signal: stop.signal,
    });
  } finally {
    detach();
  }
  // Stopped by the user while a reader holds up stdout (`| less`): what it has not taken is
  // dropped rather than waited for, once the summary on stderr is out. Node cannot close its
  // stdout (`destroy` leaves the writes pending), so only an exit drops them.
  if (stop.signal.aborted && process.stdout.writableLength > 0) {
    if (process.stderr.writableLength > 0) await once(process.stderr, 'drain');
    process.exit(code);
  }
  return code;
}
