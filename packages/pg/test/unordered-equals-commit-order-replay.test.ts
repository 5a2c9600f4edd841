/**
 * Unordered PgQueue is serializable in the order it reports: for random task lists over
 * the bank run by 2 worker threads (onError 'continue', recordHistory for the calls of
 * children), replaying every finished task in `report.serialOrder` on an STM heap (the
 * task functions called directly, each in heap.atomically) gives the same result for
 * every committed task, the same error for every failed one, the same children and the
 * same final state, with either isolation level of the workers' transactions. The sum of
 * the accounts is conserved by transfers.
 *
 * Not covered here: ordered mode (ordered-equals-sequential). Replay with FC_SEED=<seed>.
 */
import { fc, test as fcTest } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Value } from '@ame/stm';
import { SequentialQueue } from '@ame/gil';
import { PgHeap, PgQueue, type RunReport, type TaskContext } from '@ame/pg';
import * as bank from '../../transaction/test/fixtures/bank-tasks.mjs';
import { addCalls, balancesArb, callArb, type Call } from '../../transaction/test/helpers/bank-calls.js';
import { freshHeap, propertySeed, setupPgBank, setupStmBank } from './helpers/pg.js';

const seed = propertySeed();
const numRuns = Number(process.env.FC_NUM_RUNS ?? 5);
console.log(`unordered-equals-commit-order-replay: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

type Task = (ctx: TaskContext, ...args: Value[]) => Value;
const exportName = (fn: unknown): string => Object.entries(bank).find(([, f]) => f === fn)?.[0] ?? '(not an export)';
const byIndex = (a: number, b: number): number => a - b;

let server: PgHeap;
beforeAll(async () => {
  server = await PgHeap.open();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

type Isolation = 'serializable' | 'read committed';

async function runUnordered(balances: number[], calls: Call[], runSeed: number, batchSize: number, isolation: Isolation) {
  const heap = await freshHeap(server);
  const queue = new PgQueue({ heap, workers: 2, seed: runSeed, onError: 'continue', recordHistory: true, batchSize, isolation });
  try {
    setupPgBank(heap, balances);
    addCalls(queue, calls);
    const report = await queue.run();
    return { report, heap: heap.snapshot() };
  } finally {
    await queue.close();
    await heap.close();
  }
}

async function randomDraws(balances: number[], calls: Call[], runSeed: number): Promise<readonly (Value | undefined)[]> {
  const oracle = new SequentialQueue({ heap: setupStmBank(balances), seed: runSeed, onError: 'continue' });
  try {
    addCalls(oracle, calls);
    return (await oracle.run()).results;
  } finally {
    await oracle.close();
  }
}

function replay(balances: number[], report: RunReport, draws: readonly (Value | undefined)[]) {
  const heap = setupStmBank(balances);
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

async function checkAgainstReplay(
  balances: number[],
  calls: Call[],
  runSeed: number,
  batchSize: number,
  isolation: Isolation,
): Promise<RunReport> {
  const { report, heap } = await runUnordered(balances, calls, runSeed, batchSize, isolation);
  const draws = await randomDraws(balances, calls, runSeed);
  const all = Array.from({ length: report.tasks }, (_, i) => i);
  const failed = report.errors.map((e) => e.index);
  expect([...report.serialOrder].sort(byIndex)).toEqual(all);
  expect([...report.commitOrder, ...failed].sort(byIndex)).toEqual(all);
  expect(report.commitOrder).toEqual(report.serialOrder.filter((i) => !failed.includes(i)));
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

describe('unordered PgQueue equals a replay in serial order', () => {
  fcTest.prop(
    [
      balancesArb,
      fc.array(callArb(), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.constantFrom(1, 4, 32),
      fc.constantFrom<Isolation>('serializable', 'read committed'),
    ],
    { seed, numRuns },
  )(`results, errors, children and heap (seed ${seed})`, async (balances, calls, runSeed, batchSize, isolation) => {
    await checkAgainstReplay(balances, calls, runSeed, batchSize, isolation);
  });

  test.each<Isolation>(['serializable', 'read committed'])(
    'many conflicting transfers (%s): replay agrees and the sum is conserved (the property is not vacuous)',
    async (isolation) => {
      const calls: Call[] = [];
      for (let i = 0; i < 300; i++) calls.push(['transfer', i % 6, (i * 5 + 1) % 6, 1 + (i % 7)]);
      calls.push(['hit', 2], ['increment', 3], ['withdrawOrThrow', 1, 10_000, false], ['audit']);
      const report = await checkAgainstReplay([100, 100, 100, 100, 100, 100], calls, 7, 8, isolation);
      expect(report.aborts).toBeGreaterThan(0);
      const sum = (report.results[report.tasks - 1] as { sum: number }).sum;
      expect(sum).toBe(600);
    },
  );
});
