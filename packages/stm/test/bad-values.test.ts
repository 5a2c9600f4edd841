/**
 * Values the heap cannot store are rejected with a ValueTypeError that names the path inside
 * the value and the target being written. These cases call the codec directly; heap-level
 * cases (tvar.set, tarray.push ...) belong here too.
 */
import { describe, expect, it } from 'vitest';
import { encodeValue, MAX_DEPTH, MAX_VALUE_BYTES } from '../src/codec.js';
import { ValueTypeError } from '../src/errors.js';

class Point {
  constructor(readonly x = 1) {}
}
class MyArray extends Array<number> {}

/** `depth` levels of single-element arrays around 0. */
function nested(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function cycleBelowRoot(): unknown {
  const root = { a: { b: {} as Record<string, unknown> } };
  root.a.b.c = root.a;
  return root;
}

function cycleToRoot(): unknown {
  const list: unknown[] = [1];
  list.push({ back: list });
  return list;
}

function selfCycle(): unknown {
  const o: Record<string, unknown> = {};
  o.self = o;
  return o;
}

const TOO_LARGE = /at least 1200\d{3} bytes, over the limit of MAX_VALUE_BYTES = 1048576/;

/** [name, value, expected path, expected message fragment] */
const cases: [string, () => unknown, string, string | RegExp][] = [
  ['function deep inside', () => ({ items: [0, 1, 2, { fn: () => 1 }] }), '$.items[3].fn', 'a function cannot be stored'],
  ['top-level function', () => function named() {}, '$', 'a function cannot be stored'],
  ['symbol', () => ({ s: Symbol('s') }), '$.s', 'a symbol cannot be stored'],
  ['class instance', () => ({ at: [new Point()] }), '$.at[0]', 'a Point is not a plain object or array'],
  ['Date', () => ({ when: new Date(0) }), '$.when', 'a Date is not a plain object or array'],
  ['Map under a non-identifier key', () => ({ 'my key': new Map() }), '$["my key"]', 'a Map is not a plain object or array'],
  ['Set', () => [new Set([1])], '$[0]', 'a Set is not a plain object or array'],
  ['RegExp', () => ({ re: /x/ }), '$.re', 'a RegExp is not a plain object or array'],
  ['typed array', () => ({ bytes: new Uint8Array(2) }), '$.bytes', 'a Uint8Array is not a plain object or array'],
  ['boxed primitive', () => ({ n: Object(1) as unknown }), '$.n', 'a Number is not a plain object or array'],
  ['Error', () => ({ e: new Error('x') }), '$.e', 'an Error is not a plain object or array'],
  ['Array subclass', () => ({ list: MyArray.from([1]) }), '$.list', 'a MyArray is not a plain object or array'],
  ['Promise', () => Promise.resolve(1), '$', 'a Promise is not a plain object or array'],
  ['cycle below the root', cycleBelowRoot, '$.a.b.c', 'cycle: refers back to $.a'],
  ['cycle to the root', cycleToRoot, '$[1].back', 'cycle: refers back to $;'],
  ['self-referencing object', selfCycle, '$.self', 'cycle: refers back to $;'],
  ['too deep', () => nested(MAX_DEPTH + 1), `$${'[0]'.repeat(MAX_DEPTH)}`, `nested deeper than MAX_DEPTH = ${MAX_DEPTH}`],
  ['too large: a 600k-char string (1.2 MB)', () => ({ big: 'x'.repeat(600_000) }), '$', TOO_LARGE],
  [
    'too large: many small items',
    () => new Array<number>(200_000).fill(0.5),
    '$',
    `limit of MAX_VALUE_BYTES = ${MAX_VALUE_BYTES}`,
  ],
  ['too large: huge sparse array', () => new Array(2 ** 32 - 1), '$', 'MAX_VALUE_BYTES'],
  ['symbol key', () => ({ inner: { ok: 1, [Symbol('k')]: 1 } }), '$.inner', 'symbol key Symbol(k)'],
  ['hidden symbol key', () => ({ inner: Object.defineProperty({}, Symbol('h'), { value: 1 }) }), '$.inner', 'Symbol(h)'],
];

/** Calls encodeValue and returns what it threw. */
function thrownBy(value: unknown, target?: string): ValueTypeError {
  try {
    encodeValue(value, target);
  } catch (error) {
    expect(error).toBeInstanceOf(ValueTypeError);
    return error as ValueTypeError;
  }
  throw new Error('encodeValue did not throw');
}

describe('bad values are rejected with a ValueTypeError naming the path', () => {
  it.each(cases)('%s', (_name, make, path, fragment) => {
    const error = thrownBy(make());
    expect(error).toBeInstanceOf(TypeError);
    expect(error.name).toBe('ValueTypeError');
    expect(error.code).toBe('INVALID_VALUE');
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`cannot store ${path}: `)).toBe(true);
    expect(error.message).toMatch(fragment);
  });

  it.each(cases)('%s: the message starts with the target label', (_name, make, path) => {
    const error = thrownBy(make(), 'accounts[3]');
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`accounts[3]: cannot store ${path}: `)).toBe(true);
  });

  it('a getter that throws propagates its own error', () => {
    const boom = new Error('boom');
    const value = {
      get broken(): never {
        throw boom;
      },
    };
    expect(() => encodeValue({ value })).toThrow(boom);
  });

  it('a shared reference that is not a cycle is not an error', () => {
    const shared = [1];
    expect(() => encodeValue({ a: shared, b: { c: shared } })).not.toThrow();
  });

  it('exactly MAX_DEPTH levels is not an error', () => {
    expect(() => encodeValue(nested(MAX_DEPTH))).not.toThrow();
  });
});
