/**
 * Bank transfers: the classic STM workload, with a contention dial. Uniform and
 * Zipf-skewed choice of accounts over many accounts, and the Block-STM paper's
 * peer-to-peer setting: uniform transfers among only 2, 10, 100 or 1000 accounts.
 */
import { chooser, prng } from '../kernels.js';
import { accountsConserved } from './checks.js';
import type { Op, Variant, Workload } from './types.js';

const INITIAL = 1000;
/** Spin iterations per transfer (about 15 µs): a transaction that does some work, like a VM call. */
const WORK = 5000;
/** Spin iterations of the ~20 µs transfers of issue 10's first-batch targets. */
const WORK_20US = 6500;

/** `tasks` transfers among `accounts` accounts, chosen with Zipf exponent `skew` (0: uniform). */
export function transfers(tasks: number, accounts: number, skew: number, work: number, seed: number): Op[] {
  const pick = chooser(accounts, skew, seed);
  const amount = prng(seed ^ 0x5bd1e995);
  const ops: Op[] = [];
  while (ops.length < tasks) {
    const from = pick();
    let to = pick();
    while (accounts > 1 && to === from) to = pick();
    ops.push(['transfer', from, to, 1 + Math.floor(amount() * 100), work]);
  }
  return ops;
}

/** A transfer variant over `accounts` accounts. */
export function bankVariant(
  id: string,
  title: string,
  description: string,
  tasks: number,
  accounts: number,
  skew: number,
  work: number,
): Variant {
  const total = accounts * INITIAL;
  return {
    id,
    workload: id.split('/')[0]!,
    title,
    description,
    params: { tasks, accounts, skew, work },
    state: [{ name: 'accounts', kind: 'array', length: accounts, initial: INITIAL }],
    ops: transfers(tasks, accounts, skew, work, 42),
    orderFree: false,
    invariants: (state, results) => accountsConserved(total, state, results),
  };
}

export const bank: Workload = {
  name: 'bank',
  description:
    'transfers between accounts (read 2, write 2, ~15 µs of work): uniform, Zipf-skewed, and Block-STM peer-to-peer with few accounts',
  variants(quick) {
    const tasks = quick ? 1000 : 4000;
    const n = 10_000;
    const variants: Variant[] = [
      bankVariant(
        'bank/uniform',
        'bank uniform',
        `${tasks} transfers among ${n} accounts chosen uniformly: few conflicts`,
        tasks,
        n,
        0,
        WORK,
      ),
      bankVariant(
        'bank/zipf-1.0',
        'bank zipf 1.0',
        `${tasks} transfers among ${n} accounts, Zipf s=1.0 (a few hot accounts)`,
        tasks,
        n,
        1.0,
        WORK,
      ),
      bankVariant(
        'bank/zipf-1.5',
        'bank zipf 1.5',
        `${tasks} transfers among ${n} accounts, Zipf s=1.5 (very hot accounts)`,
        tasks,
        n,
        1.5,
        WORK,
      ),
    ];
    for (const accounts of [1000, 100, 10, 2]) {
      const v = bankVariant(
        `bank/p2p-${accounts}`,
        `p2p ${accounts} accts`,
        `Block-STM peer-to-peer: ${tasks} uniform transfers among only ${accounts} accounts (fewer accounts, more conflicts)`,
        tasks,
        accounts,
        0,
        WORK,
      );
      variants.push({ ...v, contention: { series: 'p2p', accounts } });
    }
    const tasks20 = quick ? 1000 : 2000;
    for (const accounts of [1000, 2]) {
      const v = bankVariant(
        `bank/p2p20-${accounts}`,
        `p2p ${accounts} accts 20 µs`,
        `${tasks20} uniform transfers of ~20 µs among ${accounts} accounts (issue 10's first-batch targets)`,
        tasks20,
        accounts,
        0,
        WORK_20US,
      );
      variants.push({ ...v, firstBatchTarget: true });
    }
    return variants;
  },
};
