/**
 * Progress on one hot key: 2000 tasks that all read-modify-write the same tvar, on 2 real
 * worker threads, ordered and unordered, finish (no livelock) with no lost update: the
 * final value is exact and every committed task's result is its position in the commit
 * order. Aborts are attributed to the hot key. With maxAttempts 1 every conflicting task
 * escalates to inevitable at once, and the run is still exact. The same load through
 * TCounter.add never conflicts on the counter.
 */
import { describe, expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule, type RunReport } from '@ame/transaction';

const tasks = taskModule<typeof import('./fixtures/hot-key.mjs')>(new URL('./fixtures/hot-key.mjs', import.meta.url));
const TASKS = 2000;
/** Generous bound for a run of 2000 tiny tasks: a livelock fails here, not at the suite timeout. */
const DEADLINE_MS = 60_000;

async function runWithin(queue: TransactionQueue, ms: number): Promise<RunReport> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run() did not finish within ${ms} ms: livelock?`)), ms);
  });
  try {
    return await Promise.race([queue.run(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each([
  { label: 'unordered', ordered: false, maxAttempts: undefined },
  { label: 'ordered', ordered: true, maxAttempts: undefined },
  { label: 'unordered, maxAttempts 1', ordered: false, maxAttempts: 1 },
  { label: 'ordered, maxAttempts 1', ordered: true, maxAttempts: 1 },
])('one hot tvar, 2 workers, $label', ({ ordered, maxAttempts }) => {
  test(`${TASKS} read-modify-writes finish with the exact count`, async () => {
    const heap = Heap.create();
    const hot = heap.tvar('hot', 0);
    const queue = new TransactionQueue({
      heap,
      workers: 2,
      ordered,
      policy: 'parallel',
      ...(maxAttempts ? { maxAttempts } : {}),
    });
    try {
      for (let i = 0; i < TASKS; i++) queue.add(tasks.incrementHot);
      const report = await runWithin(queue, DEADLINE_MS);

      expect(hot.get()).toBe(TASKS);
      expect([report.tasks, report.commits, report.errors.length]).toEqual([TASKS, TASKS, 0]);
      // Every task read a different value (no lost update) ...
      expect([...report.results].sort((a, b) => (a as number) - (b as number))).toEqual(
        Array.from({ length: TASKS }, (_, k) => k + 1),
      );
      // ... and the k-th task of the reported commit order wrote k + 1: the order is the real one.
      const misplaced = report.commitOrder.flatMap((index, k) =>
        report.results[index] === k + 1 ? [] : [{ position: k, index, wrote: report.results[index] }],
      );
      expect(misplaced.slice(0, 3), `${misplaced.length} tasks out of place in commitOrder`).toEqual([]);
      if (ordered) expect(report.commitOrder).toEqual(Array.from({ length: TASKS }, (_, i) => i));
      if (report.aborts > 0) {
        expect(report.conflicts[0]?.key).toBe('hot');
        const pair = report.conflicts[0]!.pairs[0]!;
        expect(pair.aborted.task).toBe('incrementHot');
        if (pair.winner) expect(pair.winner.task).toBe('incrementHot');
      }
      expect(report.conflicts.reduce((n, c) => n + c.count, 0)).toBeLessThanOrEqual(report.aborts);
    } finally {
      await queue.close();
    }
  });
});

describe.each([
  { label: 'unordered', ordered: false },
  { label: 'ordered', ordered: true },
])('one hot tcounter, 2 workers, $label', ({ ordered }) => {
  test(`${TASKS} TCounter.add calls finish exactly, with no conflict on the counter`, async () => {
    const heap = Heap.create();
    const hits = heap.tcounter('hits', 0);
    const queue = new TransactionQueue({ heap, workers: 2, ordered, policy: 'parallel' });
    try {
      for (let i = 0; i < TASKS; i++) queue.add(tasks.addHit);
      const report = await runWithin(queue, DEADLINE_MS);
      expect(hits.get()).toBe(TASKS);
      expect([report.tasks, report.commits, report.errors.length]).toEqual([TASKS, TASKS, 0]);
      expect(report.conflicts.find((c) => c.key === 'hits')).toBeUndefined();
      expect(report.aborts).toBe(0);
    } finally {
      await queue.close();
    }
  });
});
