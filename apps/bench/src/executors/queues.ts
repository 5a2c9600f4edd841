/** The @ame executors: SequentialQueue, GilQueue, TransactionQueue unordered and ordered. */
import { GilQueue, SequentialQueue } from '@ame/gil';
import { Heap, type TArray, type TCounter, type TVar } from '@ame/stm';
import { TransactionQueue, taskRef, type QueueOptions, type TaskRef } from '@ame/transaction';
import type { Op, OpName, State, StateObject, Variant } from '../workloads/types.js';
import type { CheckKind, Executor, RunOutcome, Session } from './types.js';

const TASKS = new URL('../tasks.js', import.meta.url);
const refs = new Map<OpName, TaskRef>();
const refOf = (name: OpName): TaskRef => refs.get(name) ?? refs.set(name, taskRef(TASKS, name)).get(name)!;
/** Cells reset per transaction when a heap is set back to its initial state. */
const RESET_CHUNK = 4096;

type Queue = SequentialQueue | GilQueue | TransactionQueue;
type Handle = TArray | TVar<number> | TCounter;

/** Creates the variant's objects in `heap`; returns their handles. */
function createObjects(heap: Heap, objects: readonly StateObject[]): Handle[] {
  return objects.map((o) =>
    o.kind === 'array'
      ? heap.tarray(o.name, o.length, 'f64')
      : o.kind === 'tvar'
        ? heap.tvar<number>(o.name, o.initial)
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
    } else if (o.kind === 'tvar') heap.atomically(() => (h as TVar<number>).set(o.initial));
    else heap.atomically(() => (h as TCounter).add(o.initial - (h as TCounter).get()));
  });
}

function queueExecutor(
  id: string,
  family: string,
  workers: number,
  about: string,
  check: CheckKind,
  make: (options: QueueOptions) => Queue,
): Executor {
  const label = family === 'SequentialQueue' ? family : `${family} (${workers} worker${workers === 1 ? '' : 's'})`;
  return {
    id,
    family,
    label,
    workers,
    about,
    check,
    async open(variant: Variant): Promise<Session> {
      const heap = Heap.create({ initialBytes: 16 << 20 });
      const handles = createObjects(heap, variant.state);
      const queue = make({ heap, workers, seed: 1, onError: 'continue' });
      return {
        async run(ops: readonly Op[]): Promise<RunOutcome> {
          reset(heap, variant.state, handles);
          const calls = ops.map((op) => [refOf(op[0]), op.slice(1)] as const);
          const t0 = performance.now();
          for (const [ref, args] of calls) queue.add(ref, ...args);
          const addMs = performance.now() - t0;
          const report = await queue.run();
          const ms = performance.now() - t0;
          const snapshot = heap.snapshot() as State;
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
          };
        },
        async close() {
          await queue.close();
          heap.detach();
        },
      };
    },
  };
}

/** The @ame executors for each worker count in `workerCounts`. */
export function queueExecutors(workerCounts: readonly number[]): Executor[] {
  const list: Executor[] = [
    queueExecutor(
      'sequential',
      'SequentialQueue',
      1,
      'SequentialQueue: tasks on the main thread in add order, each a transaction',
      'exact',
      (o) => new SequentialQueue(o),
    ),
  ];
  for (const w of workerCounts) {
    list.push(
      queueExecutor(
        `gil-${w}`,
        'GilQueue',
        w,
        'GilQueue: worker threads, one global lock around each task',
        'commit-order',
        (o) => new GilQueue(o),
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
      ),
    );
  }
  return list;
}
