/**
 * TMap keys and TSet elements: validation, hashing, the key block payload (layout.ts,
 * "TMap / TSet") and the order entries are listed in. Keys compare by SameValueZero: -0 is
 * stored as 0 and NaN equals NaN (hash-table.ts H5).
 */
import { ValueTypeError } from '../errors.js';
import type { Memory } from './memory.js';
import { K_DATA, K_HASH, K_LENGTH } from './layout.js';

/** A key of a TMap or an element of a TSet. */
export type Key = string | number;

/** Longest string key, in UTF-16 units (a key block of at most 1 MiB). */
export const MAX_KEY_LENGTH = (1 << 19) - 16;

const f64Scratch = new Float64Array(1);
const i32Scratch = new Int32Array(f64Scratch.buffer);
const u8Scratch = new Uint8Array(f64Scratch.buffer);

/** Throws unless `key` is a string or a number; returns it with -0 as 0 (H5). */
export function checkKey(key: unknown, target: string): Key {
  if (typeof key === 'number') return key === 0 ? 0 : key;
  if (typeof key === 'string') {
    if (key.length > MAX_KEY_LENGTH) {
      throw new ValueTypeError('$', `a key of ${key.length} characters is longer than ${MAX_KEY_LENGTH}`, target);
    }
    return key;
  }
  throw new ValueTypeError('$', `keys are strings or numbers, got ${key === null ? 'null' : typeof key}`, target);
}

/** Hash of a key (FNV-1a over UTF-16 units or the f64 bits, then a murmur finaliser). */
export function hashKey(key: Key): number {
  let h = 0x811c9dc5 | 0;
  if (typeof key === 'string') {
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  } else {
    f64Scratch[0] = Number.isNaN(key) ? Number.NaN : key; // one NaN (H5)
    h = Math.imul(h ^ i32Scratch[0]!, 0x01000193);
    h = Math.imul(h ^ i32Scratch[1]!, 0x01000193);
    h ^= 0x5bd1e995; // numbers and strings of equal units hash apart
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The key block payload of `key`. */
export function encodeKey(key: Key, hash: number): Uint8Array {
  const n = typeof key === 'number' ? 8 : key.length * 2;
  const bytes = new Uint8Array(K_DATA + n);
  const view = new DataView(bytes.buffer);
  view.setInt32(K_HASH, hash, true);
  if (typeof key === 'number') {
    view.setInt32(K_LENGTH, -1, true);
    view.setFloat64(K_DATA, key, true);
  } else {
    view.setInt32(K_LENGTH, key.length, true);
    for (let i = 0; i < key.length; i++) view.setUint16(K_DATA + 2 * i, key.charCodeAt(i), true);
  }
  return bytes;
}

export function readI32(u8: Uint8Array, at: number): number {
  return u8[at]! | (u8[at + 1]! << 8) | (u8[at + 2]! << 16) | (u8[at + 3]! << 24);
}

function readF64(u8: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) u8Scratch[i] = u8[at + i]!;
  return f64Scratch[0]!;
}

/** True if the key block payload at `at` in shared memory (8-aligned) is `key`, hash compared first: word loads, no byte assembly. */
export function keyEqualsShared(mem: Memory, at: number, key: Key, hash: number): boolean {
  const i32 = mem.i32;
  if (i32[(at + K_HASH) >> 2] !== hash) return false;
  const length = i32[(at + K_LENGTH) >> 2]!;
  if (typeof key === 'number') {
    if (length !== -1) return false;
    const stored = mem.f64[(at + K_DATA) >> 3]!;
    return stored === key || (Number.isNaN(stored) && Number.isNaN(key));
  }
  if (length !== key.length) return false;
  const u16 = mem.u16;
  for (let i = 0, p = (at + K_DATA) >> 1; i < length; i++, p++) if (u16[p] !== key.charCodeAt(i)) return false;
  return true;
}

/** The key stored in the payload at `u8[at...]`. */
export function decodeKey(u8: Uint8Array, at: number): Key {
  const length = readI32(u8, at + K_LENGTH);
  if (length === -1) return readF64(u8, at + K_DATA);
  let s = '';
  for (let i = 0, p = at + K_DATA; i < length; i++, p += 2) s += String.fromCharCode(u8[p]! | (u8[p + 1]! << 8));
  return s;
}

/** Key order of entries() and snapshot(): numbers ascending (NaN last), then strings by UTF-16 units. */
export function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number') {
    if (typeof b !== 'number') return -1;
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return a - b;
  }
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
