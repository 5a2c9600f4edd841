/**
 * Bad input gives typed errors with codes, never a hang or SQL: bad namespaces and
 * options, closed heaps, unreachable servers, tasks that misuse the heap (unknown object,
 * wrong kind, index out of range, a function as a value, an async task), onError 'stop'.
 * Object names that look like SQL are data.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PgHeap, PgQueue, taskRef } from '@ame/pg';
import { freshHeap, setupPgBank } from './helpers/pg.js';

const MISUSE = new URL('./fixtures/misuse-tasks.mjs', import.meta.url);

let server: PgHeap;
let heap: PgHeap;
beforeAll(async () => {
  server = await PgHeap.open();
  heap = await freshHeap(server);
  setupPgBank(heap, [1, 2, 3, 4, 5, 6]);
}, 60_000);
afterAll(async () => {
  await heap?.close();
  await server?.close();
});

describe('PgHeap', () => {
  test('a bad namespace is an InvalidOptionError before anything starts', async () => {
    for (const namespace of ['', 'a b', 'x"; DROP TABLE t; --', '1abc', 'a'.repeat(49)]) {
      await expect(PgHeap.open({ namespace })).rejects.toMatchObject({ name: 'InvalidOptionError', code: 'INVALID_OPTION' });
    }
  });

  test('an unreachable server is a PgConnectionError', async () => {
    await expect(PgHeap.open({ connectionString: 'postgres://postgres:x@127.0.0.1:1/postgres' })).rejects.toMatchObject({
      name: 'PgConnectionError',
      code: 'PG_CONNECTION_FAILED',
    });
  });

  test('objects: unknown, wrong kind, index, values, writes outside a transaction', () => {
    expect(() => heap.tvar('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_OBJECT' }));
    expect(() => heap.tcounter('accounts')).toThrow(expect.objectContaining({ code: 'OBJECT_KIND_MISMATCH' }));
    expect(() => heap.tarray('accounts').get(6)).toThrow(expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE' }));
    expect(() => heap.tarray('bad', -1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => heap.tarray('accounts').set(0, 1)).toThrow(expect.objectContaining({ code: 'NOT_IN_TRANSACTION' }));
    expect(() => heap.atomically(() => heap.tvar('total').set((() => 1) as never))).toThrow(TypeError);
    expect(() => heap.atomically(() => heap.tarray('accounts').set(0, 'x' as never))).toThrow(TypeError);
    expect(heap.snapshot().total).toBe(0);
  });

  test('names that look like SQL are data', () => {
    const name = `x'); DROP TABLE cells; --`;
    const v = heap.tvar(name, { ok: true });
    expect(v.get()).toEqual({ ok: true });
    expect(heap.snapshot()[name]).toEqual({ ok: true });
    expect(heap.snapshot().accounts).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('a closed heap throws PgHeapClosedError', async () => {
    const h = await freshHeap(server);
    await h.close();
    expect(() => h.tvar('x', 1)).toThrow(expect.objectContaining({ name: 'PgHeapClosedError', code: 'PG_HEAP_CLOSED' }));
    expect(() => h.snapshot()).toThrow(expect.objectContaining({ code: 'PG_HEAP_CLOSED' }));
  });
});

describe('PgQueue', () => {
  test('bad options and tasks are InvalidTaskError', async () => {
    expect(() => new PgQueue({ heap: {} as PgHeap })).toThrow(expect.objectContaining({ code: 'INVALID_TASK' }));
    expect(() => new PgQueue({ heap, workers: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_TASK' }));
    const q = new PgQueue({ heap, workers: 1 });
    try {
      expect(() => q.add({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_TASK' }));
      expect(() => q.add(taskRef(MISUSE, 'hostile'), (() => 1) as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_TASK' }),
      );
    } finally {
      await q.close();
    }
    await expect(q.run()).rejects.toMatchObject({ code: 'QUEUE_CLOSED' });
  });

  test('tasks that misuse the heap fail with the STM error classes, by name and code', async () => {
    const q = new PgQueue({ heap, workers: 2, onError: 'continue' });
    try {
      for (const name of ['readsUnknown', 'wrongKind', 'outOfRange', 'badValue', 'asyncTask', 'missingExport'])
        q.add(taskRef(MISUSE, name));
      q.add(taskRef(MISUSE, 'hostile'), `y"; DROP SCHEMA public; --`);
      const report = await q.run();
      const causes = report.errors.map((e) => [
        e.index,
        e.code,
        (e.cause as { name: string }).name,
        (e.cause as { code?: string }).code,
      ]);
      expect(causes).toEqual([
        [0, 'TASK_FAILED', 'UnknownObjectError', 'UNKNOWN_OBJECT'],
        [1, 'TASK_FAILED', 'ObjectKindError', 'OBJECT_KIND_MISMATCH'],
        [2, 'TASK_FAILED', 'IndexRangeError', 'INDEX_OUT_OF_RANGE'],
        [3, 'TASK_FAILED', 'ValueTypeError', 'INVALID_VALUE'],
        [4, 'TASK_FAILED', 'AsyncTaskError', 'ASYNC_TASK'],
        [5, 'TASK_FAILED', 'TaskLoadError', 'TASK_LOAD'],
      ]);
      expect(report.results[6]).toBe(2);
      expect(report.commitOrder).toEqual([6]);
    } finally {
      await q.close();
    }
  });

  test("onError 'stop' rejects run() with the TaskError, its report attached", async () => {
    const q = new PgQueue({ heap, workers: 2, ordered: true });
    try {
      q.add(taskRef(MISUSE, 'hostile'), 'counted');
      q.add(taskRef(MISUSE, 'outOfRange'));
      q.add(taskRef(MISUSE, 'hostile'), 'counted');
      const error = await q.run().then(
        () => null,
        (e: unknown) => e as { name: string; index: number; report: { commitOrder: number[] } },
      );
      expect(error).toMatchObject({ name: 'TaskError', index: 1 });
      expect(error!.report.commitOrder).toEqual([0]);
      expect(heap.snapshot().counted).toBe(2);
    } finally {
      await q.close();
    }
  });
});
