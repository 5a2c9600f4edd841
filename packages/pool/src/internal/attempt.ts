/**
 * One attempt of one task: call the task function with its context and arguments inside
 * the caller's transaction, and classify what it returned. The one definition shared by
 * every executor (BatchEnv) and the checker's serial replay, so that a task behaves the
 * same everywhere: the same result encoding, the same errors for async tasks and for
 * results that are not Values.
 *
 * An Attempt is reused for every task a thread runs: primitive results stay in its
 * registers (no allocation per task); other values are encoded once, here.
 */
import { decodeValue, encodeValue, type Value } from '@ame/stm';
import type { TaskContextImpl } from '../context.js';
import { AsyncTaskError, TaskValueError } from '../errors.js';
import { R_ENCODED, R_FALSE, R_NULL, R_NUMBER, R_TRUE, R_UNDEFINED } from '../shared-batch.js';
import type { TaskFunction } from '../task-ref.js';
import { callWith } from './descriptor.js';

export class Attempt {
  /** The last successful attempt's result kind (R_NUMBER ... R_ENCODED). */
  kind = R_UNDEFINED;
  /** Its number, when kind is R_NUMBER. */
  num = 0;
  /** Its encoding, when kind is R_ENCODED (taken by the caller). */
  bytes: Uint8Array | undefined;
  /** What the last failed attempt threw. */
  error: unknown;

  /**
   * Runs `fn(ctx, ...args)` once (`fn` an Error: the reason it could not be loaded).
   * True: the result is in kind/num/bytes. False: `error` holds what was thrown, or an
   * AsyncTaskError / TaskValueError naming `task.name` (read only then).
   */
  run(fn: TaskFunction | Error, ctx: TaskContextImpl, args: readonly unknown[], task: { readonly name: string }): boolean {
    try {
      if (fn instanceof Error) throw fn;
      const value = callWith(fn, ctx, args);
      switch (typeof value) {
        case 'number':
          this.kind = R_NUMBER;
          this.num = value;
          return true;
        case 'boolean':
          this.kind = value ? R_TRUE : R_FALSE;
          return true;
        case 'undefined':
          this.kind = R_UNDEFINED;
          return true;
        default:
          if (value === null) {
            this.kind = R_NULL;
            return true;
          }
          return this.encode(value, task.name);
      }
    } catch (error) {
      this.error = error;
      return false;
    }
  }

  /** The result as a Value (decodes an encoded one). */
  value(): Value {
    switch (this.kind) {
      case R_NUMBER:
        return this.num;
      case R_TRUE:
        return true;
      case R_FALSE:
        return false;
      case R_NULL:
        return null;
      case R_ENCODED:
        return decodeValue(this.bytes!);
      default:
        return undefined as unknown as Value;
    }
  }

  private encode(value: unknown, name: string): boolean {
    if (isThenable(value)) {
      // Silence the orphaned promise's rejection; the task has failed either way.
      (value as Promise<unknown>).then(undefined, () => {});
      this.error = new AsyncTaskError(name);
      return false;
    }
    try {
      this.bytes = encodeValue(value, `${name} result`);
      this.kind = R_ENCODED;
      return true;
    } catch (error) {
      this.error = new TaskValueError(name, 'result', error);
      return false;
    }
  }
}

export function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
