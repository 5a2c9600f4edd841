/**
 * Comparing a run with sequential execution: the first task whose outcome differs (in
 * the order the tasks were serialized), the task count (children), and the first heap key
 * that differs, each with both values.
 */
import type { Value } from '@ame/stm';
import type { TaskCall } from '@ame/pool';
import { firstValueDifference, valueAt } from './internal/value-diff.js';
import { show, showCall } from './internal/show.js';
import type { ErrorRecord, Outcome } from './run-record.js';
import type { Snapshot } from './workload.js';

/** A task as differences name it. */
export interface TaskInfo {
  readonly index: number;
  readonly task: string;
  readonly args: readonly Value[];
}

/**
 * What differs:
 * - `result`: both committed, with different results; `outcome`: one committed, one failed;
 *   `error`: both failed, differently; `children`: the children added differ;
 * - `tasks`: a different number of tasks (children); `heap`: a final heap key;
 * - `order`: the serial order does not list every task once; `run`: run() itself failed;
 * - `invariant`: the workload's invariant rejected the final heap;
 * - `nondeterministic`: the oracle disagreed with itself.
 */
export type DifferenceKind =
  | 'result'
  | 'outcome'
  | 'error'
  | 'children'
  | 'tasks'
  | 'heap'
  | 'order'
  | 'run'
  | 'invariant'
  | 'nondeterministic';

/** One difference, with the run's value (`actual`) and sequential execution's (`expected`). */
/** What makes the sequential oracle disagree with itself (see determinism.ts). */
export type NondeterminismCause = 'Math.random' | 'clock' | 'Math.random and clock' | 'module state' | 'unknown';

export interface Difference {
  readonly kind: DifferenceKind;
  /** The task that differs, if it is about a task. */
  readonly task?: TaskInfo;
  /** The heap key (`accounts[3]`, `total`) or path in a result (`result.sum`) that differs. */
  readonly key?: string;
  readonly actual?: unknown;
  readonly expected?: unknown;
  /** The difference in one sentence. */
  readonly message: string;
  /** For `nondeterministic`: what findNondeterminism found makes the oracle disagree with itself. */
  readonly cause?: NondeterminismCause;
}

/** Names a task by index from the run's calls. */
export function taskInfo(tasks: readonly (TaskCall | undefined)[], index: number): TaskInfo {
  const call = tasks[index];
  return { index, task: call?.task ?? '?', args: call?.args ?? [] };
}

/** `task 3 transfer(1, 2, 50)`. */
export function showTask(task: TaskInfo): string {
  return `task ${task.index} ${showCall(task.task, task.args)}`;
}

/**
 * The differences between a run and the sequential outcome: at most one per group (first
 * task in `order`, task count, first heap key), in that order; empty if equal.
 *
 * @param actualName / expectedName how the two sides are called in messages
 */
export function compareOutcomes(
  actual: Outcome,
  expected: Outcome,
  order: readonly number[],
  tasks: readonly (TaskCall | undefined)[],
  names: { actual: string; expected: string } = { actual: 'the run', expected: 'sequentially' },
): Difference[] {
  const differences: Difference[] = [];
  const taskDiff = firstTaskDifference(actual, expected, order, tasks, names);
  if (taskDiff) differences.push(taskDiff);
  if (actual.taskCount !== expected.taskCount) {
    differences.push({
      kind: 'tasks',
      actual: actual.taskCount,
      expected: expected.taskCount,
      message: `${names.actual} ran ${actual.taskCount} tasks (children included), ${names.expected} ${expected.taskCount}`,
    });
  }
  const heapDiff = firstHeapDifference(actual, expected, names);
  if (heapDiff) differences.push(heapDiff);
  return differences;
}

/** The first task in `order` whose outcome differs. */
export function firstTaskDifference(
  actual: Outcome,
  expected: Outcome,
  order: readonly number[],
  tasks: readonly (TaskCall | undefined)[],
  names: { actual: string; expected: string },
): Difference | undefined {
  const errorsOf = (outcome: Outcome): Map<string, ErrorRecord> =>
    new Map(outcome.errors.map((e) => [`${e.index}:${e.phase}`, e]));
  const actualErrors = errorsOf(actual);
  const expectedErrors = errorsOf(expected);
  for (const index of order) {
    const task = taskInfo(tasks, index);
    const a = actualErrors.get(`${index}:task`);
    const e = expectedErrors.get(`${index}:task`);
    if (a && e) {
      if (a.name !== e.name || a.message !== e.message) {
        return {
          kind: 'error',
          task,
          actual: `${a.name}: ${a.message}`,
          expected: `${e.name}: ${e.message}`,
          message: `${showTask(task)} failed with ${a.name}: ${a.message} in ${names.actual}, with ${e.name}: ${e.message} ${names.expected}`,
        };
      }
    } else if (a || e) {
      const failed = (a ?? e)!;
      const other = a ? expected.results[index] : actual.results[index];
      return {
        kind: 'outcome',
        task,
        actual: a ? `${a.name}: ${a.message}` : actual.results[index],
        expected: e ? `${e.name}: ${e.message}` : expected.results[index],
        message: a
          ? `${showTask(task)} failed in ${names.actual} (${failed.name}: ${failed.message}) but returned ${show(other)} ${names.expected}`
          : `${showTask(task)} returned ${show(other)} in ${names.actual} but failed ${names.expected} (${failed.name}: ${failed.message})`,
      };
    } else {
      const path = firstValueDifference(actual.results[index], expected.results[index]);
      if (path !== undefined) {
        const key = `result${path}`;
        return {
          kind: 'result',
          task,
          key,
          actual: actual.results[index],
          expected: expected.results[index],
          message:
            `${showTask(task)} returned ${show(actual.results[index])} in ${names.actual}, ${show(expected.results[index])} ${names.expected}` +
            (path
              ? ` (first difference at ${key}: ${show(valueAt(actual.results[index], path))} vs ${show(valueAt(expected.results[index], path))})`
              : ''),
        };
      }
    }
    const ac = actualErrors.get(`${index}:afterCommit`);
    const ec = expectedErrors.get(`${index}:afterCommit`);
    if ((ac || ec) && (ac?.name !== ec?.name || ac?.message !== ec?.message)) {
      const text = (r: ErrorRecord | undefined): string => (r ? `${r.name}: ${r.message}` : 'no error');
      return {
        kind: 'error',
        task,
        key: 'afterCommit',
        actual: text(ac),
        expected: text(ec),
        message: `${showTask(task)}'s afterCommit callback: ${text(ac)} in ${names.actual}, ${text(ec)} ${names.expected}`,
      };
    }
  }
  return undefined;
}

/** The first heap key (objects sorted by name, then position) that differs. */
export function firstHeapDifference(
  actual: Outcome,
  expected: Outcome,
  names: { actual: string; expected: string },
): Difference | undefined {
  const diff = firstSnapshotDifference(actual.snapshot, expected.snapshot);
  if (!diff) return undefined;
  return {
    kind: 'heap',
    ...diff,
    message: `final heap differs at ${diff.key}: ${show(diff.actual)} in ${names.actual}, ${show(diff.expected)} ${names.expected}`,
  };
}

/** The first key where two snapshots differ (`accounts[3]`, `journal[0].from`), with both values. */
export function firstSnapshotDifference(
  a: Snapshot,
  b: Snapshot,
): { key: string; actual: unknown; expected: unknown } | undefined {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const name of keys) {
    const path = firstValueDifference(a[name], b[name]);
    if (path === undefined) continue;
    return { key: `${name}${path}`, actual: valueAt(a[name], path), expected: valueAt(b[name], path) };
  }
  return undefined;
}
