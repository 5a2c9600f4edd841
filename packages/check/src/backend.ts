/**
 * Backends: where the checked runs' heap lives. `stm` (default): an @ame/stm Heap and the
 * built-in modes. `pg`: a PgHeap and PgQueue of the optional peer dependency @ame/pg, on
 * one embedded PostgreSQL per CheckSession (started at the first run, stopped by close()),
 * each run in a namespace of its own (so runs are independent). The oracle stays the STM
 * one: SequentialQueue in add order (ordered), a replay in the run's serial order
 * (unordered), results, errors, children and final snapshot compared as for the STM modes.
 *
 * @ame/pg is imported dynamically, only when backend 'pg' is requested: users who do not
 * use it do not install PostgreSQL. If it is missing, BackendUnavailableError says so.
 *
 * PgQueue records `report.history` (reads with the versions seen, writes, per committed
 * task; versions are commit sequence numbers), so the dependency-graph check runs on pg
 * runs too. An executor without history gets `graph: 'unavailable'` in its verdict.
 */
import type { Heap } from '@ame/stm';
import { AmeError } from '@ame/stm';
import type { QueueOptions } from '@ame/pool';
import { WorkloadError } from './errors.js';
import type { CheckableQueue, Executor, ModeName } from './executors.js';
import type { RunHeap } from './run-record.js';
import type { Workload } from './workload.js';

/** Where checked runs execute: `stm` (default) or `pg` (PostgreSQL through @ame/pg). */
export type BackendName = 'stm' | 'pg';

/** The names `backend` accepts. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(['stm', 'pg'] as BackendName[]);

/** The modes backend 'pg' runs (PgQueue unordered and ordered). */
export const PG_MODE_NAMES: readonly ModeName[] = Object.freeze(['unordered', 'ordered'] as ModeName[]);

/**
 * Backend 'pg' was requested but @ame/pg cannot be loaded (not installed): install it
 * (`npm install --save-dev @ame/pg`). The CLI exits with code 2 on it.
 */
export class BackendUnavailableError extends AmeError {
  override readonly name = 'BackendUnavailableError';
  readonly backend: BackendName;

  constructor(backend: BackendName, problem: string, cause?: unknown) {
    super('BACKEND_UNAVAILABLE', `backend ${backend}: ${problem}`, cause === undefined ? undefined : { cause });
    this.backend = backend;
  }
}

/** Checks a `backend` option; throws a TypeError naming the accepted values. */
export function resolveBackend(backend: unknown): BackendName {
  if (backend === undefined) return 'stm';
  if (typeof backend === 'string' && (BACKEND_NAMES as readonly string[]).includes(backend)) return backend as BackendName;
  throw new TypeError(`unknown backend ${JSON.stringify(backend)}; expected one of ${BACKEND_NAMES.join(', ')}`);
}

/** What the checker uses of @ame/pg (typed here so that @ame/check builds without it). */
interface PgHeapLike extends RunHeap {
  readonly connectionString: string;
  close(): Promise<void>;
}
interface PgModule {
  PgHeap: { open(options?: { connectionString?: string; namespace?: string }): Promise<PgHeapLike> };
  PgQueue: new (options: Omit<QueueOptions, 'heap' | 'policy'> & { heap: PgHeapLike; ordered: boolean }) => CheckableQueue;
}

/** The module name, in a variable so that bundlers and tsc do not require it. */
const PG_MODULE = '@ame/pg';

/** Imports @ame/pg; BackendUnavailableError if it is not installed. */
export async function loadPgModule(): Promise<PgModule> {
  try {
    return (await import(PG_MODULE)) as PgModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new BackendUnavailableError(
        'pg',
        'the optional dependency @ame/pg is not installed; install it next to @ame/check (npm install --save-dev @ame/pg)',
        error,
      );
    }
    throw new BackendUnavailableError('pg', `@ame/pg failed to load: ${(error as Error).message}`, error);
  }
}

/**
 * The pg executors: 'unordered' and 'ordered' PgQueues. They need a heap from the session's
 * PgBackend (the session passes it in the options), never an STM Heap.
 */
export function pgExecutors(modes: readonly unknown[]): Executor[] {
  if (!Array.isArray(modes) || modes.length === 0)
    throw new TypeError(`modes must be a non-empty array of ${PG_MODE_NAMES.join(', ')} with backend pg`);
  return modes.map((mode) => {
    if (isPgExecutor(mode as Executor)) return mode as PgExecutor;
    if (mode === 'unordered') return PG_UNORDERED;
    if (mode === 'ordered') return PG_ORDERED;
    const name = typeof mode === 'string' ? JSON.stringify(mode) : 'a custom executor';
    throw new TypeError(`backend pg runs the modes ${PG_MODE_NAMES.join(', ')} (PgQueue), not ${name}`);
  });
}

/** An executor whose queues run on a PgHeap: runs go through a PgBackend. */
export interface PgExecutor extends Executor {
  readonly backend: 'pg';
}

function pgExecutor(ordered: boolean): PgExecutor {
  return {
    name: ordered ? 'ordered' : 'unordered',
    ordered,
    backend: 'pg',
    create: () => {
      throw new TypeError('a pg executor runs through a CheckSession with backend pg (it needs a PgHeap)');
    },
  };
}
const PG_UNORDERED = pgExecutor(false);
const PG_ORDERED = pgExecutor(true);

/** True for the executors of backend pg. */
export function isPgExecutor(executor: Executor): executor is PgExecutor {
  return (executor as Partial<PgExecutor>).backend === 'pg';
}

/**
 * One embedded PostgreSQL (started on first use) and a fresh namespace per run: `prepare`
 * returns a PgHeap set up by the workload and a PgQueue on it; `release` closes both.
 */
export class PgBackend {
  private module: PgModule | undefined;
  private server: PgHeapLike | undefined;
  private starting: Promise<PgHeapLike> | undefined;
  private counter = 0;

  /** Starts the embedded server (if not yet started). */
  async start(): Promise<PgHeapLike> {
    if (this.server) return this.server;
    this.starting ??= (async () => {
      this.module ??= await loadPgModule();
      this.server = await this.module.PgHeap.open({ namespace: 'ame_check' });
      return this.server;
    })();
    return this.starting;
  }

  /** A new namespace on the server, set up by the workload, and a queue on it. */
  async prepare(
    workload: Workload,
    executor: Executor,
    options: { workers: number; seed: number },
  ): Promise<{ heap: PgHeapLike; queue: CheckableQueue }> {
    const server = await this.start();
    const pg = this.module!;
    const heap = await pg.PgHeap.open({
      connectionString: server.connectionString,
      namespace: `ame_check_${process.pid}_${this.counter++}`,
    });
    try {
      try {
        workload.setup(heap as unknown as Heap);
      } catch (error) {
        throw new WorkloadError(
          workload.url,
          `setup(heap) threw on a PgHeap (backend pg supports tvar, tarray and tcounter): ${(error as Error).message}`,
          error,
        );
      }
      const queue = new pg.PgQueue({
        heap,
        workers: options.workers,
        seed: options.seed,
        onError: 'continue',
        recordHistory: true,
        ordered: executor.ordered,
      });
      return { heap, queue };
    } catch (error) {
      await heap.close();
      throw error;
    }
  }

  /** Stops the embedded server (and removes its data directory). */
  async close(): Promise<void> {
    const server = this.server ?? (await this.starting?.catch(() => undefined));
    this.server = undefined;
    this.starting = undefined;
    await server?.close();
  }
}
