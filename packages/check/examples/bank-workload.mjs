// An example workload for @ame/check: a small bank. Fuzz it with
//
//   npx ame-check fuzz examples/bank-workload.mjs --runs 50 --seed 42
//
// A workload module exports its tasks (any exported function taking a TaskContext
// first), `setup(heap)` and `calls` (a fast-check arbitrary of task lists), and may export
// an `invariant(snapshot)` checked on every final heap.
import fc from 'fast-check';

export const ACCOUNTS = 5;
const START = 100;

/** Creates the named objects: 5 accounts of 100, and what came in and went out. */
export function setup(heap) {
  const accounts = heap.tarray('accounts', ACCOUNTS);
  heap.tcounter('deposited', 0);
  heap.tcounter('withdrawn', 0);
  heap.tvar('audits', 0);
  heap.atomically(() => {
    for (let i = 0; i < ACCOUNTS; i++) accounts.set(i, START);
  });
}

/** Moves `amount` from `from` to `to` if `from` has it; returns whether it did. */
export function transfer(ctx, from, to, amount) {
  const accounts = ctx.heap.tarray('accounts');
  if (accounts.get(from) < amount) return false;
  accounts.set(from, accounts.get(from) - amount);
  accounts.set(to, accounts.get(to) + amount);
  return true;
}

/** Deposits a ctx.random() amount (deterministic per task); returns it. */
export function deposit(ctx, account) {
  const amount = Math.floor(ctx.random() * 50);
  const accounts = ctx.heap.tarray('accounts');
  accounts.set(account, accounts.get(account) + amount);
  ctx.heap.tcounter('deposited').add(amount); // commutative: never conflicts with other adds
  return amount;
}

/** Withdraws `amount`, or throws (and writes nothing) if the account cannot cover it. */
export function withdraw(ctx, account, amount) {
  const accounts = ctx.heap.tarray('accounts');
  const balance = accounts.get(account);
  if (balance < amount) throw new RangeError(`account ${account} has ${balance}, cannot withdraw ${amount}`);
  accounts.set(account, balance - amount);
  ctx.heap.tcounter('withdrawn').add(amount);
  return balance - amount;
}

/** Pays `amount` from `from` to every other account, as child tasks; returns how many. */
export function payroll(ctx, from, amount) {
  for (let to = 0; to < ACCOUNTS; to++) if (to !== from) ctx.add(transfer, from, to, amount);
  return ACCOUNTS - 1;
}

/** Read-only: the total of all accounts, and counts the audit. */
export function audit(ctx) {
  const accounts = ctx.heap.tarray('accounts');
  let total = 0;
  for (let i = 0; i < ACCOUNTS; i++) total += accounts.get(i);
  const audits = ctx.heap.tvar('audits');
  audits.set(audits.get() + 1);
  return total;
}

/** Money is neither created nor lost: the accounts hold what came in minus what went out. */
export function invariant(snapshot) {
  const total = snapshot.accounts.reduce((a, b) => a + b, 0);
  const expected = ACCOUNTS * START + snapshot.deposited - snapshot.withdrawn;
  return total === expected || `accounts hold ${total}, expected ${expected}`;
}

const account = fc.nat({ max: ACCOUNTS - 1 });

/** Random task lists: up to 40 calls, mostly transfers between few accounts (contention). */
export const calls = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constant('transfer'), account, account, fc.integer({ min: 1, max: 60 })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('deposit'), account) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('withdraw'), account, fc.integer({ min: 1, max: 150 })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('payroll'), account, fc.integer({ min: 1, max: 10 })) },
    { weight: 1, arbitrary: fc.constant(['audit']) },
  ),
  { maxLength: 40 },
);
