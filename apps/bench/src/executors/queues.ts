/** The @ame executors: SequentialQueue, GilQueue, TransactionQueue unordered and ordered. */
import { GilQueue, SequentialQueue } from '@ame/gil';
import { Heap, type TArray, type TCounter, type TMap, type TQueue, type TVar } from '@ame/stm';
import { TransactionQueue, taskRef, type QueueOptions, type TaskRef } from '@ame/transaction';
import { mapState, type Op, type OpName, type State, type StateObject, type Variant } from '../workloads/types.js';
import type { CheckKind, Executor, FirstBatchStart, RunOutcome, Session } from './types.js';

const TASKS = new URL('../tasks.js', import.meta.url);
const refs = new Map<OpName, TaskRef>();
const refOf = (name: OpName): TaskRef => refs.get(name) ?? refs.set(name, taskRef(TASKS, name)).get(name)!;
/** Cells reset per transaction when a heap is set back to its initial state. */
const RESET_CHUNK = 4096;
const HEAP_BYTES = 16 << 20;

type Queue = SequentialQueue | GilQueue | TransactionQueue;
type Policy = NonNullable<QueueOptions['policy']>;
type Handle = TArray | TVar<number> | TCounter | TMap<string, number> | TQueue<number>;

/** Creates the variant's objects in `heap`; returns their handles. */
function createObjects(heap: Heap, objects: readonly StateObject[]): Handle[] {
  return objects.map((o) =>
    o.kind === 'array'
      ? heap.tarray(o.name, o.length, 'f64')
      : o.kind === 'tvar'
        ? heap.tvar<number>(o.name, o.initial)
        : o.kind === 'map'
          ? heap.tmap<string, number>(o.name)
          : o.kind === 'queue'
            ? heap.tqueue<number>(o.name)
            : heap.tcounter(o.name, o.initial),
  );
}

/** Sets every object back to its initial value (a few transactions on the main thread). */
function reset(heap: Heap, objects: readonly StateObject[], handles: readonly Handle[]): void {
  objects.forEach((o, k) => {
    const h = handles[k]!;
    if (o.kind === 'array') {
      const a = h as TArray;
      for (let start = 0; start < o.length; start += RESET_CHUNK) {
        heap.atomically(() => {
          for (let i = start; i < Math.min(o.length, start + RESET_CHUNK); i++) a.set(i, o.initial);
        });
      }
    } else if (o.kind === 'map') {
      // Deleting keeps each key's slot (hash-table.ts H1): later runs insert into the grown table.
      const m = h as TMap<string, number>;
      const keys = m.keys();
      for (let start = 0; start < keys.length; start += RESET_CHUNK) {
        heap.atomically(() => {
          for (const key of keys.slice(start, start + RESET_CHUNK)) m.delete(key);
        });
      }
    } else if (o.kind === 'queue') {
      const q = h as TQueue<number>;
      let left = true;
      while (left) {
        left = heap.atomically(() => {
          for (let j = 0; j < RESET_CHUNK; j++) if (q.shift() === undefined) return false;
          return true;
        });
      }
    } else if (o.kind === 'tvar') heap.atomically(() => (h as TVar<number>).set(o.initial));
    else heap.atomically(() => (h as TCounter).add(o.initial - (h as TCounter).get()));
  });
}

/** The variant's objects in the reporting shape, from `heap.snapshot()` (a TMap snapshots as a sorted Map, a TQueue as an array). */
function stateOf(heap: Heap, objects: readonly StateObject[]): State {
  const snapshot = heap.snapshot() as Record<string, unknown>;
  const state: State = {};
  for (const o of objects) {
    const value = snapshot[o.name];
    state[o.name] = o.kind === 'map' ? mapState(value as Map<string, number>) : (value as number | number[]);
  }
  return state;
}

/**
 * The ops as a user adds them: one `addMany` when every op is the same task (what a user
 * with an array of argument tuples writes), else one `add` per op. Built before timing.
 */
type AddPlan =
  | { readonly kind: 'many'; readonly ref: TaskRef; readonly argsList: readonly (readonly number[])[] }
  | { readonly kind: 'each'; readonly calls: readonly (readonly [TaskRef, readonly number[]])[] };

function addPlan(ops: readonly Op[]): AddPlan {
  const name = ops[0]?.[0];
  if (name !== undefined && ops.every((op) => op[0] === name)) {
    return { kind: 'many', ref: refOf(name), argsList: ops.map((op) => op.slice(1) as number[]) };
  }
  return { kind: 'each', calls: ops.map((op) => [refOf(op[0]), op.slice(1) as number[]] as const) };
}

/**
 * Adds `plan` to `queue` and runs it; `ms` counts from `t0` (default: the first add), so a
 * cold first batch can include the queue's creation.
 */
async function addAndRun(
  queue: Queue,
  heap: Heap,
  objects: readonly StateObject[],
  plan: AddPlan,
  check: CheckKind,
  t0?: number,
): Promise<RunOutcome> {
  const a0 = performance.now();
  if (plan.kind === 'many') queue.addMany(plan.ref, plan.argsList);
  else for (const [ref, args] of plan.calls) queue.add(ref, ...args);
  const addMs = performance.now() - a0;
  const report = await queue.run();
  const ms = performance.now() - (t0 ?? a0);
  const snapshot = stateOf(heap, objects);
  return {
    ms,
    addMs,
    commits: report.commits,
    aborts: report.aborts,
    results: report.results,
    state: snapshot,
    ...(check === 'commit-order' ? { commitOrder: report.commitOrder } : {}),
    sharedBytes: heap.stats().bytesUsed,
    errors: report.errors.map((e) => `task ${e.index} (${e.task}): ${e.message}`),
    policy: report.policy,
    inlineTasks: report.inlineTasks,
  };
}

function queueExecutor(
  id: string,
  family: string,
  workers: number,
  about: string,
  check: CheckKind,
  make: (options: QueueOptions) => Queue,
  policy: Policy = 'auto',
): Executor {
  const forced = policy === 'auto' ? '' : `, policy '${policy}'`;
  const label = family === 'SequentialQueue' ? family : `${family} (${workers} worker${workers === 1 ? '' : 's'}${forced})`;
  const options = (heap: Heap): QueueOptions => ({ heap, workers, seed: 1, onError: 'continue', policy });
  return {
    id: policy === 'auto' ? id : `${id}/${policy}`,
    family,
    label,
    workers,
    about,
    check,
    async open(variant: Variant): Promise<Session> {
      const heap = Heap.create({ initialBytes: HEAP_BYTES });
      const handles = createObjects(heap, variant.state);
      const queue = make(options(heap));
      // Steady state starts from warm workers: their start-up (~0.6 s of both cores on 2)
      // outlasted the warm-up runs of short batches, whose measured runs then ran inline
      // beside the starting workers (p2p20-1000 ordered: 0.34x instead of 1.0-1.3x). What
      // a user pays without ready() is the "cold first" column.
      await queue.ready();
      return {
        async run(ops: readonly Op[]): Promise<RunOutcome> {
          reset(heap, variant.state, handles);
          return addAndRun(queue, heap, variant.state, addPlan(ops), check);
        },
        async close() {
          await queue.close();
          heap.detach();
        },
      };
    },
    async firstBatch(variant: Variant, ops: readonly Op[], start: FirstBatchStart): Promise<RunOutcome> {
      const heap = Heap.create({ initialBytes: HEAP_BYTES });
      reset(heap, variant.state, createObjects(heap, variant.state)); // initial values (not timed)
      const plan = addPlan(ops);
      let queue: Queue | undefined;
      try {
        if (start === 'cold') {
          const t0 = performance.now();
          queue = make(options(heap));
          return await addAndRun(queue, heap, variant.state, plan, check, t0);
        }
        queue = make(options(heap));
        await queue.ready();
        if (start === 'warm') {
          queue.add(refOf('noop')); // the warm-up batch: one empty task
          await queue.run();
        }
        return await addAndRun(queue, heap, variant.state, plan, check);
      } finally {
        await queue?.close();
        heap.detach();
      }
    },
  };
}

/**
 * The @ame executors for each worker count in `workerCounts`. With a `policy` other than
 * 'auto' (the default, what users get), the pooled queues only, with that policy forced
 * (ids `tq-unordered-2/parallel`): the dispatch section measures the worker path so.
 */
export function queueExecutors(workerCounts: readonly number[], policy: Policy = 'auto'): Executor[] {
  const list: Executor[] = [];
  if (policy === 'auto') {
    list.push(
      queueExecutor(
        'sequential',
        'SequentialQueue',
        1,
        'SequentialQueue: tasks on the main thread in add order, each a transaction',
        'exact',
        (o) => new SequentialQueue(o),
      ),
    );
  }
  for (const w of workerCounts) {
    list.push(
      queueExecutor(
        `gil-${w}`,
        'GilQueue',
        w,
        'GilQueue: worker threads, one global lock around each task',
        'commit-order',
        (o) => new GilQueue(o),
        policy,
      ),
    );
  }
  for (const w of workerCounts) {
    list.push(
      queueExecutor(
        `tq-unordered-${w}`,
        'TransactionQueue unordered',
        w,
        'TransactionQueue: tasks as transactions on worker threads, commit as they finish',
        'commit-order',
        (o) => new TransactionQueue(o),
        policy,
      ),
    );
  }
  for (const w of workerCounts) {
    list.push(
      queueExecutor(
        `tq-ordered-${w}`,
        'TransactionQueue ordered',
        w,
        'TransactionQueue ordered: parallel execution, commits in add order',
        'exact',
        (o) => new TransactionQueue({ ...o, ordered: true }),
        policy,
      ),
    );
  }
  return list;
}
