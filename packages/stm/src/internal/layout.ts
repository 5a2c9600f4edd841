/**
 * Shared-memory layout of a heap: every offset used anywhere is declared here, once.
 *
 * The heap is one growable SharedArrayBuffer. Pointers are byte offsets into it held in
 * Int32 words (so a heap is at most 2^31 - 8 bytes). Regions, in order:
 *
 *   [ header 64 B | slots MAX_SLOTS x 208 B | data: cells, directory, blocks ... bump -> ]
 *
 * ## Header (byte offsets)
 * | off | type | meaning                                   | written by                 | how            |
 * |-----|------|-------------------------------------------|----------------------------|----------------|
 * |   0 | i32  | MAGIC 'AME1'                              | Heap.create                | plain, once    |
 * |   4 | i32  | LAYOUT_VERSION                            | Heap.create                | plain, once    |
 * |   8 | i32  | MAX_SLOTS                                 | Heap.create                | plain, once    |
 * |  12 | i32  | DIR_LOCK: 0 free, else owner slot + 1     | directory writers          | CAS / store    |
 * |  16 | i32  | DIR_HEAD: newest directory entry, 0 none  | holder of DIR_LOCK         | Atomics.store  |
 * |  20 | i32  | BUMP: first never-allocated byte          | any allocating thread      | CAS            |
 * |  24 | i32  | MAX_BYTES                                 | Heap.create                | plain, once    |
 * |  28 | i32  | SLOT_HIGH: 1 + highest slot ever claimed  | slot claimers              | CAS (max)      |
 * |  32 | i64  | CLOCK: newest commit version (53 bits)    | update commits             | Atomics.add    |
 *
 * ## Thread slot (SLOT_BYTES each, from SLOTS_OFFSET)
 * One per attached thread; `slot` is the owner id written into lock words.
 * | off | type | meaning                                        | written by   | how           |
 * |-----|------|------------------------------------------------|--------------|---------------|
 * |   0 | i32  | STATE: 0 free, 1 claimed                       | claim/detach | CAS / store   |
 * |   4 | i32  | THREAD: owner's worker_threads threadId        | owner        | plain         |
 * |   8 | i64  | SNAPSHOT: active snapshot version, -1 none     | owner        | Atomics.store |
 * |  16 | f64  | COMMITS (update and read-only)                 | owner        | plain         |
 * |  24 | f64  | READ_ONLY commits                              | owner        | plain         |
 * |  32 | f64  | ABORT_CONFLICT                                 | owner        | plain         |
 * |  40 | f64  | ABORT_ERROR (user exception, nothing written)  | owner        | plain         |
 * |  48 | f64  | LIVE_VERSIONS: old versions kept, this slot's +/- share | owner | plain      |
 * |  56 | f64  | FREE_BYTES: bytes parked in this slot's free lists | owner    | plain         |
 * |  64 | i32[NUM_CLASSES] | FREE_HEADS: free-list heads per size class | owner | plain      |
 * | 176 | i32  | COMMIT_STATE: where a commit is (commit.ts C1-C4) | owner     | plain         |
 * | 180 | i32  | COMMIT_LOG: the slot's commit log block, 0 none | owner       | plain         |
 * | 184 | i32  | LAST_TAG: tag of the owner's last update commit | owner       | plain         |
 * | 192 | f64  | LAST_VERSION: its commit version, 0 none        | owner       | plain         |
 * COMMIT_STATE, COMMIT_LOG and LAST_* are read by another thread only after the owner died
 * (recovery.ts). Statistics are owner-written plain f64s: a reader in stats() may see a slightly old
 * figure, never a figure that is wrong once the owner is quiet.
 *
 * ## Cell (CELL_BYTES, 32-byte aligned): one TVar, one TArray element, one TCounter
 * | off | type | meaning                                                        |
 * |-----|------|----------------------------------------------------------------|
 * |   0 | i32  | LOCK: >= 0 unlocked, a write sequence bumped by every publish;  |
 * |     |      |       <  0 locked by slot ~LOCK (the owner id, for recovery)    |
 * |   4 | i32  | CHAIN: newest older version record, 0 none                     |
 * |   8 | f64  | VERSION: commit version of the current value (0 = created)     |
 * |  16 | f64  | NUM: the value when REF is 0                                   |
 * |  24 | i32  | REF: 0 -> value is NUM; else pointer to an encoded value block |
 * |  28 | i32  | WRITER: tag of the commit that wrote the value (-1 / 0 unknown) |
 * LOCK is only changed by CAS (lock) and Atomics.store (unlock); the other words only by
 * the lock holder, with plain stores, published by the unlocking Atomics.store.
 *
 * ## Version record (a 32-byte block, class VERSION_CLASS): an older value of a cell
 * | off | type | meaning                        |
 * |   0 | i32  | NEXT older record, 0 none      |
 * |   4 | i32  | REF (as in the cell)           |
 * |   8 | f64  | VERSION                        |
 * |  16 | f64  | NUM                            |
 * Immutable once linked, except NEXT, which the cell's lock holder may cut to 0.
 *
 * ## Value block (class chosen by size): an encoded Value
 * | off | type | meaning                        |
 * |   0 | i32  | size class                     |
 * |   4 | i32  | payload length in bytes        |
 * |   8 | u8[] | payload (codec.ts format)      |
 * A free block of any class holds the next free block's pointer at offset 0.
 *
 * ## Cell block (a block whose class word has CELLS_FLAG): cells owned by one cell's value
 * A TMap's table and a TQueue's ring. It is the value (REF) of its object's root cell, written
 * with W_OWN; freeing it (cell-block.ts, when the root cell's old version is reclaimed, or when
 * the transaction that made it does not commit) frees what each of its cells holds too.
 * | off | type | meaning                                                       |
 * |   0 | i32  | size class | CELLS_FLAG                                       |
 * |   4 | i32  | CB_COUNT: number of cells, from CB_CELLS                      |
 * |   8 | i32  | CB_CAPACITY: slots (TMap: 2 cells each) or ring elements      |
 * |  12 | i32  | CB_OWNER: the object's first root cell (which object the block belongs to) |
 * |  32 | cells, CELL_BYTES each (32-aligned: blocks of 64 B and more are 64-aligned) |
 * Cells of a block that no commit has published yet are written with plain stores by the
 * transaction that allocated it (nobody else can reach it); published by the W_OWN commit.
 *
 * ## TMap / TSet (directory entry with 2 cells; KIND_TMAP, KIND_TSET): tmap.ts, hash-table.ts
 * base + 0: TABLE cell, REF = the table (a cell block, W_OWN). Read by every operation;
 *           written only when the table is replaced (growth).
 * base + 32: SIZE cell, NUM = number of keys, changed by W_ADD (commutative).
 * Table cells: cell 0 = USED (NUM: slots holding a key, live or deleted; W_ADD; read only as
 * a hint, never into a read set), then CB_CAPACITY slots of 2 cells:
 *   KEY cell:   REF 0 = never used; else a key block (below), claimed once by a CAS outside
 *               any commit, then version Infinity (hash-table.ts H1). Never locked.
 *   VALUE cell: the value (NUM inline when REF is 0, else a value block); version 0 (never
 *               written) or a value block whose first payload byte is ABSENT_TAG means "no
 *               value" (the slot keeps its key).
 * Key block payload: +0 i32 hash, +4 i32 -1 (number key) or string length n,
 *                    +8 f64 number, or n UTF-16 units.
 *
 * ## TQueue (directory entry with 3 cells; KIND_TQUEUE): tqueue.ts
 * base + 0: RING cell, REF = the ring (a cell block, W_OWN); written only by growth.
 * base + 32: HEAD cell, NUM = absolute index of the front element.
 * base + 64: TAIL cell, NUM = absolute index the next push takes.
 * Ring cell i holds element e with e mod CB_CAPACITY == i: REF = value block, 0 = empty.
 *
 * ## Commit log (a block, class by size; one per slot, grown by its owner): commit.ts
 * | off | type | meaning                                                     |
 * |   0 | i32  | size class (as any block)                                    |
 * |   4 | i32  | COUNT: cells of the commit in progress                       |
 * |   8 | i32  | TAG: the committing transaction's tag                        |
 * |  12 | i32  | DIRECT: 1 when a direct-mode commit (old values in entries)  |
 * |  16 | f64  | VERSION: the commit's wv, once taken (step d; read in C4)     |
 * |  24 | LOG_ENTRY_BYTES x COUNT entries, in lock (address) order:         |
 * |     |   +0 i32 CELL, +4 i32 SEQ held before locking, +8 i32 RECORD,       |
 * |     |   +12 i32 old WRITER, +16 i32 old REF, +20 i32 old CHAIN,           |
 * |     |   +24 f64 old VERSION, +32 f64 old NUM (the old-value words: direct mode only) |
 *
 * ## Directory entry (bump-allocated, never freed): one named object
 * | off | type | meaning                                   |
 * |   0 | i32  | NEXT older entry, 0 none                  |
 * |   4 | i32  | KIND (KIND_*)                             |
 * |   8 | i32  | BASE: first cell                          |
 * |  12 | i32  | LENGTH: number of cells                   |
 * |  16 | i32  | ELEM: ELEM_F64 or ELEM_I32 (tarray)       |
 * |  20 | i32  | NAME_LEN in UTF-16 units                  |
 * |  24 | u16[]| name                                      |
 */

export const MAGIC = 0x414d4531; // 'AME1'
export const LAYOUT_VERSION = 4; // 2: 27 size classes, cell blocks (collections); 3: the commit log keeps wv; 4: TMap keys claimed by CAS

// Header byte offsets.
export const H_MAGIC = 0;
export const H_LAYOUT = 4;
export const H_MAX_SLOTS = 8;
export const H_DIR_LOCK = 12;
export const H_DIR_HEAD = 16;
export const H_BUMP = 20;
export const H_MAX_BYTES = 24;
export const H_SLOT_HIGH = 28;
export const H_CLOCK = 32;
export const HEADER_BYTES = 64;

// Thread slots.
export const SLOTS_OFFSET = HEADER_BYTES;
export const SLOT_BYTES = 208;
export const S_STATE = 0;
export const S_THREAD = 4;
export const S_SNAPSHOT = 8;
export const S_COMMITS = 16;
export const S_READ_ONLY = 24;
export const S_ABORT_CONFLICT = 32;
export const S_ABORT_ERROR = 40;
export const S_LIVE_VERSIONS = 48;
export const S_FREE_BYTES = 56;
export const S_FREE_HEADS = 64;
export const S_COMMIT_STATE = 176;
export const S_COMMIT_LOG = 180;
export const S_LAST_TAG = 184;
export const S_LAST_VERSION = 192;

/** BigInt64 value of S_SNAPSHOT when the slot runs no transaction. */
export const NO_SNAPSHOT = -1n;

// Commit log.
export const L_COUNT = 4;
export const L_TAG = 8;
/** 1 when the commit's old values are in its log entries, 0 when in version records (commit.ts T8, C3). */
export const L_OLD_IN_LOG = 12;
export const L_VERSION = 16;
export const L_ENTRIES = 24;
export const LOG_ENTRY_BYTES = 40;
export const LE_CELL = 0;
export const LE_SEQ = 4;
export const LE_RECORD = 8;
export const LE_WRITER = 12;
export const LE_REF = 16;
export const LE_CHAIN = 20;
export const LE_VERSION = 24;
export const LE_NUM = 32;

// Cells.
export const CELL_BYTES = 32;
export const CELL_SHIFT = 5;
export const C_LOCK = 0;
export const C_CHAIN = 4;
export const C_VERSION = 8;
export const C_NUM = 16;
export const C_REF = 24;
export const C_WRITER = 28;

// Version records.
export const R_NEXT = 0;
export const R_REF = 4;
export const R_VERSION = 8;
export const R_NUM = 16;

// Blocks and size classes: class k holds blocks of MIN_BLOCK << k bytes.
export const MIN_BLOCK = 16;
export const NUM_CLASSES = 27; // 16 B .. 1 GiB (FREE_HEADS: 64 + 27 * 4 <= S_COMMIT_STATE)
export const VERSION_CLASS = 1; // 32-byte records
export const B_CLASS = 0;
export const B_LENGTH = 4;
export const B_PAYLOAD = 8;

// Directory entries.
export const D_NEXT = 0;
export const D_KIND = 4;
export const D_BASE = 8;
export const D_LENGTH = 12;
export const D_ELEM = 16;
export const D_NAME_LEN = 20;
export const D_NAME = 24;

export const KIND_TVAR = 1;
export const KIND_TARRAY = 2;
export const KIND_TCOUNTER = 3;
export const KIND_TMAP = 4;
export const KIND_TQUEUE = 5;
export const KIND_TSET = 6;

// Cell blocks.
export const CELLS_FLAG = 1 << 16;
/** The size class in a block's class word (without CELLS_FLAG). */
export const CLASS_MASK = 0xffff;
export const CB_COUNT = 4;
export const CB_CAPACITY = 8;
export const CB_OWNER = 12;
export const CB_CELLS = 32;
/** First payload byte of the value block that marks a deleted TMap value (not a codec tag). */
export const ABSENT_TAG = 0xff;

// Collections: root cells, and the key block payload.
export const M_TABLE = 0;
export const M_SIZE = 32;
export const Q_RING = 0;
export const Q_HEAD = 32;
export const Q_TAIL = 64;
export const K_HASH = 0;
export const K_LENGTH = 4;
export const K_DATA = 8;
export const ELEM_F64 = 0;
export const ELEM_I32 = 1;

/** Largest heap: pointers are Int32 byte offsets, kept 8-aligned. */
export const MAX_HEAP_BYTES = 2 ** 31 - 8;

/** Byte offset of a slot's word `field`. */
export function slotOffset(slot: number, field: number): number {
  return SLOTS_OFFSET + slot * SLOT_BYTES + field;
}

/** Smallest size class whose blocks hold `bytes`. */
export function classFor(bytes: number): number {
  let k = 0;
  while (MIN_BLOCK << k < bytes) k++;
  return k;
}
