/**
 * {@link UnjudgedFilters}: each value remembered is judged once — when its topic line's filter
 * is judged, or taken as granted once the newer generation has filled behind it — and no more
 * than two generations wait.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { UnjudgedFilters } from '../src/correlate/unjudged-filters.js';

const at = (line: number) => ({ file: 'broker.log', line });

test('a remembered filter is judged once, as it was judged; one not remembered is nothing', () => {
  const judged: Array<[string, boolean]> = [];
  const filters = new UnjudgedFilters<string>((value, denied) => judged.push([value, denied]));
  filters.remember(at(1), 'a');
  filters.remember(at(2), 'b');
  filters.judge(at(2), true);
  filters.judge(at(2), false);
  filters.judge(at(3), false);
  filters.judge({ file: 'other.log', line: 1 }, false);
  filters.judge(at(1), false);
  assert.deepEqual(judged, [['b', true], ['a', false]]);
});

test('past the number kept, the older generation is taken as granted, and a judgement of it later is nothing', () => {
  const judged: Array<[number, boolean]> = [];
  const filters = new UnjudgedFilters<number>((value, denied) => judged.push([value, denied]), 2);
  for (const line of [1, 2, 3, 4]) filters.remember(at(line), line);
  // 1 and 2 are the older generation, 3 and 4 the newer: both are still to be judged.
  filters.judge(at(1), true);
  assert.deepEqual(judged, [[1, true]]);
  filters.remember(at(5), 5);
  assert.deepEqual(judged, [[1, true], [2, false]]);
  filters.judge(at(2), true);
  filters.judge(at(4), true);
  assert.deepEqual(judged, [[1, true], [2, false], [4, true]]);
});

test('every value remembered is judged at most once, and at most twice the number kept wait', () => {
  const step = fc.oneof(fc.constant({ remember: true as const }), fc.record({ judge: fc.nat(30), denied: fc.boolean() }));
  fc.assert(fc.property(fc.array(step, { maxLength: 120 }), fc.integer({ min: 1, max: 6 }), (steps, kept) => {
    const judged: number[] = [];
    const filters = new UnjudgedFilters<number>((value) => judged.push(value), kept);
    const remembered: number[] = [];
    for (const s of steps) {
      if ('remember' in s) {
        // A topic line is read once: each line number remembered is new.
        const line = remembered.length + 1;
        remembered.push(line);
        filters.remember(at(line), line);
      } else {
        filters.judge(at(s.judge), s.denied);
      }
    }
    assert.equal(new Set(judged).size, judged.length, 'judged once');
    assert.ok(judged.every((line) => remembered.includes(line)), 'only what was remembered is judged');
    // What is still to be judged lies in the two generations: at most 2 × kept.
    const unjudged = remembered.filter((line) => !judged.includes(line));
    assert.ok(unjudged.length <= 2 * kept, JSON.stringify({ unjudged, kept }));
  }));
});
