import type { QueueOptions, RunMode } from '@ame/pool';
import { InlineQueue } from '@ame/pool/internal';
import { createStrategy } from './worker/strategy.js';

/**
 * Runs tasks on the calling thread, one after another in index order (children after
 * every task added before them): the oracle every parallel run is compared with. Same
 * interface and report as the parallel queues; `workers` and `ordered` are ignored.
 *
 * Options (defaults): `seed` (0: ctx.random() streams equal the parallel queues' for the
 * same seed), `onError` ('stop').
 *
 * @example
 * const oracle = new SequentialQueue({ heap, seed: 7 });
 * oracle.add(tasks.transfer, 1, 2, 50);
 * const expected = await oracle.run();
 */
export class SequentialQueue extends InlineQueue {
  protected readonly mode: RunMode = 'sequential';

  constructor(options: QueueOptions) {
    super({ ...options, ordered: true }, createStrategy);
  }
}
