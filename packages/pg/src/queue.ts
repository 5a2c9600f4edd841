/**
 * PgQueue: TransactionQueue's API (add, addMany, run, close, RunReport) over a PgHeap.
 * Worker threads, each with its own connection, run the task modules against the
 * database; several queues, in several processes or machines, may share one namespace.
 *
 * Task path: add -> chunk (main) -> worker: execute (passes, misses fetched in one round
 * trip each) -> commit (one ame_commit round trip per batch) -> outcome -> report.
 *
 * Commit protocol (ame_commit in internal/sql.ts; the worker loop in worker/queue-worker.ts):
 *   Q1  A batch commits in one statement, in its own SERIALIZABLE transaction: it takes the
 *       namespace's advisory lock shared, locks every cell the batch read or wrote in
 *       (obj, idx) order (C1: commits never deadlock each other), then per task validates
 *       its reads (each version seen is still the cell's version), takes nextval(commit_seq)
 *       and applies its writes with that version. A stale task gets seq 0 and runs again.
 *   Q2  Serial order = seq order. Every cell a task read or wrote is locked from before its
 *       nextval until its transaction commits, and its reads are validated under those
 *       locks, so two tasks that touch a common cell get seqs in the order their effects
 *       apply; tasks with disjoint cells commute. Results and final state therefore equal
 *       a sequential run in `commitOrder`, across every queue and process on the namespace.
 *   Q3  Ordered: chunks are consecutive index ranges, numbered in index order; chunk c
 *       commits only at control[TURN] === c, with stop-at-first-conflict, re-executing its
 *       stale suffix while it holds the turn. Commits are thus in index order: results and
 *       state equal SequentialQueue's for any worker count.
 *   Q4  Idempotent commit (C4): every committed task inserts a (run, index) row in the same
 *       transaction. A commit whose reply was lost (connection killed) is re-sent after
 *       reconnecting: tasks whose row exists return their first seq and are not applied
 *       again. The loss is reported in `report.warnings`. Serialization failures (40001)
 *       and deadlocks (40P01) re-send the statement after a backoff.
 *   Q5  A task that called ctx.inevitable() or aborted maxAttempts times runs alone: its
 *       worker holds the namespace's advisory lock exclusively (every commit takes it
 *       shared), reads fresh, commits. No livelock.
 *   Q6  A task that throws fails only if its reads validate (it commits nothing then, but
 *       takes a seq: its place in `serialOrder`); else it runs again.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Value } from '@ame/stm';
import {
  InvalidTaskError,
  QueueClosedError,
  RunInProgressError,
  TaskError,
  WorkerCrashedError,
  rebuildError,
  type ConflictStat,
  type RunOptions,
  type RunReport,
  type TaskCall,
  type TaskHandle,
  type TaskRef,
} from '@ame/pool';
import { copyArgs } from '@ame/pool/internal';
import { PgHeap } from './heap.js';
import {
  CONTROL_WORDS,
  STOP,
  TURN,
  type ChunkMessage,
  type TaskOutcome,
  type WorkerData,
  type WorkerReply,
} from './internal/protocol.js';

/** Options of PgQueue: TransactionQueue's, with a PgHeap. */
export interface PgQueueOptions {
  /** The heap tasks run against (`ctx.heap` in the workers). */
  heap: PgHeap;
  /** Worker threads, each with its own connection. Default os.availableParallelism(). */
  workers?: number;
  /** Commit strictly in index order (results equal SequentialQueue's). Default false. */
  ordered?: boolean;
  /** Seed of ctx.random(). Default 0. */
  seed?: number;
  /** 'stop' rejects run() with the first TaskError; 'continue' records it. Default 'stop'. */
  onError?: 'stop' | 'continue';
  /** Aborts after which a task runs alone (Q5). Default 16. */
  maxAttempts?: number;
  /** Record every task's call (children included) in `report.calls`. Default false. */
  recordHistory?: boolean;
  /** 'enqueue' (default) or 'drop' children added with ctx.add. */
  children?: 'enqueue' | 'drop';
  /** Most tasks a worker executes and commits per round trip. Default 32. */
  batchSize?: number;
}

/** A RunReport with what the database layer adds. */
export interface PgRunReport extends RunReport {
  /** Connection losses the workers recovered from (what happened, what was re-sent). */
  readonly warnings: readonly string[];
}

interface Call {
  module: string;
  name: string;
  args: unknown[];
}

const MAX_WORKERS = 64;

/**
 * Runs tasks in parallel on worker threads, each task a serializable transaction on
 * PostgreSQL: unordered (results and state equal a sequential run in
 * `report.commitOrder`) or ordered (equal to SequentialQueue's).
 *
 * Use it instead of TransactionQueue when the state must outlive the process, be shared
 * by several processes or machines, or outgrow memory; each task then costs database
 * round trips (batched per worker) instead of nanoseconds.
 *
 * @example
 * const heap = await PgHeap.open();
 * const q = new PgQueue({ heap, workers: 4 });
 * q.add(tasks.transfer, 1, 2, 50);
 * const report = await q.run();
 * await q.close(); await heap.close();
 */
export class PgQueue {
  private readonly heap: PgHeap;
  private readonly workers: number;
  private readonly ordered: boolean;
  private readonly seed: number;
  private readonly onError: 'stop' | 'continue';
  private readonly recordHistory: boolean;
  private readonly batchSize: number;
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  private readonly pool: Worker[] = [];
  private readonly ready: Promise<void>;
  private staged: Call[] = [];
  private later: Call[] = [];
  private runNumber = 0;
  private running = false;
  private closed = false;
  /** The reply handler of the current run. */
  private onReply: ((worker: number, reply: WorkerReply) => void) | null = null;
  private onCrash: ((error: Error) => void) | null = null;

  constructor(options: PgQueueOptions) {
    if (!options || typeof options !== 'object')
      throw new InvalidTaskError('PgQueue options must be an object with at least { heap }');
    if (!(options.heap instanceof PgHeap))
      throw new InvalidTaskError('PgQueue option heap must be a PgHeap (await PgHeap.open())');
    this.heap = options.heap;
    const { ns } = this.heap.internals();
    this.workers = checkInt('workers', options.workers ?? os.availableParallelism(), 1, MAX_WORKERS);
    this.ordered = options.ordered ?? false;
    this.seed = options.seed ?? 0;
    if (!Number.isInteger(this.seed))
      throw new InvalidTaskError(`PgQueue option seed must be an integer, got ${String(this.seed)}`);
    this.onError = options.onError ?? 'stop';
    if (this.onError !== 'stop' && this.onError !== 'continue') {
      throw new InvalidTaskError(`PgQueue option onError must be 'stop' or 'continue', got ${String(this.onError)}`);
    }
    const maxAttempts = checkInt('maxAttempts', options.maxAttempts ?? 16, 1, 1e9);
    this.batchSize = checkInt('batchSize', options.batchSize ?? 32, 1, 10_000);
    this.recordHistory = options.recordHistory === true;
    const children = options.children ?? 'enqueue';
    if (children !== 'enqueue' && children !== 'drop') {
      throw new InvalidTaskError(`PgQueue option children must be 'enqueue' or 'drop', got ${String(children)}`);
    }
    const started: Promise<void>[] = [];
    for (let w = 0; w < this.workers; w++) {
      const data: WorkerData = {
        connectionString: this.heap.connectionString,
        ns,
        seed: this.seed,
        worker: w,
        control: this.control.buffer as SharedArrayBuffer,
        onError: this.onError,
        maxAttempts,
        dropChildren: children === 'drop',
      };
      const worker = new Worker(new URL('./worker/queue-worker.js', import.meta.url), { workerData: data });
      this.pool.push(worker);
      started.push(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (reply: WorkerReply) => {
            if (reply.type === 'ready') resolve();
            else if (reply.type === 'fatal' && reply.chunk === -1) reject(rebuildError(reply.error));
            else this.onReply?.(w, reply);
          });
          worker.on('error', (error) => {
            reject(error);
            this.onCrash?.(new WorkerCrashedError(w, error.message, error));
          });
          worker.on('exit', (code) => {
            if (!this.closed) this.onCrash?.(new WorkerCrashedError(w, `exited with code ${code}`));
          });
        }),
      );
    }
    this.ready = Promise.all(started).then(() => {});
    this.ready.catch(() => {}); // surfaces at the first run
  }

  /** Adds a task to the next run; returns its handle (its index in that run). */
  add<A extends readonly unknown[], R>(task: TaskRef<A, R>, ...args: A): TaskHandle<R> {
    if (this.closed) throw new QueueClosedError();
    const ref = checkRef(task);
    const call = { module: ref.module, name: ref.name, args: copyArgs(ref.name, args) };
    if (this.running) {
      this.later.push(call);
      return (this.staged.length + this.later.length - 1) as TaskHandle<R>;
    }
    this.staged.push(call);
    return (this.staged.length - 1) as TaskHandle<R>;
  }

  /** Adds one task per argument tuple, all or nothing; returns the first handle. */
  addMany<A extends readonly unknown[], R>(task: TaskRef<A, R>, argsList: readonly A[]): TaskHandle<R> {
    if (this.closed) throw new QueueClosedError();
    const ref = checkRef(task);
    if (!Array.isArray(argsList)) throw new InvalidTaskError(`addMany(${ref.name}) needs an array of argument tuples`);
    const calls = argsList.map((args, k) => {
      if (!Array.isArray(args))
        throw new InvalidTaskError(`addMany(${ref.name}): entry ${k} must be an array of arguments, got ${typeof args}`);
      return { module: ref.module, name: ref.name, args: copyArgs(`${ref.name} (entry ${k})`, args) };
    });
    const target = this.running ? this.later : this.staged;
    const first = this.running ? this.staged.length + this.later.length : this.staged.length;
    target.push(...calls);
    return first as TaskHandle<R>;
  }

  /** Resolves once every worker has connected. */
  async whenReady(): Promise<void> {
    await this.ready;
  }

  /** Runs every task added since the last run (and their children); resolves to the report. */
  async run(options: RunOptions = {}): Promise<PgRunReport> {
    if (this.closed) throw new QueueClosedError();
    if (this.running) throw new RunInProgressError('run()');
    this.running = true;
    const calls = this.staged;
    this.staged = [];
    const batch = ++this.runNumber;
    const runId = randomUUID();
    const started = performance.now();
    try {
      await this.ready;
      const state = await this.execute(calls, batch, runId, options);
      const report = this.report(calls, state, performance.now() - started);
      const first = report.errors[0];
      if (this.onError === 'stop' && first) {
        Object.defineProperty(first, 'report', { value: report, enumerable: false });
        throw first;
      }
      return report;
    } finally {
      this.onReply = null;
      this.onCrash = null;
      this.running = false;
      this.staged = this.later;
      this.later = [];
      try {
        const { ns, client } = this.heap.internals();
        client.query(`DELETE FROM ${ns}.tasks WHERE run = $1`, [runId]);
      } catch {
        // the heap is closed or the server gone: the rows are harmless
      }
    }
  }

  private execute(calls: Call[], batch: number, runId: string, options: RunOptions): Promise<RunState> {
    const state: RunState = { outcomes: new Map(), aborts: 0, warnings: [] };
    Atomics.store(this.control, TURN, 0);
    Atomics.store(this.control, STOP, 0);
    return new Promise<RunState>((resolve, reject) => {
      let next = 0; // first index not dispatched
      let chunkId = 0;
      let inFlight = 0;
      let stopping = false;
      let failed: Error | null = null;
      const idle: number[] = [];
      const buffered = new Map<number, WorkerReply & { type: 'done' }>();
      let nextToApply = 0;
      let lastProgress = 0;
      const progress = (): void => {
        if (!options.onProgress) return;
        const now = performance.now();
        if (now - lastProgress < 50 && inFlight > 0) return;
        lastProgress = now;
        let committed = 0;
        for (const o of state.outcomes.values()) if (!o.error) committed++;
        options.onProgress({ committed, finished: state.outcomes.size, total: calls.length });
      };
      const dispatch = (): void => {
        while (idle.length > 0 && next < calls.length && !stopping && !failed) {
          const left = calls.length - next;
          const size = Math.max(1, Math.min(this.batchSize, Math.ceil(left / this.workers)));
          const tasks = [];
          for (let i = next; i < next + size && i < calls.length; i++) tasks.push({ index: i, ...calls[i]! });
          next += tasks.length;
          const msg: ChunkMessage = { type: 'chunk', run: runId, batch, chunk: chunkId++, ordered: this.ordered, tasks };
          inFlight++;
          this.pool[idle.pop()!]!.postMessage(msg);
        }
        if (inFlight === 0 && (next >= calls.length || stopping || failed)) {
          progress();
          if (failed) reject(failed);
          else resolve(state);
        }
      };
      const apply = (reply: WorkerReply & { type: 'done' }): void => {
        state.aborts += reply.aborts;
        state.warnings.push(...reply.warnings);
        for (const o of reply.outcomes) {
          state.outcomes.set(o.index, o);
          if (o.error && this.onError === 'stop') stopping = true;
          if (o.afterCommitError && this.onError === 'stop') stopping = true;
          for (const child of o.children) calls.push(child);
        }
        if (reply.stopped) stopping = true;
      };
      this.onReply = (worker, reply) => {
        if (reply.type === 'done') {
          inFlight--;
          idle.push(worker);
          if (this.ordered) {
            buffered.set(reply.chunk, reply);
            for (let r = buffered.get(nextToApply); r; r = buffered.get(nextToApply)) {
              buffered.delete(nextToApply++);
              apply(r);
            }
          } else {
            apply(reply);
          }
          progress();
          dispatch();
        } else if (reply.type === 'fatal') {
          inFlight--;
          idle.push(worker);
          failed ??= rebuildError(reply.error);
          dispatch();
        }
      };
      this.onCrash = (error) => {
        failed ??= error;
        reject(error);
      };
      for (let w = this.workers - 1; w >= 0; w--) idle.push(w);
      dispatch();
    });
  }

  private report(calls: Call[], state: RunState, durationMs: number): PgRunReport {
    const count = calls.length;
    const results = new Array<Value | undefined>(count).fill(undefined);
    const errors: TaskError[] = [];
    const order: TaskOutcome[] = [];
    const conflictCounts = new Map<string, number>();
    for (const o of state.outcomes.values()) {
      order.push(o);
      for (const key of o.conflicts) conflictCounts.set(key, (conflictCounts.get(key) ?? 0) + 1);
      const call = calls[o.index]!;
      const info = { index: o.index, task: call.name, args: call.args as Value[], attempt: o.attempt };
      if (o.error) {
        errors.push(new TaskError(info, rebuildError(o.error)));
        continue;
      }
      results[o.index] = o.result as Value;
      if (o.afterCommitError) errors.push(new TaskError({ ...info, phase: 'afterCommit' }, rebuildError(o.afterCommitError)));
    }
    order.sort((a, b) => a.seq - b.seq);
    errors.sort((a, b) => a.index - b.index || (a.phase === 'task' ? -1 : 1));
    const serialOrder = order.map((o) => o.index);
    const commitOrder = order.filter((o) => !o.error).map((o) => o.index);
    const conflicts: ConflictStat[] = [...conflictCounts]
      .map(([key, n]) => ({ key, count: n, pairs: [] }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    const callsOut: TaskCall[] | undefined = this.recordHistory
      ? calls.map((c) => ({ module: c.module, task: c.name, args: c.args as Value[] }))
      : undefined;
    const report = {
      mode: 'transaction',
      ordered: this.ordered,
      workers: this.workers,
      seed: this.seed,
      tasks: count,
      commits: commitOrder.length,
      aborts: state.aborts,
      results,
      errors,
      commitOrder,
      serialOrder,
      conflicts,
      durationMs,
      policy: 'parallel',
      inlineTasks: 0,
      warnings: state.warnings,
      ...(callsOut ? { calls: callsOut } : {}),
    } as Omit<PgRunReport, 'result'> as PgRunReport;
    Object.defineProperty(report, 'result', {
      value: <R>(handle: TaskHandle<R>): R | undefined => results[handle] as R | undefined,
      enumerable: false,
    });
    return report;
  }

  /** Stops the workers and closes their connections. The queue cannot run again. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.pool.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 5000);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.postMessage({ type: 'close' });
          }),
      ),
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

interface RunState {
  outcomes: Map<number, TaskOutcome>;
  aborts: number;
  warnings: string[];
}

function checkInt(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidTaskError(`PgQueue option ${option} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function checkRef(ref: unknown): TaskRef {
  const r = ref as TaskRef | null | undefined;
  if (!r || typeof r !== 'object' || typeof r.module !== 'string' || typeof r.name !== 'string') {
    throw new InvalidTaskError('add() needs a task reference from taskModule(url).name as its first argument');
  }
  return r;
}
