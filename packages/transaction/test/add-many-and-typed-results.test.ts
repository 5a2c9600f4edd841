/**
 * addMany() adds a whole array of argument tuples or nothing: one bad entry (a function,
 * a cycle, a non-array entry) throws InvalidTaskError naming the entry, and the next run
 * sees only what was added before and after. add() returns a handle typed with the task's
 * result, and report.result(handle) gives that result. Arguments of every kind (numbers
 * incl. -0 and NaN, booleans, null, undefined, short and long strings, bigints, objects,
 * more than ten arguments) arrive in the task unchanged.
 */
import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule, taskRef } from '@ame/transaction';
import { describe, expect, test } from 'vitest';
import { BANK, setupBank } from './helpers/bank.js';

const ECHO = new URL('./fixtures/echo-tasks.mjs', import.meta.url);

describe('addMany', () => {
  for (const policy of ['inline', 'parallel'] as const) {
    test(`a bad entry rejects the whole call and adds nothing (${policy})`, async () => {
      const heap = setupBank([100, 0, 0, 0, 0, 0]);
      await using queue = new TransactionQueue({ heap, workers: 2, policy, onError: 'continue' });
      const transfer = taskRef(BANK, 'transfer');
      queue.add(transfer, 0, 1, 10);
      const cyclic: unknown[] = [];
      cyclic.push(cyclic);
      for (const bad of [
        [
          [0, 1, 1],
          [0, 1, () => 1],
        ],
        [
          [0, 1, 1],
          [0, 1, cyclic],
        ],
        [[0, 1, 1], 7],
      ]) {
        expect(() => queue.addMany(transfer, bad as never)).toThrow(
          expect.objectContaining({ name: 'InvalidTaskError', message: expect.stringContaining('entry 1') }),
        );
      }
      const first = queue.addMany(transfer, [
        [0, 2, 10],
        [0, 3, 10],
      ]);
      expect(first).toBe(1);
      const report = await queue.run();
      expect(report.tasks).toBe(3);
      expect(report.results).toEqual([true, true, true]);
      expect(heap.snapshot().accounts).toEqual([70, 10, 10, 10, 0, 0]);
      heap.detach();
    });
  }
});

describe('typed results and arguments of every kind', () => {
  for (const policy of ['inline', 'parallel'] as const) {
    test(`report.result(handle) and exact arguments (${policy})`, async () => {
      const heap = Heap.create();
      const tasks = taskModule<typeof import('./fixtures/echo-tasks.mjs')>(ECHO);
      await using queue = new TransactionQueue({ heap, workers: 2, policy });
      const long = 'x'.repeat(500);
      const many = Array.from({ length: 12 }, (_, i) => i);
      const calls: unknown[][] = [
        [1.5, -0, Number.NaN, Infinity],
        [true, false, null, undefined],
        ['', 'héllo ✓', long],
        [10n, { a: [1, { b: 'c' }] }, [undefined, null]],
        many,
      ];
      const handles = calls.map((args) => queue.add(tasks.echo, ...(args as never[])));
      const sum = queue.add(tasks.sum, 2, 3);
      const report = await queue.run();
      calls.forEach((args, k) => expect(report.result(handles[k]!)).toEqual(args));
      const five: number | undefined = report.result(sum);
      expect(five).toBe(5);
      expect(Object.is((report.result(handles[0]!) as number[])[1], -0)).toBe(true);
      heap.detach();
    });
  }
});
