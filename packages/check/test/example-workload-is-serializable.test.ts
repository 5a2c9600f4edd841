/**
 * The example shipped in the package docs (examples/bank-workload.mjs) is fuzzed in CI:
 * in every mode its runs are serializable and its invariant (money is conserved) holds.
 * FC_NUM_RUNS raises the number of task lists, FC_SEED replays.
 */
import { describe, expect, test } from 'vitest';
import { fuzz } from '../src/index.js';
import { numRuns, propertySeed } from './helpers/property.js';

const seed = propertySeed();
console.log(`example-workload-is-serializable: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

describe('the shipped example workload', () => {
  test('fuzzing it in every mode reports serializable', async () => {
    const result = await fuzz({
      workload: new URL('../examples/bank-workload.mjs', import.meta.url),
      runs: numRuns(15),
      seed,
      modes: ['unordered', 'ordered', 'gil', 'gil-ordered'],
      workers: 2,
      replayDir: null,
    });
    expect(result.status).toBe('serializable');
    expect(result.seed).toBe(seed);
  });
});
