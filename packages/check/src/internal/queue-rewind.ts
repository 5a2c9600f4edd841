/**
 * Running a list on a reused queue exactly as on a fresh one.
 *
 * A task's ctx.random() stream derives from (queue seed, batch number, index). A fresh
 * queue runs a list as batch 1 with the list's queue seed, and so do the oracles
 * (SequentialQueue, the serial replay) and replay files. A reused queue would run it as
 * batch 2, 3, ... with the seed it was created with. So before each run the queue is
 * rewound: its batch counter back to 0 (the run is batch 1) and its seed set to the list's.
 *
 * @ame/pool has no public verb for this yet, so this module sets the two fields that
 * BaseQueue keeps them in (`batchNumber`, `options.seed`; both travel to the workers in
 * each run's batch options). It checks their shape first and the outcome after
 * (`report.seed`, the counter at 1): a queue without them is not reused (fresh queue per
 * run, as before). This is the one place to change once pool offers e.g.
 * `run({ seed, batch })`.
 */
import type { RunReport } from '@ame/pool';
import type { CheckableQueue } from '../executors.js';

interface RewindableFields {
  batchNumber: number;
  options: { seed: number };
}

/** True if `queue` keeps its batch counter and seed where rewind() sets them. */
export function canRewind(queue: CheckableQueue): boolean {
  const q = queue as unknown as Partial<RewindableFields>;
  return (
    typeof q.batchNumber === 'number' &&
    typeof q.options === 'object' &&
    q.options !== null &&
    typeof q.options.seed === 'number' &&
    Object.isExtensible(q.options)
  );
}

/** Makes the next run() batch 1 with queue seed `seed`. Only for queues canRewind() accepts. */
export function rewind(queue: CheckableQueue, seed: number): void {
  const q = queue as unknown as RewindableFields;
  q.batchNumber = 0;
  q.options.seed = seed;
}

/** True if the run that produced `report` ran as batch 1 with `seed`. */
export function ranAsFirstBatch(queue: CheckableQueue, report: RunReport, seed: number): boolean {
  return (queue as unknown as RewindableFields).batchNumber === 1 && report.seed === seed;
}
