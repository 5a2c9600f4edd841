import { Worker } from 'node:worker_threads';
import type { HeapHandle } from '@ame/stm';
import { createWarmUpHeap, type WarmUpPlace } from './internal/warm-up.js';
import { WorkerCrashedError } from './errors.js';
import type { BatchOptions, DeadOwner, HeapRecovery } from './execute.js';
import { type SharedBatch, STOP } from './shared-batch.js';
import { type PoolRun, type RunLimits, Supervisor } from './supervisor.js';
import type { FromWorker, ToWorker } from './worker/main.js';

const WORKER_MAIN = new URL('./worker/main.js', import.meta.url);
/** How long close() waits for a worker to exit by itself before terminating it. */
const CLOSE_GRACE_MS = 5000;

/** A live worker of the pool and what its replacement needs to know about it. */
export interface PoolWorker {
  readonly worker: Worker;
  readonly owner: number;
  /** Its worker_threads threadId, kept (the Worker object forgets it once it exited). */
  readonly threadId: number;
  /** The last 'error' event (an uncaught exception), for the crash message. */
  lastError?: Error;
}

/**
 * Worker threads started once and reused for every batch. Each runs the claim loop with
 * the strategy module given at creation. A worker that dies is noticed by its 'exit' event:
 * during a run the Supervisor repairs what it held and replaces it at once; between runs
 * it is repaired at once and replaced at the next run.
 */
export class WorkerPool {
  private workers: (PoolWorker | undefined)[] | undefined;
  private starting: Promise<PoolWorker[]> | undefined;
  /** The run in progress: deaths go to it. */
  private active: Supervisor | undefined;
  private closing = false;
  /** Main-thread repair of a dead owner (the strategy's recoverOwner); set by the queue. */
  recover: (dead: DeadOwner) => HeapRecovery | undefined = () => undefined;

  constructor(
    readonly size: number,
    private readonly heap: HeapHandle,
    private readonly batch: SharedBatch,
    private readonly strategy: string,
    /**
     * Workers starting together warm up on one shared heap (see warm-up.ts): only for a
     * strategy whose commits are versioned and validated. A direct-mode strategy (the GIL)
     * assumes it runs alone: its workers warm up on heaps of their own.
     */
    private readonly sharedWarmUp: boolean,
  ) {}

  /** True once every worker has started and warmed up. */
  get started(): boolean {
    return this.workers !== undefined;
  }

  /** Resolves once every worker has started and warmed up. */
  async ready(): Promise<void> {
    await this.start();
  }

  /** Starts the workers now, in the background (a failure surfaces at the next run). */
  warm(): void {
    this.start().catch(() => {});
  }

  /** Task modules every worker should import ahead of the batches that need them. */
  private readonly preloads: string[] = [];

  /**
   * Asks every worker (started or starting) to import `module` now, in the background:
   * the first import of a module in a thread costs tens of ms (Node's ESM loader), which
   * would otherwise land on the first batch's first tasks.
   */
  preload(module: string): void {
    this.preloads.push(module);
    for (const w of this.workers ?? []) w?.worker.postMessage({ type: 'preload', module } satisfies ToWorker);
  }

  /**
   * Runs one batch on every worker; resolves with each worker's output and the crashes
   * and restarts it took (see Supervisor).
   */
  async run(options: BatchOptions, limits: RunLimits): Promise<PoolRun> {
    const workers = await this.start();
    const supervisor = new Supervisor(this.batch, options, limits, [...workers], {
      replace: (owner) => this.replace(owner),
      recover: (dead) => this.recover(dead),
    });
    this.active = supervisor;
    try {
      return await supervisor.run();
    } catch (error) {
      this.discard(); // a broken claim loop: start afresh at the next run
      throw error;
    } finally {
      this.active = undefined;
    }
  }

  /** Stops every worker: asks them to exit, terminates those still running after a grace period. */
  async close(): Promise<void> {
    this.closing = true;
    const workers = this.workers ?? (await this.starting?.catch(() => undefined));
    this.workers = undefined;
    this.starting = undefined;
    if (this.active) {
      Atomics.store(this.batch.control, STOP, 2); // abort the batch: workers leave it, then exit
      this.batch.wake();
      this.active.abort(new WorkerCrashedError(-1, 'the queue was closed during run()'));
    }
    await Promise.all((workers ?? []).map((w) => (w ? stop(w.worker) : undefined)));
  }

  /** Every worker started, dead ones replaced. */
  private start(): Promise<PoolWorker[]> {
    const workers = this.workers;
    if (workers?.every((w) => w !== undefined)) return Promise.resolve(workers as PoolWorker[]);
    if (this.starting) return this.starting;
    // With sharedWarmUp the workers starting together warm up on one heap, so their warm-ups
    // contend as real batches do (see warm-up.ts); it is dropped once they are up.
    const warmHeap = this.sharedWarmUp ? createWarmUpHeap(this.size) : undefined;
    const warmUp: WarmUpPlace = { shared: warmHeap?.handle };
    const done = (): void => warmHeap?.detach();
    this.starting = Promise.all(
      Array.from({ length: this.size }, (_, owner) => workers?.[owner] ?? this.spawn(owner, warmUp)),
    ).then(
      (started) => {
        done();
        this.workers = started;
        this.starting = undefined;
        return started;
      },
      (error: unknown) => {
        done();
        this.starting = undefined;
        throw error;
      },
    );
    return this.starting;
  }

  /** Starts a fresh worker as owner `owner` in place of a dead one (the Supervisor, during a run). */
  private async replace(owner: number): Promise<PoolWorker> {
    const w = await this.spawn(owner, undefined);
    if (this.closing || !this.workers) {
      await w.worker.terminate(); // close() came while it started: nobody would stop it
      this.recover({ owner, threadId: w.threadId });
      throw new WorkerCrashedError(owner, 'the queue was closed while its replacement started');
    }
    this.workers[owner] = w;
    return w;
  }

  /**
   * Starts worker `owner`, warming up where `warmUp` says; undefined skips the warm-up (a
   * replacement needed now).
   */
  private spawn(owner: number, warmUp: WarmUpPlace | undefined): Promise<PoolWorker> {
    if (this.closing) return Promise.reject(new WorkerCrashedError(owner, 'the queue is closed'));
    const worker = new Worker(WORKER_MAIN, {
      workerData: { heap: this.heap, batch: this.batch.handle, strategy: this.strategy, worker: owner, warmUp },
    });
    const w: PoolWorker = { worker, owner, threadId: worker.threadId };
    return new Promise<PoolWorker>((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type !== 'ready') return;
        worker.off('message', onMessage);
        worker.off('exit', onEarlyExit);
        worker.on('error', (error) => {
          w.lastError = error;
        });
        worker.once('exit', (code) => this.exited(w, code));
        for (const module of this.preloads) worker.postMessage({ type: 'preload', module } satisfies ToWorker);
        resolve(w);
      };
      const onEarlyExit = (code: number): void =>
        reject(new WorkerCrashedError(owner, `it failed to start: ${w.lastError?.message ?? `exit code ${code}`}`, w.lastError));
      worker.on('message', onMessage);
      worker.once('error', (error) => {
        w.lastError = error;
      });
      worker.once('exit', onEarlyExit);
    });
  }

  /** A worker's 'exit' event: the run in progress handles it; between runs it is repaired now and replaced at the next run. */
  private exited(w: PoolWorker, code: number): void {
    if (this.workers?.[w.owner] !== w) return; // closed or discarded: expected
    this.workers[w.owner] = undefined;
    if (this.active) this.active.died(w, code);
    else this.recover({ owner: w.owner, threadId: w.threadId });
  }

  /** Drops every worker after a broken run: they are terminated (and repaired), fresh ones start next run. */
  private discard(): void {
    const workers = this.workers;
    this.workers = undefined;
    this.starting = undefined;
    for (const w of workers ?? []) {
      if (w) void w.worker.terminate().then(() => this.recover({ owner: w.owner, threadId: w.threadId }));
    }
  }
}

/** Asks a worker to exit; terminates it after CLOSE_GRACE_MS. Resolves once it is gone. */
async function stop(worker: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage({ type: 'close' } satisfies ToWorker);
  const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
