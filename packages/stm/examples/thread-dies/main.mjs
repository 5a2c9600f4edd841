// main.mjs: a worker exits while attached to the heap; recover() repairs what it left.
import { Worker } from 'node:worker_threads';
import { Heap } from '@ame/stm';

const heap = Heap.create();
heap.tvar('counter', 0);
const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: heap.handle });

worker.on('exit', () => {
  const repaired = heap.recover(worker.threadId); // one entry per slot the worker still held
  for (const { commit, tag } of repaired) {
    // commit: 'none' | 'undone' | 'rolled-back' (not applied) | 'rolled-forward' (applied)
    console.log(`slot repaired: commit ${commit}, tag ${tag}`);
  }
  const counter = heap.tvar('counter');
  console.log(`counter ${counter.get()}, then ${heap.atomically(() => counter.update((n) => n + 1))}: no lock left held`);
});
