/**
 * GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`) that annotate the
 * log lines findings point at. Findings of a failed rule are errors, the others warnings (or
 * notices for `info` findings); most severe first, capped at what a step may show.
 */
import type { Finding, FindingCode } from '../../correlate/index.js';
import type { ReportContext } from '../context.js';
import { describeFinding, findingTitle } from '../finding-text.js';
import { safeText, stdinFile } from '../text.js';
import { type CiReport, codesFound, countOf, findingsOf, isFailing } from './ci-report.js';

/** The annotation levels, in the order they are written. */
export const annotationKinds = ['error', 'warning', 'notice'] as const;
/** An annotation level: `::error`, `::warning` or `::notice`. */
export type AnnotationKind = (typeof annotationKinds)[number];

/** Annotations of one kind GitHub shows per step; the runner drops the rest. */
export const annotationsPerKind = 10;

/** Escapes a workflow-command message: `%`, CR and LF. */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow-command property value: as {@link escapeCommandData}, plus `:` and `,`. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function kindOf(report: CiReport, f: Finding): AnnotationKind {
  if (isFailing(report, f.code)) return 'error';
  return f.severity === 'info' ? 'notice' : 'warning';
}

function annotation(kind: AnnotationKind, f: Finding, report: CiReport): string {
  // Lines read from stdin have no file in the repository to annotate, so they are not named.
  const [first, ...more] = f.at;
  const file = (name: string): string => report.repositoryPaths?.[name] ?? name;
  const properties = [
    ...(first && first.file !== stdinFile ? [`file=${escapeCommandProperty(safeText(file(first.file)))}`, `line=${first.line}`] : []),
    `title=${escapeCommandProperty(`${findingTitle(f)} (${f.code})`)}`,
  ].join(',');
  const others = more.filter((at) => at.file !== stdinFile);
  const seeAlso = others.length ? ` (see also ${others.map((at) => `${file(at.file)}:${at.line}`).join(', ')})` : '';
  return `::${kind} ${properties}::${escapeCommandData(safeText(describeFinding(f) + seeAlso))}`;
}

/** A code's findings of one annotation kind, and how many more were counted but not kept. */
interface CodeGroup {
  code: FindingCode;
  kind: AnnotationKind;
  findings: Finding[];
  unlisted: number;
}

/**
 * Takes up to {@link annotationsPerKind} findings of one kind, a round at a time: each code's
 * first finding, then each code's second, and so on, so that one code with many findings does
 * not crowd out the others (a failed rule always gets an annotation while slots are left).
 * Returns how many of each group were taken.
 */
function takeByRounds(groups: CodeGroup[]): number[] {
  const taken = groups.map(() => 0);
  let slots = annotationsPerKind;
  for (let round = 0; slots > 0; round++) {
    let more = false;
    for (let i = 0; i < groups.length && slots > 0; i++) {
      if ((groups[i]?.findings.length ?? 0) > round) {
        taken[i] = round + 1;
        slots--;
        more = true;
      }
    }
    if (!more) break;
  }
  return taken;
}

/**
 * Renders the annotations, errors first, at most {@link annotationsPerKind} of each kind shared
 * out between the codes found, then — when any were left out, including findings counted but
 * not listed — one plain line saying how many of each kind and code.
 */
export function renderGithub(report: CiReport, _ctx: ReportContext): string {
  const groups: CodeGroup[] = [];
  for (const code of codesFound(report)) {
    const findings = findingsOf(report, code);
    const sample = findings[0];
    const kind = sample ? kindOf(report, sample) : isFailing(report, code) ? 'error' : 'warning';
    groups.push({ code, kind, findings, unlisted: countOf(report, code) - findings.length });
  }
  const lines: string[] = [];
  const leftOut: string[] = [];
  let leftOutTotal = 0;
  for (const kind of annotationKinds) {
    const ofKind = groups.filter((g) => g.kind === kind);
    const taken = takeByRounds(ofKind);
    const missed: string[] = [];
    let missedTotal = 0;
    ofKind.forEach((g, i) => {
      const count = taken[i] ?? 0;
      for (const f of g.findings.slice(0, count)) lines.push(annotation(kind, f, report));
      const missing = g.findings.length - count + Math.max(0, g.unlisted);
      if (missing > 0) missed.push(`${missing} ${g.code}`);
      missedTotal += missing;
    });
    if (missedTotal > 0) leftOut.push(`${missedTotal} ${kind}: ${missed.join(', ')}`);
    leftOutTotal += missedTotal;
  }
  if (leftOutTotal > 0) {
    lines.push(`mosqlog: ${leftOutTotal} more finding(s) not annotated (${leftOut.join('; ')}; GitHub shows ${annotationsPerKind} per kind per step)`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
