/**
 * The warm-up tasks (see warm-up.ts). Their values are deliberately varied: fractional
 * numbers, large ones, strings, booleans, objects, so that V8's field representations and
 * inline caches on the hot path already hold the general case. A warm-up that only saw
 * small integers would leave Smi-only fields that a user's first double deoptimises.
 */
import { threadId } from 'node:worker_threads';
import type { Heap } from '@ame/stm';
import type { TaskContext } from '../context.js';

export function touch(ctx: TaskContext, i: number, a: number, b: number): unknown {
  const cells = ctx.heap.tarray('cells');
  const x = cells.get(a);
  cells.set(a, x + 0.5);
  cells.set(b, cells.get(b) - 0.5 + 2 ** 40);
  switch (i % 8) {
    case 0:
      return i + 0.25;
    case 1:
      return i % 3 === 0;
    case 2:
      return null;
    case 3:
      return undefined;
    case 4:
      return `r${i}`;
    case 5:
      return [i, { a }];
    default:
      return 2 ** 33 + i;
  }
}

export function note(ctx: TaskContext, key: string, flag: boolean, weight: number): number {
  const log = ctx.heap.tvar<{ key: string; n: number }>('log');
  const before = log.get();
  log.set({ key, n: before.n + (flag ? weight : -weight) });
  ctx.heap.tcounter('count').add(weight);
  // Now and then a key new to the map, in each thread (threads warming up together share
  // the heap): the transaction's begin and commit then have type feedback for an attempt
  // that claimed a key (TMap), without the map's own code becoming hot here.
  if (weight % 64 < 1) ctx.heap.tmap<string, number>('map').set(`${key}:${threadId}:${weight}`, weight);
  return before.n + 0.125;
}

/**
 * A second handle on the warm-up heap, opened in this thread by warm-up.ts: `interfere`
 * commits through it in the middle of a task, as another worker would, so the task's own
 * commit takes the paths that only concurrency reaches otherwise (reading a version older
 * than the newest, validating at commit, aborting on a conflict and re-running).
 */
let other: Heap | undefined;

/** The warm-up batches' maxAttempts (warm-up.ts): `interfere` makes one task in 128 reach it. */
export const WARM_UP_MAX_ATTEMPTS = 16;

export function setOtherHandle(heap: Heap | undefined): void {
  other = heap;
}

export function interfere(ctx: TaskContext, i: number, a: number, b: number, wide: boolean): number | string {
  const cells = ctx.heap.tarray('cells');
  const x = cells.get(a);
  // Another "thread" commits a write to `b` (a conflict when this task read it) or elsewhere.
  // One task in 128 (i % 128 === 13: 13, 141, 269, ...) conflicts at every attempt
  // until the strategy runs it exclusive (R4 of the transaction strategy: the lock taken,
  // the commit gates waited for), a path of contended batches a warm-up otherwise never took.
  const stubborn = i % 128 === 13 && ctx.attempt < WARM_UP_MAX_ATTEMPTS;
  if (other && (ctx.attempt === 0 || stubborn)) {
    const theirs = other.tarray('cells');
    other.atomically(() => theirs.set(b, theirs.get(b) + 1.25));
  }
  const y = cells.get(b); // newer than this task's snapshot: an older version is read
  cells.set(a, x + y * 0.5);
  // A large write set: probes past collisions in the write set, and the sort of many cells.
  if (wide) {
    const spread = ctx.heap.tarray('wide');
    for (let k = 0, h = i; k < 40; k++) {
      h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + k;
      spread.set((h >>> 8) % spread.length, k + 0.75);
    }
  }
  return i % 2 === 0 ? x : `s${'y'.repeat(i % 200)}`;
}

/** Tasks of 0 to 6 arguments: the dispatch in callWith has one case per count. */
export function args0(ctx: TaskContext): number {
  return ctx.heap.tarray('cells').get(1);
}
export function args4(ctx: TaskContext, a: number, b: number, c: number, d: number): number {
  const cells = ctx.heap.tarray('cells');
  cells.set(a & 63, cells.get(b & 63) + c - d);
  return a;
}
export function args5(ctx: TaskContext, a: number, b: number, c: number, d: number, e: number): boolean {
  const cells = ctx.heap.tarray('cells');
  cells.set(b & 63, cells.get(a & 63) + c + d + e);
  return a > b;
}
export function args6(ctx: TaskContext, a: number, b: number, c: number, d: number, e: number, f: string): number {
  return args5(ctx, a, b, c, d, e) ? f.length : a;
}

/**
 * Five task functions of their own (five function literals, not one made five times: V8
 * keys call feedback by function), each given 0 to 6 arguments by the warm-up: every call
 * site in callWith then has seen more targets than V8 inlines (megamorphic), and the
 * user's task function, a new target there, costs a call instead of a deoptimisation of
 * the task path that inlined the warm-up's functions (seen as "wrong call target" in the
 * strategy's run in some first batches; recompiling it takes 20-50 ms of a background
 * thread while that batch runs).
 */
export function any0(ctx: TaskContext, ...args: unknown[]): number {
  return ctx.heap.tarray('cells').get(args.length);
}
export function any1(_ctx: TaskContext, ...args: unknown[]): number {
  return args.length + 0.5;
}
export function any2(_ctx: TaskContext, ...args: unknown[]): boolean {
  return args.length % 2 === 0;
}
export function any3(_ctx: TaskContext, ...args: unknown[]): string {
  return `a${args.length}`;
}
export function any4(ctx: TaskContext, ...args: unknown[]): null {
  ctx.heap.tarray('cells').set(args.length, args.length + 0.25);
  return null;
}
