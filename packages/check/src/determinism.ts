/**
 * Non-determinism: a task that reads Math.random(), Date.now() or other outside state
 * makes the sequential oracle disagree with itself, and every check against it is moot.
 * Detected by running SequentialQueue twice on the same calls (fresh heaps, same seed);
 * if only the final heap differs, two serial replays snapshotting after every task find
 * the first task that left a different heap.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { compareOutcomes, firstSnapshotDifference, taskInfo, showTask, type Difference } from './compare.js';
import { SEQUENTIAL } from './executors.js';
import { show } from './internal/show.js';
import { replaySerial } from './replay.js';
import { runMode, type RunRecord } from './run-record.js';
import type { Call, Snapshot, Workload } from './workload.js';

/**
 * Runs the oracle twice (2 ms apart, so clocks move) and returns the first difference,
 * naming the task that is not deterministic, or undefined if both runs agree.
 *
 * @param seed the queues' seed (ctx.random() is deterministic; Math.random() is not)
 */
export async function findNondeterminism(workload: Workload, calls: readonly Call[], seed = 0): Promise<Difference | undefined> {
  const first = await runMode(workload, SEQUENTIAL, calls, { seed, workers: 1 });
  await sleep(2);
  const second = await runMode(workload, SEQUENTIAL, calls, { seed, workers: 1 });
  const order = Array.from({ length: Math.max(first.taskCount, second.taskCount) }, (_, i) => i);
  const [difference] = compareOutcomes(first, second, order, first.tasks, {
    actual: 'one sequential run',
    expected: 'in another',
  });
  if (!difference) return undefined;
  const located = difference.task ? difference : ((await locate(workload, first)) ?? difference);
  const culprit = located.task
    ? `task ${located.task.index} (${located.task.task}) is not deterministic`
    : 'the tasks are not deterministic';
  return {
    ...located,
    kind: 'nondeterministic',
    message: `${culprit}: ${located.message}. Use ctx.random() instead of Math.random(), and keep clocks and I/O out of tasks (ctx.afterCommit)`,
  };
}

/** The first task after which two serial replays' heaps differ. */
async function locate(workload: Workload, run: RunRecord): Promise<Difference | undefined> {
  const order = Array.from({ length: run.taskCount }, (_, i) => i);
  const snapshots: Snapshot[][] = [[], []];
  for (const side of [0, 1] as const) {
    if (side === 1) await sleep(2);
    await replaySerial(workload, run.tasks, order, run.seed, { afterTask: (_, heap) => snapshots[side]!.push(heap.snapshot()) });
  }
  for (let k = 0; k < order.length; k++) {
    const a = snapshots[0]![k];
    const b = snapshots[1]![k];
    if (!a || !b) break;
    const diff = firstSnapshotDifference(a, b);
    if (diff) {
      const task = taskInfo(run.tasks, order[k]!);
      return {
        kind: 'nondeterministic',
        task,
        key: diff.key,
        actual: diff.actual,
        expected: diff.expected,
        message: `after ${showTask(task)} the heap differs at ${diff.key}: ${show(diff.actual)} in one sequential run, ${show(diff.expected)} in another`,
      };
    }
  }
  return undefined;
}
