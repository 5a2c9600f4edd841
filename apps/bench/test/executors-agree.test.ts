/**
 * Every operation behaves the same in plain JS, Effect's STM, the lock-based workers and
 * the @ame queues: small variants of each workload pass the harness's own state check.
 * (TransactionQueue ordered is left out here: its correctness is @ame/transaction's to
 * test; the benchmark reports it row by row.)
 * Runs the built code (dist/): workers load the compiled task module and lock worker.
 */
import { describe, expect, it } from 'vitest';
import { effect } from '../dist/executors/effect.js';
import { lockExecutor } from '../dist/executors/locks.js';
import { plain, reference } from '../dist/executors/plain.js';
import { queueExecutors } from '../dist/executors/queues.js';
import type { Executor } from '../dist/executors/types.js';
import { verify } from '../dist/verify.js';
import { bankVariant } from '../dist/workloads/bank.js';
import { workloads } from '../dist/workloads/index.js';
import { mapMixVariant } from '../dist/workloads/mapmix.js';
import { pipelineVariant } from '../dist/workloads/pipeline.js';
import type { Variant } from '../dist/workloads/types.js';
import { wordCountVariant } from '../dist/workloads/wordcount.js';

/**
 * The quick variants, cut to their first `n` ops, plus a 2-account bank; map mix, word
 * count and pipeline rebuilt with about `n` tasks (their invariants know what every task of
 * their own ops adds or pushes).
 */
function smallVariants(n: number): Variant[] {
  const all = workloads.flatMap((w) => w.variants(true));
  const rebuilt = new Set(['bank', 'tiny', 'mapmix', 'wordcount', 'pipeline']);
  const cut = all.filter((v) => !rebuilt.has(v.workload));
  const mix = all.filter((v) => v.workload === 'mapmix');
  const words = all.filter((v) => v.workload === 'wordcount');
  const pipes = all.filter((v) => v.workload === 'pipeline');
  return [
    bankVariant('bank/two', 'two', 'two accounts', n, 2, 0, 100),
    ...cut.map((v) => ({ ...v, ops: v.ops.slice(0, n) })),
    ...mix.map((v) => mapMixVariant(v.id, v.title, v.description, n, v.params.work as number, v.params.keys as number)),
    ...words.map((v) => wordCountVariant(v.id, v.title, v.description, n, v.params.work as number, v.params.words as number)),
    ...pipes.map((v) => {
      const k = v.params.k as number;
      return pipelineVariant(
        v.id,
        v.title,
        v.description,
        Math.ceil(n / (k + 1)),
        k,
        v.params.work as number,
        v.params.produceWork as number,
      );
    }),
  ];
}

const executors: Executor[] = [
  plain,
  effect,
  lockExecutor(2),
  ...queueExecutors([2]).filter((e) => e.id === 'sequential' || e.id === 'tq-unordered-2' || e.id === 'gil-2'),
];

describe.each(executors.map((e) => [e.label, e] as const))('%s', (_label, executor) => {
  it.each(smallVariants(60).map((v) => [v.id, v] as const))('%s ends in a state the check accepts', async (_id, variant) => {
    const session = await executor.open(variant);
    try {
      for (let run = 0; run < 2; run++) {
        const outcome = await session.run(variant.ops);
        expect(verify(variant, executor.check, outcome, reference(variant))).toBe('ok');
      }
    } finally {
      await session.close();
    }
  });
});
