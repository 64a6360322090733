/**
 * What a command module gets when it registers itself with the program.
 */
import type { Command } from 'commander';
import type { Io, OutputSink } from './io.js';

/** Made once by main.ts and given to every command module as it registers; the commands' only way out. */
export interface CommandEnv {
  io: Io;
  /** stdout with backpressure and quiet EPIPE handling. */
  stdout: OutputSink;
  /** Says a `--fail-on` gate failed: the run ends with exit code 1 (`exitCodes` in main.ts). */
  gateFailed(): void;
}

/** A command module: adds its command (with help, examples and action) to the program. */
export type RegisterCommand = (program: Command, env: CommandEnv) => void;
