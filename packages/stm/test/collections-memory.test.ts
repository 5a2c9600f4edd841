/**
 * Collections keep memory bounded under churn and fail cleanly when the heap is full:
 * - set/delete pairs over a 10,000-key map keep bytesUsed flat after warm-up (deleted values
 *   are freed through version records, slots are reused by their key);
 * - ever-new keys inserted and deleted make the table grow and be replaced again and again:
 *   old tables are freed with everything in them, bytesUsed stays flat;
 * - push/shift churn on a queue stays flat;
 * - HeapFullError fails only the transaction that allocated: nothing of it is written (a table
 *   grown inside it included), the message says how to raise maxBytes, the heap goes on.
 *
 * AME_CHURN_PAIRS sets the number of set/delete pairs (default 200,000; the figure is
 * 1,000,000).
 */
import { expect, test } from 'vitest';
import { Heap } from '../src/index.js';

const PAIRS = Number(process.env.AME_CHURN_PAIRS ?? 200_000);

test(`${PAIRS} set/delete pairs on a 10,000-key map keep bytesUsed flat after warm-up`, () => {
  const heap = Heap.create();
  const m = heap.tmap<number, { n: number; tag: string }>('m');
  const KEYS = 10_000;
  heap.atomically(() => {
    for (let k = 0; k < KEYS; k++) m.set(k, { n: k, tag: 'start' });
  });
  const churn = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const k = (i * 7919) % KEYS;
      heap.atomically(() => m.set(k, { n: i, tag: `v${i}` }));
      heap.atomically(() => m.delete(k));
    }
  };
  churn(0, 20_000); // warm-up: every key deleted once, free lists filled
  const start = heap.stats();
  churn(20_000, 20_000 + PAIRS);
  const end = heap.stats();
  console.log(
    `churn: ${PAIRS} pairs, bytesUsed ${start.bytesUsed} -> ${end.bytesUsed}, reserved ${end.bytesReserved}, live versions ${end.liveVersions}`,
  );
  expect(end.commits - start.commits).toBe(2 * PAIRS);
  expect(end.bytesUsed - start.bytesUsed).toBeLessThan(64 * 1024);
  expect(end.bytesReserved).toBe(start.bytesReserved);
  expect(m.size).toBe(KEYS - Math.min(KEYS, new Set(Array.from({ length: 20_000 + PAIRS }, (_, i) => (i * 7919) % KEYS)).size));
});

test('ever-new keys: the table is replaced again and again, old tables are freed', () => {
  const heap = Heap.create();
  const m = heap.tmap<string, number>('m');
  const churn = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      heap.atomically(() => m.set(`key-${i}`, i));
      if (i >= 100) heap.atomically(() => m.delete(`key-${i - 100}`)); // about 100 live keys
    }
  };
  churn(0, 20_000);
  const start = heap.stats();
  churn(20_000, 100_000);
  const end = heap.stats();
  console.log(`new-key churn: bytesUsed ${start.bytesUsed} -> ${end.bytesUsed}, live versions ${end.liveVersions}`);
  expect(end.bytesUsed - start.bytesUsed).toBeLessThan(256 * 1024);
  expect(m.size).toBe(100);
  expect(m.get('key-99999')).toBe(99_999);
  expect(m.has('key-99899')).toBe(false);
});

test('push/shift churn on a queue keeps bytesUsed flat', () => {
  const heap = Heap.create();
  const q = heap.tqueue<{ i: number }>('q');
  const churn = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      heap.atomically(() => q.push({ i }));
      if (i % 3 !== 0) heap.atomically(() => q.shift());
      if (i % 3 === 0 && q.size > 50) heap.atomically(() => q.shift());
    }
  };
  churn(0, 20_000);
  const start = heap.stats();
  churn(20_000, 200_000);
  const end = heap.stats();
  expect(end.bytesUsed - start.bytesUsed).toBeLessThan(64 * 1024);
  expect(q.size).toBeLessThanOrEqual(51);
});

test('HeapFullError fails only the transaction that allocated, writing nothing', () => {
  const heap = Heap.create({ maxBytes: 1 << 20, maxThreads: 2 });
  const m = heap.tmap<string, string>('m');
  const q = heap.tqueue<string>('q');
  const big = 'x'.repeat(20_000); // ~40 KB encoded
  let stored = 0;
  let full: unknown;
  for (; stored < 1000; stored++) {
    try {
      heap.atomically(() => m.set(`k${stored}`, big));
    } catch (error) {
      full = error;
      break;
    }
  }
  expect(full).toMatchObject({ name: 'HeapFullError', code: 'HEAP_FULL' });
  expect((full as Error).message).toMatch(/larger maxBytes/);
  expect(m.size).toBe(stored);
  expect(m.has(`k${stored}`)).toBe(false);
  const before = heap.snapshot();
  // A transaction that grows the table and then runs out: its new table is freed, nothing written.
  expect(() =>
    heap.atomically(() => {
      for (let i = 0; i < 10_000; i++) m.set(`many${i}`, big);
    }),
  ).toThrow(expect.objectContaining({ code: 'HEAP_FULL' }));
  expect(() => heap.atomically(() => q.push(big + big + big + big))).toThrow(expect.objectContaining({ code: 'HEAP_FULL' }));
  expect(heap.snapshot()).toEqual(before);
  // The heap goes on: overwriting values frees room (an old value goes once no snapshot can
  // read it, at a later write of its cell), and a later insert fits.
  for (let r = 0; r < 10; r++) {
    heap.atomically(() => {
      for (let i = 0; i < 4; i++) m.set(`k${i}`, `small ${r}`);
    });
  }
  heap.atomically(() => m.set('after', big));
  expect(m.get('after')).toBe(big);
  expect(m.size).toBe(stored + 1);
});
