/**
 * Was a run correct? Ordered runs must equal the sequential run exactly. Unordered runs
 * (and the GIL's, whose lock order is up to the scheduler) must equal a sequential replay
 * of their own `commitOrder`, and keep the workload's invariants.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Heap, SnapshotValue, Value } from '@ame/stm';
import type { TaskContext, TaskRef } from '@ame/transaction';
import * as tasks from './tasks.js';

/** What a run left: its results by task index and the heap's final snapshot. */
export interface Outcome {
  readonly results: readonly (Value | undefined)[];
  readonly state: Record<string, SnapshotValue>;
}

/** The first difference between two outcomes' heaps and results, or undefined if equal. */
export function difference(a: Outcome, b: Outcome): string | undefined {
  for (const key of new Set([...Object.keys(a.state), ...Object.keys(b.state)])) {
    if (!isDeepStrictEqual(a.state[key], b.state[key])) return `heap object ${key} differs`;
  }
  for (let i = 0; i < Math.max(a.results.length, b.results.length); i++) {
    const [x, y] = [a.results[i], b.results[i]];
    if (!isDeepStrictEqual(x, y)) return `result of task ${i} differs: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
  }
  return undefined;
}

/** A task call as the replay runs it. */
export type Call = (ctx: TaskContext) => unknown;

/**
 * Runs a batch again on `heap` (set up like the original), one task at a time in
 * `commitOrder`, on this thread: what an unordered run must equal. `roots` are the added
 * tasks by index. A child's index depends on when its parent's worker appended it, so the
 * replay maps each child index to a call added by an already replayed task: the one that
 * `identify` names from the run's result at that index, as `[export name, args]`.
 * Results are by index, like `report.results`.
 */
export function replay(
  heap: Heap,
  roots: readonly Call[],
  run: { readonly commitOrder: readonly number[]; readonly results: readonly (Value | undefined)[] },
  identify: (result: Value | undefined) => readonly [string, readonly unknown[]],
): (Value | undefined)[] {
  const added = new Map<string, Call[]>(); // children not replayed yet, by [name, args]
  const results: (Value | undefined)[] = [];
  for (const index of run.commitOrder) {
    const call = index < roots.length ? roots[index] : added.get(JSON.stringify(identify(run.results[index])))?.shift();
    if (!call) continue; // no replayed task added it: its result and heap effects will differ
    const children: [string, Call][] = [];
    const callbacks: (() => void)[] = [];
    const ctx: TaskContext = {
      heap,
      index,
      attempt: 0,
      random: () => {
        throw new Error('the demo tasks do not use ctx.random()');
      },
      add<A extends readonly unknown[], R>(task: TaskRef<A, R> | ((ctx: TaskContext, ...args: A) => R), ...args: A) {
        const name = task.name;
        const fn =
          typeof task === 'function' ? task : (tasks as unknown as Record<string, (c: TaskContext, ...a: A) => R>)[name]!;
        children.push([JSON.stringify([name, args]), (c) => fn(c, ...args)]);
      },
      afterCommit: (fn) => void callbacks.push(fn),
      inevitable: () => {},
    };
    results[index] = heap.atomically(() => {
      children.length = callbacks.length = 0;
      return call(ctx) as Value;
    });
    for (const [key, child] of children) added.set(key, [...(added.get(key) ?? []), child]);
    for (const fn of callbacks) fn();
  }
  return results;
}
