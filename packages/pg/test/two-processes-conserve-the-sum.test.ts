/**
 * Several processes on one database stay serializable together: two child processes and
 * this one run PgQueues of random transfers on the same namespace at the same time. Every
 * task commits once, the sum of the accounts is conserved, and the tvar 'total' counted by
 * read-modify-writes from both sides ends at the number of increments.
 */
import { fork } from 'node:child_process';
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

function child(connectionString: string, namespace: string, count: number, seed: number): Promise<{ commits: number }> {
  return new Promise((resolve, reject) => {
    const proc = fork(
      new URL('./fixtures/transfer-process.mjs', import.meta.url),
      [connectionString, namespace, String(count), String(seed), '2'],
      {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (err += d));
    proc.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

describe('two processes on one database', () => {
  test('conserve the sum and lose no increment', async () => {
    const heap = await freshHeap(server);
    const queue = new PgQueue({ heap, workers: 2, onError: 'continue' });
    try {
      setupPgBank(heap, [500, 500, 500, 500, 500, 500]);
      const transfer = taskRef(BANK, 'transfer');
      const increment = taskRef(BANK, 'increment');
      for (let i = 0; i < 400; i++) {
        queue.add(transfer, i % 6, (i * 7 + 3) % 6, 1 + (i % 9));
        if (i % 4 === 0) queue.add(increment, 1);
      }
      const [a, b, own] = await Promise.all([
        child(heap.connectionString, heap.namespace, 400, 1),
        child(heap.connectionString, heap.namespace, 400, 2),
        queue.run(),
      ]);
      expect(a.commits).toBe(400);
      expect(b.commits).toBe(400);
      expect(own.commits).toBe(500);
      const state = heap.snapshot();
      expect((state.accounts as number[]).reduce((x, y) => x + y, 0)).toBe(3000);
      expect(state.total).toBe(100);
    } finally {
      await queue.close();
      await heap.close();
    }
  });
});
