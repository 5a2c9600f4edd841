/**
 * Pure helpers every executor shares, so that each one runs exactly the same computation:
 * the CPU work inside a task, the keys a long transaction touches, and seeded choice of
 * accounts (uniform or Zipf). No state, no imports: task modules and the lock workers
 * import this file too.
 */

/**
 * `iterations` rounds of integer mixing from `seed`: the CPU-bound part of a task
 * (about 3 ns per iteration on the 2-core machine). Returns a uint32 that depends on every
 * round, so the loop cannot be optimised away.
 */
export function spin(iterations: number, seed: number): number {
  let h = (seed ^ 0x9e3779b9) | 0;
  for (let i = 0; i < iterations; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h = Math.imul(h ^ (h >>> 12), 0x297a2d39) ^ i;
  }
  return h >>> 0;
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
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += 1 / (k + 1) ** skew;
  return () => {
    const u = next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * What one k-means-style accumulation adds to coordinate `j` of its cluster: an integer
 * below 256 from the task's hash, so sums are exact in any order.
 */
export function contribution(h: number, j: number): number {
  return (h >>> (j & 15)) & 0xff;
}
