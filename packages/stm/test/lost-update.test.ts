/** Lost update: W workers x N read-modify-write increments of one tvar end at exactly W*N. */
import { expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { runWorkers } from './helpers/workers.js';

async function incrementConcurrently(workers: number, count: number, broken: boolean): Promise<number> {
  const heap = Heap.create();
  const counter = heap.tvar('counter', 0);
  const start = new SharedArrayBuffer(4);
  await runWorkers(
    Array.from({ length: workers }, () => ({
      fixture: 'increment.mjs',
      data: { handle: heap.handle, count, name: 'counter', workers, start, broken },
    })),
  );
  return counter.get();
}

test.each([2, 4])('%i workers x 5000 increments of one tvar lose none', async (workers) => {
  const heap = Heap.create();
  const counter = heap.tvar('counter', 0);
  const count = 5000;
  const start = new SharedArrayBuffer(4);
  await runWorkers(
    Array.from({ length: workers }, () => ({
      fixture: 'increment.mjs',
      data: { handle: heap.handle, count, name: 'counter', workers, start },
    })),
  );
  expect(counter.get()).toBe(workers * count);
  const stats = heap.stats();
  expect(stats.commits - stats.readOnlyCommits).toBe(workers * count); // one commit per increment
  expect(stats.clock).toBeGreaterThanOrEqual(workers * count);
});

test('the same run with read validation switched off (a broken STM) does lose updates', async () => {
  // Proves the test above can fail: without validation, concurrent increments overwrite
  // each other. Retried a few times because a lucky schedule may interleave nothing.
  let lost = false;
  for (let run = 0; run < 5 && !lost; run++) lost = (await incrementConcurrently(2, 20_000, true)) < 40_000;
  expect(lost).toBe(true);
});
