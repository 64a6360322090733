/**
 * Eviction oldest first: {@link NewestKept} and a walk with {@link OldestFirst} keep and let go
 * the same entries as a plain list in insertion order, whatever mix of sets, deletes and clears comes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { NewestKept, OldestFirst } from '../src/correlate/oldest-first.js';

type Step = { op: 'set'; key: number; value: number } | { op: 'delete'; key: number } | { op: 'clear' };

const keys = 8;
const steps = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('set' as const), key: fc.nat(keys - 1), value: fc.nat() }),
    fc.record({ op: fc.constant('delete' as const), key: fc.nat(keys - 1) }),
  ),
  { maxLength: 200 },
);
/** {@link steps}, now and then a clear of the whole Map. */
const stepsWithClear = fc.array(
  fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.nat(keys - 1), value: fc.nat() }), weight: 10 },
    { arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.nat(keys - 1) }), weight: 5 },
    { arbitrary: fc.record({ op: fc.constant('clear' as const) }), weight: 1 },
  ),
  { maxLength: 200 },
);

/** The model: entries in insertion order, a set moving its key to the end. */
class ListModel {
  entries: [number, number][] = [];

  delete(key: number): void {
    this.entries = this.entries.filter(([k]) => k !== key);
  }

  setNewest(key: number, value: number, limit: number): void {
    this.delete(key);
    this.entries.push([key, value]);
    if (this.entries.length > limit) this.entries.shift();
  }
}

describe('NewestKept', () => {
  test('keeps the newest entries set, as a list in insertion order does', () => {
    fc.assert(fc.property(steps, fc.nat(6), (run: Step[], limit) => {
      const kept = new NewestKept<number, number>(limit);
      const model = new ListModel();
      for (const step of run) {
        if (step.op === 'set') {
          kept.set(step.key, step.value);
          model.setNewest(step.key, step.value, limit);
        } else if (step.op === 'delete') {
          assert.equal(kept.delete(step.key), model.entries.some(([k]) => k === step.key));
          model.delete(step.key);
        }
        assert.equal(kept.size, model.entries.length);
        for (let key = 0; key < keys; key++) {
          assert.equal(kept.has(key), model.entries.some(([k]) => k === key));
          assert.equal(kept.get(key), model.entries.find(([k]) => k === key)?.[1]);
        }
      }
    }));
  });

  test('lets the oldest go first, in the order they were set', () => {
    const kept = new NewestKept<string, number>(2);
    kept.set('a', 1);
    kept.set('b', 2);
    kept.set('a', 3);
    kept.set('c', 4);
    assert.deepEqual([kept.has('a'), kept.has('b'), kept.has('c')], [true, false, true]);
    kept.set('d', 5);
    assert.deepEqual([kept.get('a'), kept.get('c'), kept.get('d')], [undefined, 4, 5]);
  });
});

describe('OldestFirst', () => {
  test('walks to the oldest entry left while each one it passes is deleted, the Map changing between steps', () => {
    fc.assert(fc.property(stepsWithClear, fc.array(fc.boolean(), { maxLength: 200 }), (run: Step[], evictions) => {
      const map = new Map<number, number>();
      const walk = new OldestFirst(map);
      const model = new ListModel();
      run.forEach((step, i) => {
        if (step.op === 'set') {
          map.delete(step.key);
          map.set(step.key, step.value);
          model.setNewest(step.key, step.value, Infinity);
        } else if (step.op === 'delete') {
          map.delete(step.key);
          model.delete(step.key);
        } else {
          map.clear();
          model.entries = [];
        }
        if (evictions[i]) {
          const oldest = walk.next();
          assert.deepEqual(oldest, model.entries[0]);
          if (oldest !== undefined) map.delete(oldest[0]);
          model.entries.shift();
        }
      });
    }));
  });

  test('walks a Set by its values', () => {
    const set = new Set(['x', 'y']);
    const walk = new OldestFirst(set);
    assert.deepEqual(walk.next(), ['x', 'x']);
    set.delete('x');
    set.add('z');
    assert.deepEqual(walk.next(), ['y', 'y']);
    set.delete('y');
    assert.deepEqual(walk.next(), ['z', 'z']);
    set.delete('z');
    assert.equal(walk.next(), undefined);
    set.add('w');
    assert.deepEqual(walk.next(), ['w', 'w']);
  });
});
