/**
 * A Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the verdict, the
 * rules, then the findings per code. Log content only ever appears inside code spans, so client
 * ids cannot add markup, links or @-mentions.
 */
import { type FindingCode, defaultFindingsPerCode } from '../../correlate/index.js';
import type { ReportContext } from '../context.js';
import { describeFinding, findingTitles, packetLines, versionNotInLog } from '../finding-text.js';
import { loggedLeftOut, loggedRows } from '../summary.js';
import { formatTime, inputName, location, markdownCell, markdownCode, markdownCodeCell } from '../text.js';
import { type CiReport, codesFound, countOf, failedRules, findingsOf, isFailing, isPacketCode, uncheckedRule, unlistedOf } from './ci-report.js';

/** How much the summary may hold. */
export interface MarkdownLimits {
  /** Size cap in UTF-8 bytes (GitHub takes at most 1 MiB per step summary). */
  maxBytes: number;
  /** Rows listed per finding code. */
  rowsPerCode: number;
  /** Characters kept of one cell's log text. */
  cellChars: number;
}

/** The limits `mosqlog report --format markdown` uses. */
export const markdownLimits: MarkdownLimits = { maxBytes: 1024 * 1024 - 1024, rowsPerCode: 50, cellChars: 300 };

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Lines before the first row of a findings section: heading, blank, table head, rule. */
const sectionHeadLines = 4;

function header(report: CiReport, ctx: ReportContext): string[] {
  const { gate, correlation: c } = report;
  const failed = failedRules(report);
  const uncheckedRules = gate.rules.map((r) => uncheckedRule(report, r));
  const verdict = gate.passed ? '✅ passed' : gate.enforced ? '❌ failed' : '⚠️ failed (not enforced: --exit-zero)';
  const found = codesFound(report).reduce((n, code) => n + countOf(report, code), 0);
  const inputs = report.inputs.map((name) => markdownCell(inputName(name))).join(', ');
  const span = c.first !== null ? `, ${formatTime(c.first, ctx.timeZone)} to ${formatTime(c.last, ctx.timeZone)}` : '';
  const versions = c.brokerVersions.length ? `, mosquitto ${c.brokerVersions.map((v) => markdownCell(v)).join(', ')}` : c.brokerEra !== undefined ? `, mosquitto ${versionNotInLog(c)}` : '';
  const selection = report.selection === undefined ? '' : ` · selection: ${markdownCode(report.selection)}`;
  const lines = [
    `## mosqlog: MQTT broker log check ${verdict}`,
    '',
    `${gate.rules.length === 0 ? 'No rules' : `${failed.length} of ${gate.rules.length} rule(s) failed`} · ${found} finding(s) · ${inputs} (${c.lines} lines${span}${versions})${selection}`,
    '',
  ];
  // A warning quotes the log (file names, an envelope's host): in a code span it mentions no one and links nothing.
  if (report.warnings?.length) lines.push('> ⚠️ Warnings, as written to stderr:', ...report.warnings.map((w) => `> - ${markdownCode(w)}`), '');
  if (gate.rules.length > 0) {
    lines.push('| Rule | Fails above | Found | Result |', '|---|---:|---:|---|');
    for (const [i, r] of gate.rules.entries()) {
      // A rule whose findings come from lines the log lacks, or from flows the tracking limit
      // dropped, passed without being checked, or fully checked, as JUnit says too.
      const unchecked = uncheckedRules[i] ?? null;
      const result = !r.passed ? '❌ failed' : unchecked !== null ? `➖ ${unchecked.label}` : '✅ passed';
      lines.push(`| \`${r.code}\` ${markdownCell(findingTitles[r.code])} | ${r.max} | ${r.count} | ${result} |`);
    }
    lines.push('');
  }
  const unchecked = uncheckedRules.some((u) => u !== null);
  const packetNote = !c.debugLines && (c.sessionCount > 0 || unchecked);
  if (packetNote) lines.push(`> QoS flows, denied or dropped PUBLISH and SUBSCRIBE packets, and sessions kept or lost were not checked: the log has no ${markdownCell(packetLines)}.`, '');
  // Rules not checked for one reason share its note.
  const byReason = new Map<string, string[]>();
  for (const [i, u] of uncheckedRules.entries()) {
    const code = gate.rules[i]?.code;
    if (u === null || code === undefined || (packetNote && isPacketCode(code))) continue;
    byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), `\`${code}\``]);
  }
  for (const [reason, codes] of byReason) lines.push(`> ${codes.join(', ')} ${markdownCell(reason)}.`, '');
  return lines;
}

function section(report: CiReport, code: FindingCode, ctx: ReportContext, limits: MarkdownLimits): { lines: string[]; listed: number } {
  const findings = findingsOf(report, code);
  const mark = isFailing(report, code) ? '❌ ' : '';
  const lines = [`### ${mark}${markdownCell(findingTitles[code])} (\`${code}\`, ${countOf(report, code)})`, '', '| Time | Client | Where | What |', '|---|---|---|---|'];
  const rows = findings.slice(0, limits.rowsPerCode).map((f) => {
    const where = f.at.length ? f.at.map((at) => markdownCell(location(at))).join('<br>') : '-';
    return `| ${formatTime(f.time, ctx.timeZone)} | ${f.client !== null ? markdownCodeCell(f.client, limits.cellChars) : '-'} | ${where} | ${markdownCodeCell(describeFinding(f), limits.cellChars)} |`;
  });
  return { lines: [...lines, ...rows], listed: rows.length };
}

/**
 * The note under a section cut short, saying why: rows past the per-code limits (`byLimit`), rows
 * the size cap cut (`bySize`), or how many of each.
 */
function notListedNote(byLimit: number, bySize: number): string {
  const limit = 'beyond the per-code limits';
  const size = 'the summary reached its size limit';
  const why = byLimit > 0 && bySize > 0 ? `${byLimit} ${limit}, ${bySize} cut where ${size}` : byLimit > 0 ? limit : size;
  return `_${byLimit + bySize} more not listed (${why})._`;
}

/**
 * Renders the Markdown summary, at most `limits.maxBytes` bytes: each code lists at most
 * `limits.rowsPerCode` findings, and when the size cap is reached later sections are cut; the
 * summary then says how many findings it left out (also as a `<!-- mosqlog:omitted N -->` marker).
 */
export function renderMarkdownReport(report: CiReport, ctx: ReportContext, limits: MarkdownLimits = markdownLimits): string {
  // Room for the footer, which names every code left out whole.
  const reserve = 2048;
  let out = header(report, ctx).join('\n') + '\n';
  let size = bytes(out);
  let omitted = 0;
  let full = false;
  // Codes the cap left no room for: the footer names them, as no section does.
  const unsaid: string[] = [];
  for (const code of codesFound(report)) {
    const total = countOf(report, code);
    if (full) {
      omitted += total;
      unsaid.push(`${code} (${total})`);
      continue;
    }
    const { lines, listed } = section(report, code, ctx, limits);
    let kept = 0;
    let text = '';
    let textSize = 0;
    for (const [i, line] of lines.entries()) {
      const lineSize = bytes(line) + 1;
      if (size + textSize + lineSize + reserve > limits.maxBytes) {
        full = true;
        break;
      }
      text += line + '\n';
      textSize += lineSize;
      if (i >= sectionHeadLines) kept++;
    }
    if (kept === 0 && full) {
      omitted += total;
      unsaid.push(`${code} (${total})`);
      continue;
    }
    const left = total - kept;
    if (left > 0) text += `\n${notListedNote(unlistedOf(report, code, listed), listed - kept)}\n`;
    omitted += left;
    out += text + '\n';
    size = bytes(out);
  }
  // What the broker itself logged as errors and warnings, whether or not a finding explains it: when it fits whole.
  const logged = loggedSection(report, limits);
  if (logged !== '' && size + bytes(logged) + reserve <= limits.maxBytes) out += logged;
  if (omitted > 0) {
    const room = unsaid.length > 0 ? `, with no room for ${unsaid.join(', ')}` : '';
    out += `---\n_${omitted} finding(s) not listed here${room}; \`mosqlog report --format json\` lists up to ${defaultFindingsPerCode} of each code._\n<!-- mosqlog:omitted ${omitted} -->\n`;
  }
  return out;
}

/** The errors and warnings the broker logged, by message, as the summary lists them; empty when there were none. */
function loggedSection(report: CiReport, limits: MarkdownLimits): string {
  const c = report.correlation;
  if (c.loggedMessages.length === 0) return '';
  const lines = c.loggedMessages.reduce((n, m) => n + m.count, 0);
  const rows = loggedRows(c).map(([level, count, message, at]) => `| ${level} | ${count} | ${markdownCodeCell(message ?? '', limits.cellChars)} | ${markdownCell(at ?? '')} |`);
  const leftOut = loggedLeftOut(c);
  return `### Errors and warnings the broker logged (${lines} line(s))\n\n| Level | Count | First message | Where |\n|---|---:|---|---|\n${rows.join('\n')}\n${leftOut === null ? '' : `\n_${markdownCell(leftOut)}_\n`}\n`;
}

/** The Markdown reporter as registered (default limits). */
export function renderMarkdown(report: CiReport, ctx: ReportContext): string {
  return renderMarkdownReport(report, ctx);
}
