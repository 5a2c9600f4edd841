/** The warm-up task (see warm-up.ts): two reads and two writes, like a small user task. */
import type { TaskContext } from '../context.js';

export function touch(ctx: TaskContext, i: number, a: number, b: number): number {
  const cells = ctx.heap.tarray('cells');
  const x = cells.get(a);
  cells.set(a, x + 1);
  cells.set(b, cells.get(b) - 1);
  return i;
}
