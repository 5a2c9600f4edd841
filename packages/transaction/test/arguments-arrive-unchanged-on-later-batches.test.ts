/**
 * A queue reuses its shared task log from batch to batch: arguments written over an older
 * record must arrive as added, also the ones that write no string data (an empty string),
 * on the workers and on the calling thread.
 */
import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule } from '@ame/transaction';
import { describe, expect, test } from 'vitest';

const tasks = taskModule<typeof import('./fixtures/echo-tasks.mjs')>(new URL('./fixtures/echo-tasks.mjs', import.meta.url));

describe.each(['parallel', 'inline'] as const)('policy %s', (policy) => {
  test('empty strings, short strings and numbers after a batch of longer strings', async () => {
    const heap = Heap.create();
    const queue = new TransactionQueue({ heap, workers: 2, policy });
    try {
      for (let i = 0; i < 50; i++) queue.add(tasks.echo, 'abcd', 'efgh');
      await queue.run();
      const args: unknown[][] = [[''], ['', ''], ['', 7], ['x', ''], [true, '']];
      const handles = args.map((a) => queue.add(tasks.echo, ...a));
      const report = await queue.run();
      expect(handles.map((h) => report.result(h))).toEqual(args);
    } finally {
      await queue.close();
      heap.detach();
    }
  });
});
