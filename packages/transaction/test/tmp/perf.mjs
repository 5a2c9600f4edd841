import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule } from '@ame/transaction';
import { GilQueue, SequentialQueue } from '@ame/gil';
const tasks = taskModule(new URL('./tasks.mjs', import.meta.url));
const N = 4000, WORK = 200000;
function plain() { const a = new Float64Array(1000); const t = performance.now(); for (let i = 0; i < N; i++) { let x = 0; for (let k = 0; k < WORK; k++) x += Math.sqrt(k + i); a[i % 1000] += 1; } return performance.now() - t; }
async function q(make, task = 'work', n = N) {
  const heap = Heap.create(); heap.tarray('a', 1024);
  const queue = make(heap);
  for (let i = 0; i < 50; i++) queue.add(tasks[task], i, WORK); await queue.run(); // warm (start workers)
  for (let i = 0; i < n; i++) queue.add(tasks[task], i, WORK);
  const r = await queue.run(); await queue.close(); return r;
}
const base = plain(); console.log('plain', base.toFixed(0));
for (const [name, make] of [['seq', h => new SequentialQueue({ heap: h })], ['stm', h => new TransactionQueue({ heap: h, workers: 2 })], ['ordered', h => new TransactionQueue({ heap: h, workers: 2, ordered: true })], ['gil', h => new GilQueue({ heap: h, workers: 2 })]]) {
  const r = await q(make); console.log(name, r.durationMs.toFixed(0), (base / r.durationMs).toFixed(2) + 'x', 'aborts', r.aborts);
}
for (const [name, make] of [['tiny seq', h => new SequentialQueue({ heap: h })], ['tiny stm', h => new TransactionQueue({ heap: h, workers: 2 })], ['tiny ordered', h => new TransactionQueue({ heap: h, workers: 2, ordered: true })]]) {
  const r = await q(make, 'tiny', 200000); console.log(name, r.durationMs.toFixed(0), 'ms', Math.round(r.commits / r.durationMs * 1000), 'commits/s aborts', r.aborts);
}
