/**
 * Terminal tables: cli-table3 with its own colours off (colour comes from the context's chalk),
 * columns shrunk to the terminal width by eliding the middle of long cells.
 */
import Table from 'cli-table3';
import type { ReportContext } from './context.js';
import { elideMiddle, safeText } from './text.js';

/** A column: header and whether its cells may be shortened to fit. */
export interface Column {
  header: string;
  /** Cells may be elided (ids, topics); others keep their width. */
  shrink?: boolean;
  align?: 'left' | 'right';
}

const borderChars = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

/**
 * Renders rows under headers. Cells are made terminal-safe here; pass raw text.
 * `paint` may colour a cell after it has been fitted.
 */
export function renderTable(
  columns: readonly Column[],
  rows: ReadonlyArray<readonly string[]>,
  ctx: ReportContext,
  paint?: (row: number, col: number, text: string) => string,
): string {
  const cells = rows.map((r) => columns.map((_, i) => safeText(r[i] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const gaps = 2 * (columns.length - 1);
  let total = widths.reduce((a, b) => a + b, 0) + gaps;
  // Take width from the widest shrinkable column until the table fits.
  while (total > ctx.width) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      if (columns[i]?.shrink && (widths[i] ?? 0) > Math.max(8, columns[i]?.header.length ?? 0) && (widest < 0 || (widths[i] ?? 0) > (widths[widest] ?? 0))) widest = i;
    }
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total--;
  }
  const table = new Table({
    head: columns.map((c) => ctx.chalk.bold(c.header)),
    chars: borderChars,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    colAligns: columns.map((c) => c.align ?? 'left'),
  });
  cells.forEach((r, ri) => {
    table.push(r.map((text, ci) => {
      const fitted = elideMiddle(text, widths[ci] ?? text.length);
      return paint ? paint(ri, ci, fitted) : fitted;
    }));
  });
  return table.toString().split('\n').map((l) => l.trimEnd()).join('\n') + '\n';
}

/** A section heading for terminal output. */
export function heading(text: string, ctx: ReportContext): string {
  return `${ctx.chalk.bold.underline(text)}\n`;
}

/** A Markdown table; cells must already be Markdown-safe. */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}
