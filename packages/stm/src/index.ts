export { Heap } from './heap.js';
export type { HeapHandle, HeapOptions, HeapStats, SnapshotValue, Widen } from './heap.js';
export type { SlotRecovery } from './internal/recovery.js';
export { TVar } from './tvar.js';
export { TArray } from './tarray.js';
export type { TArrayType } from './tarray.js';
export { TCounter } from './tcounter.js';
export { TMap } from './tmap.js';
export { TQueue } from './tqueue.js';
export { TSet } from './tset.js';
export { TxControl } from './control.js';
export type { ConflictInfo, TxHistory } from './control.js';
export { MAX_DEPTH, MAX_VALUE_BYTES, decodeValue, encodeValue, valuesEqual } from './codec.js';
export type { Value } from './codec.js';
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
} from './errors.js';
export type { AmeErrorCode } from './errors.js';
