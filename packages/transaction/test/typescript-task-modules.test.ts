/**
 * A task module written in TypeScript (`.ts`) loads in the workers and in the calling thread:
 * through Node's type stripping where the running Node has it (22.18+, 23.6+), through tsx
 * (a dev dependency here) on older versions. The tasks run, add children by function, and
 * return typed results.
 */
import { threadId } from 'node:worker_threads';
import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule } from '@ame/transaction';
import { describe, expect, test } from 'vitest';

const tasks = taskModule<typeof import('./fixtures/ts-tasks.js')>(new URL('./fixtures/ts-tasks.ts', import.meta.url));

async function runDeposits(policy: 'parallel' | 'inline') {
  const heap = Heap.create();
  heap.tarray('accounts', 4, 'f64');
  const queue = new TransactionQueue({ heap, workers: 2, policy });
  try {
    const handles = [0, 1, 2, 3].map((account) => queue.add(tasks.deposit, { account, amount: 3 }));
    const report = await queue.run();
    return { report, handles, accounts: heap.snapshot().accounts as number[] };
  } finally {
    await queue.close();
    heap.detach();
  }
}

describe('a .ts task module', () => {
  const how = (process.features as { typescript?: string }).typescript ? 'Node type stripping' : 'tsx';
  console.log(`typescript-task-modules: Node ${process.version}, loaded through ${how}`);

  test('runs in the worker threads, children included', async () => {
    const { report, handles, accounts } = await runDeposits('parallel');
    expect(report.errors).toEqual([]);
    expect(report.commits).toBe(12); // 4 tasks, each with a child of amount 2 and a grandchild of amount 1
    expect(accounts).toEqual([6, 6, 6, 6]);
    const first = report.result(handles[0]!);
    expect(first?.thread).toBeGreaterThan(0); // a worker, not the calling thread
    expect(report.policy).toBe('parallel');
  });

  test('runs on the calling thread too', async () => {
    const { report, handles, accounts } = await runDeposits('inline');
    expect(report.errors).toEqual([]);
    expect(accounts).toEqual([6, 6, 6, 6]);
    expect(report.result(handles[3]!)?.thread).toBe(threadId);
  });
});
