/**
 * The operations on Effect's STM (`effect` v4: `TxRef` read and written inside
 * `Effect.tx`, run with `Effect.runSync`): the software transactional memory TypeScript
 * users know, single-threaded. One TxRef per element; a map is a `TxHashMap` (Effect's
 * transactional map: one TxRef holding an immutable HashMap, so any two writes to a map
 * conflict, which costs nothing on one thread), a queue an unbounded `TxQueue` (Effect's
 * transactional queue: `offer`, and `poll` for a shift that does not wait). Effect has no commutative counter, so
 * `hotAdd` is a `TxRef.update`.
 */
import { Effect, Option, TxHashMap, TxQueue, TxRef } from 'effect';
import { contribution, jobId, keysFor, MAP_MIX_ACCESSES, MAP_MIX_BEFORE_WORK, mapKey, mapMixAccesses, spin } from '../kernels.js';
import type { OpName } from '../workloads/types.js';
import { tokenize, wordLine } from '../words.js';

/** The state as TxRefs (one per element) and TxHashMaps, by object name. */
export interface EffectState {
  /** Arrays, tvars and counters: a TxRef per element. */
  readonly refs: Record<string, TxRef.TxRef<number>[]>;
  /** Maps (objects of kind 'map'). */
  readonly maps: Record<string, TxHashMap.TxHashMap<string, number>>;
  /** Queues (objects of kind 'queue'). */
  readonly queues: Record<string, TxQueue.TxQueue<number>>;
}

type EffectOp = (s: EffectState, a: number, b: number, c: number, d: number) => Effect.Effect<unknown>;

export const effectOps: Record<OpName, EffectOp> = {
  transfer: (s, from, to, amount, work) =>
    Effect.tx(
      Effect.gen(function* () {
        const accounts = s.refs.accounts!;
        const a = yield* TxRef.get(accounts[from]!);
        const b = yield* TxRef.get(accounts[to]!);
        if (spin(work, from ^ (to << 16)) === -1) amount++; // never: spin is unsigned
        if (a < amount) return false;
        yield* TxRef.set(accounts[from]!, a - amount);
        yield* TxRef.set(accounts[to]!, b + amount);
        return true;
      }),
    ),
  compute: (s, i, work, slots) =>
    Effect.tx(
      Effect.gen(function* () {
        const h = spin(work, i);
        const slot = s.refs.out![i % slots]!;
        yield* TxRef.set(slot, (yield* TxRef.get(slot)) + (h & 0xffff));
        return h;
      }),
    ),
  hotRmw: (s, i, work) =>
    Effect.tx(
      Effect.gen(function* () {
        const hot = s.refs.hot![0]!;
        const v = yield* TxRef.get(hot);
        const h = spin(work, i) & 0xff;
        yield* TxRef.set(hot, v + h);
        return h;
      }),
    ),
  hotAdd: (s, i, work) =>
    Effect.tx(
      Effect.gen(function* () {
        const h = spin(work, i) & 0xff;
        yield* TxRef.update(s.refs.hits![0]!, (v) => v + h);
        return h;
      }),
    ),
  scan: (s) =>
    Effect.tx(
      Effect.gen(function* () {
        let sum = 0;
        for (const ref of s.refs.accounts!) sum += yield* TxRef.get(ref);
        return sum;
      }),
    ),
  spread: (s, seed, count, work) =>
    Effect.tx(
      Effect.gen(function* () {
        const accounts = s.refs.accounts!;
        const keys = keysFor(seed, count, accounts.length);
        const balances: number[] = [];
        for (const k of keys) balances.push(yield* TxRef.get(accounts[k]!));
        if (spin(work, seed) === -1) return 0;
        let moved = 0;
        for (let j = 1; j < keys.length; j++) {
          if (balances[j]! >= 1) {
            yield* TxRef.set(accounts[keys[j]!]!, balances[j]! - 1);
            moved++;
          }
        }
        yield* TxRef.set(accounts[keys[0]!]!, balances[0]! + moved);
        return moved;
      }),
    ),
  noop: () => Effect.tx(Effect.succeed(null)),
  accumulate: (s, i, work, clusters, dims) =>
    Effect.tx(
      Effect.gen(function* () {
        const h = spin(work, i);
        const c = h % clusters;
        const acc = s.refs.acc!;
        const base = c * (dims + 1);
        for (let j = 0; j < dims; j++) yield* TxRef.update(acc[base + j]!, (v) => v + contribution(h, j));
        yield* TxRef.update(acc[base + dims]!, (v) => v + 1);
        return c;
      }),
    ),
  mapMix: (s, t, work, n) =>
    Effect.tx(
      Effect.gen(function* () {
        const m = s.maps.m!;
        const accesses = mapMixAccesses(t, n);
        let seen = 0;
        for (let j = 0; j < MAP_MIX_ACCESSES; j++) {
          if (j === MAP_MIX_BEFORE_WORK && spin(work, t) === -1) seen++; // never: spin is unsigned
          const key = mapKey(accesses[2 * j]!);
          const x = accesses[2 * j + 1]!;
          const v = Option.getOrElse(yield* TxHashMap.get(m, key), () => 0);
          seen += v;
          if (x > 0) yield* TxHashMap.set(m, key, v + x);
        }
        return seen;
      }),
    ),
  wordCount: (s, t, work, n) =>
    Effect.tx(
      Effect.gen(function* () {
        const counts = s.maps.counts!;
        const words = tokenize(wordLine(t, n));
        if (spin(work, t) === -1) return -1; // never: spin is unsigned
        for (const w of words) {
          const c = Option.getOrElse(yield* TxHashMap.get(counts, w), () => 0);
          yield* TxHashMap.set(counts, w, c + 1);
        }
        return words.length;
      }),
    ),
  produce: (s, p, k, work) =>
    Effect.tx(
      Effect.gen(function* () {
        const jobs = s.queues.jobs!;
        if (spin(work, p) === -1) return -1; // never: spin is unsigned
        for (let j = 0; j < k; j++) yield* TxQueue.offer(jobs, jobId(p, k, j));
        return k;
      }),
    ),
  consume: (s, work) =>
    Effect.tx(
      Effect.gen(function* () {
        const next = yield* TxQueue.poll(s.queues.jobs!);
        if (Option.isNone(next)) return null;
        const x = next.value;
        if (spin(work, x) === -1) return -1; // never: spin is unsigned
        yield* TxRef.update(s.refs.total![0]!, (v) => v + x);
        yield* TxRef.update(s.refs.done![x - 1]!, (v) => v + 1);
        return x;
      }),
    ),
};
