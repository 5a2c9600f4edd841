/**
 * ctx.afterCommit runs exactly once per committed task, after its commit, and never for an
 * aborted attempt or a failed task, under real contention: 2 worker threads, every task a
 * read-modify-write of one hot tvar. The callbacks append "index attempt value" lines to a
 * real file (the I/O afterCommit exists for); the file must list each committed task once,
 * with the value its committed attempt wrote, and no failed task.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule } from '@ame/transaction';

const tasks = taskModule<typeof import('./fixtures/after-commit.mjs')>(new URL('./fixtures/after-commit.mjs', import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ame-after-commit-'));
  dirs.push(dir);
  return join(dir, 'callbacks.log');
}

function readLog(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0);
  } catch {
    return [];
  }
}

const TASKS = 300;
const fails = (i: number): boolean => i % 7 === 3;

describe.each([
  { label: 'unordered', ordered: false, maxAttempts: 16 },
  { label: 'ordered', ordered: true, maxAttempts: 16 },
  { label: 'unordered, maxAttempts 1 (inevitable re-runs)', ordered: false, maxAttempts: 1 },
])('afterCommit on a hot key, $label', ({ ordered, maxAttempts }) => {
  test('runs once per committed task, never for aborted attempts or failed tasks', async () => {
    const log = logFile();
    const heap = Heap.create();
    const hot = heap.tvar('hot', 0);
    const queue = new TransactionQueue({ heap, workers: 2, ordered, maxAttempts, onError: 'continue', policy: 'parallel' });
    try {
      for (let i = 0; i < TASKS; i++) queue.add(tasks.bump, log, fails(i), 20_000);
      const report = await queue.run();

      const failed = Array.from({ length: TASKS }, (_, i) => i).filter(fails);
      const committed = Array.from({ length: TASKS }, (_, i) => i).filter((i) => !fails(i));
      expect(report.errors.map((e) => [e.index, e.phase])).toEqual(failed.map((i) => [i, 'task']));
      expect([...report.commitOrder].sort((a, b) => a - b)).toEqual(committed);
      expect(hot.get()).toBe(committed.length);

      const lines = readLog(log).map((line) => line.split(' ').map(Number) as [number, number, number]);
      expect(lines.map(([index]) => index).sort((a, b) => a - b)).toEqual(committed); // once each, no failed task
      for (const [index, , value] of lines) expect(value, `task ${index}`).toBe(report.results[index]);
      expect(lines.map(([, , value]) => value).sort((a, b) => a - b)).toEqual(committed.map((_, k) => k + 1));

      // The contention was real: attempts were aborted, and none of their callbacks ran.
      expect(report.aborts).toBeGreaterThan(0);
      expect(lines.some(([, attempt]) => attempt > 0)).toBe(true);
    } finally {
      await queue.close();
    }
  });
});

describe('a throwing afterCommit callback', () => {
  test("with onError 'continue': the task stays committed, the error has phase 'afterCommit', later callbacks still run", async () => {
    const log = logFile();
    const heap = Heap.create();
    const hot = heap.tvar('hot', 0);
    const queue = new TransactionQueue({ heap, workers: 2, onError: 'continue', policy: 'parallel' });
    try {
      queue.add(tasks.commitThenCallbackThrows, log);
      for (let i = 0; i < 5; i++) queue.add(tasks.bump, log, false, 0);
      const report = await queue.run();
      expect(report.commits).toBe(6);
      expect(report.results[0]).toBe('committed');
      expect(hot.get()).toBe(6);
      expect(report.errors).toHaveLength(1);
      const error = report.errors[0]!;
      expect([error.name, error.code, error.index, error.task, error.phase]).toEqual([
        'TaskError',
        'TASK_FAILED',
        0,
        'commitThenCallbackThrows',
        'afterCommit',
      ]);
      expect(error.message).toContain('afterCommit');
      expect([(error.cause as Error).name, (error.cause as Error).message]).toEqual(['TypeError', 'callback failed']);
      expect(readLog(log)).toContain('0 second callback');
    } finally {
      await queue.close();
    }
  });

  test("with onError 'stop': run() either rejects with it or finishes every task (never a silent partial batch)", async () => {
    const log = logFile();
    const heap = Heap.create();
    const hot = heap.tvar('hot', 0);
    const queue = new TransactionQueue({ heap, workers: 2, ordered: true, onError: 'stop', policy: 'parallel' });
    try {
      queue.add(tasks.commitThenCallbackThrows, log);
      for (let i = 0; i < 50; i++) queue.add(tasks.bump, log, false, 0);
      const outcome = await queue.run().then(
        (report) => ({ report, error: undefined }),
        (error: unknown) => ({ report: undefined, error: error as { name: string; phase: string } }),
      );
      if (outcome.error) {
        expect([outcome.error.name, outcome.error.phase]).toEqual(['TaskError', 'afterCommit']);
      } else {
        expect(outcome.report!.commits, 'tasks committed by a run() that resolved').toBe(51);
        expect(hot.get()).toBe(51);
      }
    } finally {
      await queue.close();
    }
  });
});
