import { PgHeap, PgQueue, taskRef } from '../dist/index.js';
const transfer = taskRef(new URL('./tasks.mjs', import.meta.url), 'transfer');
let t = performance.now();
const lap = (m) => {
  console.log(m, (performance.now() - t).toFixed(0), 'ms');
  t = performance.now();
};
const heap = await PgHeap.open({ settings: { synchronous_commit: process.env.SC ?? 'on' } });
lap('open');
const accounts = heap.tarray('accounts', 1000);
lap('create');
heap.atomically(() => {
  for (let i = 0; i < 1000; i++) accounts.set(i, 1000);
});
lap('init');
const q = new PgQueue({ heap, workers: 2 });
await q.whenReady();
lap('ready');
for (let i = 0; i < 500; i++) q.add(transfer, i % 1000, (i * 7 + 1) % 1000, 1);
const r = await q.run();
lap(`run ${r.commits} ${r.aborts}`);
await q.close();
await heap.close();
