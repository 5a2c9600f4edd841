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
 */
import { LOCK, STOP, TURN, WAKE, type BatchEnv, type ClaimedTask, type Strategy } from '@ame/pool';

class GilStrategy implements Strategy {
  constructor(private readonly env: BatchEnv) {}

  run(task: ClaimedTask): void {
    const { env } = this;
    const ordered = env.options.ordered;
    if (ordered && !this.waitTurn(task.index)) return env.abandoned();
    try {
      if (env.stopping) return env.abandoned();
      env.batch.lock(LOCK, env.owner); // G1
      // G1 makes this transaction the only one running: commit in place, unversioned. Only
      // for the task: the thread's other transactions (the caller's, on the main thread)
      // stay versioned.
      env.control.direct = true;
      try {
        for (let attempt = 0; ; attempt++) {
          env.control.begin(task.index + 1);
          const outcome = env.attempt(task, attempt);
          if (!outcome.ok) {
            env.control.readsCurrent(); // true under the lock; places the failure in the serial order
            env.control.abort('error');
            return env.failed(task, attempt, outcome.error);
          }
          if (env.control.commit()) return env.committed(task, outcome.result, attempt);
          // Only a transaction outside this queue (heap.atomically elsewhere) can get here.
        }
      } finally {
        env.control.direct = false;
        env.batch.unlock(LOCK);
      }
    } finally {
      if (ordered) {
        Atomics.store(env.batch.control, TURN, task.index + 1); // G2
        env.batch.wake();
      }
    }
  }

  /** Already alone under the lock: nothing to do. */
  inevitable(): void {}

  private waitTurn(index: number): boolean {
    const control = this.env.batch.control;
    for (;;) {
      const seen = Atomics.load(control, WAKE);
      if (Atomics.load(control, TURN) === index) return true;
      if (Atomics.load(control, STOP) === 2) return false;
      this.env.batch.waitForChange(seen, 20);
    }
  }
}

/** Entry point the pool worker imports (and SequentialQueue calls directly). */
export function createStrategy(env: BatchEnv): Strategy {
  return new GilStrategy(env);
}
