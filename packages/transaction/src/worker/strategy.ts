/**
 * The TransactionQueue's strategy: when a task, executed speculatively as a transaction,
 * may commit. Loaded by every pool worker.
 *
 * Per task (Block-STM-style preset order in ordered mode, optimistic otherwise):
 *
 *   begin ─> execute ─> [ordered: wait for TURN == index] ─> commit point
 *      ^                                                        │
 *      │      conflict (a read changed) / RETRY                 │
 *      └────────────────────────────────────────────────────────┤
 *                                   committed / failed / abandoned ─> finish (ordered: TURN++)
 *
 * Rules:
 *  R1. Ordered: a task commits only when TURN == its index, after moving its snapshot to
 *      now (extend: every read still current, else it re-runs), and advances TURN exactly
 *      once, when it finishes (B3). While it holds the turn nobody else commits, so a re-run at
 *      the turn (after a conflict) reads current state and commits.
 *  R2. Unordered: a commit runs inside its thread's GATE word (1 while committing, set
 *      before LOCK is checked); an inevitable task takes LOCK, then waits until every
 *      GATE is 0, so none commits while it runs. Both sides store, then load the other's
 *      word (sequentially consistent): one of them always sees the other. Per-thread
 *      gates keep commits of different threads off a shared cache line.
 *  R3. An exception counts only if the task's reads are current at its commit point;
 *      otherwise the task is re-run, as after any conflict.
 *  R4. After maxAttempts aborts a task runs exclusive from its start (turn or LOCK first,
 *      then a fresh snapshot): it cannot abort again, so every run finishes.
 *  R5. inevitable() mid-task takes exclusivity, then moves the snapshot to now (extend);
 *      if a read went stale it re-runs the task from the start (RETRY), still exclusive.
 *  R6. A dead worker (recoverOwner, on the main thread, after its 'exit' event): first the
 *      heap repairs its cells (an interrupted commit rolled forward or back, its locks
 *      released), then its GATE is cleared and LOCK released if it held it (it died
 *      committing, or inevitable): no commit and no inevitable task waits on a dead owner.
 *      Its turn (ordered) stays where it is: the replacement re-runs the task at it.
 */
import {
  ABORTS,
  type BatchEnv,
  type DeadOwner,
  GATE,
  type HeapRecovery,
  LOCK,
  MAIN_OWNER,
  recoverHeapOwner,
  STOP,
  type Strategy,
  TURN,
  type TaskContextImpl,
  WORKERS,
} from '@ame/pool/internal';

/** Thrown through user code by inevitable() to re-run the task; not an Error, no stack. */
const RETRY: unique symbol = Symbol('ame.retry');
/** Thrown through user code when the batch is aborted while waiting. */
const ABANDON: unique symbol = Symbol('ame.abandon');

class TransactionStrategy implements Strategy {
  /** The running task holds its turn (ordered) or LOCK (unordered). */
  private exclusive = false;
  private current = -1;

  constructor(private readonly env: BatchEnv) {}

  run(): void {
    const { env } = this;
    const { ordered, maxAttempts } = env.options;
    const index = env.index;
    this.current = index;
    this.exclusive = false;
    for (let attempt = 0; ; attempt++) {
      if (!ordered && env.stopping) return this.end(() => env.abandoned());
      if (attempt >= maxAttempts && !this.exclusive && !this.takeExclusive()) {
        return this.end(() => env.abandoned()); // R4 (batch aborted while waiting)
      }
      env.control.begin(index + 1);
      const ok = env.attempt(attempt);
      if (!ok && env.error === ABANDON) {
        env.control.abort('conflict');
        return this.end(() => env.abandoned());
      }
      // The commit point.
      if (ordered && !this.exclusive && !this.waitTurn()) {
        env.control.abort('conflict');
        return this.end(() => env.abandoned());
      }
      if (ordered && env.stopping) {
        env.control.abort('conflict');
        return this.end(() => env.abandoned());
      }
      const gated = !ordered && !this.exclusive;
      if (gated) this.enterGate();
      try {
        if (!ok) {
          if (env.error !== RETRY && env.control.readsCurrent()) {
            env.control.abort('error'); // R3: the error is the task's own
            return this.end(() => env.failed(attempt, env.error));
          }
          this.lost(index);
          continue;
        }
        // R1: at its turn an ordered task moves its snapshot to now, re-running if a read
        // went stale. This also covers attempts that wrote nothing, which commit() alone
        // never validates, and places them in the serial order at their turn.
        if (ordered && !env.control.extend()) {
          this.lost(index);
          continue;
        }
        if (env.control.commit()) return this.end(() => env.committed(attempt));
        this.lost(index);
      } finally {
        if (gated) this.leaveGate();
      }
    }
  }

  /** ctx.inevitable(): R5. */
  inevitable(_ctx: TaskContextImpl): void {
    if (this.exclusive) return;
    if (!this.takeExclusive()) throw ABANDON;
    if (!this.env.control.extend()) throw RETRY;
  }

  /** R6: repairs what a dead worker held (main thread, before its tasks run again). */
  recoverOwner(dead: DeadOwner): HeapRecovery | undefined {
    const { env } = this;
    const recovered = recoverHeapOwner(env.heap, dead); // cells first
    const control = env.batch.control;
    const gate = GATE(dead.owner);
    if (Atomics.load(control, gate) !== 0) {
      Atomics.store(control, gate, 0);
      Atomics.notify(control, gate);
    }
    if (Atomics.load(control, LOCK) === dead.owner + 1) env.batch.unlock(LOCK);
    return recovered;
  }

  /** Bookkeeping of a conflict abort: the key and the task that won. */
  private lost(index: number): void {
    const { env } = this;
    const conflict = env.control.conflict();
    if (env.control.active) env.control.abort('conflict');
    if (conflict) env.conflict(index, conflict.key, conflict.writer - 1);
    Atomics.add(env.batch.control, ABORTS, 1);
  }

  /** Finishes the task, then gives back its exclusivity and (ordered) its turn. */
  private end(finish: () => void): void {
    const { env } = this;
    const control = env.batch.control;
    if (env.options.ordered) {
      finish();
      Atomics.store(control, TURN, this.current + 1); // R1 / B3: exactly once per task
      env.batch.wake(); // B5
    } else {
      finish();
      if (this.exclusive) env.batch.unlock(LOCK);
    }
    this.exclusive = false;
  }

  /** Waits for exclusivity: the turn (ordered) or LOCK with no commit in flight (unordered). */
  private takeExclusive(): boolean {
    const { env } = this;
    if (env.options.ordered) {
      if (!this.waitTurn()) return false;
    } else {
      env.batch.lock(LOCK, env.owner);
      const control = env.batch.control;
      const workers = Atomics.load(control, WORKERS);
      for (let o = 0; o <= workers; o++) {
        // R2: LOCK is held (stored); now let commits in flight finish (owners 0..WORKERS-1, then MAIN_OWNER).
        const gate = GATE(o === workers ? MAIN_OWNER : o);
        while (Atomics.load(control, gate) !== 0) Atomics.wait(control, gate, 1, 1);
      }
    }
    this.exclusive = true;
    return true;
  }

  /** Ordered: blocks until TURN reaches this task; false if the batch is aborted (STOP 2). */
  private waitTurn(): boolean {
    const control = this.env.batch.control;
    if (Atomics.load(control, TURN) !== this.current) this.env.batch.waitUntil(this.turnOrAbort, 20);
    return Atomics.load(control, TURN) === this.current;
  }

  private readonly turnOrAbort = (): boolean => {
    const control = this.env.batch.control;
    return Atomics.load(control, TURN) === this.current || Atomics.load(control, STOP) === 2;
  };

  /** R2: enter the commit gate unless an inevitable task holds LOCK. */
  private enterGate(): void {
    const control = this.env.batch.control;
    const gate = GATE(this.env.owner);
    for (;;) {
      Atomics.store(control, gate, 1); // R2: gate first, then look at LOCK
      const holder = Atomics.load(control, LOCK);
      if (holder === 0) return;
      Atomics.store(control, gate, 0);
      Atomics.notify(control, gate);
      Atomics.wait(control, LOCK, holder, 1);
    }
  }

  private leaveGate(): void {
    const control = this.env.batch.control;
    const gate = GATE(this.env.owner);
    Atomics.store(control, gate, 0);
    if (Atomics.load(control, LOCK) !== 0) Atomics.notify(control, gate);
  }
}

/** Entry point the pool worker imports. */
export function createStrategy(env: BatchEnv): Strategy {
  return new TransactionStrategy(env);
}
