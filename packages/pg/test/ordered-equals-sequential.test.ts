/**
 * Ordered PgQueue is SequentialQueue on PostgreSQL: for random task lists over the bank
 * (transfers, tvar read-modify-writes, tcounter adds, a task that writes then throws
 * depending on state, children via ctx.add, ctx.random(), a read-only audit), PgQueue
 * ({ ordered: true }) with 1, 2 and 4 worker threads gives exactly SequentialQueue's
 * results, errors, commit order, task count and final heap (an STM heap as the oracle),
 * with onError 'continue', for two runs in a row (random() streams depend on the run); the
 * 2-worker queue uses isolation 'read committed'.
 *
 * Not covered here: onError 'stop' (bad-input-typed-errors). Replay with FC_SEED=<seed>.
 */
import { fc, test as fcTest } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { SequentialQueue } from '@ame/gil';
import { PgHeap, PgQueue } from '@ame/pg';
import { addCalls, balancesArb, callArb, outcome } from '../../transaction/test/helpers/bank-calls.js';
import { freshHeap, propertySeed, setupPgBank, setupStmBank } from './helpers/pg.js';

const seed = propertySeed();
const numRuns = Number(process.env.FC_NUM_RUNS ?? 3);
console.log(`ordered-equals-sequential: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

let server: PgHeap;
beforeAll(async () => {
  server = await PgHeap.open();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('ordered PgQueue equals SequentialQueue', () => {
  fcTest.prop([balancesArb, fc.array(callArb(), { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })], {
    seed,
    numRuns,
  })(
    `results, errors, commit order, tasks and heap agree for 1, 2 and 4 workers, twice (seed ${seed})`,
    async (balances, calls, runSeed) => {
      const stm = setupStmBank(balances);
      const oracle = new SequentialQueue({ heap: stm, seed: runSeed, onError: 'continue' });
      const expected = [];
      try {
        for (let b = 0; b < 2; b++) {
          addCalls(oracle, calls);
          const report = await oracle.run();
          expected.push({ ...outcome(report), commitOrder: report.commitOrder, heap: stm.snapshot() });
        }
      } finally {
        await oracle.close();
      }
      for (const workers of [1, 2, 4]) {
        const heap = await freshHeap(server);
        const isolation = workers === 2 ? 'read committed' : 'serializable';
        const queue = new PgQueue({ heap, workers, ordered: true, seed: runSeed, onError: 'continue', batchSize: 4, isolation });
        try {
          setupPgBank(heap, balances);
          const actual = [];
          for (let b = 0; b < 2; b++) {
            addCalls(queue, calls);
            const report = await queue.run();
            actual.push({ ...outcome(report), commitOrder: report.commitOrder, heap: heap.snapshot() });
          }
          expect(actual, `${workers} workers`).toEqual(expected);
        } finally {
          await queue.close();
          await heap.close();
        }
      }
    },
  );
});
