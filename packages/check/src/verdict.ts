/**
 * The verdict on one recorded run, from two independent checks:
 *
 * 1. Sequential equivalence. Ordered runs: SequentialQueue on the same calls in add order
 *    must give the same result or error for every task, the same tasks (children) and the
 *    same final heap. Unordered runs: the serial replay (replay.ts) of the recorded calls in
 *    the run's serial order (commits and failures) must give the same.
 * 2. The dependency graph of the recorded history must be acyclic (anomaly.ts).
 *
 * Plus the workload's `invariant`, if it exports one, on the final heap. When the run
 * passes both checks and only the invariant fails, it fails on the sequential execution's
 * heap too (checked, not assumed): the tasks or the invariant are wrong, not the executor,
 * and the verdict says so (`problem: 'invariant'`) instead of "not serializable".
 */
import type { TaskCall } from '@ame/pool';
import { findAnomaly, type Anomaly } from './anomaly.js';
import { compareOutcomes, firstTaskDifference, type Difference } from './compare.js';
import { SEQUENTIAL } from './executors.js';
import { show, showCall } from './internal/show.js';
import { replaySerial } from './replay.js';
import { type Outcome, runMode, type RunRecord } from './run-record.js';
import type { Snapshot, Workload } from './workload.js';

/** The verdict on one run. */
export interface Verdict {
  /** The executor's name. */
  readonly mode: string;
  readonly ordered: boolean;
  /** True if the run equals sequential execution, its history is acyclic and the invariant holds. */
  readonly ok: boolean;
  /**
   * What failed: `none`; `not-serializable` (the run differs from sequential execution, or
   * its history has a cycle: the executor's fault); `invariant` (the run equals sequential
   * execution and the workload's invariant fails on the sequential heap as well: the
   * workload's own bug).
   */
  readonly problem: 'none' | 'not-serializable' | 'invariant';
  /**
   * How completely sequential equivalence was checked: `exact` (every task, the task count
   * and the heap), or `top-level-only` (the executor did not report its children's calls:
   * the tasks serialized before the first child only; the graph check still covers all).
   */
  readonly replay: 'exact' | 'top-level-only';
  /** What differs from sequential execution: the first task, the task count, the first heap key. */
  readonly differences: readonly Difference[];
  /**
   * Whether the dependency-graph check ran: `checked`, or `unavailable` when the executor
   * recorded no read/write history (e.g. a custom executor without it). Sequential
   * equivalence is checked either way.
   */
  readonly graph: 'checked' | 'unavailable';
  /** A dependency cycle (or aborted read) in the history, if any. */
  readonly anomaly: Anomaly | undefined;
  /** The run itself. */
  readonly record: RunRecord;
}

/** Checks a recorded run (see the module comment). */
export async function checkRecord(workload: Workload, record: RunRecord): Promise<Verdict> {
  const graph: Verdict['graph'] = record.history ? 'checked' : 'unavailable';
  const base = { mode: record.mode, ordered: record.ordered, graph, record };
  if (record.failure) {
    const difference: Difference = { kind: 'run', message: `run() failed: ${record.failure.name}: ${record.failure.message}` };
    return { ...base, ok: false, problem: 'not-serializable', replay: 'exact', differences: [difference], anomaly: undefined };
  }
  const anomaly = record.history ? findAnomaly(record.history, { startVersion: record.startVersion }) : undefined;
  const differences: Difference[] = [];
  const orderProblem = checkOrder(record);
  if (orderProblem) differences.push(orderProblem);
  let replay: Verdict['replay'] = 'exact';
  let sequential: Outcome | undefined;
  if (record.ordered) {
    const expected = await runMode(workload, SEQUENTIAL, record.calls, { seed: record.seed, workers: 1 });
    const order = Array.from({ length: Math.max(record.taskCount, expected.taskCount) }, (_, i) => i);
    sequential = expected;
    differences.push(
      ...compareOutcomes(record, expected, order, record.tasks.length >= expected.tasks.length ? record.tasks : expected.tasks),
    );
  } else {
    const topLevel = record.calls.length;
    const expected = await replaySerial(workload, record.tasks, record.serialOrder, record.seed, { topLevel });
    if (expected.replayed.length === record.serialOrder.length) {
      sequential = expected;
      differences.push(...compareOutcomes(record, expected, record.serialOrder, record.tasks));
      const children = childrenDifference(record.tasks.slice(topLevel), expected.children);
      if (children && !differences.some((d) => d.task)) differences.splice(0, 0, children);
    } else {
      replay = 'top-level-only';
      const names = { actual: 'the run', expected: 'sequentially' };
      const first = firstTaskDifference(record, expected, expected.replayed, record.tasks, names);
      if (first) differences.push(first);
    }
  }
  const invariant = checkInvariant(workload, record.snapshot);
  if (invariant && differences.length === 0 && !anomaly && sequential && checkInvariant(workload, sequential.snapshot)) {
    const how = record.ordered ? 'SequentialQueue, in add order' : `one after another in the run's serial order`;
    const message = `the workload's invariant does not hold on the final heap, and it fails the same way when the tasks run ${how} (the run equals that sequential execution): a bug in the tasks or in the invariant, not in the executor: ${invariant.why}`;
    return { ...base, ok: false, problem: 'invariant', replay, differences: [{ ...invariant.difference, message }], anomaly };
  }
  if (invariant) differences.push(invariant.difference);
  const ok = differences.length === 0 && !anomaly;
  return { ...base, ok, problem: ok ? 'none' : 'not-serializable', replay, differences, anomaly };
}

/**
 * Every task appears once in the serial order. (Ordered runs are not required to list
 * tasks in index order there: a read-only task is placed at its snapshot; what ordered
 * mode promises is equality with SequentialQueue, checked separately.)
 */
function checkOrder(record: RunRecord): Difference | undefined {
  const order = record.serialOrder;
  if (order.length !== record.taskCount || new Set(order).size !== order.length) {
    return {
      kind: 'order',
      actual: order,
      message: `the serial order lists ${order.length} tasks (${new Set(order).size} distinct) of ${record.taskCount}: every task must commit or fail exactly once`,
    };
  }
  return undefined;
}

/** The children the replay's commits added, compared as a multiset with the run's. */
function childrenDifference(run: readonly (TaskCall | undefined)[], replay: readonly TaskCall[]): Difference | undefined {
  const key = (call: TaskCall | undefined): string => (call ? `${call.module}#${showCall(call.task, call.args)}` : '?');
  const counts = new Map<string, number>();
  for (const call of run) counts.set(key(call), (counts.get(key(call)) ?? 0) + 1);
  for (const call of replay) counts.set(key(call), (counts.get(key(call)) ?? 0) - 1);
  for (const [call, count] of counts) {
    if (count === 0) continue;
    const text = call.slice(call.indexOf('#') + 1);
    return {
      kind: 'children',
      actual: count > 0 ? text : undefined,
      expected: count < 0 ? text : undefined,
      message:
        count > 0
          ? `the run has a child task ${text} that the sequential replay did not add`
          : `the sequential replay added a child task ${text} that the run does not have`,
    };
  }
  return undefined;
}

function checkInvariant(workload: Workload, snapshot: Snapshot): { difference: Difference; why: string } | undefined {
  if (!workload.invariant) return undefined;
  let outcome: unknown;
  try {
    outcome = workload.invariant(structuredClone(snapshot));
  } catch (error) {
    outcome = error instanceof Error ? `${error.name}: ${error.message}` : show(error);
  }
  if (outcome === undefined || outcome === true) return undefined;
  const why = outcome === false ? 'it returned false' : String(outcome);
  return {
    why,
    difference: {
      kind: 'invariant',
      actual: outcome,
      message: `the workload's invariant does not hold on the final heap: ${why}`,
    },
  };
}
