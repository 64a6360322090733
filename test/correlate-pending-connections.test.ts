/**
 * The connections waiting for their CONNECT: taken by address and port, by address alone (before
 * 2.0), or the newest (`Client <unknown>`); given up after ten minutes; let go at the cap; put
 * back in the order they came. A property test holds the count to a plain list's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type PendingConnection, PendingConnections } from '../src/correlate/pending-connections.js';

let seq = 0;
function conn(address: string, port: number | null, time: number | null = 0): PendingConnection {
  seq++;
  return { address, port, listenerPort: 1883, time, at: { file: 'f.log', line: seq }, seq };
}

function waiting(max = 100): { pending: PendingConnections; gaveUp: PendingConnection[]; evicted: number[] } {
  const gaveUp: PendingConnection[] = [];
  const evicted: number[] = [];
  return { pending: new PendingConnections(max, { gaveUp: (p) => gaveUp.push(p), evicted: (n) => evicted.push(n) }), gaveUp, evicted };
}

test('a connection is taken by its address and port, by its address alone (oldest first), or as the newest', () => {
  const { pending } = waiting();
  const a1 = conn('10.0.0.1', 5001);
  const a2 = conn('10.0.0.1', 5002);
  const b = conn('10.0.0.2', 6000);
  for (const p of [a1, a2, b]) pending.add(p);
  assert.equal(pending.size, 3);
  assert.equal(pending.take('10.0.0.1', 5002), a2);
  assert.equal(pending.take('10.0.0.1', 9999), null, 'no connection from that port');
  assert.equal(pending.take(null, null), b, 'the newest');
  assert.equal(pending.take(null, null), a1, 'the newest of those left, once the last announced is taken');
  assert.equal(pending.size, 0);
  assert.equal(pending.has('10.0.0.1'), false);
  // Before 2.0 a connection line names no port: any port of the address matches it.
  const old = conn('10.0.0.3', null);
  pending.add(old);
  assert.equal(pending.take('10.0.0.3', 4000), old);
});

test('a connection put back after a wrong guess takes its place in the order its address connected', () => {
  const { pending } = waiting();
  const [first, second, third] = [conn('10.0.0.1', 1), conn('10.0.0.1', 2), conn('10.0.0.1', 3)];
  for (const p of [first, second, third]) pending.add(p);
  assert.equal(pending.take('10.0.0.1', 2), second);
  pending.restore(second);
  assert.deepEqual(pending.from('10.0.0.1')?.map((p) => p.port), [1, 2, 3]);
  assert.equal(pending.takeOldest(), first);
  assert.equal(pending.newest(), third);
  assert.equal(pending.remove(first), false, 'taken already');
  assert.equal(pending.remove(third), true);
  assert.deepEqual([...pending].map((p) => p.port), [2]);
});

test('connections that waited over ten minutes are given up as the next of their address comes, and all of them now and then', () => {
  const { pending, gaveUp } = waiting(10_000);
  const stale = conn('10.0.0.1', 1, 0);
  const other = conn('10.0.0.2', 1, 0);
  pending.add(stale);
  pending.add(other);
  pending.add(conn('10.0.0.1', 2, 10 * 60_000));
  assert.equal(gaveUp.length, 0, 'ten minutes exactly is not too long');
  pending.add(conn('10.0.0.1', 3, 10 * 60_000 + 1));
  assert.deepEqual(gaveUp, [stale]);
  assert.equal(pending.size, 3);
  // The other address is swept once 4096 connections were announced in all.
  for (let i = 4; i < 4095; i++) pending.add(conn(`10.1.${i >> 8}.${i & 255}`, 1, 10 * 60_000 + 1));
  assert.ok(!gaveUp.includes(other));
  pending.add(conn('10.2.0.1', 1, 10 * 60_000 + 1));
  assert.ok(gaveUp.includes(other));
  assert.equal(pending.has('10.0.0.2'), false);
});

test('at the cap, the address that has waited longest is let go with all its connections, and counted', () => {
  const { pending, evicted, gaveUp } = waiting(3);
  for (const p of [conn('a', 1), conn('a', 2), conn('b', 1)]) pending.add(p);
  pending.add(conn('c', 1));
  assert.deepEqual(evicted, [2]);
  assert.deepEqual(gaveUp, []);
  assert.deepEqual([...pending].map((p) => `${p.address}:${p.port}`), ['b:1', 'c:1']);
  assert.equal(pending.size, 2);
  pending.clear();
  assert.equal(pending.size, 0);
  assert.equal(pending.take(null, null), null);
});

test('the count is that of a plain list, whatever mix of adds, takes and put-backs comes', () => {
  const op = fc.oneof(
    fc.record({ op: fc.constant('add' as const), address: fc.constantFrom('a', 'b', 'c'), port: fc.option(fc.nat(3)) }),
    fc.record({ op: fc.constant('take' as const), address: fc.option(fc.constantFrom('a', 'b', 'c')), port: fc.option(fc.nat(3)) }),
    fc.record({ op: fc.constant('oldest' as const) }),
    fc.record({ op: fc.constant('restore' as const) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
    const { pending } = waiting(1000);
    const model: PendingConnection[] = [];
    const taken: PendingConnection[] = [];
    for (const o of ops) {
      if (o.op === 'add') {
        const p = conn(o.address, o.port);
        pending.add(p);
        model.push(p);
      } else {
        const p = o.op === 'take' ? pending.take(o.address, o.port) : o.op === 'oldest' ? pending.takeOldest() : null;
        if (o.op === 'restore') {
          const back = taken.pop();
          if (back) {
            pending.restore(back);
            model.push(back);
          }
        } else if (p) {
          assert.ok(model.includes(p), 'only a waiting connection is taken');
          model.splice(model.indexOf(p), 1);
          taken.push(p);
        }
      }
      assert.equal(pending.size, model.length);
      assert.deepEqual([...pending].map((p) => p.seq).sort((x, y) => x - y), model.map((p) => p.seq).sort((x, y) => x - y));
    }
  }));
});
