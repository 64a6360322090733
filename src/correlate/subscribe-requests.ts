/**
 * Which filters of a SUBSCRIBE the broker granted. 2.1 marks a denied filter `(denied)`; 2.0 and
 * earlier say a filter was denied only by leaving out its `log_type subscribe` line (`CLIENT QOS
 * FILTER`), which a broker logs only when configured to, so what a request's filters came to may
 * be known only once the log shows whether this run of the broker writes those lines.
 */
import type { Qos, SubscriptionRecord, Where } from '../parse/index.js';
import type { Session } from './types.js';

/**
 * Requests whose filters all lacked a grant line kept until the log shows whether it has those
 * lines: the first of a run only, since each holds its session, and a run without grant lines has many.
 */
const undecidedKept = 1000;

/** A filter of a request that has had its topic line and no grant line yet. */
interface AskedFilter {
  filter: string;
  qos: Qos | null;
  truncated: boolean;
  at: Where;
  time: number | null;
}

/** A SUBSCRIBE being handled: its filters that have had a topic line and no grant line yet. */
interface SubscribeRequest {
  client: string;
  /** The client's session, when the log holds its start. */
  session: Session | null;
  filters: AskedFilter[];
}

/** What the requests need of the correlator, and what they tell it. */
export interface SubscribeRequestHooks {
  /** The open session of `client`, when the log holds its start. */
  sessionOf(client: string): Session | null;
  /** The filter asked for at `at` is granted, for good. */
  granted(client: string, at: Where): void;
  /** The filter was denied: the client gets no message on it. */
  denied(client: string, filter: string, qos: Qos | null, at: Where, time: number | null): void;
}

/**
 * Whether a grant line (`CLIENT QOS FILTER`) is that of a filter asked for: the same filter, or,
 * when the broker cut either line at its buffer, the same as far as both go.
 */
function grants(grant: SubscriptionRecord, asked: AskedFilter): boolean {
  if (grant.filter === asked.filter) return true;
  return (grant.truncated === true || asked.truncated) && (asked.filter.startsWith(grant.filter) || grant.filter.startsWith(asked.filter));
}

/**
 * Follows SUBSCRIBE requests through their topic lines, grant lines and SUBACK, in log order,
 * and says of each filter once whether it was granted or denied; a session's `subscriptions`
 * counts its client's filters granted.
 */
export class SubscribeRequests {
  /** The SUBSCRIBE being handled; its SUBACK, or another client's topic line, ends it. */
  private request: SubscribeRequest | null = null;
  /** This run of the broker logs `log_type subscribe` lines: a filter without one was denied. */
  private grantsLogged = false;
  /** This run of the broker logs a SUBSCRIBE's topic lines (`log_type debug`). */
  private topicLinesLogged = false;
  /**
   * Requests that ended, none of whose filters had a grant line, before this run of the broker
   * showed it logs them: counted as granted until a grant line shows their filters were denied.
   */
  private undecided: SubscribeRequest[] = [];
  /** A run of the broker logged topic lines but neither grant lines nor `(denied)`: its denied filters cannot be told. */
  private unjudged = false;
  /**
   * The broker is 2.1 or later, which marks a denied filter `(denied)`: a filter without a grant
   * line there is not denied (a plugin may have changed the filter the grant line names).
   */
  marksDenials = false;

  constructor(private readonly hooks: SubscribeRequestHooks) {}

  /** Whether every run of the broker in the log showed which filters it denied. */
  get filtersJudged(): boolean {
    return !this.unjudged;
  }

  /** A SUBSCRIBE's filter line: a topic line, or the line that grants it. */
  line(r: SubscriptionRecord): void {
    if (r.client === null || r.action !== 'subscribe') return;
    const request = this.request;
    if (r.level === 'subscribe') {
      this.grantsShown();
      const asked = request?.client === r.client ? request.filters.findIndex((f) => grants(r, f)) : -1;
      if (request && asked >= 0) {
        const [granted] = request.filters.splice(asked, 1);
        if (request.session) request.session.subscriptions++;
        if (granted) this.hooks.granted(request.client, granted.at);
      } else if (!this.topicLinesLogged) {
        // A log without topic lines: its grant lines are all it says of subscriptions.
        const session = this.hooks.sessionOf(r.client);
        if (session) session.subscriptions++;
      }
      return;
    }
    this.topicLinesLogged = true;
    // A topic line of another client: the request before it is over (without a SUBACK line).
    if (request !== null && request.client !== r.client) this.settle();
    const at = { file: r.file, line: r.line };
    if (r.denied) {
      // Only 2.1 and later write `(denied)`.
      this.marksDenials = true;
      this.hooks.denied(r.client, r.filter, r.qos ?? null, at, r.time);
      return;
    }
    this.request ??= { client: r.client, session: this.hooks.sessionOf(r.client), filters: [] };
    this.request.filters.push({ filter: r.filter, qos: r.qos ?? null, truncated: r.truncated === true, at, time: r.time });
  }

  /** A SUBSCRIBE came in: the request before it is over, whether or not its SUBACK was logged. */
  subscribed(): void {
    this.settle();
  }

  /**
   * `client` got its SUBACK, or is gone (it gets none): its request's filters without a grant
   * line were not subscribed, when the broker logs grant lines.
   */
  answered(client: string | null): void {
    if (this.request?.client === client) this.settle();
  }

  /**
   * The broker started, stopped or reloaded its configuration: what it logs may change, and what
   * the run before left undecided stays granted.
   */
  newRun(): void {
    this.finish();
    this.grantsLogged = false;
    this.topicLinesLogged = false;
  }

  /** The log ended: what is left undecided is granted. */
  finish(): void {
    this.settle(true);
    if (this.topicLinesLogged && !this.grantsLogged && !this.marksDenials) this.unjudged = true;
    for (const request of this.undecided) this.grantAll(request);
    this.undecided = [];
  }

  /**
   * The SUBSCRIBE being handled is over (its SUBACK): a filter still without its grant line was
   * denied, if the broker logs grant lines; else, or when the log ends, it is taken as granted,
   * and a request whose filters all lacked one waits for a grant line to show they were denied.
   */
  private settle(logEnded = false): void {
    const request = this.request;
    if (request === null) return;
    this.request = null;
    if (this.marksDenials) {
      if (request.session) request.session.subscriptions += request.filters.length;
      this.grantAll(request);
      return;
    }
    if (this.grantsLogged && !logEnded) {
      for (const f of request.filters) this.hooks.denied(request.client, f.filter, f.qos, f.at, f.time);
      return;
    }
    if (request.session) request.session.subscriptions += request.filters.length;
    // A run of the broker without grant lines has many such requests: past the first few, they stay granted.
    if (!logEnded && request.filters.length > 0 && this.undecided.length < undecidedKept) this.undecided.push(request);
    else this.grantAll(request);
  }

  /** The filters of `request` left are granted, for good. */
  private grantAll(request: SubscribeRequest): void {
    for (const f of request.filters) this.hooks.granted(request.client, f.at);
  }

  /** A grant line: this run of the broker logs them, so the requests that had none were denied. */
  private grantsShown(): void {
    if (this.grantsLogged) return;
    this.grantsLogged = true;
    for (const request of this.undecided) {
      if (request.session) request.session.subscriptions -= request.filters.length;
      for (const f of request.filters) this.hooks.denied(request.client, f.filter, f.qos, f.at, f.time);
    }
    this.undecided = [];
  }
}
