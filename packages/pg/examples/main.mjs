// main.mjs: the same queue on PostgreSQL SERIALIZABLE transactions.
import { PgHeap, PgQueue, taskModule } from '@ame/pg';

const heap = await PgHeap.open(); // embedded PostgreSQL; or { connectionString, namespace }
const accounts = heap.tarray('accounts', 100);
heap.atomically(() => {
  for (let i = 0; i < 100; i++) accounts.set(i, 1000);
});
const tasks = taskModule(new URL('./tasks.mjs', import.meta.url));
const queue = new PgQueue({ heap, workers: 4 });
for (let i = 0; i < 1_000; i++) queue.add(tasks.transfer, i % 100, (i * 7) % 100, 5);
const report = await queue.run();
console.log(`${report.commits} commits, ${report.aborts} aborts`);
console.log(`total ${accounts.toArray().reduce((a, b) => a + b, 0)}, connection ${heap.connectionString}`);
await queue.close();
await heap.close(); // stops the embedded server and removes its directory
