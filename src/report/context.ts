/**
 * What every reporter is given besides its data. Reporters are pure: they never read
 * `process`, the clock or the terminal themselves.
 */
import type { ChalkInstance } from 'chalk';

/** Made once per run by the CLI (or a test), and passed unchanged to every reporter of the run. */
export interface ReportContext {
  /** Colour (a level-0 instance when colour is off). */
  chalk: ChalkInstance;
  /** Columns available for tables. */
  width: number;
  /** Zone to show times in: `UTC` or an IANA name. */
  timeZone: string;
  /** The time the report is made. */
  now: Date;
}

/** A reporter: data in, text out. */
export type Reporter<T> = (data: T, ctx: ReportContext) => string;
