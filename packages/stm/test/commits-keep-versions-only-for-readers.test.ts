/**
 * A commit keeps its old values as versions only while another snapshot may read them
 * (commit.ts T8): on one thread nothing old is kept, and a snapshot open elsewhere (another
 * slot of this thread, another thread) still reads exactly what it saw at its start.
 */
import { expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { runWorkers } from './helpers/workers.js';

test('on one thread, commits keep no old versions and use no memory beyond the values', () => {
  const heap = Heap.create();
  const cells = heap.tarray('cells', 64, 'f64');
  const objects = heap.tvar('object', { n: 0, tags: ['x', '100000'] });
  for (let k = 0; k < 1_000; k++) heap.atomically(() => cells.set(k & 63, k));
  const start = heap.stats();
  for (let k = 0; k < 20_000; k++) {
    heap.atomically(() => {
      cells.set(k & 63, cells.get((k + 1) & 63) + 1);
      objects.set({ n: k, tags: ['x', String(100_000 + k)] }); // values of one size: one size class
    });
  }
  const end = heap.stats();
  expect(end.liveVersions).toBe(0);
  expect(end.bytesUsed).toBe(start.bytesUsed);
  expect(objects.get()).toEqual({ n: 19_999, tags: ['x', '119999'] });
});

test('a snapshot open on another slot reads its values through every later commit, then frees them', () => {
  const heap = Heap.create();
  const cells = heap.tarray('cells', 8, 'f64');
  const label = heap.tvar('label', 'first');
  heap.atomically(() => {
    for (let i = 0; i < 8; i++) cells.set(i, i);
  });
  // A second attachment in this thread has a slot of its own: a reader as another thread's would be.
  const other = Heap.attach(heap.handle);
  const otherCells = other.tarray('cells');
  const otherLabel = other.tvar('label');
  const reader = other.control();
  reader.begin();
  expect(otherCells.get(3)).toBe(3);
  for (let k = 0; k < 200; k++) {
    heap.atomically(() => {
      cells.set(k & 7, 100 + k);
      label.set(`commit ${k}`);
    });
    // Each read after each commit: the values of the reader's snapshot, not the new ones.
    expect(otherCells.get(k & 7)).toBe(k & 7);
    expect(otherLabel.get()).toBe('first');
  }
  expect(heap.stats().liveVersions).toBeGreaterThanOrEqual(200);
  expect(reader.commit()).toBe(true);
  // With the reader gone, the next commits free what it pinned (it had been seen, so up to
  // 256 commits keep theirs before looking again: reclaim.ts KEEP_WITHOUT_LOOKING).
  for (let k = 0; k < 300; k++) {
    heap.atomically(() => {
      cells.set(k & 7, k);
      label.set(`after ${k}`);
    });
  }
  expect(heap.stats().liveVersions).toBe(0);
  expect(other.snapshot()).toEqual({ cells: [296, 297, 298, 299, 292, 293, 294, 295], label: 'after 299' });
  other.detach();
});

test('a snapshot held by the main thread reads its values while a worker commits alone', async () => {
  const heap = Heap.create();
  const counter = heap.tvar('n', 0);
  const reader = heap.control();
  reader.begin();
  expect(counter.get()).toBe(0);
  const start = new SharedArrayBuffer(4);
  await runWorkers([{ fixture: 'increment.mjs', data: { handle: heap.handle, count: 500, name: 'n', start, workers: 1 } }]);
  expect(counter.get()).toBe(0); // the worker's 500 commits each kept the version before it
  expect(heap.stats().liveVersions).toBeGreaterThanOrEqual(500);
  expect(reader.commit()).toBe(true);
  expect(counter.get()).toBe(500);
});
