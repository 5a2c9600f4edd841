/**
 * Bad input, nothing lost: every way a caller or a task can hand AME something wrong gives a
 * typed AmeError with a `code` naming what was wrong (never a bare TypeError or RangeError;
 * queue options give InvalidOptionError, not InvalidTaskError), nothing of it is written,
 * and the same queue then runs a good batch. One table, every executor, real workers:
 *  - add() arguments that are not Values: functions, symbols, cycles, class instances,
 *    Dates, proxies whose traps throw, throwing getters, nesting too deep -> INVALID_TASK;
 *    `__proto__` keys are data (an own key that round-trips, no prototype is touched);
 *  - task results that are not Values -> TaskError with cause TASK_VALUE; an export that is
 *    not a function -> cause TASK_LOAD;
 *  - invalid options (workers 0/-1/NaN/1.5/1e6, unknown names, taskTimeoutMs, maxCrashes,
 *    run() options) -> INVALID_OPTION naming the option and the value;
 *  - use after close() -> QUEUE_CLOSED; run() while running -> RUN_IN_PROGRESS.
 */
import { describe, expect, test } from 'vitest';
import { AmeError, type Heap } from '@ame/stm';
import { GilQueue, SequentialQueue } from '@ame/gil';
import { type QueueOptions, type RunReport, type TaskRef, TransactionQueue, taskRef } from '@ame/transaction';
import { accounts, bankHeap, TASKS, tasks } from './bank.js';

interface Queue {
  add<A extends readonly unknown[], R>(task: TaskRef<A, R>, ...args: A): number;
  run(options?: object): Promise<RunReport>;
  close(): Promise<void>;
}
type Make = (options: QueueOptions) => Queue;
const executors: [string, Make][] = [
  ['TransactionQueue unordered', (o) => new TransactionQueue({ workers: 2, ...o })],
  ['TransactionQueue ordered', (o) => new TransactionQueue({ workers: 2, ordered: true, ...o })],
  ['GilQueue', (o) => new GilQueue({ workers: 2, ...o })],
  ['SequentialQueue', (o) => new SequentialQueue(o)],
];

/** What was thrown, or fails the test. */
function thrown(fn: () => unknown): AmeError {
  try {
    fn();
  } catch (error) {
    return error as AmeError;
  }
  throw new Error('expected a throw');
}

function expectTyped(error: unknown, name: string, code: string, says: string[] = []): void {
  expect(error).toBeInstanceOf(AmeError);
  const e = error as AmeError;
  expect([e.name, e.code]).toEqual([name, code]);
  for (const part of says) expect(e.message).toContain(part);
}

const cycle: unknown[] = [];
cycle.push(cycle);
let deep: unknown[] = [];
const deepRoot = deep;
for (let i = 0; i < 5000; i++) {
  const inner: unknown[] = [];
  deep.push(inner);
  deep = inner;
}
const badArguments: [string, unknown, string][] = [
  ['a function', () => 1, 'function'],
  ['a symbol', Symbol('s'), 'symbol'],
  ['a cycle', cycle, 'cycle'],
  [
    'a class instance',
    new (class Point {
      x = 1;
    })(),
    'Point',
  ],
  ['a Date', new Date(0), 'Date'],
  [
    'a proxy whose ownKeys trap throws',
    new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap boom');
        },
      },
    ),
    'trap boom',
  ],
  [
    'an object with a throwing getter',
    {
      get x() {
        throw new Error('getter boom');
      },
    },
    'getter boom',
  ],
  ['nesting 5000 deep', deepRoot, 'argument 1'],
];

const badResults = ['function', 'symbol', 'cycle', 'instance', 'map', 'throwingGetter'];

describe.each(executors)('%s', (label, make) => {
  /** The queue still runs a good batch, and the heap holds only what good tasks wrote. */
  async function expectUsable(queue: Queue, heap: Heap, before: number[]): Promise<void> {
    expect(accounts(heap)).toEqual(before);
    queue.add(tasks.transfer, 1, 2, 5);
    const report = await queue.run();
    expect([report.tasks, report.commits, report.errors.length]).toEqual([1, 1, 0]);
  }

  test('add() with an argument that is not a Value: INVALID_TASK naming it, nothing added', async () => {
    const heap = bankHeap();
    const queue = make({ heap, onError: 'continue' });
    try {
      const before = accounts(heap);
      for (const [what, value, says] of badArguments) {
        const error = thrown(() => queue.add(tasks.echo, value));
        expect(error.message, what).toContain(says);
        expectTyped(error, 'InvalidTaskError', 'INVALID_TASK', ['echo']);
      }
      await expectUsable(queue, heap, before); // the run holds only the good task
    } finally {
      await queue.close();
    }
  });

  test('a __proto__ key is data: an own key that round-trips, no prototype touched', async () => {
    const heap = bankHeap();
    const queue = make({ heap });
    try {
      const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
      const h = queue.add(tasks.echo, value);
      const report = await queue.run();
      const result = report.result(h) as Record<string, unknown>;
      expect(Object.hasOwn(result, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    } finally {
      await queue.close();
    }
  });

  test('task results that are not Values and an export that is not a function fail alone, writing nothing', async () => {
    const heap = bankHeap();
    const queue = make({ heap, onError: 'continue' });
    try {
      const before = accounts(heap);
      for (const kind of badResults) queue.add(tasks.badResult, kind);
      queue.add(taskRef(TASKS, 'notAFunction'));
      const report = await queue.run();
      expect(report.commits).toBe(0);
      expect(report.errors.map((e) => [e.code, (e.cause as AmeError).name, (e.cause as AmeError).code])).toEqual([
        ...badResults.map(() => ['TASK_FAILED', 'TaskValueError', 'TASK_VALUE']),
        ['TASK_FAILED', 'TaskLoadError', 'TASK_LOAD'],
      ]);
      await expectUsable(queue, heap, before);
    } finally {
      await queue.close();
    }
  });

  const badOptions: [string, Record<string, unknown>, string][] = [
    ['workers 0', { workers: 0 }, 'workers'],
    ['workers -1', { workers: -1 }, 'workers'],
    ['workers NaN', { workers: Number.NaN }, 'workers'],
    ['workers 1.5', { workers: 1.5 }, 'workers'],
    ['workers 1e6', { workers: 1e6 }, 'workers'],
    ['an unknown option', { wokers: 2 }, 'wokers'],
    ['taskTimeoutMs 0', { taskTimeoutMs: 0 }, 'taskTimeoutMs'],
    ['taskTimeoutMs "1s"', { taskTimeoutMs: '1s' }, 'taskTimeoutMs'],
    ['taskTimeoutMs NaN', { taskTimeoutMs: Number.NaN }, 'taskTimeoutMs'],
    ['maxCrashes 0', { maxCrashes: 0 }, 'maxCrashes'],
    ['maxCrashes 2.5', { maxCrashes: 2.5 }, 'maxCrashes'],
    ['ordered "yes"', { ordered: 'yes' }, 'ordered'],
    ['onError "ignore"', { onError: 'ignore' }, 'onError'],
  ];
  // SequentialQueue always runs in order: its `ordered` is ignored, as documented.
  const checked = label === 'SequentialQueue' ? badOptions.filter(([, o]) => !('ordered' in o)) : badOptions;
  test.each(checked)('queue option %s: INVALID_OPTION naming it', (_what, options, option) => {
    const heap = bankHeap();
    const error = thrown(() => make({ heap, ...options }));
    expectTyped(error, 'InvalidOptionError', 'INVALID_OPTION', [option]);
    expect(heap.stats().threads).toBe(1); // no worker was started
  });

  test('run() options: INVALID_OPTION, nothing run, the queue still usable', async () => {
    const heap = bankHeap();
    const queue = make({ heap });
    try {
      const before = accounts(heap);
      for (const options of [{ taskTimeoutMs: -1 }, { bogus: 1 }, { onProgress: 'yes' }]) {
        expectTyped(await queue.run(options).catch((e: unknown) => e), 'InvalidOptionError', 'INVALID_OPTION', [
          Object.keys(options)[0]!,
        ]);
      }
      await expectUsable(queue, heap, before);
    } finally {
      await queue.close();
    }
  });

  test('run() while running: RUN_IN_PROGRESS, the first run completes', async () => {
    const heap = bankHeap();
    const queue = make({ heap });
    try {
      queue.add(tasks.transfer, 0, 1, 5);
      const first = queue.run();
      expectTyped(await queue.run().catch((e: unknown) => e), 'RunInProgressError', 'RUN_IN_PROGRESS');
      expect((await first).commits).toBe(1);
    } finally {
      await queue.close();
    }
  });

  test('use after close(): QUEUE_CLOSED, nothing written, close() again returns', async () => {
    const heap = bankHeap();
    const queue = make({ heap });
    const before = accounts(heap);
    await queue.close();
    expectTyped(
      thrown(() => queue.add(tasks.transfer, 0, 1, 5)),
      'QueueClosedError',
      'QUEUE_CLOSED',
    );
    expectTyped(await queue.run().catch((e: unknown) => e), 'QueueClosedError', 'QUEUE_CLOSED');
    await queue.close();
    expect(accounts(heap)).toEqual(before);
  });
});
