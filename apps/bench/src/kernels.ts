/**
 * Pure helpers every executor shares, so that each one runs exactly the same computation:
 * the CPU work inside a task, the keys a long transaction touches, seeded choice of
 * accounts (uniform or Zipf), the map accesses of a map-mix task, and the ids of pipeline
 * items (the word-count text is in words.ts). No imports, and no state but memoised tables
 * (pure functions of their arguments): task modules and the lock workers import this file too.
 */

/**
 * `iterations` rounds of integer mixing from `seed`: the CPU-bound part of a task
 * (about 3 ns per iteration on the 2-core machine). Returns a uint32 that depends on every
 * round, so the loop cannot be optimised away.
 */
export function spin(iterations: number, seed: number): number {
  return mix(iterations, (seed ^ 0x9e3779b9) | 0) >>> 0;
}

/**
 * The loop of `spin`, alone in its function: nothing follows the loop but `return`. V8
 * compiles a long loop on the stack (OSR) during its first call, before anything after the
 * loop has run; with an operation there (spin's `>>> 0`) that code deoptimised at the loop's
 * exit, and the next calls entered the same code from the interpreter again, 300-1,650
 * deoptimisations per 4,000-task batch in the workers of one run in two on 2 cores (+10-50 ms
 * per batch, in an executor's first 1-3 batches). Measured with `--trace-deopt`.
 */
function mix(iterations: number, h: number): number {
  for (let i = 0; i < iterations; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h = Math.imul(h ^ (h >>> 12), 0x297a2d39) ^ i;
  }
  return h;
}

/** A seeded PRNG (mulberry32): floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct keys in [0, n), sorted ascending, drawn from `seed`: the keys one long
 * transaction touches (sorted so the lock-based executor can take them in key order).
 */
export function keysFor(seed: number, count: number, n: number): number[] {
  const next = prng(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, n)) chosen.add(Math.floor(next() * n));
  return [...chosen].sort((a, b) => a - b);
}

/**
 * Picks account indices in [0, n): uniformly for `skew` 0, otherwise Zipf-distributed with
 * exponent `skew` (index 0 the hottest). Deterministic for a given seed.
 */
export function chooser(n: number, skew: number, seed: number): () => number {
  const next = prng(seed);
  if (skew === 0) return () => Math.floor(next() * n);
  const cdf = zipfCdf(n, skew);
  return () => zipfIndex(cdf, next());
}

/** Cumulative Zipf weights 1/(k+1)^skew for k in [0, n) (not normalised: the last is the total). */
export function zipfCdf(n: number, skew: number): Float64Array {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += 1 / (k + 1) ** skew;
  return cdf;
}

/** The index whose cumulative weight first reaches `u` (in [0, 1)) times the total: binary search. */
export function zipfIndex(cdf: Float64Array, u: number): number {
  const target = u * cdf[cdf.length - 1]!;
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Map accesses per map-mix task. */
export const MAP_MIX_ACCESSES = 4;
/** Accesses a map-mix task makes before its CPU work (the rest come after it). */
export const MAP_MIX_BEFORE_WORK = 2;
/** Share of map-mix accesses that are sets (read-modify-writes); the rest are gets. */
export const MAP_MIX_SETS = 0.2;
/** Zipf exponent of the keys a map-mix task touches (key 0 the hottest). */
export const MAP_MIX_SKEW = 1;

/** Zipf tables of the map-mix keys, by key count: built once per thread, read by every task. */
const mapMixCdfs = new Map<number, Float64Array>();

/**
 * The accesses of map-mix task `t` over `n` keys, the same in every executor and on every
 * attempt: MAP_MIX_ACCESSES pairs [key index, x] flattened (access j at 2j, 2j + 1), keys
 * Zipf-distributed (exponent MAP_MIX_SKEW), x 0 for a get or the increment of a set (1-100,
 * MAP_MIX_SETS of the accesses). A key may repeat within a task.
 */
export function mapMixAccesses(t: number, n: number): number[] {
  let cdf = mapMixCdfs.get(n);
  if (cdf === undefined) mapMixCdfs.set(n, (cdf = zipfCdf(n, MAP_MIX_SKEW)));
  const next = prng(Math.imul(t + 1, 0x9e3779b1) ^ 0x2545f491);
  const out = new Array<number>(2 * MAP_MIX_ACCESSES);
  for (let j = 0; j < MAP_MIX_ACCESSES; j++) {
    out[2 * j] = zipfIndex(cdf, next());
    const isSet = next() < MAP_MIX_SETS;
    const x = 1 + Math.floor(next() * 100);
    out[2 * j + 1] = isSet ? x : 0;
  }
  return out;
}

/** Names of the map keys, built once per thread (`key:<k>`). */
const mapKeys: string[] = [];

/** The string key of map key index `k`: `key:<k>`. */
export function mapKey(k: number): string {
  return (mapKeys[k] ??= `key:${k}`);
}

/** Anything with a Map's get and set: a plain Map (plain JS) or a TMap (the @ame queues). */
export interface NumberMap {
  get(key: string): number | undefined;
  set(key: string, value: number): unknown;
}

/**
 * The mapMix op on `m` (workloads/types.ts): task `t`'s accesses around `work` of spinning;
 * returns the sum of the values it read. Effect's version (ops/effect.ts) is the same steps
 * in its generator syntax.
 */
export function mapMixOn(m: NumberMap, t: number, work: number, n: number): number {
  const accesses = mapMixAccesses(t, n);
  let seen = 0;
  for (let j = 0; j < MAP_MIX_ACCESSES; j++) {
    if (j === MAP_MIX_BEFORE_WORK && spin(work, t) === -1) seen++; // never: spin is unsigned
    const key = mapKey(accesses[2 * j]!);
    const x = accesses[2 * j + 1]!;
    const v = m.get(key) ?? 0;
    seen += v;
    if (x > 0) m.set(key, v + x);
  }
  return seen;
}

/** Item `j` of producer `p` in the pipeline, `k` items per producer: p*k + j + 1 (every item a distinct id from 1). */
export function jobId(p: number, k: number, j: number): number {
  return p * k + j + 1;
}

/**
 * What one k-means-style accumulation adds to coordinate `j` of its cluster: an integer
 * below 256 from the task's hash, so sums are exact in any order.
 */
export function contribution(h: number, j: number): number {
  return (h >>> (j & 15)) & 0xff;
}
