// tasks.mjs: unchanged from @ame/transaction
export function transfer(ctx, from, to, amount) {
  const accounts = ctx.heap.tarray('accounts');
  if (accounts.get(from) < amount) return false;
  accounts.set(from, accounts.get(from) - amount);
  accounts.set(to, accounts.get(to) + amount);
  return true;
}
