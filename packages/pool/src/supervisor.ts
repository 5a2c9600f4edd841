/**
 * One batch on the pool, watched from the main thread: collects the workers' outputs,
 * notices a worker's death (its 'exit' event), repairs what it held, hands its unfinished
 * claim to a replacement, and (with a task timeout) terminates a worker whose task runs
 * too long. Nothing here runs per task: the workers never message the main thread while
 * a batch runs, and the watchdog only reads shared words on a timer.
 *
 * A worker's life in a batch:
 *
 *   running ──'done'──> settled
 *      │
 *      ├─ dies (process.exit, fault point, uncaught error)  ─┐
 *      └─ watchdog: KILL, terminate (taskTimeoutMs) ─────────┤
 *                                                            v
 *            'exit' event: S1 repair, S2 account, S3 decide, S4 replace ──> running
 *
 *  S1. Repair first: the strategy's recoverOwner (heap cell locks, an interrupted commit,
 *      LOCK, GATE) and the pool's LOG_LOCK, synchronously in the exit handler, before the
 *      replacement or any re-run starts. Other workers may wait on what the dead one held
 *      until then; none proceeds past it.
 *  S2. Account (B6): the dead owner's first unfinished task r = CLAIM_START + FINISHED -
 *      CLAIM_BASE. If r's outcome is recorded it finished but was not counted: count it.
 *      If the heap reports that the owner's last commit was r's (tag r + 1, newer than the
 *      batch), r committed but was not recorded: record it, with a WorkerCrashedError in
 *      phase 'afterCommit' (its result survives only if it was in the result log). Ordered: a turn the dead owner finished
 *      but did not pass on (TURN in [CLAIM_START, r)) moves to r (B3).
 *  S3. Decide r's fate: timed out (the watchdog killed it while r ran) -> fails with
 *      TaskTimeoutError, unless its snapshot went stale meanwhile (the heap's clock moved)
 *      and it was not re-run for that yet: then it is re-run once; died on its own -> one
 *      more crash of r: at maxCrashes it fails with WorkerCrashedError, else it re-runs.
 *      The rest of the claim re-runs, uncharged. While the batch is stopping the claim is
 *      abandoned (counted finished) instead.
 *  S4. Replace: a fresh worker takes the dead one's owner number; its first 'run' message
 *      carries [r, CLAIM_END) and the tasks of it that must fail. Failing goes through the
 *      strategy like any task error (ordered: at its turn), so the run goes on.
 *  W1. Watchdog: a worker is timed while its first unfinished task stays the same and it
 *      is not blocked by another (ordered: the task holds TURN; otherwise LOCK is free or
 *      its own). Past taskTimeoutMs: KILL (B7), then terminate().
 */
import { rebuildError, serializeError, TaskTimeoutError, WorkerCrashedError } from './errors.js';
import type { BatchOptions, BatchOutput, DeadOwner, HeapRecovery } from './execute.js';
import {
  FINISHED,
  KILL,
  LOCK,
  LOG_LOCK,
  R_NONE,
  R_UNDEFINED,
  STOP,
  TURN,
  type SharedBatch,
  CLAIM_START,
} from './shared-batch.js';
import type { PoolWorker } from './worker-pool.js';
import type { FromWorker, ToWorker } from './worker/main.js';

/** What the queue sets for one run of the pool. */
export interface RunLimits {
  /** A task whose worker died this many times fails with WorkerCrashedError. */
  readonly maxCrashes: number;
  /** A task running longer is stopped (Infinity: never). */
  readonly taskTimeoutMs: number;
  /** The heap's version clock now (for S2 and S3). */
  readonly clock: () => number;
}

/** What a run of the pool gives back. */
export interface PoolRun {
  outputs: BatchOutput[];
  /** Workers that died by themselves during the run. */
  crashes: number;
  /** Workers replaced during the run (crashes and timeouts). */
  restarts: number;
}

interface PoolHooks {
  replace(owner: number): Promise<PoolWorker>;
  recover(dead: DeadOwner): HeapRecovery | undefined;
}

/** A worker the watchdog is timing: since when its first unfinished task has been `index`. */
interface Timing {
  index: number;
  finished: number;
  since: number;
  clock: number;
}

export class Supervisor {
  private readonly outputs: BatchOutput[] = [];
  /** Failures the main thread records (S2), as one more output. */
  private readonly own: BatchOutput = { results: [], failures: [], conflicts: [], history: [], ran: 0 };
  private readonly pending = new Set<number>();
  /** Owners whose replacement is starting (not timed: nothing of theirs runs yet). */
  private readonly replacing = new Set<number>();
  private readonly crashCounts = new Map<number, number>();
  /** Tasks re-run once already because their snapshot went stale while timed (S3). */
  private readonly staleReruns = new Set<number>();
  /** Owners the watchdog is terminating, with the task it timed. */
  private readonly killing = new Map<number, Timing & { rerun: boolean }>();
  private readonly timing: (Timing | undefined)[] = [];
  private crashes = 0;
  private restarts = 0;
  private readonly clockAtStart: number;
  private settle: ((run: PoolRun) => void) | undefined;
  private fail: ((error: Error) => void) | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly batch: SharedBatch,
    private readonly options: BatchOptions,
    private readonly limits: RunLimits,
    private readonly workers: PoolWorker[],
    private readonly hooks: PoolHooks,
  ) {
    this.clockAtStart = limits.clock();
  }

  run(): Promise<PoolRun> {
    return new Promise<PoolRun>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
      for (const w of this.workers) this.start(w);
      const limit = this.limits.taskTimeoutMs;
      if (limit !== Infinity) this.watchdog = setInterval(() => this.watch(), Math.max(1, Math.min(100, limit / 4)));
    });
  }

  /** Ends the run with `error` (the queue is closing). */
  abort(error: Error): void {
    this.end(error);
  }

  /** Posts the batch to `w` and listens for its output. */
  private start(w: PoolWorker, resume?: ToWorker & { type: 'run' }): void {
    this.workers[w.owner] = w;
    this.pending.add(w.owner);
    this.replacing.delete(w.owner);
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'done') {
        w.worker.off('message', onMessage);
        this.outputs.push(message.output);
        this.pending.delete(w.owner);
        if (this.pending.size === 0) this.end();
      } else if (message.type === 'fatal') {
        w.worker.off('message', onMessage);
        this.end(new WorkerCrashedError(w.owner, `its claim loop failed: ${message.error.message}`, rebuildError(message.error)));
      }
    };
    w.worker.on('message', onMessage);
    w.worker.postMessage(resume ?? ({ type: 'run', options: this.options } satisfies ToWorker));
  }

  /** A worker's 'exit' event during the run (S1-S4). */
  died(w: PoolWorker, code: number): void {
    if (!this.settle) {
      this.hooks.recover({ owner: w.owner, threadId: w.threadId }); // the run is over: repair only
      return;
    }
    const { batch } = this;
    const c = batch.control;
    const owner = w.owner;
    const killed = this.killing.get(owner);
    this.killing.delete(owner);
    this.timing[owner] = undefined;
    const detail = killed
      ? 'terminated after taskTimeoutMs'
      : `it exited with code ${code}${w.lastError ? ` (${w.lastError.name}: ${w.lastError.message})` : ''}`;
    // S1: repair before anything else runs on what it held.
    const heap = this.hooks.recover({ owner, threadId: w.threadId });
    if (Atomics.load(c, LOG_LOCK) === owner + 1) batch.unlock(LOG_LOCK);
    // S2: how far it got.
    const start = c[CLAIM_START(owner)]!;
    let { index, end } = batch.runningIndex(owner);
    if (index < end) {
      batch.views();
      if (batch.outcome[index] !== R_NONE) {
        batch.finish(owner); // recorded, not counted
        index++;
      } else if (heap && heap.tag === index + 1 && heap.version > this.clockAtStart) {
        batch.recordOutcome(index, R_UNDEFINED, heap.version); // committed, not recorded
        const error = new WorkerCrashedError(
          owner,
          `task ${index} committed, then its worker died before reporting its result: ${detail}`,
        );
        this.own.failures.push({ index, attempt: 0, phase: 'afterCommit', error: serializeError(error) });
        if (this.options.onError === 'stop') Atomics.store(c, STOP, 1);
        batch.finish(owner);
        index++;
      }
    }
    if (this.options.ordered) {
      const turn = Atomics.load(c, TURN);
      if (turn >= start && turn < index) Atomics.store(c, TURN, index); // B3: pass on the turn it finished
    }
    // S3: what becomes of the task it was running.
    const fail: [number, ReturnType<typeof serializeError>][] = [];
    if (index < end) {
      if (killed && killed.index === index) {
        if (!killed.rerun) {
          const task = batch.taskName(batch.taskId(index)).name;
          fail.push([index, serializeError(new TaskTimeoutError(task, index, this.limits.taskTimeoutMs))]);
        }
      } else if (!killed) {
        const n = (this.crashCounts.get(index) ?? 0) + 1;
        this.crashCounts.set(index, n);
        if (n >= this.limits.maxCrashes) {
          const task = batch.taskName(batch.taskId(index)).name;
          const why = `task ${index} (${task}) was running each of the ${n} times its worker died (maxCrashes ${this.limits.maxCrashes}); the last time ${detail}`;
          fail.push([index, serializeError(new WorkerCrashedError(owner, why))]);
        }
      }
    }
    if (!killed) this.crashes++;
    this.restarts++;
    if (Atomics.load(c, STOP) !== 0 && index < end) {
      batch.finish(owner, end - index); // stopping: abandoned, as its claim loop would have
      index = end;
    }
    batch.handOver(owner, index, end);
    batch.wake();
    // S4: a fresh worker takes over.
    this.pending.add(owner);
    this.replacing.add(owner);
    this.hooks.replace(owner).then(
      (fresh) => {
        if (!this.settle) return;
        this.start(fresh, { type: 'run', options: this.options, resume: { from: index, end, fail } });
      },
      (error: unknown) => this.end(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** W1: times each worker's current task; terminates those past the limit. */
  private watch(): void {
    const { batch, limits } = this;
    const c = batch.control;
    const now = performance.now();
    for (const w of this.workers) {
      const owner = w.owner;
      if (!this.pending.has(owner) || this.killing.has(owner) || this.replacing.has(owner)) continue;
      const { index, end } = batch.runningIndex(owner);
      const lock = Atomics.load(c, LOCK);
      const blocked = this.options.ordered ? Atomics.load(c, TURN) !== index : lock !== 0 && lock !== owner + 1;
      if (index >= end || blocked) {
        this.timing[owner] = undefined;
        continue;
      }
      const finished = Atomics.load(c, FINISHED(owner));
      const t = this.timing[owner];
      if (!t || t.index !== index || t.finished !== finished) {
        this.timing[owner] = { index, finished, since: now, clock: limits.clock() };
        continue;
      }
      if (now - t.since < limits.taskTimeoutMs) continue;
      // S3: a stale snapshot may be what keeps it looping: re-run it once before failing it.
      const rerun = limits.clock() > t.clock && !this.staleReruns.has(index);
      if (rerun) this.staleReruns.add(index);
      this.killing.set(owner, { ...t, rerun });
      Atomics.store(c, KILL(owner), 1); // B7: it parks rather than claim again
      void w.worker.terminate();
    }
  }

  private end(error?: Error): void {
    const settle = this.settle;
    const fail = this.fail;
    if (!settle || !fail) return;
    this.settle = undefined;
    this.fail = undefined;
    clearInterval(this.watchdog);
    if (error) fail(error);
    else settle({ outputs: [...this.outputs, this.own], crashes: this.crashes, restarts: this.restarts });
  }
}
