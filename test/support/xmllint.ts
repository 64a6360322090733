/**
 * Schema validation with xmllint (Debian libxml2-utils). Tests that need it call
 * {@link requireXmllint} first: without xmllint they are skipped, visibly, unless
 * MOSQLOG_REQUIRE_BROKER=1 (CI), where a missing tool fails them.
 */
import { spawnSync } from 'node:child_process';
import { type SkippableTest, goOnOrSkip } from './broker.js';

let available: boolean | undefined;

/** True when `xmllint` runs. */
export function hasXmllint(): boolean {
  available ??= spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).error === undefined;
  return available;
}

/** Call first in a test that validates; returns false (test skipped) when xmllint is missing ({@link goOnOrSkip}). */
export function requireXmllint(t: SkippableTest): boolean {
  return goOnOrSkip(t, hasXmllint() ? null : 'xmllint not installed (apt-get install libxml2-utils)', 'JUnit schema validation');
}

/** What xmllint said about a document. */
export interface Validation {
  valid: boolean;
  /** xmllint's messages (stderr). */
  output: string;
}

/** Validates `xml` (given on stdin) against the XSD at `schemaPath`. */
export function validateXml(xml: string, schemaPath: string): Validation {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schemaPath, '-'], { input: xml, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { valid: run.status === 0, output: run.stderr };
}
