/**
 * Connections that did not become a session: refused by a CONNACK, denied before a CONNECT was
 * read, dropped for breaking the protocol or for a TLS handshake that failed, closed before a
 * CONNECT, or given up without one. Each is counted, kept for listing up to a cap, told as it
 * comes, and, where it is a problem, made a finding that moves with it when a guess of which
 * connection it was is put right.
 */
import type { Where } from '../parse/index.js';
import type { AttemptOutcome, AuthFinding, ConnectionAttempt, Finding, RefusedFinding, SessionEndFinding, TlsFinding } from './types.js';

/** `address:port` as the broker prints it, or the address alone when the port is unknown or the address is a unix socket's path. */
export function endpoint(address: string | null, port: number | null): string | null {
  // A connection to a unix socket listener (2.0) comes from the socket's path, on port 0.
  return address === null ? null : port === null || address.startsWith('/') ? address : `${address}:${port}`;
}

/** Failed connections kept for listing, at most; the rest are counted. */
const attemptsKept = 100_000;

/** What a line said of why a connection failed, besides its outcome. */
export interface AttemptFacts {
  reasonCode?: number | undefined;
  /** When it failed, if not the line's time. */
  time?: number | null;
  /** The connection name of the outgoing bridge whose attempt it was. */
  bridge?: string;
  /** Why, as the broker said (OpenSSL's error, a protocol violation, why it was denied). */
  detail?: string | undefined;
  /** The keepalive an MQTT 3.x client was refused for (CONNACK 2, 2.0.12 on). */
  keepalive?: number;
  /** Its will was over `message_size_limit`. */
  willTooLarge?: boolean;
}

/** Where a connection a guess took came from, after all (null: one the log did not announce). */
export type AttemptSource = Pick<ConnectionAttempt, 'address' | 'port' | 'listenerPort'> | null;

/** What the failed connections tell the correlator. */
export interface FailedConnectionHooks {
  /** A failed connection, whole, as it comes (`follow` writes it at once). */
  told(attempt: ConnectionAttempt): void;
  finding(finding: Finding): void;
}

/** Fed each failed connection in log order; {@link result} is what a correlation says of them. */
export class FailedConnections {
  private readonly kept: ConnectionAttempt[] = [];
  private count = 0;
  private readonly byOutcome: Partial<Record<AttemptOutcome, number>> = {};
  /** The finding of each connection that failed (TLS, protocol error, refused login), to move with a guess put right. */
  private readonly findings = new WeakMap<ConnectionAttempt, TlsFinding | SessionEndFinding | AuthFinding | RefusedFinding>();

  /** `keep`: whether failed connections are kept for listing; they are counted either way. */
  constructor(private readonly keep: boolean, private readonly hooks: FailedConnectionHooks) {}

  /** A connection of `client` (null before it gave an id) from `address`:`port` failed so at `r`. */
  add(
    client: string | null, address: string | null, port: number | null, listenerPort: number | null, r: Where & { time: number | null }, outcome: AttemptOutcome,
    { reasonCode, time, bridge, detail, keepalive, willTooLarge }: AttemptFacts = {},
  ): ConnectionAttempt {
    // A refusal's cause in words, for the attempt alone: the finding has fields of its own for it.
    const why = detail ?? (willTooLarge === true ? 'its will is over message_size_limit' : keepalive === undefined ? undefined
      : keepalive === 0 ? 'no keepalive (0), where max_keepalive is set' : `keepalive ${keepalive}s, over max_keepalive`);
    const attempt: ConnectionAttempt = {
      address, port, listenerPort, client, time: time ?? r.time, at: { file: r.file, line: r.line }, outcome,
      ...(reasonCode !== undefined ? { reasonCode } : {}), ...(why !== undefined ? { detail: why } : {}),
    };
    this.count++;
    this.byOutcome[outcome] = (this.byOutcome[outcome] ?? 0) + 1;
    if (this.keep && this.kept.length < attemptsKept) this.kept.push(attempt);
    this.hooks.told(attempt);
    if (outcome === 'protocol-error') {
      // A connection dropped before it became a session: the broker said its CONNECT broke the protocol.
      this.found(attempt, {
        code: 'protocol-error', severity: 'error', client, time: attempt.time, at: [attempt.at],
        address: endpoint(address, port), ...(detail !== undefined ? { detail } : {}),
      });
    }
    if (outcome === 'not-authorised') {
      const finding: AuthFinding = {
        code: 'auth-failure', severity: 'error', client, time: attempt.time, at: [attempt.at], address: endpoint(address, port),
        ...(reasonCode !== undefined ? { reasonCode } : {}), ...(bridge !== undefined ? { bridge } : {}),
      };
      // A bridge's refusal names the remote broker, which no guess moves.
      if (bridge === undefined) this.found(attempt, finding);
      else this.hooks.finding(finding);
    }
    // A bridge the remote broker turned away for another cause is an attempt of its outage's finding.
    if ((outcome === 'refused' || outcome === 'denied') && bridge === undefined) {
      this.found(attempt, {
        code: 'connection-refused', severity: 'warning', client, time: attempt.time, at: [attempt.at], address: endpoint(address, port),
        ...(reasonCode !== undefined ? { reasonCode } : {}), ...(detail !== undefined ? { detail } : {}), ...(keepalive !== undefined ? { keepalive } : {}),
        ...(willTooLarge === true ? { willTooLarge } : {}),
      });
    }
    return attempt;
  }

  /**
   * A connection whose TLS handshake failed (an outgoing bridge's, to its remote broker): the
   * attempt says why, and a finding tells it, citing the OpenSSL error's line at `errorAt`.
   */
  tlsFailed(attempt: ConnectionAttempt, errorAt: Where | null, bridge?: string): void {
    this.found(attempt, {
      code: 'tls-failure', severity: 'warning', client: bridge === undefined ? null : attempt.client, time: attempt.time,
      at: errorAt === null ? [attempt.at] : [attempt.at, errorAt], address: endpoint(attempt.address, attempt.port), detail: attempt.detail ?? '',
      ...(bridge === undefined ? {} : { bridge }),
    });
  }

  /** Moves an attempt a guess took for the wrong connection to where it came from, and its finding with it. */
  move(attempt: ConnectionAttempt, to: AttemptSource): void {
    attempt.address = to?.address ?? null;
    attempt.port = to?.port ?? null;
    attempt.listenerPort = to?.listenerPort ?? null;
    const finding = this.findings.get(attempt);
    if (finding) finding.address = endpoint(attempt.address, attempt.port);
  }

  /** The failed connections kept, how many there were, and how many of each outcome. */
  result(): { attempts: ConnectionAttempt[]; attemptCount: number; attemptsByOutcome: Partial<Record<AttemptOutcome, number>> } {
    return { attempts: this.kept, attemptCount: this.count, attemptsByOutcome: this.byOutcome };
  }

  private found(attempt: ConnectionAttempt, finding: TlsFinding | SessionEndFinding | AuthFinding | RefusedFinding): void {
    this.findings.set(attempt, finding);
    this.hooks.finding(finding);
  }
}
