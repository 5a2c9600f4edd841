/**
 * The map-mix workload (issue 12): its ops end in the same map and results on plain JS and
 * on a real TransactionQueue (2 workers, unordered replayed in commit order, ordered in add
 * order), and its invariant (every key holds the sum of its increments) catches a broken map.
 * Runs the built code (dist/): the workers load the compiled task module.
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../dist/executors/plain.js';
import { queueExecutors } from '../dist/executors/queues.js';
import type { RunOutcome } from '../dist/executors/types.js';
import { verify } from '../dist/verify.js';
import { mapMixTotals, mapMixVariant } from '../dist/workloads/mapmix.js';
import type { MapState } from '../dist/workloads/types.js';

// 300 tasks of ~3 µs over 40 keys: hot keys, so concurrent tasks conflict and re-run.
const variant = mapMixVariant('mapmix/test', 'map mix test', 'test', 300, 1000, 40);
const expected = reference(variant);

describe('map mix on a real TransactionQueue', () => {
  // policy 'parallel': a batch this small would run inline on the calling thread under 'auto'.
  const queues = queueExecutors([2], 'parallel').filter((e) => e.id.startsWith('tq-'));

  it.each(queues.map((e) => [e.id, e] as const))('%s ends in the map and results plain JS gives', async (_id, executor) => {
    const session = await executor.open(variant);
    try {
      for (let run = 0; run < 2; run++) {
        const outcome = await session.run(variant.ops);
        const want = executor.check === 'commit-order' ? reference(variant, outcome.commitOrder) : expected;
        expect(outcome.policy).toBe('parallel');
        expect(outcome.errors).toEqual([]);
        expect(outcome.state).toEqual(want.state);
        expect(outcome.results).toEqual(want.results);
        expect(outcome.state.m).toEqual(mapMixTotals(variant.ops));
        expect(verify(variant, executor.check, outcome, expected)).toBe('ok');
      }
    } finally {
      await session.close();
    }
  });
});

describe('map mix checks', () => {
  const map = expected.state.m as MapState;
  const keys = Object.keys(map);
  const run = (m: MapState): RunOutcome => ({
    ms: 1,
    commits: variant.ops.length,
    aborts: 0,
    results: expected.results,
    state: { m },
    sharedBytes: null,
    errors: [],
  });

  it('plain JS reaches a non-trivial map that the invariant accepts', () => {
    expect(keys.length).toBeGreaterThan(10);
    expect(map).toEqual(mapMixTotals(variant.ops));
    expect(verify(variant, 'invariants', run(map), expected)).toBe('ok');
  });

  it('catches a lost increment, a moved one and a missing key, without the order', () => {
    const [a, b] = keys as [string, string];
    expect(verify(variant, 'invariants', run({ ...map, [a]: map[a]! - 1 }), expected)).toMatch(/sum to/);
    expect(verify(variant, 'invariants', run({ ...map, [a]: map[a]! - 1, [b]: map[b]! + 1 }), expected)).toMatch(
      new RegExp(`m\\{"${a}"\\}`),
    );
    const { [a]: _dropped, ...rest } = map;
    expect(verify(variant, 'invariants', run({ ...rest, [b]: map[b]! + map[a]! }), expected)).toMatch(/m\{"/);
  });

  it('compares maps key by key under the exact check', () => {
    const results = [...expected.results];
    expect(verify(variant, 'exact', run({ ...map, 'key:999': 0 }), expected)).toMatch(/key:999/);
    results[7] = -1;
    expect(verify(variant, 'exact', { ...run(map), results }, expected)).toMatch(/task 7/);
  });
});
