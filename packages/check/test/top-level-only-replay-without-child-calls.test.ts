/**
 * An executor that does not report its tasks' calls (no `report.calls`, e.g. a custom
 * queue) still gets checked: top-level tasks are replayed up to the first child in the
 * serial order (replay 'top-level-only'), and the dependency graph covers every task.
 */
import { describe, expect, test } from 'vitest';
import { TransactionQueue } from '@ame/transaction';
import { checkCalls, type Call, type Executor } from '../src/index.js';
import { workloadUrl } from './helpers/property.js';

const withoutCalls: Executor = {
  name: 'no-calls',
  ordered: false,
  create(options) {
    const queue = new TransactionQueue({ ...options, ordered: false });
    return {
      add: (task, ...args) => queue.add(task, ...args),
      run: async (o) => ({ ...(await queue.run(o)), calls: undefined }),
      close: () => queue.close(),
    };
  },
};

describe("replay without the children's calls", () => {
  test('a run with children is checked top-level-only, and passes', async () => {
    const calls: Call[] = [
      ['move', 0, 1, 5],
      ['fan', 0, 2, 3],
      ['move', 1, 2, 4],
    ];
    const verdict = await checkCalls(workloadUrl('children'), calls, { modes: [withoutCalls] });
    expect(verdict.verdicts[0]).toMatchObject({ ok: true, replay: 'top-level-only' });
    expect(verdict.verdicts[0]!.record.taskCount).toBeGreaterThan(calls.length);
  });

  test('a run without children is still replayed exactly', async () => {
    const verdict = await checkCalls(
      workloadUrl('children'),
      [
        ['move', 0, 1, 5],
        ['move', 1, 2, 4],
      ],
      { modes: [withoutCalls] },
    );
    expect(verdict.verdicts[0]).toMatchObject({ ok: true, replay: 'exact' });
  });
});
