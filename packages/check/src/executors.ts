/**
 * The executors a workload is checked against: built-in modes by name, or any queue with
 * the AME interface (for executors of your own, or deliberately broken ones in tests).
 */
import type { Value } from '@ame/stm';
import type { QueueOptions, RunOptions, RunReport, TaskRef } from '@ame/pool';
import { TransactionQueue } from '@ame/transaction';
import { GilQueue, SequentialQueue } from '@ame/gil';

/** What the checker needs of a queue: the interface every AME executor shares. */
export interface CheckableQueue {
  add(task: TaskRef, ...args: Value[]): number;
  run(options?: RunOptions): Promise<RunReport>;
  close(): Promise<void>;
}

/**
 * An executor to check: a name for reports, whether it promises add order, and a factory.
 * The checker passes `recordHistory: true`, `onError: 'continue'`, `workers` and `seed`.
 *
 * @example
 * const mine: Executor = { name: 'my-queue', ordered: false, create: (options) => new MyQueue(options) };
 * await fuzz({ workload, modes: ['ordered', mine] });
 */
export interface Executor {
  readonly name: string;
  /** true: compared with SequentialQueue in add order; false: with a replay in the run's serial order. */
  readonly ordered: boolean;
  create(options: QueueOptions): CheckableQueue;
}

/**
 * Built-in modes: `unordered` and `ordered` (TransactionQueue), `gil` and `gil-ordered`
 * (GilQueue), `sequential` (SequentialQueue, the oracle itself: a sanity check). The parallel
 * modes run with `policy: 'parallel'`: every batch on the workers, so that tasks really overlap.
 */
export type ModeName = 'unordered' | 'ordered' | 'gil' | 'gil-ordered' | 'sequential';

/** A mode by name or an executor of your own. */
export type Mode = ModeName | Executor;

const BUILT_IN: Readonly<Record<ModeName, Executor>> = {
  unordered: {
    name: 'unordered',
    ordered: false,
    create: (o) => new TransactionQueue({ policy: 'parallel', ...o, ordered: false }),
  },
  ordered: { name: 'ordered', ordered: true, create: (o) => new TransactionQueue({ policy: 'parallel', ...o, ordered: true }) },
  gil: { name: 'gil', ordered: false, create: (o) => new GilQueue({ policy: 'parallel', ...o, ordered: false }) },
  'gil-ordered': { name: 'gil-ordered', ordered: true, create: (o) => new GilQueue({ policy: 'parallel', ...o, ordered: true }) },
  sequential: { name: 'sequential', ordered: true, create: (o) => new SequentialQueue(o) },
};

/** The names `modes` accepts. */
export const MODE_NAMES: readonly ModeName[] = Object.freeze(Object.keys(BUILT_IN) as ModeName[]);

/** The oracle: SequentialQueue, in add order. */
export const SEQUENTIAL: Executor = BUILT_IN.sequential;

/** Turns mode names into executors; throws a TypeError naming an unknown mode. */
export function resolveModes(modes: readonly Mode[]): Executor[] {
  if (!Array.isArray(modes) || modes.length === 0)
    throw new TypeError(`modes must be a non-empty array of ${MODE_NAMES.join(', ')} or executors`);
  return modes.map((mode) => {
    if (typeof mode === 'string') {
      const executor = (BUILT_IN as Record<string, Executor | undefined>)[mode];
      if (!executor) throw new TypeError(`unknown mode ${JSON.stringify(mode)}; expected one of ${MODE_NAMES.join(', ')}`);
      return executor;
    }
    if (!mode || typeof mode.create !== 'function' || typeof mode.name !== 'string' || typeof mode.ordered !== 'boolean') {
      throw new TypeError('a custom mode must be an Executor { name, ordered, create(options) }');
    }
    return mode;
  });
}
