/** What the runner needs from an executor: open a session per variant, run it, close it. */
import type { Op, Results, State, Variant } from '../workloads/types.js';

/** How an executor's final state is checked against plain sequential JavaScript. */
export type CheckKind =
  /** Same order as plain JS: state and every result must be equal. */
  | 'exact'
  /** Unordered queue: equal to plain JS replayed in the report's commitOrder. */
  | 'commit-order'
  /** Order unknown (locks): the variant's invariants, and exact equality for order-free variants. */
  | 'invariants';

/** One measured run. */
export interface RunOutcome {
  /** Wall time of the run as a user pays it (adding the tasks included, state set-up excluded). */
  readonly ms: number;
  /** Of `ms`, the time spent adding tasks (queues) or writing ops to shared memory (locks). */
  readonly addMs?: number;
  readonly commits: number;
  /** Aborted attempts, or null where the executor has no aborts (plain JS, locks). */
  readonly aborts: number | null;
  /** Times a thread slept on a lock (lock-based executor only). */
  readonly lockWaits?: number;
  readonly results: Results;
  readonly state: State;
  /** Commit order of an unordered queue run. */
  readonly commitOrder?: readonly number[];
  /** Bytes of shared state after the run (STM heap bytes used, or the lock SAB), if any. */
  readonly sharedBytes: number | null;
  /** Tasks that failed (queues), as messages. */
  readonly errors: readonly string[];
  /** Queues: where the batch ran ('inline' on the calling thread, or 'parallel' on the workers). */
  readonly policy?: 'inline' | 'parallel';
  /** Queues: tasks the calling thread ran (all of them when the policy is 'inline'). */
  readonly inlineTasks?: number;
}

/**
 * How a first batch starts, on a fresh heap and queue: 'warm' awaits `queue.ready()`
 * (worker start-up excluded) and runs one warm-up batch of one empty task before the timed
 * add + run; 'ready' only awaits `queue.ready()` (the first task latency of a new queue);
 * 'cold' times from `new Queue()` to the end of the first run, as a user who does not
 * wait for the workers pays it.
 */
export type FirstBatchStart = 'warm' | 'ready' | 'cold';

export interface Session {
  /** Resets the state to the variant's initial state (not timed), then runs every op. */
  run(ops: readonly Op[]): Promise<RunOutcome>;
  close(): Promise<void>;
}

export interface Executor {
  /** Stable id, with the worker count: `tq-unordered-2`. */
  readonly id: string;
  /** Family, for charts: `TransactionQueue unordered`. */
  readonly family: string;
  /** Table label: `TransactionQueue unordered (2 workers)`. */
  readonly label: string;
  readonly workers: number;
  readonly about: string;
  readonly check: CheckKind;
  open(variant: Variant): Promise<Session>;
  /**
   * Queues only: one run of `ops` on a fresh heap and a fresh queue (closed afterwards),
   * started as `start` says. Its `ms` is add + run (plus queue creation when cold).
   */
  firstBatch?(variant: Variant, ops: readonly Op[], start: FirstBatchStart): Promise<RunOutcome>;
}
