/**
 * Entry point of every pool worker: attaches the heap and the batch memory once, imports
 * the executor's strategy module, warms the runtime up, then runs one batch per 'run'
 * message until 'close'. A replacement for a dead worker gets the dead one's number and
 * its first 'run' message carries the claim it takes over (`resume`, B6).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Heap, type HeapHandle } from '@ame/stm';
import { serializeError } from '../errors.js';
import { BatchEnv, type BatchOptions, type BatchOutput, type Resume, runBatch, type Strategy } from '../execute.js';
import { armFaults, disarmFaults } from '../fault.js';
import { TaskLoader } from '../loader.js';
import { RECALL, SharedBatch, type SharedBatchHandle } from '../shared-batch.js';
import { type WarmUpPlace, warmUp } from '../internal/warm-up.js';

interface WorkerData {
  heap: HeapHandle;
  batch: SharedBatchHandle;
  strategy: string;
  worker: number;
  /** Where to warm up (WorkerPool.sharedWarmUp); undefined for a replacement started during a run (it should take over now, not warm up first). */
  warmUp: WarmUpPlace | undefined;
}

export type ToWorker =
  | { type: 'run'; options: BatchOptions; resume?: Resume }
  | { type: 'preload'; module: string }
  | { type: 'close' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; batch: number; output: BatchOutput }
  | { type: 'fatal'; error: import('../errors.js').SerializedError };

const data = workerData as WorkerData;
const port = parentPort!;
const { createStrategy } = (await import(data.strategy)) as { createStrategy(env: BatchEnv): Strategy };
disarmFaults(); // no AME_FAULT exits while the worker warms up
if (data.warmUp) await warmUp(createStrategy, data.warmUp.shared, data.worker);
const heap = Heap.attach(data.heap);
const batch = SharedBatch.attach(data.batch);
const loader = new TaskLoader();
armFaults(); // AME_FAULT points go live for real batches only
/** The calling thread takes the rest of the batch back (the adaptive policy): stop claiming. */
const recalled = (): boolean => Atomics.load(batch.control, RECALL) !== 0;

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    heap.detach();
    port.close();
    return;
  }
  if (message.type === 'preload') {
    loader.preload(message.module); // a failure is reported by the task that needs the module
    return;
  }
  const env = new BatchEnv(heap, batch, message.options, data.worker);
  runBatch(env, createStrategy(env), loader, recalled, message.resume).then(
    (output) => port.postMessage({ type: 'done', batch: message.options.batch, output } satisfies FromWorker),
    (error: unknown) => port.postMessage({ type: 'fatal', error: serializeError(error) } satisfies FromWorker),
  );
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
