/**
 * Read-only transactions never abort: readers scanning keys that writers are hammering
 * commit on their first attempt, every time, and still see consistent snapshots.
 */
import { expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { runWorkers } from './helpers/workers.js';

interface Tally {
  attempts: number;
  transactions: number;
  unequal: number;
}

test('2 readers beside 2 writers on the same 16 keys: readers never abort', async () => {
  const heap = Heap.create();
  heap.tarray('keys', 16, 'f64');
  const stop = new SharedArrayBuffer(4);
  const readers = runWorkers<Tally>(
    [0, 1].map(() => ({ fixture: 'hammer.mjs', data: { handle: heap.handle, role: 'reader', stop } })),
  );
  const writers = await runWorkers<Tally>(
    [0, 1].map(() => ({ fixture: 'hammer.mjs', data: { handle: heap.handle, role: 'writer', count: 20_000 } })),
  );
  Atomics.store(new Int32Array(stop), 0, 1);
  const read = await readers;

  for (const reader of read) {
    expect(reader.transactions).toBeGreaterThan(0);
    expect(reader.attempts).toBe(reader.transactions); // no reader attempt was ever re-run
    expect(reader.unequal).toBe(0);
  }
  const stats = heap.stats();
  const writerAborts = writers.reduce((sum, w) => sum + w.attempts - w.transactions, 0);
  expect(stats.aborts.conflict).toBe(writerAborts); // every abort in the heap was a writer's
  expect(stats.aborts.error).toBe(0);
  expect(stats.readOnlyCommits).toBe(read.reduce((sum, r) => sum + r.transactions, 0));
  expect(heap.tarray('keys').toArray()).toEqual(new Array(16).fill(40_000));
});
