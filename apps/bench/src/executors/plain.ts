/** Plain sequential JavaScript on ordinary arrays and Maps: the baseline. */
import { plainOps, type PlainState } from '../ops/plain.js';
import { mapState, type Op, type Results, type State, type StateObject, type Variant } from '../workloads/types.js';
import type { Executor, RunOutcome, Session } from './types.js';

/** Fresh ordinary arrays for `objects` (scalars as one-element arrays, queues empty), and empty Maps for maps. */
export function plainState(objects: readonly StateObject[]): PlainState {
  const state: PlainState = { arrays: {}, maps: {} };
  for (const o of objects) {
    if (o.kind === 'map') state.maps[o.name] = new Map();
    else state.arrays[o.name] = o.kind === 'queue' ? [] : new Array<number>(o.length).fill(o.initial);
  }
  return state;
}

/** The reporting shape of a plain state: scalars unwrapped, maps as sorted entries. */
export function reportState(objects: readonly StateObject[], state: PlainState): State {
  const out: State = {};
  for (const o of objects) {
    if (o.kind === 'map') out[o.name] = mapState(state.maps[o.name]!);
    else out[o.name] = o.kind === 'array' || o.kind === 'queue' ? [...state.arrays[o.name]!] : state.arrays[o.name]![0]!;
  }
  return out;
}

/** Runs `ops` (in the order of `order`, default add order) on `state`; returns results by op index. */
export function runPlain(state: PlainState, ops: readonly Op[], order?: readonly number[]): unknown[] {
  const results = new Array<unknown>(ops.length);
  const n = order ? order.length : ops.length;
  for (let j = 0; j < n; j++) {
    const i = order ? order[j]! : j;
    const op = ops[i]!;
    results[i] = plainOps[op[0]](state, op[1]!, op[2]!, op[3]!, op[4]!);
  }
  return results;
}

/** Plain JS run of a variant from its initial state: the reference outcome. */
export function reference(variant: Variant, order?: readonly number[]): { state: State; results: Results } {
  const state = plainState(variant.state);
  const results = runPlain(state, variant.ops, order);
  return { state: reportState(variant.state, state), results };
}

export const plain: Executor = {
  id: 'plain',
  family: 'plain JS',
  label: 'plain JS (sequential)',
  workers: 1,
  about: 'ordinary arrays and Maps, one op after another on the main thread: the baseline',
  check: 'exact',
  async open(variant: Variant): Promise<Session> {
    return {
      async run(ops): Promise<RunOutcome> {
        const state = plainState(variant.state);
        const t0 = performance.now();
        const results = runPlain(state, ops);
        const ms = performance.now() - t0;
        return {
          ms,
          commits: ops.length,
          aborts: null,
          results,
          state: reportState(variant.state, state),
          sharedBytes: null,
          errors: [],
        };
      },
      async close() {},
    };
  },
};
