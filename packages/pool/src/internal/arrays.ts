/**
 * Arrays the hot path keeps per thread or per batch, made with V8's most general elements
 * kind from the start (HOLEY_ELEMENTS: any value, any length), so that every such array
 * has the same hidden class whatever it holds first.
 *
 * A `[]` starts as PACKED_SMI_ELEMENTS and changes kind as it is filled; code that V8
 * optimised for one array then deoptimises at the first use of a newer, emptier one. Each
 * thread makes a new argument array per batch (BatchEnv) and a new task table per loader:
 * a worker's claim loop deoptimised on the first task of a batch and was compiled again,
 * 25-40 ms of a background compiler thread competing with the workers on 2 cores, in the
 * first batches of a queue (test/task-path-stays-optimised.test.ts in @ame/transaction).
 */
export function anyArray<T>(): T[] {
  const out = new Array<T | null>(1).fill(null);
  out.length = 0;
  return out as T[];
}
