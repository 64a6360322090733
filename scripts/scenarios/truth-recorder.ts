import type { ScenarioTruth, TruthDeniedPublish, TruthEndReason, TruthFlow, TruthSession } from '../../test/support/truth.js';

/** How a driver describes a connection the broker accepted. */
export interface SessionStart {
  cleanSession: boolean;
  keepalive: number;
  username?: string;
}

/**
 * Collects a scenario's truth as the driver acts and observes, in the order things happen.
 * Drivers call it only with what they did or saw on their own sockets, never with log content.
 */
export class TruthRecorder {
  private readonly sessions: TruthSession[] = [];
  private readonly incompleteFlows: TruthFlow[] = [];
  private readonly completedFlows: Record<string, number> = {};
  private readonly notes: string[] = [];
  private readonly denied: TruthDeniedPublish[] = [];
  private refused = 0;

  constructor(
    private readonly scenario: string,
    private readonly brokerVersion: string,
  ) {}

  /** Records an accepted CONNECT (CONNACK return code 0). Call when the CONNACK arrives. */
  openSession(client: string, start: SessionStart): TruthSession {
    const session: TruthSession = {
      client,
      endReason: 'open',
      cleanSession: start.cleanSession,
      keepalive: start.keepalive,
      ...(start.username === undefined ? {} : { username: start.username }),
    };
    this.sessions.push(session);
    return session;
  }

  /** Records how a session ended; the first reason given wins. */
  endSession(session: TruthSession, reason: TruthEndReason): void {
    if (session.endReason === 'open') session.endReason = reason;
  }

  /** Marks every session still open as ended by the broker going away. */
  endOpenSessions(reason: TruthEndReason): void {
    for (const session of this.sessions) this.endSession(session, reason);
  }

  /** Counts one QoS 1/2 flow the driver saw finish (final ack received or sent). */
  completeFlow(client: string, direction: 'in' | 'out'): void {
    const key = `${client}/${direction}`;
    this.completedFlows[key] = (this.completedFlows[key] ?? 0) + 1;
  }

  /** Records a flow left unfinished on purpose, or refused by the broker. */
  addIncompleteFlow(flow: TruthFlow): void {
    this.incompleteFlows.push(flow);
  }

  /** Counts a CONNECT the broker answered with a non-zero CONNACK return code. */
  refuseConnection(): void {
    this.refused += 1;
  }

  /** Records a PUBLISH sent where the ACL denies it. */
  denyPublish(denied: TruthDeniedPublish): void {
    this.denied.push(denied);
  }

  /** Adds a sentence for people reading the fixture. */
  note(text: string): void {
    this.notes.push(text);
  }

  /** The truth so far, as plain data ready for JSON. */
  toTruth(): ScenarioTruth {
    const sortedCompleted = Object.fromEntries(
      Object.entries(this.completedFlows).sort(([a], [b]) => a.localeCompare(b)),
    );
    return {
      scenario: this.scenario,
      brokerVersion: this.brokerVersion,
      sessions: this.sessions.map((s) => ({ ...s })),
      incompleteFlows: this.incompleteFlows.map((f) => ({ ...f })),
      completedFlows: sortedCompleted,
      refusedConnections: this.refused,
      ...(this.denied.length > 0 ? { deniedPublishes: this.denied.map((d) => ({ ...d })) } : {}),
      ...(this.notes.length > 0 ? { notes: this.notes.join(' ') } : {}),
    };
  }
}
