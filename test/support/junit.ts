/**
 * Checks of mosqlog's JUnit XML that a schema cannot make: characters XML 1.0 allows, and
 * counts that match the elements.
 */
import assert from 'node:assert/strict';
import { type XmlElement, childrenNamed } from './xml-tree.js';

// XML 1.0 Char production, inverted.
export const forbiddenInXml = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** A numeric attribute of an element. */
export const intAttribute = (element: XmlElement, name: string): number => Number(element.attributes[name]);

/** Checks what the schema cannot: counts against elements, names unique per suite. */
export function assertConsistent(root: XmlElement): void {
  assert.equal(root.name, 'testsuites');
  const suites = childrenNamed(root, 'testsuite');
  let tests = 0;
  let failures = 0;
  let skips = 0;
  for (const suite of suites) {
    const cases = childrenNamed(suite, 'testcase');
    const failed = cases.filter((c) => childrenNamed(c, 'failure').length > 0);
    assert.equal(intAttribute(suite, 'tests'), cases.length, `${suite.attributes.name}: tests`);
    assert.equal(intAttribute(suite, 'failures'), failed.length, `${suite.attributes.name}: failures`);
    assert.equal(intAttribute(suite, 'errors'), 0);
    const skipped = cases.filter((c) => childrenNamed(c, 'skipped').length > 0);
    assert.equal(intAttribute(suite, 'skipped'), skipped.length, `${suite.attributes.name}: skipped`);
    const names = cases.map((c) => c.attributes.name);
    assert.equal(new Set(names).size, names.length, `${suite.attributes.name}: unique testcase names`);
    for (const c of cases) {
      assert.equal(c.attributes.classname, suite.attributes.name);
      for (const f of childrenNamed(c, 'failure')) assert.equal(f.attributes.type, suite.attributes.name);
    }
    tests += cases.length;
    failures += failed.length;
    skips += skipped.length;
  }
  assert.equal(intAttribute(root, 'skipped'), skips);
  assert.equal(intAttribute(root, 'tests'), tests);
  assert.equal(intAttribute(root, 'failures'), failures);
}
