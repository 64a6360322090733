/**
 * JUnit XML for CI test-report views (GitLab, Jenkins, GitHub test-report actions): one
 * `<testsuite>` per `--fail-on` rule, one `<testcase>` per finding. A finding of a failed rule
 * is a `<failure>`; one within its rule's threshold passes and keeps its evidence in
 * `<system-out>`, so the document has failures exactly when the gate failed.
 */
import type { RuleResult } from '../../correlate/gate.js';
import type { Finding } from '../../correlate/index.js';
import type { ReportContext } from '../context.js';
import { describeFinding, findingTitle, findingTitles } from '../finding-text.js';
import { elideMiddle, location, safeText, stdinFile } from '../text.js';
import { type CiReport, codesFound, countOf, findingFacts, findingsOf, uncheckedRule, unlistedOf } from './ci-report.js';
import { dropXmlForbidden, xmlAttribute, xmlText } from './xml.js';

interface Testcase {
  name: string;
  file: string | null;
  line: number | null;
  /** Failure message, or null for a passing testcase. */
  failure: string | null;
  /** Why the rule could not be checked, for a skipped testcase. */
  skipped?: string;
  body: string;
}

const messageLength = 500;

const who = (client: string | null): string => client ?? 'unknown client';

/**
 * The testcase name before duplicates are told apart: what the finding is about. `fromId` when
 * it is made from the client's id, not from an address or words of ours.
 */
function baseName(f: Finding): { text: string; fromId: boolean } {
  switch (f.code) {
    case 'flow-incomplete':
    case 'flow-refused':
    case 'flow-duplicate':
    case 'mid-reused':
      return { text: `${who(f.client)} mid ${f.mid} (${f.direction})`, fromId: f.client !== null };
    case 'subscribe-denied':
      return { text: `${who(f.client)} subscribe to ${f.filter}`, fromId: f.client !== null };
    case 'publish-denied':
      return { text: `${who(f.client)} ${f.direction === 'in' ? 'publish to' : 'delivery of'} ${f.topic ?? 'unknown topic'}`, fromId: f.client !== null };
    case 'publish-too-large':
      return { text: `${who(f.client)} publish to ${f.topic ?? 'unknown topic'}`, fromId: f.client !== null };
    case 'auth-failure':
    case 'connection-refused':
    case 'protocol-error':
    case 'socket-error':
      return { text: f.client ?? f.address ?? 'unknown client', fromId: f.client !== null };
    case 'tls-failure':
      return { text: f.address ?? 'unknown address', fromId: false };
    case 'bridge-down':
    case 'bridge-outage':
      return { text: `bridge ${f.bridge}`, fromId: false };
    case 'broker-restart':
      return { text: 'broker restart', fromId: false };
    case 'broker-start-failed':
      return { text: 'broker start', fromId: false };
    case 'broker-exited':
      return { text: `service ${f.unit}`, fromId: false };
    case 'reload-failed':
      return { text: 'configuration reload', fromId: false };
    case 'local-only':
      return { text: 'listeners', fromId: false };
    case 'persistence-failed':
      return { text: 'database', fromId: false };
    case 'mass-disconnect':
      return { text: `${f.clients} clients`, fromId: false };
    case 'lines-missing':
      return { text: 'system log', fromId: false };
    case 'state-evicted':
    case 'no-debug-lines':
    case 'no-connection-lines':
    case 'unknown-lines':
      return { text: 'whole log', fromId: false };
    default:
      return { text: who(f.client), fromId: f.client !== null };
  }
}

/**
 * Gives each name once. A name made from a client id as the log wrote it is kept by its first
 * finding; repeats, and names made otherwise (from an address, or from an id that lost
 * characters to the terminal or to XML) get ` #2`, ` #3`, … in log order, never a name some
 * finding of the report (`owned`) has as its own. So a client called `dev` is always `dev`.
 */
function uniqueNames(names: ReadonlyArray<{ text: string; own: boolean }>, owned: ReadonlySet<string>): string[] {
  const used = new Set<string>();
  return names.map(({ text, own }) => {
    const free = (candidate: string): boolean => !used.has(candidate) && (!owned.has(candidate) || (own && candidate === text));
    let candidate = text;
    for (let n = 2; !free(candidate); n++) candidate = `${text} #${n}`;
    used.add(candidate);
    return candidate;
  });
}

/** A testcase name fit for XML and terminals; `own` when it is a client's id, unaltered. */
function caseName(f: Finding): { text: string; own: boolean } {
  const base = baseName(f);
  const text = dropXmlForbidden(safeText(base.text));
  return { text, own: base.fromId && text === base.text };
}

function evidence(f: Finding, rule: RuleResult, ctx: ReportContext): string {
  const lines = [`${findingTitle(f)}: ${safeText(describeFinding(f))}`];
  for (const [name, value] of findingFacts(f, ctx.timeZone)) lines.push(`${name}: ${value}`);
  for (const [i, at] of f.at.entries()) lines.push(`${i === 0 ? 'at' : 'see also'}: ${location(at)}`);
  lines.push(`rule: ${rule.code} fails above ${rule.max}; found ${rule.count}`);
  return lines.join('\n');
}

function testcasesFor(report: CiReport, rule: RuleResult, ctx: ReportContext, owned: ReadonlySet<string>): Testcase[] {
  const findings = findingsOf(report, rule.code);
  const unlisted = unlistedOf(report, rule.code, findings.length);
  const names = uniqueNames([...findings.map(caseName), ...(unlisted > 0 ? [{ text: `${unlisted} more`, own: false }] : [])], owned);
  const cases: Testcase[] = findings.map((f, i) => {
    // Lines read from stdin have no file a test-report view could open.
    const at = f.at[0]?.file === stdinFile ? undefined : f.at[0];
    return {
      name: names[i] ?? '',
      file: at?.file ?? null,
      line: at?.line ?? null,
      failure: rule.passed ? null : elideMiddle(safeText(describeFinding(f)), messageLength),
      body: evidence(f, rule, ctx),
    };
  });
  if (unlisted > 0) {
    const text = `${unlisted} more ${rule.code} finding(s) counted but not listed (the correlator keeps a capped number per code)`;
    const file = report.inputs.find((input) => input !== stdinFile) ?? null;
    cases.push({ name: names[findings.length] ?? '', file, line: null, failure: rule.passed ? null : text, body: text });
  }
  // A rule with nothing to find in this log is skipped, not passed; one the tracking limit kept
  // from seeing all there was has a skipped case beside what it found.
  const unchecked = uncheckedRule(report, rule);
  if (unchecked !== null) {
    cases.push({ name: unchecked.label, file: null, line: null, failure: null, skipped: unchecked.reason, body: unchecked.reason });
  } else if (cases.length === 0) {
    cases.push({ name: 'no findings', file: null, line: null, failure: null, body: `no ${rule.code} findings` });
  }
  return cases;
}

function renderTestcase(rule: RuleResult, c: Testcase): string {
  const attributes = [
    `classname="${xmlAttribute(rule.code)}"`,
    `name="${xmlAttribute(c.name)}"`,
    ...(c.file !== null ? [`file="${xmlAttribute(c.file)}"`] : []),
    ...(c.line !== null ? [`line="${c.line}"`] : []),
    'time="0"',
  ].join(' ');
  const inner = c.failure !== null
    ? `<failure message="${xmlAttribute(c.failure)}" type="${xmlAttribute(rule.code)}">${xmlText(c.body)}</failure>`
    : `${c.skipped !== undefined ? `<skipped message="${xmlAttribute(c.skipped)}"/>\n      ` : ''}<system-out>${xmlText(c.body)}</system-out>`;
  return `    <testcase ${attributes}>\n      ${inner}\n    </testcase>`;
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC, the form Ant's formatter writes and every reader accepts. */
function junitTimestamp(date: Date): string {
  return Number.isNaN(date.getTime()) ? '1970-01-01T00:00:00' : date.toISOString().slice(0, 19);
}

/**
 * Renders the report as a JUnit XML document. Attribute counts always match the elements
 * (`tests` = testcases, `failures` = `<failure>`s, `skipped` = `<skipped>`s; no errors);
 * checking takes no measurable time, so every `time` is 0. Valid XML 1.0 whatever the log holds.
 */
export function renderJunit(report: CiReport, ctx: ReportContext): string {
  const timestamp = junitTimestamp(report.generatedAt);
  let tests = 0;
  let failures = 0;
  let skips = 0;
  const suites: string[] = [];
  // Names that are a client's own id, in any suite: a name made otherwise never takes one.
  const owned = new Set(report.correlation.findings.map(caseName).filter((n) => n.own).map((n) => n.text));
  for (const [id, rule] of report.gate.rules.entries()) {
    const cases = testcasesFor(report, rule, ctx, owned);
    const failed = cases.filter((c) => c.failure !== null).length;
    const skipped = cases.filter((c) => c.skipped !== undefined).length;
    tests += cases.length;
    failures += failed;
    skips += skipped;
    suites.push([
      `  <testsuite name="${xmlAttribute(rule.code)}" id="${id}" tests="${cases.length}" failures="${failed}" errors="0" skipped="${skipped}" time="0" timestamp="${timestamp}">`,
      '    <properties>',
      `      <property name="title" value="${xmlAttribute(findingTitles[rule.code])}"/>`,
      `      <property name="threshold" value="${rule.max}"/>`,
      `      <property name="found" value="${rule.count}"/>`,
      '    </properties>',
      ...cases.map((c) => renderTestcase(rule, c)),
      '  </testsuite>',
    ].join('\n'));
  }
  // Without rules (`--fail-on none`) nothing is judged; one passing case says so, as a test-report
  // view takes a document without any for a run that failed to report.
  if (suites.length === 0) {
    const found = codesFound(report).map((code) => `${code} ${countOf(report, code)}`);
    const body = `no --fail-on rules: nothing was judged${found.length > 0 ? `; findings: ${found.join(', ')}` : '; no findings'}`;
    tests = 1;
    suites.push([
      `  <testsuite name="mosqlog" id="0" tests="1" failures="0" errors="0" skipped="0" time="0" timestamp="${timestamp}">`,
      `    <testcase classname="mosqlog" name="no rules" time="0">\n      <system-out>${xmlText(body)}</system-out>\n    </testcase>`,
      '  </testsuite>',
    ].join('\n'));
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mosqlog" tests="${tests}" failures="${failures}" errors="0" skipped="${skips}" time="0" timestamp="${timestamp}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
