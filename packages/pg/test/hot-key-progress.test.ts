/**
 * Progress on a hot key: with maxAttempts 1 every task that aborts once runs alone (the
 * namespace's advisory lock held exclusively), and tasks calling ctx.inevitable() run alone
 * from the start; all of them commit exactly once, the counter ends exact, nothing hangs.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PgHeap, PgQueue, taskRef } from '@ame/pg';
import { BANK, freshHeap, setupPgBank } from './helpers/pg.js';

let server: PgHeap;
beforeAll(async () => {
  server = await PgHeap.open();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('hot key', () => {
  test('maxAttempts 1: aborted tasks run alone and commit once', async () => {
    const heap = await freshHeap(server);
    const queue = new PgQueue({ heap, workers: 4, maxAttempts: 1, batchSize: 2 });
    try {
      setupPgBank(heap, [0, 0, 0, 0, 0, 0]);
      for (let i = 0; i < 200; i++) queue.add(taskRef(BANK, 'increment'), 1);
      const report = await queue.run();
      expect(report.commits).toBe(200);
      expect(heap.snapshot().total).toBe(200);
      expect(new Set(report.results).size).toBe(200); // every increment saw a different total
    } finally {
      await queue.close();
      await heap.close();
    }
  });

  test('ctx.inevitable() runs the task alone; mixed with ordinary tasks', async () => {
    const heap = await freshHeap(server);
    const queue = new PgQueue({ heap, workers: 2, batchSize: 4 });
    try {
      setupPgBank(heap, [0, 0, 0, 0, 0, 0]);
      const inevitable = taskRef(new URL('./fixtures/inevitable-tasks.mjs', import.meta.url), 'inevitableIncrement');
      for (let i = 0; i < 30; i++) {
        queue.add(inevitable, 10);
        queue.add(taskRef(BANK, 'increment'), 1);
      }
      const report = await queue.run();
      expect(report.commits).toBe(60);
      expect(heap.snapshot().total).toBe(330);
    } finally {
      await queue.close();
      await heap.close();
    }
  });
});
