/**
 * Connection loss mid-run: a commit whose reply is lost is re-sent after reconnecting, and
 * the task-id rows written in the committing transaction keep it from being applied twice.
 * Blind tcounter adds (which no read validation would catch) and tvar read-modify-writes
 * both end exactly at the number of tasks, and the report says what happened.
 */
import pg from 'pg';
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

const hit = taskRef(BANK, 'hit');
const increment = taskRef(BANK, 'increment');

async function runCounting(heap: PgHeap, queue: PgQueue, n: number, during?: () => Promise<void>) {
  setupPgBank(heap, [0, 0, 0, 0, 0, 0]);
  for (let i = 0; i < n; i++) {
    queue.add(hit, 1);
    queue.add(increment, 1);
  }
  await queue.whenReady();
  const [report] = await Promise.all([queue.run(), during?.()]);
  return report;
}

describe('a lost connection does not apply a commit twice', () => {
  test('the reply of each worker first commit is lost (fault injection): re-sent, applied once', async () => {
    const heap = await freshHeap(server);
    process.env.AME_PG_FAULT = 'lose-commit-reply';
    const queue = new PgQueue({ heap, workers: 2, batchSize: 8 });
    delete process.env.AME_PG_FAULT;
    try {
      const report = await runCounting(heap, queue, 100);
      expect(report.commits).toBe(200);
      expect(heap.snapshot().hits).toBe(100);
      expect(heap.snapshot().total).toBe(100);
      expect(report.warnings.length).toBeGreaterThanOrEqual(1);
      expect(report.warnings[0]).toMatch(/lost its connection while committing .* not applied again/);
    } finally {
      await queue.close();
      await heap.close();
    }
  });

  test('pg_terminate_backend on the workers mid-run: every task applied once', async () => {
    const heap = await freshHeap(server);
    const queue = new PgQueue({ heap, workers: 2, batchSize: 2 });
    const killer = new pg.Client({ connectionString: heap.connectionString });
    await killer.connect();
    try {
      let killed = 0;
      const report = await runCounting(heap, queue, 300, async () => {
        for (let k = 0; k < 5; k++) {
          await new Promise((r) => setTimeout(r, 40));
          const res = await killer.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ame-pg-worker' AND pid <> pg_backend_pid()`,
          );
          killed += res.rowCount ?? 0;
        }
      });
      expect(killed).toBeGreaterThan(0);
      expect(report.commits).toBe(600);
      expect(heap.snapshot().hits).toBe(300);
      expect(heap.snapshot().total).toBe(300);
      for (const w of report.warnings) expect(w).toMatch(/lost its connection/);
    } finally {
      await killer.end();
      await queue.close();
      await heap.close();
    }
  });
});
