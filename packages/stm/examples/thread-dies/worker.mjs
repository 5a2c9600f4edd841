// worker.mjs: commits once, then exits without detaching (as a crashed worker would).
import { workerData } from 'node:worker_threads';
import { Heap } from '@ame/stm';

const heap = Heap.attach(workerData);
heap.atomically(() => heap.tvar('counter').set(41));
process.exit(1);
