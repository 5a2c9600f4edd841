/**
 * The directory of named objects: a linked list of immutable entries in shared memory.
 *
 * Invariants:
 *  D1. Entries are written completely, then published by the Atomics.store of DIR_HEAD;
 *      readers start from Atomics.load(DIR_HEAD), so they see whole entries only.
 *  D2. Entries are only added, under DIR_LOCK (owner slot + 1 while held, for recovery),
 *      and never removed or changed: a name, once created, keeps its kind and cells.
 *  D3. Creation searches again under the lock, so two threads creating one name get one
 *      object.
 */
import { Backoff } from './backoff.js';
import { CELL_BYTES, D_BASE, D_ELEM, D_KIND, D_LENGTH, D_NAME, D_NAME_LEN, D_NEXT, H_DIR_HEAD, H_DIR_LOCK } from './layout.js';
import type { Memory } from './memory.js';

export interface Entry {
  readonly ptr: number;
  readonly name: string;
  readonly kind: number;
  readonly base: number;
  readonly length: number;
  readonly elem: number;
}

const backoff = new Backoff();

/** Reads the entry at `ptr`. */
export function readEntry(mem: Memory, ptr: number): Entry {
  mem.ensure(ptr + D_NAME);
  const i32 = mem.i32;
  const nameLen = i32[(ptr + D_NAME_LEN) >> 2]!;
  mem.ensure(ptr + D_NAME + nameLen * 2);
  let name = '';
  for (let k = 0; k < nameLen; k++) name += String.fromCharCode(mem.u16[((ptr + D_NAME) >> 1) + k]!);
  return {
    ptr,
    name,
    kind: i32[(ptr + D_KIND) >> 2]!,
    base: i32[(ptr + D_BASE) >> 2]!,
    length: i32[(ptr + D_LENGTH) >> 2]!,
    elem: i32[(ptr + D_ELEM) >> 2]!,
  };
}

/** Every entry, oldest first. */
export function listEntries(mem: Memory): Entry[] {
  const out: Entry[] = [];
  for (let p = Atomics.load(mem.i32, H_DIR_HEAD >> 2); p !== 0; p = mem.i32[(p + D_NEXT) >> 2]!) {
    out.push(readEntry(mem, p)); // D1: reachable entries are complete
  }
  return out.reverse();
}

/** The entry named `name`, or undefined. */
export function findEntry(mem: Memory, name: string): Entry | undefined {
  for (let p = Atomics.load(mem.i32, H_DIR_HEAD >> 2); p !== 0; p = mem.i32[(p + D_NEXT) >> 2]!) {
    mem.ensure(p + D_NAME);
    if (mem.i32[(p + D_NAME_LEN) >> 2] !== name.length) continue;
    const entry = readEntry(mem, p);
    if (entry.name === name) return entry;
  }
  return undefined;
}

/**
 * Finds `name`, or creates it with `length` zeroed cells of `kind` and lets `init` fill
 * them before publishing (D1, D3). `slot` is the caller's owner id for DIR_LOCK.
 */
export function findOrCreate(
  mem: Memory,
  slot: number,
  name: string,
  kind: number,
  length: number,
  elem: number,
  init: (base: number) => void,
): Entry {
  const existing = findEntry(mem, name);
  if (existing) return existing;
  for (let spins = 0; Atomics.compareExchange(mem.i32, H_DIR_LOCK >> 2, 0, slot + 1) !== 0; spins++) {
    backoff.spin(spins); // D2: one creator at a time
  }
  try {
    const raced = findEntry(mem, name); // D3
    if (raced) return raced;
    // Fresh bump memory is zero: every cell starts unlocked, version 0, value 0.
    const base = length > 0 ? mem.bump(length * CELL_BYTES, CELL_BYTES) : 0;
    if (length > 0) init(base);
    const ptr = mem.bump(D_NAME + name.length * 2, 8);
    const i32 = mem.i32;
    i32[(ptr + D_NEXT) >> 2] = Atomics.load(i32, H_DIR_HEAD >> 2);
    i32[(ptr + D_KIND) >> 2] = kind;
    i32[(ptr + D_BASE) >> 2] = base;
    i32[(ptr + D_LENGTH) >> 2] = length;
    i32[(ptr + D_ELEM) >> 2] = elem;
    i32[(ptr + D_NAME_LEN) >> 2] = name.length;
    for (let k = 0; k < name.length; k++) mem.u16[((ptr + D_NAME) >> 1) + k] = name.charCodeAt(k);
    Atomics.store(mem.i32, H_DIR_HEAD >> 2, ptr); // D1: publish the whole entry
    return readEntry(mem, ptr);
  } finally {
    Atomics.store(mem.i32, H_DIR_LOCK >> 2, 0);
  }
}
