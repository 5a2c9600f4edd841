/**
 * The transactional hash table behind TMap and TSet: open addressing (linear probing) over
 * cells in one cell block, every cell read and written through the transaction's read set
 * and write set, committed by the one commit protocol (commit.ts). Layout: layout.ts,
 * "TMap / TSet".
 *
 * An operation, in the transaction's snapshot:
 *   TABLE cell -> table; hash(key) -> home slot; probe KEY cells until the key or an empty
 *   KEY cell; then the key's VALUE cell. Inserting claims the empty KEY cell it stopped at.
 *
 * Invariants:
 *  H1. A slot's KEY cell goes from empty to one key, once, and never changes again in that
 *      table (delete writes the VALUE cell only, keeping the slot for the key). So the probe
 *      path of a key never changes while the table is current, and an operation on key k
 *      reads: TABLE, the KEY cells from k's home to k's slot (each written only when it was
 *      claimed) and k's VALUE cell. Two transactions on different keys conflict only if one
 *      claims an empty KEY cell on the other's probe path (an insert into "its bucket"),
 *      or on TABLE when one of them replaced the table. Hence a probe reads a KEY cell that
 *      was claimed at or before its snapshot without recording it (Transaction.readSettled):
 *      no later commit can change it, so there is nothing to validate. Empty KEY cells, and
 *      ones claimed after the snapshot, are read through the read set as any cell. And each
 *      thread remembers the slot of every key it found settled (a JS Map, per table: keyed by
 *      the version of TABLE it read, so a replaced table, even one at a reused address, is
 *      never confused with it): its threads' later snapshots are newer, the key is still
 *      there, and the lookup skips hashing and probing.
 *  H2. SIZE and USED change only by W_ADD (commutative): inserts do not conflict on them.
 *      USED is never read into a read set: it is a hint for when to grow, read as the
 *      committed value plus this transaction's own adds.
 *  H3. Growth happens inside the transaction that finds the table half full (or full): it
 *      reads every slot through the read set (so a commit to any slot meanwhile aborts it),
 *      copies the live entries into a new cell block with plain stores (the block is private,
 *      B4), each copied cell keeping the version and writer it had, re-applies its own
 *      pending writes to the new cells, drops its writes to the old table, and writes TABLE
 *      (W_OWN). Deleted keys are not copied. Every operation reads TABLE, so the growth
 *      commit conflicts with every transaction on the map that overlaps it, and with
 *      nothing else: growth is rare (each doubles the room), so this is the accepted cost.
 *  H4. The old table stays readable by every snapshot older than the growth commit; it is
 *      freed with everything its cells hold when TABLE's old version is reclaimed
 *      (cell-block.ts B2), never earlier. Copies share no block with it (B3).
 *  H5. Keys compare by SameValueZero: -0 is stored as 0; NaN equals NaN.
 *
 * Memory ordering: as transaction.ts (reads are readCell's seqlock); the private table's
 * plain stores are published by the unlock of the TABLE cell (commit.ts T5).
 */
import { decodeValue, type Value } from '../codec.js';
import { BlockHandle } from './block-handle.js';
import { allocCellBlock, freeValue } from './cell-block.js';
import type { Core } from './core.js';
import {
  ABSENT_TAG,
  B_LENGTH,
  B_PAYLOAD,
  C_NUM,
  C_REF,
  CB_CAPACITY,
  CB_CELLS,
  CELL_BYTES,
  classFor,
  K_HASH,
  M_SIZE,
  M_TABLE,
  MIN_BLOCK,
} from './layout.js';
import { W_ADD, W_NUM } from './write-set.js';
import { compareKeys, decodeKey, encodeKey, hashKey, type Key, keyEquals, keyEqualsShared, readI32 } from './keys.js';

export type { Key };

/** Bytes of a slot: KEY cell and VALUE cell. */
const SLOT_BYTES = 2 * CELL_BYTES;
/** The value block payload that marks a deleted value (layout.ts ABSENT_TAG). */
const ABSENT = new Uint8Array([ABSENT_TAG]);
/** Slots of a new map's table. */
const INITIAL_SLOTS = 15;
/** Keys a thread remembers the slot of, per map (find()). */
const MAX_REMEMBERED = 1 << 16;

/** Slot capacity of the smallest table block holding `slots` slots (and USED). */
export function capacityFor(slots: number): number {
  const bytes = MIN_BLOCK << classFor(CB_CELLS + CELL_BYTES + slots * SLOT_BYTES);
  return Math.floor((bytes - CB_CELLS - CELL_BYTES) / SLOT_BYTES);
}

/** Allocates a table with room for `slots` slots (B4: private until published). */
export function allocTable(core: Core, slots: number, owner: number): number {
  const cap = capacityFor(slots);
  return allocCellBlock(core.mem, core.alloc, 1 + 2 * cap, cap, owner);
}

/** A new map's first table (creation: plain stores before the directory entry is published). */
export function initialTable(core: Core, owner: number): number {
  return allocTable(core, INITIAL_SLOTS, owner);
}

/** One thread's access to one map's cells, inside the current transaction. */
export class HashTable extends BlockHandle {
  private readonly sizeCell: number;
  /** The transaction attempt (Transaction.serial) `table` was read in. */
  private serial = -1;
  /** The attempt in which this handle last wrote a slot cell (view() looks in the write set only then). */
  private wroteIn = -1;
  /** After find() misses: the empty slot it stopped at, -1 if the table has none. */
  private empty = -1;
  /** Slots of keys found settled in the table whose TABLE version is `slotsOf` (H1). */
  private readonly slots = new Map<Key, number>();
  private slotsOf = -1;

  constructor(
    core: Core,
    /** The map's name, for error messages. */
    readonly name: string,
    root: number,
    /** The map's first root cell, stored in each table (CB_OWNER). */
    private readonly owner: number,
  ) {
    super(core, root + M_TABLE);
    this.sizeCell = root + M_SIZE;
  }

  /** The value of `key`, or undefined (also for a deleted key). */
  get(key: Key): Value {
    const slot = this.find(key, -1);
    if (slot < 0) return undefined;
    this.see(this.valueCell(slot));
    return this.value();
  }

  /** True if `key` has a value. */
  has(key: Key): boolean {
    const slot = this.find(key, -1);
    if (slot < 0) return false;
    this.see(this.valueCell(slot));
    return !this.absent();
  }

  /**
   * Sets `key` to `value` (a number, or `bytes` encoded by the caller). Returns true if the
   * key was new.
   */
  set(key: Key, value: number, bytes: Uint8Array | null): boolean {
    const tx = this.core.tx;
    let slot = this.find(key, -1);
    let added = false;
    this.wroteIn = tx.serial;
    if (slot < 0) {
      const hash = hashKey(key);
      if (this.empty < 0 || this.shouldGrow()) {
        this.grow(1);
        slot = this.find(key, hash);
      }
      slot = this.empty;
      tx.writeBlob(this.keyCell(slot), encodeKey(key, hash)); // H1: claim the empty KEY cell
      tx.addNum(this.block + CB_CELLS, 1); // H2: USED
      added = true;
    } else {
      this.see(this.valueCell(slot));
      added = this.absent();
    }
    if (added) tx.addNum(this.sizeCell, 1); // H2
    if (bytes === null) tx.writeNum(this.valueCell(slot), value);
    else tx.writeBlob(this.valueCell(slot), bytes);
    return added;
  }

  /** Deletes `key`; true if it had a value. The slot keeps the key (H1). */
  delete(key: Key): boolean {
    const slot = this.find(key, -1);
    if (slot < 0) return false;
    const cell = this.valueCell(slot);
    this.see(cell);
    if (this.absent()) return false;
    const tx = this.core.tx;
    this.wroteIn = tx.serial;
    tx.writeBlob(cell, ABSENT);
    tx.addNum(this.sizeCell, -1); // H2
    return true;
  }

  /** Number of keys (reads SIZE: conflicts with concurrent inserts and deletes, as it must). */
  size(): number {
    return this.core.tx.readCounter(this.sizeCell);
  }

  /** Every [key, value], sorted by key (reads every slot). */
  entries(): [Key, Value][] {
    const out: [Key, Value][] = [];
    this.load();
    for (let slot = 0; slot < this.cap; slot++) {
      const key = this.keyAt(slot);
      if (key === undefined) continue;
      this.see(this.valueCell(slot));
      if (!this.absent()) out.push([key, this.value()]);
    }
    return out.sort((a, b) => compareKeys(a[0], b[0]));
  }

  private keyCell(slot: number): number {
    return slotCell(this.block, slot);
  }

  private valueCell(slot: number): number {
    return this.keyCell(slot) + CELL_BYTES;
  }

  /** Reads TABLE once per attempt: TABLE changes within an attempt only by this handle's own grow(). */
  private load(): void {
    const tx = this.core.tx;
    if (this.serial === tx.serial) return;
    this.serial = tx.serial;
    this.loadBlock();
  }

  /** A slot cell as this transaction sees it (H1); the write set only if this handle wrote in this attempt. */
  private see(cell: number): void {
    this.view(cell, this.wroteIn === this.core.tx.serial);
  }

  /** True if the viewed VALUE cell marks a deleted key. */
  private absent(): boolean {
    if (this.vBytes !== null) return this.vBytes[0] === ABSENT_TAG;
    if (this.vRef === 0) return false;
    const mem = this.core.mem;
    mem.ensure(this.vRef + B_PAYLOAD + 1); // a block another thread allocated past this thread's views
    return mem.u8[this.vRef + B_PAYLOAD] === ABSENT_TAG;
  }

  /** The viewed VALUE cell's value (not absent), copied out. */
  private value(): Value {
    if (this.vBytes !== null) return this.vBytes[0] === ABSENT_TAG ? undefined : decodeValue(this.vBytes);
    if (this.vRef === 0) return this.vNum;
    const bytes = this.core.tx.blockBytes(this.vRef);
    return bytes[0] === ABSENT_TAG ? undefined : decodeValue(bytes);
  }

  /**
   * Byte offset of the viewed key block's payload, with the views made to cover it (another
   * thread may have allocated it past them). No allocation: the probe loop's hot path.
   */
  private keyPayload(): number {
    const mem = this.core.mem;
    const ref = this.vRef;
    mem.ensure(ref + B_PAYLOAD);
    mem.ensure(ref + B_PAYLOAD + mem.i32[(ref + B_LENGTH) >> 2]!);
    return ref + B_PAYLOAD;
  }

  /** The key in `slot` (viewed), or undefined if the slot is empty. */
  private keyAt(slot: number): Key | undefined {
    this.see(this.keyCell(slot));
    if (this.vBytes !== null) return decodeKey(this.vBytes, 0);
    if (this.vRef === 0) return undefined;
    return decodeKey(this.core.mem.u8, this.keyPayload());
  }

  /**
   * Loads the table and probes for `key` (H1): its slot, or -1 with `empty` set to the empty
   * slot the probe stopped at (-1 if every slot holds another key).
   */
  private find(key: Key, knownHash: number): number {
    this.load();
    const tx = this.core.tx;
    const remember = !this.own && !tx.recording;
    if (remember) {
      if (this.slotsOf !== this.blockVersion) {
        this.slots.clear();
        this.slotsOf = this.blockVersion;
      }
      const known = this.slots.get(key);
      if (known !== undefined) return known; // H1: settled before an older snapshot of this thread
    }
    const hash = knownHash === -1 ? hashKey(key) : knownHash;
    const cap = this.cap;
    let slot = Math.floor(((hash >>> 0) * cap) / 4294967296);
    for (let probes = 0; probes < cap; probes++) {
      const cell = this.keyCell(slot);
      // H1: a key claimed before the snapshot never changes: no read to record or validate.
      // A key this transaction claimed was empty in its snapshot, so readSettled misses it.
      const settled = tx.readSettled(cell);
      if (settled) {
        this.vBytes = null;
        this.vRef = tx.outRef;
      } else this.see(cell);
      if (this.vBytes !== null) {
        if (keyEquals(this.vBytes, 0, key, hash)) return slot;
      } else if (this.vRef === 0) {
        this.empty = slot;
        return -1;
      } else if (keyEqualsShared(this.core.mem, this.keyPayload(), key, hash)) {
        if (settled && remember && this.slots.size < MAX_REMEMBERED) this.slots.set(key, slot);
        return slot;
      }
      if (++slot === cap) slot = 0;
    }
    this.empty = -1;
    return -1;
  }

  /** H2: more than half the slots claimed, counting this transaction's own claims. */
  private shouldGrow(): boolean {
    const used = this.block + CB_CELLS;
    let n = this.core.mem.f64[(used + C_NUM) >> 3]!;
    const writes = this.core.tx.writes;
    const e = writes.find(used);
    if (e >= 0 && writes.kinds[e] === W_ADD) n += writes.nums[e]!;
    return (n + 1) * 2 > this.cap;
  }

  /** H3: replaces the table by one with room for the live keys and `extra` more. */
  private grow(extra: number): void {
    const core = this.core;
    const mem = core.mem;
    const tx = core.tx;
    const writes = tx.writes;
    const old = this.block;
    const oldCap = this.cap;
    this.wroteIn = tx.serial; // the copies' pending writes below
    // Pass 1: the live slots (every KEY and VALUE cell read: H3).
    const live: number[] = [];
    for (let slot = 0; slot < oldCap; slot++) {
      this.see(this.keyCell(slot));
      if (this.vBytes === null && this.vRef === 0) continue;
      this.see(this.valueCell(slot));
      if (!this.absent()) live.push(slot);
    }
    const block = allocTable(core, Math.max(INITIAL_SLOTS, 4 * (live.length + extra)), this.owner);
    const cap = mem.i32[(block + CB_CAPACITY) >> 2]!;
    const moves: number[] = []; // pairs [old VALUE cell, new VALUE cell] with a pending write
    try {
      // Pass 2: copy each live slot (B3), keeping the version and writer of each value (H3).
      for (const slot of live) {
        const oldKey = this.keyCell(slot);
        this.see(oldKey);
        const keyBytes = this.vBytes ?? tx.blockBytes(this.vRef);
        let to = Math.floor(((readI32(keyBytes, K_HASH) >>> 0) * cap) / 4294967296);
        while (mem.i32[(slotCell(block, to) + C_REF) >> 2] !== 0) if (++to === cap) to = 0;
        const newKey = slotCell(block, to);
        mem.i32[(newKey + C_REF) >> 2] = core.alloc.storeValue(keyBytes);
        if (this.vBytes === null) this.copyMeta(newKey, oldKey);
        const oldValue = oldKey + CELL_BYTES;
        const newValue = newKey + CELL_BYTES;
        if (writes.count !== 0 && writes.find(oldValue) >= 0) {
          moves.push(oldValue, newValue);
          continue;
        }
        this.see(oldValue);
        if (this.vRef === 0) mem.f64[(newValue + C_NUM) >> 3] = this.vNum;
        else mem.i32[(newValue + C_REF) >> 2] = core.alloc.storeValue(tx.blockBytes(this.vRef));
        this.copyMeta(newValue, oldValue);
      }
    } catch (error) {
      freeValue(mem, core.alloc, block); // B2: never published, not in the write set
      throw error;
    }
    mem.f64[(block + CB_CELLS + C_NUM) >> 3] = live.length; // USED
    // Pending values move to the new cells; then every write into the old table is dropped.
    for (let k = 0; k < moves.length; k += 2) {
      const e = writes.find(moves[k]!);
      if (writes.kinds[e] === W_NUM) tx.writeNum(moves[k + 1]!, writes.nums[e]!);
      else tx.writeBlob(moves[k + 1]!, writes.blobs[e]!);
    }
    const oldEnd = slotCell(old, oldCap);
    for (let e = writes.count - 1; e >= 0; e--) {
      const cell = writes.cells[e]!;
      if (cell >= old && cell < oldEnd) writes.remove(e);
    }
    tx.writeOwned(this.rootCell, block); // frees the old table if it was this transaction's own (B2)
    this.block = block;
    this.cap = cap;
    this.own = true;
    this.blockVersion = -1;
  }
}

/** The KEY cell of `slot` in table `block` (slots follow CB_CELLS and the USED cell). */
function slotCell(block: number, slot: number): number {
  return block + CB_CELLS + CELL_BYTES + slot * SLOT_BYTES;
}
