/**
 * A heap's initial state, taken right after the workload's setup, and put back between
 * runs so that one heap (and the workers attached to it) serves a whole fuzz. Only the
 * public @ame/stm API is used:
 *
 * - capture: `heap.snapshot()`, plus each name's kind, found by opening it as a tarray,
 *   then a tcounter, then a tvar (opening with the wrong kind throws ObjectKindError).
 * - restore: one transaction that writes back what differs: tarray elements with set(i),
 *   tvar values with set(v), tcounters with add(initial - current), tmap keys with
 *   delete/set, tset elements with delete/add, a tqueue by shifting everything and pushing
 *   the initial elements again (only if it differs).
 * - verify: a snapshot after the restore must equal the captured one, with the same names.
 *   It does not when a run created a named object (creation cannot be undone), when a
 *   kind cannot be restored through this API, or when a counter's add does not land
 *   exactly on the initial value (floating point): restore() then returns false and the
 *   caller takes a fresh heap.
 */
import {
  type Heap,
  type SnapshotValue,
  type TArray,
  type TCounter,
  type TMap,
  type TQueue,
  type TSet,
  type TVar,
  type Value,
  valuesEqual,
} from '@ame/stm';
import type { Snapshot } from './workload.js';

/** One named object of the initial state, with the handle that writes it back. */
type Part =
  | { readonly kind: 'tarray'; readonly name: string; readonly handle: TArray; readonly value: readonly number[] }
  | { readonly kind: 'tcounter'; readonly name: string; readonly handle: TCounter; readonly value: number }
  | { readonly kind: 'tvar'; readonly name: string; readonly handle: TVar<Value>; readonly value: Value }
  | { readonly kind: 'tmap'; readonly name: string; readonly handle: TMap; readonly value: ReadonlyMap<string | number, Value> }
  | { readonly kind: 'tset'; readonly name: string; readonly handle: TSet; readonly value: readonly (string | number)[] }
  | { readonly kind: 'tqueue'; readonly name: string; readonly handle: TQueue; readonly value: readonly Value[] };

/** A heap's state as captured by captureImage(), restorable on that heap. */
export interface HeapImage {
  /** The captured snapshot. */
  readonly snapshot: Snapshot;
  /** The named objects, in snapshot order. */
  readonly parts: readonly Part[];
}

/**
 * Captures `heap`'s current state (call it right after setup). Returns undefined if some
 * object is of a kind restore() cannot write back (the caller then uses fresh heaps).
 */
export function captureImage(heap: Heap): HeapImage | undefined {
  const snapshot = heap.snapshot() as Snapshot;
  const parts: Part[] = [];
  for (const name of Object.keys(snapshot)) {
    const value = snapshot[name] as SnapshotValue;
    const part = openPart(heap, name, value);
    if (!part) return undefined;
    parts.push(part);
  }
  return { snapshot, parts };
}

/** Puts `image` back on its heap; false if the heap could not be made equal to it. */
export function restoreImage(heap: Heap, image: HeapImage): boolean {
  heap.atomically(() => {
    for (const part of image.parts) {
      if (part.kind === 'tarray') {
        const { handle, value } = part;
        for (let i = 0; i < value.length; i++) {
          const initial = value[i]!;
          if (!Object.is(handle.get(i), initial)) handle.set(i, initial);
        }
      } else if (part.kind === 'tcounter') {
        const current = part.handle.get();
        if (current !== part.value) part.handle.add(part.value - current);
      } else if (part.kind === 'tmap') {
        const { handle, value } = part;
        for (const [key] of handle.entries()) if (!value.has(key)) handle.delete(key);
        for (const [key, initial] of value)
          if (!valuesEqual(handle.get(key), initial) || !handle.has(key)) handle.set(key, initial);
      } else if (part.kind === 'tset') {
        const { handle, value } = part;
        const initial = new Set(value);
        for (const element of handle.values()) if (!initial.has(element)) handle.delete(element);
        for (const element of value) handle.add(element);
      } else if (part.kind === 'tqueue') {
        const { handle, value } = part;
        if (!valuesEqual(handle.toArray(), value as Value)) {
          while (handle.shift() !== undefined);
          for (const element of value) handle.push(element);
        }
      } else if (!valuesEqual(part.handle.get(), part.value)) {
        part.handle.set(part.value);
      }
    }
  });
  return sameSnapshot(heap.snapshot() as Snapshot, image.snapshot);
}

function openPart(heap: Heap, name: string, value: SnapshotValue): Part | undefined {
  const tarray = tryOpen(() => heap.tarray(name));
  if (tarray) return { kind: 'tarray', name, handle: tarray, value: value as number[] };
  const counter = tryOpen(() => heap.tcounter(name));
  if (counter) return { kind: 'tcounter', name, handle: counter, value: value as number };
  const tvar = tryOpen(() => heap.tvar<Value>(name));
  if (tvar) return { kind: 'tvar', name, handle: tvar as TVar<Value>, value: value as Value };
  // Collections are opened by name only when the snapshot's shape says which one it is
  // (opening a missing name would create it).
  if (value instanceof Map) {
    const map = tryOpen(() => heap.tmap(name));
    if (map) return { kind: 'tmap', name, handle: map, value };
  }
  if (Array.isArray(value)) {
    const queue = tryOpen(() => heap.tqueue(name));
    if (queue) return { kind: 'tqueue', name, handle: queue, value };
    const set = tryOpen(() => heap.tset(name));
    if (set) return { kind: 'tset', name, handle: set, value: value as (string | number)[] };
  }
  return undefined; // a kind this module does not know
}

/** The handle, or undefined if `name` is another kind of object (recognised by code). */
function tryOpen<H>(open: () => H): H | undefined {
  try {
    return open();
  } catch (error) {
    if ((error as { code?: string }).code === 'OBJECT_KIND_MISMATCH') return undefined;
    throw error;
  }
}

function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !valuesEqual(a[key] as Value, b[key] as Value)) return false;
  }
  return true;
}
