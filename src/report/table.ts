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
  /**
   * May be left out when the table cannot fit the terminal even with every shrinkable column
   * at its narrowest; the highest number goes first.
   */
  drop?: number;
}

const borderChars = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

const gap = 2;

/** The narrowest a column may become. */
function floorOf(column: Column, natural: number): number {
  return column.shrink ? Math.min(natural, Math.max(8, column.header.length)) : natural;
}

/**
 * Picks the columns to show and their widths: drops columns (by `drop`) until the rest can fit
 * `width`, then takes width from the widest shrinkable column until the table fits.
 */
function fitColumns(columns: readonly Column[], natural: readonly number[], width: number): Array<{ index: number; width: number }> {
  const shown = columns.map((column, index) => ({ index, column, width: natural[index] ?? 0 }));
  const least = (): number => shown.reduce((sum, c) => sum + floorOf(c.column, c.width), 0) + gap * (shown.length - 1);
  while (least() > width) {
    let victim = -1;
    shown.forEach((c, i) => {
      if (c.column.drop !== undefined && (victim < 0 || c.column.drop > (shown[victim]?.column.drop ?? 0))) victim = i;
    });
    if (victim < 0) break;
    shown.splice(victim, 1);
  }
  let total = shown.reduce((sum, c) => sum + c.width, 0) + gap * (shown.length - 1);
  while (total > width) {
    let widest: (typeof shown)[number] | undefined;
    for (const c of shown) {
      if (c.width > floorOf(c.column, natural[c.index] ?? 0) && (!widest || c.width > widest.width)) widest = c;
    }
    if (!widest) break;
    widest.width--;
    total--;
  }
  return shown.map(({ index, width: w }) => ({ index, width: w }));
}

/**
 * Renders rows under headers. Cells are made terminal-safe here; pass raw text.
 * `paint` may colour a cell after it has been fitted (`col` indexes `columns`).
 */
export function renderTable(
  columns: readonly Column[],
  rows: ReadonlyArray<readonly string[]>,
  ctx: ReportContext,
  paint?: (row: number, col: number, text: string) => string,
): string {
  const cells = rows.map((r) => columns.map((_, i) => safeText(r[i] ?? '')));
  const natural = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const shown = fitColumns(columns, natural, ctx.width);
  const table = new Table({
    head: shown.map(({ index }) => ctx.chalk.bold(columns[index]?.header ?? '')),
    chars: borderChars,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    colAligns: shown.map(({ index }) => columns[index]?.align ?? 'left'),
  });
  cells.forEach((r, ri) => {
    table.push(shown.map(({ index, width }) => {
      const fitted = elideMiddle(r[index] ?? '', width);
      return paint ? paint(ri, index, fitted) : fitted;
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
