/**
 * What the CI reporters (`mosqlog report`) are given, and the views of it they share:
 * findings per code, how many were counted but not listed, and a finding's facts as text.
 */
import type { GateResult, RuleResult } from '../../correlate/gate.js';
import { type Correlation, type Finding, type FindingCode, type SessionOverview, findingCodes, flowFindingCodes, packetFindingCodes } from '../../correlate/index.js';
import { packetLines } from '../finding-text.js';
import { formatTime, safeText } from '../text.js';

/** One run of `mosqlog report`: the (selected) correlation, the gate verdict, and where it came from. */
export interface CiReport {
  correlation: Correlation;
  gate: GateResult;
  /** The inputs as named on the command line (`-` for stdin). */
  inputs: string[];
  generatedAt: Date;
  /** The selection options as given (`--client a --since 1h`), when the report is of part of the log. */
  selection?: string;
  /**
   * The inputs that lie in the repository a CI job checked out, by name, with their paths from
   * its root: GitHub links an annotation's file to the repository.
   */
  repositoryPaths?: Record<string, string>;
  /** The warnings written to stderr as the logs were read (without `mosqlog: warning: `): a report read elsewhere shows them too. */
  warnings?: string[];
  /**
   * What all the selected sessions came to, when `correlation.sessions` holds some of them
   * only (the first and the latest, for the HTML page); without it, those are all.
   */
  sessionOverview?: SessionOverview;
}

/** How many findings of a code the gate counted. */
export function countOf(report: CiReport, code: FindingCode): number {
  return report.gate.counts[code] ?? 0;
}

/** The listed findings of one code, in correlation order (by time). */
export function findingsOf(report: CiReport, code: FindingCode): Finding[] {
  return report.correlation.findings.filter((f) => f.code === code);
}

/** Findings counted but not listed, because the correlator keeps a capped number per code. */
export function unlistedOf(report: CiReport, code: FindingCode, listed: number): number {
  return Math.max(0, countOf(report, code) - listed);
}

/** Codes that have findings, most severe first. */
export function codesFound(report: CiReport): FindingCode[] {
  return findingCodes.filter((code) => countOf(report, code) > 0);
}

/** The gate rule for a code, when there is one. */
function ruleOf(report: CiReport, code: FindingCode): RuleResult | undefined {
  return report.gate.rules.find((r) => r.code === code);
}

/** True when findings of this code make the gate fail. */
export function isFailing(report: CiReport, code: FindingCode): boolean {
  return ruleOf(report, code)?.passed === false;
}

/** The rules that failed. */
export function failedRules(report: CiReport): RuleResult[] {
  return report.gate.rules.filter((r) => !r.passed);
}

const timeFields = new Set(['time', 'lastActivity']);
const omittedFields = new Set(['code', 'severity', 'at']);

/**
 * A finding's own fields as `[name, value]` text pairs, made terminal-safe: times in the zone,
 * strings through {@link safeText}, lists joined. Absent values are left out.
 */
export function findingFacts(f: Finding, timeZone: string): Array<[string, string]> {
  const facts: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(f)) {
    if (omittedFields.has(name) || value === undefined || value === null) continue;
    if (timeFields.has(name) && typeof value === 'number') facts.push([name, formatTime(value, timeZone)]);
    else if (Array.isArray(value)) facts.push([name, value.map((v) => safeText(String(v))).join(' | ')]);
    else facts.push([name, safeText(String(value))]);
  }
  return facts;
}

const packetCodes: ReadonlySet<FindingCode> = new Set<FindingCode>(packetFindingCodes);
/**
 * Codes whose findings come from the broker's connection lines (`New client connected`, `Client X
 * disconnected`, timeouts, takeovers), which `log_type notice` with `connection_messages true`
 * gives; a refused login also shows in its CONNACK, a packet line.
 */
const connectionCodes: ReadonlySet<FindingCode> = new Set<FindingCode>(['keepalive-timeout', 'protocol-error', 'auth-failure', 'takeover-flapping', 'socket-error', 'dropped-by-broker', 'tls-failure', 'connection-refused', 'takeover']);

/** Whether findings of `code` come from packet lines alone (`log_type debug`). */
export function isPacketCode(code: FindingCode): boolean {
  return packetCodes.has(code);
}

/** Whether the log holds any connection line: a new connection, a client connected, or an end. */
function hasConnectionLines(c: CiReport['correlation']): boolean {
  const types = c.recordTypes;
  return (types.connection ?? 0) + (types['client-connected'] ?? 0) + (types.disconnect ?? 0) > 0;
}
const flowCodes: ReadonlySet<FindingCode> = new Set<FindingCode>(flowFindingCodes);

/** A rule that passed without being checked, or fully checked: what to call it, and why (which starts with that). */
export interface Unchecked {
  label: 'not checked' | 'not fully checked';
  reason: string;
}

function unchecked(label: Unchecked['label'], why: string): Unchecked {
  return { label, reason: `${label}: ${why}` };
}

/**
 * Whether a rule that passed could not be checked (its findings come from lines the log lacks),
 * or not fully (the tracking limit dropped flows its findings are about), and why; null when it
 * was. A rule that failed was checked: what it counted is there whatever was missed.
 */
export function uncheckedRule(report: CiReport, rule: Pick<RuleResult, 'code' | 'passed'>): Unchecked | null {
  const c = report.correlation;
  if (!rule.passed) return null;
  if (connectionCodes.has(rule.code) && !hasConnectionLines(c) && !(rule.code === 'auth-failure' && c.debugLines)) {
    return unchecked('not checked', 'the log has no connection lines (New client connected, Client … disconnected: log_type notice with connection_messages true), which connections and how they ended are known by');
  }
  if (!packetCodes.has(rule.code)) return null;
  if (!c.debugLines) return unchecked('not checked', `the log has no ${packetLines}, which QoS flows, denied or dropped PUBLISH and SUBSCRIBE packets, and the CONNACK that says a session was kept are known by`);
  // 2.1 says a filter is denied; before, only the grant line it lacks does.
  if (rule.code === 'subscribe-denied' && !c.filtersJudged) {
    return unchecked('not checked', 'the broker logged SUBSCRIBE requests without log_type subscribe lines, which show the filters a broker before 2.1 granted');
  }
  if (flowCodes.has(rule.code) && c.evicted.flows > 0) {
    return unchecked('not fully checked', `the tracking limit (--max-open) dropped ${c.evicted.flows} QoS flow(s) before they ended, and what became of them is not counted`);
  }
  // A log taken from a running broker may end just after a stalled message: its flow is still in flight.
  const inFlight = c.flowTotals.qos1.inFlight + c.flowTotals.qos2.inFlight;
  if (rule.code === 'flow-incomplete' && inFlight > 0) {
    return unchecked('not fully checked', `${inFlight} QoS flow(s) were still in flight when the log ended (waiting less than 10 s with their client connected, or held for a client away with its kept session), and whether they complete is not known`);
  }
  return null;
}
