/**
 * The serial replay (the oracle of unordered runs) is faithful: replaying a
 * SequentialQueue run's recorded calls in index order gives SequentialQueue's results,
 * errors, children and heap, for workloads with ctx.random(), children and every kind of
 * failure. So a difference the checker reports comes from the executor, not the replay.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { SEQUENTIAL, compareOutcomes, loadWorkload, replaySerial, runMode, type Call } from '../src/index.js';
import { numRuns, propertySeed, workloadUrl } from './helpers/property.js';

const seed = propertySeed();
console.log(`serial-replay-equals-sequential-queue: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

describe.each(['random', 'children', 'throwing', 'kv-mix'])('%s workload', async (name) => {
  const workload = await loadWorkload(workloadUrl(name));
  test.prop([workload.calls, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { seed, numRuns: numRuns(25) })(
    'replay in index order equals SequentialQueue',
    async (calls, queueSeed) => {
      const record = await runMode(workload, SEQUENTIAL, calls as Call[], { seed: queueSeed });
      const order = Array.from({ length: record.taskCount }, (_, i) => i);
      const replay = await replaySerial(workload, record.tasks, order, queueSeed, { topLevel: calls.length });
      expect(replay.replayed).toEqual(order);
      expect(compareOutcomes(record, replay, order, record.tasks)).toEqual([]);
      expect(replay.children).toEqual(record.tasks.slice(calls.length));
    },
  );
});
