import { Heap } from '@ame/stm';
import { taskModule } from '@ame/transaction';
import { SequentialQueue } from '@ame/gil';
const tasks = taskModule(new URL('./tasks.mjs', import.meta.url));
const heap = Heap.create(); heap.tarray('a', 1024);
const q = new SequentialQueue({ heap });
for (let i = 0; i < 300000; i++) q.add(tasks.tiny, i);
const r = await q.run(); console.log(r.durationMs, r.commits);
