// tasks.mjs: ordinary synchronous functions, context first; shared state goes through ctx.heap.

/** One account's simulated year: ~0.3 ms of arithmetic, then one transactional update. */
export function simulate(ctx, account) {
  let seed = Math.floor(ctx.random() * 2 ** 32); // ctx.random(): seeded, the same on every attempt
  let value = 100;
  for (let step = 0; step < 50_000; step++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    value *= 1 + (seed / 2 ** 32 - 0.5) / 1000;
  }
  const balances = ctx.heap.tarray('balances');
  balances.set(account, balances.get(account) + value);
  return value;
}
