/**
 * Every pool worker warms up before its first batch so that V8 has optimised the whole
 * task path, including the branches only concurrency reaches: a path the warm-up never
 * took is deoptimised and recompiled inside the user's first batch, where the compiler
 * competes with the workers for the cores. The warm-up therefore makes its own tasks
 * conflict (a second handle commits in the middle of a task; one task in 128 at every
 * attempt, until it runs exclusive after maxAttempts) and, on a heap shared by
 * the workers starting together, contend across threads. Here, on real threads: the
 * warm-up runs every task, aborts and re-runs the interfered ones, fails none, and two
 * threads warming up on one heap at once both finish with the heap unlocked.
 */
import { Worker } from 'node:worker_threads';
import { createWarmUpHeap, WARM_UP_MAX_ATTEMPTS, warmUp } from '@ame/pool/internal';
import { describe, expect, test } from 'vitest';
import { createStrategy } from '../src/worker/strategy.js';

describe('the warm-up', () => {
  test('runs all its tasks, takes the conflict path, fails none', async () => {
    const summary = await warmUp(createStrategy);
    expect(summary.tasks).toBe(10100); // 2,000 unordered and 2,000 ordered on the heap, 100 and 6,000 small ones on a new heap
    expect(summary.failures).toBe(0);
    expect(summary.conflicts).toBeGreaterThan(0);
    // Some task aborted maxAttempts times and then committed exclusive (R4): the lock path.
    expect(summary.mostAborts).toBe(WARM_UP_MAX_ATTEMPTS);
  });

  test('two threads warming up on one heap at once both finish, the heap left unlocked', async () => {
    const heap = createWarmUpHeap(2);
    const worker = new Worker(new URL('./fixtures/warm-up-worker.mjs', import.meta.url), { workerData: heap.handle });
    const theirs = new Promise<{ tasks: number; failures: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const mine = await warmUp(createStrategy, heap.handle);
    const summary = await theirs;
    await worker.terminate();
    expect([mine.tasks, summary.tasks]).toEqual([10100, 10100]);
    expect([mine.failures, summary.failures]).toEqual([0, 0]);
    // Every cell is readable and writable afterwards: no lock word was left held.
    const cells = heap.tarray('cells');
    heap.atomically(() => {
      for (let i = 0; i < cells.length; i++) cells.set(i, cells.get(i) + 1);
    });
    heap.detach();
  });
});
