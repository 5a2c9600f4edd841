/**
 * What a TMap's hash table and a TQueue share: the cell block their root cell holds, as the
 * current transaction sees it, and reads of cells as the transaction sees them. See
 * cell-block.ts for the ownership rules (B1-B4) this relies on.
 */
import type { Core } from './core.js';
import { C_NUM, C_REF, C_VERSION, C_WRITER, CB_CAPACITY, CB_CELLS, CB_COUNT, CELL_BYTES } from './layout.js';
import { W_BLOB, W_OWN } from './write-set.js';

export class BlockHandle {
  /** The block this attempt sees, its capacity, and whether it is this transaction's own (unpublished, B4). */
  protected block = 0;
  protected cap = 0;
  protected own = false;
  /** The version of the root cell this attempt read (a new one for every table ever published); -1 for an own block. */
  protected blockVersion = -1;
  /** Registers of view(): a cell as this transaction sees it; vBytes is set for a pending blob. */
  protected vNum = 0;
  protected vRef = 0;
  protected vBytes: Uint8Array | null = null;
  /** The viewed cell's committed version; -1 for this transaction's own pending write. */
  protected vVersion = 0;

  constructor(
    protected readonly core: Core,
    /** The cell whose value (REF) is the block. */
    protected readonly rootCell: number,
  ) {}

  /** Reads the root cell: the block this transaction sees (its own, W_OWN, if it replaced it). */
  protected loadBlock(): void {
    const tx = this.core.tx;
    const writes = tx.writes;
    const e = writes.count === 0 ? -1 : writes.find(this.rootCell);
    if (e >= 0 && writes.kinds[e] === W_OWN) {
      this.block = writes.refs[e]!;
      this.own = true;
      this.blockVersion = -1;
    } else {
      tx.readCell(this.rootCell);
      this.block = tx.outRef;
      this.own = false;
      this.blockVersion = tx.outVersion;
    }
    const mem = this.core.mem;
    mem.ensure(this.block + CB_CELLS);
    this.cap = mem.i32[(this.block + CB_CAPACITY) >> 2]!;
    mem.ensure(this.block + CB_CELLS + mem.i32[(this.block + CB_COUNT) >> 2]! * CELL_BYTES);
  }

  /**
   * `cell` as this transaction sees it, into vNum/vRef/vBytes: its own write (looked up only
   * if `checkWrites`), else a read through the read set, or a plain load when the cell is in
   * this transaction's own block (`inBlock`; B4: nobody else can write it).
   */
  protected view(cell: number, checkWrites = true, inBlock = true): void {
    const tx = this.core.tx;
    const writes = tx.writes;
    this.vBytes = null;
    if (checkWrites && writes.count !== 0) {
      const e = writes.find(cell);
      if (e >= 0) {
        if (writes.kinds[e] === W_BLOB) {
          this.vBytes = writes.blobs[e]!;
          this.vRef = -1;
        } else {
          this.vNum = writes.nums[e]!;
          this.vRef = 0;
        }
        this.vVersion = -1;
        return;
      }
    }
    if (inBlock && this.own) {
      const mem = this.core.mem;
      this.vNum = mem.f64[(cell + C_NUM) >> 3]!;
      this.vRef = mem.i32[(cell + C_REF) >> 2]!;
      this.vVersion = mem.f64[(cell + C_VERSION) >> 3]!;
    } else {
      tx.readCell(cell);
      this.vNum = tx.outNum;
      this.vRef = tx.outRef;
      this.vVersion = tx.outVersion;
    }
  }

  /**
   * Gives copied cell `to` (in a new private block) the version and writer of `from` as
   * last viewed: the snapshot's version (a later commit to `from` fails this transaction's
   * validation), so histories of copied values stay exact.
   */
  protected copyMeta(to: number, from: number): void {
    const mem = this.core.mem;
    mem.f64[(to + C_VERSION) >> 3] = this.own ? mem.f64[(from + C_VERSION) >> 3]! : this.core.tx.outVersion;
    mem.i32[(to + C_WRITER) >> 2] = mem.i32[(from + C_WRITER) >> 2]!;
  }
}
