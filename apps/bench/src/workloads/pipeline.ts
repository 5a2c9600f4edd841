/**
 * Pipeline (issue 12): producers and consumers over one FIFO queue `jobs`. A producer does a
 * little CPU work and pushes `k` new items (distinct ids, `jobId`); a consumer shifts one
 * item (none if the queue is empty), works on it (~20 µs of spin) and records it: adds it to
 * the counter `total` and marks `done[item - 1]`. The ops interleave 1 producer of k items
 * with k consumers, so in add order no consumer finds the queue empty. The baseline is a JS
 * array (push / shift); the @ame queues use a TQueue (a shift and a push on a non-empty queue
 * do not conflict, but two shifts do: consumers that overlap re-run), Effect a TxQueue, the
 * lock-based executor one lock around the queue.
 *
 * Run out of order, a consumer can find the queue empty (its result null), so results and
 * final state depend on the order: not order-free. The invariants hold in any serial order:
 * every item consumed at most once, consumed + still queued = produced, `total` the sum of
 * the consumed items, each consumer's result the item it marked, and FIFO per producer (the
 * consumed items of a producer are the first of its items, the queued ones in push order).
 */
import { jobId } from '../kernels.js';
import type { Op, Results, State, Variant, Workload } from './types.js';

/** Spin iterations per consumed item (about 20 µs). */
const WORK = 6_000;
/** Spin iterations per producer (a quarter of a consumer's). */
const PRODUCE_WORK = 1_500;
/** Items per producer, and consumers per producer. */
const ITEMS = 4;

/** Each item's producer (its `p`) and place `j` among that producer's items, from the produce ops. */
function origins(ops: readonly Op[]): Map<number, readonly [p: number, j: number]> {
  const out = new Map<number, readonly [number, number]>();
  for (const [name, p, k] of ops) if (name === 'produce') for (let j = 0; j < k!; j++) out.set(jobId(p!, k!, j), [p!, j]);
  return out;
}

/** The problem with a pipeline's final state and results (any serial order of `ops` passes), or undefined. */
export function pipelineInvariant(ops: readonly Op[], state: State, results: Results): string | undefined {
  const { jobs, total, done } = state;
  if (!Array.isArray(jobs) || typeof total !== 'number' || !Array.isArray(done))
    return 'no jobs, total and done in the final state';
  const from = origins(ops);
  const queued = new Set<number>();
  const lastQueued = new Map<number, number>();
  for (const x of jobs) {
    const origin = from.get(x);
    if (origin === undefined) return `jobs holds ${x}, which no producer pushed`;
    if (queued.has(x)) return `item ${x} is queued twice`;
    queued.add(x);
    // FIFO: one producer's items stay in the order it pushed them.
    const [p, j] = origin;
    if ((lastQueued.get(p) ?? -1) > j) return `jobs holds item ${x} after a later item of the same producer`;
    lastQueued.set(p, j);
  }
  let sum = 0;
  for (const [x, [p, j]] of from) {
    const marks = done[x - 1];
    if (marks !== 0 && marks !== 1) return `item ${x} was consumed ${marks} times`;
    if (marks === 1 && queued.has(x)) return `item ${x} was consumed and is still queued`;
    if (marks === 0 && !queued.has(x)) return `item ${x} was lost: neither consumed nor queued`;
    // FIFO: one producer's items leave in the order it pushed them, so its consumed items come first.
    if (marks === 1 && j > 0 && done[x - 2] !== 1)
      return `item ${x} was consumed before item ${x - 1}, pushed earlier by producer ${p}`;
    if (marks === 1) sum += x;
  }
  if (from.size !== done.length) return `done has ${done.length} marks for ${from.size} items`;
  if (total !== sum) return `total is ${total}, expected ${sum} (the sum of the consumed items)`;
  const reported = new Set<number>();
  for (let i = 0; i < ops.length; i++) {
    const [name, , k] = ops[i]!;
    const r = results[i];
    if (name === 'produce' && r !== k) return `producer task ${i} reports ${String(r)} items, expected ${k}`;
    if (name !== 'consume' || r === null) continue;
    if (typeof r !== 'number' || done[r - 1] !== 1 || reported.has(r)) return `consumer task ${i} reports item ${String(r)}`;
    reported.add(r);
  }
  const consumed = from.size - queued.size;
  if (reported.size !== consumed) return `consumers report ${reported.size} items, ${consumed} are marked done`;
  return undefined;
}

/** A pipeline variant: `producers` producers of `k` items each, each followed by `k` consumers of `work` spin iterations. */
export function pipelineVariant(
  id: string,
  title: string,
  description: string,
  producers: number,
  k: number,
  work: number,
  produceWork: number,
): Variant {
  const ops: Op[] = [];
  for (let p = 0; p < producers; p++) {
    ops.push(['produce', p, k, produceWork]);
    for (let c = 0; c < k; c++) ops.push(['consume', work]);
  }
  const items = producers * k;
  return {
    id,
    workload: id.split('/')[0]!,
    title,
    description,
    params: { tasks: ops.length, producers, k, work, produceWork },
    state: [
      { name: 'jobs', kind: 'queue', length: items, initial: 0 },
      { name: 'total', kind: 'counter', length: 1, initial: 0 },
      { name: 'done', kind: 'array', length: items, initial: 0 },
    ],
    ops,
    orderFree: false,
    invariants: (state, results) => pipelineInvariant(ops, state, results),
  };
}

export const pipeline: Workload = {
  name: 'pipeline',
  description: `producers push ${ITEMS} items each into one queue, ${ITEMS} consumers per producer shift one and work ~20 µs on it`,
  variants(quick) {
    const producers = quick ? 500 : 1200;
    return [
      pipelineVariant(
        'pipeline/1-to-4',
        'pipeline',
        `${producers * (ITEMS + 1)} tasks: 1 producer of ${ITEMS} items per ${ITEMS} consumers of ~20 µs, over one FIFO queue (issue 12)`,
        producers,
        ITEMS,
        WORK,
        PRODUCE_WORK,
      ),
    ];
  },
};
