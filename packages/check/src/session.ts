/**
 * A check session: one heap and one queue per executor, kept for many runs, so that worker
 * threads (40-90 ms to start) start once per fuzz instead of once per run.
 *
 * Each run on a kept queue:
 *   1. the heap is set back to the workload's initial state (heap-image.ts), verified;
 *   2. the queue is rewound (internal/queue-rewind.ts): the run is batch 1 with the list's
 *      queue seed, as on a fresh queue, so ctx.random() streams, oracles and replay files
 *      are exactly those of a fresh heap and queue;
 *   3. the calls are added and run as one batch, and recorded (run-record.ts).
 * Anything that breaks these steps for an executor (a heap kind that cannot be restored,
 * a run that created a named object, a queue that cannot be rewound, a rejected run)
 * drops that executor's heap and queue: the run is (re)done on a fresh pair, and the next
 * run starts a new kept pair (or, when reuse cannot work, fresh pairs every time).
 *
 * Sessions do not share anything between executors or between sessions: parallel fuzzing
 * across cores can give each process (or worker) its own session.
 */
import type { Heap } from '@ame/stm';
import { isPgExecutor, PgBackend } from './backend.js';
import type { CheckableQueue, Executor } from './executors.js';
import { captureImage, type HeapImage, restoreImage } from './heap-image.js';
import { canRewind, ranAsFirstBatch, rewind } from './internal/queue-rewind.js';
import { queueOptions, type RunModeOptions, type RunRecord, recordRun, runMode } from './run-record.js';
import { type Call, setupHeap, type Workload } from './workload.js';

/** One executor's kept heap and queue. */
interface Kept {
  readonly heap: Heap;
  readonly queue: CheckableQueue;
  readonly image: HeapImage;
  readonly workers: number;
  /** False until the first run on it (the heap is fresh from setup). */
  used: boolean;
}

/** What a session did, for benchmarks and tests. */
export interface SessionStats {
  /** Runs on a kept heap and queue. */
  readonly kept: number;
  /** Runs on a fresh heap and queue (first runs, fallbacks). */
  readonly fresh: number;
  /** Queues created. */
  readonly queues: number;
}

/**
 * Runs task lists on kept heaps and queues, one pair per executor, with the same records
 * as runMode. Close it when done (it stops the workers).
 *
 * @example
 * const session = new CheckSession(workload, { workers: 2 });
 * try { for (const calls of lists) await session.run(executor, calls, { seed: 7 }); }
 * finally { await session.close(); }
 */
export class CheckSession {
  private readonly kept = new Map<Executor, Kept>();
  /** Executors whose queues cannot be reused (checked once). */
  private readonly noReuse = new Set<Executor>();
  private counts = { kept: 0, fresh: 0, queues: 0 };
  /** The embedded PostgreSQL of backend pg runs, started at the first one. */
  private pg: PgBackend | undefined;

  constructor(
    readonly workload: Workload,
    private readonly defaults: { workers?: number } = {},
  ) {}

  /** What the session did so far. */
  get stats(): SessionStats {
    return { ...this.counts };
  }

  /** Runs `calls` with `executor` and records the run, as runMode(workload, executor, calls, options) would. */
  async run(executor: Executor, calls: readonly Call[], options: RunModeOptions = {}): Promise<RunRecord> {
    const seed = options.seed ?? 0;
    const workers = options.workers ?? this.defaults.workers ?? 2;
    const chaos = options.chaos ?? false;
    if (isPgExecutor(executor)) return this.runPg(executor, calls, { seed, workers, chaos });
    if (!this.noReuse.has(executor)) {
      const kept = await this.acquire(executor, workers, seed);
      if (kept) {
        const { record, report } = await recordRun(this.workload, executor, kept.queue, kept.heap, calls, {
          seed,
          workers,
          chaos,
        });
        if (report && ranAsFirstBatch(kept.queue, report, seed)) {
          this.counts.kept++;
          return record;
        }
        await this.drop(executor); // rejected run, or the rewind did not take: redo it fresh
        if (report) this.noReuse.add(executor);
      }
    }
    this.counts.fresh++;
    this.counts.queues++;
    return runMode(this.workload, executor, calls, { seed, workers, chaos });
  }

  /**
   * Creates the kept heap and queue of each executor now, all at once, and waits until
   * their workers are warm (queues with `ready()`), so that they start side by side
   * rather than one at the first run of each mode. Optional.
   */
  async prepare(executors: readonly Executor[], workers = this.defaults.workers ?? 2): Promise<void> {
    if (executors.some(isPgExecutor)) {
      this.pg ??= new PgBackend();
      await this.pg.start();
    }
    executors = executors.filter((executor) => !isPgExecutor(executor));
    const kept = await Promise.all(executors.map((executor) => this.acquire(executor, workers, 0, false)));
    // A queue that fails to start fails its first run, where the failure is recorded.
    await Promise.all(kept.map((k) => (k?.queue as { ready?: () => Promise<void> } | undefined)?.ready?.().catch(() => {})));
  }

  /** Stops every kept queue and detaches its heap; stops the embedded PostgreSQL, if started. */
  async close(): Promise<void> {
    try {
      await Promise.all([...this.kept.keys()].map((executor) => this.drop(executor)));
    } finally {
      const pg = this.pg;
      this.pg = undefined;
      await pg?.close();
    }
  }

  /**
   * A backend pg run: a fresh namespace on the session's server, set up by the workload,
   * and a fresh PgQueue on it (closed after the run).
   */
  private async runPg(
    executor: Executor,
    calls: readonly Call[],
    options: { seed: number; workers: number; chaos: boolean },
  ): Promise<RunRecord> {
    this.pg ??= new PgBackend();
    const { heap, queue } = await this.pg.prepare(this.workload, executor, options);
    this.counts.fresh++;
    this.counts.queues++;
    try {
      return (await recordRun(this.workload, executor, queue, heap, calls, { ...options, backend: 'pg' })).record;
    } finally {
      try {
        await queue.close();
      } finally {
        await heap.close();
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The executor's kept pair, ready for a run with `seed` (undefined: use a fresh pair). */
  private async acquire(executor: Executor, workers: number, seed: number, use = true): Promise<Kept | undefined> {
    if (this.noReuse.has(executor)) return undefined;
    let kept = this.kept.get(executor);
    if (kept?.used && !restoreImage(kept.heap, kept.image)) {
      await this.drop(executor); // e.g. the run created a named object: start over
      kept = undefined;
    }
    if (kept && kept.workers !== workers) {
      await this.drop(executor);
      kept = undefined;
    }
    if (!kept) {
      const heap = setupHeap(this.workload);
      const image = captureImage(heap);
      if (!image) {
        heap.detach();
        this.noReuse.add(executor);
        return undefined;
      }
      const queue = executor.create(queueOptions(heap, workers, seed));
      this.counts.queues++;
      if (!canRewind(queue)) {
        await queue.close();
        heap.detach();
        this.noReuse.add(executor);
        return undefined;
      }
      kept = { heap, queue, image, workers, used: false };
      this.kept.set(executor, kept);
    }
    if (!use) return kept;
    rewind(kept.queue, seed);
    kept.used = true;
    return kept;
  }

  private async drop(executor: Executor): Promise<void> {
    const kept = this.kept.get(executor);
    if (!kept) return;
    this.kept.delete(executor);
    try {
      await kept.queue.close();
    } finally {
      kept.heap.detach();
    }
  }
}
