/**
 * The first-batch measure: a fresh queue's first batch (after ready(), and cold) ends in a
 * state the check accepts, and reports the policy the queue chose.
 * Runs the built code (dist/): workers load the compiled task module.
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../dist/executors/plain.js';
import { queueExecutors } from '../dist/executors/queues.js';
import { verify } from '../dist/verify.js';
import { bankVariant } from '../dist/workloads/bank.js';

const variant = bankVariant('bank/first', 'first', 'first batch', 80, 10, 0, 200);
const executors = queueExecutors([2]).filter((e) => e.id === 'sequential' || e.id === 'tq-unordered-2' || e.id === 'gil-2');

describe.each(executors.map((e) => [e.label, e] as const))('%s', (_label, executor) => {
  it.each(['warm', 'ready', 'cold'] as const)('a %s first batch passes the state check and names its policy', async (start) => {
    const outcome = await executor.firstBatch!(variant, variant.ops, start);
    expect(verify(variant, executor.check, outcome, reference(variant))).toBe('ok');
    expect(['inline', 'parallel']).toContain(outcome.policy);
    expect(outcome.inlineTasks).toBeGreaterThanOrEqual(0);
    expect(outcome.addMs).toBeLessThanOrEqual(outcome.ms);
  });
});
