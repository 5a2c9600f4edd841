/**
 * JSON for AME Values and heap snapshots: what JSON cannot hold (undefined, bigint, NaN,
 * ±Infinity, -0, Map) becomes a tagged object `{ "$ame": tag, ... }`; a plain object that
 * has its own `$ame` key is wrapped, so decoding is exact.
 */
const TAG = '$ame';

export function toJson(value: unknown): unknown {
  if (value === undefined) return { [TAG]: 'undefined' };
  if (typeof value === 'bigint') return { [TAG]: 'bigint', value: value.toString() };
  if (typeof value === 'number') {
    if (Number.isNaN(value) || !Number.isFinite(value) || Object.is(value, -0))
      return { [TAG]: 'number', value: Object.is(value, -0) ? '-0' : String(value) };
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Array.from(value, toJson);
  if (value instanceof Map) return { [TAG]: 'map', entries: [...value].map(([k, v]) => [toJson(k), toJson(v)]) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) define(out, k, toJson(v));
  return Object.hasOwn(value, TAG) ? { [TAG]: 'object', value: out } : out;
}

export function fromJson(json: unknown): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(fromJson);
  const o = json as Record<string, unknown>;
  switch (Object.hasOwn(o, TAG) ? o[TAG] : undefined) {
    case undefined:
      break;
    case 'undefined':
      return undefined;
    case 'bigint':
      return BigInt(o.value as string);
    case 'number':
      return o.value === '-0' ? -0 : Number(o.value);
    case 'map':
      return new Map((o.entries as [unknown, unknown][]).map(([k, v]) => [fromJson(k), fromJson(v)]));
    case 'object':
      return decodeFields(o.value as Record<string, unknown>);
    default:
      throw new TypeError(`unknown ${TAG} tag ${JSON.stringify(o[TAG])}`);
  }
  return decodeFields(o);
}

function decodeFields(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) define(out, k, fromJson(v));
  return out;
}

/** An own data property, even for the key `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
