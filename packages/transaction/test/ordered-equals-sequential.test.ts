/**
 * Ordered mode is the sequential oracle, in parallel: for random task lists over one shared
 * heap (transfers on a tarray, tvar read-modify-writes, tcounter adds, a task that writes
 * and then throws depending on heap state, tasks that add children with ctx.add, a task
 * drawing ctx.random(), a read-only audit), TransactionQueue({ ordered: true }) with 1, 2
 * and 4 real worker threads gives exactly SequentialQueue's results, errors (index, task,
 * args, cause), commit order, task count (children included) and final heap, with
 * onError 'continue'. Each queue then runs the same calls as a second batch (random()
 * streams depend on the batch number) and must still agree.
 *
 * Not covered here: onError 'stop' (bad-task-inputs), unordered mode
 * (unordered-equals-commit-order-replay). Replay a failure with FC_SEED=<seed>.
 */
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { Heap } from '@ame/stm';
import { TransactionQueue, type RunReport } from '@ame/transaction';
import { SequentialQueue } from '@ame/gil';
import { addCalls, balancesArb, callArb, outcome, propertySeed, setupBank, type Call } from './helpers/bank.js';

const seed = propertySeed();
const numRuns = Number(process.env.FC_NUM_RUNS ?? 15);
console.log(`ordered-equals-sequential: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

interface Queue {
  add: SequentialQueue['add'];
  run(): Promise<RunReport>;
  close(): Promise<void>;
}

/** Two batches of `calls` on a fresh heap: each batch's outcome and the heap after it. */
async function twoBatches(balances: number[], calls: Call[], make: (heap: Heap) => Queue) {
  const heap = setupBank(balances);
  const queue = make(heap);
  try {
    const batches = [];
    for (let b = 0; b < 2; b++) {
      addCalls(queue, calls);
      const report = await queue.run();
      batches.push({ ...outcome(report), commitOrder: report.commitOrder, heap: heap.snapshot() });
    }
    return batches;
  } finally {
    await queue.close();
  }
}

describe('ordered TransactionQueue equals SequentialQueue', () => {
  fcTest.prop([balancesArb, fc.array(callArb(), { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })], {
    seed,
    numRuns,
    interruptAfterTimeLimit: 90_000,
  })(
    `results, errors, commit order, tasks and heap agree for 1, 2 and 4 workers, twice (seed ${seed})`,
    async (balances, calls, runSeed) => {
      const expected = await twoBatches(
        balances,
        calls,
        (heap) => new SequentialQueue({ heap, seed: runSeed, onError: 'continue' }),
      );
      for (const workers of [1, 2, 4]) {
        const actual = await twoBatches(
          balances,
          calls,
          (heap) =>
            new TransactionQueue({ heap, workers, ordered: true, seed: runSeed, onError: 'continue', policy: 'parallel' }),
        );
        expect(actual, `${workers} workers`).toEqual(expected);
      }
    },
  );

  test('the oracle sees failures, children and random draws (the property is not vacuous)', async () => {
    const calls: Call[] = [
      ['fanOut', 0, 3, 5],
      ['withdrawOrThrow', 1, 500, true],
      ['withdrawOrThrow', 2, 1, true],
      ['lucky', 3],
      ['hit', 2],
      ['audit'],
    ];
    const [first, second] = await twoBatches(
      [50, 50, 50, 50, 50, 50],
      calls,
      (heap) => new SequentialQueue({ heap, seed: 1, onError: 'continue' }),
    );
    // 6 added + fanOut's 3 transfers and 2 fan-outs (+3 and +1 transfers) + withdrawOrThrow's child.
    expect(first!.tasks).toBe(6 + 3 + 1 + 2 + 1 + 1 + 1);
    expect(first!.errors.map((e) => [e.index, e.task, e.cause.name])).toEqual([[1, 'withdrawOrThrow', 'RangeError']]);
    expect(first!.results[1]).toBeUndefined();
    expect(first!.heap.total).toBe(1000);
    expect(first!.results[3]).not.toEqual(second!.results[3]); // random() depends on the batch
  });

  test('a read-only task committing at its turn sees every earlier commit (2 workers)', async () => {
    // Task 0 works 100 ms before it increments; meanwhile the other worker runs task 1, a
    // read-only audit, speculatively. At its turn the audit must see task 0's write.
    const calls: Call[] = [['slowIncrement', 1, 100], ['audit']];
    const balances = [10, 20, 30, 40, 50, 60];
    const [expected] = await twoBatches(balances, calls, (heap) => new SequentialQueue({ heap, onError: 'continue' }));
    const [actual] = await twoBatches(
      balances,
      calls,
      (heap) => new TransactionQueue({ heap, workers: 2, ordered: true, onError: 'continue', policy: 'parallel' }),
    );
    expect(expected!.results).toEqual([1, { sum: 210, total: 1 }]);
    expect(actual!.results).toEqual(expected!.results);
  });

  test('reports name their executor and mode', async () => {
    const heap = setupBank([1, 2, 3, 4, 5, 6]);
    const queue = new TransactionQueue({ heap, workers: 2, ordered: true, seed: 5 });
    const oracle = new SequentialQueue({ heap: setupBank([1, 2, 3, 4, 5, 6]), seed: 5 });
    try {
      addCalls(queue, [['increment', 1]]);
      addCalls(oracle, [['increment', 1]]);
      const [report, expected] = await Promise.all([queue.run(), oracle.run()]);
      expect([report.mode, report.ordered, report.workers, report.seed]).toEqual(['transaction', true, 2, 5]);
      expect([expected.mode, expected.ordered, expected.workers, expected.seed]).toEqual(['sequential', true, 1, 5]);
    } finally {
      await Promise.all([queue.close(), oracle.close()]);
    }
  });
});
