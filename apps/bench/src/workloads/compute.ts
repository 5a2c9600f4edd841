/** Compute-bound tasks with few conflicts: the case parallel execution should speed up. */
import type { Op, Workload } from './types.js';

/** Spin iterations per task (about 300 µs). */
const WORK = 100_000;
/** Result slots: task i adds into out[i % SLOTS], so tasks rarely write the same slot at once. */
const SLOTS = 1024;

export const compute: Workload = {
  name: 'compute',
  description: 'compute-bound tasks (~300 µs of integer mixing each), each adding its result into one of 1024 slots',
  variants(quick) {
    const tasks = quick ? 300 : 1500;
    const ops: Op[] = Array.from({ length: tasks }, (_, i) => ['compute', i, WORK, SLOTS] as const);
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
    ];
  },
};
