/**
 * Output too large for one string. V8 holds no string past about 512 MiB, which a listing of a
 * few million flows or timeline entries passes: such output is made as pieces, in order, for the
 * caller to write one after another.
 */
import { toJsonText } from './record-json.js';

/** A report's text, whole or as pieces to write in order. */
export type ReportOutput = string | readonly string[];

/** Items as JSON lines, one piece each. */
export function ndjsonPieces(items: ReadonlyArray<Record<string, unknown>>): string[] {
  return items.map((item) => `${toJsonText(item)}\n`);
}

/**
 * `value` as indented JSON text ({@link toJsonText} with an indent of 2, and a newline), with the
 * array under `listKey` written one item a piece.
 */
export function jsonWithList(value: Record<string, unknown>, listKey: string, items: ReadonlyArray<Record<string, unknown>>): ReportOutput {
  const text = `${toJsonText({ ...value, [listKey]: [] }, 2)}\n`;
  if (items.length === 0) return text;
  // JSON text holds no raw newline inside a string: the key's line is found by its indent.
  const empty = `\n  ${JSON.stringify(listKey)}: []`;
  const at = text.indexOf(empty);
  if (at < 0) throw new Error(`jsonWithList: ${listKey} is not a key of the top level`);
  const pieces = [`${text.slice(0, at)}\n  ${JSON.stringify(listKey)}: [`];
  items.forEach((item, i) => pieces.push(`${i === 0 ? '' : ','}\n    ${toJsonText(item, 2).replaceAll('\n', '\n    ')}`));
  pieces.push(`\n  ]${text.slice(at + empty.length)}`);
  return pieces;
}
