/**
 * Shared pieces of the @ame/pg suites: one embedded PostgreSQL per test file (started by
 * the first PgHeap.open(), stopped by its close()), fresh namespaces on it, and the bank
 * fixture's objects on a PgHeap and on an STM Heap (the oracle). The task modules are the
 * TransactionQueue suite's own (packages/transaction/test/fixtures): the same files run on
 * PostgreSQL unchanged.
 */
import { Heap, type Value } from '@ame/stm';
import { PgHeap } from '@ame/pg';

import { ACCOUNTS } from '../../../transaction/test/helpers/bank-calls.js';

export { ACCOUNTS, BANK } from '../../../transaction/test/helpers/bank-calls.js';

let counter = 0;

/** A heap on `server`'s database in a namespace no other heap uses. */
export function freshHeap(server: PgHeap): Promise<PgHeap> {
  return PgHeap.open({ connectionString: server.connectionString, namespace: `t${process.pid}_${counter++}` });
}

/** The bank's objects on a PgHeap, accounts at `balances`. */
export function setupPgBank(heap: PgHeap, balances: readonly number[]): void {
  const accounts = heap.tarray('accounts', ACCOUNTS);
  heap.tvar('total', 0);
  heap.tcounter('hits', 0);
  heap.tvar<Value>('journal', []);
  heap.atomically(() => balances.forEach((b, i) => accounts.set(i, b)));
}

/** The same state on an STM heap. */
export function setupStmBank(balances: readonly number[]): Heap {
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
