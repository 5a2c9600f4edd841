// main.mjs: 2,000 tasks of ~0.3 ms each, in parallel and then one after another.
import { SequentialQueue } from '@ame/gil';
import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule } from '@ame/transaction';

const tasks = taskModule(new URL('./tasks.mjs', import.meta.url));

async function runAll(createQueue) {
  const heap = Heap.create();
  heap.tarray('balances', 100, 'f64');
  const queue = createQueue(heap);
  try {
    await queue.ready(); // workers started and warm (optional: run() does not wait for them)
    const start = performance.now();
    for (let i = 0; i < 2_000; i++) queue.add(tasks.simulate, i % 100);
    const report = await queue.run();
    return { ms: performance.now() - start, report, balances: heap.snapshot().balances };
  } finally {
    await queue.close(); // stops the workers
  }
}

// ordered: commits in add order, so the result equals the sequential one on every run
const parallel = await runAll((heap) => new TransactionQueue({ heap, ordered: true, seed: 1 }));
const sequential = await runAll((heap) => new SequentialQueue({ heap, seed: 1 }));

const same = JSON.stringify(parallel.balances) === JSON.stringify(sequential.balances);
console.log(`sequential: ${sequential.report.commits} tasks in ${sequential.ms.toFixed(0)} ms`);
console.log(
  `TransactionQueue (${parallel.report.workers} workers): ${parallel.report.commits} tasks in ${parallel.ms.toFixed(0)} ms, ` +
    `${(sequential.ms / parallel.ms).toFixed(2)}x, ${parallel.report.aborts} aborts`,
);
console.log(`same balances as sequential: ${same}`);
