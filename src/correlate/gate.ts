/**
 * The `--fail-on` gate: rules naming finding codes, each with a threshold, checked against how
 * many findings of each code a log produced. Pure data in, pure data out; nothing renders text.
 */
import { type FindingCode, type FindingCounts, findingCodes } from './types.js';

/** One rule: the gate fails when there are more than `max` findings of `code`. */
export interface GateRule {
  code: FindingCode;
  /** Findings allowed before the rule fails (0 for a bare code). */
  max: number;
}

/**
 * The rules used when `--fail-on` is not given: the codes the correlator reports with severity
 * `error` (work lost or a client cut off), each failing on the first finding.
 */
export const defaultFailOn: readonly FindingCode[] = [
  'flow-incomplete', 'keepalive-timeout', 'protocol-error', 'dropped-by-broker', 'auth-failure', 'takeover-flapping', 'bridge-down',
];

/** Why a `--fail-on` text could not be read; `item` is the offending part as written. */
export type GateRuleProblem =
  | { kind: 'empty-rule'; item: string }
  | { kind: 'unknown-code'; item: string; code: string }
  | { kind: 'malformed'; item: string }
  | { kind: 'none-combined'; item: string };

/** The outcome of reading a `--fail-on` text. */
export type GateRulesParse = { ok: true; rules: GateRule[] } | { ok: false; problem: GateRuleProblem };

const knownCodes: ReadonlySet<string> = new Set(findingCodes);

function isFindingCode(text: string): text is FindingCode {
  return knownCodes.has(text);
}

/** Codes a keyword stands for, or null when `name` is not a keyword. */
function expandKeyword(name: string): readonly FindingCode[] | null {
  if (name === 'default') return defaultFailOn;
  if (name === 'all') return findingCodes;
  return null;
}

/**
 * Reads a `--fail-on` text: a comma list of finding codes, each optionally `code>N` (fails when
 * more than N are found). `default` stands for {@link defaultFailOn}, `all` for every code (both
 * take a threshold too), and `none` alone means no rules. A later rule for the same code replaces
 * an earlier one. Rules come back in {@link findingCodes} order, most severe first.
 * Never throws: a mistake comes back as a {@link GateRuleProblem}.
 */
export function parseGateRules(text: string): GateRulesParse {
  const items = text.split(',').map((item) => item.trim());
  if (items.length === 1 && items[0] === 'none') return { ok: true, rules: [] };
  const max = new Map<FindingCode, number>();
  for (const item of items) {
    if (item === '') return { ok: false, problem: { kind: 'empty-rule', item } };
    if (item === 'none') return { ok: false, problem: { kind: 'none-combined', item } };
    const match = /^([^>\s]+)\s*(?:>\s*(\S*))?$/.exec(item);
    const name = match?.[1];
    if (!match || name === undefined) return { ok: false, problem: { kind: 'malformed', item } };
    const threshold = match[2];
    if (threshold !== undefined && !/^\d+$/.test(threshold)) return { ok: false, problem: { kind: 'malformed', item } };
    const codes = expandKeyword(name) ?? (isFindingCode(name) ? [name] : null);
    if (codes === null) return { ok: false, problem: { kind: 'unknown-code', item, code: name } };
    // A threshold past any count there can be is kept a finite number, for the JSON report.
    for (const code of codes) max.set(code, threshold === undefined ? 0 : Math.min(Number(threshold), Number.MAX_SAFE_INTEGER));
  }
  return { ok: true, rules: findingCodes.filter((code) => max.has(code)).map((code) => ({ code, max: max.get(code) ?? 0 })) };
}

/** The rules {@link defaultFailOn} stands for. */
export function defaultGateRules(): GateRule[] {
  return defaultFailOn.map((code) => ({ code, max: 0 }));
}

/** How one rule fared. */
export interface RuleResult extends GateRule {
  /** Findings of the rule's code. */
  count: number;
  passed: boolean;
}

/** The gate's verdict. */
export interface GateResult {
  /** True when every rule passed (always true without rules). */
  passed: boolean;
  /** False when the verdict is reported but must not fail the run (`--exit-zero`). */
  enforced: boolean;
  /** Each rule, in the order given. */
  rules: RuleResult[];
  /** The counts the rules were judged on, for every code that has findings. */
  counts: FindingCounts;
}

/**
 * Judges rules against counts. A rule passes while its count is at most its `max`.
 * Called once per run, after selection; `enforced` only travels along for reporters.
 */
export function evaluateGate(rules: readonly GateRule[], counts: FindingCounts, enforced = true): GateResult {
  const results = rules.map((rule) => {
    const count = counts[rule.code] ?? 0;
    return { code: rule.code, max: rule.max, count, passed: count <= rule.max };
  });
  return { passed: results.every((r) => r.passed), enforced, rules: results, counts: { ...counts } };
}
