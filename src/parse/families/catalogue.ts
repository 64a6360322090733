/**
 * Every other broker message, decoded from the catalogue of format strings: config and usage
 * text, TLS, plugins, dynamic security, persistence, bridges, listeners, protocol errors.
 * Each becomes a `message` record of its family with its parameters in order; `client`,
 * `address` and `port` are named where the format shows them. Formats that span several
 * physical lines (embedded or trailing newlines) yield `continuation` records for the rest.
 */
import { catalogueRows } from '../catalogue-formats.js';
import { type Family, type Level, families } from '../record.js';
import { compareVersions } from '../pattern.js';
import { type CompiledShape, compilePrintf } from '../template.js';

/** A catalogue format ready for matching. */
export interface CataloguePattern {
  format: string;
  family: Family;
  level: Level;
  shape: CompiledShape;
  /** Physical lines expected after the first: '' for a blank line, else a shape. */
  following: ReadonlyArray<CompiledShape | ''>;
  /** An indented line that the broker logs right after another message, completing it. */
  continues: boolean;
  /** Printed with `printf` rather than logged, so it never has the broker's time prefix. */
  direct: boolean;
  /** Logged as an error or a warning, as its first parameter (`Error`, `Warning`) says. */
  errorOrWarning: boolean;
  /**
   * Logged by a plugin, in words the broker also prints directly (`Error: Unknown option '%s'.`):
   * a plugin logs once the broker has started, so before a start such a line is the print.
   */
  pluginTwinOfPrint: boolean;
  /**
   * Ends in ``chown %s %s``, which prints the owner and the file named before it again: where a
   * file name with spaces splits is told by the first time it is printed.
   */
  chownHint: boolean;
  /** The first and last broker versions that print it. */
  first: string;
  last: string;
  clientSlot: number;
  addressSlot: number;
  portSlot: number;
}

const levels: Record<string, Level> = {
  MOSQ_LOG_INFO: 'info', MOSQ_LOG_NOTICE: 'notice', MOSQ_LOG_WARNING: 'warning', MOSQ_LOG_ERR: 'error',
  MOSQ_LOG_DEBUG: 'debug', MOSQ_LOG_SUBSCRIBE: 'subscribe', MOSQ_LOG_UNSUBSCRIBE: 'unsubscribe',
  MOSQ_LOG_WEBSOCKETS: 'websockets', MOSQ_LOG_INTERNAL: 'internal', 'MOSQ_LOG_ERR|MOSQ_LOG_WARNING': 'error',
  DIRECT_STDOUT: 'stdout', DIRECT_STDERR: 'stderr',
};

const familySet = new Set<string>(families);

function isFamily(name: string): name is Family {
  return familySet.has(name);
}

/** Lines with no literal text of their own are decoded from context, not from the catalogue. */
function needsContext(line: string, family: string): boolean {
  return family === 'debug-tree-print' || line.startsWith('\t') || line.replace(/%[sd]|\s/g, '') === '';
}

/**
 * Placeholders that print `context->address`, not the id: 2.0's `Invalid protocol … in CONNECT
 * from %s.` and most SUBSCRIBE refusals (`Empty subscription string from %s, …`).
 */
const addressBefore = / in CONNECT from $|^(?:Empty|Invalid) subscription string from $|^Invalid QoS in subscription command from $/;
/**
 * Placeholders that print the client id: the UNSUBSCRIBE refusals, the malformed UTF-8 ones
 * (SUBSCRIBE's too) and a few more.
 */
const clientBefore = /(?:[Cc]lient |Protocol error from |[A-Z]{4,} (?:from|to|for) |unsubscription string from |^Malformed UTF-8 in (?:subscription|will topic) string from |DUP=1\) from |^Reused message ID % from )$/;

function nameSlots(shape: CompiledShape): Pick<CataloguePattern, 'clientSlot' | 'addressSlot' | 'portSlot'> {
  let clientSlot = -1;
  let addressSlot = -1;
  let portSlot = -1;
  let slot = -1;
  const tokens = shape.tokens;
  // The format up to the placeholder, with `%` for each placeholder before it.
  let text = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (typeof token === 'string' || token === undefined) {
      text += token ?? '';
      continue;
    }
    slot++;
    const textBefore = text;
    text += '%';
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    const next = tokens[i + 2];
    // `Error found at %s:%d.` is a config file and line, not an address and port.
    const fileLine = typeof before === 'string' && / at '?$/.test(before);
    if (token.kind === 'str' && !fileLine && typeof after === 'string' && after.startsWith(':') && after.length <= 2 && typeof next === 'object' && next.kind === 'int') {
      if (addressSlot < 0) {
        addressSlot = slot;
        portSlot = slot + 1;
      }
    } else if (token.kind === 'str' && addressBefore.test(textBefore) && addressSlot < 0) {
      addressSlot = slot;
    } else if (token.kind === 'str' && clientBefore.test(textBefore) && clientSlot < 0) {
      clientSlot = slot;
    }
  }
  return { clientSlot, addressSlot, portSlot };
}

/** Whether a broker of `version` prints the catalogue row. */
export function printedBy(p: CataloguePattern, version: string): boolean {
  return compareVersions(p.first, version) <= 0 && compareVersions(version, p.last) <= 0;
}

function buildPatterns(): CataloguePattern[] {
  const seen = new Map<string, CataloguePattern>();
  // Newest rows first: where nothing else tells two rows of the same text apart, the current one wins.
  const rows = [...catalogueRows].sort((a, b) => compareVersions(b[4], a[4]));
  const patterns: CataloguePattern[] = [];
  for (const [family, level, format, since, until] of rows) {
    const direct = level.startsWith('DIRECT_');
    // The logger adds its own newline, so a format ending in one leaves a blank line;
    // printf output's final newline just ends the line.
    const text = direct ? format.replace(/\n$/, '') : format;
    if (!isFamily(family)) continue;
    // The same text at the same level: one row, for every version that prints it.
    const key = `${level}\0${text}`;
    const same = seen.get(key);
    if (same) {
      if (compareVersions(since, same.first) < 0) same.first = since;
      continue;
    }
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l !== '');
    const head = lines[first];
    if (head === undefined || needsContext(head, family)) continue;
    const shape = compilePrintf(head);
    const pattern: CataloguePattern = {
      format,
      family,
      level: levels[level] ?? 'info',
      shape,
      following: lines.slice(first + 1).map((l) => (l === '' ? '' : compilePrintf(l))),
      continues: /^ {2,}\S/.test(head) && family !== 'usage',
      direct,
      errorOrWarning: level === 'MOSQ_LOG_ERR|MOSQ_LOG_WARNING',
      pluginTwinOfPrint: false,
      chownHint: /`chown %s %s`\.$/.test(head),
      first: since,
      last: until,
      ...nameSlots(shape),
    };
    seen.set(key, pattern);
    patterns.push(pattern);
  }
  const printed = new Set(patterns.filter((p) => p.direct).map((p) => p.shape.re.source));
  for (const p of patterns) p.pluginTwinOfPrint = !p.direct && p.family.startsWith('plugin') && printed.has(p.shape.re.source);
  return patterns;
}

/** A logged format of several lines, to read a message that holds its newlines whole. */
export interface JoinedPattern {
  pattern: CataloguePattern;
  /** Every line of the format, its trailing newlines left off. */
  whole: CompiledShape;
  /** How many newlines end the format. */
  trailing: number;
}

/** Number of newlines that end `text`. */
export function trailingNewlines(text: string): number {
  let n = 0;
  while (text.charCodeAt(text.length - 1 - n) === 10) n++;
  return n;
}

/**
 * Logged formats that hold a newline, for messages that keep theirs (rsyslog writes them as
 * `#012`). Direct prints are left out: they never reach the log.
 */
function buildJoinedPatterns(patterns: readonly CataloguePattern[]): JoinedPattern[] {
  return patterns.filter((p) => !p.direct && p.following.length > 0).map((pattern) => {
    const trailing = trailingNewlines(pattern.format);
    return { pattern, whole: compilePrintf(pattern.format.slice(0, pattern.format.length - trailing)), trailing };
  });
}

/** All catalogue patterns, and the same by format text. */
export const cataloguePatterns: readonly CataloguePattern[] = buildPatterns();
/** {@link cataloguePatterns} by their format text. */
export const catalogueByFormat: ReadonlyMap<string, CataloguePattern> = new Map(
  [...cataloguePatterns].sort((a, b) => a.following.length - b.following.length).map((p) => [p.format, p]),
);
/**
 * The level the broker logs a message of `format` at (`first`, its first value, says which of
 * error and warning for a row of either), whatever level a syslog or journald envelope gave the line.
 */
export function findCatalogueLevel(format: string, first: unknown): Level | undefined {
  const p = catalogueByFormat.get(format);
  if (p === undefined) return undefined;
  return p.errorOrWarning && first === 'Warning' ? 'warning' : p.level;
}
/** The logged formats of several lines, read whole. */
export const joinedPatterns: readonly JoinedPattern[] = buildJoinedPatterns(cataloguePatterns);
