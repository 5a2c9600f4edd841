/**
 * The warm-up tasks (see warm-up.ts). Their values are deliberately varied: fractional
 * numbers, large ones, strings, booleans, objects, so that V8's field representations and
 * inline caches on the hot path already hold the general case. A warm-up that only saw
 * small integers would leave Smi-only fields that a user's first double deoptimises.
 */
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
  return before.n + 0.125;
}
