/**
 * Replay files hold Values exactly: undefined, bigint, NaN, ±Infinity, -0, Maps, and
 * objects with a `$ame` or `__proto__` key survive JSON.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fromJson, toJson } from '../src/internal/json-values.js';
import { propertySeed } from './helpers/property.js';

const seed = propertySeed();
console.log(`replay-file-roundtrip: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(undefined, null, true, NaN, Infinity, -Infinity, -0),
    fc.double(),
    fc.string(),
    fc.bigInt(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('$ame', '__proto__')), tie('value'), {
      maxKeys: 4,
      noNullPrototype: true,
    }),
    fc.array(fc.tuple(fc.oneof(fc.string(), fc.integer()), tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
  ),
})).value;

describe('value JSON', () => {
  test.prop([value], { seed })('fromJson(JSON round trip of toJson(v)) equals v', (v) => {
    expect(fromJson(JSON.parse(JSON.stringify(toJson(v))))).toStrictEqual(v);
  });
});
