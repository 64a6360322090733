/**
 * Terminal tables without borders: columns padded to their width and two spaces apart, colour
 * from the context's chalk, columns dropped or shrunk to fit a terminal by eliding long cells
 * or wrapping them onto more lines. Rendering is linear in the number of cells.
 */
import type { ReportContext } from './context.js';
import { charWidth, displayWidth, elideEndColumns, safeText } from './text.js';

/** A column: header and whether its cells may be shortened to fit. */
export interface Column {
  header: string;
  /** Cells may be elided (ids, topics); others keep their width. */
  shrink?: boolean;
  /** Cells that do not fit go on over more lines, at spaces where they can (descriptions): nothing is lost. */
  wrap?: boolean;
  /** Where a shrunk cell loses characters: its middle (ids, topics) or its start (`file:line`). */
  elide?: 'middle' | 'start';
  /** Width a shrinkable column keeps before others are dropped or shrunk further (default 16). */
  comfortable?: number;
  align?: 'left' | 'right';
  /**
   * May be left out when the table cannot fit the terminal with every shrinkable column at its
   * comfortable width; the highest number goes first. 0 goes only when the columns left cannot
   * fit even at their narrowest.
   */
  drop?: number;
}

const gap = 2;

interface Fitted {
  index: number;
  column: Column;
  width: number;
  /** Width to shrink to before any column goes below its comfortable width. */
  comfortable: number;
  /** The narrowest it may become. */
  floor: number;
}

/**
 * Picks the columns to show and their widths. Columns are dropped (by `drop`) while the rest
 * cannot fit `width` at their comfortable widths, and those of `drop` 0 while they cannot fit
 * at their floors; then width is taken from the column furthest above its comfortable width
 * (wrapped columns first), and only then from those above their floor (wrapped columns first).
 */
function fitColumns(columns: readonly Column[], natural: readonly number[], width: number): Fitted[] {
  const shown: Fitted[] = columns.map((column, index) => {
    const w = natural[index] ?? 0;
    const header = displayWidth(column.header);
    // A wrapped column loses nothing by narrowing, so it gives up its room first (see below); at
    // least 20 columns stay.
    if (column.wrap) return { index, column, width: w, comfortable: Math.min(w, Math.max(header, column.comfortable ?? 24)), floor: Math.min(w, Math.max(header, 20)) };
    return column.shrink
      ? { index, column, width: w, comfortable: Math.min(w, Math.max(header, column.comfortable ?? 16)), floor: Math.min(w, Math.max(header, 8)) }
      : { index, column, width: w, comfortable: w, floor: w };
  });
  const sum = (pick: (c: Fitted) => number): number => shown.reduce((total, c) => total + pick(c), 0) + gap * (shown.length - 1);
  /** Leaves out the droppable column with the highest `drop` at least `least`; false when there is none. */
  const dropOne = (least: number): boolean => {
    let victim = -1;
    shown.forEach((c, i) => {
      const drop = c.column.drop;
      if (drop !== undefined && drop >= least && (victim < 0 || drop > (shown[victim]?.column.drop ?? 0))) victim = i;
    });
    if (victim >= 0) shown.splice(victim, 1);
    return victim >= 0;
  };
  while (sum((c) => c.comfortable) > width && dropOne(1));
  while (sum((c) => c.floor) > width && dropOne(0));
  let total = sum((c) => c.width);
  // Wrapped columns give up their room before any other, at each step.
  for (const limit of ['comfortable', 'floor'] as const) {
    for (const wrapped of [true, false]) {
      while (total > width) {
        let roomiest: Fitted | undefined;
        for (const c of shown) {
          if ((c.column.wrap === true) === wrapped && c.width > c[limit] && (!roomiest || c.width - c[limit] > roomiest.width - roomiest[limit])) roomiest = c;
        }
        if (!roomiest) break;
        roomiest.width--;
        total--;
      }
    }
  }
  return shown;
}

/** Shortens a cell to `max` columns the way its column asks, marking the cut with `…`. */
function fitCell(text: string, max: number, elide: Column['elide']): string {
  if (displayWidth(text) <= max) return text;
  const chars = Array.from(text);
  const take = (from: readonly string[], room: number): string[] => {
    const kept: string[] = [];
    let used = 0;
    for (const char of from) {
      const w = charWidth(char);
      if (used + w > room) break;
      kept.push(char);
      used += w;
    }
    return kept;
  };
  const room = Math.max(0, max - 1);
  if (elide === 'start') return `…${take([...chars].reverse(), room).reverse().join('')}`;
  const head = take(chars, Math.ceil(room / 2));
  const tail = take([...chars].reverse(), room - displayWidth(head.join(''))).reverse();
  return `${head.join('')}…${tail.join('')}`;
}

/**
 * A cell's text over as many lines of at most `width` columns as it needs: broken at spaces,
 * and within a word only when the word alone is wider.
 */
export function wrapText(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const word of text.split(' ')) {
    const w = displayWidth(word);
    if (used > 0 && used + 1 + w <= width) {
      line += ` ${word}`;
      used += 1 + w;
      continue;
    }
    if (used > 0) lines.push(line);
    [line, used] = ['', 0];
    for (const char of word) {
      const cw = charWidth(char);
      if (used + cw > width && used > 0) {
        lines.push(line);
        [line, used] = ['', 0];
      }
      line += char;
      used += cw;
    }
  }
  lines.push(line);
  return lines;
}

/** `text` padded with spaces to `width` columns on the side `align` asks. */
function pad(text: string, shown: string, width: number, align: Column['align']): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + shown : shown + fill;
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
  const natural = columns.map((c, i) => cells.reduce((widest, r) => Math.max(widest, displayWidth(r[i] ?? '')), displayWidth(c.header)));
  const shown = fitColumns(columns, natural, ctx.width);
  const hidden = columns.filter((_, i) => !shown.some((c) => c.index === i)).map((c) => c.header);
  const line = (parts: string[]): string => parts.join('  ').trimEnd();
  const out = [line(shown.map(({ column, width }) => pad(column.header, ctx.chalk.bold(column.header), width, column.align)))];
  cells.forEach((r, ri) => {
    const parts = shown.map(({ index, column, width }) => (column.wrap ? wrapText(r[index] ?? '', width) : [fitCell(r[index] ?? '', width, column.elide)]));
    const height = Math.max(...parts.map((p) => p.length));
    for (let li = 0; li < height; li++) {
      out.push(line(shown.map(({ index, column, width }, si) => {
        const fitted = parts[si]?.[li] ?? '';
        return pad(fitted, paint ? paint(ri, index, fitted) : fitted, width, column.align);
      })));
    }
  });
  // Columns left out to fit the terminal are named, so nothing goes missing unsaid.
  if (hidden.length > 0) out.push(ctx.chalk.dim(elideEndColumns(`(hidden to fit the terminal: ${hidden.join(', ')})`, ctx.width)));
  return out.join('\n') + '\n';
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
