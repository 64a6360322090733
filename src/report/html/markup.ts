/**
 * Small markup helpers the report's sections share: tables, notes for capped lists, counts,
 * times and log locations. Cells are markup: log content must be escaped before.
 */
import type { ReportContext } from '../context.js';
import { formatCount, formatTime, location } from '../text.js';
import { htmlText } from './escape.js';

/** A table cell: markup (log content escaped already), optionally with a class. */
export type Cell = string | { className: string; html: string };

/** A classed cell (client, topic, where, what: long unbroken text that may wrap anywhere). */
export function cell(className: string, html: string): Cell {
  return { className, html };
}

/** A table; numeric columns are right-aligned. */
export function table(head: Array<string | { text: string; num?: boolean }>, rows: Cell[][], numeric: ReadonlySet<number> = new Set()): string {
  const th = head.map((h, i) => (typeof h === 'string' ? `<th${numeric.has(i) ? ' class="num"' : ''}>${h}</th>` : `<th${h.num ? ' class="num"' : ''}>${h.text}</th>`)).join('');
  const td = (c: Cell, i: number): string => {
    const className = typeof c === 'string' ? (numeric.has(i) ? 'num' : '') : c.className;
    return `<td${className ? ` class="${className}"` : ''}>${typeof c === 'string' ? c : c.html}</td>`;
  };
  const body = rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The note under a capped list: how many were left out, and how the shown ones were chosen. */
export function more(n: number, what: string, how = ''): string {
  return n > 0 ? `<p class="more">${count(n)} more ${what} not shown${how ? ` (${how})` : ''}.</p>` : '';
}

/** A count with thousands separators. */
export function count(n: number): string {
  return formatCount(n);
}

/** A time in the report's zone, escaped. */
export function time(ms: number | null, ctx: ReportContext): string {
  return htmlText(formatTime(ms, ctx.timeZone));
}

/** `file:line` of every location, the first one first. */
export function where(at: ReadonlyArray<{ file: string; line: number }>): string {
  if (at.length === 0) return '-';
  return at.map((w, i) => (i === 0 ? htmlText(location(w)) : `<span class="muted">see also ${htmlText(location(w))}</span>`)).join('<br>');
}
