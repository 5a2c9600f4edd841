/**
 * Task references and task errors, the data that crosses to workers: taskModule and taskRef
 * give frozen { module, name } refs with the module's href; bad URLs and names throw
 * InvalidTaskError; a TaskError survives serializeError -> structured clone (what
 * postMessage does) -> rebuildError with its name, code, message, stack, fields and cause
 * chain, recognisable by name/code.
 */
import { describe, expect, test } from 'vitest';
import {
  AsyncTaskError,
  InvalidTaskError,
  TaskError,
  TaskLoadError,
  rebuildError,
  serializeError,
  taskModule,
  taskRef,
  type TaskContext,
} from '@ame/pool';

interface FakeModule {
  transfer(ctx: TaskContext, from: number, to: number, amount: number): boolean;
  helper(x: number): number;
  VERSION: string;
}

/** Never imported: a reference is plain data, resolved by the workers when a task runs. */
const URL_OF = new URL('./fixtures/not-loaded-here.mjs', import.meta.url);

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('taskModule / taskRef', () => {
  test('refs carry the module href and the export name; one frozen ref per name', () => {
    const tasks = taskModule<FakeModule>(URL_OF);
    expect(tasks.transfer).toEqual({ module: URL_OF.href, name: 'transfer' });
    expect(Object.isFrozen(tasks.transfer)).toBe(true);
    expect(tasks.transfer).toBe(tasks.transfer);
    expect(taskModule<FakeModule>(URL_OF.href).transfer).toEqual(tasks.transfer); // a file:// string works too
    expect(structuredClone(tasks.transfer)).toEqual(tasks.transfer); // plain data: crosses to workers
  });

  test('a module proxy is not a thenable (safe to return from async code)', async () => {
    const tasks = taskModule<FakeModule>(URL_OF);
    expect((tasks as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(tasks)).toBe(tasks);
  });

  test('taskRef gives the same shape, untyped', () => {
    const ref = taskRef(URL_OF, 'transfer');
    expect(ref).toEqual({ module: URL_OF.href, name: 'transfer' });
    expect(Object.isFrozen(ref)).toBe(true);
  });

  test.each([
    ['a relative path', './tasks.js'],
    ['a bare word', 'tasks'],
    ['an empty string', ''],
  ])('taskModule(%s) throws InvalidTaskError naming the input', (_label, input) => {
    const e = thrown(() => taskModule(input));
    expect([e.name, e.code]).toEqual(['InvalidTaskError', 'INVALID_TASK']);
    expect(e.message).toContain(JSON.stringify(input));
    expect(e.message).toContain('import.meta.url');
    expect(thrown(() => taskRef(input, 'x')).name).toBe('InvalidTaskError');
  });

  test.each([
    ['a number', 42],
    ['null', null],
    ['an object', { href: 'file:///x.js' }],
  ])('taskModule(%s) throws InvalidTaskError', (_label, input) => {
    const e = thrown(() => taskModule(input as unknown as string));
    expect([e.name, e.code]).toEqual(['InvalidTaskError', 'INVALID_TASK']);
    expect(e.message).toContain('URL');
  });

  test('taskRef with an empty or non-string name throws InvalidTaskError', () => {
    for (const name of ['', 7, undefined]) {
      const e = thrown(() => taskRef(URL_OF, name as string));
      expect([e.name, e.code]).toEqual(['InvalidTaskError', 'INVALID_TASK']);
      expect(e.message).toContain('task name');
    }
  });
});

/** What crossing a worker boundary does to an error. */
function crossBoundary(error: unknown): Error {
  return rebuildError(structuredClone(serializeError(error)));
}

describe('errors across a worker boundary', () => {
  test('TaskError keeps name, code, message, stack, its fields and a cause chain', () => {
    const root = new RangeError('account 3 has 5, cannot withdraw 9');
    const load = new TaskLoadError('withdraw', 'file:///tasks.mjs', 'the module failed to load', root);
    const original = new TaskError(
      { index: 4, task: 'withdraw', args: [3, 9, { why: 'test' }], attempt: 2, phase: 'task' },
      load,
    );
    const copy = crossBoundary(original) as Error & Record<string, unknown>;

    expect(copy).toBeInstanceOf(Error);
    expect([copy.name, copy.code, copy.message, copy.stack]).toEqual([
      original.name,
      'TASK_FAILED',
      original.message,
      original.stack,
    ]);
    expect([copy.index, copy.task, copy.args, copy.attempt, copy.phase]).toEqual([
      4,
      'withdraw',
      [3, 9, { why: 'test' }],
      2,
      'task',
    ]);
    expect(copy.message).toContain('task 4 (withdraw) failed');

    const cause = copy.cause as Error & { code?: string };
    expect([cause.name, cause.code, cause.message, cause.stack]).toEqual([
      'TaskLoadError',
      'TASK_LOAD',
      load.message,
      load.stack,
    ]);
    const rootCopy = cause.cause as Error;
    expect([rootCopy.name, rootCopy.message, rootCopy.stack]).toEqual(['RangeError', root.message, root.stack]);
    expect(rootCopy.cause).toBeUndefined();
  });

  test('name is not an own enumerable field after the round trip (it prints like the original)', () => {
    const copy = crossBoundary(new AsyncTaskError('t'));
    expect(Object.keys(copy)).not.toContain('name');
    expect(String(copy)).toBe(String(new AsyncTaskError('t')));
  });

  test('a thrown non-Error becomes a NonErrorThrown error describing the value', () => {
    const copy = crossBoundary({ reason: 'nope' });
    expect(copy.name).toBe('NonErrorThrown');
    expect(copy.message).toContain('{"reason":"nope"}');
    expect(crossBoundary('plain string').message).toContain('plain string');
  });

  test('each error class has its code and name', () => {
    const cases: [Error & { code: string }, string, string][] = [
      [new InvalidTaskError('x'), 'InvalidTaskError', 'INVALID_TASK'],
      [new AsyncTaskError('t'), 'AsyncTaskError', 'ASYNC_TASK'],
      [new TaskLoadError('t', 'file:///m.mjs', 'p'), 'TaskLoadError', 'TASK_LOAD'],
      [new TaskError({ index: 0, task: 't', args: [], attempt: 0 }, new Error('c')), 'TaskError', 'TASK_FAILED'],
    ];
    for (const [error, name, code] of cases) {
      expect([error.name, error.code]).toEqual([name, code]);
      const copy = crossBoundary(error) as Error & { code?: string };
      expect([copy.name, copy.code, copy.message]).toEqual([name, code, error.message]);
    }
  });
});
