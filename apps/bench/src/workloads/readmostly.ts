/** Read-mostly: long read-only scans of every account, beside small writers. */
import { transfers } from './bank.js';
import { accountsConserved, scansSawTotal } from './checks.js';
import type { Op, Workload } from './types.js';

const INITIAL = 1000;

export const readmostly: Workload = {
  name: 'readmostly',
  description: 'read-only scans summing all 10,000 accounts (1 task in 10), beside small transfers',
  variants(quick) {
    const tasks = quick ? 400 : 2000;
    const accounts = 10_000;
    const writes = transfers(tasks, accounts, 0, 0, 7);
    const ops: Op[] = writes.map((op, i) => (i % 10 === 0 ? (['scan'] as const) : op));
    const isScan = ops.map((op) => op[0] === 'scan');
    const total = accounts * INITIAL;
    return [
      {
        id: 'readmostly/scans',
        workload: 'readmostly',
        title: 'read-mostly scans',
        description: `${tasks} tasks: every 10th sums all ${accounts} accounts (read-only), the rest are tiny transfers; every scan must see the total`,
        params: { tasks, accounts, scanEvery: 10 },
        state: [{ name: 'accounts', kind: 'array', length: accounts, initial: INITIAL }],
        ops,
        orderFree: false,
        invariants: (state, results) => accountsConserved(total, state, results) ?? scansSawTotal(total, isScan, results),
      },
    ];
  },
};
