/**
 * The GIL strategy: each whole task runs under one global lock (LOCK), so tasks never
 * overlap and never conflict. With `ordered`, a task also waits for its turn first, so
 * tasks run in index order. SequentialQueue runs this same strategy on the main thread,
 * where the lock is never contended.
 *
 *  G1. LOCK is held from before the transaction begins until after it ended, so no two
 *      tasks' transactions overlap: every commit succeeds on its first attempt.
 *     So the heap is used in direct mode (no old versions, no validation): tasks pay for
 *     a lock and buffered writes, not for multi-versioning.
 *  G2. Ordered: TURN is waited for before LOCK and advanced after the task finished.
 *  G3. On the calling thread (SequentialQueue, or the inline policy) while no worker runs
 *      the batch, there is nobody to exclude: LOCK is not taken (INLINE is set for the whole
 *      inline stretch and workers only start after it).
 *  G4. Unordered, a worker keeps LOCK across tasks for a time slice (SLICE_MS, as
 *      CPython's switch interval), and always gives it up before it waits for anything
 *      (no task to claim: `idle()`) or leaves the batch. At the end of a slice, if another
 *      worker waits (GIL_WAITERS > 0), the holder lets it take LOCK before trying again:
 *      one task runs at a time, and the lock changes hands once per slice, not per task.
 *  G5. A dead worker (recoverOwner, main thread, after its 'exit' event): the heap repairs
 *      its cells first (a direct-mode commit writes in place: only the heap's recovery can
 *      undo half of one), then LOCK is released if it held it.
 */
import {
  type BatchEnv,
  type DeadOwner,
  GIL_WAITERS,
  type HeapRecovery,
  LOCK,
  MAIN_OWNER,
  recoverHeapOwner,
  STOP,
  type Strategy,
  TURN,
} from '@ame/pool/internal';

/** How long a worker keeps the global lock across tasks (G4). */
const SLICE_MS = 5;
/** How long a holder at the end of its slice waits for a waiting worker to take LOCK. */
const HANDOFF_MS = 0.5;

class GilStrategy implements Strategy {
  /** This worker holds LOCK (G4), since `since`. */
  private holding = false;
  private since = 0;

  constructor(private readonly env: BatchEnv) {}

  run(): void {
    const { env } = this;
    const ordered = env.options.ordered;
    const index = env.index;
    const alone = env.owner === MAIN_OWNER; // G3
    if (ordered && !this.waitTurn(index)) return env.abandoned();
    try {
      if (env.stopping) return env.abandoned();
      if (!alone && !this.holding) this.take(); // G1
      // G1 makes this transaction the only one running: commit in place, unversioned. Only
      // for the task: the thread's other transactions (the caller's, on the main thread)
      // stay versioned.
      env.control.direct = true;
      try {
        // One attempt: under the lock nothing can conflict (G1), and a direct-mode commit
        // does not validate, so it cannot fail.
        env.control.begin(index + 1);
        if (!env.attempt(0)) {
          env.control.readsCurrent(); // true under the lock; places the failure in the serial order
          env.control.abort('error');
          return env.failed(0, env.error);
        }
        if (!env.control.commit()) throw new Error('GilStrategy: a direct-mode commit failed (G1 broken)');
        return env.committed(0);
      } finally {
        env.control.direct = false;
        if (this.holding && (ordered || performance.now() - this.since > SLICE_MS)) this.release(!ordered); // G4
      }
    } finally {
      if (ordered) {
        Atomics.store(env.batch.control, TURN, index + 1); // G2
        env.batch.wake();
      }
    }
  }

  /** G5: repairs what a dead worker held (main thread, before its tasks run again). */
  recoverOwner(dead: DeadOwner): HeapRecovery | undefined {
    const recovered = recoverHeapOwner(this.env.heap, dead);
    if (Atomics.load(this.env.batch.control, LOCK) === dead.owner + 1) this.env.batch.unlock(LOCK);
    return recovered;
  }

  /** Already alone under the lock: nothing to do. */
  inevitable(): void {}

  /** G4: gives LOCK up before the thread waits or leaves the batch. */
  idle(): void {
    if (this.holding) this.release(false);
  }

  /** Takes LOCK, sleeping on it while another worker holds it. */
  private take(): void {
    const control = this.env.batch.control;
    const mine = this.env.owner + 1;
    while (Atomics.compareExchange(control, LOCK, 0, mine) !== 0) {
      Atomics.add(control, GIL_WAITERS, 1);
      const holder = Atomics.load(control, LOCK);
      if (holder !== 0) Atomics.wait(control, LOCK, holder, 20);
      Atomics.sub(control, GIL_WAITERS, 1);
    }
    this.holding = true;
    this.since = performance.now();
  }

  /** Gives LOCK up; `handOff`: let a waiting worker take it before this one tries again (G4). */
  private release(handOff: boolean): void {
    const control = this.env.batch.control;
    this.holding = false;
    Atomics.store(control, LOCK, 0);
    if (Atomics.load(control, GIL_WAITERS) === 0) return;
    Atomics.notify(control, LOCK);
    if (!handOff) return;
    const until = performance.now() + HANDOFF_MS;
    while (Atomics.load(control, LOCK) === 0 && performance.now() < until) {}
  }

  private waitTurn(index: number): boolean {
    const control = this.env.batch.control;
    if (Atomics.load(control, TURN) !== index) {
      this.env.batch.waitUntil(() => Atomics.load(control, TURN) === index || Atomics.load(control, STOP) === 2, 20);
    }
    return Atomics.load(control, TURN) === index;
  }
}

/** Entry point the pool worker imports (and SequentialQueue calls directly). */
export function createStrategy(env: BatchEnv): Strategy {
  return new GilStrategy(env);
}
