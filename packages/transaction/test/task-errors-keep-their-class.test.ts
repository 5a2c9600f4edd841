/**
 * A task's error comes back in TaskError.cause as it was thrown, on every executor: a
 * built-in class (RangeError, TypeError, SyntaxError...) is that class again (instanceof
 * works), a custom class keeps its name, code and fields; message, stack (pointing into
 * the task module) and the cause chain survive the worker boundary. Every public error a
 * user catches is importable from @ame/transaction and @ame/gil, where the queues are.
 */
import { describe, expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import * as transaction from '@ame/transaction';
import * as gil from '@ame/gil';
import { TaskError, TransactionQueue, taskModule, type RunReport } from '@ame/transaction';
import { GilQueue, SequentialQueue } from '@ame/gil';

const MODULE = new URL('./fixtures/error-tasks.mjs', import.meta.url);
const tasks = taskModule<typeof import('./fixtures/error-tasks.mjs')>(MODULE);

const executors = [
  ['TransactionQueue unordered', (heap: Heap) => new TransactionQueue({ heap, workers: 2, onError: 'continue' })],
  ['TransactionQueue ordered', (heap: Heap) => new TransactionQueue({ heap, workers: 2, ordered: true, onError: 'continue' })],
  ['GilQueue', (heap: Heap) => new GilQueue({ heap, workers: 2, onError: 'continue' })],
  ['SequentialQueue', (heap: Heap) => new SequentialQueue({ heap, onError: 'continue' })],
] as const;

describe.each(executors)('%s', (_label, make) => {
  test('built-in and custom errors keep class, name, message, stack and cause', async () => {
    const queue = make(Heap.create());
    let report: RunReport;
    try {
      queue.add(tasks.throwsRange, 7);
      queue.add(tasks.throwsType);
      queue.add(tasks.throwsCustom, 3);
      queue.add(tasks.throwsWithCause);
      report = await queue.run();
    } finally {
      await queue.close();
    }
    const causes = report.errors.map((e) => {
      expect(e).toBeInstanceOf(TaskError);
      return e.cause as Error & { code?: string; limit?: number };
    });
    const [range, type, custom, outer] = causes;
    expect(range).toBeInstanceOf(RangeError);
    expect(range!.name).toBe('RangeError');
    expect(range!.message).toBe('index 7 out of range');
    expect(range!.stack).toContain('error-tasks.mjs');
    expect(type).toBeInstanceOf(TypeError);
    expect(type!.message).toMatch(/null/);
    expect(custom!.name).toBe('QuotaError');
    expect(custom!.code).toBe('QUOTA');
    expect(custom!.limit).toBe(3);
    expect(custom!.message).toBe('over the quota of 3');
    expect(custom!.stack).toContain('error-tasks.mjs');
    expect(outer!.message).toBe('outer');
    expect(outer!.cause).toBeInstanceOf(SyntaxError);
    expect((outer!.cause as Error).message).toBe('inner');
  });
});

const PUBLIC_ERRORS = [
  'AmeError',
  'TaskError',
  'TaskLoadError',
  'TaskValueError',
  'AsyncTaskError',
  'InvalidTaskError',
  'WorkerCrashedError',
  'QueueClosedError',
  'RunInProgressError',
  'NotInTransactionError',
  'UnknownObjectError',
  'HeapFullError',
  'ValueTypeError',
  'IndexRangeError',
] as const;

test.each(PUBLIC_ERRORS)('%s is exported by @ame/transaction and @ame/gil', (name) => {
  expect(typeof (transaction as Record<string, unknown>)[name]).toBe('function');
  expect((gil as Record<string, unknown>)[name]).toBe((transaction as Record<string, unknown>)[name]);
});
