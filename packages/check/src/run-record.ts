/**
 * One run of a task list by one executor, recorded with everything the checks and a
 * replay file need: every task's call (children included), results, errors, the serial
 * order, the read/write history and the final heap.
 */
import type { Heap, Value } from '@ame/stm';
import {
  type QueueOptions,
  type RunReport,
  serializeError,
  type TaskCall,
  type TaskError,
  type TaskHistory,
  taskRef,
} from '@ame/pool';
import { chaosModule, unwrapChaosCall } from './chaos.js';
import type { CheckableQueue, Executor } from './executors.js';
import { setupHeap, type Call, type Snapshot, type Workload } from './workload.js';

/** A task failure as data: compared by phase, error name and message. */
export interface ErrorRecord {
  readonly index: number;
  readonly task: string;
  readonly phase: 'task' | 'afterCommit';
  readonly name: string;
  readonly message: string;
}

/** What the checks compare: per-task outcomes and the final heap. */
export interface Outcome {
  /** Results by task index (undefined for a failed task). */
  readonly results: readonly (Value | undefined)[];
  /** Failures, sorted by index (a task's own failure before its afterCommit one). */
  readonly errors: readonly ErrorRecord[];
  /** The final heap. */
  readonly snapshot: Snapshot;
  /** Tasks run, children included. */
  readonly taskCount: number;
}

/** A recorded run. Plain data (see replay files). */
export interface RunRecord extends Outcome {
  /** The executor's name (`unordered`, `ordered`, ... or a custom executor's). */
  readonly mode: string;
  readonly ordered: boolean;
  readonly workers: number;
  /** The queue's seed (ctx.random()). */
  readonly seed: number;
  /** The top-level calls, in add order. */
  readonly calls: readonly Call[];
  /** Every task's call by index, children included; undefined where the executor did not say. */
  readonly tasks: readonly (TaskCall | undefined)[];
  /** Committed and failed tasks in serial order. */
  readonly serialOrder: readonly number[];
  /** Committed tasks in commit order. */
  readonly commitOrder: readonly number[];
  /** Each committed task's reads and writes with versions (undefined: not recorded). */
  readonly history: readonly (TaskHistory | undefined)[] | undefined;
  /** The heap's version clock before the run: versions at or below it were written by setup. */
  readonly startVersion: number;
  /** Aborted attempts (conflicts) in the run; undefined in records made before it was recorded. */
  readonly aborts?: number;
  /** Keys whose conflicts caused the aborts, with counts, worst first. */
  readonly conflicts?: readonly { readonly key: string; readonly count: number }[];
  /** `pg`: the run was on PostgreSQL (@ame/pg); absent: on an @ame/stm Heap. */
  readonly backend?: 'pg';
  /** Set if run() itself rejected (a crashed worker, an executor bug). */
  readonly failure?: { readonly name: string; readonly message: string };
}

/** Options of one recorded run. */
export interface RunModeOptions {
  /** The queue's seed. Default 0. */
  seed?: number;
  /** Worker threads. Default 2. */
  workers?: number;
  /** Seeded pauses in the tasks of unordered runs (see chaos.ts). Default false. */
  chaos?: boolean;
}

/**
 * Runs `calls` with `executor` on a fresh heap set up by the workload (history recorded,
 * onError 'continue') and records the run. Never throws for what the tasks do; a rejected
 * run() is recorded as `failure`.
 */
export async function runMode(
  workload: Workload,
  executor: Executor,
  calls: readonly Call[],
  options: RunModeOptions = {},
): Promise<RunRecord> {
  const seed = options.seed ?? 0;
  const workers = options.workers ?? 2;
  const heap = setupHeap(workload);
  try {
    const queue = executor.create(queueOptions(heap, workers, seed));
    try {
      return (await recordRun(workload, executor, queue, heap, calls, { seed, workers, chaos: options.chaos ?? false })).record;
    } finally {
      await queue.close();
    }
  } finally {
    heap.detach();
  }
}

/** The options the checker creates every queue with. */
export function queueOptions(heap: Heap, workers: number, seed: number): QueueOptions {
  return { heap, workers, seed, onError: 'continue', recordHistory: true };
}

/**
 * What recordRun needs of a heap: an @ame/stm Heap, or a PgHeap (no `stats`: its
 * versions are commit sequence numbers; see versionBefore).
 */
export interface RunHeap {
  snapshot(): Snapshot;
  stats?(): { readonly clock: number };
}

/** A recorded run and the report it came from (undefined if run() rejected). */
export interface RecordedRun {
  readonly record: RunRecord;
  readonly report: RunReport | undefined;
}

/**
 * Adds `calls` to `queue` (whose heap is `heap`, in the workload's initial state), runs
 * them as one batch and records the run. With `chaos` (unordered executors only) the
 * top-level calls go through the workload's chaos module; the record names the workload's
 * own module and arguments, as a run without chaos would.
 */
export async function recordRun(
  workload: Workload,
  executor: Executor,
  queue: CheckableQueue,
  heap: RunHeap,
  calls: readonly Call[],
  options: { seed: number; workers: number; chaos: boolean; backend?: 'pg' },
): Promise<RecordedRun> {
  const { seed, workers } = options;
  const clock = heap.stats?.().clock;
  const chaos = options.chaos && !executor.ordered ? chaosModule(workload) : undefined;
  let failure: RunRecord['failure'];
  let report: RunReport | undefined;
  try {
    if (chaos) for (const [name, ...args] of calls) queue.add(taskRef(chaos, name), ...args, seed);
    else for (const [name, ...args] of calls) queue.add(taskRef(workload.url, name), ...args);
    report = await queue.run();
  } catch (error) {
    const { name, message } = serializeError(error);
    failure = { name, message };
  }
  const snapshot = heap.snapshot();
  const startVersion = clock ?? versionBefore(report?.history);
  const base = {
    mode: executor.name,
    ordered: executor.ordered,
    workers,
    seed,
    calls,
    startVersion,
    snapshot,
    ...(options.backend ? { backend: options.backend } : {}),
  };
  if (!report) {
    const record: RunRecord = {
      ...base,
      tasks: [],
      results: [],
      errors: [],
      taskCount: 0,
      serialOrder: [],
      commitOrder: [],
      history: undefined,
      failure: failure!,
    };
    return { record, report };
  }
  const tasks: (TaskCall | undefined)[] =
    report.calls?.map((call) => (call.module === chaos ? unwrapChaosCall(workload, call) : call)) ??
    Array.from({ length: report.tasks }, (_, i) => {
      const call = calls[i];
      return call ? { module: workload.url, task: call[0], args: call.slice(1) as Value[] } : undefined;
    });
  const record: RunRecord = {
    ...base,
    tasks,
    results: report.results,
    errors: report.errors.map(errorRecord),
    taskCount: report.tasks,
    serialOrder: report.serialOrder,
    commitOrder: report.commitOrder,
    history: report.history,
    aborts: report.aborts,
    conflicts: report.conflicts.map(({ key, count }) => ({ key, count })),
  };
  return { record, report };
}

/**
 * The version before the run of a heap without a clock (PgHeap, in a namespace of its own):
 * versions are commit sequence numbers, setup's are below every one of the run, so one
 * less than the run's lowest written version (0 if it wrote nothing or has no history).
 */
function versionBefore(history: readonly (TaskHistory | undefined)[] | undefined): number {
  let lowest = Number.POSITIVE_INFINITY;
  let highestRead = 0;
  for (const h of history ?? []) {
    for (const [, version] of h?.writes ?? []) lowest = Math.min(lowest, version);
    for (const [, version] of h?.reads ?? []) highestRead = Math.max(highestRead, version);
  }
  // Nothing written: every version read is setup's.
  return Number.isFinite(lowest) ? lowest - 1 : highestRead;
}

/** A TaskError as comparable data: its cause's name and message. */
export function errorRecord(error: TaskError): ErrorRecord {
  const { name, message } = serializeError(error.cause);
  return { index: error.index, task: error.task, phase: error.phase, name, message };
}
