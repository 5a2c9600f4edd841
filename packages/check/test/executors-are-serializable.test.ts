/**
 * Cross-package property suites: for generated task lists of each workload, every
 * executor in both modes (TransactionQueue unordered/ordered, GilQueue unordered/ordered)
 * gives a run that equals sequential execution (unordered: in its serial order; ordered:
 * SequentialQueue in add order) and whose history has no dependency cycle.
 *
 * Workloads: the shipped bank example (transfers, random deposits, throwing withdrawals,
 * child payrolls), a key-value mix of tvars and arrays, collections (a word count in a
 * tmap, a tset, a producer/consumer tqueue), child tasks (nested, and dropped
 * with a failed parent), throwing tasks (state-dependent errors, non-Error throws, async
 * and non-Value results), and ctx.random() draws (children too).
 *
 * Small by default (each run starts its workers): FC_NUM_RUNS raises it, FC_SEED replays.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  checkCalls,
  formatCallsVerdict,
  formatVerdict,
  loadWorkload,
  type Call,
  type ModeName,
  type Workload,
} from '../src/index.js';
import { numRuns, propertySeed, workloadUrl } from './helpers/property.js';

const seed = propertySeed();
const runs = numRuns(5);
console.log(`executors-are-serializable: fast-check seed ${seed}, ${runs} runs per property (replay with FC_SEED=${seed})`);

const workloads: [string, Workload][] = [
  ['bank (example)', await loadWorkload(new URL('../examples/bank-workload.mjs', import.meta.url))],
  ['kv-mix', await loadWorkload(workloadUrl('kv-mix'))],
  ['collections', await loadWorkload(workloadUrl('collections'))],
  ['children', await loadWorkload(workloadUrl('children'))],
  ['throwing', await loadWorkload(workloadUrl('throwing'))],
  ['random', await loadWorkload(workloadUrl('random'))],
];
const modes: ModeName[] = ['unordered', 'ordered', 'gil', 'gil-ordered'];
const queueSeed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe.each(workloads)('%s workload', (_name, workload) => {
  test.each(modes)('%s runs are serializable', async (mode) => {
    await fc.assert(
      fc.asyncProperty(workload.calls, queueSeed, async (calls, runSeed) => {
        const verdict = await checkCalls(workload, calls as Call[], { modes: [mode], seed: runSeed, workers: 2 });
        const failures = verdict.verdicts.filter((v) => !v.ok);
        expect(
          failures.map((v) => formatVerdict(v)),
          formatCallsVerdict(verdict),
        ).toEqual([]);
        expect(verdict.nondeterministic).toBeUndefined();
      }),
      { seed, numRuns: runs },
    );
  });
});
