/**
 * Conflicts of the collections are per key and per end:
 * - workers updating, deleting and re-adding disjoint TMap keys and TSet elements never
 *   conflict (zero aborts);
 * - a conflict names the key: `users{"bob"}`, `users{7}`, `jobs.head`; in histories an insert
 *   writes its key's key cell `users{"bob"}.key` (the slot it claimed) beside the value;
 * - two transactions inserting different keys that probe the same slots both commit;
 * - a commit that grows a map names every old-table cell it read (histories);
 * - two consumers never take the same element, and each takes them in FIFO order;
 * - a push and a shift on a non-empty (not full) queue do not conflict.
 */
import { expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { capacityFor } from '../src/internal/hash-table.js';
import { hashKey } from '../src/internal/keys.js';
import { runWorkers } from './helpers/workers.js';

test('2 workers on disjoint existing keys of a tmap and a tset: zero conflicts', async () => {
  const heap = Heap.create();
  const m = heap.tmap<string, number>('m');
  const s = heap.tset<string>('s');
  const keys = 500;
  heap.atomically(() => {
    for (let w = 0; w < 2; w++) {
      for (let i = 0; i < keys; i++) {
        m.set(`w${w}:${i}`, 0);
        s.add(`w${w}:${i}`);
      }
    }
  });
  const before = heap.stats().aborts.conflict;
  const results = await runWorkers<{ attempts: number }>(
    [0, 1].map((worker) => ({ fixture: 'collections-disjoint.mjs', data: { handle: heap.handle, worker, rounds: 6000, keys } })),
  );
  expect(results.map((r) => r.attempts)).toEqual([6000, 6000]);
  expect(heap.stats().aborts.conflict - before).toBe(0);
  // 6000 rounds over 500 keys: round r deletes key r % 500 when r % 3 === 2.
  const expected = new Map<string, number>();
  for (let w = 0; w < 2; w++) for (let i = 0; i < keys; i++) expected.set(`w${w}:${i}`, 0);
  for (let w = 0; w < 2; w++) {
    for (let r = 0; r < 6000; r++) {
      const k = `w${w}:${r % keys}`;
      if (r % 3 === 2) expected.delete(k);
      else expected.set(k, (expected.get(k) ?? 0) + 1);
    }
  }
  expect(new Map(m.entries())).toEqual(expected);
  expect(m.size).toBe(expected.size);
  expect(new Set(s.values())).toEqual(new Set(expected.keys()));
});

test('a conflict names the map key, the set element and the queue end', () => {
  const a = Heap.create();
  const b = Heap.attach(a.handle); // a second thread slot on this thread: a second transaction
  const usersA = a.tmap<string | number, number>('users');
  const usersB = b.tmap<string | number, number>('users');
  const jobsA = a.tqueue<number>('jobs');
  const jobsB = b.tqueue<number>('jobs');
  a.atomically(() => {
    usersA.set('bob', 1);
    usersA.set(7, 1);
    jobsA.push(1);
    jobsA.push(2);
  });
  const conflictOn = (body: () => void, other: () => void): string | undefined => {
    const control = a.control();
    control.begin(0);
    body();
    b.atomically(other);
    expect(control.commit()).toBe(false);
    return control.conflict()?.key;
  };
  expect(
    conflictOn(
      () => usersA.set('bob', usersA.get('bob')! + 1),
      () => usersB.set('bob', 5),
    ),
  ).toBe('users{"bob"}');
  expect(
    conflictOn(
      () => usersA.update(7, (v) => (v ?? 0) + 1),
      () => usersB.delete(7),
    ),
  ).toBe('users{7}');
  expect(
    conflictOn(
      () => usersA.set('ann', usersA.size),
      () => usersB.set('zed', 1),
    ),
  ).toBe('users.size');
  expect(
    conflictOn(
      () => jobsA.shift(),
      () => jobsB.shift(),
    ),
  ).toBe('jobs.head');
  b.detach();
  a.detach();
});

test('histories: an insert writes the key cell it claimed and the value cell; later operations read only the value', () => {
  const heap = Heap.create();
  const users = heap.tmap<string, number>('users');
  const control = heap.control();
  control.recordHistory = true;
  control.begin(1);
  users.set('bob', 1);
  expect(control.commit()).toBe(true);
  const insert = control.history()!;
  expect(insert.writes.map(([key]) => key).sort()).toEqual(['users.size', 'users.used', 'users{"bob"}', 'users{"bob"}.key']);
  control.begin(2);
  users.set('bob', users.get('bob')! + 1);
  expect(control.commit()).toBe(true);
  const update = control.history()!;
  expect(update.writes.map(([key]) => key)).toEqual(['users{"bob"}']);
  expect(update.reads).toEqual([
    ['users.table', 0],
    ['users{"bob"}', insert.version],
  ]);
  heap.detach();
});

/** Keys whose home slot in a new map's first table is the same (they probe the same slots). */
function collidingKeys(count: number): string[] {
  const cap = capacityFor(15); // INITIAL_SLOTS
  const home = (key: string): number => Math.floor(((hashKey(key) >>> 0) * cap) / 4294967296);
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) if (home(`k${i}`) === home('k0')) keys.push(`k${i}`);
  return keys;
}

test('two transactions inserting different keys that probe the same slots both commit', () => {
  const a = Heap.create();
  const b = Heap.attach(a.handle); // a second thread slot on this thread: a second transaction
  const mA = a.tmap<string, number>('m');
  const mB = b.tmap<string, number>('m');
  const [k1, k2, k3, k4] = collidingKeys(4);
  const control = a.control();
  const pairs: [string, string][] = [
    [k1!, k2!],
    [k3!, k4!],
  ];
  for (const [mine, theirs] of pairs) {
    // Each inserts into the empty slot where the other's probe ends (set, then update).
    control.begin(1);
    mA.set(mine, 1);
    b.atomically(() => mB.update(theirs, (v) => (v ?? 0) + 1));
    expect(control.commit()).toBe(true);
  }
  expect(a.stats().aborts.conflict).toBe(0);
  expect(new Map(mA.entries())).toEqual(new Map([k1!, k2!, k3!, k4!].map((k) => [k, 1])));
  // The same key is a real conflict, and it is named.
  control.begin(1);
  mA.set(k1!, 2);
  b.atomically(() => mB.set(k1!, 3));
  expect(control.commit()).toBe(false);
  expect(control.conflict()?.key).toBe(`m{${JSON.stringify(k1)}}`);
  b.detach();
  a.detach();
});

test.each([false, true])('a commit that grows a map names the old table cells it read (direct mode: %s)', (direct) => {
  // Growth reads every slot of the old table and links in a new one; in direct mode the
  // old block is gone after the commit, so its cells must be named before it.
  const heap = Heap.create();
  const m = heap.tmap<string, number>('m');
  const control = heap.control();
  control.recordHistory = true;
  control.direct = direct;
  const insertedAt = new Map<string, number>();
  for (let i = 0; i < 1000; i++) {
    control.begin(i);
    m.set(`k${i}`, i);
    expect(control.commit()).toBe(true);
    const history = control.history()!;
    if (!history.writes.some(([key]) => key === 'm.table')) {
      insertedAt.set(`k${i}`, history.version);
      continue;
    }
    const reads = new Map(history.reads);
    expect(history.reads.filter(([key]) => !key.startsWith('m'))).toEqual([]);
    for (const [key, version] of insertedAt) expect(reads.get(`m{${JSON.stringify(key)}}`), key).toBe(version);
    heap.detach();
    return;
  }
  throw new Error('1000 inserts never grew the table');
});

test('two consumers never take the same element, and each takes them in order', async () => {
  const heap = Heap.create();
  heap.tqueue<number>('q');
  const stop = new SharedArrayBuffer(4);
  const n = 4000;
  const consumers = runWorkers<{ taken: number[] }>(
    [0, 1].map(() => ({ fixture: 'queue-roles.mjs', data: { handle: heap.handle, role: 'consumer', stop } })),
  );
  await runWorkers([{ fixture: 'queue-roles.mjs', data: { handle: heap.handle, role: 'producer', from: 0, count: n } }]);
  Atomics.store(new Int32Array(stop), 0, 1);
  const [c0, c1] = await consumers;
  for (const c of [c0!, c1!]) for (let i = 1; i < c.taken.length; i++) expect(c.taken[i]).toBeGreaterThan(c.taken[i - 1]!);
  const all = [...c0!.taken, ...c1!.taken].sort((x, y) => x - y);
  expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
  console.log(`queue: consumers took ${c0!.taken.length} and ${c1!.taken.length}; ${heap.stats().aborts.conflict} conflicts`);
});

test('a producer and a consumer on a non-empty, not full queue never conflict', async () => {
  const heap = Heap.create();
  const q = heap.tqueue<number>('q');
  heap.atomically(() => {
    for (let i = 0; i < 600; i++) q.push(i); // the ring grows to 1023 elements here
  });
  const before = heap.stats().aborts.conflict;
  const stop = new SharedArrayBuffer(4);
  const [producer, consumer] = await runWorkers<{ attempts: number; taken: number[] }>([
    { fixture: 'queue-roles.mjs', data: { handle: heap.handle, role: 'producer', from: 600, count: 300 } },
    { fixture: 'queue-roles.mjs', data: { handle: heap.handle, role: 'consumer', stop, limit: 300 } },
  ]);
  expect(producer!.attempts).toBe(300);
  expect(consumer!.attempts).toBe(300);
  expect(consumer!.taken).toEqual(Array.from({ length: 300 }, (_, i) => i));
  expect(heap.stats().aborts.conflict - before).toBe(0);
  expect(q.size).toBe(600);
});
