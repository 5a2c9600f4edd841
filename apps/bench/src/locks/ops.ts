/**
 * The operations as an expert writes them without STM: per-element locks taken in key
 * order (no deadlock), CPU work done before taking any lock (it does not depend on the
 * state), plain Float64Array reads and writes while the locks are held. A map is a slot
 * and a lock per possible key (keys are `mapKey(k)` for k below the map's length), NaN
 * while the key is absent (a word-count map: a slot per vocabulary word, `wordIndex`). A
 * queue is one lock (its first) around its head, tail and items; a consumer holds it only to
 * shift, then works and adds to the total and its item's mark under their own locks.
 */
import { contribution, jobId, keysFor, MAP_MIX_ACCESSES, mapMixAccesses, spin } from '../kernels.js';
import type { OpName } from '../workloads/types.js';
import { type Layout, QUEUE_HEAD, QUEUE_ITEMS, QUEUE_TAIL, type Views } from './layout.js';
import { lock, unlock } from './mutex.js';
import { tokenize, wordIndex, wordLine } from '../words.js';

/** A worker's views plus where each named object starts. */
export interface LockState {
  readonly views: Views;
  /** Offset of object `name` in data/locks. */
  readonly at: Readonly<Record<string, number>>;
  /** Length of object `name`. */
  readonly size: Readonly<Record<string, number>>;
}

export function lockState(views: Views, layout: Layout): LockState {
  const at: Record<string, number> = {};
  const size: Record<string, number> = {};
  for (const o of layout.objects) {
    at[o.name] = o.offset;
    size[o.name] = o.length;
  }
  return { views, at, size };
}

/** data[k] += delta under k's lock. */
function lockedAdd(s: LockState, k: number, delta: number): void {
  lock(s.views.locks, k);
  s.views.data[k] = s.views.data[k]! + delta;
  unlock(s.views.locks, k);
}

type LockOp = (s: LockState, a: number, b: number, c: number, d: number) => number;

/** Results as numbers: booleans 1/0, null NaN. */
export const lockOps: Record<OpName, LockOp> = {
  transfer(s, from, to, amount, work) {
    if (spin(work, from ^ (to << 16)) === -1) amount++; // never: spin is unsigned
    const { data, locks } = s.views;
    const base = s.at.accounts!;
    const lo = base + Math.min(from, to);
    const hi = base + Math.max(from, to);
    lock(locks, lo);
    if (hi !== lo) lock(locks, hi);
    let ok = 0;
    const a = data[base + from]!;
    if (a >= amount) {
      data[base + from] = a - amount;
      data[base + to] = data[base + to]! + amount;
      ok = 1;
    }
    if (hi !== lo) unlock(locks, hi);
    unlock(locks, lo);
    return ok;
  },
  compute(s, i, work, slots) {
    const h = spin(work, i);
    lockedAdd(s, s.at.out! + (i % slots), h & 0xffff);
    return h;
  },
  hotRmw(s, i, work) {
    const h = spin(work, i) & 0xff;
    lockedAdd(s, s.at.hot!, h);
    return h;
  },
  hotAdd(s, i, work) {
    const h = spin(work, i) & 0xff;
    lockedAdd(s, s.at.hits!, h); // under locks a read-modify-write and an add cost the same
    return h;
  },
  scan(s) {
    const { data, locks } = s.views;
    const base = s.at.accounts!;
    const end = base + s.size.accounts!;
    for (let k = base; k < end; k++) lock(locks, k);
    let sum = 0;
    for (let k = base; k < end; k++) sum += data[k]!;
    for (let k = end - 1; k >= base; k--) unlock(locks, k);
    return sum;
  },
  spread(s, seed, count, work) {
    const { data, locks } = s.views;
    const base = s.at.accounts!;
    const keys = keysFor(seed, count, s.size.accounts!);
    if (spin(work, seed) === -1) return 0;
    for (const k of keys) lock(locks, base + k); // keys are sorted: key order
    let moved = 0;
    for (let j = 1; j < keys.length; j++) {
      const k = base + keys[j]!;
      if (data[k]! >= 1) {
        data[k] = data[k]! - 1;
        moved++;
      }
    }
    data[base + keys[0]!] = data[base + keys[0]!]! + moved;
    for (let j = keys.length - 1; j >= 0; j--) unlock(locks, base + keys[j]!);
    return moved;
  },
  noop() {
    return NaN;
  },
  accumulate(s, i, work, clusters, dims) {
    const h = spin(work, i);
    const c = h % clusters;
    const { data, locks } = s.views;
    const base = s.at.acc! + c * (dims + 1);
    for (let k = base; k <= base + dims; k++) lock(locks, k); // ascending: key order
    for (let j = 0; j < dims; j++) data[base + j] = data[base + j]! + contribution(h, j);
    data[base + dims] = data[base + dims]! + 1;
    for (let k = base + dims; k >= base; k--) unlock(locks, k);
    return c;
  },
  mapMix(s, t, work, n) {
    const accesses = mapMixAccesses(t, n);
    if (spin(work, t) === -1) return -1; // never: spin is unsigned
    const { data, locks } = s.views;
    const base = s.at.m!;
    const keys = new Set<number>();
    for (let j = 0; j < MAP_MIX_ACCESSES; j++) keys.add(accesses[2 * j]!);
    const sorted = [...keys].sort((a, b) => a - b);
    for (const k of sorted) lock(locks, base + k); // key order
    let seen = 0;
    for (let j = 0; j < MAP_MIX_ACCESSES; j++) {
      const at = base + accesses[2 * j]!;
      const x = accesses[2 * j + 1]!;
      const v = Number.isNaN(data[at]!) ? 0 : data[at]!;
      seen += v;
      if (x > 0) data[at] = v + x;
    }
    for (let j = sorted.length - 1; j >= 0; j--) unlock(locks, base + sorted[j]!);
    return seen;
  },
  wordCount(s, t, work, n) {
    const words = tokenize(wordLine(t, n));
    if (spin(work, t) === -1) return -1; // never: spin is unsigned
    const { data, locks } = s.views;
    const base = s.at.counts!;
    const keys = words.map(wordIndex);
    const sorted = [...new Set(keys)].sort((a, b) => a - b);
    for (const k of sorted) lock(locks, base + k); // key order
    for (const k of keys) data[base + k] = Number.isNaN(data[base + k]!) ? 1 : data[base + k]! + 1;
    for (let j = sorted.length - 1; j >= 0; j--) unlock(locks, base + sorted[j]!);
    return words.length;
  },
  produce(s, p, k, work) {
    if (spin(work, p) === -1) return -1; // never: spin is unsigned
    const { data, locks } = s.views;
    const q = s.at.jobs!;
    lock(locks, q);
    let tail = data[q + QUEUE_TAIL]!;
    for (let j = 0; j < k; j++) data[q + QUEUE_ITEMS + tail++] = jobId(p, k, j);
    data[q + QUEUE_TAIL] = tail;
    unlock(locks, q);
    return k;
  },
  consume(s, work) {
    const { data, locks } = s.views;
    const q = s.at.jobs!;
    lock(locks, q);
    const head = data[q + QUEUE_HEAD]!;
    const x = head < data[q + QUEUE_TAIL]! ? data[q + QUEUE_ITEMS + head]! : NaN;
    if (!Number.isNaN(x)) data[q + QUEUE_HEAD] = head + 1;
    unlock(locks, q);
    if (Number.isNaN(x)) return NaN; // null: the queue was empty
    if (spin(work, x) === -1) return -1; // never: spin is unsigned
    lockedAdd(s, s.at.total!, x);
    lockedAdd(s, s.at.done! + x - 1, 1);
    return x;
  },
};
