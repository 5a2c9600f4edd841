/**
 * A difference names the first task (in the order compared) and the first heap key that
 * differ, with both values, and a path inside structured results.
 */
import { describe, expect, test } from 'vitest';
import { compareOutcomes, type Outcome } from '../src/index.js';

const tasks = [
  { module: 'file:///w.mjs', task: 'transfer', args: [1, 2, 50] },
  { module: 'file:///w.mjs', task: 'audit', args: [] },
  { module: 'file:///w.mjs', task: 'withdraw', args: [3, 500] },
];
const base: Outcome = {
  results: [true, { sum: 300, n: 3 }, undefined],
  errors: [{ index: 2, task: 'withdraw', phase: 'task', name: 'RangeError', message: 'short' }],
  snapshot: { accounts: [100, 50, 150, 0], total: 7 },
  taskCount: 3,
};

describe('differences', () => {
  test('equal outcomes have none', () => {
    expect(compareOutcomes(base, structuredClone(base), [0, 1, 2], tasks)).toEqual([]);
  });

  test('the first task in the given order, with a path into its result', () => {
    const run = { ...base, results: [false, { sum: 290, n: 3 }, undefined] };
    const [first] = compareOutcomes(run, base, [1, 0, 2], tasks);
    expect(first).toMatchObject({
      kind: 'result',
      task: { index: 1, task: 'audit' },
      key: 'result.sum',
      actual: { sum: 290, n: 3 },
    });
    expect(first?.message).toBe(
      'task 1 audit() returned { sum: 290, n: 3 } in the run, { sum: 300, n: 3 } sequentially (first difference at result.sum: 290 vs 300)',
    );
  });

  test('a task that failed on one side only', () => {
    const run: Outcome = { ...base, results: [true, { sum: 300, n: 3 }, 0], errors: [] };
    const [first] = compareOutcomes(run, base, [0, 1, 2], tasks);
    expect(first?.kind).toBe('outcome');
    expect(first?.message).toBe('task 2 withdraw(3, 500) returned 0 in the run but failed sequentially (RangeError: short)');
  });

  test('different errors', () => {
    const run: Outcome = { ...base, errors: [{ ...base.errors[0]!, message: 'shorter' }] };
    expect(compareOutcomes(run, base, [0, 1, 2], tasks)[0]).toMatchObject({
      kind: 'error',
      actual: 'RangeError: shorter',
      expected: 'RangeError: short',
    });
  });

  test('the first heap key, by object name then index', () => {
    const run = { ...base, snapshot: { accounts: [100, 50, 150, 9], total: 8 } };
    const [first] = compareOutcomes(run, base, [0, 1, 2], tasks);
    expect(first).toMatchObject({ kind: 'heap', key: 'accounts[3]', actual: 9, expected: 0 });
    expect(first?.message).toBe('final heap differs at accounts[3]: 9 in the run, 0 sequentially');
  });

  test('a different number of tasks (children)', () => {
    const kinds = compareOutcomes({ ...base, taskCount: 5 }, base, [0, 1, 2], tasks).map((d) => d.kind);
    expect(kinds).toEqual(['tasks']);
  });
});
