/**
 * Takeovers back and forth: an id taken over the third time within five minutes is two clients
 * sharing it (`takeover-flapping`), and the takeovers that follow it, each within five minutes of
 * the one before, count in the same finding until the run is over.
 */
import type { Where } from '../parse/index.js';
import type { FlappingFinding } from './types.js';

/** How close takeovers come to count together. */
export const flappingWindowMs = 5 * 60_000;
/** Takeovers within the window that make a run. */
const flappingCount = 3;
/** Lines a flapping finding names, at most: the takeover that made it, the ones it counted before it, then those after it. */
const flappingEvidence = 20;

/** One client's takeovers, as the watch needs them. */
export interface Takeovers {
  /** Its last takeovers, when and where, at most one more than make it flap. */
  recent: Array<{ time: number; at: Where; inferred: boolean }>;
  /** The finding of a run still going on (each takeover within the window of the one before), and when the run began. */
  run: { finding: FlappingFinding; since: number } | null;
}

/** Fed each timed takeover in log order; says when a run's finding changes no more. */
export class FlappingWatch {
  /** The runs that may go on. */
  private readonly going = new Set<Takeovers>();

  constructor(private readonly settled: (finding: FlappingFinding) => void) {}

  /** Whether a run may go on: {@link before} has work to do. */
  get watching(): boolean {
    return this.going.size > 0;
  }

  /**
   * A takeover of `client` at `time`, `inferred` when no takeover line said it (a connect of the
   * id while its session was open): returns the finding of the run it begins, if it begins one.
   */
  takeover(t: Takeovers, client: string, time: number, at: Where, inferred: boolean): FlappingFinding | null {
    // The last takeovers only: those in the window now reached the count with this one when
    // the one before them is out of it.
    const recent = t.recent;
    const within = (x: { time: number } | undefined): boolean => x !== undefined && time - x.time <= flappingWindowMs;
    // A run that goes on is the same flapping: its finding counts this takeover too.
    const run = t.run;
    if (run !== null && within(recent[recent.length - 1])) {
      run.finding.takeovers++;
      run.finding.inferred &&= inferred;
      run.finding.windowMs = time - run.since;
      if (run.finding.at.length < flappingEvidence) run.finding.at.push(at);
    } else this.over(t);
    recent.push({ time, at, inferred });
    if (recent.length > flappingCount + 1) recent.shift();
    if (t.run !== null || !within(recent[recent.length - flappingCount]) || within(recent[recent.length - flappingCount - 1])) return null;
    const before = recent.slice(-flappingCount, -1);
    const since = before[0]?.time ?? time;
    const finding: FlappingFinding = {
      // The takeover that made it first, as its time is this one's; then those it counted before it.
      code: 'takeover-flapping', severity: 'error', client, time, at: [at, ...before.map((x) => x.at)],
      takeovers: flappingCount, windowMs: time - since, inferred: inferred && before.every((x) => x.inferred),
    };
    t.run = { finding, since };
    this.going.add(t);
    return finding;
  }

  /** The log reached `time`: runs whose last takeover is more than the window before it are over. */
  before(time: number): void {
    for (const t of this.going) {
      const last = t.recent[t.recent.length - 1];
      if (last === undefined || time - last.time > flappingWindowMs) this.over(t);
    }
  }

  /** Whether the client's last takeover was within the window before `time`: a run may yet begin or go on. */
  recentAt(t: Takeovers, time: number): boolean {
    const last = t.recent[t.recent.length - 1];
    return last !== undefined && time - last.time <= flappingWindowMs;
  }

  /** The client's run of takeovers is over: its finding changes no more. */
  private over(t: Takeovers): void {
    const run = t.run;
    if (run === null) return;
    t.run = null;
    this.going.delete(t);
    this.settled(run.finding);
  }
}
