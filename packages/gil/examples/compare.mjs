// compare.mjs: the same tasks under SequentialQueue (the oracle) and GilQueue (one global lock).
import { GilQueue, SequentialQueue } from '@ame/gil';
import { Heap } from '@ame/stm';
import { taskModule } from '@ame/transaction';

const tasks = taskModule(new URL('./tasks.mjs', import.meta.url));

async function runWith(createQueue) {
  const heap = Heap.create();
  const accounts = heap.tarray('accounts', 100);
  heap.atomically(() => accounts.set(1, 1000));
  const queue = createQueue(heap);
  for (let i = 0; i < 1000; i++) queue.add(tasks.transfer, 1 + (i % 99), 1 + ((i * 7) % 99), 5);
  const report = await queue.run(); // RunReport, mode 'sequential' or 'gil'
  await queue.close();
  return { report, snapshot: JSON.stringify(heap.snapshot()) };
}

const expected = await runWith((heap) => new SequentialQueue({ heap, seed: 7 }));
const gil = await runWith((heap) => new GilQueue({ heap, workers: 2, ordered: true, seed: 7 }));
console.log(
  `sequential: ${expected.report.commits} commits; GilQueue: ${gil.report.commits} commits, ` +
    `same heap: ${gil.snapshot === expected.snapshot}`,
);
