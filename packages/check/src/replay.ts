/**
 * The serial replay: runs recorded tasks one at a time on the main thread, in a given
 * order, each with the index, ctx.random() stream and arguments it had in the recorded
 * run, on a fresh heap from the workload's setup. This is "sequential execution in the
 * run's serial order": what an unordered run must equal.
 *
 * SequentialQueue cannot do this by itself: it numbers tasks by add order, and a task's
 * index seeds its random() stream. Children are not enqueued by the replay (their
 * parents' ctx.add calls are collected instead); they run from their own recorded call
 * at their own place in the order.
 */
import type { Heap, Value } from '@ame/stm';
import { serializeError, type TaskCall, type TaskRef } from '@ame/pool';
import { Attempt, TaskContextImpl } from '@ame/pool/internal';
import { ReplayLoader } from './internal/task-loader.js';
import type { ErrorRecord, Outcome } from './run-record.js';
import { setupHeap, type Workload } from './workload.js';

/** What a serial replay produced. */
export interface ReplayOutcome extends Outcome {
  /** The indices replayed, in order (a prefix of the order if a task's call was unknown). */
  readonly replayed: readonly number[];
  /** Children the committed tasks added, in replay order. */
  readonly children: readonly TaskCall[];
}

/** Options of replaySerial. */
export interface ReplayOptions {
  /** Top-level tasks among `tasks` (the rest are children). Default: all. */
  topLevel?: number;
  /** Called after each task, with its index and the heap (to take snapshots). */
  afterTask?: (index: number, heap: Heap) => void;
}

/**
 * Replays `tasks[i]` for each `i` of `order` (batch 1, attempt 0, queue seed `seed`).
 * Stops before the first index whose call is unknown. `taskCount` is the number of tasks
 * a run of the same calls has: `topLevel` plus the children the replayed commits added.
 */
export async function replaySerial(
  workload: Workload,
  tasks: readonly (TaskCall | undefined)[],
  order: readonly number[],
  seed: number,
  options: ReplayOptions = {},
): Promise<ReplayOutcome> {
  const topLevel = options.topLevel ?? tasks.length;
  const heap = setupHeap(workload);
  const loader = new ReplayLoader();
  // Children are collected from ctx.children (their ids index `childRefs`), not enqueued.
  const childRefs: TaskRef[] = [];
  const ctx = new TaskContextImpl(
    heap,
    seed,
    () => {}, // alone on this thread: already inevitable
    (fn) => loader.refFor(fn),
    (ref) => childRefs.push(ref) - 1,
  );
  const attempt = new Attempt();
  const results = new Array<Value | undefined>(tasks.length).fill(undefined);
  const errors: ErrorRecord[] = [];
  const replayed: number[] = [];
  const children: TaskCall[] = [];
  try {
    for (const index of order) {
      const call = tasks[index];
      if (call === undefined) break;
      replayed.push(index);
      const fn = await loader.load(call.module, call.task);
      ctx.reset(1, index, 0);
      try {
        // The executors' own attempt (the same call, result encoding and errors).
        heap.atomically(() => {
          if (!attempt.run(fn, ctx, call.args, { name: call.task })) throw attempt.error;
        });
        results[index] = attempt.value();
        for (const child of ctx.children) {
          const ref = childRefs[child.taskId]!;
          children.push({ module: ref.module, task: ref.name, args: child.args as Value[] });
        }
        for (const callback of ctx.callbacks) {
          try {
            callback();
          } catch (error) {
            errors.push(record(index, call.task, 'afterCommit', error));
          }
        }
      } catch (error) {
        errors.push(record(index, call.task, 'task', error));
      }
      options.afterTask?.(index, heap);
    }
    errors.sort((a, b) => a.index - b.index || (a.phase === 'task' ? -1 : 1));
    return { results, errors, snapshot: heap.snapshot(), taskCount: topLevel + children.length, replayed, children };
  } finally {
    heap.detach();
  }
}

function record(index: number, task: string, phase: 'task' | 'afterCommit', error: unknown): ErrorRecord {
  const { name, message } = serializeError(error);
  return { index, task, phase, name, message };
}
