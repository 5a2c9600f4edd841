/**
 * Map mix (issue 12): tasks of ~50 µs of CPU work around 4 accesses to one map of up to
 * 10,000 string keys (`key:<n>`, Zipf-distributed with exponent 1: a few hot keys), 80% gets
 * and 20% sets, a set being a read-modify-write `m.set(k, (m.get(k) ?? 0) + x)`. The map
 * starts empty. The baseline is a plain JS `Map`; the @ame queues use a TMap (per-key
 * conflicts), Effect a TxHashMap, the lock-based executor a lock per possible key.
 *
 * Results (the values a task read) depend on the order, so the variant is not order-free;
 * but sets only add, so every key ends at the sum of the increments set into it in any
 * serial order: the invariants check that sum (and its total), locks included.
 */
import { MAP_MIX_ACCESSES, MAP_MIX_SETS, MAP_MIX_SKEW, mapKey, mapMixAccesses } from '../kernels.js';
import { mapState, type MapState, type Op, type Results, type State, type Variant, type Workload } from './types.js';

/** Spin iterations per task (about 50 µs). */
const WORK = 15_000;
/** Keys the tasks choose from. */
const KEYS = 10_000;

/** The final map every serial order of `ops` reaches: each key's increments summed. */
export function mapMixTotals(ops: readonly Op[]): MapState {
  const totals = new Map<string, number>();
  for (const op of ops) {
    const accesses = mapMixAccesses(op[1]!, op[3]!);
    for (let j = 0; j < MAP_MIX_ACCESSES; j++) {
      const x = accesses[2 * j + 1]!;
      if (x > 0) totals.set(mapKey(accesses[2 * j]!), (totals.get(mapKey(accesses[2 * j]!)) ?? 0) + x);
    }
  }
  return mapState(totals);
}

/**
 * The sum of every value of map `m` equals the sum of every set's increment, and so does
 * each key's value (true in any serial order: sets only add); a problem or undefined.
 */
export function mapMixInvariant(expected: MapState, state: State, _results: Results): string | undefined {
  const m = state.m;
  if (m === undefined || typeof m === 'number' || Array.isArray(m)) return 'no map m in the final state';
  const sum = (map: MapState): number => Object.values(map).reduce((a, b) => a + b, 0);
  if (sum(m) !== sum(expected)) return `the values of m sum to ${sum(m)}, expected ${sum(expected)} (the sets' increments)`;
  for (const key of new Set([...Object.keys(expected), ...Object.keys(m)])) {
    if (m[key] !== expected[key]) return `m{"${key}"} is ${m[key]}, expected ${expected[key]} (its increments)`;
  }
  return undefined;
}

/** A map-mix variant: `tasks` tasks of `work` spin iterations over `keys` keys. */
export function mapMixVariant(
  id: string,
  title: string,
  description: string,
  tasks: number,
  work: number,
  keys: number,
): Variant {
  const ops: Op[] = Array.from({ length: tasks }, (_, t) => ['mapMix', t, work, keys] as const);
  const expected = mapMixTotals(ops);
  return {
    id,
    workload: id.split('/')[0]!,
    title,
    description,
    params: { tasks, work, keys, skew: MAP_MIX_SKEW, sets: MAP_MIX_SETS },
    state: [{ name: 'm', kind: 'map', length: keys, initial: 0 }],
    ops,
    orderFree: false,
    invariants: (state, results) => mapMixInvariant(expected, state, results),
  };
}

export const mapmix: Workload = {
  name: 'mapmix',
  description: `~50 µs of CPU work around ${MAP_MIX_ACCESSES} accesses to a map of ${KEYS} string keys (Zipf s=${MAP_MIX_SKEW}), ${100 - 100 * MAP_MIX_SETS}% get / ${100 * MAP_MIX_SETS}% read-modify-write set`,
  variants(quick) {
    const tasks = quick ? 1500 : 4000;
    return [
      mapMixVariant(
        'mapmix/zipf-1.0',
        'map mix',
        `${tasks} tasks: 2 map accesses, ~50 µs of CPU, 2 more; ${KEYS} keys, Zipf s=${MAP_MIX_SKEW}, ${100 * MAP_MIX_SETS}% sets (issue 12)`,
        tasks,
        WORK,
        KEYS,
      ),
    ];
  },
};
