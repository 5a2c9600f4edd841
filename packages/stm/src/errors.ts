/**
 * Public errors of @ame/stm.
 *
 * Every error has a readonly `code` and an explicit `name`, so code on the other side of a
 * worker boundary (where `instanceof` does not hold) can recognise it by `name`/`code`.
 * Value errors are `TypeError`s and index errors `RangeError`s, as JavaScript users expect;
 * they carry a `code` too. The internal conflict/retry signal is not here: it never reaches
 * user code.
 */

/** Stable codes of every error @ame/stm throws. */
export type AmeErrorCode =
  | 'NOT_IN_TRANSACTION'
  | 'UNKNOWN_OBJECT'
  | 'OBJECT_KIND_MISMATCH'
  | 'HEAP_FULL'
  | 'CLOCK_EXHAUSTED'
  | 'TOO_MANY_THREADS'
  | 'INVALID_OPTION'
  | 'INVALID_HANDLE'
  | 'HEAP_DETACHED'
  | 'ASYNC_TRANSACTION'
  | 'INVALID_VALUE'
  | 'INDEX_OUT_OF_RANGE'
  | 'TRANSACTION_ACTIVE'
  | 'STM_INVARIANT'
  | (string & {});

/** Base class of AME's errors: a readonly `code`, an explicit `name`, and `cause`. */
export class AmeError extends Error {
  override readonly name: string = 'AmeError';
  readonly code: AmeErrorCode;

  constructor(code: AmeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A transactional write (set, add, push...) was called outside `heap.atomically`. */
export class NotInTransactionError extends AmeError {
  override readonly name = 'NotInTransactionError';
  constructor(operation: string) {
    super(
      'NOT_IN_TRANSACTION',
      `${operation} writes shared state and must run inside heap.atomically(() => ...) or a task; outside a transaction only reads are allowed`,
    );
  }
}

/** A named object was opened without initial arguments, and no object of that name exists. */
export class UnknownObjectError extends AmeError {
  override readonly name = 'UnknownObjectError';
  readonly objectName: string;
  constructor(kind: string, objectName: string) {
    super(
      'UNKNOWN_OBJECT',
      `no ${kind} named ${JSON.stringify(objectName)} exists in this heap; create it first with initial arguments, e.g. heap.${kind}(${JSON.stringify(objectName)}, ...)`,
    );
    this.objectName = objectName;
  }
}

/** A name was opened as a different kind of object than the one it was created as. */
export class ObjectKindError extends AmeError {
  override readonly name = 'ObjectKindError';
  constructor(objectName: string, actual: string, requested: string) {
    super(
      'OBJECT_KIND_MISMATCH',
      `${JSON.stringify(objectName)} is a ${actual}, not a ${requested}; open it with heap.${actual}(${JSON.stringify(objectName)})`,
    );
  }
}

/** The heap cannot grow enough for an allocation. Nothing of the transaction was written. */
export class HeapFullError extends AmeError {
  override readonly name = 'HeapFullError';
  constructor(neededBytes: number, maxBytes: number) {
    super(
      'HEAP_FULL',
      `the heap is full: an allocation needs ${neededBytes} more bytes but maxBytes is ${maxBytes}; create the heap with a larger maxBytes (at most 2147483640)`,
    );
  }
}

/** The 53-bit version clock reached Number.MAX_SAFE_INTEGER. Nothing of the transaction was written. */
export class ClockExhaustedError extends AmeError {
  override readonly name = 'ClockExhaustedError';
  constructor(clock: number) {
    super(
      'CLOCK_EXHAUSTED',
      `the heap's version clock is exhausted at ${clock} commits (limit ${Number.MAX_SAFE_INTEGER}); copy heap.snapshot() into a new heap to go on`,
    );
  }
}

/** Every thread slot of the heap is claimed. */
export class TooManyThreadsError extends AmeError {
  override readonly name = 'TooManyThreadsError';
  constructor(maxThreads: number) {
    super(
      'TOO_MANY_THREADS',
      `all ${maxThreads} thread slots of this heap are in use; call heap.detach() in threads that are done, or create the heap with a larger maxThreads`,
    );
  }
}

/** An option passed to `Heap.create` is out of range or of the wrong type. */
export class InvalidOptionError extends AmeError {
  override readonly name = 'InvalidOptionError';
  constructor(option: string, problem: string) {
    super('INVALID_OPTION', `invalid option ${option}: ${problem}`);
  }
}

/** `Heap.attach` was given something that is not a heap handle. */
export class InvalidHandleError extends AmeError {
  override readonly name = 'InvalidHandleError';
  constructor(problem: string) {
    super('INVALID_HANDLE', `Heap.attach needs heap.handle from Heap.create: ${problem}`);
  }
}

/** The heap object was detached from its thread slot and can no longer be used. */
export class HeapDetachedError extends AmeError {
  override readonly name = 'HeapDetachedError';
  constructor() {
    super('HEAP_DETACHED', 'this heap was detached (heap.detach()); attach again with Heap.attach(handle)');
  }
}

/** A transaction function returned a Promise: transactions are synchronous. */
export class AsyncTransactionError extends AmeError {
  override readonly name = 'AsyncTransactionError';
  constructor(what: string) {
    super(
      'ASYNC_TRANSACTION',
      `${what} returned a Promise; transactions must be synchronous (await outside the transaction, or do I/O after it commits)`,
    );
  }
}

/**
 * A value that cannot be stored: not a `Value` (function, symbol, class instance, cycle),
 * nested too deep, or too large. `path` names the place inside the value, e.g. `$.items[3].fn`.
 */
export class ValueTypeError extends TypeError {
  override readonly name = 'ValueTypeError';
  readonly code = 'INVALID_VALUE' as const;
  readonly path: string;
  constructor(path: string, problem: string, target?: string) {
    super(`${target ? `${target}: ` : ''}cannot store ${path}: ${problem}`);
    this.path = path;
  }
}

/** An index outside a TArray, or not an integer. */
export class IndexRangeError extends RangeError {
  override readonly name = 'IndexRangeError';
  readonly code = 'INDEX_OUT_OF_RANGE' as const;
  constructor(objectName: string, index: unknown, length: number) {
    super(
      `${objectName}[${typeof index === 'string' ? JSON.stringify(index) : String(index)}] is out of range: indices are integers from 0 to ${length - 1}`,
    );
  }
}
