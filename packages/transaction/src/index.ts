export { TransactionQueue } from './transaction-queue.js';
export { taskModule, taskRef } from '@ame/pool';
export type { QueueOptions, RunOptions, RunProgress, RunReport, TaskContext, TaskRef, TaskRefs } from '@ame/pool';

// Errors users catch, where they import the queue (recognise them by `name`/`code`).
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
} from '@ame/pool';
export {
  AmeError,
  AsyncTransactionError,
  ClockExhaustedError,
  HeapDetachedError,
  HeapFullError,
  IndexRangeError,
  InvalidHandleError,
  InvalidOptionError,
  NotInTransactionError,
  ObjectKindError,
  TooManyThreadsError,
  UnknownObjectError,
  ValueTypeError,
} from '@ame/stm';
export type { AmeErrorCode } from '@ame/stm';
