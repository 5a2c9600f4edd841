/**
 * Unordered mode is serializable in the order it reports: for random task lists run by
 * TransactionQueue (2 real worker threads, onError 'continue'), replaying the committed
 * tasks one after another in `report.commitOrder` on a fresh heap (the task functions called
 * directly on the main thread, each in heap.atomically) gives the same result for every
 * task and the same final heap. Failed tasks are exactly the ones missing from the commit
 * order and are skipped by the replay (they must have written nothing). ctx.random() draws
 * equal SequentialQueue's for the same seed and index; the replay feeds those draws.
 *
 * Not covered here: tasks that add children (their indices depend on commit timing, and
 * their arguments are not in the report), ordered mode (ordered-equals-sequential).
 * Replay a failure with FC_SEED=<seed>.
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

/** Runs `calls` on `queue`'s kind of executor on a fresh heap; the report and final heap. */
async function runUnordered(balances: number[], calls: Call[], runSeed: number) {
  const heap = setupBank(balances);
  const queue = new TransactionQueue({ heap, workers: 2, seed: runSeed, onError: 'continue' });
  try {
    addCalls(queue, calls);
    const report = await queue.run();
    return { report, heap: heap.snapshot() };
  } finally {
    await queue.close();
  }
}

/** ctx.random() draws of every call, from the oracle (they do not depend on heap state). */
async function randomDraws(balances: number[], calls: Call[], runSeed: number): Promise<readonly (Value | undefined)[]> {
  const oracle = new SequentialQueue({ heap: setupBank(balances), seed: runSeed, onError: 'continue' });
  try {
    addCalls(oracle, calls);
    return (await oracle.run()).results;
  } finally {
    await oracle.close();
  }
}

/** Calls the committed tasks in commit order on a fresh heap; their results and the heap. */
function replay(balances: number[], calls: Call[], report: RunReport, draws: readonly (Value | undefined)[]) {
  const heap = setupBank(balances);
  const results = new Array<Value | undefined>(calls.length).fill(undefined);
  for (const index of report.commitOrder) {
    const [name, ...args] = calls[index]!;
    const ctx: TaskContext = {
      heap,
      index,
      attempt: 0,
      random: () => draws[index] as number,
      add: () => {
        throw new Error(`replay: task ${index} (${name}) added a child; this suite generates none`);
      },
      afterCommit: () => {},
      inevitable: () => {},
    };
    results[index] = heap.atomically(() => (bank[name] as unknown as Task)(ctx, ...args));
  }
  return { results, heap: heap.snapshot() };
}

async function checkAgainstReplay(balances: number[], calls: Call[], runSeed: number): Promise<RunReport> {
  const { report, heap } = await runUnordered(balances, calls, runSeed);
  const draws = await randomDraws(balances, calls, runSeed);

  // Every task either committed once or failed, never both.
  const failed = report.errors.map((e) => e.index);
  expect([...report.commitOrder, ...failed].sort((a, b) => a - b)).toEqual(calls.map((_, i) => i));
  expect(report.tasks).toBe(calls.length);
  for (const e of report.errors) {
    expect([e.task, (e.cause as Error).name]).toEqual(['withdrawOrThrow', 'RangeError']);
    expect(report.results[e.index]).toBeUndefined();
  }
  calls.forEach(([name], i) => {
    if (name === 'lucky' && report.results[i] !== undefined) expect(report.results[i], `draw of task ${i}`).toBe(draws[i]);
  });

  const expected = replay(balances, calls, report, draws);
  expect({ results: report.results, heap }).toEqual(expected);
  return report;
}

describe('unordered TransactionQueue equals a sequential replay in commit order', () => {
  fcTest.prop(
    [balancesArb, fc.array(callArb({ children: false }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })],
    { seed, numRuns, interruptAfterTimeLimit: 90_000 },
  )(`results and heap equal the replay, 2 workers (seed ${seed})`, async (balances, calls, runSeed) => {
    await checkAgainstReplay(balances, calls, runSeed);
  });

  test('under contention (many tasks on few keys) the replay still agrees', async () => {
    const calls: Call[] = [];
    for (let i = 0; i < 200; i++) {
      const k = i % 5;
      calls.push(
        k === 0 ? ['transfer', i % 6, (i + 1) % 6, 7] : k === 1 ? ['increment', 1] : k === 2 ? ['audit'] : k === 3 ? ['withdrawOrThrow', i % 6, 30, false] : ['lucky', i % 6],
      );
    }
    const report = await checkAgainstReplay([100, 100, 100, 100, 100, 100], calls, 9);
    expect(report.commits + report.errors.length).toBe(200);
  });

  test('a long read-only task is placed in the commit order where its snapshot was', async () => {
    // Task 0 reads the total, then works 100 ms; task 1 increments the total meanwhile on
    // the other worker. Whatever the order reported, the replay in it must give the same
    // result for the audit.
    await checkAgainstReplay([1, 2, 3, 4, 5, 6], [['slowAudit', 100], ['increment', 1]], 0);
  });
});
