/**
 * The pipeline workload (issue 12): producers and consumers over one queue end in the state
 * and results plain JS gives, on a real TransactionQueue (2 workers, unordered replayed in
 * commit order, ordered in add order); its invariants accept every serial order (shuffled
 * orders where consumers find the queue empty included) and catch an item consumed twice,
 * lost, both consumed and queued, taken out of FIFO order, or a wrong total or result.
 * Runs the built code (dist/): the workers load the compiled task module.
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../dist/executors/plain.js';
import type { RunOutcome } from '../dist/executors/types.js';
import { prng } from '../dist/kernels.js';
import { verify } from '../dist/verify.js';
import { pipelineVariant } from '../dist/workloads/pipeline.js';
import type { Results, State } from '../dist/workloads/types.js';
import { agreesOnRealQueues, outcomeOf } from './helpers/agrees.js';

// 60 producers of 4 items and 240 consumers of ~3 µs: overlapping consumers conflict on the queue's head.
const variant = pipelineVariant('pipeline/test', 'pipeline test', 'test', 60, 4, 1000, 250);
const expected = reference(variant);

describe('pipeline on a real TransactionQueue', () => {
  agreesOnRealQueues(variant, 'state and results', 'executor', (outcome) => {
    expect(variant.invariants(outcome.state, outcome.results)).toBeUndefined();
  });
});

describe('pipeline checks', () => {
  const n = variant.ops.length;
  const run = (state: State, results: Results): RunOutcome => outcomeOf(state, results, n);

  it('add order consumes every item; the invariants accept it', () => {
    expect(expected.state.jobs).toEqual([]);
    expect((expected.state.done as number[]).every((d) => d === 1)).toBe(true);
    expect(verify(variant, 'invariants', run(expected.state, expected.results), expected)).toBe('ok');
  });

  it('accepts every serial order, where consumers find the queue empty', () => {
    const seed = 12;
    console.log(`pipeline shuffles: seed ${seed}`);
    const next = prng(seed);
    for (let s = 0; s < 20; s++) {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const got = reference(variant, order);
      expect(variant.invariants(got.state, got.results)).toBeUndefined();
    }
    const reversed = reference(
      variant,
      Array.from({ length: n }, (_, i) => n - 1 - i),
    );
    expect(reversed.results.filter((r) => r === null)).toHaveLength(4);
    expect(reversed.state.jobs).toEqual([1, 2, 3, 4]);
    expect(variant.invariants(reversed.state, reversed.results)).toBeUndefined();
  });

  it('catches a double, a lost, a queued-and-consumed or out-of-order item, a wrong total or result', () => {
    // Reversed add order: the first 4 consumers find the queue empty, items 1-4 stay queued.
    const { state, results } = reference(
      variant,
      Array.from({ length: n }, (_, i) => n - 1 - i),
    );
    const done = state.done as number[];
    const total = state.total as number;
    const check = (s: State, r: Results = results): string => verify(variant, 'invariants', run({ ...state, ...s }, r), expected);
    const marked = (i: number, v: number): number[] => done.map((d, k) => (k === i ? v : d));
    expect(check({ done: marked(5, 2), total: total + 6 })).toMatch(/item 6 was consumed 2 times/);
    expect(check({ jobs: [1, 2, 3] })).toMatch(/item 4 was lost/);
    expect(check({ done: marked(0, 1), total: total + 1 })).toMatch(/item 1 was consumed and is still queued/);
    expect(check({ jobs: [1, 3, 4], done: marked(1, 1), total: total + 2 })).toMatch(/item 2 was consumed before item 1/);
    expect(check({ jobs: [2, 1, 3, 4] })).toMatch(/after a later item/);
    expect(check({ total: total - 1 })).toMatch(/total is/);
    const wrong = [...results];
    const consumer = wrong.findIndex((r, i) => variant.ops[i]![0] === 'consume' && r !== null);
    wrong[consumer] = 1; // item 1 is still queued
    expect(check({}, wrong)).toMatch(new RegExp(`consumer task ${consumer} reports item 1`));
  });
});
