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
  TaskTimeoutError,
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
  RunPolicy,
  RunProgress,
  RunReport,
  TaskHandle,
  TaskCall,
  TaskHistory,
  TaskId,
} from './report.js';

// Executor internals (queues, claim loop, strategies, batch words) live behind the
// '@ame/pool/internal' subpath, for @ame/transaction, @ame/gil and @ame/check only.
