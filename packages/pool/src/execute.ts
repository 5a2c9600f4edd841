/**
 * Running one batch in one thread: the claim loop shared by every executor, and the steps
 * a strategy (unordered, ordered, GIL, sequential) composes to run a task. What differs
 * between executors is only *when* a task may commit; that is the strategy's job.
 */
import { isMainThread } from 'node:worker_threads';
import { decodeValue, encodeValue, type Heap, type TxControl, type Value } from '@ame/stm';
import { TaskContextImpl, encodeTask } from './context.js';
import { AsyncTaskError, TaskValueError, serializeError, type SerializedError } from './errors.js';
import type { TaskLoader } from './loader.js';
import type { TaskHistory } from './report.js';
import { CURRENT, FINISHED, STOP, WAKE, type SharedBatch } from './shared-batch.js';
import type { TaskFunction } from './task-ref.js';

/** Per-batch settings every thread of a run shares. */
export interface BatchOptions {
  batch: number;
  ordered: boolean;
  seed: number;
  onError: 'stop' | 'continue';
  maxAttempts: number;
  recordHistory: boolean;
  dropChildren: boolean;
}

/** A claimed task: its index, descriptor, and function (or why it could not be loaded). */
export interface ClaimedTask {
  readonly index: number;
  readonly name: string;
  readonly args: Value[];
  readonly fn: TaskFunction | Error;
}

/** A failed task as data. */
export interface TaskFailure {
  index: number;
  task: string;
  args: Value[];
  attempt: number;
  phase: 'task' | 'afterCommit';
  error: SerializedError;
}

/** What one thread reports at the end of a batch. */
export interface BatchOutput {
  /** [index, encoded result] of the tasks this thread committed. */
  results: [number, Uint8Array][];
  failures: TaskFailure[];
  /** [key, aborted index, winner index or -1, count]. */
  conflicts: [string, number, number, number][];
  /** With recordHistory: the committed tasks' reads and writes. */
  history: TaskHistory[];
}

/** Decides when a claimed task may commit, and runs it to its end. */
export interface Strategy {
  /** Runs `task` until it committed, failed or was abandoned; always calls a finish step. */
  run(task: ClaimedTask): void;
  /** Makes the running task unabortable (ctx.inevitable()); throws a retry signal if it must re-run first. */
  inevitable(ctx: TaskContextImpl): void;
}

/** The outcome of one attempt: an encoded result, or what was thrown. */
export type Attempt = { ok: true; result: Uint8Array } | { ok: false; error: unknown };

/** Everything a strategy works with in its thread. */
export class BatchEnv {
  readonly control: TxControl;
  readonly out: BatchOutput = { results: [], failures: [], conflicts: [], history: [] };
  private readonly conflictCounts = new Map<string, number>();
  ctx!: TaskContextImpl;

  constructor(
    readonly heap: Heap,
    readonly batch: SharedBatch,
    readonly options: BatchOptions,
    /** This thread's owner number in lock words (worker index; the main thread uses MAX_WORKERS - 1). */
    readonly owner: number,
  ) {
    this.control = heap.control();
  }

  /** Runs the task function once inside the already begun transaction. */
  attempt(task: ClaimedTask, attempt: number): Attempt {
    this.ctx.reset(this.options.batch, task.index, attempt);
    try {
      if (task.fn instanceof Error) throw task.fn;
      const value = task.fn(this.ctx, ...(task.args as never[]));
      if (isThenable(value)) {
        // Silence the orphaned promise's rejection; the task has failed either way.
        (value as Promise<unknown>).then(undefined, () => {});
        throw new AsyncTaskError(task.name);
      }
      try {
        return { ok: true, result: encodeValue(value, `${task.name} result`) };
      } catch (error) {
        throw new TaskValueError(task.name, 'result', error);
      }
    } catch (error) {
      return { ok: false, error };
    }
  }

  /**
   * After a successful commit of `task`: append its children (B2), take its place in the
   * commit order, keep its result, run its afterCommit callbacks, count it finished.
   */
  committed(task: ClaimedTask, result: Uint8Array, attempt: number): void {
    const ctx = this.ctx;
    for (const child of ctx.children) this.batch.append(child, this.owner);
    this.batch.recordOutcome(task.index, this.control.serialPoint, false);
    this.out.results.push([task.index, result]);
    if (this.options.recordHistory) {
      const history = this.control.history();
      if (history) this.out.history.push({ index: task.index, task: task.name, ...history });
    }
    for (const callback of ctx.callbacks) {
      try {
        callback();
      } catch (error) {
        this.fail(task, attempt, error, 'afterCommit');
      }
    }
    this.finish();
  }

  /**
   * After a failure that counts (the strategy confirmed the task's reads with
   * readsCurrent(), which sets its serial point): record it, stop the batch if asked,
   * count it finished.
   */
  failed(task: ClaimedTask, attempt: number, error: unknown): void {
    this.batch.recordOutcome(task.index, this.control.serialPoint, true);
    this.fail(task, attempt, error, 'task');
    this.finish();
  }

  /** A task given up because the batch is stopping: counted finished, nothing recorded. */
  abandoned(): void {
    this.finish();
  }

  /** Records an abort caused by `key`, changed by task `winner` (-1 if not a task). */
  conflict(aborted: number, key: string, winner: number): void {
    const id = `${key}\u0000${aborted}\u0000${winner}`;
    this.conflictCounts.set(id, (this.conflictCounts.get(id) ?? 0) + 1);
  }

  /** True once some thread asked the batch to stop. */
  get stopping(): boolean {
    return Atomics.load(this.batch.control, STOP) !== 0;
  }

  /** The output of this thread, with conflicts aggregated. */
  take(): BatchOutput {
    for (const [id, count] of this.conflictCounts) {
      const [key, aborted, winner] = id.split('\u0000') as [string, string, string];
      this.out.conflicts.push([key, Number(aborted), Number(winner), count]);
    }
    return this.out;
  }

  private fail(task: ClaimedTask, attempt: number, error: unknown, phase: 'task' | 'afterCommit'): void {
    this.out.failures.push({ index: task.index, task: task.name, args: task.args, attempt, phase, error: serializeError(error) });
    if (this.options.onError === 'stop') Atomics.store(this.batch.control, STOP, 1);
  }

  private finish(): void {
    Atomics.add(this.batch.control, FINISHED(this.owner), 1);
    this.batch.wake();
  }
}

/**
 * The claim loop: takes task indices until the batch is over (B2) or stopping, loads each
 * task's function, and hands it to the strategy.
 */
export async function runBatch(env: BatchEnv, strategy: Strategy, loader: TaskLoader): Promise<BatchOutput> {
  const { batch } = env;
  env.ctx = new TaskContextImpl(
    env.heap,
    env.options.seed,
    (ctx) => strategy.inevitable(ctx),
    (fn) => loader.refFor(fn),
    (ref, args) => encodeTask(batch.moduleId(ref.module, env.owner), ref, args),
  );
  env.ctx.dropChildren = env.options.dropChildren;
  // Recording is this batch's setting; the thread's own transactions get theirs back after.
  const recording = env.control.recordHistory;
  env.control.recordHistory = env.options.recordHistory;
  try {
    return await claimLoop(env, strategy, loader);
  } finally {
    env.control.recordHistory = recording;
  }
}

async function claimLoop(env: BatchEnv, strategy: Strategy, loader: TaskLoader): Promise<BatchOutput> {
  const { batch } = env;
  const control = batch.control;
  // Unordered runs claim small runs of tasks at once (less contention on NEXT); ordered
  // runs claim one at a time, or a worker would hold consecutive turns and serialise.
  const chunk = env.options.ordered ? 1 : 16;
  // On the main thread (SequentialQueue) yield to the event loop now and then, so that
  // progress timers and other callbacks run during a long batch.
  const yieldEveryMs = isMainThread ? 25 : Infinity;
  let lastYield = performance.now();
  let index = 0;
  let end = 0;
  while (!env.stopping) {
    if (yieldEveryMs !== Infinity && (index & 31) === 0 && performance.now() - lastYield > yieldEveryMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    if (index >= end) {
      const seen = Atomics.load(control, WAKE);
      const first = batch.claim(chunk);
      if (first < 0) {
        if (batch.done()) break;
        batch.waitForChange(seen, 50); // children may still come from running tasks
        continue;
      }
      index = first;
      end = batch.claimEnd;
    }
    Atomics.store(control, CURRENT(env.owner), index);
    const [moduleId, name, args] = decodeValue(batch.descriptor(index)) as [number, string, Value[]];
    const module = batch.moduleUrl(moduleId);
    let fn: TaskFunction | Error | undefined = loader.loaded(module, name); // no await per task
    if (fn === undefined) {
      try {
        fn = await loader.load(module, name);
      } catch (error) {
        fn = error instanceof Error ? error : new Error(String(error));
      }
    }
    strategy.run({ index, name, args, fn });
    Atomics.store(control, CURRENT(env.owner), -1);
    index++;
  }
  // Claimed but not run (the batch is stopping): count them finished so the end is seen.
  if (index < end) Atomics.add(control, FINISHED(env.owner), end - index);
  return env.take();
}

function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
