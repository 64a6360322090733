/**
 * The machinery behind the family tables: a table of named templates per family, compiled once,
 * and a decoder that turns a match into a typed record body.
 */
import { isIP } from 'node:net';
import type { Family, Level, LogRecord, RecordBody } from './record.js';
import { type CompiledShape, type Fields, compileTemplate } from './template.js';

/** What a decoder may look at besides the line: the record before it, and the broker version. */
export interface DecodeContext {
  prev: LogRecord | undefined;
  /** From `mosquitto version X starting`, when the log has shown it. */
  brokerVersion: string | undefined;
  /** The level the line's envelope gave (`$SYS` topic, syslog priority), if any. */
  level?: Level | undefined;
  /** Whether the line has the broker's time prefix (so it was logged, not printed directly). */
  stamped?: boolean;
  /** The broker cut the line short: its last field may be the start of its text. */
  cut?: boolean;
}

/** One row of a family table. */
export interface PatternSpec {
  /** Message shape: `{x}` is text, `{x:int}` a number, `{x:name}` a packet name (capitals). */
  template: string;
  family: Family;
  level: Level;
  /** Broker versions that print it, e.g. `1.4.0–2.1.2`. */
  versions: string;
}

/** A compiled table row. */
export interface Pattern {
  name: string;
  shape: CompiledShape;
  family: Family;
  level: Level;
  /** Returns the record body, or null when the match does not apply (the search goes on). */
  decode(fields: Fields, ctx: DecodeContext): RecordBody | null;
}

/** Decodes a match of table row `kind`. */
export type TableDecoder<K extends string> = (
  kind: K,
  fields: Fields,
  ctx: DecodeContext,
  spec: PatternSpec,
) => RecordBody | null;

/** Compiles a family table; each row is decoded by `decode` with its own key. */
export function definePatterns<K extends string>(
  table: Readonly<Record<K, PatternSpec>>,
  decode: TableDecoder<K>,
): Pattern[] {
  return (Object.keys(table) as K[]).map((kind) => {
    const spec = table[kind];
    return {
      name: kind,
      shape: compileTemplate(spec.template),
      family: spec.family,
      level: spec.level,
      decode: (fields, ctx) => decode(kind, fields, ctx, spec),
    };
  });
}

/** A text field of a match ('' when absent). */
export function str(fields: Fields, name: string): string {
  const v = fields[name];
  return typeof v === 'string' ? v : v === undefined ? '' : String(v);
}

/** A numeric field of a match (NaN when absent). */
export function int(fields: Fields, name: string): number {
  const v = fields[name];
  return typeof v === 'number' ? v : Number(v);
}

/** A numeric field of a match, or undefined when the line was cut before it. */
export function optionalInt(fields: Fields, name: string): number | undefined {
  return name in fields ? int(fields, name) : undefined;
}

/** A flag field (`0` or `1`) of a match, or undefined when the line was cut before it. */
export function optionalFlag(fields: Fields, name: string): boolean | undefined {
  return name in fields ? int(fields, name) !== 0 : undefined;
}

/** Narrows a number to an MQTT QoS, or undefined. */
export function toQos(n: number): 0 | 1 | 2 | undefined {
  return n === 0 || n === 1 || n === 2 ? n : undefined;
}

/** `<unknown>` (and glibc's `(null)`) stand for a client with no id yet. */
export function clientOrNull(text: string): string | null {
  return text === '<unknown>' || text === '(null)' || text === 'null' ? null : text;
}

/**
 * Whether the text can be the address half of `address:port`. A 1.x IPv6 address has no port,
 * so a split that leaves no IPv6 address is wrong: a single trailing colon (`2001:db8:` from
 * `2001:db8::17`), or seven groups of a full address (`2001:db8:0:0:0:0:0` from `…:0:1`). Text
 * of other characters (a unix socket's path, which may hold colons: `/run/mq:a.sock`; a damaged
 * line) is wrong only with the trailing colon.
 */
export function plausibleAddress(address: string): boolean {
  if (address === '') return false;
  if (address.includes(':') && /^[\da-f:.]+$/i.test(address)) return isIP(address) === 6;
  return !address.endsWith(':') || address.endsWith('::');
}

/** True when the broker version is known to be older than `release`. */
export function isKnownBefore(version: string | undefined, release: string): boolean {
  return version !== undefined && compareVersions(version, release) < 0;
}

/** True when the broker version is known to be older than 2.0 (no `:port` after addresses). */
export function isBefore2(version: string | undefined): boolean {
  return version !== undefined && compareVersions(version, '2.0.0') < 0;
}

/** True when the broker version is known to be 2.1.0 or later. */
export function isAtLeast21(version: string | undefined): boolean {
  return version !== undefined && compareVersions(version, '2.1.0') >= 0;
}

/**
 * Orders broker versions (`1.5.2` < `1.5.10` < `2.0.0`); a version that is not numbers, such
 * as `develop`, comes after every release.
 */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Versions already split: a log names few, and each line's candidate rows are checked against its broker's. */
const knownVersionParts = new Map<string, readonly number[]>();
const versionPartsKept = 64;

function versionParts(version: string): readonly number[] {
  const known = knownVersionParts.get(version);
  if (known) return known;
  const parts = /^\d+(\.\d+)*/.test(version) ? version.split('.').map((p) => parseInt(p, 10) || 0) : [Number.MAX_SAFE_INTEGER];
  if (knownVersionParts.size >= versionPartsKept) knownVersionParts.clear();
  knownVersionParts.set(version, parts);
  return parts;
}
