/**
 * Kept queues change nothing but speed: a CheckSession (one heap and queue per mode, the
 * heap set back and the queue rewound between runs) records the same runs as fresh heaps
 * and queues. Ordered runs are deterministic, so their records must be equal field by
 * field, ctx.random() streams (seed, batch 1, index) included; unordered runs must pass.
 * A run that creates a named object makes the session take a fresh heap. Replay with FC_SEED.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CheckSession, type RunRecord, checkRecord, loadWorkload, resolveModes, runMode } from '../src/index.js';
import { propertySeed, workloadUrl } from './helpers/property.js';

const seed = propertySeed();
console.log(`kept-queues-equal-fresh-queues: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

/** What must not depend on the queue being kept (timing aside). */
function outcome(record: RunRecord): unknown {
  const { results, errors, snapshot, taskCount, tasks, serialOrder, seed, calls } = record;
  return { results, errors, snapshot, taskCount, tasks, serialOrder, seed, calls };
}

describe.each(['random', 'children', 'kv-mix', 'collections'])('workload %s', (name) => {
  test('ordered runs on kept queues equal fresh ones; unordered ones pass', async () => {
    const workload = await loadWorkload(workloadUrl(name));
    const lists = fc.sample(workload.calls, { numRuns: 6, seed });
    const [unordered, ordered] = resolveModes(['unordered', 'ordered']);
    const session = new CheckSession(workload, { workers: 2 });
    try {
      for (const [k, calls] of lists.entries()) {
        const queueSeed = seed + k;
        const kept = await session.run(ordered!, calls, { seed: queueSeed });
        const fresh = await runMode(workload, ordered!, calls, { seed: queueSeed });
        expect(outcome(kept)).toEqual(outcome(fresh));
        const run = await session.run(unordered!, calls, { seed: queueSeed });
        expect((await checkRecord(workload, run)).ok).toBe(true);
      }
    } finally {
      await session.close();
    }
    expect(session.stats).toMatchObject({ kept: 2 * lists.length, fresh: 0, queues: 2 });
  });
});

test('a run that creates a named object is followed by a fresh heap', async () => {
  const workload = await loadWorkload(workloadUrl('creates-objects'));
  const [ordered] = resolveModes(['ordered']);
  const session = new CheckSession(workload, { workers: 2 });
  try {
    const first = await session.run(ordered!, [['make', 1]], { seed: 1 });
    const second = await session.run(ordered!, [['make', 2]], { seed: 1 });
    expect(first.snapshot).toEqual({ 'made-1': 1, n: 1 });
    expect(second.snapshot).toEqual({ 'made-2': 2, n: 1 });
  } finally {
    await session.close();
  }
  expect(session.stats.queues).toBe(2);
});
