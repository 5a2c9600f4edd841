/** Tiny tasks: 2 reads and 2 writes, no compute. Measures committed transactions per second. */
import { bankVariant } from './bank.js';
import type { Workload } from './types.js';

export const tiny: Workload = {
  name: 'tiny',
  description: 'tiny transfers (2 reads, 2 writes, no compute) among 100,000 accounts: committed transactions per second',
  variants(quick) {
    const tasks = quick ? 20_000 : 100_000;
    const accounts = 100_000;
    return [
      {
        ...bankVariant(
          'tiny/transfer',
          'tiny tasks',
          `${tasks} transfers with no work among ${accounts} accounts: per-task overhead`,
          tasks,
          accounts,
          0,
          0,
        ),
        firstBatchTarget: true,
      },
    ];
  },
};
