/**
 * Write skew: two workers each read x and y and withdraw from one of them only while
 * x + y >= 100. Snapshot isolation alone lets both withdraw; serializability does not.
 */
import { expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { runWorkers } from './helpers/workers.js';

test('x + y >= 0 holds in each of 10,000 contended rounds', async () => {
  const rounds = 10_000;
  const heap = Heap.create();
  const x = heap.tarray('x', rounds, 'i32');
  const y = heap.tarray('y', rounds, 'i32');
  heap.atomically(() => {
    for (let r = 0; r < rounds; r++) {
      x.set(r, 50);
      y.set(r, 50);
    }
  });
  const barrier = new SharedArrayBuffer(4 * rounds);
  const withdrawals = await runWorkers<number>(
    [0, 1].map((side) => ({ fixture: 'write-skew.mjs', data: { handle: heap.handle, rounds, side, barrier } })),
  );
  const broken: number[] = [];
  for (let r = 0; r < rounds; r++) if (x.get(r) + y.get(r) < 0) broken.push(r);
  expect(broken).toEqual([]);
  // Exactly one withdrawal per round: the first to commit wins, the other sees 0 left.
  expect(withdrawals[0]! + withdrawals[1]!).toBe(rounds);
  expect(heap.stats().aborts.conflict).toBeGreaterThan(0); // the race really happened
});
