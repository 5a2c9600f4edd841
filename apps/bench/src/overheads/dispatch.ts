/**
 * Dispatch cost per task: empty tasks (`noop`) through each queue, µs per task, split
 * into adding (main thread, encoding the call) and running (claiming, decoding, the
 * transaction around nothing, the result, the report).
 */
import { queueExecutors } from '../executors/queues.js';
import { spread } from '../stats.js';
import type { Op, Variant } from '../workloads/types.js';

export interface DispatchRow {
  readonly executor: string;
  readonly label: string;
  readonly tasks: number;
  /** µs per task, add + run (median of reps). */
  readonly usPerTask: number;
  readonly addUsPerTask: number;
  readonly runUsPerTask: number;
}

/** Measures every queue executor with `workers` 1 and 2 (and SequentialQueue). */
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
  for (const executor of queueExecutors([1, 2])) {
    onStep(`dispatch · ${executor.label}`);
    const session = await executor.open(variant);
    try {
      await session.run(ops); // warm-up
      const total: number[] = [];
      const add: number[] = [];
      for (let r = 0; r < reps; r++) {
        const outcome = await session.run(ops);
        total.push(outcome.ms);
        add.push(outcome.addMs ?? 0);
      }
      const perTask = (ms: number): number => (ms * 1000) / tasks;
      const t = spread(total).median;
      const a = spread(add).median;
      rows.push({
        executor: executor.id,
        label: executor.label,
        tasks,
        usPerTask: perTask(t),
        addUsPerTask: perTask(a),
        runUsPerTask: perTask(t - a),
      });
    } finally {
      await session.close();
    }
  }
  return rows;
}
