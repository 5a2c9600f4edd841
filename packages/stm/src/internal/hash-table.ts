/**
 * The transactional hash table behind TMap and TSet: open addressing (linear probing) over
 * cells in one cell block, every cell read and written through the transaction's read set
 * and write set, committed by the one commit protocol (commit.ts). Layout: layout.ts,
 * "TMap / TSet".
 *
 * An operation, in the transaction's snapshot:
 *   TABLE cell -> table; hash(key) -> home slot; probe KEY cells until the key or an empty
 *   KEY cell; then the key's VALUE cell. Setting a key that has no slot claims the empty
 *   KEY cell the probe stopped at, at once (not at commit).
 *
 * Invariants:
 *  H1. A slot's KEY cell goes from empty to one key, once, by a CAS on its REF outside any
 *      commit, and never changes again in that table; the claimer then stores version
 *      Infinity in it. A claim is not a write of the map: a claimed slot whose VALUE cell
 *      was never written (version 0) or holds ABSENT has no value, so a claim by an
 *      attempt that aborts, or by a thread that dies, changes no state (delete writes
 *      ABSENT and keeps the slot for its key). Hence:
 *      - each key has at most one slot per table (a probe passes only claimed slots, which
 *        stay claimed, before the first empty one; a lost CAS re-probes), and conflicts are
 *        per key: an operation reads TABLE and its key's VALUE cell, and a claimed KEY cell
 *        is read with an atomic load, never into the read set;
 *      - an operation that found its key absent at an empty KEY cell records that cell
 *        (Transaction.readEmpty, version 0): a claim stamps it with Infinity, so validation
 *        fails if the key was inserted there after the snapshot. Setting a key records no
 *        KEY cell (it claims one, or finds its own): two tasks setting different keys never
 *        conflict, inserts included; a lookup that missed conflicts with a claim of the
 *        empty slot it stopped at, whichever key claimed it;
 *      - each thread remembers the slot of every key it found (a JS Map, per table: keyed
 *        by the version of TABLE it read, so a replaced table, even one at a reused
 *        address, is never confused with it), and the lookup skips hashing and probing.
 *      Ordering: REF is set by the CAS before version Infinity (a plain store: f64 halves,
 *      the low one 0 in both values, so a torn read sees 0 or Infinity). A committer that
 *      recorded the empty cell reads its version after its own clock increment: a claimer
 *      whose commit came first stored Infinity before its clock increment, so it is seen;
 *      one whose commit comes later serializes after the reader, which is then right.
 *  H2. SIZE and USED change only by W_ADD (commutative): inserts do not conflict on them.
 *      USED is never read into a read set: it is a hint for when to grow, read as the
 *      committed value plus this transaction's own adds (a claim by an attempt that did not
 *      commit is not counted; a full table grows all the same, and growth recounts).
 *  H3. Growth happens inside the transaction that finds the table half full (or full): it
 *      reads every VALUE cell of a claimed slot through the read set and records every
 *      empty KEY cell (readEmpty), so a commit to any slot or a claim meanwhile aborts it,
 *      copies the live entries into a new cell block with plain stores (the block is
 *      private, B4), each copied value keeping the version and writer it had, re-applies
 *      its own pending writes to the new cells, drops its writes to the old table, and
 *      writes TABLE (W_OWN). Claimed slots without a value and deleted keys are not copied.
 *      Every operation reads TABLE, so the growth commit conflicts with every transaction
 *      on the map that overlaps it, and with nothing else: growth is rare (each doubles the
 *      room), so this is the accepted cost.
 *  H4. The old table stays readable by every snapshot older than the growth commit; it is
 *      freed with everything its cells hold when TABLE's old version is reclaimed
 *      (cell-block.ts B2), never earlier. Copies share no block with it (B3).
 *  H5. Keys compare by SameValueZero: -0 is stored as 0; NaN equals NaN.
 *
 * Memory ordering: as transaction.ts (reads are readCell's seqlock); KEY cells as H1; the
 * private table's plain stores are published by the unlock of the TABLE cell (commit.ts T5).
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
  C_VERSION,
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
import { compareKeys, decodeKey, encodeKey, hashKey, type Key, keyEqualsShared, readI32 } from './keys.js';

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
    const slot = this.find(key, -1, true);
    if (slot < 0) return undefined;
    this.see(this.valueCell(slot));
    return this.value();
  }

  /** True if `key` has a value. */
  has(key: Key): boolean {
    const slot = this.find(key, -1, true);
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
    let slot = this.find(key, -1, false);
    this.wroteIn = tx.serial;
    if (slot < 0) slot = this.claim(key);
    this.see(this.valueCell(slot));
    const added = this.absent();
    if (added) tx.addNum(this.sizeCell, 1); // H2
    if (bytes === null) tx.writeNum(this.valueCell(slot), value);
    else tx.writeBlob(this.valueCell(slot), bytes);
    return added;
  }

  /** Deletes `key`; true if it had a value. The slot keeps the key (H1). */
  delete(key: Key): boolean {
    const slot = this.find(key, -1, true);
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

  /** Every [key, value], sorted by key (reads every slot: H1, empty KEY cells recorded). */
  entries(): [Key, Value][] {
    const out: [Key, Value][] = [];
    this.load();
    for (let slot = 0; slot < this.cap; slot++) {
      const cell = this.keyCell(slot);
      const ref = this.keyRef(cell);
      if (ref === 0) {
        this.sawEmpty(cell);
        continue;
      }
      this.vRef = ref;
      const key = decodeKey(this.core.mem.u8, this.keyPayload());
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
    if (this.vVersion === 0) return true; // never written: a claimed slot without a value (H1)
    if (this.vRef === 0) return false;
    const mem = this.core.mem;
    mem.ensure(this.vRef + B_PAYLOAD + 1); // a block another thread allocated past this thread's views
    return mem.u8[this.vRef + B_PAYLOAD] === ABSENT_TAG;
  }

  /** The viewed VALUE cell's value (not absent), copied out. */
  private value(): Value {
    if (this.vBytes !== null) return this.vBytes[0] === ABSENT_TAG ? undefined : decodeValue(this.vBytes);
    if (this.vVersion === 0) return undefined; // never written (H1)
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

  /** H1: an empty KEY cell this operation depends on goes into the read set (a claim there makes it stale); not in this transaction's own table. */
  private sawEmpty(cell: number): void {
    if (!this.own) this.core.tx.readEmpty(cell);
  }

  /** REF of a KEY cell (H1): an atomic load in a published table, a plain one in this transaction's own. */
  private keyRef(cell: number): number {
    const i32 = this.core.mem.i32;
    return this.own ? i32[(cell + C_REF) >> 2]! : Atomics.load(i32, (cell + C_REF) >> 2);
  }

  /**
   * Loads the table and probes for `key` (H1): its slot, or -1 with `empty` set to the empty
   * slot the probe stopped at (-1 if every slot holds another key). `recordEmpty`: record
   * that empty KEY cell in the read set (a lookup that found the key absent).
   */
  private find(key: Key, knownHash: number, recordEmpty: boolean): number {
    this.load();
    const own = this.own;
    if (!own) {
      if (this.slotsOf !== this.blockVersion) {
        this.slots.clear();
        this.slotsOf = this.blockVersion;
      }
      const known = this.slots.get(key);
      if (known !== undefined) return known; // H1: a claimed slot keeps its key
    }
    const hash = knownHash === -1 ? hashKey(key) : knownHash;
    const cap = this.cap;
    let slot = Math.floor(((hash >>> 0) * cap) / 4294967296);
    for (let probes = 0; probes < cap; probes++) {
      const cell = this.keyCell(slot);
      const ref = this.keyRef(cell);
      if (ref === 0) {
        if (recordEmpty) this.sawEmpty(cell);
        this.empty = slot;
        return -1;
      }
      this.vRef = ref;
      if (keyEqualsShared(this.core.mem, this.keyPayload(), key, hash)) {
        if (!own && this.slots.size < MAX_REMEMBERED) this.slots.set(key, slot);
        return slot;
      }
      if (++slot === cap) slot = 0;
    }
    this.empty = -1;
    return -1;
  }

  /**
   * H1: claims a slot for `key`, which find() did not find: the empty slot it stopped at,
   * or, if another thread claimed that one first, the next (or the key's own, if the other
   * thread claimed it for this key). Grows the table first when it is half full or full.
   */
  private claim(key: Key): number {
    const core = this.core;
    const tx = core.tx;
    const hash = hashKey(key);
    for (;;) {
      if (this.empty < 0 || this.shouldGrow()) {
        this.grow(1);
        this.find(key, hash, false); // the own table: sets `empty`
      }
      const cell = this.keyCell(this.empty);
      const block = core.alloc.storeValue(encodeKey(key, hash)); // may throw HeapFullError: nothing claimed
      const mem = core.mem;
      if (this.own) mem.i32[(cell + C_REF) >> 2] = block;
      else if (Atomics.compareExchange(mem.i32, (cell + C_REF) >> 2, 0, block) !== 0) {
        freeValue(mem, core.alloc, block); // lost the slot: probe on from it
        const found = this.find(key, hash, false);
        if (found >= 0) return found;
        continue;
      }
      mem.f64[(cell + C_VERSION) >> 3] = Infinity; // H1: after REF; recorded empty reads are now stale
      tx.addNum(this.block + CB_CELLS, 1); // H2: USED
      tx.claimed(cell);
      return this.empty;
    }
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
    // Pass 1: the live slots (every VALUE cell of a claimed slot read, every empty KEY cell recorded: H3).
    const live: number[] = [];
    for (let slot = 0; slot < oldCap; slot++) {
      const cell = this.keyCell(slot);
      if (this.keyRef(cell) === 0) {
        this.sawEmpty(cell);
        continue;
      }
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
        const keyBytes = tx.blockBytes(this.keyRef(oldKey));
        let to = Math.floor(((readI32(keyBytes, K_HASH) >>> 0) * cap) / 4294967296);
        while (mem.i32[(slotCell(block, to) + C_REF) >> 2] !== 0) if (++to === cap) to = 0;
        const newKey = slotCell(block, to);
        mem.i32[(newKey + C_REF) >> 2] = core.alloc.storeValue(keyBytes);
        mem.f64[(newKey + C_VERSION) >> 3] = Infinity; // claimed (H1)
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
