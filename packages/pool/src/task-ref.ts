import type { Heap, Value } from '@ame/stm';
import { InvalidTaskError } from './errors.js';

/**
 * What a task gets as its first argument.
 *
 * @example
 * export function transfer(ctx: TaskContext, from: number, to: number, amount: number) {
 *   const accounts = ctx.heap.tarray('accounts');
 *   if (accounts.get(from) < amount) return false;
 *   accounts.set(from, accounts.get(from) - amount);
 *   accounts.set(to, accounts.get(to) + amount);
 *   ctx.afterCommit(() => console.log('moved', amount));
 *   return true;
 * }
 */
export interface TaskContext {
  /** The shared heap, attached in this thread: open objects by name. */
  readonly heap: Heap;
  /** The task's position in its batch (children get theirs when their parent commits). */
  readonly index: number;
  /** 0 on the first run; counts re-runs after conflicts. */
  readonly attempt: number;
  /** A float in [0, 1) from a stream seeded by (run seed, batch, index): the same on every attempt and executor. */
  random(): number;
  /**
   * Adds a child task, enqueued only if this task commits (appended at its commit). `task`
   * is a TaskRef, or a function exported by a task module (`ctx.add(child, 1)`).
   */
  add<A extends readonly unknown[], R>(task: TaskRef<A, R> | ((ctx: TaskContext, ...args: A) => R), ...args: A): void;
  /** Runs `fn` once, after this task commits (never for an aborted attempt): the place for I/O. */
  afterCommit(fn: () => void): void;
  /**
   * Makes the rest of this task unable to abort: it then runs alone (unordered) or at its
   * commit turn (ordered). Costs parallelism: for tasks that must not be re-run.
   */
  inevitable(): void;
}

/** A function usable as a task: synchronous, context first, Values in and out. */
export type TaskFunction = (ctx: TaskContext, ...args: never[]) => unknown;

/**
 * A reference to an exported task function: module URL and export name. Plain data, so
 * it crosses to workers; typed with the task's arguments and result.
 */
export interface TaskRef<Args extends readonly unknown[] = readonly Value[], Result = unknown> {
  readonly module: string;
  readonly name: string;
  /** Phantom fields: types only, never present at run time. */
  readonly __args?: Args;
  readonly __result?: Result;
}

type Rest<F> = F extends (ctx: TaskContext, ...args: infer A) => unknown ? A : never;

/** The task references of a module type: one per exported function taking a TaskContext. */
export type TaskRefs<M> = {
  readonly [K in keyof M as M[K] extends (ctx: TaskContext, ...args: never[]) => unknown ? K : never]: TaskRef<
    Rest<M[K]>,
    M[K] extends (...args: never[]) => infer R ? R : never
  >;
};

/**
 * Typed references to the tasks a module exports, without importing it here: workers
 * import it by URL when a task first runs.
 *
 * @param url the module's URL (`new URL('./tasks.js', import.meta.url)`) or a file:// string
 * @example
 * const tasks = taskModule<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * queue.add(tasks.transfer, 1, 2, 50); // arguments type-checked against transfer
 */
export function taskModule<M>(url: URL | string): TaskRefs<M> {
  const href = normalizeUrl(url);
  const refs = new Map<string, TaskRef>();
  return new Proxy({} as TaskRefs<M>, {
    get(_target, property) {
      if (typeof property !== 'string') return undefined;
      if (property === 'then') return undefined; // not a thenable: safe to return from async code
      let ref = refs.get(property);
      if (!ref) {
        ref = Object.freeze({ module: href, name: property });
        refs.set(property, ref);
      }
      return ref;
    },
  });
}

/** A plain TaskRef from a module URL and export name (untyped; for generated task lists). */
export function taskRef(url: URL | string, name: string): TaskRef {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidTaskError('a task name must be a non-empty string');
  return Object.freeze({ module: normalizeUrl(url), name });
}

/** Checks that `ref` looks like a TaskRef; returns it. */
export function checkTaskRef(ref: unknown): TaskRef {
  const r = ref as TaskRef | null | undefined;
  if (!r || typeof r !== 'object' || typeof r.module !== 'string' || typeof r.name !== 'string') {
    throw new InvalidTaskError(
      `add() needs a task reference from taskModule(url).name as its first argument, got ${describeValue(ref)}`,
    );
  }
  return r;
}

function normalizeUrl(url: URL | string): string {
  if (url instanceof URL) return url.href;
  if (typeof url === 'string') {
    try {
      return new URL(url).href;
    } catch {
      throw new InvalidTaskError(
        `taskModule needs a module URL such as new URL('./tasks.js', import.meta.url), got ${JSON.stringify(url)}`,
      );
    }
  }
  throw new InvalidTaskError(`taskModule needs a URL, got ${describeValue(url)}`);
}

function describeValue(value: unknown): string {
  return typeof value === 'function'
    ? `function ${value.name || '(anonymous)'}`
    : typeof value === 'object'
      ? (JSON.stringify(value) ?? 'object')
      : String(value);
}
