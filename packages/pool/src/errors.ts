/**
 * Errors of the executors. They cross worker boundaries as plain data and are rebuilt
 * from `name`/`code` on the other side (`instanceof` does not survive a postMessage).
 */
import { AmeError } from '@ame/stm';
import type { Value } from '@ame/stm';

/** A task failed: its error counted (its reads were current), and it committed nothing. */
export class TaskError extends AmeError {
  override readonly name = 'TaskError';
  /** The task's index in its batch. */
  readonly index: number;
  /** The task's export name. */
  readonly task: string;
  /** The arguments it was added with. */
  readonly args: readonly Value[];
  /** The attempt that failed (0 = first run). */
  readonly attempt: number;
  /** Where it failed: running the task, or in an afterCommit callback (then it did commit). */
  readonly phase: 'task' | 'afterCommit';

  constructor(
    info: { index: number; task: string; args: readonly Value[]; attempt: number; phase?: 'task' | 'afterCommit' },
    cause: unknown,
  ) {
    const phase = info.phase ?? 'task';
    const what = phase === 'task' ? 'failed' : 'committed, then its afterCommit callback failed';
    super('TASK_FAILED', `task ${info.index} (${info.task}) ${what}: ${describe(cause)}`, { cause });
    this.index = info.index;
    this.task = info.task;
    this.args = info.args;
    this.attempt = info.attempt;
    this.phase = phase;
  }
}

/** A task reference could not be resolved: module failed to load, export missing or not a function. */
export class TaskLoadError extends AmeError {
  override readonly name = 'TaskLoadError';
  constructor(task: string, module: string, problem: string, cause?: unknown) {
    super('TASK_LOAD', `cannot run task ${task} from ${module}: ${problem}`, cause === undefined ? undefined : { cause });
  }
}

/** A task returned a Promise: tasks are synchronous. */
export class AsyncTaskError extends AmeError {
  override readonly name = 'AsyncTaskError';
  constructor(task: string) {
    super(
      'ASYNC_TASK',
      `task ${task} returned a Promise; tasks must be synchronous: do I/O in ctx.afterCommit(() => ...) or outside the queue`,
    );
  }
}

/** A task's arguments or result are not storable Values. */
export class TaskValueError extends AmeError {
  override readonly name = 'TaskValueError';
  constructor(task: string, what: 'arguments' | 'result', cause: unknown) {
    super(
      'TASK_VALUE',
      `task ${task}: its ${what} must be Values (numbers, strings, arrays, plain objects...): ${describe(cause)}`,
      {
        cause,
      },
    );
  }
}

/** A worker thread died (crash, process.exit, out of memory) while running a batch. */
export class WorkerCrashedError extends AmeError {
  override readonly name = 'WorkerCrashedError';
  constructor(worker: number, detail: string, cause?: unknown) {
    super(
      'WORKER_CRASHED',
      `worker ${worker} stopped while running tasks: ${detail}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * A task ran longer than `taskTimeoutMs`: its worker was terminated and replaced, nothing
 * of the attempt was written. The `cause` of the task's TaskError.
 */
export class TaskTimeoutError extends AmeError {
  override readonly name = 'TaskTimeoutError';
  /** The task's index in its batch. */
  readonly index: number;
  /** The task's export name. */
  readonly task: string;
  /** The limit it exceeded, in ms. */
  readonly timeoutMs: number;
  constructor(task: string, index: number, timeoutMs: number) {
    super(
      'TASK_TIMEOUT',
      `task ${index} (${task}) ran longer than taskTimeoutMs (${timeoutMs} ms): its worker was terminated and replaced, and nothing of the task was written; raise taskTimeoutMs if the task needs longer, or look for a loop that never ends`,
    );
    this.index = index;
    this.task = task;
    this.timeoutMs = timeoutMs;
  }
}

/** The queue was closed. */
export class QueueClosedError extends AmeError {
  override readonly name = 'QueueClosedError';
  constructor() {
    super('QUEUE_CLOSED', 'this queue is closed; create a new one');
  }
}

/** A run is already in progress on this queue. */
export class RunInProgressError extends AmeError {
  override readonly name = 'RunInProgressError';
  constructor(operation: string) {
    super('RUN_IN_PROGRESS', `${operation} is not allowed while run() is in progress; await it first`);
  }
}

/** A task reference or an argument of add() is wrong (queue options: InvalidOptionError). */
export class InvalidTaskError extends AmeError {
  override readonly name = 'InvalidTaskError';
  constructor(problem: string, cause?: unknown) {
    super('INVALID_TASK', problem, cause === undefined ? undefined : { cause });
  }
}

/** An error as data: what crosses a worker boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: SerializedError;
  /** Own fields of TaskError and similar. */
  fields?: Record<string, unknown>;
}

/** Turns any thrown value into data for postMessage. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: error.message };
    if (error.stack !== undefined) out.stack = error.stack;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    if (error.cause !== undefined && depth < 4) out.cause = serializeError(error.cause, depth + 1);
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(error)) {
      if (key === 'cause' || key === 'code' || key === 'name') continue;
      const value = (error as unknown as Record<string, unknown>)[key];
      if (
        value === null ||
        ['string', 'number', 'boolean', 'bigint', 'undefined'].includes(typeof value) ||
        Array.isArray(value)
      ) {
        fields[key] = value;
      }
    }
    if (Object.keys(fields).length > 0) out.fields = fields;
    return out;
  }
  return { name: 'NonErrorThrown', message: `a non-Error value was thrown: ${describe(error)}` };
}

/** Built-in error classes, rebuilt as themselves so `instanceof RangeError` holds after a worker boundary. */
const BUILT_IN_ERRORS: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  RangeError,
  TypeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Rebuilds an error from data, with the original name, message, stack, code, cause and
 * fields. A built-in class (RangeError, TypeError, SyntaxError, ReferenceError, EvalError,
 * URIError, Error) comes back as that class; any other class (AME's own, or the user's) as
 * an Error whose `name` is the original class name: recognise those by `name`/`code`.
 */
export function rebuildError(data: SerializedError): Error {
  const options = data.cause ? { cause: rebuildError(data.cause) } : undefined;
  const BuiltIn = Object.hasOwn(BUILT_IN_ERRORS, data.name) ? BUILT_IN_ERRORS[data.name] : undefined;
  const error = BuiltIn ? new BuiltIn(data.message, options) : new Error(data.message, options);
  if (!BuiltIn) {
    Object.defineProperty(error, 'name', { value: data.name, enumerable: false, configurable: true, writable: true });
  }
  if (data.stack !== undefined) error.stack = data.stack;
  if (data.code !== undefined) Object.assign(error, { code: data.code });
  if (data.fields) Object.assign(error, data.fields);
  return error;
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
