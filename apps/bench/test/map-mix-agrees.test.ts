/**
 * The map-mix workload (issue 12): its ops end in the same map and results on plain JS and
 * on a real TransactionQueue (2 workers, unordered replayed in commit order, ordered in add
 * order), and its invariant (every key holds the sum of its increments) catches a broken map.
 * Runs the built code (dist/): the workers load the compiled task module.
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../dist/executors/plain.js';
import type { RunOutcome } from '../dist/executors/types.js';
import { verify } from '../dist/verify.js';
import { mapMixTotals, mapMixVariant } from '../dist/workloads/mapmix.js';
import type { MapState } from '../dist/workloads/types.js';
import { agreesOnRealQueues, outcomeOf } from './helpers/agrees.js';

// 300 tasks of ~3 µs over 40 keys: hot keys, so concurrent tasks conflict and re-run.
const variant = mapMixVariant('mapmix/test', 'map mix test', 'test', 300, 1000, 40);
const expected = reference(variant);

describe('map mix on a real TransactionQueue', () => {
  agreesOnRealQueues(variant, 'map and results', 'executor', (outcome) => {
    expect(outcome.state.m).toEqual(mapMixTotals(variant.ops));
  });
});

describe('map mix checks', () => {
  const map = expected.state.m as MapState;
  const keys = Object.keys(map);
  const run = (m: MapState): RunOutcome => outcomeOf({ m }, expected.results, variant.ops.length);

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
