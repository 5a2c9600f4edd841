/**
 * One hot key that every task updates: read-modify-write of a tvar (every pair of
 * concurrent tasks conflicts) against TCounter.add (commutative: adds never conflict).
 */
import type { Op, Workload } from './types.js';

/** Spin iterations per task (about 60 µs). */
const WORK = 20_000;

export const hotkey: Workload = {
  name: 'hotkey',
  description: 'every task adds ~60 µs of work into one shared number: tvar read-modify-write versus TCounter.add',
  variants(quick) {
    const tasks = quick ? 600 : 3000;
    const make = (op: 'hotRmw' | 'hotAdd'): Op[] => Array.from({ length: tasks }, (_, i) => [op, i, WORK] as const);
    return [
      {
        id: 'hotkey/tvar',
        workload: 'hotkey',
        title: 'hot key (tvar)',
        description: `${tasks} tasks each read one tvar first, spin ~60 µs, then write it back: all concurrent tasks conflict`,
        params: { tasks, work: WORK },
        state: [{ name: 'hot', kind: 'tvar', length: 1, initial: 0 }],
        ops: make('hotRmw'),
        orderFree: true,
        invariants: () => undefined,
      },
      {
        id: 'hotkey/tcounter',
        workload: 'hotkey',
        title: 'hot key (TCounter)',
        description: `${tasks} tasks each spin ~60 µs, then TCounter.add into one counter: commutative, no conflicts`,
        params: { tasks, work: WORK },
        state: [{ name: 'hits', kind: 'counter', length: 1, initial: 0 }],
        ops: make('hotAdd'),
        orderFree: true,
        invariants: () => undefined,
      },
    ];
  },
};
