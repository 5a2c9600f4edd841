/**
 * Unordered mode is serializable in the order it reports: for random task lists run by
 * TransactionQueue (2 real worker threads, onError 'continue', recordHistory for the calls
 * of children), replaying every finished task one after another in `report.serialOrder`
 * on a fresh heap (the task functions called directly on the main thread, each in
 * heap.atomically) gives the same result for every committed task, the same error for
 * every failed one (a failure sits where its reads were current), the same children and
 * the same final heap. `commitOrder` is the serial order without the failures.
 * ctx.random() draws equal SequentialQueue's for the same seed and index; the replay feeds
 * those draws (random tasks are only added at top level, where indices are fixed).
 *
 * Not covered here: ordered mode (ordered-equals-sequential). Replay a failure with
 * FC_SEED=<seed>.
 */
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { Value } from '@ame/stm';
import { TransactionQueue, type RunReport, type TaskContext } from '@ame/transaction';
import { SequentialQueue } from '@ame/gil';
import * as bank from './fixtures/bank-tasks.mjs';
import { addCalls, balancesArb, callArb, propertySeed, setupBank, type Call } from './helpers/bank.js';

const seed = propertySeed();
const numRuns = Number(process.env.FC_NUM_RUNS ?? 15);
console.log(`unordered-equals-commit-order-replay: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

type Task = (ctx: TaskContext, ...args: Value[]) => Value;
const exportName = (fn: unknown): string => Object.entries(bank).find(([, f]) => f === fn)?.[0] ?? '(not an export)';
const byIndex = (a: number, b: number): number => a - b;

/** Runs `calls` unordered on 2 workers on a fresh heap; the report and final heap. */
async function runUnordered(balances: number[], calls: Call[], runSeed: number) {
  const heap = setupBank(balances);
  const queue = new TransactionQueue({
    heap,
    workers: 2,
    seed: runSeed,
    onError: 'continue',
    recordHistory: true,
    policy: 'parallel',
  });
  try {
    addCalls(queue, calls);
    const report = await queue.run();
    return { report, heap: heap.snapshot() };
  } finally {
    await queue.close();
  }
}

/** ctx.random() draws of every top-level call, from the oracle (they do not depend on heap state). */
async function randomDraws(balances: number[], calls: Call[], runSeed: number): Promise<readonly (Value | undefined)[]> {
  const oracle = new SequentialQueue({ heap: setupBank(balances), seed: runSeed, onError: 'continue' });
  try {
    addCalls(oracle, calls);
    return (await oracle.run()).results;
  } finally {
    await oracle.close();
  }
}

/**
 * Calls every finished task in serial order on a fresh heap: results (undefined for a
 * task that threw), the errors thrown, the children committed tasks added, the heap.
 */
function replay(balances: number[], report: RunReport, draws: readonly (Value | undefined)[]) {
  const heap = setupBank(balances);
  const results = new Array<Value | undefined>(report.tasks).fill(undefined);
  const errors: [number, string, string][] = [];
  const children: string[] = [];
  for (const index of report.serialOrder) {
    const call = report.calls![index]!;
    const added: string[] = [];
    const ctx: TaskContext = {
      heap,
      index,
      attempt: 0,
      random: () => draws[index] as number,
      add: (task, ...args) => void added.push(JSON.stringify([exportName(task), args])),
      afterCommit: () => {},
      inevitable: () => {},
    };
    try {
      results[index] = heap.atomically(() => {
        added.length = 0;
        return (bank[call.task as keyof typeof bank] as unknown as Task)(ctx, ...call.args);
      });
      children.push(...added);
    } catch (error) {
      errors.push([index, (error as Error).name, (error as Error).message]);
    }
  }
  return { results, errors: errors.sort((a, b) => a[0] - b[0]), children: children.sort(), heap: heap.snapshot() };
}

async function checkAgainstReplay(balances: number[], calls: Call[], runSeed: number): Promise<RunReport> {
  const { report, heap } = await runUnordered(balances, calls, runSeed);
  const draws = await randomDraws(balances, calls, runSeed);

  // Every task finished exactly once: committed or failed, never both.
  const all = Array.from({ length: report.tasks }, (_, i) => i);
  const failed = report.errors.map((e) => e.index);
  expect([...report.serialOrder].sort(byIndex)).toEqual(all);
  expect([...report.commitOrder, ...failed].sort(byIndex)).toEqual(all);
  expect(report.commitOrder).toEqual(report.serialOrder.filter((i) => !failed.includes(i)));
  expect(report.calls).toHaveLength(report.tasks);
  calls.forEach(([name], i) => {
    if (name === 'lucky') expect(report.results[i], `draw of task ${i}`).toBe(draws[i]);
  });

  const expected = replay(balances, report, draws);
  expect({
    results: report.results,
    errors: report.errors.map((e) => [e.index, (e.cause as Error).name, (e.cause as Error).message]),
    children: report
      .calls!.slice(calls.length)
      .map((c) => JSON.stringify([c.task, c.args]))
      .sort(),
    heap,
  }).toEqual(expected);
  return report;
}

describe('unordered TransactionQueue equals a sequential replay in its serial order', () => {
  fcTest.prop([balancesArb, fc.array(callArb(), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })], {
    seed,
    numRuns,
    interruptAfterTimeLimit: 90_000,
  })(`results, errors, children and heap equal the replay, 2 workers (seed ${seed})`, async (balances, calls, runSeed) => {
    await checkAgainstReplay(balances, calls, runSeed);
  });

  test('under contention (many tasks on few keys) the replay still agrees', async () => {
    const calls: Call[] = [];
    for (let i = 0; i < 200; i++) {
      const k = i % 6;
      calls.push(
        k === 0
          ? ['transfer', i % 6, (i + 1) % 6, 7]
          : k === 1
            ? ['increment', 1]
            : k === 2
              ? ['audit']
              : k === 3
                ? ['withdrawOrThrow', i % 6, 30, true]
                : k === 4
                  ? ['lucky', i % 6]
                  : ['fanOut', i % 6, 2, 3],
      );
    }
    const report = await checkAgainstReplay([100, 100, 100, 100, 100, 100], calls, 9);
    expect(report.errors.length).toBeGreaterThan(0);
    expect(report.tasks).toBeGreaterThan(200);
  });

  test('a long read-only task is placed in the order where its snapshot was', async () => {
    const heap = setupBank([1, 2, 3, 4, 5, 6]);
    const queue = new TransactionQueue({ heap, workers: 2 });
    try {
      // Warm-up: both workers load the module (one spins, so the other takes the second).
      addCalls(queue, [
        ['slowIncrement', 0, 50],
        ['slowIncrement', 0, 50],
      ]);
      await queue.run();
      // Task 0 reads the total, then works 200 ms; the other worker increments meanwhile.
      const calls: Call[] = [['slowAudit', 200]];
      for (let i = 0; i < 10; i++) calls.push(['increment', 1]);
      addCalls(queue, calls);
      const report = await queue.run();
      const position = report.commitOrder.indexOf(0);
      // The audit saw exactly the increments placed before it.
      expect(report.results[0]).toEqual({ sum: 21, total: position });
    } finally {
      await queue.close();
    }
  });
});
