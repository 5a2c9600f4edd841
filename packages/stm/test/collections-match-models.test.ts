/**
 * Single-thread TMap, TSet and TQueue behave exactly like a plain Map, Set and array:
 * fast-check commands, each one transaction of random operations (some throwing, so the
 * whole transaction must leave no trace, a table grown inside it included), run on a real
 * Heap and on the models; every read, the size, entries(), snapshot() shapes and the
 * final state must agree. Keys mix strings and numbers, -0, NaN and '0'; bulk inserts force
 * the table to grow inside transactions, deletes leave slots to reuse.
 *
 * Not covered here: concurrency (collections-across-workers, collections-conflicts).
 * Property tests print their seed; replay one with FC_SEED=<seed>.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Heap, type TMap, type TQueue, type TSet, type Value, valuesEqual } from '../src/index.js';

const seed = Number(process.env.FC_SEED ?? Date.now());
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);
console.log(`collections-match-models: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

type Key = string | number;
type Op =
  | { k: 'get' | 'has' | 'delete'; key: Key }
  | { k: 'set'; key: Key; value: Value }
  | { k: 'update'; key: Key }
  | { k: 'bulk'; from: number; count: number }
  | { k: 'size' | 'entries' | 'push-size' | 'shift' | 'peek' | 'qsize' | 'toArray' | 'svalues' }
  | { k: 'push'; value: Value }
  | { k: 'sadd' | 'sdel' | 'shas'; key: Key };

const keyArb: fc.Arbitrary<Key> = fc.oneof(
  fc.constantFrom<Key>(0, -0, 1, Number.NaN, 2.5, -7, '0', '', 'a', 'bob', 'constructor', '__proto__', 'é'),
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 0, max: 40 }).map((n) => `k${n}`),
);
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.constantFrom<Value>(null, undefined, true, -0, 0n),
  fc.record({ n: fc.integer(), tags: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }) }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constantFrom('get', 'has', 'delete' as const), key: keyArb }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('set' as const), key: keyArb, value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('update' as const), key: keyArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('bulk' as const), from: fc.nat(200), count: fc.integer({ min: 1, max: 60 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constantFrom('size', 'entries', 'shift', 'peek', 'qsize', 'toArray', 'svalues' as const) }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('push' as const), value: valueArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constantFrom('sadd', 'sdel', 'shas' as const), key: keyArb }) },
);

interface Model {
  map: Map<Key, Value>;
  set: Set<Key>;
  queue: Value[];
}

interface Real {
  heap: Heap;
  map: TMap<Key, Value>;
  set: TSet<Key>;
  queue: TQueue<Value>;
}

const norm = (k: Key): Key => (k === 0 ? 0 : k);
const sortKeys = (keys: Key[]): Key[] =>
  keys.sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') {
      if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
      return Number.isNaN(b) ? -1 : a - b;
    }
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
const sortedEntries = (m: Map<Key, Value>): [Key, Value][] => sortKeys([...m.keys()]).map((k) => [k, m.get(k)]);

const show = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint'
      ? `${x}n`
      : x === undefined
        ? '<undefined>'
        : typeof x === 'number' && !Number.isFinite(x)
          ? String(x)
          : x,
  );

function same(actual: unknown, expected: unknown, what: string | (() => string)): void {
  if (!valuesEqual(actual as Value, expected as Value)) {
    expect.fail(`${typeof what === 'string' ? what : what()}: heap gave ${show(actual)}, model has ${show(expected)}`);
  }
}

/** Runs one op on both; results must agree. */
function step(op: Op, real: Real, model: Model, where: string): void {
  const at = (): string => `${where} ${show(op)}`;
  switch (op.k) {
    case 'get':
      return same(real.map.get(op.key), model.map.get(norm(op.key)), at);
    case 'has':
      return same(real.map.has(op.key), model.map.has(norm(op.key)), at);
    case 'delete':
      return same(real.map.delete(op.key), model.map.delete(norm(op.key)), at);
    case 'set':
      real.map.set(op.key, op.value);
      model.map.set(norm(op.key), structuredClone(op.value));
      return;
    case 'update': {
      const before = model.map.get(norm(op.key));
      const next = typeof before === 'number' ? before + 1 : 1;
      let seen: Value = 'not called';
      real.map.update(op.key, (current) => {
        seen = current;
        return typeof current === 'number' ? current + 1 : 1;
      });
      same(seen, before, () => `${at()} current`);
      model.map.set(norm(op.key), next);
      return;
    }
    case 'bulk':
      for (let i = op.from; i < op.from + op.count; i++) {
        real.map.set(`bulk${i}`, i);
        model.map.set(`bulk${i}`, i);
      }
      return;
    case 'size':
      return same(real.map.size, model.map.size, at);
    case 'entries':
      return same(real.map.entries(), sortedEntries(model.map), at);
    case 'push':
      real.queue.push(op.value);
      model.queue.push(structuredClone(op.value));
      return;
    case 'shift':
      return same(real.queue.shift(), model.queue.shift(), at);
    case 'peek':
      return same(real.queue.peek(), model.queue[0], at);
    case 'qsize':
    case 'push-size':
      return same(real.queue.size, model.queue.length, at);
    case 'toArray':
      return same(real.queue.toArray(), model.queue, at);
    case 'sadd': {
      const had = model.set.has(norm(op.key));
      model.set.add(norm(op.key));
      return same(real.set.add(op.key), !had, at);
    }
    case 'sdel':
      return same(real.set.delete(op.key), model.set.delete(norm(op.key)), at);
    case 'shas':
      return same(real.set.has(op.key), model.set.has(norm(op.key)), at);
    case 'svalues':
      return same(real.set.values(), sortKeys([...model.set]), at);
  }
}

class UserError extends Error {}

/** One transaction of ops; if it throws, heap and model must both be unchanged. */
class TxCommand implements fc.Command<Model, Real> {
  constructor(
    readonly ops: Op[],
    readonly throws: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const saved: Model = { map: new Map(model.map), set: new Set(model.set), queue: [...model.queue] };
    const failure = new UserError('rolled back');
    try {
      real.heap.atomically(() => {
        this.ops.forEach((op, n) => step(op, real, model, `op ${n}`));
        if (this.throws) throw failure;
      });
    } catch (error) {
      if (error !== failure) throw error;
      model.map = saved.map;
      model.set = saved.set;
      model.queue = saved.queue;
    }
    // Outside a transaction: reads see the latest commit; snapshot() has the documented shapes.
    same(real.map.size, model.map.size, 'size outside');
    same(real.queue.size, model.queue.length, 'queue size outside');
    const snap = real.heap.snapshot();
    expect(snap.m).toBeInstanceOf(Map);
    same([...(snap.m as Map<Key, Value>)], sortedEntries(model.map), 'snapshot().m (sorted Map)');
    same(snap.q, model.queue, 'snapshot().q (front first)');
    same(snap.s, sortKeys([...model.set]), 'snapshot().s (sorted)');
  }
  toString(): string {
    return `tx(${this.throws ? 'throws ' : ''}${show(this.ops)})`;
  }
}

const commands = [
  fc
    .record({ ops: fc.array(opArb, { minLength: 1, maxLength: 8 }), throws: fc.boolean() })
    .map(({ ops, throws }) => new TxCommand(ops, throws)),
  fc.array(opArb, { minLength: 1, maxLength: 8 }).map((ops) => new TxCommand(ops, false)),
];

describe('TMap, TSet and TQueue match Map, Set and array models', () => {
  test.prop([fc.commands(commands, { maxCommands: 40 })], { seed, numRuns })(
    `random transactions agree with the models (seed ${seed})`,
    (cmds) => {
      const heap = Heap.create({ maxThreads: 1 });
      try {
        const real: Real = { heap, map: heap.tmap<Key, Value>('m'), set: heap.tset<Key>('s'), queue: heap.tqueue('q') };
        fc.modelRun(() => ({ model: { map: new Map<Key, Value>(), set: new Set<Key>(), queue: [] }, real }), cmds);
        expect(heap.stats().aborts.conflict).toBe(0);
      } finally {
        heap.detach();
      }
    },
  );
});
