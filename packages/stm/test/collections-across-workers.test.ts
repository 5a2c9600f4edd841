/**
 * 2-4 workers run random transactions on one TMap and one TQueue (gets, sets, deletes,
 * updates, size, pushes, shifts, peeks) over a small or a larger key pool, so that keys
 * collide, the table grows and the queue runs empty and full. Every committed transaction
 * reports its serial point; replaying them one by one in that order on a Map and an array
 * must give every transaction the same results and the same final state.
 *
 * Property tests print their seed; replay one with FC_SEED=<seed>.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Heap, type Value, valuesEqual } from '@ame/stm';
import { runWorkers } from './helpers/workers.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 4);
console.log(`collections-across-workers: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

type Key = string | number;
type Op = [string, ...Value[]];
interface Tx {
  point: number;
  ops: Op[];
  results: Value[];
}

function replay(op: Op, map: Map<Key, Value>, queue: Value[]): Value {
  const key = op[1] as Key;
  switch (op[0]) {
    case 'get':
      return map.get(key);
    case 'set':
      map.set(key, op[2]);
      return null;
    case 'delete':
      return map.delete(key);
    case 'update': {
      const v = map.get(key);
      const next = typeof v === 'number' ? v + 1 : 1;
      map.set(key, next);
      return next;
    }
    case 'size':
      return map.size;
    case 'push':
      queue.push(op[1]);
      return null;
    case 'shift':
      return queue.shift();
    default:
      return queue[0];
  }
}

describe('collections across workers equal a replay in commit order', () => {
  test.prop([fc.integer({ min: 2, max: 4 }), fc.constantFrom(6, 200), fc.nat()], { seed, numRuns })(
    `random transactions from 2-4 workers (seed ${seed})`,
    async (workers, keys, runSeed) => {
      const heap = Heap.create();
      heap.tmap('m');
      heap.tqueue('q');
      const logs = await runWorkers<Tx[]>(
        Array.from({ length: workers }, (_, worker) => ({
          fixture: 'collections-random.mjs',
          data: { handle: heap.handle, seed: runSeed + worker, txs: 1500, keys, worker },
        })),
      );
      const txs = logs.flat().sort((a, b) => a.point - b.point);
      expect(txs.length).toBe(workers * 1500);
      const map = new Map<Key, Value>();
      const queue: Value[] = [];
      txs.forEach((tx, n) => {
        const results = tx.ops.map((op) => replay(op, map, queue));
        if (!valuesEqual(results as Value, tx.results as Value)) {
          expect.fail(
            `transaction ${n} in commit order ${JSON.stringify(tx.ops)} returned ${JSON.stringify(tx.results)}, replay ${JSON.stringify(results)}`,
          );
        }
      });
      const snap = heap.snapshot();
      const sorted = [...map].sort((a, b) =>
        typeof a[0] === typeof b[0] ? (a[0] < b[0] ? -1 : 1) : typeof a[0] === 'number' ? -1 : 1,
      );
      expect([...(snap.m as Map<Key, Value>)]).toEqual(sorted);
      expect(snap.q).toEqual(queue);
      const stats = heap.stats();
      console.log(
        `collections-across-workers: ${workers} workers, ${keys} keys: ${txs.length} commits, ${stats.aborts.conflict} conflicts, map size ${map.size}, queue ${queue.length}`,
      );
      heap.detach();
    },
    120_000,
  );
});
