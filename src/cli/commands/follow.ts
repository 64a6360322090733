/**
 * `mosqlog follow`: watch a live broker log (or stdin) and print sessions, their ends and
 * problems as they happen, surviving log rotation.
 */
import { Command, Option } from 'commander';
import { type FollowFormatName, followFormats } from '../../report/index.js';
import type { CommandEnv } from '../command-env.js';
import { runFollow } from '../follow/run-follow.js';
import { isGzipFile, refuseDirectoryStdin, refuseImpossiblePath } from '../input.js';
import type { TailStart } from '../follow/tailer.js';
import {
  type ColorOptions, type InputOptions, type MaxOpenOptions, type SelectOptions, UsageError, addFormatOption, addInputOptions, addMaxOpenOption,
  addSelectOptions, parseCount, chalkFor, maxOpenFor, parserFor, reportContext, selectionFor,
} from '../options.js';

interface FollowOptions extends InputOptions, SelectOptions, ColorOptions, MaxOpenOptions {
  lines: number;
  fromStart?: boolean;
  all: boolean;
  format: FollowFormatName;
  dashboard: boolean;
}

/** The time-reading options of the other commands, without their `[files...]` argument. */
function addTimeOptions(command: Command): Command {
  for (const option of addInputOptions(new Command()).options) command.addOption(option);
  return command;
}

/** Registers `mosqlog follow`. */
export function registerFollow(program: Command, env: CommandEnv): void {
  const command = program.command('follow')
    .description('follow a live broker log: print sessions, their ends, problems and the errors and warnings the broker logs as they happen, across log rotation')
    .argument('<file>', 'the log file to follow (it may not exist yet), or - for stdin')
    .addOption(new Option('-n, --lines <n>', 'start with the last N lines of the file (the rest still feeds the analysis)').argParser(parseCount('--lines', 0)).default(0))
    .addOption(new Option('--from-start', 'show the whole file first, then follow').conflicts('lines'))
    .option('--all', 'print every line as well as the events', false)
    .option('--dashboard', 'a live summary redrawn in place, about once a second (needs a terminal)', false);
  addFormatOption(addMaxOpenOption(addSelectOptions(addTimeOptions(command))), Object.keys(followFormats), 'text')
    .addHelpText('after', `
What is printed: session starts and ends with the reason, and findings (keepalive timeouts,
socket errors, takeovers, authentication failures, TLS handshakes that failed, PUBLISH packets
and SUBSCRIBE filters denied, PUBLISH packets too large, messages dropped, QoS flows left
incomplete when their session ends, a bridge down for 10 s, then back), and a QoS 1/2 message
that has waited 30 s for its next step while its client stays connected (WAIT flow-stalled). The file's earlier lines
are always read, silently, so a flow or session that began before you started is still followed. --client, --topic, --since and --until
choose what is printed (--topic narrows flows and findings, and --all's lines to those topics and
the acknowledgements of their messages; session lines name no topic and stay);
relative times count back from now. --until ends the follow once the window has closed: at a
line after it, or for a file 2 s after it by the clock.

Rotation is handled like tail -F: a renamed log is read to its end before the new one is read
from its start (logrotate create, then the broker reopens its log on SIGHUP); copytruncate is
seen as a shrink; a deleted or not yet created file is waited for. Ctrl-C, SIGTERM or SIGHUP
prints a short summary on stderr and exits 0. With -, stdin is read until it ends and every line counts
as new (-n and --from-start do not apply); a named pipe is read the same way, whoever writes to
it, until stopped.

Examples:
  mosqlog follow /var/log/mosquitto/mosquitto.log
  mosqlog follow -n 200 --client 'plc-*' /var/log/mosquitto/mosquitto.log
  mosqlog follow --from-start --all broker.log
  mosqlog follow --format ndjson broker.log | jq -c 'select(.kind == "finding")'
  docker logs -f broker 2>&1 | mosqlog follow -
  mosqlog follow --until 2026-11-29T18:00 broker.log   # until 18:00 UTC, then the summary
  mosqlog follow --dashboard broker.log
  mosqlog follow --dashboard --format ndjson broker.log > events.ndjson   # dashboard on stderr`)
    .action(async (file: string, options: FollowOptions, cmd: Command) => {
      const all = { ...cmd.optsWithGlobals(), ...options } as FollowOptions;
      const { io } = env;
      if (file === '-') refuseDirectoryStdin(io.stdin);
      else await refuseImpossiblePath(file);
      if (file !== '-' && (await isGzipFile(file))) throw new UsageError(`${file} is gzipped; follow reads a plain log as it grows (read this one whole: mosqlog ${file})`);
      const machine = followFormats[all.format].machine;
      let dashboard = null;
      if (all.dashboard) {
        if (!io.stdoutIsTTY && !io.stderrIsTTY) throw new UsageError('--dashboard needs a terminal on stdout or stderr');
        const onStdout = io.stdoutIsTTY;
        const ctx = { ...reportContext(all, io, false), chalk: chalkFor(all, { ...io, stdoutIsTTY: true }, false), width: io.columns ?? 80 };
        dashboard = { stream: onStdout ? io.stdout : io.stderr, ctx, onStdout };
      }
      const start: TailStart = all.fromStart === true ? 'start' : { lastLines: all.lines };
      await runFollow({
        source: file,
        start,
        // Its lines are written now: a time of day alone is of today, or of a day just before.
        parser: parserFor(all, io.now()),
        format: all.format,
        all: all.all,
        selection: selectionFor(all),
        ...maxOpenFor(all),
        ctx: reportContext(all, io, machine),
        stderrCtx: reportContext(all, { ...io, stdoutIsTTY: io.stderrIsTTY }, false),
        dashboard,
      }, env);
    });
}
