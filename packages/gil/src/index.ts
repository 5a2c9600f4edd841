export { GilQueue } from './gil-queue.js';
export { SequentialQueue } from './sequential-queue.js';
export type { QueueOptions, RunOptions, RunProgress, RunReport } from '@ame/pool';

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
