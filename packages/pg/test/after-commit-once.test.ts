/**
 * ctx.afterCommit runs exactly once per committed task, after its commit, never for an
 * aborted attempt or a failed task, under contention (2 workers, one hot tvar, batches of
 * 4). The callbacks append "index attempt value" lines to a real file; the file lists each
 * committed task once with the value its committed attempt wrote. A throwing callback is a
 * TaskError with phase 'afterCommit' on a task that did commit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PgHeap, PgQueue, taskModule } from '@ame/pg';
import { freshHeap } from './helpers/pg.js';

const tasks = taskModule<typeof import('../../transaction/test/fixtures/after-commit.mjs')>(
  new URL('../../transaction/test/fixtures/after-commit.mjs', import.meta.url),
);

let server: PgHeap;
let dir: string;
beforeAll(async () => {
  server = await PgHeap.open();
  dir = mkdtempSync(join(tmpdir(), 'ame-pg-after-commit-'));
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('afterCommit', () => {
  test('runs once per committed task, with the committed attempt, never for a failed task', async () => {
    const heap = await freshHeap(server);
    const queue = new PgQueue({ heap, workers: 2, onError: 'continue', batchSize: 4 });
    const log = join(dir, 'once.log');
    try {
      heap.tvar('hot', 0);
      for (let i = 0; i < 120; i++) queue.add(tasks.bump, log, i % 7 === 3, 100);
      const report = await queue.run();
      const failed = report.errors.map((e) => e.index);
      expect(failed).toEqual(Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 7 === 3));
      expect(report.aborts).toBeGreaterThan(0);
      const logged = lines(log).map((l) => l.split(' ').map(Number));
      expect(logged.map(([index]) => index).sort((a, b) => a! - b!)).toEqual([...report.commitOrder].sort((a, b) => a - b));
      for (const [index, , value] of logged) expect(report.results[index!]).toBe(value);
      expect(heap.snapshot().hot).toBe(report.commits);
    } finally {
      await queue.close();
      await heap.close();
    }
  });

  test('a throwing callback is a TaskError in phase afterCommit; the task committed', async () => {
    const heap = await freshHeap(server);
    const queue = new PgQueue({ heap, workers: 1, onError: 'continue' });
    try {
      heap.tvar('hot', 0);
      const h = queue.add(tasks.commitThenCallbackThrows, join(dir, 'throws.log'));
      const report = await queue.run();
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]).toMatchObject({ index: h, phase: 'afterCommit', code: 'TASK_FAILED' });
      expect((report.errors[0]!.cause as Error).name).toBe('TypeError');
      expect(report.commitOrder).toEqual([h]);
      expect(heap.snapshot().hot).toBe(1);
    } finally {
      await queue.close();
      await heap.close();
    }
  });
});
