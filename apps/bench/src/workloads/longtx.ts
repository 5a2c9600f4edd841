/** Long transactions: each reads and writes many keys. */
import { prng } from '../kernels.js';
import { accountsConserved } from './checks.js';
import type { Op, Workload } from './types.js';

const INITIAL = 1000;
/** Keys per transaction. */
const KEYS = 64;
/** Spin iterations per task (about 60 µs) between the reads and the writes. */
const WORK = 20_000;

export const longtx: Workload = {
  name: 'longtx',
  description: `long transactions: each reads ${KEYS} random accounts, spins ~60 µs, then moves 1 from each into the first`,
  variants(quick) {
    const tasks = quick ? 300 : 1500;
    const accounts = 50_000;
    const seed = prng(99);
    const ops: Op[] = Array.from({ length: tasks }, () => ['spread', Math.floor(seed() * 2 ** 31), KEYS, WORK] as const);
    const total = accounts * INITIAL;
    return [
      {
        id: 'longtx/64-keys',
        workload: 'longtx',
        title: `long tx (${KEYS} keys)`,
        description: `${tasks} tasks each touching ${KEYS} of ${accounts} accounts (read all, then write all)`,
        params: { tasks, accounts, keys: KEYS, work: WORK },
        state: [{ name: 'accounts', kind: 'array', length: accounts, initial: INITIAL }],
        ops,
        orderFree: false,
        invariants: (state, results) => accountsConserved(total, state, results),
      },
    ];
  },
};
