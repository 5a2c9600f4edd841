/**
 * The operations as plain sequential JavaScript on ordinary arrays and Maps: what a user
 * writes today, and the baseline every speed-up is divided by. Scalars live in one-element
 * arrays (`hot[0]`) so that every object but a map is an array; a queue is an array used
 * with push and shift.
 */
import { contribution, jobId, keysFor, mapMixOn, spin } from '../kernels.js';
import type { OpName } from '../workloads/types.js';
import { tokenize, wordLine } from '../words.js';

/** The state as ordinary arrays and Maps, by object name. */
export interface PlainState {
  /** Arrays, tvars and counters (one-element arrays), queues (push at the end, shift at the front). */
  readonly arrays: Record<string, number[]>;
  /** Maps (objects of kind 'map'). */
  readonly maps: Record<string, Map<string, number>>;
}

type PlainOp = (s: PlainState, a: number, b: number, c: number, d: number) => unknown;

export const plainOps: Record<OpName, PlainOp> = {
  transfer(s, from, to, amount, work) {
    const accounts = s.arrays.accounts!;
    const a = accounts[from]!;
    const b = accounts[to]!;
    if (spin(work, from ^ (to << 16)) === -1) amount++; // never: spin is unsigned
    if (a < amount) return false;
    accounts[from] = a - amount;
    accounts[to] = b + amount;
    return true;
  },
  compute(s, i, work, slots) {
    const h = spin(work, i);
    const out = s.arrays.out!;
    out[i % slots] = out[i % slots]! + (h & 0xffff);
    return h;
  },
  hotRmw(s, i, work) {
    const hot = s.arrays.hot!;
    const v = hot[0]!;
    const h = spin(work, i) & 0xff;
    hot[0] = v + h;
    return h;
  },
  hotAdd(s, i, work) {
    const h = spin(work, i) & 0xff;
    const hits = s.arrays.hits!;
    hits[0] = hits[0]! + h;
    return h;
  },
  scan(s) {
    const accounts = s.arrays.accounts!;
    let sum = 0;
    for (let k = 0; k < accounts.length; k++) sum += accounts[k]!;
    return sum;
  },
  spread(s, seed, count, work) {
    const accounts = s.arrays.accounts!;
    const keys = keysFor(seed, count, accounts.length);
    const balances = keys.map((k) => accounts[k]!);
    if (spin(work, seed) === -1) return 0;
    let moved = 0;
    for (let j = 1; j < keys.length; j++) {
      if (balances[j]! >= 1) {
        accounts[keys[j]!] = balances[j]! - 1;
        moved++;
      }
    }
    accounts[keys[0]!] = balances[0]! + moved;
    return moved;
  },
  noop() {
    return null;
  },
  accumulate(s, i, work, clusters, dims) {
    const h = spin(work, i);
    const c = h % clusters;
    const acc = s.arrays.acc!;
    const base = c * (dims + 1);
    for (let j = 0; j < dims; j++) acc[base + j] = acc[base + j]! + contribution(h, j);
    acc[base + dims] = acc[base + dims]! + 1;
    return c;
  },
  mapMix(s, t, work, n) {
    return mapMixOn(s.maps.m!, t, work, n);
  },
  wordCount(s, t, work, n) {
    const counts = s.maps.counts!;
    const words = tokenize(wordLine(t, n));
    if (spin(work, t) === -1) return -1; // never: spin is unsigned
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    return words.length;
  },
  produce(s, p, k, work) {
    const jobs = s.arrays.jobs!;
    if (spin(work, p) === -1) return -1; // never: spin is unsigned
    for (let j = 0; j < k; j++) jobs.push(jobId(p, k, j));
    return k;
  },
  consume(s, work) {
    const x = s.arrays.jobs!.shift();
    if (x === undefined) return null;
    const total = s.arrays.total!;
    const done = s.arrays.done!;
    if (spin(work, x) === -1) return -1; // never: spin is unsigned
    total[0] = total[0]! + x;
    done[x - 1] = done[x - 1]! + 1;
    return x;
  },
};
