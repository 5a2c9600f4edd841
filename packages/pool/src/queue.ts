import os from 'node:os';
import type { Heap } from '@ame/stm';
import { copyArgs } from './context.js';
import { InvalidTaskError, QueueClosedError, RunInProgressError } from './errors.js';
import { BatchEnv, type BatchOptions, type BatchOutput, runBatch, type Strategy } from './execute.js';
import { TaskLoader } from './loader.js';
import { warmUpOnce } from './internal/warm-up.js';
import { buildReport } from './report-builder.js';
import type { QueueOptions, RunMode, RunOptions, RunPolicy, RunReport, TaskHandle } from './report.js';
import { MAIN_OWNER, MAX_WORKERS, RECALL, SharedBatch, SLOTS, STOP } from './shared-batch.js';
import { checkTaskRef, type TaskRef } from './task-ref.js';
import { WorkerPool } from './worker-pool.js';

const PROGRESS_EVERY_MS = 50;

/** Normalised queue options. */
export interface ResolvedOptions {
  heap: Heap;
  workers: number;
  ordered: boolean;
  seed: number;
  onError: 'stop' | 'continue';
  maxAttempts: number;
  recordHistory: boolean;
  children: 'enqueue' | 'drop';
  policy: 'auto' | 'parallel' | 'inline';
}

/** How one batch was executed: by which threads, and how many tasks ran on the calling thread. */
export interface Execution {
  outputs: BatchOutput[];
  policy: RunPolicy;
  inlineTasks: number;
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

  /** A task module seen for the first time by add(): executors may load it ahead of the run. */
  protected moduleAdded(_module: string): void {}

  /** Writes one task into the next batch (not yet published); returns its index. */
  private stage(ref: TaskRef, args: ArrayLike<unknown>, entry?: number): number {
    const batch = this.batch;
    if (ref.module !== this.lastModule) {
      this.lastModule = ref.module;
      if (!this.modules.has(ref.module)) {
        this.modules.add(ref.module);
        this.moduleAdded(ref.module);
      }
    }
    try {
      return batch.append(batch.taskIdOf(ref, MAIN_OWNER), args, MAIN_OWNER, false);
    } catch (error) {
      if (error instanceof TypeError) {
        const where = entry === undefined ? '' : ` (entry ${entry})`;
        throw new InvalidTaskError(`the arguments of task ${ref.name}${where} must be Values: ${error.message}`);
      }
      throw error;
    }
  }

  /** Runs every task added since the last run (and their children); resolves to the report. */
  async run(options: RunOptions = {}): Promise<RunReport> {
    if (this.closed) throw new QueueClosedError();
    if (this.running) throw new RunInProgressError('run()');
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

  /** Stops the workers. The queue cannot run again. */
  async close(): Promise<void> {
    this.closed = true;
    await this.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Executes the published batch; resolves with every thread's output. */
  protected abstract execute(options: BatchOptions): Promise<Execution>;

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

function resolveOptions(options: QueueOptions, defaults: { workers?: number }): ResolvedOptions {
  if (!options || typeof options !== 'object')
    throw new InvalidTaskError('queue options must be an object with at least { heap }');
  const heap = options.heap as Partial<Heap> | undefined;
  if (!heap || typeof heap.control !== 'function' || !heap.handle) {
    throw new InvalidTaskError('queue option heap must be a Heap from @ame/stm (Heap.create())');
  }
  const workers = options.workers ?? defaults.workers ?? os.availableParallelism();
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS - 1) {
    throw new InvalidTaskError(`queue option workers must be an integer from 1 to ${MAX_WORKERS - 1}, got ${String(workers)}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidTaskError(`queue option seed must be an integer, got ${String(seed)}`);
  const onError = options.onError ?? 'stop';
  if (onError !== 'stop' && onError !== 'continue') {
    throw new InvalidTaskError(`queue option onError must be 'stop' or 'continue', got ${String(onError)}`);
  }
  const maxAttempts = options.maxAttempts ?? 16;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidTaskError(`queue option maxAttempts must be an integer >= 1, got ${String(maxAttempts)}`);
  }
  const policy = options.policy ?? 'auto';
  if (policy !== 'auto' && policy !== 'parallel' && policy !== 'inline') {
    throw new InvalidTaskError(`queue option policy must be 'auto', 'parallel' or 'inline', got ${String(policy)}`);
  }
  return {
    heap: options.heap,
    workers,
    ordered: options.ordered ?? false,
    seed,
    onError,
    maxAttempts,
    recordHistory: options.recordHistory === true,
    children: checkChildren(options.children),
    policy: process.env.AME_FAULT ? 'parallel' : policy,
  };
}

function checkChildren(children: unknown): 'enqueue' | 'drop' {
  if (children === undefined || children === 'enqueue' || children === 'drop') return children ?? 'enqueue';
  throw new InvalidTaskError(`queue option children must be 'enqueue' or 'drop', got ${String(children)}`);
}

/**
 * The adaptive policy (`policy: 'auto'`): the calling thread runs the batch's first tasks
 * itself, timing them. Tasks too small to pay for a round trip to the workers (mean under
 * PARALLEL_MIN_TASK_US, or too little work left) finish inline, as SequentialQueue would
 * run them, with the executor's own commit rules; bigger ones go to the workers, which
 * claim the rest. Re-decided every SAMPLE_MS, so a batch whose tasks grow goes parallel.
 * While the workers are still starting the calling thread does not wait for them; await
 * `queue.ready()` to start a batch with warm workers. Once on the workers, a batch whose
 * tasks abort more than the workers gain comes back to the calling thread (RECALL).
 */
const SAMPLE_MS = 1;
/** Consecutive windows that must find the tasks big enough. */
const CONFIRMATIONS = 3;
/** Mean task time (µs, measured inline) from which workers pay off. */
const PARALLEL_MIN_TASK_US = 4;
/** Work left (ms, estimated) below which waking the workers is not worth it. */
const PARALLEL_MIN_WORK_MS = 0.3;

/** CPU time this process has used (all its threads), in ms. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The workers must finish tasks at least this many times as fast as the calling thread did (below 1: recall only when clearly slower). */
const RECALL_GAIN = 0.9;
/** Their throughput is measured in windows of this length (the first one is not judged)... */
const RECALL_WINDOW_MS = 8;
/** ...and they are recalled after this many slow windows in a row. */
const RECALL_WINDOWS = 3;

/** A queue whose batches run on a pool of worker threads with the strategy module `strategy`. */
export abstract class PooledQueue extends BaseQueue {
  private readonly pool: WorkerPool;
  private readonly loader = new TaskLoader();
  /** The strategy for the calling thread, imported when the queue is created. */
  private readonly mainStrategy: Promise<(env: BatchEnv) => Strategy>;

  protected constructor(options: QueueOptions, strategyUrl: URL) {
    super(options);
    this.pool = new WorkerPool(this.options.workers, this.options.heap.handle, this.batch, strategyUrl.href);
    this.pool.warm(); // workers start (and warm up) now, not at the first run
    this.mainStrategy = import(strategyUrl.href)
      .then((m: { createStrategy(env: BatchEnv): Strategy }) => m.createStrategy)
      .then(async (create) => {
        await warmUpOnce(create);
        return create;
      });
    this.mainStrategy.catch(() => {}); // surfaces at the first run
  }

  protected async execute(options: BatchOptions): Promise<Execution> {
    const policy = this.options.policy;
    if (policy === 'parallel') return { outputs: await this.pool.run(options), policy: 'parallel', inlineTasks: 0 };
    const createStrategy = await this.mainStrategy;
    const env = new BatchEnv(this.options.heap, this.batch, options, MAIN_OWNER);
    const control = this.batch.control;
    let leftInline = false;
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
    // Workers still starting (their warm-up competes for the cores): keep going inline.
    const leave = (ran: number): boolean => {
      if (policy === 'inline' || ran === 0) return false;
      if (ran0 === 0 || !this.pool.started) {
        wall0 = performance.now();
        cpu0 = cpuMs();
        ran0 = ran;
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
      leftInline = big >= CONFIRMATIONS;
      return leftInline;
    };
    const main = await runBatch(env, createStrategy(env), this.loader, leave);
    if (!leftInline) return { outputs: [main], policy: 'inline', inlineTasks: main.ran };
    const outputs = [main];
    let inlineTasks = main.ran;
    if ((await this.runWorkers(options, outputs, meanInlineMs)) && !this.batch.done() && Atomics.load(control, STOP) === 0) {
      const rest = new BatchEnv(this.options.heap, this.batch, options, MAIN_OWNER);
      const output = await runBatch(rest, createStrategy(rest), this.loader);
      outputs.push(output);
      inlineTasks += output.ran;
    }
    return { outputs, policy: 'parallel', inlineTasks };
  }

  /**
   * Runs the rest of the batch on the workers, watching their throughput: if, in
   * RECALL_WINDOWS windows in a row, they finish tasks less than RECALL_GAIN times as
   * fast as this thread did inline (`meanInlineMs` per task; conflicts, aborts or shared
   * cache lines can eat the parallelism), it sets RECALL: they leave at their next claim
   * and this thread finishes the batch alone. So 'auto' is never much slower than running
   * inline. True if it recalled them.
   */
  private async runWorkers(options: BatchOptions, outputs: BatchOutput[], meanInlineMs: number): Promise<boolean> {
    const batch = this.batch;
    const control = batch.control;
    let at = performance.now();
    let finished0 = batch.finished();
    let windows = 0;
    let slow = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const finished = batch.finished();
      const rate = (finished - finished0) / (now - at); // tasks per ms in this window
      at = now;
      finished0 = finished;
      if (++windows === 1) return; // the first window holds the workers' wake-up
      slow = rate * meanInlineMs < RECALL_GAIN ? slow + 1 : 0;
      if (slow >= RECALL_WINDOWS && batch.unclaimed() > 0) {
        Atomics.store(control, RECALL, 1);
        clearInterval(timer);
      }
    }, RECALL_WINDOW_MS);
    try {
      outputs.push(...(await this.pool.run(options)));
    } finally {
      clearInterval(timer);
    }
    return Atomics.load(control, RECALL) !== 0;
  }

  /** Workers (and this thread, for the inline policy) import the module while tasks are still being added. */
  protected override moduleAdded(module: string): void {
    this.pool.preload(module);
    this.loader.preload(module);
  }

  /**
   * Resolves once the workers have started and warmed up (they start when the queue is
   * created). Optional: run() waits for them when it needs them; await this first to keep
   * worker start-up (tens of ms) out of a timed first batch.
   */
  async ready(): Promise<void> {
    await Promise.all([this.pool.ready(), this.mainStrategy]);
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

  /** Resolves once this thread's runtime is warm (done once per process, at creation). */
  async ready(): Promise<void> {
    await warmUpOnce(this.strategy);
  }

  protected async execute(options: BatchOptions): Promise<Execution> {
    await warmUpOnce(this.strategy);
    const env = new BatchEnv(this.options.heap, this.batch, options, MAIN_OWNER);
    const output = await runBatch(env, this.strategy(env), this.loader);
    return { outputs: [output], policy: 'inline', inlineTasks: output.ran };
  }

  protected async shutdown(): Promise<void> {}
}
