import { Worker } from 'node:worker_threads';
import type { HeapHandle } from '@ame/stm';
import { WorkerCrashedError, rebuildError } from './errors.js';
import type { BatchOptions, BatchOutput } from './execute.js';
import { CURRENT, STOP, type SharedBatch } from './shared-batch.js';
import type { FromWorker, ToWorker } from './worker/main.js';

const WORKER_MAIN = new URL('./worker/main.js', import.meta.url);
/** How long close() waits for a worker to exit by itself before terminating it. */
const CLOSE_GRACE_MS = 5000;

/**
 * Worker threads started once and reused for every batch. Each runs the claim loop with
 * the strategy module given at creation. A worker that dies fails the batch with
 * WorkerCrashedError; the pool then starts fresh workers for the next batch.
 */
export class WorkerPool {
  private workers: Worker[] | undefined;
  private starting: Promise<Worker[]> | undefined;

  constructor(
    readonly size: number,
    private readonly heap: HeapHandle,
    private readonly batch: SharedBatch,
    private readonly strategy: string,
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
    for (const worker of this.workers ?? []) worker.postMessage({ type: 'preload', module } satisfies ToWorker);
  }

  /** Runs one batch on every worker; resolves with each worker's output. */
  async run(options: BatchOptions): Promise<BatchOutput[]> {
    const workers = await this.start();
    return new Promise<BatchOutput[]>((resolve, reject) => {
      const outputs: BatchOutput[] = [];
      const settled = workers.map(() => false);
      let failure: Error | undefined;
      let giveUp: NodeJS.Timeout | undefined;
      const cleanups: (() => void)[] = [];
      const finish = (): void => {
        clearTimeout(giveUp);
        for (const cleanup of cleanups) cleanup();
        if (failure) {
          this.discard();
          reject(failure);
        } else resolve(outputs);
      };
      const settle = (w: number): void => {
        if (settled[w]) return;
        settled[w] = true;
        if (settled.every(Boolean)) finish();
      };
      const crash = (w: number, detail: string, cause?: unknown): void => {
        if (settled[w]) return;
        const index = Atomics.load(this.batch.control, CURRENT(w));
        failure ??= new WorkerCrashedError(w, `${detail}${index >= 0 ? ` (it was running task ${index})` : ''}`, cause);
        Atomics.store(this.batch.control, STOP, 2); // abort the batch: the others stop waiting
        this.batch.wake();
        // Survivors finish their current task and report; one stuck in a task is not waited for.
        giveUp ??= setTimeout(finish, CLOSE_GRACE_MS);
        settle(w);
      };
      workers.forEach((worker, w) => {
        const onMessage = (message: FromWorker): void => {
          if (message.type === 'done') {
            outputs.push(message.output);
            settle(w);
          } else if (message.type === 'fatal') crash(w, 'its claim loop failed', rebuildError(message.error));
        };
        const onError = (error: Error): void => crash(w, `${error.name}: ${error.message}`, error);
        const onExit = (code: number): void => crash(w, `it exited with code ${code}`);
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
        worker.postMessage({ type: 'run', options } satisfies ToWorker);
      });
    });
  }

  /** Stops every worker: asks them to exit, terminates those still running after a grace period. */
  async close(): Promise<void> {
    const workers = this.workers ?? (await this.starting?.catch(() => undefined));
    this.workers = undefined;
    this.starting = undefined;
    if (!workers) return;
    await Promise.all(
      workers.map(async (worker) => {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage({ type: 'close' } satisfies ToWorker);
        const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private start(): Promise<Worker[]> {
    if (this.workers) return Promise.resolve(this.workers);
    this.starting ??= Promise.all(Array.from({ length: this.size }, (_, w) => this.spawn(w))).then(
      (workers) => {
        this.workers = workers;
        return workers;
      },
      (error: unknown) => {
        this.starting = undefined;
        throw error;
      },
    );
    return this.starting;
  }

  private spawn(w: number): Promise<Worker> {
    const worker = new Worker(WORKER_MAIN, {
      workerData: { heap: this.heap, batch: this.batch.handle, strategy: this.strategy, worker: w },
    });
    return new Promise<Worker>((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type !== 'ready') return;
        worker.off('error', onError);
        worker.off('message', onMessage);
        for (const module of this.preloads) worker.postMessage({ type: 'preload', module } satisfies ToWorker);
        resolve(worker);
      };
      const onError = (error: Error): void => reject(new WorkerCrashedError(w, `it failed to start: ${error.message}`, error));
      worker.on('message', onMessage);
      worker.once('error', onError);
    });
  }

  /** Drops workers after a crash: survivors are terminated, fresh ones start next run. */
  private discard(): void {
    const workers = this.workers;
    this.workers = undefined;
    this.starting = undefined;
    for (const worker of workers ?? []) void worker.terminate();
  }
}
