/**
 * Shared pieces of the executor suites: the bank fixture's state on a heap, the property
 * seed, and (from bank-calls.ts, shared with @ame/pg's suites) random task lists over the
 * bank and a report reduced to what must be equal between executors.
 */
import { Heap, type Value } from '@ame/stm';
import { ACCOUNTS } from './bank-calls.js';

export { ACCOUNTS, type Adder, addCalls, BANK, balancesArb, type Call, callArb, outcome } from './bank-calls.js';

/** A fresh heap holding the bank's objects, accounts at `balances`. */
export function setupBank(balances: readonly number[]): Heap {
  const heap = Heap.create({ initialBytes: 1 << 18, maxBytes: 1 << 24 });
  const accounts = heap.tarray('accounts', ACCOUNTS);
  heap.tvar('total', 0);
  heap.tcounter('hits', 0);
  heap.tvar<Value>('journal', []);
  heap.atomically(() => balances.forEach((b, i) => accounts.set(i, b)));
  return heap;
}

/** The FC_SEED env variable, or the clock. */
export function propertySeed(): number {
  return process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
}
