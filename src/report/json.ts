/**
 * JSON shapes of correlation data: the same objects with times as ISO 8601 UTC strings
 * (null when unknown). Field names are the documented schema (docs/json.md).
 */
import { type ConnectionAttempt, type Correlation, type Finding, type FindingCounts, type Flow, type PacketCounts, type Session, findingCodes } from '../correlate/index.js';
import { describeFinding, findingTitle, loggedText } from './finding-text.js';
import { isoTime } from './record-json.js';

/** A session for JSON output. */
export function sessionJson(s: Session): Record<string, unknown> {
  return {
    ...s, start: isoTime(s.start), end: isoTime(s.end), lastActivity: isoTime(s.lastActivity),
    packetsIn: seenOnly(s.packetsIn), packetsOut: seenOnly(s.packetsOut),
  };
}

/** Finding counts by code, most severe first (the order the tables list them in), not as they arose. */
export function findingTotalsJson(totals: FindingCounts): FindingCounts {
  return Object.fromEntries(findingCodes.filter((code) => totals[code] !== undefined).map((code) => [code, totals[code]]));
}

/** Packet counts without the commands never seen. */
function seenOnly(counts: PacketCounts): Partial<PacketCounts> {
  const seen: Partial<PacketCounts> = {};
  for (const [cmd, n] of Object.entries(counts) as Array<[keyof PacketCounts, number]>) if (n > 0) seen[cmd] = n;
  return seen;
}

/** A flow for JSON output. */
export function flowJson(f: Flow): Record<string, unknown> {
  return { ...f, steps: f.steps.map((s) => ({ ...s, time: isoTime(s.time) })) };
}

/** A finding for JSON output: its code's title and its message in words first, then its fields. */
export function findingJson(f: Finding): Record<string, unknown> {
  const { code, severity, client, time, at, ...fields } = f;
  const out: Record<string, unknown> = {
    code, severity, title: findingTitle(f), message: describeFinding(f), client, time: isoTime(time), at: at.map((w) => ({ file: w.file, line: w.line })), ...fields,
  };
  if ('lastActivity' in f) out.lastActivity = isoTime(f.lastActivity);
  return out;
}

/** A connection attempt for JSON output. */
export function attemptJson(a: ConnectionAttempt): Record<string, unknown> {
  return { ...a, time: isoTime(a.time) };
}

/** The summary document (`mosqlog summary --format json`). */
export function summaryJson(c: Correlation): Record<string, unknown> {
  return {
    span: { first: isoTime(c.first), last: isoTime(c.last), durationMs: c.first !== null && c.last !== null ? c.last - c.first : null, wholeSeconds: c.wholeSeconds },
    broker: { versions: c.brokerVersions, ...(c.brokerEra !== undefined ? { era: c.brokerEra } : {}), starts: c.brokerStarts, failedStarts: c.brokerFailedStarts, reloads: c.brokerReloads },
    lines: c.lines,
    records: c.records,
    recordTypes: c.recordTypes,
    unknown: { count: c.unknown, examples: c.unknownExamples },
    otherProgramLines: c.otherProgramLines,
    clients: c.clients,
    clientsCapped: c.clientsCapped,
    sessions: { total: c.sessionCount, byEndReason: c.sessionsByEnd, ...(c.sessionsFromConnack > 0 ? { fromConnack: c.sessionsFromConnack } : {}) },
    troubledClients: c.troubledClients,
    troubledClientsCapped: c.troubledClientsCapped,
    attempts: { total: c.attemptCount, byOutcome: c.attemptsByOutcome },
    flows: c.flowTotals,
    latencyMs: c.latency,
    orphanAcks: c.orphanAcks,
    debugLines: c.debugLines,
    problems: findingTotalsJson(c.findingTotals),
    errorsAndWarnings: c.loggedMessages.map((m) => ({ level: m.level, count: m.count, format: m.format, message: loggedText(m), time: isoTime(m.time), at: m.at })),
    topClients: c.topClients,
    topTopics: c.topTopics,
    topClientsCapped: c.topClientsCapped,
    topTopicsCapped: c.topTopicsCapped,
    perMinute: c.perMinute.map(([minute, count]) => ({ minute: isoTime(minute), count })),
    evicted: c.evicted,
  };
}
