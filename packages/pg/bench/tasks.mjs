// Bench task module: a tiny transfer (2 reads, 2 writes) on the tarray 'accounts'.
export function transfer(ctx, from, to, amount) {
  const accounts = ctx.heap.tarray('accounts');
  const a = accounts.get(from);
  if (a < amount) return false;
  accounts.set(from, a - amount);
  accounts.set(to, accounts.get(to) + amount);
  return true;
}
