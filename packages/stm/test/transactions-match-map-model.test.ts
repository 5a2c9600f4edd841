/**
 * Single-thread transactions behave exactly like a plain in-memory model: a Map of values,
 * two number arrays and a number, copied at the start of every transaction and restored if
 * it throws. Random programs (tvar get/set/update, tarray get/set, counter add/get, flat
 * nested blocks, user exceptions) run on a real Heap and on the model; every read, every
 * rethrown error, every snapshot and the stats counters must agree. Values must be copied in
 * and out: the test mutates what it passed to set() and what get() returned.
 *
 * Not covered here: concurrency (see the worker-based suites), bad values (heap-api-errors).
 * Property tests print their seed; replay one with FC_SEED=<seed>.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Heap, valuesEqual } from '../src/index.js';
import type { Value } from '../src/index.js';

const seed = Number(process.env.FC_SEED ?? Date.now());
const numRuns = Number(process.env.FC_NUM_RUNS ?? 200);
console.log(`transactions-match-map-model: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

const TVARS = ['v0', 'v1', 'v2'] as const;
const ARRAY_LENGTH = 8;
type ArrayName = 'f' | 'i';

// ---------- generated programs ----------

type Op =
  | { k: 'get'; v: number }
  | { k: 'set'; v: number; value: Value }
  | { k: 'update'; v: number; value: Value }
  | { k: 'aget'; arr: ArrayName; index: number }
  | { k: 'aset'; arr: ArrayName; index: number; value: number }
  | { k: 'cadd'; delta: number }
  | { k: 'cget' }
  | { k: 'nested'; ops: Op[]; throws: boolean };

interface Tx {
  ops: Op[];
  throws: boolean;
}

interface Program {
  initial: Value[];
  counter: number;
  txs: Tx[];
}

const leaf: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(null, undefined, true, false, 0, -0, NaN, Infinity, -Infinity, ''),
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.string({ maxLength: 8 }),
);
const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('a', 'b', 'constructor', 'toString', '0'));
const { value } = fc.letrec<{ value: Value; array: Value; object: Value }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));

const tvarIndex = fc.nat({ max: TVARS.length - 1 });
const index = fc.nat({ max: ARRAY_LENGTH - 1 });
const f64Value = fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity), fc.integer());
const i32Value = fc.oneof(fc.integer(), fc.constantFrom(0, -0, 2 ** 31 - 1, -(2 ** 31)));
// Integers and halves: sums are exact, so the model does not depend on the order of additions.
const delta = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n / 2),
);

const simpleOp: fc.Arbitrary<Op> = fc.oneof(
  tvarIndex.map((v): Op => ({ k: 'get', v })),
  fc.record({ v: tvarIndex, value }).map(({ v, value }): Op => ({ k: 'set', v, value })),
  fc.record({ v: tvarIndex, value }).map(({ v, value }): Op => ({ k: 'update', v, value })),
  fc.record({ arr: fc.constantFrom<ArrayName>('f', 'i'), index }).map(({ arr, index }): Op => ({ k: 'aget', arr, index })),
  fc.record({ index, value: f64Value }).map(({ index, value }): Op => ({ k: 'aset', arr: 'f', index, value })),
  fc.record({ index, value: i32Value }).map(({ index, value }): Op => ({ k: 'aset', arr: 'i', index, value })),
  delta.map((delta): Op => ({ k: 'cadd', delta })),
  fc.constant<Op>({ k: 'cget' }),
);
const nestedOp: fc.Arbitrary<Op> = fc
  .record({ ops: fc.array(simpleOp, { maxLength: 5 }), throws: fc.boolean() })
  .map(({ ops, throws }): Op => ({ k: 'nested', ops, throws }));
const op = fc.oneof({ weight: 8, arbitrary: simpleOp }, { weight: 1, arbitrary: nestedOp });
const tx: fc.Arbitrary<Tx> = fc.record({ ops: fc.array(op, { maxLength: 10 }), throws: fc.boolean() });
const program: fc.Arbitrary<Program> = fc.record({
  initial: fc.tuple(value, value, value),
  counter: fc.integer({ min: -1000, max: 1000 }),
  txs: fc.array(fc.oneof({ weight: 3, arbitrary: tx.map((t) => ({ ...t, throws: false })) }, { weight: 1, arbitrary: tx }), {
    minLength: 1,
    maxLength: 15,
  }),
});

// ---------- helpers ----------

/** A deep copy of a Value, sharing no object with it (own `__proto__` keys kept as data). */
function clone(v: Value): Value {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return (v as readonly Value[]).map(clone);
  const out: Record<string, Value> = {};
  for (const k of Object.keys(v)) {
    Object.defineProperty(out, k, {
      value: clone((v as Record<string, Value>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Mutates an array or object in place (no-op for primitives); returns whether it did. */
function scribble(v: unknown): boolean {
  if (Array.isArray(v)) {
    v.push('scribbled');
    if (v.length > 1) v[0] = 'scribbled';
    return true;
  }
  if (typeof v === 'object' && v !== null) {
    (v as Record<string, unknown>).scribbled = true;
    for (const k of Object.keys(v)) (v as Record<string, unknown>)[k] = 'scribbled';
    return true;
  }
  return false;
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint'
      ? `${x}n`
      : x === undefined
        ? '<undefined>'
        : Object.is(x, -0)
          ? '-0'
          : typeof x === 'number' && !Number.isFinite(x)
            ? String(x)
            : x,
  );
}

function expectSame(actual: Value, expected: Value, what: string): void {
  if (!valuesEqual(actual, expected)) expect.fail(`${what}: heap gave ${show(actual)}, model has ${show(expected)}`);
}

// ---------- the model ----------

interface State {
  tvars: Value[];
  f: number[];
  i: number[];
  counter: number;
}

interface Stats {
  commits: number;
  readOnlyCommits: number;
  errorAborts: number;
  clock: number;
}

class Model {
  state: State;
  /** Sum of this transaction's counter adds (undefined: none yet), applied at commit. */
  pendingAdd: number | undefined;
  wrote = false;
  readonly stats: Stats = { commits: 0, readOnlyCommits: 0, errorAborts: 0, clock: 0 };

  constructor(initial: Value[], counter: number) {
    this.state = {
      tvars: initial.map(clone),
      f: new Array<number>(ARRAY_LENGTH).fill(0),
      i: new Array<number>(ARRAY_LENGTH).fill(0),
      counter,
    };
  }

  /** Copy-on-begin: what a throwing transaction restores. */
  begin(): State {
    this.pendingAdd = undefined;
    this.wrote = false;
    const s = this.state;
    return { tvars: s.tvars.map(clone), f: [...s.f], i: [...s.i], counter: s.counter };
  }

  commit(): void {
    if (this.pendingAdd !== undefined) this.state.counter += this.pendingAdd;
    this.stats.commits++;
    if (this.wrote) this.stats.clock++;
    else this.stats.readOnlyCommits++;
  }

  rollback(saved: State): void {
    this.state = saved;
    this.stats.errorAborts++;
  }

  tvar(v: number): Value {
    return this.state.tvars[v];
  }

  set(v: number, value: Value): void {
    this.state.tvars[v] = clone(value);
    this.wrote = true;
  }

  aget(arr: ArrayName, index: number): number {
    return this.state[arr][index]!;
  }

  aset(arr: ArrayName, index: number, value: number): void {
    this.state[arr][index] = arr === 'i' ? value | 0 : value; // an int32 array has no -0
    this.wrote = true;
  }

  cadd(delta: number): void {
    this.pendingAdd = (this.pendingAdd ?? 0) + delta;
    this.wrote = true;
  }

  cget(): number {
    return this.pendingAdd === undefined ? this.state.counter : this.state.counter + this.pendingAdd;
  }

  snapshot(): Record<string, Value> {
    const s = this.state;
    return { c: s.counter, f: [...s.f], i: [...s.i], v0: s.tvars[0], v1: s.tvars[1], v2: s.tvars[2] };
  }
}

// ---------- running a program on both ----------

class UserError extends Error {
  override readonly name = 'UserError';
}

function run(p: Program): void {
  const heap = Heap.create({ maxBytes: 1 << 24, maxThreads: 1 });
  try {
    const tvars = TVARS.map((name, k) => heap.tvar(name, clone(p.initial[k])));
    const arrays = { f: heap.tarray('f', ARRAY_LENGTH, 'f64'), i: heap.tarray('i', ARRAY_LENGTH, 'i32') };
    const counter = heap.tcounter('c', p.counter);
    const model = new Model(p.initial, p.counter);
    const tvar = (v: number) => tvars[v]!;

    const runOps = (ops: readonly Op[], where: string): void => {
      ops.forEach((o, n) => {
        const at = `${where} op ${n} (${o.k})`;
        switch (o.k) {
          case 'get': {
            const got = tvar(o.v).get();
            expectSame(got, model.tvar(o.v), `${at} ${TVARS[o.v]}.get()`);
            scribble(got); // must not reach the stored value
            break;
          }
          case 'set': {
            const passed = clone(o.value);
            tvar(o.v).set(passed);
            model.set(o.v, o.value);
            scribble(passed); // must not reach the stored value
            break;
          }
          case 'update': {
            const next = clone(o.value);
            let seen: Value = 'fn not called';
            const returned = tvar(o.v).update((current) => {
              seen = clone(current);
              scribble(current);
              return next;
            });
            expectSame(seen, model.tvar(o.v), `${at} ${TVARS[o.v]}.update() current`);
            expect(returned).toBe(next);
            model.set(o.v, o.value);
            scribble(next);
            break;
          }
          case 'aget':
            expectSame(arrays[o.arr].get(o.index), model.aget(o.arr, o.index), `${at} ${o.arr}.get(${o.index})`);
            break;
          case 'aset':
            arrays[o.arr].set(o.index, o.value);
            model.aset(o.arr, o.index, o.value);
            break;
          case 'cadd':
            counter.add(o.delta);
            model.cadd(o.delta);
            break;
          case 'cget':
            expectSame(counter.get(), model.cget(), `${at} c.get()`);
            break;
          case 'nested': {
            // Flat nesting: the inner block joins the outer transaction; an exception the
            // outer one catches does not undo the inner writes.
            const inner = new UserError('inner');
            try {
              heap.atomically(() => {
                expect(heap.inTransaction).toBe(true);
                runOps(o.ops, `${at} >`);
                if (o.throws) throw inner;
              });
              expect(o.throws).toBe(false);
            } catch (error) {
              if (!(error instanceof UserError)) throw error;
              expect(error).toBe(inner);
            }
            break;
          }
        }
      });
    };

    p.txs.forEach((t, n) => {
      const where = `tx ${n}`;
      const saved = model.begin();
      const userError = new UserError(`tx ${n} throws`);
      let thrown: unknown = 'nothing thrown';
      try {
        const result = heap.atomically(() => {
          runOps(t.ops, where);
          if (t.throws) throw userError;
          return n;
        });
        expect(result).toBe(n);
      } catch (error) {
        thrown = error;
      }
      if (t.throws) {
        expect(thrown).toBe(userError); // the same object, rethrown unchanged
        model.rollback(saved);
      } else {
        if (thrown !== 'nothing thrown') throw thrown;
        model.commit();
      }
      expect(heap.inTransaction).toBe(false);

      // Outside a transaction, get() reads the latest committed value.
      TVARS.forEach((name, v) => expectSame(tvar(v).get(), model.tvar(v), `after ${where}: ${name}.get() outside`));
      expectSame(counter.get(), model.state.counter, `after ${where}: c.get() outside`);

      const stats = heap.stats();
      expect({
        commits: stats.commits,
        readOnlyCommits: stats.readOnlyCommits,
        errorAborts: stats.aborts.error,
        clock: stats.clock,
      }).toEqual(model.stats);
      expect(stats.aborts.conflict).toBe(0); // one thread: nothing to conflict with

      const snap = heap.snapshot();
      model.stats.commits++; // snapshot() is a read-only transaction
      model.stats.readOnlyCommits++;
      const expected = model.snapshot();
      expect(Object.keys(snap)).toEqual(Object.keys(expected)); // sorted by name
      for (const name of Object.keys(expected)) {
        expectSame(snap[name] as Value, expected[name] as Value, `after ${where}: snapshot().${name}`);
      }
      for (const name of Object.keys(snap)) scribble(snap[name]); // a snapshot is a copy
    });

    const final = heap.snapshot();
    const expected = model.snapshot();
    expectSame(final as Value, expected as Value, 'final snapshot');
  } finally {
    heap.detach();
  }
}

describe('transactions match a Map model', () => {
  test.prop([program], { seed, numRuns })(`random programs: reads, rethrows, snapshots and stats agree (seed ${seed})`, (p) => {
    run(p);
  });

  // Hand-picked programs the generator may take long to hit.
  it('examples: rollback, flat nesting, -0 and NaN, int32 -0', () => {
    run({
      initial: [{ a: [1, -0] }, NaN, 5n],
      counter: 3,
      txs: [
        { ops: [{ k: 'set', v: 0, value: { b: 2 } }, { k: 'get', v: 0 }, { k: 'cadd', delta: 2 }, { k: 'cget' }], throws: true },
        {
          ops: [
            {
              k: 'nested',
              ops: [
                { k: 'set', v: 1, value: -0 },
                { k: 'cadd', delta: 1 },
              ],
              throws: true,
            },
            { k: 'get', v: 1 },
          ],
          throws: false,
        },
        {
          ops: [
            { k: 'aset', arr: 'i', index: 7, value: -0 },
            { k: 'aset', arr: 'f', index: 0, value: -0 },
            { k: 'aget', arr: 'f', index: 0 },
          ],
          throws: false,
        },
        { ops: [{ k: 'nested', ops: [{ k: 'set', v: 2, value: [1, [2]] }], throws: false }], throws: true },
        { ops: [{ k: 'get', v: 0 }, { k: 'get', v: 2 }, { k: 'cget' }, { k: 'aget', arr: 'i', index: 7 }], throws: false },
      ],
    });
  });
});
