import { decodeValue, encodeValue, type Heap } from '@ame/stm';
import { InvalidTaskError } from './errors.js';
import { Random, deriveSeed } from './random.js';
import { checkTaskRef, type TaskContext, type TaskRef } from './task-ref.js';

export type { TaskContext };

/** A child task as it leaves a committed parent: its task id and (copied) arguments. */
export interface ChildTask {
  readonly taskId: number;
  readonly args: readonly unknown[];
}

/**
 * Copies a task's arguments, checking that each is a Value (primitives as they are, the
 * rest through the codec). Throws InvalidTaskError naming the task and the argument.
 */
export function copyArgs(task: string, args: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(args.length);
  for (let k = 0; k < args.length; k++) {
    const arg = args[k];
    if (arg === null || (typeof arg !== 'object' && typeof arg !== 'function' && typeof arg !== 'symbol')) {
      out[k] = arg;
      continue;
    }
    try {
      out[k] = decodeValue(encodeValue(arg, `argument ${k + 1}`));
    } catch (error) {
      if (error instanceof TypeError)
        throw new InvalidTaskError(`the arguments of task ${task} must be Values: ${error.message}`);
      throw error;
    }
  }
  return out;
}

/** The executors' TaskContext: reset for every attempt, collecting children and callbacks. */
export class TaskContextImpl implements TaskContext {
  index = 0;
  attempt = 0;
  /** Children added by the current attempt, in order. */
  readonly children: ChildTask[] = [];
  /** afterCommit callbacks of the current attempt, in order. */
  readonly callbacks: (() => void)[] = [];
  /** Replays: children are checked, then discarded. */
  dropChildren = false;
  /** True once inevitable() ran in this attempt. */
  isInevitable = false;
  private readonly stream = new Random(0);

  constructor(
    readonly heap: Heap,
    private readonly seed: number,
    /** Called by inevitable(): the executor makes the task unabortable, or throws to re-run it. */
    private readonly becomeInevitable: (ctx: TaskContextImpl) => void,
    /** Turns an exported task function into its reference (the thread's TaskLoader). */
    private readonly refFor: (fn: unknown) => TaskRef | undefined,
    /** The batch's task id of a child's reference (-1 where children are not enqueued). */
    private readonly taskIdOf: (ref: TaskRef) => number,
  ) {}

  /** Prepares for one attempt of task `index` in `batch`. */
  reset(batch: number, index: number, attempt: number): void {
    this.index = index;
    this.attempt = attempt;
    if (this.children.length !== 0) this.children.length = 0;
    if (this.callbacks.length !== 0) this.callbacks.length = 0;
    this.isInevitable = false;
    this.batch = batch;
    this.seeded = false;
  }

  private batch = 0;
  /** The random() stream is seeded on first use: tasks that never call it pay nothing. */
  private seeded = false;

  random(): number {
    if (!this.seeded) {
      this.stream.reset(deriveSeed(this.seed, this.batch, this.index));
      this.seeded = true;
    }
    return this.stream.next();
  }

  add<A extends readonly unknown[], R>(task: TaskRef<A, R> | ((ctx: TaskContext, ...args: A) => R), ...args: A): void {
    const ref = typeof task === 'function' ? this.refFor(task) : task;
    if (ref === undefined) {
      const name = (task as { name?: string }).name || '(anonymous)';
      throw new InvalidTaskError(
        `ctx.add(${name}): the function is not an export of a task module; export it, or pass taskModule(url).${name}`,
      );
    }
    const checked = checkTaskRef(ref);
    const copied = copyArgs(checked.name, args);
    if (!this.dropChildren) this.children.push({ taskId: this.taskIdOf(checked), args: copied });
  }

  afterCommit(fn: () => void): void {
    if (typeof fn !== 'function') throw new InvalidTaskError('ctx.afterCommit needs a function');
    this.callbacks.push(fn);
  }

  inevitable(): void {
    if (this.isInevitable) return;
    this.becomeInevitable(this);
    this.isInevitable = true;
  }
}
