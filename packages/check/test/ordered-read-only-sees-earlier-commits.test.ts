/**
 * Ordered mode promises SequentialQueue's results. A read-only task executed while an
 * earlier task is still running must therefore not commit what it read: it has to see
 * the earlier task's writes. Workload: slowWrite (value -= 50, then 30 ms of work) and
 * peek (reads value) on 2 workers; sequentially peek returns 50. (A regression test: the
 * checker found ordered mode committing such a task's stale read.)
 */
import { describe, expect, test } from 'vitest';
import { checkCalls } from '../src/index.js';
import { workloadUrl } from './helpers/property.js';

const workload = workloadUrl('read-only-after-write');

describe('an ordered read-only task sees the commits of earlier tasks', () => {
  test('TransactionQueue ordered, 3 runs', async () => {
    for (let i = 0; i < 3; i++) {
      const verdict = await checkCalls(workload, [['slowWrite', 30], ['peek']], { modes: ['ordered'] });
      expect(verdict.ok, JSON.stringify(verdict.verdicts.map((v) => v.differences))).toBe(true);
    }
  });
});
