/**
 * TQueue: a FIFO queue over a ring of cells. Layout: layout.ts, "TQueue".
 *
 * Invariants:
 *  Q1. HEAD <= TAIL <= HEAD + capacity. Elements HEAD .. TAIL-1 sit in ring cells
 *      (index mod capacity), each holding a value block; every other ring cell is empty
 *      (REF 0). So the ring cell of HEAD is empty exactly when the queue is empty.
 *  Q2. push reads TAIL and the ring cell TAIL lands on, and writes both; shift reads HEAD
 *      and HEAD's ring cell, and writes both. They share a cell only when HEAD == TAIL
 *      (empty: the shift must see the push) or the ring is full (the push grows it): a push
 *      and a shift on a non-empty, non-full queue never conflict. Two shifts conflict on
 *      HEAD, so one element is shifted by exactly one committed transaction; two pushes
 *      conflict on TAIL, so elements are in commit order.
 *  Q3. Growth (a push finding the ring full) reads HEAD and every element, copies them into
 *      a new ring with plain stores (private, B4; each keeps its version and writer),
 *      re-applies its own pending element writes, drops its writes to the old ring and
 *      writes RING (W_OWN). The old ring is freed with its contents when RING's old version
 *      is reclaimed (cell-block.ts B2).
 */
import { decodeValue, encodeValue, type Value } from './codec.js';
import { BlockHandle } from './internal/block-handle.js';
import { allocCellBlock, freeValue } from './internal/cell-block.js';
import type { Core } from './internal/core.js';
import {
  C_REF,
  CB_CAPACITY,
  CB_CELLS,
  CB_OWNER,
  CELL_BYTES,
  classFor,
  MIN_BLOCK,
  Q_HEAD,
  Q_RING,
  Q_TAIL,
} from './internal/layout.js';

/** Elements of a new queue's ring. */
const INITIAL_ELEMENTS = 16;

/** Allocates a ring for at least `elements` elements (private until published, B4). */
export function allocRing(core: Core, elements: number, owner: number): number {
  const cap = Math.floor(((MIN_BLOCK << classFor(CB_CELLS + elements * CELL_BYTES)) - CB_CELLS) / CELL_BYTES);
  return allocCellBlock(core.mem, core.alloc, cap, cap, owner);
}

/** A new queue's first ring (creation). */
export function initialRing(core: Core, owner: number): number {
  return allocRing(core, INITIAL_ELEMENTS, owner);
}

/**
 * A transactional FIFO queue of `Value`s.
 *
 * Use it to hand work or messages between tasks: producers `push`, consumers `shift`.
 * Elements come out in the order their pushes committed; each is shifted by exactly one
 * committed transaction. A push and a shift on a non-empty queue do not conflict (head and
 * tail are separate cells); two pushes, or two shifts, do.
 *
 * @example
 * const jobs = heap.tqueue<{ id: number }>('jobs');
 * heap.atomically(() => jobs.push({ id: 1 }));
 * const job = heap.atomically(() => jobs.shift()); // { id: 1 }, or undefined when empty
 */
export class TQueue<T extends Value = Value> extends BlockHandle {
  private readonly headCell: number;
  private readonly tailCell: number;

  /** @internal */
  constructor(
    core: Core,
    /** The name the queue was created under. */
    readonly name: string,
    root: number,
  ) {
    super(core, root + Q_RING);
    this.headCell = root + Q_HEAD;
    this.tailCell = root + Q_TAIL;
  }

  /** Appends `value` at the back (inside a transaction). A bad value throws; nothing is written. */
  push(value: T): void {
    const tx = this.core.requireTx(`${this.name}.push`);
    const bytes = encodeValue(value, this.name);
    this.loadBlock();
    const tail = this.num(this.tailCell);
    let cell = this.slot(tail);
    this.view(cell);
    if (this.vBytes !== null || this.vRef !== 0) {
      this.grow(tail); // Q1: full
      cell = this.slot(tail);
    }
    tx.writeBlob(cell, bytes); // Q2
    tx.writeNum(this.tailCell, tail + 1);
  }

  /** Removes and returns the front element, or undefined when the queue is empty. */
  shift(): T | undefined {
    const tx = this.core.requireTx(`${this.name}.shift`);
    this.loadBlock();
    const head = this.num(this.headCell);
    const cell = this.slot(head);
    const value = this.element(cell);
    if (value === NONE) return undefined; // Q1: empty
    tx.writeNum(cell, 0); // Q2: the ring cell is empty again; its block is freed with the old version
    tx.writeNum(this.headCell, head + 1);
    return value as T;
  }

  /** The front element without removing it, or undefined when empty. */
  peek(): T | undefined {
    if (!this.core.tx.active) return this.core.outside(() => this.peek());
    this.loadBlock();
    const value = this.element(this.slot(this.num(this.headCell)));
    return value === NONE ? undefined : (value as T);
  }

  /** Number of elements (reads head and tail: conflicts with concurrent pushes and shifts). */
  get size(): number {
    if (!this.core.tx.active) return this.core.outside(() => this.size);
    this.loadBlock();
    return this.num(this.tailCell) - this.num(this.headCell);
  }

  /** Every element, front first, as one consistent copy. */
  toArray(): T[] {
    if (!this.core.tx.active) return this.core.outside(() => this.toArray());
    this.loadBlock();
    const out: T[] = [];
    const tail = this.num(this.tailCell);
    for (let i = this.num(this.headCell); i < tail; i++) out.push(this.element(this.slot(i)) as T);
    return out;
  }

  private slot(index: number): number {
    return this.block + CB_CELLS + (index % this.cap) * CELL_BYTES;
  }

  /** A number cell (HEAD, TAIL) as this transaction sees it. */
  private num(cell: number): number {
    this.view(cell, true, false);
    return this.vNum;
  }

  /** The element in ring cell `cell`, or NONE if it is empty. */
  private element(cell: number): Value | typeof NONE {
    this.view(cell);
    if (this.vBytes !== null) return decodeValue(this.vBytes);
    if (this.vRef === 0) return NONE;
    return decodeValue(this.core.tx.blockBytes(this.vRef));
  }

  /** Q3: replaces the full ring by one twice as large. */
  private grow(tail: number): void {
    const core = this.core;
    const mem = core.mem;
    const tx = core.tx;
    const writes = tx.writes;
    const head = this.num(this.headCell);
    const old = this.block;
    const oldEnd = this.slot(this.cap - 1) + CELL_BYTES;
    const block = allocRing(core, 2 * this.cap, mem.i32[(old + CB_OWNER) >> 2]!);
    const cap = mem.i32[(block + CB_CAPACITY) >> 2]!;
    const pending: [number, Uint8Array][] = [];
    try {
      for (let i = head; i < tail; i++) {
        const from = this.slot(i);
        const to = block + CB_CELLS + (i % cap) * CELL_BYTES;
        this.view(from);
        if (this.vBytes !== null) {
          pending.push([to, this.vBytes]);
          continue;
        }
        mem.i32[(to + C_REF) >> 2] = core.alloc.storeValue(tx.blockBytes(this.vRef));
        this.copyMeta(to, from);
      }
    } catch (error) {
      freeValue(mem, core.alloc, block); // B2: never published
      throw error;
    }
    for (let e = writes.count - 1; e >= 0; e--) {
      const cell = writes.cells[e]!;
      if (cell >= old && cell < oldEnd) writes.remove(e);
    }
    for (const [to, bytes] of pending) tx.writeBlob(to, bytes);
    tx.writeOwned(this.rootCell, block); // Q3; frees the old ring if it was this transaction's own
    this.block = block;
    this.cap = cap;
    this.own = true;
  }
}

const NONE = Symbol('none');
