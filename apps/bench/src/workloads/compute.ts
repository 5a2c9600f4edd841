/** Compute-bound tasks with few conflicts: the case parallel execution should speed up. */
import type { Op, Workload } from './types.js';

/** Spin iterations per task (about 300 µs). */
const WORK = 100_000;
/** Spin iterations of the shorter tasks (about 130 µs): issue 10's first-batch case. */
const WORK_130US = 42_000;
/** Result slots: task i adds into out[i % SLOTS], so tasks rarely write the same slot at once. */
const SLOTS = 1024;

export const compute: Workload = {
  name: 'compute',
  description: 'compute-bound tasks (~300 µs or ~130 µs of integer mixing each), each adding its result into one of 1024 slots',
  variants(quick) {
    const tasks = quick ? 300 : 1500;
    const ops: Op[] = Array.from({ length: tasks }, (_, i) => ['compute', i, WORK, SLOTS] as const);
    const short = quick ? 600 : 1500;
    return [
      {
        id: 'compute/few-conflicts',
        workload: 'compute',
        title: 'compute-bound',
        description: `${tasks} tasks of ~300 µs CPU each, adding into out[i % ${SLOTS}]: the speed-up case`,
        params: { tasks, work: WORK, slots: SLOTS },
        state: [{ name: 'out', kind: 'array', length: SLOTS, initial: 0 }],
        ops,
        orderFree: true,
        invariants: () => undefined,
      },
      {
        id: 'compute/130us',
        workload: 'compute',
        title: 'compute 130 µs',
        description: `${short} tasks of ~130 µs CPU each, adding into out[i % ${SLOTS}]: the first-batch case of issue 10`,
        params: { tasks: short, work: WORK_130US, slots: SLOTS },
        state: [{ name: 'out', kind: 'array', length: SLOTS, initial: 0 }],
        ops: Array.from({ length: short }, (_, i) => ['compute', i, WORK_130US, SLOTS] as const),
        orderFree: true,
        firstBatchTarget: true,
        invariants: () => undefined,
      },
    ];
  },
};
