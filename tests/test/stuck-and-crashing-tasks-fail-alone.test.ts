/**
 * A task that never ends (taskTimeoutMs) or always kills its worker (maxCrashes) fails on
 * its own: its TaskError's cause is a TaskTimeoutError (code TASK_TIMEOUT, naming the task,
 * its index and the limit) or a WorkerCrashedError (code WORKER_CRASHED) after maxCrashes
 * deaths; nothing of it is written, every other task commits, the run finishes, the queue
 * runs its next batch and close() returns. A task looping on a stale snapshot is re-run on
 * a fresh one instead of failing. Real worker threads; ordered, unordered and GIL.
 */
import { describe, expect, test } from 'vitest';
import { GilQueue } from '@ame/gil';
import { type QueueOptions, type TaskError, TransactionQueue } from '@ame/transaction';
import { ACCOUNTS, accounts, addCalls, bankCalls, bankHeap, START_BALANCE, sum, tasks } from './bank.js';

type Make = (options: QueueOptions) => TransactionQueue | GilQueue;
const executors: [string, Make][] = [
  ['TransactionQueue unordered', (o) => new TransactionQueue({ ...o, workers: 2 })],
  ['TransactionQueue ordered', (o) => new TransactionQueue({ ...o, workers: 2, ordered: true })],
  ['GilQueue', (o) => new GilQueue({ ...o, workers: 2 })],
];
const TOTAL = ACCOUNTS * START_BALANCE;

describe.each(executors)('%s', (_label, make) => {
  test('an endless task times out (queue option): TaskTimeoutError, the others commit, the queue goes on', async () => {
    const heap = bankHeap();
    const queue = make({ heap, onError: 'continue', taskTimeoutMs: 300 });
    try {
      addCalls(queue, bankCalls(20, 1));
      const stuck = queue.add(tasks.spinForever);
      addCalls(queue, bankCalls(20, 2));
      const report = await queue.run();
      expect(report.errors).toHaveLength(1);
      const error = report.errors[0]!;
      expect([error.name, error.code, error.index, error.task]).toEqual(['TaskError', 'TASK_FAILED', stuck, 'spinForever']);
      const cause = error.cause as Error & { code: string; index: number; task: string; timeoutMs: number };
      expect([cause.name, cause.code, cause.index, cause.task, cause.timeoutMs]).toEqual([
        'TaskTimeoutError',
        'TASK_TIMEOUT',
        stuck,
        'spinForever',
        300,
      ]);
      expect(cause.message).toContain('300 ms');
      expect(report.commits).toBe(report.tasks - 1);
      expect(report.restarts).toBe(1);
      expect(report.crashes).toBe(0);
      expect(sum(accounts(heap))).toBe(TOTAL); // its +1000 to account 0 was never written
      addCalls(queue, bankCalls(10, 3));
      const next = await queue.run();
      expect([next.commits, next.errors.length]).toEqual([next.tasks, 0]);
    } finally {
      await queue.close();
    }
  });

  test('taskTimeoutMs per run(); with onError stop the run rejects with that TaskError', async () => {
    const heap = bankHeap();
    const queue = make({ heap });
    try {
      queue.add(tasks.transfer, 0, 1, 5);
      queue.add(tasks.spinForever);
      const error = (await queue.run({ taskTimeoutMs: 200 }).catch((e: unknown) => e)) as TaskError;
      expect([error.name, (error.cause as { code: string }).code, error.index]).toEqual(['TaskError', 'TASK_TIMEOUT', 1]);
      expect(sum(accounts(heap))).toBe(TOTAL);
      queue.add(tasks.transfer, 1, 2, 5);
      expect((await queue.run()).commits).toBe(1);
    } finally {
      await queue.close();
    }
  });

  test('a task that always kills its worker fails with WorkerCrashedError after maxCrashes (default 3)', async () => {
    const heap = bankHeap();
    // 'parallel': a task on the calling thread (policy 'auto' runs small ones there) cannot be survived.
    const queue = make({ heap, onError: 'continue', policy: 'parallel' });
    try {
      addCalls(queue, bankCalls(30, 4));
      const dying = queue.add(tasks.exitAlways);
      addCalls(queue, bankCalls(30, 5));
      const report = await queue.run();
      expect(report.errors.map((e) => [e.index, e.task, (e.cause as Error).name, (e.cause as { code: string }).code])).toEqual([
        [dying, 'exitAlways', 'WorkerCrashedError', 'WORKER_CRASHED'],
      ]);
      expect((report.errors[0]!.cause as Error).message).toContain('maxCrashes 3');
      expect([report.crashes, report.restarts]).toEqual([3, 3]);
      expect(report.commits).toBe(report.tasks - 1);
      expect(sum(accounts(heap))).toBe(TOTAL);
      queue.add(tasks.transfer, 2, 3, 5);
      expect((await queue.run()).commits).toBe(1);
    } finally {
      await queue.close();
    }
  });
});

test('maxCrashes: 1 fails the task at its first death', async () => {
  const heap = bankHeap();
  const queue = new TransactionQueue({ heap, workers: 2, onError: 'continue', maxCrashes: 1, policy: 'parallel' });
  try {
    queue.add(tasks.exitAlways);
    queue.add(tasks.transfer, 0, 1, 5);
    const report = await queue.run();
    expect([report.crashes, report.errors.length, report.commits]).toEqual([1, 1, 1]);
  } finally {
    await queue.close();
  }
});

test('a task looping on a stale snapshot is re-run on a fresh one, not failed', async () => {
  const heap = bankHeap();
  const queue = new TransactionQueue({ heap, workers: 2, onError: 'continue', taskTimeoutMs: 1000 });
  try {
    // waitForChange loops while its snapshot shows account 5 at START_BALANCE; setLater
    // commits 7 there meanwhile. The re-run sees 7 and returns it.
    const waiting = queue.add(tasks.waitForChange, 5, START_BALANCE);
    queue.add(tasks.setLater, 5, 7, 500);
    const report = await queue.run();
    expect(report.errors).toEqual([]);
    expect(report.result(waiting)).toBe(7);
    expect(report.restarts).toBe(1);
  } finally {
    await queue.close();
  }
});

test('a worker that dies between runs is replaced at the next run', async () => {
  const heap = bankHeap();
  const queue = new TransactionQueue({ heap, workers: 2, policy: 'parallel' });
  try {
    queue.add(tasks.exitLater, 20);
    expect((await queue.run()).commits).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // its worker exits meanwhile
    addCalls(queue, bankCalls(40, 6));
    const report = await queue.run();
    expect([report.commits, report.errors.length, report.crashes]).toEqual([report.tasks, 0, 0]);
    expect(sum(accounts(heap))).toBe(TOTAL);
  } finally {
    await queue.close();
  }
});

test('close() during a run with an endless task returns; the run rejects', async () => {
  const heap = bankHeap();
  const queue = new TransactionQueue({ heap, workers: 2, policy: 'parallel' });
  await queue.ready();
  queue.add(tasks.spinForever);
  const run = queue.run().catch((e: unknown) => e);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the task is spinning by now
  await queue.close(); // terminates the spinning worker after its grace period
  const error = (await run) as Error;
  expect(error.name).toBe('WorkerCrashedError');
  expect(error.message).toContain('closed');
});
