/**
 * Views over the heap's growable SharedArrayBuffer, and the allocator.
 *
 * Views are fixed-length (V8 reads fixed-length typed arrays about twice as fast as
 * length-tracking ones) and are re-created when this thread meets a pointer past `limit`
 * (`ensure`). A pointer is only ever handed to another thread after the allocation that
 * made it returned, and allocation grows the buffer first, so `ensure` always finds the
 * buffer long enough.
 *
 * Invariants:
 *  M1. BUMP only grows, by CAS, and never past MAX_BYTES; bytes below BUMP belong to
 *      exactly one of: header, slots, a permanent region (cells, directory), a block in
 *      use, or a block on one slot's free list.
 *  M2. A slot's free lists (FREE_HEADS, FREE_BYTES) are touched only by the slot's owner,
 *      with plain loads and stores: no other thread allocates from them.
 *  M3. The buffer's byteLength is >= BUMP before a CAS on BUMP returns its region.
 */
import { HeapFullError } from '../errors.js';
import {
  B_CLASS,
  B_LENGTH,
  B_PAYLOAD,
  CLASS_MASK,
  classFor,
  H_BUMP,
  H_MAX_BYTES,
  MIN_BLOCK,
  NUM_CLASSES,
  S_FREE_BYTES,
  S_FREE_HEADS,
  slotOffset,
} from './layout.js';

/** Bytes carved from BUMP at once when a free list runs dry (small classes). */
const REFILL_BYTES = 8192;
/** Growth granularity of the buffer. */
const GROW_STEP = 1 << 16;

export class Memory {
  readonly buffer: SharedArrayBuffer;
  i32: Int32Array;
  f64: Float64Array;
  u8: Uint8Array;
  u16: Uint16Array;
  big: BigInt64Array;
  /** Bytes covered by the views. */
  limit: number;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.limit = 0;
    this.i32 = this.f64 = this.u8 = this.u16 = this.big = undefined as never;
    this.refresh();
  }

  /** Re-creates the views over the buffer's current length. */
  refresh(): void {
    const len = this.buffer.byteLength;
    if (len === this.limit) return;
    this.i32 = new Int32Array(this.buffer, 0, len >> 2);
    this.f64 = new Float64Array(this.buffer, 0, len >> 3);
    this.u8 = new Uint8Array(this.buffer, 0, len);
    this.u16 = new Uint16Array(this.buffer, 0, len >> 1);
    this.big = new BigInt64Array(this.buffer, 0, len >> 3);
    this.limit = len;
  }

  /** Makes sure the views cover bytes below `end` (a pointer from another thread). */
  ensure(end: number): void {
    if (end > this.limit) this.refresh();
  }

  /** Grows the buffer to at least `end` bytes (M3). Throws HeapFullError past MAX_BYTES. */
  grow(end: number): void {
    const max = this.i32[H_MAX_BYTES >> 2]!;
    while (this.buffer.byteLength < end) {
      if (end > max) throw new HeapFullError(end - this.buffer.byteLength, max);
      const target = Math.min(max, Math.max(end, this.buffer.byteLength * 2));
      const rounded = Math.min(max, Math.ceil(target / GROW_STEP) * GROW_STEP);
      try {
        this.buffer.grow(rounded);
      } catch {
        // Another thread grew it past `rounded` first (a shared buffer cannot shrink): re-check.
      }
    }
    this.refresh();
  }

  /**
   * Carves `bytes` (a multiple of 8) of never-freed memory from BUMP, aligned to `align`.
   * For cells and directory entries: permanent objects.
   */
  bump(bytes: number, align: number): number {
    const i32 = this.i32;
    for (;;) {
      const old = Atomics.load(i32, H_BUMP >> 2);
      const start = Math.ceil(old / align) * align;
      const end = start + bytes;
      const max = i32[H_MAX_BYTES >> 2]!;
      if (end > max) throw new HeapFullError(end - old, max);
      // M3: grow before publishing the region; growth past BUMP is harmless.
      this.grow(end);
      // M1: BUMP moves forward only by this CAS.
      if (Atomics.compareExchange(this.i32, H_BUMP >> 2, old, end) === old) return start;
    }
  }
}

/**
 * One thread's allocator: size-class free lists kept in its slot (M2), refilled from BUMP.
 */
export class Allocator {
  private readonly heads: number; // i32 index of FREE_HEADS[0]
  private readonly freeBytes: number; // f64 index of FREE_BYTES

  constructor(
    private readonly mem: Memory,
    slot: number,
  ) {
    this.heads = slotOffset(slot, S_FREE_HEADS) >> 2;
    this.freeBytes = slotOffset(slot, S_FREE_BYTES) >> 3;
  }

  /** Returns a block of class `cls` (MIN_BLOCK << cls bytes). */
  alloc(cls: number): number {
    const mem = this.mem;
    let head = mem.i32[this.heads + cls]!;
    if (head === 0) head = this.refill(cls);
    mem.ensure(head + 8);
    mem.i32[this.heads + cls] = mem.i32[head >> 2]!;
    mem.f64[this.freeBytes] = mem.f64[this.freeBytes]! - (MIN_BLOCK << cls);
    return head;
  }

  /** Returns block `ptr` of class `cls` to this thread's free list. */
  free(ptr: number, cls: number): void {
    const mem = this.mem;
    mem.i32[ptr >> 2] = mem.i32[this.heads + cls]!;
    mem.i32[this.heads + cls] = ptr;
    mem.f64[this.freeBytes] = mem.f64[this.freeBytes]! + (MIN_BLOCK << cls);
  }

  /** Copies an encoded value into a fresh value block; returns its pointer. */
  storeValue(bytes: Uint8Array): number {
    const cls = classFor(B_PAYLOAD + bytes.length);
    const block = this.alloc(cls);
    const mem = this.mem;
    mem.ensure(block + B_PAYLOAD + bytes.length);
    mem.i32[(block + B_CLASS) >> 2] = cls;
    mem.i32[(block + B_LENGTH) >> 2] = bytes.length;
    mem.u8.set(bytes, block + B_PAYLOAD);
    return block;
  }

  /**
   * Frees a block, reading its class from its header. A cell block's cells are not looked
   * at: free those with cell-block.ts freeValue.
   */
  freeBlock(ptr: number): void {
    this.mem.ensure(ptr + 8);
    this.free(ptr, this.mem.i32[(ptr + B_CLASS) >> 2]! & CLASS_MASK);
  }

  private refill(cls: number): number {
    if (cls < 0 || cls >= NUM_CLASSES) throw new RangeError(`size class ${cls} out of range`);
    const size = MIN_BLOCK << cls;
    const count = Math.max(1, Math.floor(REFILL_BYTES / size));
    const start = this.mem.bump(size * count, Math.min(size, 64));
    const i32 = this.mem.i32;
    for (let k = 0; k < count; k++) {
      const p = start + k * size;
      i32[p >> 2] = k + 1 < count ? p + size : 0;
    }
    this.mem.f64[this.freeBytes] = this.mem.f64[this.freeBytes]! + size * count;
    i32[this.heads + cls] = start;
    return start;
  }
}
