/**
 * Text helpers shared by the reporters: making log content safe for a terminal or Markdown,
 * fitting it into columns, and showing times and durations.
 */
import { eastAsianWidth } from 'get-east-asian-width';
import { repeatedTimeOffset, wallClock } from './wall-clock.js';

// C0 and C1 controls, ESC and the 8-bit introducers of escape sequences among them.
const controls = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// Bidi embeddings, overrides and isolates reorder what follows them on screen ("Trojan Source");
// the line and paragraph separators break a line where a terminal or editor honours them.
const layoutControls = /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes remote-controlled text (client ids, usernames, topics) harmless on a terminal: control
 * characters are shown as `\xNN`, newlines and tabs as `\n` and `\t`, bidirectional controls and
 * the Unicode line and paragraph separators as `\uNNNN`. An escape sequence so shows as text
 * (`\x1b[31m`): nothing after it is lost, and two ids that differ only in one stay apart. Nor
 * does it start a workflow command of a GitHub Actions runner ({@link defuseWorkflowCommands}).
 */
export function safeText(text: string): string {
  return defuseWorkflowCommands(shownControls(text), '\\x3a', '\\x23');
}

/**
 * {@link safeText} for text that never starts a line of the output (a Markdown cell or code
 * span): a `::` there begins no workflow command, and is shown as it is.
 */
function safeTextWithinLine(text: string): string {
  return defuseWorkflowCommands(shownControls(text), ':', '\\x23');
}

/** Controls, newlines and tabs, and layout controls shown as escapes ({@link safeText}). */
export function shownControls(text: string): string {
  return text
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(controls, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(layoutControls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// A line of a GitHub Actions step's output that starts `::name …::`, or holds `##[name]` anywhere.
const workflowCommand = /(^|\n)([ \t]*):(?=:[^\n]*::)|#(?=#\[)/g;

/**
 * Text from a log that a GitHub Actions runner would take for a workflow command (an annotation,
 * a mask, a stop to commands) in a step's output, with the `:` or `#` that begins one written as
 * `colon` or `hash`: an escape of the output's own that reads the same.
 */
export function defuseWorkflowCommands(text: string, colon: string, hash: string): string {
  if (!text.includes('::') && !text.includes('##[')) return text;
  return text.replace(workflowCommand, (match: string, lineStart: string | undefined, indent: string | undefined) =>
    (match.startsWith('#') ? hash : `${lineStart ?? ''}${indent ?? ''}${colon}`));
}

// Combining marks, zero-width characters and Hangul's medial and final jamo take no column;
// East Asian wide and fullwidth characters (emoji shown as emoji among them) take two.
const zeroWidth = /[\p{Mn}\p{Me}\u1160-\u11ff\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff]/u;

/** Columns a character takes on a terminal: 0, 1 or 2. */
export function charWidth(char: string): number {
  if (char < '\u0300') return 1;
  if (zeroWidth.test(char)) return 0;
  return eastAsianWidth(char.codePointAt(0) ?? 0);
}

/** Columns `text` takes on a terminal (text without control characters or escape sequences). */
export function displayWidth(text: string): number {
  // Fast path: printable ASCII and Latin-1 are one column each.
  if (/^[\x20-\x7e\xa0-\u02ff]*$/.test(text)) return text.length;
  let width = 0;
  for (const char of graphemes(text)) width += graphemeWidth(char);
  return width;
}

/** An emoji's skin tone, which joins the emoji before it. */
const emojiModifier = /[\u{1f3fb}-\u{1f3ff}]/u;
/** A regional indicator: two make a flag. */
const regionalIndicator = /[\u{1f1e6}-\u{1f1ff}]/u;

/**
 * The characters a reader sees, each as one string: a character with the marks, skin tone and
 * variation selectors after it, emoji joined by a zero-width joiner, and a flag's two letters.
 * A plain pass over the code points: ids are hostile input, and may be long.
 */
function graphemes(text: string): string[] {
  const out: string[] = [];
  let joined = false;
  for (const char of text) {
    const last = out.length - 1;
    const before = out[last];
    const flag = before !== undefined && regionalIndicator.test(char) && regionalIndicator.test(before) && before.length === 2;
    if (before !== undefined && (joined || flag || zeroWidth.test(char) || emojiModifier.test(char))) out[last] = before + char;
    else out.push(char);
    joined = char === '\u200d';
  }
  return out;
}

/** Columns a character a reader sees takes: its first code point's, and two for a flag. */
function graphemeWidth(grapheme: string): number {
  const first = String.fromCodePoint(grapheme.codePointAt(0) ?? 0);
  return regionalIndicator.test(first) && grapheme.length > first.length ? 2 : charWidth(first);
}

/** Shortens text to `max` characters by cutting out its middle; never splits a character a reader sees as one. */
export function elideMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = graphemes(text);
  if (chars.length <= max) return text;
  if (max < 5) return chars.slice(0, Math.max(0, max)).join('');
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
}

/** The longest start of `chars` (graphemes) that takes at most `columns` terminal columns. */
function startWithin(chars: readonly string[], columns: number): string[] {
  let width = 0;
  let n = 0;
  for (; n < chars.length; n++) {
    const next = graphemeWidth(chars[n] ?? '');
    if (width + next > columns) break;
    width += next;
  }
  return chars.slice(0, n);
}

/** Shortens text to `max` terminal columns by cutting out its middle (wide characters take two). */
export function elideMiddleColumns(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  const chars = graphemes(text);
  if (max < 5) return startWithin(chars, Math.max(0, max)).join('');
  const head = startWithin(chars, Math.ceil((max - 1) / 2));
  const tail = startWithin([...chars].reverse(), max - 1 - displayWidth(head.join(''))).reverse();
  return `${head.join('')}…${tail.join('')}`;
}

/** Shortens text to `max` terminal columns by cutting off its end. */
export function elideEndColumns(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  return `${startWithin(graphemes(text), Math.max(0, max - 1)).join('')}…`;
}

const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text for a Markdown table cell or prose (file paths, versions): safe (line breaks shown as
 * `\n`), with `\`, `|`, backticks, brackets (links), emphasis and strikethrough (`*`, `_`, `~`)
 * and GitHub's `$` math escaped by a backslash, and `&`, `<`, `>` (HTML, autolinks) written as
 * entities, so it reads back as the same text: `__tests__/broker.log` is not bold.
 */
export function markdownCell(text: string): string {
  return safeTextWithinLine(text).replace(/[\\|`[\]*_~$]/g, '\\$&').replace(/[&<>]/g, (c) => htmlEntities[c] ?? c);
}

/**
 * Remote text (client ids, usernames, topics, lines from the log) as an inline code span:
 * safe, cut to `max` characters, and shown literally, so it cannot become emphasis, a link, an
 * autolink, an @-mention or HTML. The fence is one backtick longer than any run inside.
 */
export function markdownCode(text: string, max = Number.POSITIVE_INFINITY): string {
  const body = elideMiddle(safeTextWithinLine(text), max);
  if (body === '') return '` `';
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // A space pads a body that starts or ends with a backtick or space; GFM strips one each side.
  const pad = /^[` ]|[` ]$/.test(body) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * `markdownCode` for a table cell. GFM finds the cells before it reads code spans: a `|`
 * directly after a `\` does not end a cell, and that one `\` is dropped from the cell, so each
 * `|` gets exactly one `\` and nothing else changes (code spans take backslashes literally).
 */
export function markdownCodeCell(text: string, max = Number.POSITIVE_INFINITY): string {
  return markdownCode(text, max).replace(/\|/g, '\\|');
}

/**
 * A time as `YYYY-MM-DD HH:MM:SS` in the zone (UTC adds `Z`), or `-`. A time in the hour the zone
 * repeats when daylight saving ends adds its offset (`+01:00`), so the two instances differ.
 */
export function formatTime(ms: number | null, timeZone = 'UTC'): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '-';
  if (timeZone === 'UTC') return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const w = wallClock(timeZone)(ms);
  return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}${repeatedTimeOffset(timeZone, ms, w)}`;
}

/**
 * A duration as `850ms`, `12s`, `3m 05s`, `2h 01m`, `3d 4h`, or `-`. Between times stamped to the
 * whole second (`wholeSeconds`), one under a second is `<1s`: the stamps cannot tell 0ms from 999ms.
 */
export function formatDuration(ms: number | null | undefined, wholeSeconds = false): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return wholeSeconds ? '<1s' : `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * A whole count with commas between groups of three digits: `12,345`. Written out rather than
 * asked of `toLocaleString`, whose first call loads the locale data (about 10 ms at start-up).
 */
export function formatCount(n: number): string {
  const digits = String(n);
  if (!Number.isSafeInteger(n) || Math.abs(n) < 1000) return digits;
  const sign = n < 0 ? '-' : '';
  const unsigned = sign === '' ? digits : digits.slice(1);
  let grouped = unsigned.slice(0, unsigned.length % 3 || 3);
  for (let at = grouped.length; at < unsigned.length; at += 3) grouped += `,${unsigned.slice(at, at + 3)}`;
  return sign + grouped;
}

/** A byte count as `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** The file name of lines read from stdin: `-`, as on the command line. */
export const stdinFile = '-';

/** An input by name, as given (remote text, for the caller to make safe): `stdin` for standard input, as locations name it. */
export function inputName(file: string): string {
  return file === stdinFile ? 'stdin' : file;
}

/** `file:line` for a log location; lines read from stdin show as `stdin:N`. */
export function location(at: { file: string; line: number } | undefined): string {
  if (!at) return '-';
  return `${at.file === stdinFile ? 'stdin' : safeText(at.file)}:${at.line}`;
}
