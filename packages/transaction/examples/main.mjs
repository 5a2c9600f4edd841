// main.mjs: 10,000 transfers among 100 accounts, in parallel, committed in add order.
import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule } from '@ame/transaction';

const heap = Heap.create();
const accounts = heap.tarray('accounts', 100, 'f64');
heap.atomically(() => {
  for (let i = 0; i < 100; i++) accounts.set(i, 1000);
});

const tasks = taskModule(new URL('./tasks.mjs', import.meta.url));
const queue = new TransactionQueue({ heap, ordered: true, seed: 7 });
for (let i = 0; i < 10_000; i++) queue.add(tasks.transfer, i % 100, (i * 7) % 100, 5);
const report = await queue.run({ onProgress: ({ finished, total }) => console.log(`${finished} / ${total}`) });
await queue.close(); // stops the workers

const total = accounts.toArray().reduce((a, b) => a + b, 0);
console.log(`${report.commits} commits, ${report.aborts} aborts, most conflicts on ${report.conflicts[0]?.key ?? 'no key'}`);
console.log(`total ${total}, same as before: ${total === 100 * 1000}`);
