/**
 * The operations as @ame tasks (see workloads/types.ts for what each does): the module
 * SequentialQueue, GilQueue and TransactionQueue load by URL in every worker.
 */
import type { TaskContext } from '@ame/transaction';
import { contribution, jobId, keysFor, mapMixOn, spin } from './kernels.js';
import { tokenize, wordLine } from './words.js';

export function transfer(ctx: TaskContext, from: number, to: number, amount: number, work: number): boolean {
  const accounts = ctx.heap.tarray('accounts');
  const a = accounts.get(from);
  const b = accounts.get(to);
  if (spin(work, from ^ (to << 16)) === -1) amount++; // never: spin is unsigned
  if (a < amount) return false;
  accounts.set(from, a - amount);
  accounts.set(to, b + amount);
  return true;
}

export function compute(ctx: TaskContext, i: number, work: number, slots: number): number {
  const h = spin(work, i);
  const out = ctx.heap.tarray('out');
  out.set(i % slots, out.get(i % slots) + (h & 0xffff));
  return h;
}

export function hotRmw(ctx: TaskContext, i: number, work: number): number {
  const hot = ctx.heap.tvar<number>('hot');
  const v = hot.get();
  const h = spin(work, i) & 0xff;
  hot.set(v + h);
  return h;
}

export function hotAdd(ctx: TaskContext, i: number, work: number): number {
  const h = spin(work, i) & 0xff;
  ctx.heap.tcounter('hits').add(h);
  return h;
}

export function scan(ctx: TaskContext): number {
  const accounts = ctx.heap.tarray('accounts');
  let sum = 0;
  for (let k = 0; k < accounts.length; k++) sum += accounts.get(k);
  return sum;
}

export function spread(ctx: TaskContext, seed: number, count: number, work: number): number {
  const accounts = ctx.heap.tarray('accounts');
  const keys = keysFor(seed, count, accounts.length);
  const balances = keys.map((k) => accounts.get(k));
  if (spin(work, seed) === -1) return 0;
  let moved = 0;
  for (let j = 1; j < keys.length; j++) {
    if (balances[j]! >= 1) {
      accounts.set(keys[j]!, balances[j]! - 1);
      moved++;
    }
  }
  accounts.set(keys[0]!, balances[0]! + moved);
  return moved;
}

export function noop(_ctx: TaskContext): null {
  return null;
}

export function accumulate(ctx: TaskContext, i: number, work: number, clusters: number, dims: number): number {
  const h = spin(work, i);
  const c = h % clusters;
  const acc = ctx.heap.tarray('acc');
  const base = c * (dims + 1);
  for (let j = 0; j < dims; j++) acc.set(base + j, acc.get(base + j) + contribution(h, j));
  acc.set(base + dims, acc.get(base + dims) + 1);
  return c;
}

export function mapMix(ctx: TaskContext, t: number, work: number, n: number): number {
  return mapMixOn(ctx.heap.tmap<string, number>('m'), t, work, n);
}

export function wordCount(ctx: TaskContext, t: number, work: number, n: number): number {
  const counts = ctx.heap.tmap<string, number>('counts');
  const words = tokenize(wordLine(t, n));
  if (spin(work, t) === -1) return -1; // never: spin is unsigned
  for (const w of words) counts.update(w, (c) => (c ?? 0) + 1);
  return words.length;
}

export function produce(ctx: TaskContext, p: number, k: number, work: number): number {
  const jobs = ctx.heap.tqueue<number>('jobs');
  if (spin(work, p) === -1) return -1; // never: spin is unsigned
  for (let j = 0; j < k; j++) jobs.push(jobId(p, k, j));
  return k;
}

export function consume(ctx: TaskContext, work: number): number | null {
  const x = ctx.heap.tqueue<number>('jobs').shift();
  if (x === undefined) return null;
  if (spin(work, x) === -1) return -1; // never: spin is unsigned
  ctx.heap.tcounter('total').add(x);
  const done = ctx.heap.tarray('done');
  done.set(x - 1, done.get(x - 1) + 1);
  return x;
}
