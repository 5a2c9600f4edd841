// tasks.mjs: synchronous functions, context first; arguments and results are Values.

/** Moves `amount` from `from` to `to` if `from` has it; returns whether it did. */
export function transfer(ctx, from, to, amount) {
  const accounts = ctx.heap.tarray('accounts');
  if (accounts.get(from) < amount) return false;
  accounts.set(from, accounts.get(from) - amount);
  accounts.set(to, accounts.get(to) + amount);
  return true;
}
