/**
 * A report's commitOrder and serialOrder are built when first read (see SharedBatch
 * serialOrder): reading them after the queue has run later batches, which reuse the
 * batch's shared arrays, still gives that run's orders. Sequential and ordered runs list
 * tasks in index order: serialOrder every task that finished, commitOrder the ones that
 * committed (no failed task).
 */
import { describe, expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { taskRef, type RunReport } from '@ame/pool';
import { GilQueue, SequentialQueue } from '@ame/gil';

const BANK = new URL('../../transaction/test/fixtures/bank-tasks.mjs', import.meta.url);
const withdraw = taskRef(BANK, 'withdrawOrThrow');

/** Tasks withdrawing 1 each from account 0; the ones at `failing` ask for too much and throw. */
function addBatch(queue: SequentialQueue | GilQueue, tasks: number, failing: ReadonlySet<number>): void {
  for (let i = 0; i < tasks; i++) queue.add(withdraw, 0, failing.has(i) ? 1e9 : 1, false);
}

function expectOrders(report: RunReport, tasks: number, failing: ReadonlySet<number>): void {
  const all = Array.from({ length: tasks }, (_, i) => i);
  expect(report.errors.map((e) => e.index)).toEqual([...failing].sort((a, b) => a - b));
  expect(report.serialOrder).toEqual(all);
  expect(report.commitOrder).toEqual(all.filter((i) => !failing.has(i)));
}

describe.each([
  ['SequentialQueue', (heap: Heap) => new SequentialQueue({ heap, onError: 'continue' })],
  ['GilQueue ordered, 2 workers', (heap: Heap) => new GilQueue({ heap, workers: 2, ordered: true, onError: 'continue' })],
])('%s', (_name, make) => {
  test('orders read after later batches are the orders of their own run', async () => {
    const heap = Heap.create({ initialBytes: 1 << 20 });
    const accounts = heap.tarray('accounts', 1);
    heap.tvar('total', 0);
    heap.atomically(() => accounts.set(0, 1e6));
    const queue = make(heap);
    try {
      const runs = [
        { tasks: 300, failing: new Set([3, 150, 299]) },
        { tasks: 500, failing: new Set([0, 7, 8, 400]) },
        { tasks: 200, failing: new Set<number>() },
      ];
      const reports: RunReport[] = [];
      for (const { tasks, failing } of runs) {
        addBatch(queue, tasks, failing);
        const report = await queue.run();
        reports.push(reports.length === 1 ? Object.freeze(report) : report);
      }
      // Read only now: batches 2 and 3 overwrote the shared per-task arrays of batch 1.
      runs.forEach(({ tasks, failing }, k) => expectOrders(reports[k]!, tasks, failing));
      expect(reports[2]!.commitOrder).toBe(reports[2]!.serialOrder); // nothing failed: one array
      // A report is a plain value: frozen before its orders were read (run 2), spread and
      // serialised, it keeps them.
      expect({ ...reports[1]! }.commitOrder).toEqual(reports[1]!.commitOrder);
      expect(JSON.parse(JSON.stringify(reports[0]!)).serialOrder).toEqual(reports[0]!.serialOrder);
    } finally {
      await queue.close();
    }
  });
});
