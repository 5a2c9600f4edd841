import type { QueueOptions, RunMode } from '@ame/pool';
import { PooledQueue } from '@ame/pool/internal';

/**
 * The same interface as TransactionQueue, with one global lock held around each whole
 * task: tasks run on worker threads but never overlap. The baseline that shows what
 * optimistic parallelism buys (expect about the speed of sequential execution).
 *
 * Options (defaults): `workers` (os.availableParallelism()), `ordered` (false: tasks take
 * the lock in any order; true: in index order), `seed` (0), `onError` ('stop').
 *
 * @example
 * await using gil = new GilQueue({ heap, workers: 4 });
 * gil.add(tasks.transfer, 1, 2, 50);
 * const report = await gil.run();
 */
export class GilQueue extends PooledQueue {
  protected readonly mode: RunMode = 'gil';

  constructor(options: QueueOptions) {
    // Direct-mode commits assume one task at a time: each worker warms up on a heap of its own.
    super(options, new URL('./worker/strategy.js', import.meta.url), false);
  }
}
