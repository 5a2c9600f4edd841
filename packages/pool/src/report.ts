import type { Heap, Value } from '@ame/stm';
import type { TaskError } from './errors.js';

/** Which executor produced a report. */
export type RunMode = 'transaction' | 'gil' | 'sequential';

/** A task as reports name it. */
export interface TaskId {
  readonly index: number;
  readonly task: string;
}

/** How often one task aborted because another one's commit changed a key it read. */
export interface ConflictPair {
  readonly aborted: TaskId;
  /** The task whose commit changed the key; null if it was not a task of this batch. */
  readonly winner: TaskId | null;
  readonly count: number;
}

/** Aborts caused by one key, with the task pairs involved (most frequent first, at most 10). */
export interface ConflictStat {
  /** `name` (tvar, tcounter) or `name[i]` (tarray element). */
  readonly key: string;
  readonly count: number;
  readonly pairs: readonly ConflictPair[];
}

/** Progress of a run, for progress bars. */
export interface RunProgress {
  /** Tasks committed so far. */
  readonly committed: number;
  /** Tasks committed or failed. */
  readonly finished: number;
  /** Tasks known so far (grows as children are added). */
  readonly total: number;
}

/** What a committed task read and wrote (with `recordHistory`): keys with versions. */
export interface TaskHistory {
  readonly index: number;
  readonly task: string;
  /** [key, version read]: version 0 is the value the key had before any commit. */
  readonly reads: readonly (readonly [string, number])[];
  /** [key, version written]: all at the task's commit version. */
  readonly writes: readonly (readonly [string, number])[];
  /** The commit version (0 if the task wrote nothing). */
  readonly version: number;
}

/**
 * What `add()` returns: the task's index in its batch (a number), typed with the task's
 * result so that `report.result(handle)` is typed too.
 */
export type TaskHandle<R = unknown> = number & { readonly __result?: R };

/** How a batch was executed: on the calling thread only, or (also) on the workers. */
export type RunPolicy = 'inline' | 'parallel';

/** What `run()` resolves to. */
export interface RunReport {
  readonly mode: RunMode;
  readonly ordered: boolean;
  readonly workers: number;
  readonly seed: number;
  /** Tasks in the batch, children included. */
  readonly tasks: number;
  readonly commits: number;
  /** Aborted attempts (re-runs after conflicts). */
  readonly aborts: number;
  /** Each task's result by index; undefined for a failed task. */
  readonly results: readonly (Value | undefined)[];
  /** Failed tasks, sorted by index. */
  readonly errors: readonly TaskError[];
  /**
   * Committed task indices in commit order (the heap's serial order): a sequential run
   * in this order gives the same results and final heap.
   */
  readonly commitOrder: readonly number[];
  /** Committed and failed tasks in serial order (a failure sits where its reads were current). */
  readonly serialOrder: readonly number[];
  /** Keys that caused aborts, worst first. */
  readonly conflicts: readonly ConflictStat[];
  readonly durationMs: number;
  /**
   * How the batch ran: 'inline' (all on the calling thread: the tasks were too small to pay
   * for the workers, or the workers lost to the calling thread on tasks of the same size in
   * one of the queue's recent batches, or policy 'inline'), or 'parallel' (workers ran the tasks after the
   * first `inlineTasks`, which the calling thread ran while timing them).
   */
  readonly policy: RunPolicy;
  /** Tasks run on the calling thread. */
  readonly inlineTasks: number;
  /**
   * Workers that died by themselves during the run (process.exit, a fatal error, AME_FAULT)
   * and were replaced; their unfinished tasks ran again (see `maxCrashes`).
   */
  readonly crashes: number;
  /** Workers replaced during the run: the crashes, and workers terminated for `taskTimeoutMs`. */
  readonly restarts: number;
  /**
   * The result of the task added as `handle`, typed by the task's return type; undefined
   * for a failed task.
   *
   * @example
   * const h = queue.add(tasks.transfer, 1, 2, 50); // TaskHandle<boolean>
   * const moved: boolean | undefined = (await queue.run()).result(h);
   */
  result<R>(handle: TaskHandle<R>): R | undefined;
  /** With `recordHistory`: each committed task's reads and writes, by index. */
  readonly history?: readonly (TaskHistory | undefined)[];
  /** With `recordHistory`: every task's call by index, children included. */
  readonly calls?: readonly TaskCall[];
}

/** Options shared by every executor. */
export interface QueueOptions {
  /** The heap tasks run against (`ctx.heap`). */
  heap: Heap;
  /** Worker threads. Default: os.availableParallelism(). Ignored by SequentialQueue. */
  workers?: number;
  /** Commit strictly in index order (results equal SequentialQueue's). Default false. */
  ordered?: boolean;
  /** Seed of `ctx.random()`. Default 0. */
  seed?: number;
  /** On a failed task: 'stop' rejects run() with its TaskError, 'continue' records it. Default 'stop'. */
  onError?: 'stop' | 'continue';
  /** Aborts after which a task re-runs inevitable (cannot abort again). Default 16. */
  maxAttempts?: number;
  /**
   * Record each committed task's reads and writes with versions in `report.history`, and
   * every task's call (children included) in `report.calls`. Default false.
   */
  recordHistory?: boolean;
  /**
   * 'enqueue' (default): `ctx.add` enqueues children. 'drop': it checks and discards them,
   * for replaying a recorded run task by task (its children are replayed explicitly).
   */
  children?: 'enqueue' | 'drop';
  /**
   * Where a batch runs. 'auto' (default): the calling thread times the first tasks and
   * runs the batch itself when tasks are too small to gain from workers (a few µs), else
   * hands the rest to the workers; `report.policy` says which. 'parallel': always on the
   * workers (tests of concurrency, tasks that may crash or hang). 'inline': always on the
   * calling thread. Ignored by SequentialQueue. Forced to 'parallel' when AME_FAULT is set.
   */
  policy?: 'auto' | 'parallel' | 'inline';
  /**
   * A task running longer than this (ms) is stopped: its worker is terminated and replaced,
   * nothing of it is written, and it fails with a TaskError whose `cause` is a
   * TaskTimeoutError (code TASK_TIMEOUT), handled by `onError` like any task error. A task
   * whose snapshot went stale while it ran (other tasks committed) is re-run once first.
   * Forces policy 'parallel' (a task on the calling thread cannot be stopped); ignored by
   * SequentialQueue. Default: no limit. Also a `run()` option, for one run.
   */
  taskTimeoutMs?: number;
  /**
   * A task whose worker dies (process.exit, a fatal error) is re-run on a fresh worker; once
   * its worker died this many times it fails with a TaskError whose `cause` is a
   * WorkerCrashedError, and the run goes on. Default 3. Tasks on the calling thread (policy
   * 'inline' or 'auto' before it hands over, SequentialQueue) are not protected: a
   * process.exit there ends the process.
   */
  maxCrashes?: number;
}

/** A task as it was added: module URL, export name, arguments. */
export interface TaskCall {
  readonly module: string;
  readonly task: string;
  readonly args: readonly Value[];
}

/** Options of `run()`. */
export interface RunOptions {
  /** Called as tasks finish (at most every 50 ms, and once at the end). */
  onProgress?: (progress: RunProgress) => void;
  /** The queue's `taskTimeoutMs` for this run only. */
  taskTimeoutMs?: number;
}
