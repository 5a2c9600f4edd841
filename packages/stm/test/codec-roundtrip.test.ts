/**
 * The value codec round-trips every storable value exactly (-0, NaN, bigints of any size, lone
 * surrogates, holes, `__proto__` keys), into fresh objects, from any offset of a
 * SharedArrayBuffer. Property tests print their seed; replay one with FC_SEED=<seed>.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, MAX_DEPTH, MAX_VALUE_BYTES, valuesEqual } from '../src/codec.js';
import type { Value } from '../src/codec.js';

const seed = Number(process.env.FC_SEED ?? Date.now());
const numRuns = Number(process.env.FC_NUM_RUNS ?? 300);
console.log(`codec-roundtrip: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

/** An object with an own, enumerable `__proto__` data property (its prototype unchanged). */
function withProtoKey(protoValue: Value, other: Value): Value {
  const o: Record<string, Value> = { other };
  Object.defineProperty(o, '__proto__', { value: protoValue, writable: true, enumerable: true, configurable: true });
  return o;
}

const leaf: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(null, undefined, true, false, 0, -0, NaN, Infinity, -Infinity, '', '\uD800', '\uDFFF'),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
);
const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'my key', '0', ''));

const { value } = fc.letrec<{ value: Value; array: Value; object: Value }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 20 }, leaf, tie('array'), tie('object')),
  array: fc.oneof(fc.array(tie('value'), { maxLength: 6 }), fc.sparseArray(tie('value'), { maxLength: 10 })),
  object: fc.oneof(
    fc.dictionary(key, tie('value'), { maxKeys: 6 }), // includes null-prototype objects
    fc.tuple(tie('value'), tie('value')).map(([a, b]) => withProtoKey(a, b)),
  ),
}));

/** A chain of 1..20 nested arrays/objects around a leaf: always deep. */
const deep: fc.Arbitrary<Value> = fc
  .tuple(fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), leaf)
  .map(([shape, inner]) => shape.reduce<Value>((acc, isArray) => (isArray ? [acc] : { k: acc }), inner));

/** Every object (array or not) in a value tree. */
function objectsOf(v: Value, into = new Set<object>()): Set<object> {
  if (typeof v === 'object' && v !== null) {
    into.add(v);
    for (const child of Object.values(v)) objectsOf(child as Value, into);
  }
  return into;
}

/** Asserts decode(encode(v)) equals v and shares no object with it. */
function expectRoundTrip(v: Value): Value {
  const bytes = encodeValue(v);
  expect(bytes.byteLength).toBe(bytes.buffer.byteLength); // exact-length, own buffer
  const back = decodeValue(bytes);
  expect(valuesEqual(back, v)).toBe(true);
  const original = objectsOf(v);
  for (const o of objectsOf(back)) expect(original.has(o)).toBe(false);
  return back;
}

describe('codec round trip (properties)', () => {
  test.prop([fc.oneof(value, deep)], { seed, numRuns })(`decode(encode(v)) equals v, fresh (seed ${seed})`, (v) => {
    expectRoundTrip(v);
  });

  const anyOffset = `decodes from any offset of a SharedArrayBuffer (seed ${seed})`;
  test.prop([value, fc.nat({ max: 7 })], { seed, numRuns })(anyOffset, (v, offset) => {
    const bytes = encodeValue(v);
    const shared = new Uint8Array(new SharedArrayBuffer(offset + bytes.length + 5));
    shared.set(bytes, offset);
    const back = decodeValue(shared.subarray(offset, offset + bytes.length));
    expect(valuesEqual(back, v)).toBe(true);
    shared.fill(0xee); // the decoded value must not alias the shared bytes
    expect(valuesEqual(back, v)).toBe(true);
  });

  test.prop([value, value], { seed, numRuns })(`an earlier result survives later encodes (seed ${seed})`, (a, b) => {
    const bytesA = encodeValue(a);
    const copy = bytesA.slice();
    encodeValue(b);
    expect(bytesA).toEqual(copy);
  });
});

describe('codec round trip (examples)', () => {
  it('keeps -0, NaN and infinities', () => {
    expect(Object.is(decodeValue(encodeValue(-0)), -0)).toBe(true);
    expect(Object.is(decodeValue(encodeValue(0)), 0)).toBe(true);
    expect(Number.isNaN(decodeValue(encodeValue(NaN)))).toBe(true);
    const extremes = [Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE];
    expect(decodeValue(encodeValue(extremes))).toEqual(extremes);
  });

  it('keeps undefined elements and turns holes into undefined', () => {
    const back = decodeValue(encodeValue([undefined, 1])) as Value[];
    expect(back).toHaveLength(2);
    expect(0 in back).toBe(true);
    expect(back[0]).toBeUndefined();
    // biome-ignore lint/suspicious/noSparseArray: holes are what this checks
    const holey = decodeValue(encodeValue([, 2, ,])) as Value[];
    expect(holey).toEqual([undefined, 2, undefined]);
    expect(0 in holey && 2 in holey).toBe(true);
    expect(decodeValue(encodeValue({ u: undefined }))).toHaveProperty('u', undefined);
    expect(decodeValue(encodeValue(undefined))).toBeUndefined();
  });

  const bigints = [0n, 1n, -1n, 255n, 256n, -(2n ** 63n), 2n ** 64n - 1n, -(2n ** 200n), 3n ** 1000n];
  it.each(bigints)('keeps bigint %s', (n) => {
    expect(decodeValue(encodeValue(n))).toBe(n);
  });

  const strings = ['', 'a', '\uD800', '\uDC00x\uD800', 'héllo', '👩‍👩‍👧‍👦', '🎉 emoji', '\u0000\uFFFF'];
  it.each(strings)('keeps string %j', (s) => {
    expect(decodeValue(encodeValue(s))).toBe(s);
  });

  it('keeps a long string (more code units than one fromCharCode chunk)', () => {
    const s = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode((i * 7919) % 0x10000)).join('');
    expect(decodeValue(encodeValue(s))).toBe(s);
  });

  it('makes __proto__ an own property, never the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Value;
    const back = decodeValue(encodeValue(parsed)) as Record<string, Value>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(valuesEqual(back, parsed)).toBe(true);
  });

  it('decodes null-prototype objects as plain {} objects', () => {
    const o = Object.assign(Object.create(null) as Record<string, Value>, { a: 1 });
    const back = decodeValue(encodeValue(o));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back).toEqual({ a: 1 });
  });

  it('encodes shared (non-cyclic) references twice, as separate copies', () => {
    const shared = { n: 1 };
    const back = decodeValue(encodeValue({ a: shared, b: [shared, shared] })) as { a: object; b: object[] };
    expect(back).toEqual({ a: { n: 1 }, b: [{ n: 1 }, { n: 1 }] });
    expect(back.a).not.toBe(back.b[0]);
  });

  it(`encodes nesting of exactly MAX_DEPTH (${MAX_DEPTH}) and rejects MAX_DEPTH + 1`, () => {
    const nest = (depth: number): Value => (depth === 0 ? 'leaf' : depth % 2 ? [nest(depth - 1)] : { d: nest(depth - 1) });
    expectRoundTrip(nest(MAX_DEPTH));
    expect(() => encodeValue(nest(MAX_DEPTH + 1))).toThrow(/MAX_DEPTH/);
  });

  it(`encodes a value of exactly MAX_VALUE_BYTES (${MAX_VALUE_BYTES}) and rejects one byte more`, () => {
    // array header 5 + string (tag, u32, 2 bytes per unit) + 4 one-byte items = 14 + 2 * units
    const units = (MAX_VALUE_BYTES - 14) / 2;
    const exact: Value = ['x'.repeat(units), true, false, null, undefined];
    expect(encodeValue(exact).byteLength).toBe(MAX_VALUE_BYTES);
    expectRoundTrip(exact);
    expect(() => encodeValue(['x'.repeat(units), true, false, null, undefined, null])).toThrow(/MAX_VALUE_BYTES/);
  });

  it('still works after an encode failed half-way', () => {
    expect(() => encodeValue({ a: [1, 2, { f: () => 0 }] })).toThrow(TypeError);
    expectRoundTrip({ a: [1, 2, { f: 'ok' }] });
  });

  it('a getter that encodes another value does not corrupt the outer encoding', () => {
    const o = {
      get inner(): Value {
        encodeValue({ other: 'x'.repeat(100) });
        return 'inner';
      },
    };
    expect(decodeValue(encodeValue({ a: 1, o, b: 2 }))).toEqual({ a: 1, o: { inner: 'inner' }, b: 2 });
  });

  it('rejects bytes it did not produce', () => {
    expect(() => decodeValue(new Uint8Array([99]))).toThrow(/unknown tag 99/);
    expect(() => decodeValue(encodeValue('abc').subarray(0, 6))).toThrow(/corrupt/);
    expect(() => decodeValue(new Uint8Array([1, 1]))).toThrow(/left over/);
  });
});

describe('valuesEqual', () => {
  it.each<[string, Value, Value, boolean]>([
    ['0 and -0 differ', 0, -0, false],
    ['NaN equals NaN', NaN, NaN, true],
    ['bigints by value', 2n ** 80n, 2n ** 80n, true],
    ['bigint is not number', 1n, 1, false],
    ['null is not undefined', null, undefined, false],
    ['strings by value', 'a\uD800', 'a\uD800', true],
    ['key order is irrelevant', { a: 1, b: [2] }, { b: [2], a: 1 }, true],
    ['extra key differs', { a: 1 }, { a: 1, b: undefined }, false],
    ['missing key is not an undefined key', { a: undefined }, { b: undefined }, false],
    ['array is not an object with index keys', [1], { 0: 1 }, false],
    ['arrays elementwise', [1, [2, { x: -0 }]], [1, [2, { x: -0 }]], true],
    ['nested -0 differs', [{ x: 0 }], [{ x: -0 }], false],
    ['array lengths differ', [1, undefined], [1], false],
    // biome-ignore lint/suspicious/noSparseArray: a hole is what this checks
    ['a hole equals undefined', [, 1], [undefined, 1], true],
  ])('%s', (_name, a, b, expected) => {
    expect(valuesEqual(a, b)).toBe(expected);
    expect(valuesEqual(b, a)).toBe(expected);
  });

  it('compares objects with null prototype by their keys', () => {
    const bare = Object.assign(Object.create(null) as Record<string, Value>, { a: 1 });
    expect(valuesEqual(bare, { a: 1 })).toBe(true);
  });
});
