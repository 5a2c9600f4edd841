/**
 * Value codec: copies a JS value into bytes for the shared heap, and back out as fresh values.
 *
 * A value is written depth-first as one byte string. Each item is a tag byte and a payload;
 * multi-byte numbers are little-endian and decoded byte by byte, so the bytes may sit at any
 * (odd) offset of a SharedArrayBuffer.
 *
 *   tag  type       payload
 *   0    undefined  -
 *   1    null       -
 *   2    false      -
 *   3    true       -
 *   4    number     f64 (8 bytes; keeps -0 and NaN)
 *   5    bigint     u8 sign (1 = negative), u32 n, n magnitude bytes, most significant first
 *   6    string     u32 n, n UTF-16 code units as u16 (lone surrogates kept exactly)
 *   7    array      u32 n, n items (holes are written as undefined)
 *   8    object     u32 n, n times: key (u32 length + u16 code units, no tag), then item
 *
 * Arrays keep only their indices, objects only their own enumerable string keys (read with
 * Object.keys, so getters run). Encoding rejects anything else with a ValueTypeError naming
 * the path inside the value; shared references are written once per occurrence.
 * It writes into a reusable module-level scratch buffer and copies out the exact bytes.
 */
import { ValueTypeError } from './errors.js';

/** What the heap can store: primitives (but symbols), arrays and plain objects, as trees. */
export type Value = null | undefined | boolean | number | string | bigint | readonly Value[] | { readonly [key: string]: Value };

/** Most levels of arrays/objects a value may nest; a top-level array is depth 1. */
export const MAX_DEPTH = 64;
/** Most bytes one encoded value may take (1 MiB); a string costs 5 + 2 bytes per code unit. */
export const MAX_VALUE_BYTES = 1 << 20;

const T_UNDEFINED = 0,
  T_NULL = 1,
  T_FALSE = 2,
  T_TRUE = 3,
  T_NUMBER = 4;
const T_BIGINT = 5,
  T_STRING = 6,
  T_ARRAY = 7,
  T_OBJECT = 8;
const SCRATCH_BYTES = 4096; // initial scratch size
const SCRATCH_KEEP = 64 * 1024; // a scratch grown past this is dropped after use
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Encoder state: growable buffer, write position, and the path/containers being written. */
class Writer {
  view = new DataView(new ArrayBuffer(SCRATCH_BYTES));
  u8 = new Uint8Array(this.view.buffer);
  pos = 0;
  busy = false;
  target: string | undefined = undefined;
  /** Containers enclosing the current item, outermost first (for cycle detection). */
  readonly open: object[] = [];
  /** Path of the current item: keys.length === open.length. */
  readonly keys: (string | number)[] = [];

  /** Makes room for `n` more bytes, or throws if the value would pass MAX_VALUE_BYTES. */
  reserve(n: number): void {
    const end = this.pos + n;
    if (end <= this.u8.length) return;
    if (end > MAX_VALUE_BYTES) {
      const problem = `the encoded value takes at least ${end} bytes, over the limit of MAX_VALUE_BYTES = ${MAX_VALUE_BYTES} bytes`;
      throw new ValueTypeError('$', `${problem}; split it over several variables`, this.target);
    }
    const buf = new ArrayBuffer(Math.min(MAX_VALUE_BYTES, Math.max(end, this.u8.length * 2)));
    const u8 = new Uint8Array(buf);
    u8.set(this.u8.subarray(0, this.pos));
    this.view = new DataView(buf);
    this.u8 = u8;
  }

  /** A ValueTypeError at the current path. */
  fail(problem: string): ValueTypeError {
    return new ValueTypeError(formatPath(this.keys), problem, this.target);
  }
}

let scratch = new Writer();

/** `$`, `$.a`, `$.items[3]`, `$["my key"]`. */
function formatPath(keys: readonly (string | number)[]): string {
  let path = '$';
  for (const k of keys) path += typeof k === 'number' ? `[${k}]` : IDENTIFIER.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
  return path;
}

/** `a Map`, `an Error`, `a Foo`: what a non-plain object is, for messages. */
function describe(v: object): string {
  const ctor: unknown = (Object.getPrototypeOf(v) as { constructor?: unknown } | null)?.constructor;
  const name = typeof ctor === 'function' && ctor.name ? ctor.name : Object.prototype.toString.call(v).slice(8, -1);
  return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;
}

/**
 * Validates and encodes a value; returns a fresh Uint8Array of exactly the encoded length.
 * Throws ValueTypeError naming the path (e.g. `$.items[3].fn`), prefixed with `target` (a label
 * like `counter` or `accounts[3]`) when given. A getter that throws propagates its error.
 */
export function encodeValue(value: unknown, target?: string): Uint8Array {
  const w = scratch.busy ? new Writer() : scratch; // re-entered from a getter: own buffer
  w.busy = true;
  w.target = target;
  try {
    writeItem(w, value);
    return w.u8.slice(0, w.pos);
  } finally {
    w.pos = 0;
    w.open.length = 0;
    w.keys.length = 0;
    w.busy = false;
    if (w === scratch && w.u8.length > SCRATCH_KEEP) scratch = new Writer();
  }
}

/** Writes one item (tag and payload) at the current path. */
function writeItem(w: Writer, v: unknown): void {
  switch (typeof v) {
    case 'undefined':
      return writeTag(w, T_UNDEFINED);
    case 'boolean':
      return writeTag(w, v ? T_TRUE : T_FALSE);
    case 'number':
      w.reserve(9);
      w.u8[w.pos] = T_NUMBER;
      w.view.setFloat64(w.pos + 1, v, true);
      w.pos += 9;
      return;
    case 'string':
      writeTag(w, T_STRING);
      return writeUnits(w, v);
    case 'bigint':
      return writeBigInt(w, v);
    case 'object':
      return v === null ? writeTag(w, T_NULL) : writeContainer(w, v);
    case 'function':
      throw w.fail('a function cannot be stored; store plain data (primitives, arrays, plain objects)');
    default:
      throw w.fail(`a ${typeof v} cannot be stored; store plain data (primitives, arrays, plain objects)`);
  }
}

/** Writes a tag and a u32 count, reserving room for `extra` more bytes after them. */
function writeHeader(w: Writer, tag: number, n: number, extra: number): void {
  w.reserve(5 + extra);
  w.u8[w.pos] = tag;
  w.view.setUint32(w.pos + 1, n, true);
  w.pos += 5;
}

/** Writes one tag byte. */
function writeTag(w: Writer, tag: number): void {
  w.reserve(1);
  w.u8[w.pos++] = tag;
}

/** Writes u32 length then the string's UTF-16 code units (used for strings and keys). */
function writeUnits(w: Writer, s: string): void {
  const n = s.length;
  w.reserve(4 + 2 * n);
  const u8 = w.u8;
  w.view.setUint32(w.pos, n, true);
  let p = w.pos + 4;
  for (let i = 0; i < n; i++, p += 2) {
    const c = s.charCodeAt(i);
    u8[p] = c & 0xff;
    u8[p + 1] = c >>> 8;
  }
  w.pos = p;
}

/** Writes tag, sign, u32 byte count and big-endian magnitude bytes (via hex: linear time). */
function writeBigInt(w: Writer, v: bigint): void {
  const neg = v < 0n;
  let hex = v === 0n ? '' : (neg ? -v : v).toString(16);
  if (hex.length & 1) hex = '0' + hex;
  const n = hex.length >>> 1;
  w.reserve(6 + n);
  const u8 = w.u8;
  u8[w.pos] = T_BIGINT;
  u8[w.pos + 1] = neg ? 1 : 0;
  w.view.setUint32(w.pos + 2, n, true);
  let p = w.pos + 6;
  for (let i = 0; i < hex.length; i += 2) {
    u8[p++] = (hexDigit(hex.charCodeAt(i)) << 4) | hexDigit(hex.charCodeAt(i + 1));
  }
  w.pos = p;
}

/** Value of a lowercase hex digit's char code. */
function hexDigit(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

/** Checks cycle, depth and plainness, then writes an array or plain object. */
function writeContainer(w: Writer, v: object): void {
  const at = w.open.indexOf(v);
  if (at >= 0) {
    throw w.fail(`cycle: refers back to ${formatPath(w.keys.slice(0, at))}; values are trees, store an id instead`);
  }
  if (w.open.length + 1 > MAX_DEPTH) {
    throw w.fail(`nested deeper than MAX_DEPTH = ${MAX_DEPTH} levels of arrays and objects; flatten the value`);
  }
  const proto: unknown = Object.getPrototypeOf(v);
  const depth = w.open.length;
  if (proto === Array.prototype) {
    const a = v as readonly unknown[];
    const n = a.length;
    writeHeader(w, T_ARRAY, n, n); // every item takes at least one byte
    w.open.push(v);
    w.keys.push(0);
    for (let i = 0; i < n; i++) {
      w.keys[depth] = i;
      writeItem(w, a[i]);
    }
  } else if (proto === Object.prototype || proto === null) {
    const symbols = Object.getOwnPropertySymbols(v);
    if (symbols.length > 0) throw w.fail(`it has a symbol key ${String(symbols[0])}; only string keys can be stored`);
    const o = v as Readonly<Record<string, unknown>>;
    const keys = Object.keys(o);
    writeHeader(w, T_OBJECT, keys.length, 0);
    w.open.push(v);
    w.keys.push('');
    for (const k of keys) {
      w.keys[depth] = k;
      writeUnits(w, k);
      writeItem(w, o[k]);
    }
  } else {
    throw w.fail(`${describe(v)} is not a plain object or array; convert it to plain data first`);
  }
  w.open.pop();
  w.keys.pop();
}

// Decoder state: set for the duration of one decodeValue call, then cleared.
const EMPTY = new Uint8Array(0);
let rU8: Uint8Array = EMPTY;
const f64 = new DataView(new ArrayBuffer(8)); // a number's bytes are copied here to be read
let rPos = 0;
const CHUNK = 4096; // code units per String.fromCharCode call
const units = new Uint16Array(CHUNK);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Decodes bytes produced by encodeValue into fresh values. `bytes` may be a view at any byte
 * offset of a (Shared)ArrayBuffer; nothing returned keeps a reference to it.
 */
export function decodeValue(bytes: Uint8Array): Value {
  rU8 = bytes;
  rPos = 0;
  try {
    const value = readItem();
    if (rPos !== bytes.length) throw corrupt(`${bytes.length - rPos} bytes left over`);
    return value;
  } finally {
    rU8 = EMPTY;
  }
}

/** Internal error for bytes that encodeValue cannot have produced. */
function corrupt(problem: string): Error {
  return new RangeError(`corrupt encoded value at byte ${rPos}: ${problem}`);
}

/** Advances past `n` bytes, returning their start, or throws if they are not there. */
function take(n: number): number {
  const p = rPos;
  if (p + n > rU8.length) throw corrupt(`needs ${n} bytes, ${rU8.length - p} left`);
  rPos = p + n;
  return p;
}

/** Reads a little-endian u32. */
function readU32(): number {
  const p = take(4),
    u = rU8;
  return (u[p]! | (u[p + 1]! << 8) | (u[p + 2]! << 16) | (u[p + 3]! << 24)) >>> 0;
}

/** Reads a little-endian f64, copying its 8 bytes (they may be at any offset). */
function readF64(): number {
  const p = take(8);
  for (let i = 0; i < 8; i++) f64.setUint8(i, rU8[p + i]!);
  return f64.getFloat64(0, true);
}

/** Reads one item. */
function readItem(): Value {
  const tag = rU8[take(1)];
  switch (tag) {
    case T_UNDEFINED:
      return undefined;
    case T_NULL:
      return null;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_NUMBER:
      return readF64();
    case T_STRING:
      return readUnits();
    case T_BIGINT: {
      const neg = rU8[take(1)] === 1;
      const n = readU32();
      const p = take(n);
      let hex = '0x0';
      for (let i = 0; i < n; i++) hex += HEX[rU8[p + i]!]!;
      const m = BigInt(hex);
      return neg ? -m : m;
    }
    case T_ARRAY: {
      const n = readU32();
      if (n > rU8.length - rPos) throw corrupt(`array of ${n} items`);
      const a = new Array<Value>(n);
      for (let i = 0; i < n; i++) a[i] = readItem();
      return a;
    }
    case T_OBJECT: {
      const n = readU32();
      const o: Record<string, Value> = {};
      for (let i = 0; i < n; i++) {
        const k = readUnits();
        const v = readItem();
        if (k !== '__proto__')
          o[k] = v; // assigning __proto__ would set the prototype instead
        else Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
      }
      return o;
    }
    default:
      throw corrupt(`unknown tag ${String(tag)}`);
  }
}

/** Reads u32 length and that many UTF-16 code units, in chunks for String.fromCharCode. */
function readUnits(): string {
  const n = readU32();
  let p = take(2 * n);
  const u8 = rU8;
  let s = '';
  if (n <= 16) {
    for (let i = 0; i < n; i++, p += 2) s += String.fromCharCode(u8[p]! | (u8[p + 1]! << 8));
    return s;
  }
  for (let done = 0; done < n; ) {
    const k = Math.min(CHUNK, n - done);
    for (let i = 0; i < k; i++, p += 2) units[i] = u8[p]! | (u8[p + 1]! << 8);
    s += String.fromCharCode.apply(null, units.subarray(0, k) as unknown as number[]);
    done += k;
  }
  return s;
}

/**
 * Deep structural equality as the heap defines it: Object.is for primitives (-0 !== 0,
 * NaN === NaN, bigints by value), arrays elementwise (a hole equals undefined), plain objects by
 * own enumerable string keys regardless of order, Maps (a TMap's snapshot) by entries. Used by
 * tests and snapshot comparison.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (a === b) return true;
  if (a instanceof Map || b instanceof Map) return mapsEqual(a, b); // a TMap in heap.snapshot()
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const x = a as readonly Value[],
      y = b as readonly Value[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!valuesEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as { readonly [key: string]: Value },
    y = b as { readonly [key: string]: Value };
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) {
    if (!Object.prototype.propertyIsEnumerable.call(y, k) || !valuesEqual(x[k], y[k])) return false;
  }
  return true;
}

function mapsEqual(a: object, b: object): boolean {
  if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
  for (const [key, value] of a) {
    if (!b.has(key) || !valuesEqual(value as Value, b.get(key) as Value)) return false;
  }
  return true;
}
