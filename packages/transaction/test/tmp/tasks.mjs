export function work(ctx, i, n) {
  let x = 0; for (let k = 0; k < n; k++) x += Math.sqrt(k + i);
  const a = ctx.heap.tarray('a');
  a.set(i % 1000, a.get(i % 1000) + 1);
  return x > 0;
}
export function tiny(ctx, i) { const a = ctx.heap.tarray('a'); a.set(i & 1023, a.get(i & 1023) + 1); a.set((i * 7) & 1023, a.get((i * 7) & 1023) - 1); }
