/**
 * Running one batch in one thread: the claim loop shared by every executor, and the steps
 * a strategy (unordered, ordered, GIL, sequential) composes to run a task. What differs
 * between executors is only *when* a task may commit; that is the strategy's job.
 *
 * One task's path, each layer entered once:
 *   claim (SharedBatch.claim, chunks) -> load (BatchEnv.load: task id -> function, args
 *   decoded from the record) -> strategy.run(env) -> env.attempt() -> commit ->
 *   env.committed() / env.failed() (outcome and result into the shared per-task arrays,
 *   FINISHED += 1) -> the report reads the arrays.
 * Nothing is allocated per task on this path for numeric/boolean/short-string arguments
 * and primitive results.
 */
import { isMainThread } from 'node:worker_threads';
import type { Heap, TxControl } from '@ame/stm';
import { TaskContextImpl } from './context.js';
import { rebuildError, serializeError, type SerializedError } from './errors.js';
import { Attempt } from './internal/attempt.js';
import { anyArray } from './internal/arrays.js';
import type { TaskLoader } from './loader.js';
import type { TaskHistory } from './report.js';
import { FAILED, MAIN_OWNER, R_ENCODED, R_NUMBER, STOP, type SharedBatch } from './shared-batch.js';
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

/**
 * A copy of `options` built by one object literal: options that arrived by postMessage, or
 * were spread by the warm-up, otherwise have different V8 hidden classes, and the hot
 * path the warm-up optimised would deoptimise on the first real batch.
 */
function sameShape(o: BatchOptions): BatchOptions {
  return {
    batch: o.batch,
    ordered: o.ordered,
    seed: o.seed,
    onError: o.onError,
    maxAttempts: o.maxAttempts,
    recordHistory: o.recordHistory,
    dropChildren: o.dropChildren,
  };
}

/** A failed task as data (its name and arguments are read from the task log by the report). */
export interface TaskFailure {
  index: number;
  attempt: number;
  phase: 'task' | 'afterCommit';
  error: SerializedError;
}

/** What one thread reports at the end of a batch. */
export interface BatchOutput {
  /** [index, encoded result] of committed tasks whose result is not a primitive (the main thread's; workers' are in the result logs). */
  results: [number, Uint8Array][];
  failures: TaskFailure[];
  /** [key, aborted index, winner index or -1, count]. */
  conflicts: [string, number, number, number][];
  /** With recordHistory: the committed tasks' reads and writes. */
  history: TaskHistory[];
  /** Tasks this thread ran. */
  ran: number;
}

/** Decides when the current task may commit, and runs it to its end. */
export interface Strategy {
  /** Runs `env`'s current task until it committed, failed or was abandoned; always calls a finish step. */
  run(env: BatchEnv): void;
  /** Makes the running task unabortable (ctx.inevitable()); throws a retry signal if it must re-run first. */
  inevitable(ctx: TaskContextImpl): void;
  /** Called before the thread waits for work and when it leaves the batch: give up anything held. */
  idle?(): void;
  /**
   * Main thread, once a worker died (its 'exit' event came), before its replacement starts
   * and before its unfinished tasks run again: repair what the dead owner may hold. The
   * strategy releases its own words (LOCK, GATE) and asks the heap to roll an interrupted
   * commit forward or back (`recoverHeapOwner`). Returns what the heap reports.
   */
  recoverOwner?(dead: DeadOwner): HeapRecovery | undefined;
}

/** A worker that died, as the recovery hooks see it. */
export interface DeadOwner {
  /** Its owner number in the batch's words (worker index). */
  readonly owner: number;
  /** Its worker_threads threadId: what the heap's thread slot of that worker records (THREAD). */
  readonly threadId: number;
}

/**
 * The last commit a dead thread made, completed or rolled forward by the recovery (`tag`
 * as given to TxControl.begin, `version` its commit version); undefined if it made none.
 */
export interface HeapRecovery {
  readonly tag: number;
  readonly version: number;
}

/**
 * STM crash recovery for a dead worker (main thread, after its 'exit' event):
 * `heap.recover(threadId)` releases the thread's cell locks, rolls an interrupted commit
 * back or forward (@ame/stm commit.ts, C1-C4) and frees its thread slot. Returns the last
 * commit the thread made, so the caller can tell a task that committed just before its
 * worker died from one that did not.
 */
export function recoverHeapOwner(heap: Heap, dead: DeadOwner): HeapRecovery | undefined {
  let last: HeapRecovery | undefined;
  for (const slot of heap.recover(dead.threadId)) {
    if (slot.lastCommit && (last === undefined || slot.lastCommit.version > last.version)) last = slot.lastCommit;
  }
  return last;
}

/** Everything a strategy works with in its thread, and the task it is running. */
export class BatchEnv {
  readonly control: TxControl;
  readonly out: BatchOutput = { results: [], failures: [], conflicts: [], history: [], ran: 0 };
  private readonly conflictCounts = new Map<string, number>();
  ctx!: TaskContextImpl;

  /** The running task: index, function (or why it could not be loaded), arguments. */
  index = -1;
  fn: TaskFunction | Error = noTask;
  readonly args: unknown[] = anyArray();
  private taskId = -1;
  /** The last attempt's outcome: a result kind and its number or encoding, or the error thrown. */
  private readonly result = new Attempt();
  error: unknown;

  readonly options: BatchOptions;

  constructor(
    readonly heap: Heap,
    readonly batch: SharedBatch,
    options: BatchOptions,
    /** This thread's owner number in lock words (worker index; the main thread uses MAIN_OWNER). */
    readonly owner: number,
  ) {
    this.control = heap.control();
    this.options = sameShape(options);
  }

  /** The running task's export name. */
  get name(): string {
    return this.batch.taskName(this.taskId).name;
  }

  /**
   * Runs the task function once inside the already begun transaction. True: the result is
   * kept for committed(). False: `error` holds what was thrown.
   */
  attempt(attempt: number): boolean {
    const ctx = this.ctx;
    ctx.reset(this.options.batch, this.index, attempt);
    if (this.result.run(this.fn, ctx, this.args, this)) return true;
    this.error = this.result.error;
    return false;
  }

  /**
   * After a successful commit of the current task: append its children (B2), log its
   * outcome and result, run its afterCommit callbacks, count it finished.
   */
  committed(attempt: number): void {
    const { ctx, batch, index } = this;
    for (const child of ctx.children) batch.append(child.taskId, child.args, this.owner);
    const result = this.result;
    const kind = result.kind;
    if (kind === R_NUMBER) {
      batch.cover(index);
      batch.nums[index] = result.num;
    } else if (kind === R_ENCODED) {
      // L2: in shared memory before the outcome, so a worker's death does not lose it.
      if (batch.resultLogs.has(this.owner)) batch.resultLogs.append(this.owner, index, result.bytes!);
      else this.out.results.push([index, result.bytes!]);
      result.bytes = undefined;
    }
    batch.recordOutcome(index, kind, this.control.serialPoint);
    if (this.options.recordHistory) {
      const history = this.control.history();
      if (history) this.out.history.push({ index, task: this.name, ...history });
    }
    const callbacks = ctx.callbacks;
    for (let k = 0; k < callbacks.length; k++) {
      try {
        callbacks[k]!();
      } catch (error) {
        this.fail(attempt, error, 'afterCommit');
      }
    }
    batch.finish(this.owner);
  }

  /**
   * After a failure that counts (the strategy confirmed the task's reads with
   * readsCurrent(), which sets its serial point): record it, stop the batch if asked,
   * count it finished.
   */
  failed(attempt: number, error: unknown): void {
    this.batch.recordOutcome(this.index, FAILED, this.control.serialPoint);
    this.fail(attempt, error, 'task');
    this.batch.finish(this.owner);
  }

  /** A task given up because the batch is stopping: counted finished, nothing recorded. */
  abandoned(): void {
    this.batch.finish(this.owner);
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

  /**
   * Makes task `index` the current one: its arguments and, if its module is loaded in
   * this thread, its function (true). False: call loadModule() first (no await per task).
   */
  select(index: number, loader: TaskLoader): boolean {
    this.index = index;
    const taskId = this.batch.taskId(index);
    this.taskId = taskId;
    this.batch.args(index, this.args);
    const fn = loader.byId(taskId);
    if (fn === undefined) return false;
    this.fn = fn;
    return true;
  }

  /** Imports the current task's module (once per thread) and resolves its function, or the error. */
  async loadModule(loader: TaskLoader): Promise<void> {
    const { module, name } = this.batch.taskName(this.taskId);
    try {
      this.fn = await loader.load(module, name, this.taskId);
    } catch (error) {
      this.fn = error instanceof Error ? error : new Error(String(error));
    }
  }

  /** The output of this thread, with conflicts aggregated. */
  take(): BatchOutput {
    for (const [id, count] of this.conflictCounts) {
      const [key, aborted, winner] = id.split('\u0000') as [string, string, string];
      this.out.conflicts.push([key, Number(aborted), Number(winner), count]);
    }
    return this.out;
  }

  private fail(attempt: number, error: unknown, phase: 'task' | 'afterCommit'): void {
    this.out.failures.push({ index: this.index, attempt, phase, error: serializeError(error) });
    if (this.options.onError === 'stop') Atomics.store(this.batch.control, STOP, 1);
  }
}

const noTask = new Error('no task loaded');

/** When the claim loop of one thread should leave a batch that is not over (the inline policy). */
export type LeaveCheck = (ran: number) => boolean;

/**
 * What a dead worker's replacement takes over (B6): its unfinished claim [from, end), and
 * the tasks of it that must fail instead of running again (crashed maxCrashes times, or
 * timed out), with their errors.
 */
export interface Resume {
  from: number;
  end: number;
  fail: [index: number, error: SerializedError][];
}

/**
 * The claim loop: takes task indices until the batch is over (B2), stopping, or `leave`
 * says so; loads each task and hands it to the strategy. A replacement worker first runs
 * the claim it took over (`resume`).
 */
export async function runBatch(
  env: BatchEnv,
  strategy: Strategy,
  loader: TaskLoader,
  leave?: LeaveCheck,
  resume?: Resume,
): Promise<BatchOutput> {
  const { batch } = env;
  env.ctx = new TaskContextImpl(
    env.heap,
    env.options.seed,
    (ctx) => strategy.inevitable(ctx),
    (fn) => loader.refFor(fn),
    (ref) => batch.taskIdOf(ref, env.owner),
  );
  env.ctx.dropChildren = env.options.dropChildren;
  // Recording is this batch's setting; the thread's own transactions get theirs back after.
  const recording = env.control.recordHistory;
  env.control.recordHistory = env.options.recordHistory;
  try {
    return await new ClaimRun(env, strategy, loader, leave, resume).loop();
  } finally {
    env.control.recordHistory = recording;
  }
}

/** Tasks a thread claims at once (see ClaimRun). */
const CHUNK = 16;
/** A claim that took less (ms) holds small tasks: the next claim of a thread that may leave takes CHUNK. */
const SMALL_CLAIM_MS = 0.05;

/** Why ClaimRun.drain() returned. */
const DRAINED = 0; // the batch is over or stopping, or `leave` said so
const LOAD = 1; // the selected task's module is not imported in this thread yet
const YIELD = 2; // the main thread lets the event loop run
const WAIT = 3; // nothing to claim, the batch not over: tasks still running may add children
const CLAIM = 4; // a thread that may leave (`leave`) is about to claim: ask it first

/**
 * One thread's claim loop over one batch: a synchronous loop (drain) that returns for what
 * needs an await (a module to import, a turn of the event loop on the main thread) and for
 * what a one-thread warm-up never does (wait for other threads' tasks at the end of a
 * batch, ask `leave`). Inside the loop, those paths had no type feedback when V8 compiled
 * it, so the first batch on 2 workers that took them deoptimised it, and each compile of
 * the loop (the whole task path inlined) took 20-35 ms of a background thread in a
 * worker's third to tenth batch, a core taken from the workers (2 cores, bank batches of
 * ~36 ms took 45-60 ms). A synchronous loop is also compiled while it runs (on-stack
 * replacement), an async one only between calls.
 */
class ClaimRun {
  // Runs of CHUNK tasks are claimed at once (less contention on NEXT, fewer claims), except:
  // - workers of an ordered run claim one at a time, or a worker would hold consecutive
  //   turns while the others wait (the calling thread runs its tasks while no worker runs
  //   any: the inline policy, the sample before the workers start, the rest after a recall);
  // - a thread that may leave the batch (`leave`: the auto policy's inline sample) claims
  //   one task at a time while its claims take longer than SMALL_CLAIM_MS, so that it can
  //   hand big tasks to the workers after any of them, not after a run of 16.
  private readonly adapt: boolean;
  /** `leave` is set: drain returns CLAIM before each claim, so that loop() asks it (drain never calls it). */
  private readonly mayLeave: boolean;
  private asked = false;
  private chunk: number;
  private claimedAt = -1; // adapt: when this thread took its last claim
  // On the main thread yield to the event loop now and then, so that progress timers and
  // other callbacks run during a long batch.
  private readonly yieldEveryMs = isMainThread ? 25 : Infinity;
  private lastYield = performance.now();
  private claims = 0;
  /** The claim being run: [index, end). */
  private index: number;
  private end: number;
  ran = 0;
  /** Tasks of the taken-over claim that fail instead of running (their error is thrown by the attempt). */
  private readonly doomed: Map<number, Error> | undefined;
  private readonly isDone: () => boolean;

  constructor(
    private readonly env: BatchEnv,
    private readonly strategy: Strategy,
    private readonly loader: TaskLoader,
    private readonly leave: LeaveCheck | undefined,
    resume: Resume | undefined,
  ) {
    const oneByOne = env.options.ordered && env.owner !== MAIN_OWNER;
    this.mayLeave = leave !== undefined;
    this.adapt = this.mayLeave && !oneByOne;
    this.chunk = oneByOne || this.adapt ? 1 : CHUNK;
    this.index = resume?.from ?? 0;
    this.end = resume?.end ?? 0;
    this.doomed = resume && resume.fail.length > 0 ? new Map(resume.fail.map(([i, e]) => [i, rebuildError(e)])) : undefined;
    const batch = env.batch;
    this.isDone = () => batch.claimable() || batch.done() || Atomics.load(batch.control, STOP) !== 0;
  }

  /**
   * The whole claim loop: drain(), and between its returns what needs an await or is left
   * out of it (a module import, a turn of the event loop, waiting for more, asking `leave`).
   * Returns this thread's output.
   */
  async loop(): Promise<BatchOutput> {
    const { env, strategy, loader } = this;
    for (;;) {
      const why = this.drain();
      if (why === CLAIM) {
        if (this.leave!(this.ran)) break;
      } else if (why === WAIT) this.waitForMore();
      else if (why === LOAD) {
        await env.loadModule(loader);
        this.runSelected();
      } else if (why === YIELD) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.yielded();
      } else break;
    }
    strategy.idle?.();
    this.close();
    env.out.ran = this.ran;
    return env.take();
  }

  /**
   * Claims and runs tasks until the batch is over (B2), stopping, or `leave` says so, or
   * the thread must wait or await. Only what every batch does is in here, so that a
   * warm-up gives all of it type feedback: waiting for other threads' tasks (never in a
   * one-thread warm-up) is the caller's (a path first taken in the user's batch
   * deoptimised this loop and cost a second compile).
   */
  drain(): number {
    const { env, loader } = this;
    const batch = env.batch;
    while (!env.stopping) {
      if (this.index >= this.end) {
        if (this.mayLeave && !this.asked) {
          this.asked = true;
          return CLAIM;
        }
        this.asked = false;
        if (this.adapt) {
          const now = performance.now();
          if (this.claimedAt >= 0) this.chunk = now - this.claimedAt < SMALL_CLAIM_MS ? CHUNK : 1;
          this.claimedAt = now;
        }
        if (
          this.yieldEveryMs !== Infinity &&
          (++this.claims & 7) === 0 &&
          performance.now() - this.lastYield > this.yieldEveryMs
        ) {
          return YIELD;
        }
        const first = batch.claim(this.chunk, env.owner);
        if (first < 0) return batch.done() ? DRAINED : WAIT;
        this.index = first;
        this.end = batch.claimEnd;
      }
      if (!env.select(this.index, loader)) return LOAD;
      this.runSelected();
    }
    return DRAINED;
  }

  /** Runs the task select() made current (a taken-over claim's doomed task fails instead). */
  private runSelected(): void {
    const { env, doomed } = this;
    if (doomed !== undefined) env.fn = doomed.get(this.index) ?? env.fn;
    this.strategy.run(env);
    this.ran++;
    this.index++;
  }

  /** After WAIT: gives up what the strategy holds and waits until a task is claimable or the batch is over. */
  private waitForMore(): void {
    this.strategy.idle?.();
    this.env.batch.waitUntil(this.isDone, 50);
  }

  /** After YIELD: the event loop has run. */
  private yielded(): void {
    this.lastYield = performance.now();
  }

  /** Claimed but not run (the batch is stopping): counted finished so that the end is seen. */
  private close(): void {
    if (this.index < this.end) this.env.batch.finish(this.env.owner, this.end - this.index);
  }
}
