/** Effect's STM (TxRef, TxHashMap, TxQueue + Effect.tx), single-threaded, ops in add order. */
import { Effect, TxHashMap, TxQueue, TxRef } from 'effect';
import { effectOps, type EffectState } from '../ops/effect.js';
import { mapState, type Op, type State, type Variant } from '../workloads/types.js';
import type { Executor, RunOutcome, Session } from './types.js';

function effectState(variant: Variant): EffectState {
  const state: EffectState = { refs: {}, maps: {}, queues: {} };
  for (const o of variant.state) {
    if (o.kind === 'map') state.maps[o.name] = Effect.runSync(TxHashMap.empty<string, number>());
    else if (o.kind === 'queue') state.queues[o.name] = Effect.runSync(TxQueue.unbounded<number>());
    else state.refs[o.name] = Array.from({ length: o.length }, () => TxRef.makeUnsafe(o.initial));
  }
  return state;
}

function snapshot(variant: Variant, state: EffectState): State {
  const out: State = {};
  for (const o of variant.state) {
    if (o.kind === 'map') {
      out[o.name] = mapState(Effect.runSync(TxHashMap.entries(state.maps[o.name]!)));
      continue;
    }
    if (o.kind === 'queue') {
      // TxQueue has no read-only listing: `clear` takes every item, front first (the state is dropped after the run).
      out[o.name] = Effect.runSync(TxQueue.clear(state.queues[o.name]!));
      continue;
    }
    const values = state.refs[o.name]!.map((ref) => Effect.runSync(TxRef.get(ref)));
    out[o.name] = o.kind === 'array' ? values : values[0]!;
  }
  return out;
}

export const effect: Executor = {
  id: 'effect',
  family: 'Effect STM',
  label: 'Effect STM (1 thread)',
  workers: 1,
  about:
    "the `effect` package's STM: a TxRef per element, a TxHashMap per map, a TxQueue per queue, each op an Effect.tx run with Effect.runSync",
  check: 'exact',
  async open(variant: Variant): Promise<Session> {
    return {
      async run(ops: readonly Op[]): Promise<RunOutcome> {
        const state = effectState(variant);
        const t0 = performance.now();
        const results = new Array<unknown>(ops.length);
        for (let i = 0; i < ops.length; i++) {
          const op = ops[i]!;
          results[i] = Effect.runSync(effectOps[op[0]](state, op[1]!, op[2]!, op[3]!, op[4]!));
        }
        const ms = performance.now() - t0;
        return { ms, commits: ops.length, aborts: null, results, state: snapshot(variant, state), sharedBytes: null, errors: [] };
      },
      async close() {},
    };
  },
};
