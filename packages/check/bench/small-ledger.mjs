// The benchmark workload of `ame-check fuzz --bench`: a small ledger, 5-20 tasks per list
// over 8 accounts, a tvar and a tcounter (tiny tasks: what a fuzz of a user's workload
// usually runs). Serializable under any correct executor.
import fc from 'fast-check';

const ACCOUNTS = 8;

export function setup(heap) {
  const accounts = heap.tarray('accounts', ACCOUNTS);
  heap.tvar('fees', 0);
  heap.tcounter('moves', 0);
  heap.atomically(() => {
    for (let i = 0; i < ACCOUNTS; i++) accounts.set(i, 100);
  });
}

/** Moves `amount` if the source has it, with a fee of 1 to `fees`. */
export function transfer(ctx, from, to, amount) {
  const accounts = ctx.heap.tarray('accounts');
  if (from === to || accounts.get(from) < amount + 1) return false;
  accounts.set(from, accounts.get(from) - amount - 1);
  accounts.set(to, accounts.get(to) + amount);
  const fees = ctx.heap.tvar('fees');
  fees.set(fees.get() + 1);
  ctx.heap.tcounter('moves').add(1);
  return true;
}

/** Read-only: one account's balance. */
export function balance(ctx, account) {
  return ctx.heap.tarray('accounts').get(account);
}

/** Money is kept: accounts plus fees are what the ledger started with. */
export function invariant(snapshot) {
  const total = snapshot.accounts.reduce((a, b) => a + b, 0) + snapshot.fees;
  return total === ACCOUNTS * 100 || `accounts and fees hold ${total}, expected ${ACCOUNTS * 100}`;
}

const account = fc.nat(ACCOUNTS - 1);

export const calls = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constant('transfer'), account, account, fc.integer({ min: 1, max: 40 })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('balance'), account) },
  ),
  { minLength: 5, maxLength: 20 },
);
