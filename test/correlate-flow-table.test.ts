import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlowTable } from '../src/correlate/flow-table.js';
import type { Flow } from '../src/correlate/types.js';

function flow(mid: number): Flow {
  return {
    client: 'c1', direction: 'in', mid, qos: 1, topic: 't', payloadBytes: 1, state: 'in-flight',
    steps: [], sessionEnded: false, duplicates: 0, outOfOrder: false, resumed: false,
  };
}

const mids = (table: FlowTable): number[] => [...table.values()].map((f) => f.mid);

test('flows are found by message id and listed oldest first', () => {
  const table = new FlowTable();
  assert.equal(table.size, 0);
  assert.deepEqual(mids(table), []);
  for (const mid of [7, 3, 9]) table.set(mid, flow(mid));
  assert.equal(table.size, 3);
  assert.equal(table.get(3)?.mid, 3);
  assert.equal(table.get(4), undefined);
  table.delete(3);
  table.delete(4);
  assert.deepEqual(mids(table), [7, 9]);
  table.set(3, flow(3));
  assert.deepEqual(mids(table), [7, 9, 3]);
});

test('emptied and filled again, the table works as new', () => {
  const table = new FlowTable();
  table.set(1, flow(1));
  table.delete(1);
  table.delete(1);
  assert.equal(table.size, 0);
  assert.equal(table.nextToEvict(), undefined);
  table.set(2, flow(2));
  assert.equal(table.get(2)?.mid, 2);
  assert.deepEqual(mids(table), [2]);
});

test('the eviction walk goes oldest first and reaches flows started after the table emptied', () => {
  const table = new FlowTable();
  for (const mid of [1, 2, 3]) table.set(mid, flow(mid));
  const evicted: number[] = [];
  const evictOne = (): void => {
    const next = table.nextToEvict();
    assert.ok(next, 'a flow to evict');
    evicted.push(next.mid);
    table.delete(next.mid);
  };
  evictOne();
  table.set(4, flow(4));
  evictOne();
  evictOne();
  evictOne();
  assert.deepEqual(evicted, [1, 2, 3, 4]);
  assert.equal(table.size, 0);
  // A walk kept from before the table emptied would see nothing of the flows started since.
  table.set(5, flow(5));
  evictOne();
  assert.deepEqual(evicted, [1, 2, 3, 4, 5]);
});
