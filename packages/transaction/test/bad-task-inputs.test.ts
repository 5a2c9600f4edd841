/**
 * Every way a task can be wrong gives a typed error that names the task, and never breaks
 * the queue: a module that throws while loading, a missing export, an export that is not
 * a function, a result that is not a Value, a returned Promise, a thrown error. With
 * onError 'continue' the failure is in report.errors (a TaskError with name, code, index,
 * task, args, phase and the cause recognisable by name/code) and the other tasks' results
 * are there; with 'stop' run() rejects with that TaskError. Either way the same queue's
 * next run() works. Arguments that are not Values are refused by add() itself
 * (InvalidTaskError). A failing task commits nothing: its writes and its children are
 * dropped. The same cases run against every executor, on real worker threads.
 */
import { describe, expect, test } from 'vitest';
import { Heap, type Value } from '@ame/stm';
import { TransactionQueue, taskModule, taskRef, type QueueOptions, type RunReport, type TaskRef } from '@ame/transaction';
import { GilQueue, SequentialQueue } from '@ame/gil';

const BAD = new URL('./fixtures/bad-tasks.mjs', import.meta.url);
const THROWS_AT_LOAD = new URL('./fixtures/throws-at-load.mjs', import.meta.url);
const tasks = taskModule<typeof import('./fixtures/bad-tasks.mjs')>(BAD);

interface Queue {
  add<A extends readonly unknown[], R>(task: TaskRef<A, R>, ...args: A): number;
  run(): Promise<RunReport>;
  close(): Promise<void>;
}

type Options = Pick<QueueOptions, 'heap' | 'onError'>;
const executors: [string, (options: Options) => Queue][] = [
  ['TransactionQueue unordered', (o) => new TransactionQueue({ ...o, workers: 2 })],
  ['TransactionQueue ordered', (o) => new TransactionQueue({ ...o, workers: 2, ordered: true })],
  ['GilQueue', (o) => new GilQueue({ ...o, workers: 2 })],
  ['SequentialQueue', (o) => new SequentialQueue(o)],
];

interface BadCase {
  label: string;
  ref: TaskRef;
  args: Value[];
  cause: { name: string; code: string | undefined; says: string[] };
}

const cases: BadCase[] = [
  {
    label: 'a module that throws while loading',
    ref: taskRef(THROWS_AT_LOAD, 'never'),
    args: [],
    cause: { name: 'TaskLoadError', code: 'TASK_LOAD', says: ['never', 'throws-at-load.mjs', 'failed to load', 'boom at load'] },
  },
  {
    label: 'a missing export',
    ref: taskRef(BAD, 'nope'),
    args: [1],
    cause: { name: 'TaskLoadError', code: 'TASK_LOAD', says: ['bad-tasks.mjs', 'no export named "nope"', 'good'] },
  },
  {
    label: 'an export that is not a function',
    ref: taskRef(BAD, 'notAFunction'),
    args: [],
    cause: { name: 'TaskLoadError', code: 'TASK_LOAD', says: ['"notAFunction" is a number, not a function'] },
  },
  {
    label: 'a result that is not a Value (a Map)',
    ref: tasks.returnsMap as TaskRef,
    args: [],
    cause: { name: 'TaskValueError', code: 'TASK_VALUE', says: ['returnsMap', 'result', 'must be Values'] },
  },
  {
    label: 'a returned Promise',
    ref: tasks.returnsPromise as TaskRef,
    args: [],
    cause: { name: 'AsyncTaskError', code: 'ASYNC_TASK', says: ['returnsPromise', 'returned a Promise', 'synchronous'] },
  },
  {
    label: 'a thrown error',
    ref: tasks.throws as TaskRef,
    args: [7],
    cause: { name: 'RangeError', code: undefined, says: ['bad input 7'] },
  },
];

/** The TaskError of `c` added at `index`: typed, naming the task, with its cause. */
function expectTaskError(error: unknown, index: number, c: BadCase): void {
  const e = error as Error & { code: string; index: number; task: string; args: Value[]; phase: string; attempt: number };
  expect(e).toBeInstanceOf(Error);
  expect([e.name, e.code, e.index, e.task, e.phase]).toEqual(['TaskError', 'TASK_FAILED', index, c.ref.name, 'task']);
  expect(e.args).toEqual(c.args);
  expect(e.message).toContain(`task ${index} (${c.ref.name}) failed`);
  const cause = e.cause as Error & { code?: string };
  expect(cause).toBeInstanceOf(Error);
  expect([cause.name, cause.code]).toEqual([c.cause.name, c.cause.code]);
  for (const part of c.cause.says) expect(cause.message).toContain(part);
  expect(e.message).toContain(c.cause.says[0]);
  expect(typeof cause.stack).toBe('string');
}

/** The next batch on `queue` runs a good task: the queue survived. */
async function expectQueueWorks(queue: Queue, n: { get(): number }): Promise<void> {
  const before = n.get();
  queue.add(tasks.good, 100);
  const report = await queue.run();
  expect(report.errors).toEqual([]);
  expect(report.results).toEqual([before + 100]);
  expect(n.get()).toBe(before + 100);
}

describe.each(executors)('%s', (_label, make) => {
  test.each(cases)('$label', async (c) => {
    // onError 'continue': recorded, the others' results are there.
    {
      const heap = Heap.create();
      const n = heap.tvar('n', 0);
      const queue = make({ heap, onError: 'continue' });
      try {
        queue.add(tasks.good, 1);
        const bad = queue.add(c.ref, ...c.args);
        queue.add(tasks.good, 10);
        const report = await queue.run();
        expect(report.errors).toHaveLength(1);
        expectTaskError(report.errors[0], bad, c);
        expect([report.tasks, report.commits]).toEqual([3, 2]);
        expect(report.results[bad]).toBeUndefined();
        expect([report.results[0], report.results[2]].sort((a, b) => (a as number) - (b as number))).toEqual(
          report.commitOrder[0] === 0 ? [1, 11] : [10, 11],
        );
        expect(n.get()).toBe(11);
        await expectQueueWorks(queue, n);
      } finally {
        await queue.close();
      }
    }
    // onError 'stop': run() rejects with the TaskError.
    {
      const heap = Heap.create();
      const n = heap.tvar('n', 0);
      const queue = make({ heap, onError: 'stop' });
      try {
        queue.add(tasks.good, 1);
        const bad = queue.add(c.ref, ...c.args);
        const error = await queue.run().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, 'run() should reject').toBeDefined();
        expectTaskError(error, bad, c);
        await expectQueueWorks(queue, n);
      } finally {
        await queue.close();
      }
    }
  });

  test('arguments that are not Values are refused by add(), naming the task; the queue still runs', async () => {
    const heap = Heap.create();
    const n = heap.tvar('n', 0);
    const queue = make({ heap, onError: 'continue' });
    try {
      const bad: unknown[] = [() => 1, Symbol('s'), new Map(), new Date(0)];
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      bad.push(cyclic);
      for (const arg of bad) {
        let thrown: unknown;
        try {
          queue.add(tasks.good, arg as number);
        } catch (error) {
          thrown = error;
        }
        const e = thrown as Error & { code?: string };
        expect(e, `add(good, ${String(typeof arg)})`).toBeInstanceOf(Error);
        expect([e.name, e.code]).toEqual(['InvalidTaskError', 'INVALID_TASK']);
        expect(e.message).toContain('good');
        expect(e.message).toContain('must be Values');
      }
      expect(() => queue.add({} as TaskRef)).toThrow(expect.objectContaining({ name: 'InvalidTaskError', code: 'INVALID_TASK' }));
      await expectQueueWorks(queue, n);
    } finally {
      await queue.close();
    }
  });

  test('a failing task writes nothing and its children are dropped', async () => {
    const heap = Heap.create();
    const n = heap.tvar('n', 5);
    const before = heap.snapshot();
    const queue = make({ heap, onError: 'continue' });
    try {
      queue.add(tasks.writeThenThrow);
      const report = await queue.run();
      expect(report.errors.map((e) => [e.index, e.task, (e.cause as Error).message])).toEqual([
        [0, 'writeThenThrow', 'after writing'],
      ]);
      expect([report.tasks, report.commits, report.commitOrder]).toEqual([1, 0, []]); // the child never appeared
      expect(report.results).toEqual([undefined]);
      expect(heap.snapshot()).toEqual(before);
      await expectQueueWorks(queue, n);
    } finally {
      await queue.close();
    }
  });
});
