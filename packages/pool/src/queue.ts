import os from 'node:os';
import { decodeValue, type Heap, type Value } from '@ame/stm';
import { encodeTask } from './context.js';
import { InvalidTaskError, QueueClosedError, RunInProgressError, TaskError, rebuildError } from './errors.js';
import { BatchEnv, runBatch, type BatchOptions, type BatchOutput, type Strategy } from './execute.js';
import { TaskLoader } from './loader.js';
import { WorkerPool } from './worker-pool.js';
import type {
  ConflictPair,
  ConflictStat,
  QueueOptions,
  RunMode,
  RunOptions,
  RunReport,
  TaskCall,
  TaskHistory,
  TaskId,
} from './report.js';
import { ABORTS, COMMITS, COUNT, MAX_WORKERS, SharedBatch } from './shared-batch.js';
import { checkTaskRef, type TaskRef } from './task-ref.js';

/** The owner number the main thread uses in the batch's lock words. */
export const MAIN_OWNER = MAX_WORKERS - 1;
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
}

/**
 * What every executor's queue shares: add(), batches in shared memory, the report, errors
 * and closing. Subclasses decide how a batch executes (`execute`).
 */
export abstract class BaseQueue {
  protected readonly options: ResolvedOptions;
  protected readonly batch = SharedBatch.create();
  private pending: Uint8Array[] = [];
  private batchNumber = 0;
  private running = false;
  private closed = false;

  protected abstract readonly mode: RunMode;

  constructor(options: QueueOptions, defaults: { workers?: number } = {}) {
    this.options = resolveOptions(options, defaults);
  }

  /**
   * Adds a task to the next batch and returns its index in that batch. The arguments are
   * copied now: a value that is not a `Value` throws InvalidTaskError naming it.
   */
  add<A extends readonly unknown[], R>(task: TaskRef<A, R>, ...args: A): number {
    if (this.closed) throw new QueueClosedError();
    const ref = checkTaskRef(task);
    this.pending.push(encodeTask(this.batch.moduleId(ref.module, MAIN_OWNER), ref, args));
    return this.pending.length - 1;
  }

  /** Runs every task added since the last run (and their children); resolves to the report. */
  async run(options: RunOptions = {}): Promise<RunReport> {
    if (this.closed) throw new QueueClosedError();
    if (this.running) throw new RunInProgressError('run()');
    this.running = true;
    const batchNumber = ++this.batchNumber;
    this.batch.reset(batchNumber);
    for (const descriptor of this.pending) this.batch.append(descriptor, MAIN_OWNER);
    this.pending = [];
    const started = performance.now();
    const progress = this.watchProgress(options);
    let outputs: BatchOutput[];
    try {
      outputs = await this.execute({
        batch: batchNumber,
        ordered: this.options.ordered,
        seed: this.options.seed,
        onError: this.options.onError,
        maxAttempts: this.options.maxAttempts,
        recordHistory: this.options.recordHistory,
        dropChildren: this.options.children === 'drop',
      });
    } finally {
      progress();
      this.running = false;
    }
    const report = this.report(outputs, performance.now() - started);
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
  protected abstract execute(options: BatchOptions): Promise<BatchOutput[]>;

  protected abstract shutdown(): Promise<void>;

  private watchProgress(options: RunOptions): () => void {
    const onProgress = options.onProgress;
    if (!onProgress) return () => {};
    const control = this.batch.control;
    const tick = (): void => {
      const finished = this.batch.finished();
      onProgress({ committed: Atomics.load(control, COMMITS), finished, total: Atomics.load(control, COUNT) });
    };
    const timer = setInterval(tick, PROGRESS_EVERY_MS);
    return () => {
      clearInterval(timer);
      tick();
    };
  }

  private report(outputs: BatchOutput[], durationMs: number): RunReport {
    const batch = this.batch;
    const count = Atomics.load(batch.control, COUNT);
    const names = new Map<number, string>();
    const nameOf = (index: number): string => {
      let name = names.get(index);
      if (name === undefined) {
        name = (decodeValue(batch.descriptor(index)) as [string, string])[1];
        names.set(index, name);
      }
      return name;
    };
    const results = new Array<Value | undefined>(count).fill(undefined);
    const errors: TaskError[] = [];
    const conflictMap = new Map<string, { count: number; pairs: Map<string, ConflictPair> }>();
    for (const output of outputs) {
      for (const [index, bytes] of output.results) results[index] = decodeValue(bytes);
      for (const f of output.failures) {
        errors.push(
          new TaskError(
            { index: f.index, task: f.task, args: f.args, attempt: f.attempt, phase: f.phase },
            rebuildError(f.error),
          ),
        );
      }
      for (const [key, aborted, winner, n] of output.conflicts) {
        let stat = conflictMap.get(key);
        if (!stat) conflictMap.set(key, (stat = { count: 0, pairs: new Map() }));
        stat.count += n;
        const id = `${aborted}:${winner}`;
        const before = stat.pairs.get(id);
        const winnerId: TaskId | null = winner >= 0 && winner < count ? { index: winner, task: nameOf(winner) } : null;
        stat.pairs.set(id, {
          aborted: { index: aborted, task: nameOf(aborted) },
          winner: winnerId,
          count: (before?.count ?? 0) + n,
        });
      }
    }
    errors.sort((a, b) => a.index - b.index || (a.phase === 'task' ? -1 : 1));
    const conflicts: ConflictStat[] = [...conflictMap]
      .map(([key, stat]) => ({
        key,
        count: stat.count,
        pairs: [...stat.pairs.values()].sort((a, b) => b.count - a.count).slice(0, 10),
      }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    const commitOrder = batch.serialOrder(true);
    const serialOrder = batch.serialOrder(false);
    let history: (TaskHistory | undefined)[] | undefined;
    let calls: TaskCall[] | undefined;
    if (this.options.recordHistory) {
      history = new Array<TaskHistory | undefined>(count).fill(undefined);
      for (const output of outputs) for (const h of output.history) history[h.index] = h;
      calls = [];
      for (let index = 0; index < count; index++) {
        const [moduleId, task, args] = decodeValue(batch.descriptor(index)) as [number, string, Value[]];
        calls.push({ module: batch.moduleUrl(moduleId), task, args });
      }
    }
    return {
      mode: this.mode,
      ordered: this.mode === 'sequential' ? true : this.options.ordered,
      workers: this.mode === 'sequential' ? 1 : this.options.workers,
      seed: this.options.seed,
      tasks: count,
      commits: commitOrder.length,
      aborts: Atomics.load(batch.control, ABORTS),
      results,
      errors,
      commitOrder,
      serialOrder,
      conflicts,
      durationMs,
      ...(history ? { history, calls } : {}),
    };
  }
}

function resolveOptions(options: QueueOptions, defaults: { workers?: number }): ResolvedOptions {
  if (!options || typeof options !== 'object')
    throw new InvalidTaskError('queue options must be an object with at least { heap }');
  const heap = options.heap as Partial<Heap> | undefined;
  if (!heap || typeof heap.control !== 'function' || !heap.handle)
    throw new InvalidTaskError('queue option heap must be a Heap from @ame/stm (Heap.create())');
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
  return {
    heap: options.heap,
    workers,
    ordered: options.ordered ?? false,
    seed,
    onError,
    maxAttempts,
    recordHistory: options.recordHistory === true,
    children: checkChildren(options.children),
  };
}

function checkChildren(children: unknown): 'enqueue' | 'drop' {
  if (children === undefined || children === 'enqueue' || children === 'drop') return children ?? 'enqueue';
  throw new InvalidTaskError(`queue option children must be 'enqueue' or 'drop', got ${String(children)}`);
}

/** A queue whose batches run on a pool of worker threads with the strategy module `strategy`. */
export abstract class PooledQueue extends BaseQueue {
  private readonly pool: WorkerPool;

  protected constructor(options: QueueOptions, strategy: URL) {
    super(options);
    this.pool = new WorkerPool(this.options.workers, this.options.heap.handle, this.batch, strategy.href);
  }

  protected execute(options: BatchOptions): Promise<BatchOutput[]> {
    return this.pool.run(options);
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
  }

  protected async execute(options: BatchOptions): Promise<BatchOutput[]> {
    const env = new BatchEnv(this.options.heap, this.batch, options, MAIN_OWNER);
    return [await runBatch(env, this.strategy(env), this.loader)];
  }

  protected async shutdown(): Promise<void> {}
}
