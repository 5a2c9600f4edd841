/**
 * Shared by the workload tests (map mix, word count, pipeline): a variant's ops on real
 * TransactionQueues against plain JS, and a hand-made outcome to feed verify().
 */
import { expect, it } from 'vitest';
import { reference } from '../../dist/executors/plain.js';
import { queueExecutors } from '../../dist/executors/queues.js';
import type { RunOutcome } from '../../dist/executors/types.js';
import { verify } from '../../dist/verify.js';
import type { Results, State, Variant } from '../../dist/workloads/types.js';

/**
 * One test per TransactionQueue (2 workers, unordered and ordered): two runs of `variant`'s
 * ops on one session, each ending in plain JS's state and results (`oracle` 'exact'), or in
 * those of plain JS replaying the executor's commit order where it promises that
 * ('executor'); then `check(outcome)` and verify() must pass.
 */
export function agreesOnRealQueues(
  variant: Variant,
  what: string,
  oracle: 'exact' | 'executor',
  check: (outcome: RunOutcome) => void,
): void {
  const expected = reference(variant);
  // policy 'parallel': a batch this small would run inline on the calling thread under 'auto'.
  const queues = queueExecutors([2], 'parallel').filter((e) => e.id.startsWith('tq-'));
  it.each(queues.map((e) => [e.id, e] as const))(`%s ends in the ${what} plain JS gives`, async (_id, executor) => {
    const session = await executor.open(variant);
    try {
      for (let run = 0; run < 2; run++) {
        const outcome = await session.run(variant.ops);
        const want =
          oracle === 'executor' && executor.check === 'commit-order' ? reference(variant, outcome.commitOrder) : expected;
        expect(outcome.policy).toBe('parallel');
        expect(outcome.errors).toEqual([]);
        expect(outcome.state).toEqual(want.state);
        expect(outcome.results).toEqual(want.results);
        check(outcome);
        expect(verify(variant, executor.check, outcome, expected)).toBe('ok');
      }
    } finally {
      await session.close();
    }
  });
}

/** An outcome of `commits` tasks holding `state` and `results`, for verify() by hand. */
export function outcomeOf(state: State, results: Results, commits: number): RunOutcome {
  return { ms: 1, commits, aborts: 0, results, state, sharedBytes: null, errors: [] };
}
