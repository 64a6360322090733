/**
 * GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`) that annotate the
 * log lines findings point at. Findings of a failed rule are errors, the others warnings (or
 * notices for `info` findings); most severe first, capped at what a step may show.
 */
import type { Finding } from '../../correlate/index.js';
import type { ReportContext } from '../context.js';
import { describeFinding, findingTitles } from '../finding-text.js';
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

function annotation(kind: AnnotationKind, f: Finding): string {
  // Lines read from stdin have no file in the repository to annotate, so they are not named.
  const [first, ...more] = f.at;
  const properties = [
    ...(first && first.file !== stdinFile ? [`file=${escapeCommandProperty(safeText(first.file))}`, `line=${first.line}`] : []),
    `title=${escapeCommandProperty(`${findingTitles[f.code]} (${f.code})`)}`,
  ].join(',');
  const others = more.filter((at) => at.file !== stdinFile);
  const seeAlso = others.length ? ` (see also ${others.map((at) => `${at.file}:${at.line}`).join(', ')})` : '';
  return `::${kind} ${properties}::${escapeCommandData(safeText(describeFinding(f) + seeAlso))}`;
}

/**
 * Renders one annotation per finding, errors first, at most {@link annotationsPerKind} of each
 * kind, then — when any were left out, including findings counted but not listed — one plain
 * line saying how many of each kind.
 */
export function renderGithub(report: CiReport, _ctx: ReportContext): string {
  const byKind: Record<AnnotationKind, Finding[]> = { error: [], warning: [], notice: [] };
  const leftOut: Record<AnnotationKind, number> = { error: 0, warning: 0, notice: 0 };
  for (const code of codesFound(report)) {
    const findings = findingsOf(report, code);
    for (const f of findings) byKind[kindOf(report, f)].push(f);
    const unlisted = countOf(report, code) - findings.length;
    const sample = findings[0];
    if (unlisted > 0) leftOut[sample ? kindOf(report, sample) : 'warning'] += unlisted;
  }
  const lines: string[] = [];
  for (const kind of annotationKinds) {
    const list = byKind[kind];
    for (const f of list.slice(0, annotationsPerKind)) lines.push(annotation(kind, f));
    leftOut[kind] += Math.max(0, list.length - annotationsPerKind);
  }
  const total = leftOut.error + leftOut.warning + leftOut.notice;
  if (total > 0) {
    const parts = annotationKinds.filter((k) => leftOut[k] > 0).map((k) => `${leftOut[k]} ${k}`);
    lines.push(`mosqlog: ${total} more finding(s) not annotated (${parts.join(', ')}; GitHub shows ${annotationsPerKind} per kind per step)`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
