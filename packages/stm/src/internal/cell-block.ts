/**
 * Cell blocks: blocks of cells owned by one cell's value (a TMap's table, a TQueue's ring),
 * and the one way every value block is freed (freeValue), which frees a cell block's
 * contents with it. Layout: layout.ts, "Cell block".
 *
 * Invariants:
 *  B1. A cell block is reachable from exactly one place at a time: the write set entry
 *      (W_OWN) of the transaction that allocated it, then, once that commit published it,
 *      the root cell version whose REF it is. Nothing else holds its address across a
 *      commit (handles re-read the root cell in every transaction).
 *  B2. So it is freed exactly once: with the write set if the transaction does not commit
 *      (Transaction.abort, commit.ts freeUnpublished), or with the version record that
 *      holds it when reclamation frees that record (reclaim.ts T6: no snapshot can read the
 *      old root version, so none can reach the block or anything in it), or when a commit
 *      that keeps no old versions overwrites the root cell (commit.ts T8: no snapshot can
 *      read the old value; direct mode: no other reader exists).
 *  B3. Every value a cell of the block holds (REF) and every version record of its chain is
 *      owned by the block alone: blocks are never shared between cells (growth copies them).
 *      Freeing the block frees them; nobody else does once the block is unreachable.
 *  B4. Cells of a block that is not yet published are written with plain stores by its
 *      allocating thread only; the W_OWN commit's unlock publishes them (commit.ts T5).
 */
import {
  B_CLASS,
  C_CHAIN,
  C_REF,
  CB_CAPACITY,
  CB_CELLS,
  CB_COUNT,
  CB_OWNER,
  CELL_BYTES,
  CELLS_FLAG,
  classFor,
  R_NEXT,
  R_REF,
  VERSION_CLASS,
} from './layout.js';
import type { Allocator, Memory } from './memory.js';

/**
 * Allocates a zeroed cell block of `count` cells (every cell unlocked, version 0, value 0)
 * for `capacity` slots of the object whose first root cell is `owner`. May throw
 * HeapFullError (nothing allocated then).
 */
export function allocCellBlock(mem: Memory, alloc: Allocator, count: number, capacity: number, owner: number): number {
  const bytes = CB_CELLS + count * CELL_BYTES;
  const cls = classFor(bytes);
  const block = alloc.alloc(cls);
  mem.ensure(block + bytes);
  // Blocks come from free lists: zero every word, header included (B4: still private).
  mem.i32.fill(0, block >> 2, (block + bytes) >> 2);
  const i32 = mem.i32;
  i32[(block + B_CLASS) >> 2] = cls | CELLS_FLAG;
  i32[(block + CB_COUNT) >> 2] = count;
  i32[(block + CB_CAPACITY) >> 2] = capacity;
  i32[(block + CB_OWNER) >> 2] = owner;
  return block;
}

/** True if the block at `ptr` is a cell block. */
export function isCellBlock(mem: Memory, ptr: number): boolean {
  mem.ensure(ptr + 8);
  return (mem.i32[(ptr + B_CLASS) >> 2]! & CELLS_FLAG) !== 0;
}

/**
 * Frees value block `ptr` (B2); for a cell block, first every value and version record its
 * cells hold (B3). Returns the number of version records freed.
 */
export function freeValue(mem: Memory, alloc: Allocator, ptr: number): number {
  let freed = 0;
  if (isCellBlock(mem, ptr)) {
    const count = mem.i32[(ptr + CB_COUNT) >> 2]!;
    mem.ensure(ptr + CB_CELLS + count * CELL_BYTES);
    for (let k = 0; k < count; k++) {
      const cell = ptr + CB_CELLS + k * CELL_BYTES;
      const ref = mem.i32[(cell + C_REF) >> 2]!;
      if (ref !== 0) freed += freeValue(mem, alloc, ref);
      freed += freeRecords(mem, alloc, mem.i32[(cell + C_CHAIN) >> 2]!);
    }
  }
  alloc.freeBlock(ptr);
  return freed;
}

/** Frees the version records from `record` on (already unreachable) and their values. */
export function freeRecords(mem: Memory, alloc: Allocator, record: number): number {
  let freed = 0;
  for (let dead = record; dead !== 0; ) {
    mem.ensure(dead + 32);
    const next = mem.i32[(dead + R_NEXT) >> 2]!;
    const ref = mem.i32[(dead + R_REF) >> 2]!;
    if (ref !== 0) freed += freeValue(mem, alloc, ref);
    alloc.free(dead, VERSION_CLASS);
    freed++;
    dead = next;
  }
  return freed;
}
