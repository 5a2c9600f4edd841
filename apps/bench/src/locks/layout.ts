/**
 * Shared-memory layout of the lock-based executor: one SharedArrayBuffer per variant.
 *
 * | region   | type         | words                  | meaning                                   | written by                         |
 * | -------- | ------------ | ---------------------- | ----------------------------------------- | ---------------------------------- |
 * | control  | Int32Array   | CONTROL_WORDS          | NEXT: next op to claim (Atomics.add)      | workers (Atomics.add), main resets |
 * |          |              |                        | COUNT: ops in this run                    | main, before posting 'run'         |
 * |          |              |                        | WAITS: times a thread slept on a lock     | workers (Atomics.add)              |
 * | data     | Float64Array | sum of object lengths  | the state, object after object (a map: a  | workers, holding the element lock  |
 * |          |              |                        | slot per possible key, NaN when absent;   |                                    |
 * |          |              |                        | a queue: QUEUE_HEAD, QUEUE_TAIL, then its |                                    |
 * |          |              |                        | items; the queue's first lock guards all) |                                    |
 * | locks    | Int32Array   | one per data element   | 0 free, 1 held, 2 held with sleepers      | workers (CAS / exchange)           |
 * | ops      | Float64Array | capacity * OP_WIDTH    | [op code, a, b, c, d] per task            | main, before posting 'run'         |
 * | results  | Float64Array | capacity               | each op's result (NaN for null)           | the worker that ran the op         |
 *
 * Plain reads and writes of `data`, `ops` and `results` are ordered by the Atomics
 * operations around them (lock/unlock, the claim, and the 'run'/'done' messages).
 */
import type { OpName, StateObject } from '../workloads/types.js';

export const NEXT = 0;
export const COUNT = 1;
export const WAITS = 2;
export const CONTROL_WORDS = 16;
export const OP_WIDTH = 5;

/** Op codes in the ops region. */
export const OP_CODES: readonly OpName[] = [
  'transfer',
  'compute',
  'hotRmw',
  'hotAdd',
  'scan',
  'spread',
  'noop',
  'accumulate',
  'mapMix',
  'wordCount',
  'produce',
  'consume',
];

/** The value of an absent map key in the data region. */
export const ABSENT = Number.NaN;

/** A queue's words in the data region, from its offset: the next item to shift, the next free slot, then the items. */
export const QUEUE_HEAD = 0;
export const QUEUE_TAIL = 1;
export const QUEUE_ITEMS = 2;

/** Elements `o` takes in the data and locks regions (a queue: its head and tail words too). */
export function slotsOf(o: StateObject): number {
  return o.kind === 'queue' ? QUEUE_ITEMS + o.length : o.length;
}

/** Where each object's data and locks start (in elements of their region). */
export interface Layout {
  readonly objects: readonly { readonly name: string; readonly offset: number; readonly length: number }[];
  readonly elements: number;
  readonly capacity: number;
  readonly bytes: number;
  /** Byte offsets of the regions. */
  readonly data: number;
  readonly locks: number;
  readonly ops: number;
  readonly results: number;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The layout for `state` and up to `capacity` ops. */
export function layoutFor(state: readonly StateObject[], capacity: number): Layout {
  let elements = 0;
  const objects = state.map((o) => {
    const entry = { name: o.name, offset: elements, length: slotsOf(o) };
    elements += entry.length;
    return entry;
  });
  const data = CONTROL_WORDS * 4;
  const locks = data + elements * 8;
  const ops = align8(locks + elements * 4);
  const results = ops + capacity * OP_WIDTH * 8;
  return { objects, elements, capacity, data, locks, ops, results, bytes: results + capacity * 8 };
}

/** Typed views of a buffer laid out by `layout`. */
export interface Views {
  readonly control: Int32Array;
  readonly data: Float64Array;
  readonly locks: Int32Array;
  readonly ops: Float64Array;
  readonly results: Float64Array;
}

export function viewsOf(buffer: SharedArrayBuffer, layout: Layout): Views {
  return {
    control: new Int32Array(buffer, 0, CONTROL_WORDS),
    data: new Float64Array(buffer, layout.data, layout.elements),
    locks: new Int32Array(buffer, layout.locks, layout.elements),
    ops: new Float64Array(buffer, layout.ops, layout.capacity * OP_WIDTH),
    results: new Float64Array(buffer, layout.results, layout.capacity),
  };
}
