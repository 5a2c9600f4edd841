// main.mjs: typed references to the tasks (nothing imported in this thread), run by a queue
// of @ame/transaction, which builds on @ame/pool.
import { taskModule } from '@ame/pool';
import { Heap } from '@ame/stm';
import { TransactionQueue } from '@ame/transaction';

const tasks = taskModule(new URL('./tasks.mjs', import.meta.url));
const heap = Heap.create();
heap.tvar('hits', 0);
const queue = new TransactionQueue({ heap, workers: 2 });
for (let i = 0; i < 100; i++) queue.add(tasks.bump, 'hits');
await queue.run();
await queue.close();
console.log(`hits: ${heap.tvar('hits').get()} (100 tasks and their children)`);
