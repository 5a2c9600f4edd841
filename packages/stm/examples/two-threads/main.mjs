// main.mjs: one heap, shared with a worker thread through its handle.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { Heap } from '@ame/stm';

const heap = Heap.create();
const accounts = heap.tarray('accounts', 100, 'f64');
heap.atomically(() => {
  for (let i = 0; i < 100; i++) accounts.set(i, 100);
});
const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: heap.handle });
await once(worker, 'exit');

const total = accounts.toArray().reduce((a, b) => a + b, 0);
console.log(`accounts 1 and 2: ${accounts.get(1)}, ${accounts.get(2)}; total ${total}`);
