// Tasks: references, context, errors.
export { taskModule, taskRef } from './task-ref.js';
export type { TaskFunction, TaskRef, TaskRefs } from './task-ref.js';
export type { TaskContext } from './context.js';
export {
  AsyncTaskError,
  InvalidTaskError,
  QueueClosedError,
  RunInProgressError,
  TaskError,
  TaskLoadError,
  TaskValueError,
  WorkerCrashedError,
  rebuildError,
  serializeError,
} from './errors.js';
export type { SerializedError } from './errors.js';
export type {
  ConflictPair,
  ConflictStat,
  QueueOptions,
  RunMode,
  RunOptions,
  RunProgress,
  RunReport,
  TaskCall,
  TaskHistory,
  TaskId,
} from './report.js';

// For executor packages (@ame/transaction, @ame/gil): queues, the claim loop, strategies.
export { BaseQueue, InlineQueue, MAIN_OWNER, PooledQueue } from './queue.js';
export { BatchEnv, runBatch } from './execute.js';
export type { Attempt, BatchOptions, BatchOutput, ClaimedTask, Strategy, TaskFailure } from './execute.js';
export { TaskContextImpl } from './context.js';
export { SharedBatch, COUNT, NEXT, FINISHED, TURN, STOP, COMMITS, LOCK, GATE, WAKE, ABORTS } from './shared-batch.js';
export { WorkerPool } from './worker-pool.js';
