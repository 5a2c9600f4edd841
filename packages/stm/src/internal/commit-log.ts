/**
 * A slot's commit log: how far this thread's commit in progress got, in shared memory, so
 * that recovery.ts can finish or undo it if the thread dies (commit.ts, C1-C4).
 *
 * Written only by the slot's owner with plain stores; read by another thread only after
 * the owner's thread has exited. Costs a few plain stores per written cell.
 */
import { HeapFullError } from '../errors.js';
import type { Allocator, Memory } from './memory.js';
import {
  classFor,
  L_COUNT,
  L_OLD_IN_LOG,
  L_ENTRIES,
  L_TAG,
  L_VERSION,
  LE_CELL,
  LE_CHAIN,
  LE_NUM,
  LE_RECORD,
  LE_REF,
  LE_SEQ,
  LE_VERSION,
  LE_WRITER,
  LOG_ENTRY_BYTES,
  S_COMMIT_LOG,
  S_COMMIT_STATE,
  S_LAST_TAG,
  S_LAST_VERSION,
  slotOffset,
} from './layout.js';

/** COMMIT_STATE values (commit.ts C1-C4). */
export const COMMIT_IDLE = 0;
export const COMMIT_LOCKING = 1;
export const COMMIT_PUBLISHING = 2;
export const COMMIT_UNLOCKING = 3;

/** Entries of the block a log gets when its thread attaches. */
const FIRST_ENTRIES = 64;

export class CommitLog {
  /** Byte offset of the log block, 0 while none (a heap too full for it at attach). */
  private block = 0;
  private capacity = 0;
  /** i32 index of the first entry. */
  private base = 0;
  private readonly stateIndex: number;
  private readonly logIndex: number;
  private readonly lastVersionIndex: number;

  constructor(
    private readonly mem: Memory,
    private readonly alloc: Allocator,
    slot: number,
  ) {
    this.stateIndex = slotOffset(slot, S_COMMIT_STATE) >> 2;
    this.logIndex = slotOffset(slot, S_COMMIT_LOG) >> 2;
    this.lastVersionIndex = slotOffset(slot, S_LAST_VERSION) >> 3;
    // The first block now, when the thread attaches, not at its first commit: a commit path
    // V8 had optimised on another heap (a worker's warm-up) took the growth branch below at
    // the first commit on each new heap, with no type feedback for it, and deoptimised in the
    // user's first batch. A heap too full for it leaves the growth to the first commit.
    try {
      this.reserve(FIRST_ENTRIES);
    } catch (error) {
      if (!(error instanceof HeapFullError)) throw error;
    }
  }

  /** Makes room for `n` entries (step a: may throw HeapFullError, nothing locked yet). */
  reserve(n: number): void {
    if (n <= this.capacity) return;
    const capacity = Math.max(FIRST_ENTRIES, n, this.capacity * 2);
    const bytes = L_ENTRIES + capacity * LOG_ENTRY_BYTES;
    const cls = classFor(bytes);
    const block = this.alloc.alloc(cls);
    const mem = this.mem;
    mem.ensure(block + bytes);
    mem.i32[block >> 2] = cls;
    const old = this.block;
    mem.i32[this.logIndex] = block; // state is IDLE: recovery reads nothing from it yet
    this.block = block;
    this.base = (block + L_ENTRIES) >> 2;
    this.capacity = capacity;
    if (old !== 0) this.alloc.freeBlock(old);
  }

  /** Gives the log block back (detach: no commit in progress). */
  release(): void {
    if (this.block === 0) return;
    this.mem.i32[this.logIndex] = 0;
    this.alloc.freeBlock(this.block);
    this.block = this.capacity = this.base = 0;
  }

  /** Step b: the cells in lock order and the tag, then state LOCKING. */
  begin(cells: Int32Array, order: Int32Array, n: number, tag: number): void {
    const i32 = this.mem.i32;
    const head = this.block >> 2;
    i32[head + (L_COUNT >> 2)] = n;
    i32[head + (L_TAG >> 2)] = tag;
    for (let k = 0, at = this.base + (LE_CELL >> 2); k < n; k++, at += LOG_ENTRY_BYTES >> 2) i32[at] = cells[order[k]!]!;
    i32[this.stateIndex] = COMMIT_LOCKING;
  }

  /** Step d: the commit's version, as soon as it is taken (C4 reports it). */
  setVersion(wv: number): void {
    this.mem.f64[(this.block + L_VERSION) >> 3] = wv;
  }

  /** Step c: the sequence lock `k` (in lock order) held before this commit took it. */
  setSeq(k: number, seq: number): void {
    this.mem.i32[this.base + k * (LOG_ENTRY_BYTES >> 2) + (LE_SEQ >> 2)] = seq;
  }

  /** Step f, old values kept as versions: entry `k`'s version record (complete) and the cell's old writer. */
  setRecord(k: number, record: number, writer: number): void {
    const at = this.base + k * (LOG_ENTRY_BYTES >> 2);
    const i32 = this.mem.i32;
    i32[at + (LE_RECORD >> 2)] = record;
    i32[at + (LE_WRITER >> 2)] = writer;
  }

  /** Step f: where the old values are, 1 in the log (setOld), 0 in version records (setRecord). Read by C3. */
  setOldInLog(inLog: boolean): void {
    this.mem.i32[(this.block + L_OLD_IN_LOG) >> 2] = inLog ? 1 : 0;
  }

  /** Step f, old values not kept as versions (commit.ts T8): entry `k`'s old value. */
  setOld(k: number, writer: number, ref: number, chain: number, version: number, num: number): void {
    const at = this.base + k * (LOG_ENTRY_BYTES >> 2);
    const i32 = this.mem.i32;
    i32[at + (LE_WRITER >> 2)] = writer;
    i32[at + (LE_REF >> 2)] = ref;
    i32[at + (LE_CHAIN >> 2)] = chain;
    const f64 = this.mem.f64;
    f64[(at >> 1) + (LE_VERSION >> 3)] = version;
    f64[(at >> 1) + (LE_NUM >> 3)] = num;
  }

  oldRef(k: number): number {
    return this.mem.i32[this.base + k * (LOG_ENTRY_BYTES >> 2) + (LE_REF >> 2)]!;
  }

  oldChain(k: number): number {
    return this.mem.i32[this.base + k * (LOG_ENTRY_BYTES >> 2) + (LE_CHAIN >> 2)]!;
  }

  setState(state: number): void {
    this.mem.i32[this.stateIndex] = state;
  }

  /** Step i: the commit is complete; remember it as this slot's last (tag, wv), then IDLE. */
  done(tag: number, wv: number): void {
    const i32 = this.mem.i32;
    i32[this.stateIndex + ((S_LAST_TAG - S_COMMIT_STATE) >> 2)] = tag;
    this.mem.f64[this.lastVersionIndex] = wv;
    i32[this.stateIndex] = COMMIT_IDLE;
  }
}
