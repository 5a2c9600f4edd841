/**
 * Executor internals, for @ame/transaction, @ame/gil and @ame/check (import from
 * '@ame/pool/internal'): the queues' base classes, the claim loop and strategy interface,
 * the task context implementation, the batch's shared words. Not a public API: it changes
 * with the executors.
 */
export { copyArgs, TaskContextImpl } from './context.js';
export type { ChildTask } from './context.js';
export { BatchEnv, recoverHeapOwner, runBatch } from './execute.js';
export type {
  BatchOptions,
  BatchOutput,
  DeadOwner,
  HeapRecovery,
  LeaveCheck,
  Resume,
  Strategy,
  TaskFailure,
} from './execute.js';
export { armFaults, FAULT_EXIT_CODE, FAULTS, faultPoint, parseFaults } from './fault.js';
export type { FaultKind } from './fault.js';
export { Attempt, isThenable } from './internal/attempt.js';
export { callWith } from './internal/descriptor.js';
export { importModule, isTypeScriptModule, nodeStripsTypes } from './internal/import-module.js';
export { TaskLoader } from './loader.js';
export {
  INLINE_MARGIN,
  MAX_PATIENCE,
  MEASURE_MS,
  MIN_PATIENCE,
  MIN_JUDGED_MS,
  PolicyMemory,
  RECALL_GAIN,
  RECALL_WINDOW_MS,
  RECALL_WINDOWS,
  RECENT,
  RecallWatch,
  SAME_SIZE,
} from './internal/recall.js';
export { createWarmUpHeap, SETTLE_MAX_MS, settled, warmUp } from './internal/warm-up.js';
export type { WarmUpSummary } from './internal/warm-up.js';
export { WARM_UP_MAX_ATTEMPTS } from './internal/warm-up-tasks.js';
export { BaseQueue, InlineQueue, PooledQueue } from './queue.js';
export type { Execution, RunSettings } from './queue.js';
export type { PoolRun, RunLimits } from './supervisor.js';
export { deriveSeed, Random } from './random.js';
export {
  ABORTS,
  CLAIM_BASE,
  CLAIM_END,
  CLAIM_START,
  FINISHED,
  GATE,
  GIL_WAITERS,
  KILL,
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
