/**
 * Deterministic randomness for tasks: a stream derived from (run seed, batch, task index),
 * identical on every attempt and in every executor.
 */

/** Mixes three 32-bit integers into one seed (murmur3-style finaliser per step). */
export function deriveSeed(seed: number, batch: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = mix(h, batch);
  return mix(h, index) >>> 0;
}

function mix(h: number, part: number): number {
  h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** mulberry32: a fast 32-bit generator; returns floats in [0, 1). */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  reset(seed: number): void {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
