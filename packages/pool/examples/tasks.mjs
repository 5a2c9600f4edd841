// tasks.mjs: synchronous functions, context first, Values in and out.

/** Adds 1 to the counter `key`; one time in ten, adds a child task that does it again. */
export function bump(ctx, key) {
  const counter = ctx.heap.tvar(key);
  counter.set(counter.get() + 1);
  if (ctx.random() < 0.1) ctx.add(bump, key); // a child task, only if this one commits
}
