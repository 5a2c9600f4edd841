import { AmeError } from '@ame/stm';
import { copyArgs } from './context.js';
import { InvalidTaskError, QueueClosedError, RunInProgressError } from './errors.js';
import {
  BatchEnv,
  type BatchOptions,
  type BatchOutput,
  type DeadOwner,
  type HeapRecovery,
  recoverHeapOwner,
  runBatch,
  type Strategy,
} from './execute.js';
import { TaskLoader } from './loader.js';
import { cpuMs } from './internal/cpu.js';
import { MEASURE_MS, PolicyMemory, RECALL_WINDOW_MS, RecallWatch } from './internal/recall.js';
import { settled, warmUpOnce } from './internal/warm-up.js';
import { buildReport } from './report-builder.js';
import { checkRunOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { QueueOptions, RunMode, RunOptions, RunPolicy, RunReport, TaskHandle } from './report.js';
import { MAIN_OWNER, RECALL, SharedBatch, SLOTS, STOP } from './shared-batch.js';
import { checkTaskRef, type TaskRef } from './task-ref.js';
import type { PoolRun, RunLimits } from './supervisor.js';
import { WorkerPool } from './worker-pool.js';

const PROGRESS_EVERY_MS = 50;
/** Tasks in a batch from which add() asks other threads to import its task modules (moduleAhead). */
const LOAD_AHEAD_AFTER = 32;

/** How one batch was executed: by which threads, and how many tasks ran on the calling thread. */
export interface Execution {
  outputs: BatchOutput[];
  policy: RunPolicy;
  inlineTasks: number;
  /** Workers that died during the run, and workers replaced (crashes and timeouts). */
  crashes: number;
  restarts: number;
}

/** What one run executes with: the batch's shared settings and the pool's limits. */
export interface RunSettings extends BatchOptions {
  taskTimeoutMs: number;
  maxCrashes: number;
}

/**
 * What every executor's queue shares: add(), batches in shared memory, the report, errors
 * and closing. Subclasses decide how a batch executes (`execute`).
 */
export abstract class BaseQueue {
  protected readonly options: ResolvedOptions;
  protected readonly batch = SharedBatch.create();
  /** Tasks added while a run was in progress: they go into the next batch. */
  private later: [TaskRef, unknown[]][] = [];
  private batchNumber = 0;
  private running = false;
  private closed = false;

  protected abstract readonly mode: RunMode;

  constructor(options: QueueOptions, defaults: { workers?: number } = {}) {
    this.options = resolveOptions(options, defaults);
    this.batch.setWorkers(this.options.workers);
    this.batch.reset(0);
  }

  /**
   * Adds a task to the next batch and returns its handle: its index in that batch, typed
   * with the task's result (`report.result(handle)`). The arguments are copied now into
   * shared memory: a value that is not a `Value` throws InvalidTaskError naming it, and
   * nothing is added.
   */
  add<A extends readonly unknown[], R>(task: TaskRef<A, R>, ...args: A): TaskHandle<R> {
    if (this.closed) throw new QueueClosedError();
    const ref = checkTaskRef(task);
    if (this.running) {
      this.later.push([ref, copyArgs(ref.name, args)]);
      return (this.batch.staged + this.later.length - 1) as TaskHandle<R>;
    }
    return this.stage(ref, args) as TaskHandle<R>;
  }

  /**
   * Adds one task per entry of `argsList` (each an argument tuple), all or nothing: if one
   * entry is not valid, InvalidTaskError names it and none of them is added. Returns the
   * handle of the first; the others follow it consecutively.
   *
   * @example
   * const first = queue.addMany(tasks.transfer, pairs.map(([from, to]) => [from, to, 5]));
   */
  addMany<A extends readonly unknown[], R>(task: TaskRef<A, R>, argsList: readonly A[]): TaskHandle<R> {
    if (this.closed) throw new QueueClosedError();
    const ref = checkTaskRef(task);
    if (!Array.isArray(argsList)) throw new InvalidTaskError(`addMany(${ref.name}) needs an array of argument tuples`);
    for (let k = 0; k < argsList.length; k++) {
      if (!Array.isArray(argsList[k])) {
        throw new InvalidTaskError(`addMany(${ref.name}): entry ${k} must be an array of arguments, got ${typeof argsList[k]}`);
      }
    }
    if (this.running) {
      const first = this.batch.staged + this.later.length;
      const copies = argsList.map((args, k) => [ref, copyArgs(`${ref.name} (entry ${k})`, args)] as [TaskRef, unknown[]]);
      this.later.push(...copies);
      return first as TaskHandle<R>;
    }
    const batch = this.batch;
    const count = batch.staged;
    const slots = Atomics.load(batch.control, SLOTS);
    const first = count;
    let k = 0;
    try {
      for (; k < argsList.length; k++) this.stage(ref, argsList[k]!, k);
    } catch (error) {
      batch.truncateStaged(count, slots); // all or nothing
      throw error;
    }
    return first as TaskHandle<R>;
  }

  private lastModule = '';
  private readonly modules = new Set<string>();
  /** Modules added whose import moduleAhead() has not been asked for yet. */
  private readonly ahead: string[] = [];

  /** A task module seen for the first time by add(): executors may load it ahead of the run. */
  protected moduleAdded(_module: string): void {}

  /**
   * A task module seen by add(), once the batch holds LOAD_AHEAD_AFTER tasks: executors with
   * other threads may have them load it now. Not at the first task: waking idle threads
   * costs a batch of a few tasks more than their import saves (on 2 cores, one empty task on
   * a new queue whose workers were idle took 1-4 ms with the wake, 0.5-1 ms without).
   */
  protected moduleAhead(_module: string): void {}

  /** Writes one task into the next batch (not yet published); returns its index. */
  private stage(ref: TaskRef, args: ArrayLike<unknown>, entry?: number): number {
    const batch = this.batch;
    if (ref.module !== this.lastModule) {
      this.lastModule = ref.module;
      if (!this.modules.has(ref.module)) {
        this.modules.add(ref.module);
        this.moduleAdded(ref.module);
        this.ahead.push(ref.module);
      }
    }
    try {
      const index = batch.append(batch.taskIdOf(ref, MAIN_OWNER), args, MAIN_OWNER, false);
      if (this.ahead.length !== 0 && index + 1 >= LOAD_AHEAD_AFTER) {
        for (const module of this.ahead) this.moduleAhead(module);
        this.ahead.length = 0;
      }
      return index;
    } catch (error) {
      // Not a Value (TypeError), or reading it threw (a getter, a proxy trap): the user's input.
      if (!(error instanceof AmeError) || error instanceof TypeError) {
        const where = entry === undefined ? '' : ` (entry ${entry})`;
        const problem = error instanceof Error ? error.message : String(error);
        throw new InvalidTaskError(`the arguments of task ${ref.name}${where} must be Values: ${problem}`, error);
      }
      throw error;
    }
  }

  /** Runs every task added since the last run (and their children); resolves to the report. */
  async run(options: RunOptions = {}): Promise<RunReport> {
    if (this.closed) throw new QueueClosedError();
    if (this.running) throw new RunInProgressError('run()');
    const taskTimeoutMs = checkRunOptions(options) ?? this.options.taskTimeoutMs;
    this.running = true;
    const batchNumber = ++this.batchNumber;
    const batch = this.batch;
    Atomics.store(batch.control, 0, batchNumber);
    batch.publishStaged();
    const started = performance.now();
    const progress = watchProgress(batch, options);
    let execution: Execution;
    let report: RunReport;
    try {
      execution = await this.execute({
        batch: batchNumber,
        ordered: this.options.ordered,
        seed: this.options.seed,
        onError: this.options.onError,
        maxAttempts: this.options.maxAttempts,
        recordHistory: this.options.recordHistory,
        dropChildren: this.options.children === 'drop',
        taskTimeoutMs,
        maxCrashes: this.options.maxCrashes,
      });
      progress();
      report = buildReport(batch, execution, {
        mode: this.mode,
        ordered: this.mode === 'sequential' ? true : this.options.ordered,
        workers: this.mode === 'sequential' ? 1 : this.options.workers,
        seed: this.options.seed,
        recordHistory: this.options.recordHistory,
        durationMs: performance.now() - started,
      });
    } finally {
      progress();
      batch.reset(batchNumber);
      this.running = false;
      const later = this.later;
      this.later = [];
      for (const [ref, args] of later) this.stage(ref, args);
    }
    // Any counted failure stopped the batch (an afterCommit failure too): report it.
    const first = report.errors[0];
    if (this.options.onError === 'stop' && first) {
      Object.defineProperty(first, 'report', { value: report, enumerable: false });
      throw first;
    }
    return report;
  }

  /** Stops the workers. The queue cannot run again. Never hangs: a worker that does not exit is terminated. */
  async close(): Promise<void> {
    this.closed = true;
    await this.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Executes the published batch; resolves with every thread's output. */
  protected abstract execute(settings: RunSettings): Promise<Execution>;

  protected abstract shutdown(): Promise<void>;
}

function watchProgress(batch: SharedBatch, options: RunOptions): () => void {
  const onProgress = options.onProgress;
  if (!onProgress) return () => {};
  const tick = (): void => onProgress(batch.progress());
  const timer = setInterval(tick, PROGRESS_EVERY_MS);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    tick();
  };
}

/**
 * The adaptive policy (`policy: 'auto'`): the calling thread runs the batch's first tasks
 * itself, timing them. Tasks too small to pay for a round trip to the workers (mean under
 * PARALLEL_MIN_TASK_US, or too little work left) finish inline, as SequentialQueue would
 * run them, with the executor's own commit rules; bigger ones go to the workers, which
 * claim the rest. Re-decided every SAMPLE_MS, so a batch whose tasks grow goes parallel.
 * While the workers are still starting the calling thread does not wait for them; await
 * `queue.ready()` to start a batch with warm workers. Once on the workers, a batch whose
 * tasks abort more than the workers gain comes back to the calling thread (RECALL). The
 * queue remembers a batch the workers lost (PolicyMemory): its next batches of tasks of the
 * same size stay on the calling thread, with the workers tried again now and then.
 */
const SAMPLE_MS = 1;
/** Consecutive windows that must find the tasks big enough. */
const CONFIRMATIONS = 3;
/** Mean task time (µs, measured inline) from which workers pay off. */
const PARALLEL_MIN_TASK_US = 4;
/** Work left (ms, estimated) below which waking the workers is not worth it. */
const PARALLEL_MIN_WORK_MS = 0.3;

/** A queue whose batches run on a pool of worker threads with the strategy module `strategy`. */
export abstract class PooledQueue extends BaseQueue {
  private readonly pool: WorkerPool;
  private readonly loader = new TaskLoader();
  /** Whether the workers lost to the calling thread in recent batches (policy 'auto'). */
  private readonly memory = new PolicyMemory();
  /** The strategy for the calling thread, imported when the queue is created. */
  private readonly mainStrategy: Promise<(env: BatchEnv) => Strategy>;

  /**
   * @param strategyUrl the strategy module every worker (and this thread) loads
   * @param sharedWarmUp the workers starting together may warm up on one shared heap: true
   *   only for a strategy whose commits are versioned and validated (see WorkerPool)
   */
  protected constructor(options: QueueOptions, strategyUrl: URL, sharedWarmUp: boolean) {
    super(options);
    this.pool = new WorkerPool(this.options.workers, this.options.heap.handle, this.batch, strategyUrl.href, sharedWarmUp);
    this.pool.recover = (dead) => this.recoverOwner(dead);
    this.pool.warm(); // workers start (and warm up) now, not at the first run
    this.mainStrategy = import(strategyUrl.href)
      .then((m: { createStrategy(env: BatchEnv): Strategy }) => m.createStrategy)
      .then(async (create) => {
        await warmUpOnce(create);
        return create;
      });
    this.mainStrategy.catch(() => {}); // surfaces at the first run
  }

  protected async execute(settings: RunSettings): Promise<Execution> {
    const { taskTimeoutMs, maxCrashes, ...options } = settings;
    const createStrategy = await this.mainStrategy;
    this.recovery = { options, create: createStrategy };
    const limits: RunLimits = { taskTimeoutMs, maxCrashes, clock: () => this.options.heap.stats().clock };
    // A task on the calling thread can be neither stopped nor survived: limits need the workers.
    const policy = taskTimeoutMs !== Infinity ? 'parallel' : this.options.policy;
    if (policy === 'parallel') return { ...(await this.pool.run(options, limits)), policy: 'parallel', inlineTasks: 0 };
    const env = new BatchEnv(this.options.heap, this.batch, options, MAIN_OWNER);
    const control = this.batch.control;
    let leftInline = false;
    let held = false;
    // Timing starts after the first task (it may import modules). CONFIRMATIONS windows in
    // a row must find the tasks big enough: code that V8 has not optimised yet in the first
    // milliseconds does not count. A window's time is the lesser of wall-clock and this
    // process's CPU time, so a window in which the OS preempted this thread (a loaded
    // machine) does not make tiny tasks look big.
    let wall0 = 0;
    let cpu0 = 0;
    let ran0 = 0;
    let big = 0;
    let meanInlineMs = 0;
    // The whole sample's time per task (wall-clock), steadier than one window's: PolicyMemory's measure.
    let sampleWall = 0;
    let sampleRan = 0;
    let sampledMs = 0;
    // PolicyMemory M3: when this thread started measuring itself, and the tasks it had run then.
    let measureFrom = 0;
    let measureRan = 0;
    // Workers still starting (their warm-up competes for the cores): keep going inline.
    const leave = (ran: number): boolean => {
      if (policy === 'inline' || ran === 0) return false;
      if (ran0 === 0 || !this.pool.started) {
        wall0 = sampleWall = performance.now();
        cpu0 = cpuMs();
        ran0 = sampleRan = ran;
        return false;
      }
      const now = performance.now();
      if (now - wall0 < SAMPLE_MS) return false;
      const cpu = cpuMs();
      const meanMs = Math.min(now - wall0, cpu - cpu0) / (ran - ran0);
      meanInlineMs = meanMs;
      wall0 = now;
      cpu0 = cpu;
      ran0 = ran;
      big = meanMs * 1000 >= PARALLEL_MIN_TASK_US && this.batch.unclaimed() * meanMs >= PARALLEL_MIN_WORK_MS ? big + 1 : 0;
      // PolicyMemory M5: tasks of a size the workers have run need one window, not CONFIRMATIONS.
      if (big < (this.memory.knows(meanMs) ? 1 : CONFIRMATIONS)) return false;
      sampledMs = (now - sampleWall) / (ran - sampleRan);
      if (this.memory.keepInline(sampledMs)) {
        held = true; // kept here: the workers lost on tasks of this size lately (M4), or M3
        if (!this.memory.measuring) return false;
        // PolicyMemory M3: this thread measures itself for MEASURE_MS, then asks again.
        if (measureFrom === 0) {
          measureFrom = now;
          measureRan = ran;
          return false;
        }
        if (now - measureFrom < MEASURE_MS) return false;
        this.memory.inlineMeasured(ran - measureRan, now - measureFrom);
        if (this.memory.keepInline(sampledMs)) return false; // faster here: it finishes the batch
        held = false; // the workers win: they take the rest
      }
      leftInline = true;
      return true;
    };
    const start = performance.now();
    const main = await runBatch(env, createStrategy(env), this.loader, leave);
    if (!leftInline) {
      if (held) this.memory.inlineRan(main.ran, performance.now() - start);
      return { outputs: [main], policy: 'inline', inlineTasks: main.ran, crashes: 0, restarts: 0 };
    }
    const outputs = [main];
    let inlineTasks = main.ran;
    const finished0 = this.batch.finished();
    const t0 = performance.now();
    const pool = await this.runWorkers(options, limits, outputs, meanInlineMs);
    const recalled = Atomics.load(control, RECALL) !== 0;
    this.memory.workersRan(sampledMs, this.batch.finished() - finished0, performance.now() - t0, recalled);
    if (recalled && !this.batch.done() && Atomics.load(control, STOP) === 0) {
      const rest = new BatchEnv(this.options.heap, this.batch, options, MAIN_OWNER);
      const output = await runBatch(rest, createStrategy(rest), this.loader);
      outputs.push(output);
      inlineTasks += output.ran;
    }
    return { outputs, policy: 'parallel', inlineTasks, crashes: pool.crashes, restarts: pool.restarts };
  }

  /**
   * Runs the rest of the batch on the workers, watching their throughput (RecallWatch):
   * if they finish tasks clearly slower than this thread did inline (`meanInlineMs` per
   * task; conflicts, aborts or shared cache lines can eat the parallelism), it sets RECALL:
   * they leave at their next claim and this thread finishes the batch alone. So 'auto' is
   * never much slower than running inline. Check RECALL afterwards to see whether it
   * recalled them.
   */
  private async runWorkers(
    options: BatchOptions,
    limits: RunLimits,
    outputs: BatchOutput[],
    meanInlineMs: number,
  ): Promise<PoolRun> {
    const batch = this.batch;
    const control = batch.control;
    const watch = new RecallWatch(meanInlineMs);
    const timer = setInterval(() => {
      if (watch.sample(performance.now(), batch.finished()) && batch.unclaimed() > 0) {
        Atomics.store(control, RECALL, 1);
        clearInterval(timer);
      }
    }, RECALL_WINDOW_MS);
    try {
      const run = await this.pool.run(options, limits);
      outputs.push(...run.outputs);
      return run;
    } finally {
      clearInterval(timer);
    }
  }

  /** The strategy and batch settings of the latest run, for recoverOwner. */
  private recovery: { options: BatchOptions; create: (env: BatchEnv) => Strategy } | undefined;

  /**
   * A worker died (its 'exit' event): the strategy repairs what it held, on this thread,
   * before anything else runs on it (S1 of the Supervisor). Before the first run no
   * worker ran a task: the heap alone is asked to free the dead thread's slot.
   */
  private recoverOwner(dead: DeadOwner): HeapRecovery | undefined {
    const recovery = this.recovery;
    if (!recovery) return recoverHeapOwner(this.options.heap, dead);
    const env = new BatchEnv(this.options.heap, this.batch, recovery.options, MAIN_OWNER);
    const strategy = recovery.create(env);
    return strategy.recoverOwner ? strategy.recoverOwner(dead) : recoverHeapOwner(this.options.heap, dead);
  }

  /** This thread imports the module while tasks are still being added (the inline policy runs them here first). */
  protected override moduleAdded(module: string): void {
    this.loader.preload(module);
  }

  /** The workers import the module while tasks are still being added. */
  protected override moduleAhead(module: string): void {
    this.pool.preload(module);
  }

  /**
   * Resolves once the workers have started and warmed up (they start when the queue is
   * created), and the process has gone quiet: V8 compiles what the warm-ups made hot on
   * background threads for tens of ms more, and would take cores from a first batch; the
   * wait ends when the process uses under a quarter of a core, or after 200 ms on a busy
   * machine. Optional: run() waits for the workers when it needs them; await this first to
   * keep worker start-up (tens of ms) out of a timed first batch.
   */
  async ready(): Promise<void> {
    await Promise.all([this.pool.ready(), this.mainStrategy]);
    await settled();
  }

  protected shutdown(): Promise<void> {
    return this.pool.close();
  }
}

/** A queue whose batches run on the calling (main) thread, one task at a time. */
export abstract class InlineQueue extends BaseQueue {
  private readonly loader = new TaskLoader();

  protected constructor(
    options: QueueOptions,
    private readonly strategy: (env: BatchEnv) => Strategy,
  ) {
    super(options, { workers: 1 });
    warmUpOnce(strategy).catch(() => {});
  }

  /**
   * Resolves once this thread's runtime is warm (done once per process, at creation) and the
   * process has gone quiet (see PooledQueue.ready).
   */
  async ready(): Promise<void> {
    await warmUpOnce(this.strategy);
    await settled();
  }

  /** Runs the batch on this thread (taskTimeoutMs and maxCrashes do not apply: nothing can stop or survive it). */
  protected async execute(settings: RunSettings): Promise<Execution> {
    const { taskTimeoutMs: _t, maxCrashes: _m, ...options } = settings;
    await warmUpOnce(this.strategy);
    const env = new BatchEnv(this.options.heap, this.batch, options, MAIN_OWNER);
    const output = await runBatch(env, this.strategy(env), this.loader);
    return { outputs: [output], policy: 'inline', inlineTasks: output.ran, crashes: 0, restarts: 0 };
  }

  protected async shutdown(): Promise<void> {}
}
