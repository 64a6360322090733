/**
 * Output too large for one string. V8 holds no string past about 512 MiB, which a listing of a
 * few million flows or timeline entries passes: such output is made as pieces, in order, for the
 * caller to write one after another.
 */
import { toJsonText } from './record-json.js';

/** A report's text, whole or as pieces to write in order. */
export type ReportOutput = string | readonly string[];

/** An item as a JSON line. */
export function ndjsonLine(item: Record<string, unknown>): string {
  return `${toJsonText(item)}\n`;
}

/** Items as JSON lines, one piece each. */
export function ndjsonPieces(items: ReadonlyArray<Record<string, unknown>>): string[] {
  return items.map(ndjsonLine);
}

/**
 * The text of `value` as indented JSON ({@link toJsonText} with an indent of 2, and a newline),
 * around the array under `listKey`: what comes before its items, each item's text, what goes
 * between two items, and what comes after them. A document of no items is `empty`.
 */
export interface JsonListFrame {
  open: string;
  item(value: Record<string, unknown>): string;
  separator: string;
  close: string;
  empty: string;
}

/** The frame of `value`'s JSON text around its list `listKey`, for items written one at a time. */
export function jsonListFrame(value: Record<string, unknown>, listKey: string): JsonListFrame {
  const empty = `${toJsonText({ ...value, [listKey]: [] }, 2)}\n`;
  // JSON text holds no raw newline inside a string: the key's line is found by its indent.
  const emptyList = `\n  ${JSON.stringify(listKey)}: []`;
  const at = empty.indexOf(emptyList);
  if (at < 0) throw new Error(`jsonListFrame: ${listKey} is not a key of the top level`);
  return {
    open: `${empty.slice(0, at)}\n  ${JSON.stringify(listKey)}: [`,
    item: (item) => `\n    ${toJsonText(item, 2).replaceAll('\n', '\n    ')}`,
    separator: ',',
    close: `\n  ]${empty.slice(at + emptyList.length)}`,
    empty,
  };
}

/** `value` as indented JSON text, with the array under `listKey` written one item a piece ({@link jsonListFrame}). */
export function jsonWithList(value: Record<string, unknown>, listKey: string, items: ReadonlyArray<Record<string, unknown>>): ReportOutput {
  const frame = jsonListFrame(value, listKey);
  if (items.length === 0) return frame.empty;
  return [frame.open, ...items.map((item, i) => (i === 0 ? '' : frame.separator) + frame.item(item)), frame.close];
}
