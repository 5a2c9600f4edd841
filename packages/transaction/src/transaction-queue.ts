import type { QueueOptions, RunMode } from '@ame/pool';
import { PooledQueue } from '@ame/pool/internal';

/**
 * Runs many small tasks in parallel on worker threads, each as a transaction over the
 * shared heap: tasks that conflict are re-run transparently, and the outcome is that of
 * running them one after another.
 *
 * - Unordered (default): tasks commit as they finish; results and the final heap equal a
 *   sequential run in `report.commitOrder`.
 * - Ordered (`ordered: true`): tasks still execute in parallel but commit strictly in
 *   index order, so results, errors and the heap equal SequentialQueue's on every run,
 *   for any worker count: the mode for debugging and reproducible results.
 *
 * Options (defaults): `workers` (os.availableParallelism()), `ordered` (false), `seed` (0),
 * `onError` ('stop'), `maxAttempts` (16, then the task runs inevitable).
 *
 * @example
 * const tasks = taskModule<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * await using tq = new TransactionQueue({ heap, workers: 4, ordered: true, seed: 7 });
 * tq.add(tasks.transfer, 1, 2, 50);
 * const report = await tq.run({ onProgress: (p) => bar.update(p.finished, { total: p.total }) });
 */
export class TransactionQueue extends PooledQueue {
  protected readonly mode: RunMode = 'transaction';

  constructor(options: QueueOptions) {
    // Versioned, validated commits: the workers may warm up side by side on one heap.
    super(options, new URL('./worker/strategy.js', import.meta.url), true);
  }
}
