/**
 * Per-task overhead of every executor: empty tasks (`noop`), ns per task, split into
 * adding (main thread: encoding the calls, or writing the ops for locks) and running
 * (claiming, decoding, the transaction around nothing, the result, the report), with the
 * policy each queue chose. The pooled queues also run with policy 'parallel' forced (the
 * worker path), and each queue's first task latency is timed: one empty task on a new
 * queue after `await queue.ready()`.
 */
import { effect } from '../executors/effect.js';
import { lockExecutor } from '../executors/locks.js';
import { plain } from '../executors/plain.js';
import { queueExecutors } from '../executors/queues.js';
import type { Executor } from '../executors/types.js';
import { spread } from '../stats.js';
import type { Op, Variant } from '../workloads/types.js';

export interface DispatchRow {
  readonly executor: string;
  readonly label: string;
  readonly tasks: number;
  /** ns per task, add + run (median of reps). */
  readonly nsPerTask: number;
  /** ns per task of adding (main thread); null where nothing is added (plain JS, Effect). */
  readonly addNsPerTask: number | null;
  readonly runNsPerTask: number;
  /** Queues: where the batches ran ('inline', 'parallel', 'mixed'); null for the others. */
  readonly policy: string | null;
  /** Queues: tasks the calling thread ran per batch (median). */
  readonly inlineTasks: number | null;
  /** Queues: ms from add() of one empty task on a new queue (after ready()) to run()'s end, median. */
  readonly firstTaskMs: number | null;
  /** Older reports (µs per task): read by the table when the ns fields are absent. */
  readonly usPerTask?: number;
  readonly addUsPerTask?: number;
  readonly runUsPerTask?: number;
}

/** Fresh queues per executor for the first task latency. */
const LATENCY_REPS = 3;

/** The executors measured: plain JS, every queue (1 and 2 workers, also forced parallel), locks, Effect. */
export function dispatchExecutors(): Executor[] {
  return [plain, ...queueExecutors([1, 2]), ...queueExecutors([2], 'parallel'), lockExecutor(1), lockExecutor(2), effect];
}

/** Measures every executor of dispatchExecutors() on `tasks` empty tasks. */
export async function measureDispatch(tasks: number, reps: number, onStep: (label: string) => void): Promise<DispatchRow[]> {
  const ops: Op[] = Array.from({ length: tasks }, () => ['noop'] as const);
  const variant: Variant = {
    id: 'dispatch/noop',
    workload: 'dispatch',
    title: 'empty tasks',
    description: `${tasks} empty tasks`,
    params: { tasks },
    state: [{ name: 'unused', kind: 'tvar', length: 1, initial: 0 }],
    ops,
    orderFree: true,
    invariants: () => undefined,
  };
  const rows: DispatchRow[] = [];
  const perTask = (ms: number): number => (ms * 1e6) / tasks;
  for (const executor of dispatchExecutors()) {
    onStep(`dispatch · ${executor.label}`);
    const session = await executor.open(variant);
    const total: number[] = [];
    const add: number[] = [];
    const policies = new Set<string>();
    const inline: number[] = [];
    try {
      await session.run(ops); // warm-up
      for (let r = 0; r < reps; r++) {
        const outcome = await session.run(ops);
        total.push(outcome.ms);
        add.push(outcome.addMs ?? 0);
        if (outcome.policy) policies.add(outcome.policy);
        if (outcome.inlineTasks !== undefined) inline.push(outcome.inlineTasks);
      }
    } finally {
      await session.close();
    }
    const latency: number[] = [];
    for (let r = 0; executor.firstBatch && r < LATENCY_REPS; r++) {
      latency.push((await executor.firstBatch(variant, [['noop']], 'ready')).ms);
    }
    const t = spread(total).median;
    const a = spread(add).median;
    const adds = total.length > 0 && executor.id !== 'plain' && executor.id !== 'effect';
    rows.push({
      executor: executor.id,
      label: executor.label,
      tasks,
      nsPerTask: perTask(t),
      addNsPerTask: adds ? perTask(a) : null,
      runNsPerTask: perTask(adds ? t - a : t),
      policy: policies.size === 0 ? null : policies.size === 1 ? [...policies][0]! : 'mixed',
      inlineTasks: inline.length ? spread(inline).median : null,
      firstTaskMs: latency.length ? spread(latency).median : null,
    });
  }
  return rows;
}
