/**
 * Livelock: a long transaction among many short ones on the same data finishes. A long
 * writer whose read every short writer invalidates escalates after maxAttempts and runs
 * alone (R4), so it commits once and nothing is lost; a long reader never aborts (its
 * snapshot stays consistent) and sees one state across both of its passes. Real workers,
 * ordered and unordered, with policy 'parallel' so the tasks really overlap.
 */
import { describe, expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule } from '@ame/transaction';

const tasks = taskModule<typeof import('./fixtures/livelock-tasks.mjs')>(
  new URL('./fixtures/livelock-tasks.mjs', import.meta.url),
);
const SHORT = 400;

describe.each([false, true])('ordered %s, 2 workers', (ordered) => {
  test('a long writer against short writers on one key: every task commits once, the count is exact', async () => {
    const heap = Heap.create();
    heap.tvar('hot', 0);
    await using queue = new TransactionQueue({ heap, workers: 2, ordered, policy: 'parallel', maxAttempts: 4 });
    for (let i = 0; i < SHORT; i++) {
      if (i === 20) queue.add(tasks.longWriter, 30);
      queue.add(tasks.shortWriter);
    }
    const report = await queue.run();
    expect(report.errors).toEqual([]);
    expect(report.commits).toBe(SHORT + 1);
    expect(heap.tvar<number>('hot').get()).toBe(SHORT + 1000);
    heap.detach();
  });

  test('a long reader among short writers never sees two states and commits', async () => {
    const heap = Heap.create();
    const cells = heap.tarray('cells', 16, 'f64');
    heap.atomically(() => {
      for (let i = 0; i < 16; i++) cells.set(i, 100);
    });
    await using queue = new TransactionQueue({ heap, workers: 2, ordered, policy: 'parallel' });
    const reader = queue.add(tasks.longReader, 20);
    for (let i = 0; i < SHORT; i++) queue.add(tasks.shuffle, i % 16, (i * 7 + 3) % 16);
    const report = await queue.run();
    expect(report.errors).toEqual([]);
    expect(report.commits).toBe(SHORT + 1);
    expect(report.result(reader)).toBe(1600);
    heap.detach();
  });
});
