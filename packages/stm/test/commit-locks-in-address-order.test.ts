/**
 * T3: a commit locks its cells in ascending address order, whatever order the transaction
 * wrote them in (so two commits can never wait for each other's locks). The order comes
 * from WriteSet.sortedOrder: write sets already in address order, small ones and large
 * ones take three different paths there, all checked here against a plain sort.
 * Property tests print their seed; replay one with FC_SEED=<seed>.
 */
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { WriteSet, W_NUM } from '../src/internal/write-set.js';

const seed = Number(process.env.FC_SEED ?? Date.now());
console.log(`commit-locks-in-address-order: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

/** Distinct cell addresses (32-byte cells) in the order a transaction first wrote them. */
const written = fc.oneof(
  fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 200 }),
  // Loops over an array: ascending, or ascending with one cell written out of turn.
  fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 120 }), fc.option(fc.nat())).map(([start, n, swap]) => {
    const cells = Array.from({ length: n }, (_, k) => start + k);
    if (swap !== null && n > 1) {
      const k = swap % (n - 1);
      [cells[k], cells[k + 1]] = [cells[k + 1]!, cells[k]!];
    }
    return cells;
  }),
);

test.prop([written], { seed, numRuns: 400 })(`locks are taken in ascending address order (seed ${seed})`, (indices) => {
  const set = new WriteSet(8);
  for (const index of indices) set.entry(index * 32, W_NUM);
  const n = set.count;
  const order = new Int32Array(n + 3).fill(-1);
  set.sortedOrder(order, new Int32Array(n));
  const locked = Array.from(order.subarray(0, n), (e) => set.cells[e]!);
  expect(locked).toEqual(indices.map((i) => i * 32).sort((a, b) => a - b));
  expect(new Set(order.subarray(0, n)).size).toBe(n); // every entry once
});
