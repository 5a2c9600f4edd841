/**
 * The public contract of Heap, TVar, TArray and TCounter on one thread, and every error it
 * promises: named-object creation and opening, writes outside transactions, user exceptions,
 * async callbacks, flat nesting, bad values, bad indices, a full heap, bad options and
 * handles, thread slots, detaching, and the stats counters. Each error is checked by `name`,
 * `code` and a message fragment naming what was wrong (errors are recognised by name/code
 * across workers, not by instanceof).
 *
 * Not covered here: concurrent behaviour (worker-based suites), the codec itself
 * (codec-roundtrip, bad-values).
 */
import { describe, expect, it } from 'vitest';
import { Heap, MAX_DEPTH, MAX_VALUE_BYTES } from '../src/index.js';
import type { HeapHandle, Value } from '../src/index.js';

/** What `fn` threw (fails the test if it returned). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.fail('expected an error, but nothing was thrown');
}

/** Asserts `error` is an Error with this name and code, whose message contains every fragment. */
function expectError(error: unknown, name: string, code: string, ...fragments: (string | RegExp)[]): void {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error & { code?: unknown };
  expect(e.name).toBe(name);
  expect(e.code).toBe(code);
  for (const fragment of fragments) expect(e.message).toMatch(fragment);
}

function counters(heap: Heap) {
  const s = heap.stats();
  return {
    commits: s.commits,
    readOnlyCommits: s.readOnlyCommits,
    conflict: s.aborts.conflict,
    error: s.aborts.error,
    clock: s.clock,
  };
}

class Point {
  constructor(readonly x = 1) {}
}

function nested(depth: number): Value {
  let v: Value = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function selfCycle(): Value {
  const o: Record<string, unknown> = { ok: 1 };
  o.self = o;
  return o as Value;
}

describe('opening named objects', () => {
  const opens: [string, (heap: Heap) => unknown][] = [
    ['tvar', (heap) => heap.tvar('missing')],
    ['tarray', (heap) => heap.tarray('missing')],
    ['tcounter', (heap) => heap.tcounter('missing')],
  ];
  it.each(opens)('heap.%s(name) without initial arguments throws UnknownObjectError naming it', (kind, open) => {
    const heap = Heap.create({ maxThreads: 2 });
    const error = thrownBy(() => open(heap));
    expectError(error, 'UnknownObjectError', 'UNKNOWN_OBJECT', `no ${kind} named "missing"`, `heap.${kind}("missing"`);
    expect((error as { objectName?: unknown }).objectName).toBe('missing');
    // Nothing was created by the failed open: the other thread does not see it either.
    expectError(
      thrownBy(() => open(Heap.attach(heap.handle))),
      'UnknownObjectError',
      'UNKNOWN_OBJECT',
      '"missing"',
    );
    expect(heap.snapshot()).toEqual({});
  });

  const kinds: [string, string][] = [
    ['tvar', 'tarray'],
    ['tvar', 'tcounter'],
    ['tarray', 'tvar'],
    ['tarray', 'tcounter'],
    ['tcounter', 'tvar'],
    ['tcounter', 'tarray'],
  ];
  const create = (heap: Heap, kind: string, name: string): unknown =>
    kind === 'tvar' ? heap.tvar(name, 1) : kind === 'tarray' ? heap.tarray(name, 2) : heap.tcounter(name, 1);
  const openAs = (heap: Heap, kind: string, name: string, withInitial: boolean): unknown =>
    kind === 'tvar'
      ? withInitial
        ? heap.tvar(name, 1)
        : heap.tvar(name)
      : kind === 'tarray'
        ? withInitial
          ? heap.tarray(name, 2)
          : heap.tarray(name)
        : withInitial
          ? heap.tcounter(name, 1)
          : heap.tcounter(name);

  it.each(kinds)('a %s opened as a %s throws ObjectKindError (same thread and another thread)', (actual, requested) => {
    const heap = Heap.create({ maxThreads: 2 });
    create(heap, actual, 'thing');
    const other = Heap.attach(heap.handle); // has not opened 'thing' yet: reads the shared directory
    for (const h of [heap, other]) {
      for (const withInitial of [false, true]) {
        expectError(
          thrownBy(() => openAs(h, requested, 'thing', withInitial)),
          'ObjectKindError',
          'OBJECT_KIND_MISMATCH',
          `"thing" is a ${actual}, not a ${requested}`,
        );
      }
    }
    // The object is untouched and still opens as what it is.
    expect(() => openAs(other, actual, 'thing', false)).not.toThrow();
  });

  it('re-opening ignores the initial arguments, in this thread and in another', () => {
    const heap = Heap.create({ maxThreads: 2 });
    heap.tvar('v', { first: true });
    heap.tarray('a', 4, 'f64');
    heap.tcounter('c', 5);
    heap.atomically(() => heap.tarray('a').set(3, 1.5));

    const other = Heap.attach(heap.handle);
    for (const h of [heap, other]) {
      expect(h.tvar<Value>('v', { second: true }).get()).toEqual({ first: true });
      const a = h.tarray('a', 10, 'i32');
      expect(a.length).toBe(4);
      expect(a.type).toBe('f64');
      expect(a.get(3)).toBe(1.5);
      expect(h.tcounter('c', 9).get()).toBe(5);
    }
  });

  it('returns the same handle object on every open of a name', () => {
    const heap = Heap.create({ maxThreads: 1 });
    const v = heap.tvar('v', 1);
    expect(heap.tvar('v')).toBe(v);
    expect(heap.tvar('v', 2)).toBe(v);
    const a = heap.tarray('a', 3, 'i32');
    expect(heap.tarray('a')).toBe(a);
    expect(heap.tarray('a', 3, 'i32')).toBe(a);
    const c = heap.tcounter('c', 0);
    expect(heap.tcounter('c')).toBe(c);
    expect(heap.tcounter('c', 7)).toBe(c);
    expect(v.name).toBe('v');
    expect(a.name).toBe('a');
    expect(c.name).toBe('c');
  });

  it('rejects bad names and creation arguments with InvalidOptionError, creating nothing', () => {
    const heap = Heap.create({ maxThreads: 1 });
    expectError(
      thrownBy(() => heap.tvar('', 1)),
      'InvalidOptionError',
      'INVALID_OPTION',
      'invalid option name',
    );
    expectError(
      thrownBy(() => heap.tarray('a', -1)),
      'InvalidOptionError',
      'INVALID_OPTION',
      'invalid option length',
      '-1',
    );
    expectError(
      thrownBy(() => heap.tarray('a', 2.5)),
      'InvalidOptionError',
      'INVALID_OPTION',
      'invalid option length',
      '2.5',
    );
    expectError(
      thrownBy(() => heap.tarray('a', 2, 'u8' as never)),
      'InvalidOptionError',
      'INVALID_OPTION',
      'invalid option type',
      'u8',
    );
    expectError(
      thrownBy(() => heap.tcounter('c', NaN)),
      'InvalidOptionError',
      'INVALID_OPTION',
      'invalid option initial',
      'NaN',
    );
    expectError(
      thrownBy(() => heap.tcounter('c', Infinity)),
      'InvalidOptionError',
      'INVALID_OPTION',
      'invalid option initial',
    );
    expect(heap.snapshot()).toEqual({});
    expect(() => heap.tarray('a')).toThrow(expect.objectContaining({ code: 'UNKNOWN_OBJECT' }));
  });
});

describe('outside a transaction', () => {
  function setup() {
    const heap = Heap.create({ maxThreads: 1 });
    return { heap, v: heap.tvar<Value>('v', 'old'), a: heap.tarray('a', 4, 'f64'), c: heap.tcounter('c', 10) };
  }

  it.each<[string, (o: ReturnType<typeof setup>) => unknown]>([
    ['v.set', ({ v }) => v.set('new')],
    ['v.update', ({ v }) => v.update(() => 'new')],
    ['a.set', ({ a }) => a.set(0, 1)],
    ['c.add', ({ c }) => c.add(1)],
  ])('%s throws NotInTransactionError naming the operation, and writes nothing', (operation, write) => {
    const o = setup();
    const before = counters(o.heap);
    expectError(
      thrownBy(() => write(o)),
      'NotInTransactionError',
      'NOT_IN_TRANSACTION',
      `${operation} writes shared state`,
      'heap.atomically',
    );
    expect(o.heap.snapshot()).toEqual({ a: [0, 0, 0, 0], c: 10, v: 'old' });
    expect(counters(o.heap).clock).toBe(before.clock);
  });

  it('update outside a transaction does not call its function', () => {
    const { v } = setup();
    let called = false;
    expect(() =>
      v.update((x) => {
        called = true;
        return x;
      }),
    ).toThrow(expect.objectContaining({ code: 'NOT_IN_TRANSACTION' }));
    expect(called).toBe(false);
  });

  it('get() reads the latest committed value', () => {
    const { heap, v, a, c } = setup();
    expect(v.get()).toBe('old');
    expect(a.get(2)).toBe(0);
    expect(c.get()).toBe(10);
    heap.atomically(() => {
      v.set({ n: [1, 2] });
      a.set(2, -0);
      c.add(5);
    });
    expect(v.get()).toEqual({ n: [1, 2] });
    expect(Object.is(a.get(2), -0)).toBe(true);
    expect(c.get()).toBe(15);
    heap.atomically(() => v.set('third'));
    expect(v.get()).toBe('third');
    // Another thread's commits are visible too.
    expect(heap.inTransaction).toBe(false);
  });

  it('get() sees commits made through another attachment of the heap', () => {
    const heap = Heap.create({ maxThreads: 2 });
    const v = heap.tvar('v', 1);
    const other = Heap.attach(heap.handle);
    other.atomically(() => other.tvar<number>('v').set(2));
    expect(v.get()).toBe(2);
  });
});

describe('user exceptions and async callbacks', () => {
  function setup() {
    const heap = Heap.create({ maxThreads: 1 });
    return { heap, v: heap.tvar<Value>('v', 'old'), a: heap.tarray('a', 2, 'i32'), c: heap.tcounter('c', 1) };
  }

  it.each<[string, unknown]>([
    ['an Error', new Error('boom')],
    ['a custom error subclass', new (class MyError extends Error {})('mine')],
    ['a string', 'just a string'],
    ['undefined', undefined],
    ['a plain object', { reason: 'object' }],
  ])('%s thrown inside atomically is rethrown unchanged; nothing is written', (_what, thrown) => {
    const { heap, v, a, c } = setup();
    const before = counters(heap);
    let caught: unknown = 'not thrown';
    try {
      heap.atomically(() => {
        v.set('new');
        a.set(1, 42);
        c.add(100);
        expect(v.get()).toBe('new');
        throw thrown;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrown);
    expect(heap.inTransaction).toBe(false);
    expect(heap.snapshot()).toEqual({ a: [0, 0], c: 1, v: 'old' });
    const after = counters(heap);
    expect(after.error).toBe(before.error + 1);
    expect(after.clock).toBe(before.clock);
    expect(after.commits).toBe(before.commits + 1); // only the snapshot() above
    // The heap works normally afterwards.
    heap.atomically(() => v.set('later'));
    expect(v.get()).toBe('later');
  });

  it('returns the callback result', () => {
    const { heap, v } = setup();
    expect(heap.atomically(() => v.get())).toBe('old');
    const obj = { x: 1 };
    expect(heap.atomically(() => obj)).toBe(obj);
  });

  it.each<[string, () => unknown]>([
    ['a resolved Promise', () => Promise.resolve(1)],
    ['an async function', async () => 1],
    ['a thenable', () => ({ then: () => {} })],
  ])('returning %s throws AsyncTransactionError and writes nothing', (_what, makeResult) => {
    const { heap, v, a, c } = setup();
    const before = counters(heap);
    const error = thrownBy(() =>
      heap.atomically(() => {
        v.set('new');
        a.set(0, 7);
        c.add(1);
        return makeResult();
      }),
    );
    expectError(error, 'AsyncTransactionError', 'ASYNC_TRANSACTION', 'returned a Promise', 'synchronous');
    expect(heap.inTransaction).toBe(false);
    expect(heap.snapshot()).toEqual({ a: [0, 0], c: 1, v: 'old' });
    expect(counters(heap).error).toBe(before.error + 1);
    expect(counters(heap).clock).toBe(before.clock);
  });

  it('an async callback is rejected before its writes can commit', () => {
    const { heap, v } = setup();
    // The synchronous part of an async function runs inside the transaction...
    const error = thrownBy(() =>
      heap.atomically(async () => {
        v.set('from async');
      }),
    );
    expect((error as { code?: unknown }).code).toBe('ASYNC_TRANSACTION');
    // ...but is discarded with it.
    expect(v.get()).toBe('old');
  });

  it('a nested callback returning a Promise throws AsyncTransactionError too, and nothing is written', () => {
    const { heap, v, a } = setup();
    const error = thrownBy(() =>
      heap.atomically(() => {
        v.set('outer');
        heap.atomically(async () => {
          a.set(0, 1);
        });
      }),
    );
    expectError(error, 'AsyncTransactionError', 'ASYNC_TRANSACTION', 'returned a Promise');
    expect(heap.snapshot()).toEqual({ a: [0, 0], c: 1, v: 'old' });
  });

  it('atomically without a function throws a TypeError', () => {
    const { heap } = setup();
    expect(() => heap.atomically(42 as never)).toThrow(TypeError);
    expect(heap.inTransaction).toBe(false);
  });
});

describe('nested atomically joins the outer transaction (flat nesting)', () => {
  function setup() {
    const heap = Heap.create({ maxThreads: 1 });
    return { heap, x: heap.tvar<Value>('x', 0), y: heap.tvar<Value>('y', 0), c: heap.tcounter('c', 0) };
  }

  it('inner writes are visible in the outer transaction and commit together, once', () => {
    const { heap, x, y, c } = setup();
    const before = counters(heap);
    const result = heap.atomically(() => {
      x.set('outer');
      const inner = heap.atomically(() => {
        expect(heap.inTransaction).toBe(true);
        expect(x.get()).toBe('outer'); // the outer's write is visible inside
        y.set('inner');
        c.add(2);
        return 'inner result';
      });
      expect(inner).toBe('inner result');
      expect(y.get()).toBe('inner'); // the inner's write is visible after it
      expect(c.get()).toBe(2);
      // Not committed yet: the latest committed state is only visible after the outer ends.
      return 'outer result';
    });
    expect(result).toBe('outer result');
    expect(heap.snapshot()).toEqual({ c: 2, x: 'outer', y: 'inner' });
    const after = counters(heap);
    expect(after.clock).toBe(before.clock + 1); // one update commit for both blocks
    expect(after.commits - after.readOnlyCommits).toBe(before.commits - before.readOnlyCommits + 1);
  });

  it('an outer throw discards the inner writes too', () => {
    const { heap, x, y, c } = setup();
    const boom = new Error('outer fails');
    const error = thrownBy(() =>
      heap.atomically(() => {
        heap.atomically(() => {
          y.set('inner');
          c.add(1);
        });
        x.set('outer');
        throw boom;
      }),
    );
    expect(error).toBe(boom);
    expect(heap.snapshot()).toEqual({ c: 0, x: 0, y: 0 });
  });

  it('an inner throw caught by the outer transaction does not undo the inner writes', () => {
    const { heap, x, y } = setup();
    const innerError = new Error('inner fails');
    heap.atomically(() => {
      x.set('outer');
      const caught = thrownBy(() =>
        heap.atomically(() => {
          y.set('inner');
          throw innerError;
        }),
      );
      expect(caught).toBe(innerError);
      expect(heap.inTransaction).toBe(true);
    });
    expect(heap.snapshot()).toEqual({ c: 0, x: 'outer', y: 'inner' });
  });
});

describe('bad values at the heap level', () => {
  const badValues: [string, () => unknown, string, string | RegExp][] = [
    ['a function', () => ({ keep: 1, fn: () => 1 }), '$.fn', 'a function cannot be stored'],
    ['a top-level function', () => () => 1, '$', 'a function cannot be stored'],
    ['a symbol', () => ({ s: Symbol('s') }), '$.s', 'a symbol cannot be stored'],
    ['a class instance', () => ({ at: [new Point()] }), '$.at[0]', 'a Point is not a plain object or array'],
    ['a cycle', selfCycle, '$.self', 'cycle: refers back to $'],
    ['a value nested too deep', () => nested(MAX_DEPTH + 1), `$${'[0]'.repeat(MAX_DEPTH)}`, `MAX_DEPTH = ${MAX_DEPTH}`],
    ['a value too large', () => ({ big: 'x'.repeat(MAX_VALUE_BYTES / 2 + 10) }), '$', `MAX_VALUE_BYTES = ${MAX_VALUE_BYTES}`],
  ];

  function expectValueError(error: unknown, path: string, ...fragments: (string | RegExp)[]): void {
    expect(error).toBeInstanceOf(TypeError);
    expectError(error, 'ValueTypeError', 'INVALID_VALUE', ...fragments);
    expect((error as { path?: unknown }).path).toBe(path);
  }

  it.each(badValues)(
    'tvar.set with %s throws a ValueTypeError naming the path; the transaction commits nothing',
    (_what, make, path, fragment) => {
      const heap = Heap.create({ maxThreads: 1 });
      const x = heap.tvar<Value>('x', { old: true });
      const other = heap.tvar<Value>('other', 'old');
      const before = counters(heap);
      const error = thrownBy(() =>
        heap.atomically(() => {
          other.set('new');
          x.set(make() as Value);
          other.set('after the bad set');
        }),
      );
      expectValueError(error, path, `x: cannot store ${path}: `, fragment);
      expect(x.get()).toEqual({ old: true });
      expect(other.get()).toBe('old');
      expect(counters(heap).clock).toBe(before.clock);
      expect(counters(heap).error).toBe(before.error + 1);
    },
  );

  it.each(badValues)('tvar.set with %s, caught inside the transaction, leaves the tvar unchanged', (_what, make, path) => {
    const heap = Heap.create({ maxThreads: 1 });
    const x = heap.tvar<Value>('x', { old: true });
    const other = heap.tvar<Value>('other', 'old');
    heap.atomically(() => {
      x.set('written before');
      expectValueError(
        thrownBy(() => x.set(make() as Value)),
        path,
      );
      expect(x.get()).toBe('written before'); // the failed set did not replace the buffered write
      other.set('new');
    });
    expect(x.get()).toBe('written before');
    expect(other.get()).toBe('new');
  });

  it.each(badValues)('tvar.update returning %s throws and keeps the old value', (_what, make, path) => {
    const heap = Heap.create({ maxThreads: 1 });
    const x = heap.tvar<Value>('x', 1);
    expectValueError(
      thrownBy(() => heap.atomically(() => x.update(() => make() as Value))),
      path,
    );
    expect(x.get()).toBe(1);
  });

  it.each(badValues)('heap.tvar(name, %s) creates nothing', (_what, make, path) => {
    const heap = Heap.create({ maxThreads: 2 });
    expectValueError(
      thrownBy(() => heap.tvar('x', make() as Value)),
      path,
      /^x: cannot store /,
    );
    expectError(
      thrownBy(() => heap.tvar('x')),
      'UnknownObjectError',
      'UNKNOWN_OBJECT',
      '"x"',
    );
    expectError(
      thrownBy(() => Heap.attach(heap.handle).tvar('x')),
      'UnknownObjectError',
      'UNKNOWN_OBJECT',
      '"x"',
    );
    expect(heap.snapshot()).toEqual({});
    // The name is still free.
    expect(heap.tvar('x', 'good').get()).toBe('good');
  });

  it.each<[string, number]>([
    ['1.5', 1.5],
    ['2 ** 31', 2 ** 31],
    ['-(2 ** 31) - 1', -(2 ** 31) - 1],
    ['NaN', NaN],
    ['Infinity', Infinity],
  ])("an 'i32' tarray rejects %s with a ValueTypeError, keeping the old value", (_what, bad) => {
    const heap = Heap.create({ maxThreads: 1 });
    const a = heap.tarray('a', 2, 'i32');
    heap.atomically(() => a.set(1, 7));
    const error = thrownBy(() =>
      heap.atomically(() => {
        a.set(0, 1);
        a.set(1, bad);
      }),
    );
    expectValueError(error, '$', 'a[1]: cannot store $: ', 'not an int32');
    expect(heap.snapshot()).toEqual({ a: [0, 7] });
  });

  it("an 'i32' tarray accepts the int32 extremes", () => {
    const heap = Heap.create({ maxThreads: 1 });
    const a = heap.tarray('a', 2, 'i32');
    heap.atomically(() => {
      a.set(0, 2 ** 31 - 1);
      a.set(1, -(2 ** 31));
    });
    expect(a.toArray()).toEqual([2 ** 31 - 1, -(2 ** 31)]);
  });

  it.each<[string, unknown]>([
    ['a string', '1'],
    ['a bigint', 1n],
    ['null', null],
    ['an object', { n: 1 }],
  ])("an 'f64' tarray rejects %s with a ValueTypeError", (_what, bad) => {
    const heap = Heap.create({ maxThreads: 1 });
    const a = heap.tarray('a', 2, 'f64');
    const error = thrownBy(() => heap.atomically(() => a.set(0, bad as number)));
    expectValueError(error, '$', 'a[0]: cannot store $: ', 'not a number');
    expect(a.get(0)).toBe(0);
  });

  it.each<[string, unknown]>([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a string', '1'],
    ['a bigint', 1n],
  ])('tcounter.add rejects %s with a ValueTypeError', (_what, bad) => {
    const heap = Heap.create({ maxThreads: 1 });
    const c = heap.tcounter('c', 5);
    const error = thrownBy(() =>
      heap.atomically(() => {
        c.add(1);
        c.add(bad as number);
      }),
    );
    expectValueError(error, '$', 'c.add: cannot store $: ', 'not a finite number');
    expect(c.get()).toBe(5);
  });

  describe('IndexRangeError', () => {
    const LENGTH = 4;
    const badIndices: [string, unknown][] = [
      ['-1', -1],
      ['length', LENGTH],
      ['1.5', 1.5],
      ["'1' (cast)", '1'],
      ['NaN', NaN],
      ['2 ** 32', 2 ** 32],
    ];

    function expectIndexError(error: unknown, index: unknown): void {
      expect(error).toBeInstanceOf(RangeError);
      const shown = typeof index === 'string' ? JSON.stringify(index) : String(index); // a string index is shown quoted
      expectError(error, 'IndexRangeError', 'INDEX_OUT_OF_RANGE', `a[${shown}] is out of range`, `from 0 to ${LENGTH - 1}`);
    }

    it.each(badIndices)('get(%s) throws, inside and outside a transaction', (_what, index) => {
      const heap = Heap.create({ maxThreads: 1 });
      const a = heap.tarray('a', LENGTH, 'f64');
      expectIndexError(
        thrownBy(() => a.get(index as number)),
        index,
      );
      expectIndexError(
        thrownBy(() => heap.atomically(() => a.get(index as number))),
        index,
      );
    });

    it.each(badIndices)('set(%s) throws and the transaction commits nothing', (_what, index) => {
      const heap = Heap.create({ maxThreads: 1 });
      const a = heap.tarray('a', LENGTH, 'i32');
      const error = thrownBy(() =>
        heap.atomically(() => {
          a.set(0, 9);
          a.set(index as number, 1);
        }),
      );
      expectIndexError(error, index);
      expect(a.toArray()).toEqual([0, 0, 0, 0]);
    });

    it('an empty tarray has no valid index', () => {
      const heap = Heap.create({ maxThreads: 1 });
      const a = heap.tarray('a', 0);
      expect(a.length).toBe(0);
      expect(() => a.get(0)).toThrow(expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE' }));
      expect(a.toArray()).toEqual([]);
    });
  });
});

describe('HeapFullError', () => {
  // maxBytes must hold the header and the thread slots plus 4096 bytes (Heap.create); 1 MiB does.
  const MAX = 1 << 20;
  const big = (tag: number): string => `${tag}:`.padEnd(100_000, 'x'); // ~200 KB encoded

  it('a transaction that cannot allocate writes nothing, and the heap still works', () => {
    const heap = Heap.create({ maxBytes: MAX });
    const vars = Array.from({ length: 10 }, (_, k) => heap.tvar<Value>(`big${k}`, `small${k}`));
    const before = heap.snapshot();
    const clock = heap.stats().clock;
    const error = thrownBy(() =>
      heap.atomically(() => {
        vars.forEach((v, k) => v.set(big(k))); // ~2 MB: cannot fit
      }),
    );
    expectError(error, 'HeapFullError', 'HEAP_FULL', 'the heap is full', `maxBytes is ${MAX}`);
    expect(heap.inTransaction).toBe(false);
    expect(heap.snapshot()).toEqual(before);
    expect(heap.stats().clock).toBe(clock);

    // A small transaction commits.
    heap.atomically(() => vars[0]!.set('ok'));
    expect(vars[0]!.get()).toBe('ok');
    // The blocks the failed commit took were given back: one big value still fits.
    heap.atomically(() => vars[1]!.set(big(1)));
    expect(vars[1]!.get()).toBe(big(1));
    expect(heap.stats().bytesReserved).toBeLessThanOrEqual(MAX);
  });

  it('filling the heap one transaction at a time: the failing one writes nothing, earlier ones stay', () => {
    const heap = Heap.create({ maxBytes: MAX });
    const count = heap.tvar<number>('count', 0);
    const vars = Array.from({ length: 20 }, (_, k) => heap.tvar<Value>(`big${k}`, null));
    let full: unknown;
    let k = 0;
    for (; k < vars.length; k++) {
      try {
        heap.atomically(() => {
          count.set(k + 1);
          vars[k]!.set(big(k));
        });
      } catch (error) {
        full = error;
        break;
      }
    }
    expect(k).toBeGreaterThan(0);
    expect(k).toBeLessThan(vars.length);
    expectError(full, 'HeapFullError', 'HEAP_FULL', `maxBytes is ${MAX}`);
    expect(count.get()).toBe(k);
    expect(vars[k]!.get()).toBeNull();
    for (let j = 0; j < k; j++) expect(vars[j]!.get()).toBe(big(j));

    // Creating an object whose initial value does not fit creates nothing.
    expectError(
      thrownBy(() => heap.tvar('late', big(99))),
      'HeapFullError',
      'HEAP_FULL',
    );
    expectError(
      thrownBy(() => heap.tvar('late')),
      'UnknownObjectError',
      'UNKNOWN_OBJECT',
      '"late"',
    );

    // Still usable: small writes commit, reads see them.
    heap.atomically(() => count.set(-1));
    expect(count.get()).toBe(-1);
    // Replacing the big values by small ones frees their memory over time (reclamation is
    // lazy: old versions go when their cell is written again after the bound moved on).
    let fitted = false;
    for (let round = 0; round < 200 && !fitted; round++) {
      for (let j = 0; j < k; j++) heap.atomically(() => vars[j]!.set(round));
      try {
        heap.atomically(() => vars[k]!.set(big(k)));
        fitted = true;
      } catch (error) {
        expect((error as { code?: unknown }).code).toBe('HEAP_FULL');
      }
    }
    expect(fitted).toBe(true);
    expect(vars[k]!.get()).toBe(big(k));
  });
});

describe('Heap.create options and Heap.attach handles', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['maxBytes too large', { maxBytes: 2 ** 31 }, 'maxBytes'],
    ['maxBytes too small', { maxBytes: 1024 }, 'maxBytes'],
    ['maxBytes too small for the thread slots', { maxBytes: 8192 }, 'maxBytes'],
    ['maxBytes not an integer', { maxBytes: 100_000.5 }, 'maxBytes'],
    ['maxBytes NaN', { maxBytes: NaN }, 'maxBytes'],
    ['maxBytes a string', { maxBytes: '65536' }, 'maxBytes'],
    ['maxThreads 0', { maxThreads: 0 }, 'maxThreads'],
    ['maxThreads negative', { maxThreads: -1 }, 'maxThreads'],
    ['maxThreads not an integer', { maxThreads: 1.5 }, 'maxThreads'],
    ['initialBytes negative', { initialBytes: -1 }, 'initialBytes'],
    ['initialBytes above maxBytes', { initialBytes: 1 << 21, maxBytes: 1 << 20 }, 'initialBytes'],
    ['initialBytes not an integer', { initialBytes: 0.5 }, 'initialBytes'],
  ])('%s throws InvalidOptionError naming the option', (_what, options, option) => {
    expectError(
      thrownBy(() => Heap.create(options as never)),
      'InvalidOptionError',
      'INVALID_OPTION',
      `invalid option ${option}: `,
    );
  });

  it('accepts the documented limits', () => {
    const small = Heap.create({ maxBytes: 64 + 208 + 4096, maxThreads: 1 });
    expect(small.stats().bytesMax).toBeGreaterThanOrEqual(64 + 208 + 4096);
    small.detach();
    const heap = Heap.create({ maxBytes: 2147483640, maxThreads: 1 });
    expect(heap.stats().bytesMax).toBe(2147483640);
    heap.detach();
  });

  it.each<[string, () => unknown, string]>([
    ['an empty object', () => ({}), 'no SharedArrayBuffer'],
    ['null', () => null, 'no SharedArrayBuffer'],
    ['undefined', () => undefined, 'no SharedArrayBuffer'],
    ['an ArrayBuffer', () => ({ kind: 'ame-heap', buffer: new ArrayBuffer(4096) }), 'no SharedArrayBuffer'],
    ['a SharedArrayBuffer of zeros', () => ({ kind: 'ame-heap', buffer: new SharedArrayBuffer(1 << 16) }), 'not an AME heap'],
    ['a tiny SharedArrayBuffer', () => ({ kind: 'ame-heap', buffer: new SharedArrayBuffer(8) }), 'not an AME heap'],
  ])('Heap.attach(%s) throws InvalidHandleError', (_what, make, fragment) => {
    expectError(
      thrownBy(() => Heap.attach(make() as HeapHandle)),
      'InvalidHandleError',
      'INVALID_HANDLE',
      'Heap.attach',
      fragment,
    );
  });

  it('the handle is structured-cloneable and attaches to the same heap', () => {
    const heap = Heap.create({ maxThreads: 2 });
    const v = heap.tvar('v', 'shared');
    const copy = structuredClone(heap.handle);
    expect(copy.buffer).toBeInstanceOf(SharedArrayBuffer);
    const other = Heap.attach(copy);
    other.atomically(() => other.tvar<string>('v').set('changed'));
    expect(v.get()).toBe('changed');
  });
});

describe('thread slots and detach', () => {
  it('TooManyThreadsError once every slot is claimed; detach gives a slot back', () => {
    const heap = Heap.create({ maxThreads: 2 });
    const second = Heap.attach(heap.handle);
    expect(heap.stats().threads).toBe(2);
    expectError(
      thrownBy(() => Heap.attach(heap.handle)),
      'TooManyThreadsError',
      'TOO_MANY_THREADS',
      'all 2 thread slots',
      'detach',
    );
    second.detach();
    expect(heap.stats().threads).toBe(1);
    const third = Heap.attach(heap.handle);
    expect(heap.stats().threads).toBe(2);
    expectError(
      thrownBy(() => Heap.attach(heap.handle)),
      'TooManyThreadsError',
      'TOO_MANY_THREADS',
    );
    third.detach();
    heap.detach();
    // Both slots are free again.
    const a = Heap.attach(heap.handle);
    const b = Heap.attach(heap.handle);
    expect(a.stats().threads).toBe(2);
    a.detach();
    b.detach();
  });

  it('a detached heap throws HeapDetachedError; the others keep working', () => {
    const heap = Heap.create({ maxThreads: 2 });
    const v = heap.tvar('v', 1);
    const a = heap.tarray('a', 2);
    const c = heap.tcounter('c', 0);
    const other = Heap.attach(heap.handle);
    heap.detach();
    heap.detach(); // idempotent

    const detached: [string, () => unknown][] = [
      ['atomically', () => heap.atomically(() => 1)],
      ['tvar.get', () => v.get()],
      ['tarray.get', () => a.get(0)],
      ['tarray.toArray', () => a.toArray()],
      ['tcounter.get', () => c.get()],
      ['tvar.set', () => v.set(2)],
      ['opening another name', () => heap.tvar('w', 1)],
      ['snapshot', () => heap.snapshot()],
      ['stats', () => heap.stats()],
      ['inTransaction', () => heap.inTransaction],
    ];
    for (const [what, use] of detached) {
      const error = thrownBy(use);
      expect({ what, name: (error as Error).name }).toEqual({ what, name: 'HeapDetachedError' });
      expectError(error, 'HeapDetachedError', 'HEAP_DETACHED', 'detached', 'Heap.attach');
    }
    other.atomically(() => other.tvar<number>('v').set(5));
    expect(other.tvar('v').get()).toBe(5);
    expect(other.stats().threads).toBe(1);
  });

  it('detach inside a transaction is refused', () => {
    const heap = Heap.create({ maxThreads: 1 });
    heap.atomically(() => {
      expect(() => heap.detach()).toThrow(TypeError);
    });
    expect(heap.atomically(() => 1)).toBe(1); // still attached
  });
});

describe('stats()', () => {
  it('counts commits, read-only commits, error aborts and the clock', () => {
    const heap = Heap.create({ maxThreads: 1 });
    const v = heap.tvar('v', 0);
    const a = heap.tarray('a', 4);
    const c = heap.tcounter('c', 0);
    expect(counters(heap)).toEqual({ commits: 0, readOnlyCommits: 0, conflict: 0, error: 0, clock: 0 });
    expect(heap.stats().threads).toBe(1);

    heap.atomically(() => v.get() + a.get(0) + c.get()); // read-only
    expect(counters(heap)).toEqual({ commits: 1, readOnlyCommits: 1, conflict: 0, error: 0, clock: 0 });

    heap.atomically(() => 'nothing'); // empty: read-only too
    expect(counters(heap)).toEqual({ commits: 2, readOnlyCommits: 2, conflict: 0, error: 0, clock: 0 });

    heap.atomically(() => v.set(1)); // update
    expect(counters(heap)).toEqual({ commits: 3, readOnlyCommits: 2, conflict: 0, error: 0, clock: 1 });

    heap.atomically(() => {
      v.set(v.get() + 1);
      a.set(0, 1);
      a.set(1, 2);
      c.add(3);
    }); // several writes: still one commit, one tick
    expect(counters(heap)).toEqual({ commits: 4, readOnlyCommits: 2, conflict: 0, error: 0, clock: 2 });

    heap.atomically(() => c.add(0)); // an add is a write even when it adds 0
    expect(counters(heap)).toEqual({ commits: 5, readOnlyCommits: 2, conflict: 0, error: 0, clock: 3 });

    thrownBy(() =>
      heap.atomically(() => {
        v.set(100);
        throw new Error('x');
      }),
    );
    expect(counters(heap)).toEqual({ commits: 5, readOnlyCommits: 2, conflict: 0, error: 1, clock: 3 });

    heap.atomically(() => heap.atomically(() => v.set(5))); // nested: one commit
    expect(counters(heap)).toEqual({ commits: 6, readOnlyCommits: 2, conflict: 0, error: 1, clock: 4 });

    // Reads outside transactions and stats() itself are not transactions.
    v.get();
    a.toArray();
    c.get();
    heap.stats();
    expect(counters(heap)).toEqual({ commits: 6, readOnlyCommits: 2, conflict: 0, error: 1, clock: 4 });

    // Creating objects is not a commit.
    heap.tvar('w', 'new');
    expect(counters(heap).clock).toBe(4);
  });

  it('sums the counters of every attached thread', () => {
    const heap = Heap.create({ maxThreads: 2 });
    const v = heap.tvar('v', 0);
    const other = Heap.attach(heap.handle);
    heap.atomically(() => v.set(1));
    other.atomically(() => other.tvar<number>('v').set(2));
    other.atomically(() => other.tvar<number>('v').get());
    const s = heap.stats();
    expect({ commits: s.commits, readOnlyCommits: s.readOnlyCommits, clock: s.clock }).toEqual({
      commits: 3,
      readOnlyCommits: 1,
      clock: 2,
    });
    expect(other.stats().commits).toBe(3);
  });

  it('reports memory figures', () => {
    const heap = Heap.create({ maxBytes: 1 << 22, maxThreads: 1 });
    const s0 = heap.stats();
    expect(s0.bytesMax).toBe(1 << 22);
    expect(s0.bytesReserved).toBeGreaterThan(0);
    expect(s0.bytesReserved).toBeLessThanOrEqual(s0.bytesMax);
    expect(s0.bytesUsed).toBeGreaterThan(0);
    expect(s0.bytesUsed).toBeLessThanOrEqual(s0.bytesReserved);
    const v = heap.tvar<Value>('v', null);
    heap.atomically(() => v.set('y'.repeat(50_000)));
    const s1 = heap.stats();
    expect(s1.bytesUsed).toBeGreaterThanOrEqual(s0.bytesUsed + 100_000);
    expect(s1.bytesUsed).toBeLessThanOrEqual(s1.bytesReserved);
  });
});
