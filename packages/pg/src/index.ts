// The heap and the queue.
export { PgHeap } from './heap.js';
export type { PgHeapOptions } from './heap.js';
export { PgTArray, PgTCounter, PgTVar } from './handles.js';
export { PgQueue } from './queue.js';
export type { PgQueueOptions, PgRunReport } from './queue.js';

// Tasks: the same references and context as @ame/transaction.
export { taskModule, taskRef } from '@ame/pool';
export type { RunOptions, RunProgress, RunReport, TaskContext, TaskHandle, TaskRef, TaskRefs } from '@ame/pool';

// Errors (recognise them by `name`/`code`).
export { PgConnectionError, PgHeapClosedError, PgQueryError, PgStartError } from './errors.js';
export {
  AsyncTaskError,
  InvalidTaskError,
  QueueClosedError,
  RunInProgressError,
  TaskError,
  TaskLoadError,
  TaskValueError,
  WorkerCrashedError,
} from '@ame/pool';
export {
  AmeError,
  IndexRangeError,
  InvalidOptionError,
  NotInTransactionError,
  ObjectKindError,
  UnknownObjectError,
  ValueTypeError,
} from '@ame/stm';
