/**
 * Executor internals, for @ame/transaction, @ame/gil and @ame/check (import from
 * '@ame/pool/internal'): the queues' base classes, the claim loop and strategy interface,
 * the task context implementation, the batch's shared words. Not a public API: it changes
 * with the executors.
 */
export { copyArgs, TaskContextImpl } from './context.js';
export type { ChildTask } from './context.js';
export { BatchEnv, runBatch } from './execute.js';
export type { BatchOptions, BatchOutput, LeaveCheck, Strategy, TaskFailure } from './execute.js';
export { Attempt, isThenable } from './internal/attempt.js';
export { callWith } from './internal/descriptor.js';
export { TaskLoader } from './loader.js';
export { BaseQueue, InlineQueue, PooledQueue } from './queue.js';
export type { Execution } from './queue.js';
export { deriveSeed, Random } from './random.js';
export {
  ABORTS,
  GATE,
  GIL_WAITERS,
  LOCK,
  MAIN_OWNER,
  MAX_WORKERS,
  NEXT,
  RECALL,
  SharedBatch,
  STOP,
  TURN,
  WAKE,
  WORKERS,
} from './shared-batch.js';
export { WorkerPool } from './worker-pool.js';
