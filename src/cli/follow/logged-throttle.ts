/**
 * How often `mosqlog follow` says the broker's errors and warnings: each message format the
 * first time it comes while following, then at most once every {@link loggedRepeatMs} of the
 * log's time, so that a broker repeating an error many times a second fills no screen. The lines
 * not said are counted in the next one said.
 */
import type { LoggedEvent } from '../../correlate/index.js';

/** The least time of the log between two lines said of one format. */
export const loggedRepeatMs = 10 * 60_000;

/** One per `follow` run: asked of each error or warning the broker logs whether it is said now. */
export class LoggedThrottle {
  /** By format: the time of the line last said (null when it had none), and the lines since, that one left out. */
  private readonly said = new Map<string, { time: number | null; since: number }>();

  /** How many lines of its format came since the one said before, this one included, when `e` is to be said; null when it is not. */
  admit(e: LoggedEvent): number | null {
    const time = e.record.time;
    const last = this.said.get(e.record.format);
    if (last === undefined) {
      this.said.set(e.record.format, { time, since: 0 });
      return 1;
    }
    last.since++;
    // An untimed line is said once: there is no time to space the others by.
    if (time === null || last.time === null || time - last.time < loggedRepeatMs) return null;
    const count = last.since;
    last.time = time;
    last.since = 0;
    return count;
  }
}
