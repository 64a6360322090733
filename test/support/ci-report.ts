/**
 * Made-up CI reports for reporter tests that need more findings than any fixture holds.
 */
import { Chalk } from 'chalk';
import { type GateRule, evaluateGate } from '../../src/correlate/gate.js';
import { countFindings } from '../../src/correlate/select.js';
import { type Finding, type FlowFinding, type KeepaliveFinding, correlateRecords } from '../../src/correlate/index.js';
import type { CiReport, ReportContext } from '../../src/report/index.js';
import { fixedNow } from './run-cli.js';

/** A log whose QoS 2 publish stalls at PUBREL, as one text to give on stdin. */
export const stalledOnStdin = [
  '1795700000: mosquitto version 2.0.11 running',
  '1795700001: New client connected from 127.0.0.1:40000 as pub (p2, c1, k60).',
  "1795700001: Received PUBLISH from pub (d0, q2, r0, m1, 'a/b', ... (3 bytes))",
  '1795700001: Sending PUBREC to pub (m1, rc0)',
  '1795700002: Client pub disconnected.',
  '',
].join('\n');

/** A stalled outbound QoS 2 flow of `client`, at line `line` of `file`. */
export function stalledFlow(client: string, mid: number, line: number, file = 'broker.log'): FlowFinding {
  return {
    code: 'flow-incomplete', severity: 'error', client, time: 1_700_000_000_000 + line * 1000, at: [{ file, line }],
    direction: 'out', mid, qos: 2, topic: 'plant/line-1/state', stalledAt: 'pubrec', sessionEnded: false,
  };
}

/** A keepalive timeout of `client`, at line `line`. */
export function keepaliveTimeout(client: string, line: number, file = 'broker.log'): KeepaliveFinding {
  return {
    code: 'keepalive-timeout', severity: 'error', client, time: 1_700_000_000_000 + line * 1000, at: [{ file, line }],
    keepalive: 60, lastActivity: 1_700_000_000_000, gapMs: 90_000,
  };
}

/**
 * A report holding `findings` (most severe first, as the correlator orders them), judged by
 * `rules`. `totals` overrides the counts, e.g. to say more were found than kept.
 */
export function syntheticReport(findings: Finding[], rules: GateRule[], totals?: Partial<Record<Finding['code'], number>>): CiReport {
  const empty = correlateRecords([]);
  const counts = totals ?? countFindings(findings);
  const correlation = { ...empty, findings, findingTotals: counts, lines: 1000, debugLines: true };
  return { correlation, gate: evaluateGate(rules, counts), inputs: ['broker.log'], generatedAt: fixedNow };
}

/** The context `mosqlog report` gives its reporters: no colour, UTC. */
export const plainContext: ReportContext = { chalk: new Chalk({ level: 0 }), width: Number.POSITIVE_INFINITY, timeZone: 'UTC', now: fixedNow };
