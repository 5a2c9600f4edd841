/**
 * TEST ONLY: a TransactionQueue look-alike whose workers run a broken STM (read
 * validation off, see fixtures/broken-strategy.mjs), and its Executor for the checker.
 * Nothing of this is reachable from the public API of any package.
 */
import type { QueueOptions, RunMode } from '@ame/pool';
import { PooledQueue } from '@ame/pool/internal';
import type { Executor } from '../../src/index.js';

export class BrokenStmQueue extends PooledQueue {
  protected readonly mode: RunMode = 'transaction';

  constructor(options: QueueOptions) {
    super({ policy: 'parallel', ...options }, new URL('../fixtures/broken-strategy.mjs', import.meta.url), false);
  }
}

/** The broken STM in unordered and ordered mode. */
export const brokenUnordered: Executor = {
  name: 'broken-stm',
  ordered: false,
  create: (o) => new BrokenStmQueue({ ...o, ordered: false }),
};
export const brokenOrdered: Executor = {
  name: 'broken-stm-ordered',
  ordered: true,
  create: (o) => new BrokenStmQueue({ ...o, ordered: true }),
};
