/**
 * The baselines keep the executors' promises: GilQueue with ordered: true (2 real worker
 * threads, one global lock) gives exactly SequentialQueue's results, errors, task count and
 * final heap on a fixed task list with transfers, failures, children and random draws;
 * GilQueue unordered gives the heap and results of a sequential replay in its reported
 * commit order; neither ever aborts. Reports name their executor.
 */
import { describe, expect, test } from 'vitest';
import { Heap, type Value } from '@ame/stm';
import { taskRef, type RunReport, type TaskContext, type TaskRef } from '@ame/pool';
import { GilQueue, SequentialQueue } from '@ame/gil';
import * as bank from '../../transaction/test/fixtures/bank-tasks.mjs';

const BANK = new URL('../../transaction/test/fixtures/bank-tasks.mjs', import.meta.url);
type Call = [name: keyof typeof bank & string, ...args: Value[]];
type Task = (ctx: TaskContext, ...args: Value[]) => Value;

const BALANCES = [40, 0, 25, 90, 10, 60];
const CALLS: Call[] = [
  ['transfer', 0, 1, 30],
  ['fanOut', 3, 3, 15],
  ['withdrawOrThrow', 1, 50, true], // fails or not depending on what ran before
  ['lucky', 4],
  ['increment', 2],
  ['audit'],
  ['withdrawOrThrow', 2, 5, true],
  ['transfer', 4, 0, 20],
  ['hit', 3],
  ['lucky', 0],
  ['fanOut', 0, 2, 40],
  ['withdrawOrThrow', 5, 500, false], // always fails
  ['audit'],
  ['increment', 1],
];

function setupBank(): Heap {
  const heap = Heap.create({ initialBytes: 1 << 18, maxBytes: 1 << 24 });
  const accounts = heap.tarray('accounts', BALANCES.length);
  heap.tvar('total', 0);
  heap.tcounter('hits', 0);
  heap.tvar<Value>('journal', []);
  heap.atomically(() => BALANCES.forEach((b, i) => accounts.set(i, b)));
  return heap;
}

interface Queue {
  add<A extends readonly unknown[], R>(task: TaskRef<A, R>, ...args: A): number;
  run(): Promise<RunReport>;
  close(): Promise<void>;
}

async function runOn(make: (heap: Heap) => Queue, calls: Call[] = CALLS) {
  const heap = setupBank();
  const queue = make(heap);
  try {
    for (const [name, ...args] of calls) queue.add(taskRef(BANK, name), ...args);
    const report = await queue.run();
    return { report, heap: heap.snapshot() };
  } finally {
    await queue.close();
  }
}

function comparable(report: RunReport) {
  return {
    tasks: report.tasks,
    commits: report.commits,
    results: report.results,
    commitOrder: report.commitOrder,
    errors: report.errors.map((e) => [e.index, e.task, e.args, (e.cause as Error).name, (e.cause as Error).message]),
  };
}

/**
 * Calls the committed tasks in commit order on a fresh heap. Children get the next index
 * as their parent is replayed: in a GIL run a parent appends its children while it still
 * holds the lock, so child indices follow the commit order too.
 */
function replayInCommitOrder(report: RunReport, draws: readonly (Value | undefined)[]) {
  const heap = setupBank();
  const calls: Call[] = [...CALLS];
  const results = new Array<Value | undefined>(report.tasks).fill(undefined);
  for (const index of report.commitOrder) {
    const call = calls[index];
    if (!call) throw new Error(`replay: task ${index} was never added`);
    const [name, ...args] = call;
    const children: Call[] = [];
    const ctx: TaskContext = {
      heap,
      index,
      attempt: 0,
      random: () => draws[index] as number,
      add: (task, ...childArgs) => {
        const child = Object.entries(bank).find(([, fn]) => fn === (task as unknown))?.[0] ?? (task as TaskRef).name;
        children.push([child as Call[0], ...(childArgs as unknown as Value[])]);
      },
      afterCommit: () => {},
      inevitable: () => {},
    };
    results[index] = heap.atomically(() => {
      children.length = 0;
      return (bank[name] as unknown as Task)(ctx, ...args);
    });
    calls.push(...children);
  }
  return { results, heap: heap.snapshot(), tasks: calls.length };
}

describe('GilQueue and SequentialQueue', () => {
  test('GilQueue ordered (2 workers) equals SequentialQueue: results, errors, tasks, heap', async () => {
    const expected = await runOn((heap) => new SequentialQueue({ heap, seed: 11, onError: 'continue', policy: 'parallel' }));
    const actual = await runOn(
      (heap) => new GilQueue({ heap, workers: 2, ordered: true, seed: 11, onError: 'continue', policy: 'parallel' }),
    );
    expect(expected.report.errors.length).toBeGreaterThan(0); // the list does exercise failures
    expect(expected.report.tasks).toBeGreaterThan(CALLS.length); // ... and children
    expect(comparable(actual.report)).toEqual(comparable(expected.report));
    expect(actual.heap).toEqual(expected.heap);
    expect(actual.report.aborts).toBe(0);
  });

  test('GilQueue unordered (2 workers) equals a sequential replay in its commit order', async () => {
    const oracle = await runOn((heap) => new SequentialQueue({ heap, seed: 11, onError: 'continue', policy: 'parallel' }));
    for (let round = 0; round < 3; round++) {
      const { report, heap } = await runOn(
        (h) => new GilQueue({ heap: h, workers: 2, seed: 11, onError: 'continue', policy: 'parallel' }),
      );
      expect(report.aborts).toBe(0);
      const failed = report.errors.map((e) => e.index);
      expect([...report.commitOrder, ...failed].sort((a, b) => a - b)).toEqual(Array.from({ length: report.tasks }, (_, i) => i));
      // lucky is only added at top level: its draws (indices 3 and 9) equal the oracle's.
      expect([report.results[3], report.results[9]]).toEqual([oracle.report.results[3], oracle.report.results[9]]);
      const replayed = replayInCommitOrder(report, oracle.report.results);
      expect({ results: report.results, heap, tasks: report.tasks }).toEqual(replayed);
    }
  });

  test('reports name their executor and mode', async () => {
    const sequential = (
      await runOn(
        (heap) => new SequentialQueue({ heap, workers: 3, ordered: false, seed: 2, onError: 'continue', policy: 'parallel' }),
      )
    ).report;
    const gilOrdered = (
      await runOn((heap) => new GilQueue({ heap, workers: 2, ordered: true, seed: 2, onError: 'continue', policy: 'parallel' }))
    ).report;
    const gil = (await runOn((heap) => new GilQueue({ heap, workers: 2, seed: 2, onError: 'continue', policy: 'parallel' })))
      .report;
    expect([sequential.mode, sequential.ordered, sequential.workers, sequential.seed]).toEqual(['sequential', true, 1, 2]);
    expect([gilOrdered.mode, gilOrdered.ordered, gilOrdered.workers]).toEqual(['gil', true, 2]);
    expect([gil.mode, gil.ordered, gil.workers]).toEqual(['gil', false, 2]);
    expect(sequential.commitOrder).toEqual([...sequential.commitOrder].sort((a, b) => a - b));
  });
});
