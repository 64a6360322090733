/**
 * Output too large for one string. V8 holds no string past about 512 MiB, which a listing of a
 * few million flows or timeline entries passes: such output is made as pieces, in order, for the
 * caller to write one after another. A listing's pieces are made as they are taken, so that the
 * JSON of its items is never held all at once beside the items.
 */
import { toJsonText } from './record-json.js';

/** A report's text, whole or as pieces to write in order. */
export type ReportOutput = string | Iterable<string>;

/** An item as a JSON line. */
export function ndjsonLine(item: Record<string, unknown>): string {
  return `${toJsonText(item)}\n`;
}

/** Items as JSON lines (`toJson` gives each one's value), one piece each, made as they are taken. */
export function* ndjsonPieces<T>(items: Iterable<T>, toJson: (item: T) => Record<string, unknown>): Generator<string> {
  for (const item of items) yield ndjsonLine(toJson(item));
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

/**
 * `value` as indented JSON text, with the array under `listKey` written one item a piece
 * ({@link jsonListFrame}; `toJson` gives each item's value), made as they are taken.
 */
export function* jsonWithList<T>(value: Record<string, unknown>, listKey: string, items: Iterable<T>, toJson: (item: T) => Record<string, unknown>): Generator<string> {
  const frame = jsonListFrame(value, listKey);
  let first = true;
  for (const item of items) {
    yield (first ? frame.open : frame.separator) + frame.item(toJson(item));
    first = false;
  }
  yield first ? frame.empty : frame.close;
}
