// worker.mjs: the same heap in another thread, changed in a transaction.
import { workerData } from 'node:worker_threads';
import { Heap } from '@ame/stm';

const heap = Heap.attach(workerData);
const accounts = heap.tarray('accounts');
heap.atomically(() => {
  if (accounts.get(1) < 5) return;
  accounts.set(1, accounts.get(1) - 5);
  accounts.set(2, accounts.get(2) + 5);
});
heap.detach(); // give the thread slot back when done
