/**
 * The machine-readable report: findings and the gate verdict in a stable, versioned shape
 * (documented in docs/ci.md). Times are ISO 8601 UTC strings or null.
 */
import type { ReportContext } from '../context.js';
import { findingJson } from '../json.js';
import { isoTime, toJsonText } from '../record-json.js';
import { type CiReport, codesFound, countOf, findingsOf, uncheckedRule, unlistedOf } from './ci-report.js';

/** Bumped when a field changes meaning or goes away; new fields may appear without a bump. */
const ciJsonSchemaVersion = 1;

/** Renders the report as one pretty-printed JSON document (with a final newline). */
export function renderCiJson(report: CiReport, _ctx: ReportContext): string {
  const { correlation: c, gate } = report;
  const counts: Record<string, number> = {};
  const unlisted: Record<string, number> = {};
  for (const code of codesFound(report)) {
    counts[code] = countOf(report, code);
    const n = unlistedOf(report, code, findingsOf(report, code).length);
    if (n > 0) unlisted[code] = n;
  }
  const doc = {
    schemaVersion: ciJsonSchemaVersion,
    tool: 'mosqlog',
    generatedAt: isoTime(report.generatedAt.getTime()),
    inputs: report.inputs,
    selection: report.selection ?? null,
    warnings: report.warnings ?? [],
    gate: {
      passed: gate.passed,
      enforced: gate.enforced,
      // A rule whose findings come from lines the log lacks, or from flows the tracking limit
      // dropped, passes without being checked, or fully checked, as JUnit and Markdown say too.
      rules: gate.rules.map((r) => {
        const unchecked = uncheckedRule(report, r);
        return { code: r.code, max: r.max, count: r.count, passed: r.passed, checked: unchecked === null, ...(unchecked === null ? {} : { uncheckedReason: unchecked.reason }) };
      }),
    },
    counts,
    unlisted,
    findings: c.findings.map(findingJson),
    log: {
      lines: c.lines,
      first: isoTime(c.first),
      last: isoTime(c.last),
      brokerVersions: c.brokerVersions,
      brokerStarts: c.brokerStarts,
      sessions: c.sessionCount,
      clients: c.clients,
      clientsCapped: c.clientsCapped,
      debugLines: c.debugLines,
      unknownLines: c.unknown,
    },
  };
  return toJsonText(doc, 2) + '\n';
}
