/** Invariants shared by the account workloads: they hold exactly in every serial order. */
import type { Results, State } from './types.js';

/** Money is conserved and no balance is negative; `scans` results (if any) all saw the total. */
export function accountsConserved(total: number, state: State, _results: Results): string | undefined {
  const accounts = state.accounts;
  if (!Array.isArray(accounts)) return 'no accounts array in the final state';
  let sum = 0;
  for (let k = 0; k < accounts.length; k++) {
    const balance = accounts[k]!;
    if (!(balance >= 0)) return `accounts[${k}] is ${balance}`;
    sum += balance;
  }
  if (sum !== total) return `total money is ${sum}, expected ${total}`;
  return undefined;
}

/** Every number in `results` at the positions of read-only scans equals `total` (opacity). */
export function scansSawTotal(total: number, isScan: readonly boolean[], results: Results): string | undefined {
  for (let i = 0; i < results.length; i++) {
    if (isScan[i] && results[i] !== total) return `scan task ${i} saw a total of ${String(results[i])}, expected ${total}`;
  }
  return undefined;
}
