/**
 * One thread's transaction on one heap: snapshot, reads, buffered writes, and the way out
 * (commit or abort). The commit protocol itself is in commit.ts (its one design, with the
 * crash cases), reclamation in reclaim.ts, the checker's history in history.ts.
 *
 * States (a Transaction object is reused for every attempt on its thread):
 *
 *   Idle --begin--> Active --commit ok--> Idle          (writes published at version wv)
 *                     |  \--conflict----> Idle          (nothing published; caller retries)
 *                     \----abort--------> Idle          (user exception; nothing published)
 *
 * The algorithm (MVCC with commit-time locking, after TL2 and Block-STM's versioned cells):
 *  1. begin: publish snapshot S = CLOCK in this thread's slot (T1).
 *  2. read: newest version of the cell with VERSION <= S, read consistently (T2); the cell
 *     address goes into the read set. Writes go into the write set, never to memory.
 *  3. commit, read-only: nothing to check; a snapshot is consistent by construction, so
 *     read-only transactions never abort.
 *  4. commit, update: commit.ts (allocate, log, lock, take wv, validate, publish, unlock);
 *     the old values are kept as versions only while another snapshot may read them (T8).
 *
 * Invariants (T3-T7 are stated where they apply: commit.ts, reclaim.ts):
 *  T1. A slot's SNAPSHOT is stored before the transaction reads anything, and the clock is
 *      re-read after storing it: if CLOCK moved, the snapshot is taken again. So a
 *      reclaimer that read CLOCK before scanning slots and missed this slot saw a CLOCK
 *      <= S: it cannot free a version S needs (reclaim.ts).
 *  T2. A cell is read with the seqlock pattern: LOCK (Atomics.load) >= 0, plain loads of
 *      VERSION/NUM/REF/CHAIN, LOCK again unchanged. A locked cell is waited on, not
 *      skipped: its owner may already hold a wv <= S.
 *
 * Memory ordering: Atomics operations are sequentially consistent; plain loads between two
 * Atomics.loads of the same LOCK are validated by the second one. That relies on V8 not
 * moving plain loads across Atomics operations (it treats them as barriers) and, on the
 * hardware side, on loads not passing loads (true on x86-64). The 53-bit clock lives in a
 * BigInt64 word; versions in cells are f64s read under the seqlock, exact below 2^53.
 */
import { AmeError } from '../errors.js';
import { Backoff } from './backoff.js';
import { commitUpdate } from './commit.js';
import { CommitLog } from './commit-log.js';
import { type History, keepHistory } from './history.js';
import {
  B_LENGTH,
  B_PAYLOAD,
  C_CHAIN,
  C_NUM,
  C_REF,
  C_VERSION,
  H_CLOCK,
  NO_SNAPSHOT,
  R_NEXT,
  R_NUM,
  R_REF,
  R_VERSION,
  S_ABORT_CONFLICT,
  S_ABORT_ERROR,
  S_COMMITS,
  S_READ_ONLY,
  S_SNAPSHOT,
  slotOffset,
} from './layout.js';
import type { Allocator, Memory } from './memory.js';
import { Reclaimer } from './reclaim.js';
import { W_ADD, W_BLOB, W_NUM, W_OWN, WriteSet } from './write-set.js';
import { freeValue } from './cell-block.js';

const CLOCK_INDEX = H_CLOCK >> 3;

/** Internal invariant broken: a bug in @ame/stm, never a user error. */
export class StmInvariantError extends AmeError {
  override readonly name = 'StmInvariantError';
  constructor(problem: string) {
    super('STM_INVARIANT', `@ame/stm internal invariant broken (please report): ${problem}`);
  }
}

export class Transaction {
  /** True between begin and commit/abort. */
  active = false;
  /** Counts begin(): tells handles that cache something per attempt (a TMap's table) a new one started. */
  serial = 0;
  /** Snapshot version S. */
  snapshot = 0;
  /** Cells read (addresses), in read order, duplicates allowed. */
  reads = new Int32Array(256);
  readCount = 0;
  readonly writes = new WriteSet();
  /** Value registers filled by readCell (no allocation per read). */
  outNum = 0;
  outRef = 0;
  /** Version of the value readCell returned. */
  outVersion = 0;

  /**
   * Tag stamped into every cell this transaction's commit writes (C_WRITER): a scheduler
   * sets it to the task index so a conflict can name the task that won, and recovery can
   * name the task whose commit a dead thread left behind.
   */
  tag = 0;
  /** The read cell found changed by the last failed validation or commit, else 0. */
  conflictCell = 0;

  /** Record read versions and written cells for `history` (a checker's input). */
  recording = false;
  /** When recording: the version each read in `reads` returned. */
  readVersions: number[] = [];
  /** The KEY cells this attempt claimed (hash-table.ts H1), in claim order: validation (ownClaim) and histories. */
  readonly claims = new Set<number>();
  /** When recording: the last committed transaction's reads, writes and version. */
  history: History | undefined;
  /**
   * Where the last finished transaction sits in the serial order of all transactions:
   * its commit version wv (update), snapshot + 0.5 (read-only: after commit S, before
   * S + 1), or clock + 0.5 when readsCurrent() confirmed its reads (a failure).
   */
  serialPoint = 0;

  /**
   * Direct mode, for callers that guarantee no other transaction runs at the same time (a
   * global lock, as GilQueue holds): commits skip validation and the look for other
   * snapshots (commit.ts T8), overwriting values in place. A reader that breaks that
   * guarantee gets an StmInvariantError, never a silently wrong value (no version older
   * than the last commit is kept).
   */
  direct = false;

  /** Test-only: when false, every read validation is skipped (a deliberately broken STM). */
  validateReads = true;

  /** The owner id written into lock words (T7). */
  readonly mine: number;
  readonly backoff = new Backoff();
  readonly reclaimer: Reclaimer;
  readonly log: CommitLog;
  /** Commit scratch, by write-set entry: version record, lock sequence; and lock order. */
  records = new Int32Array(64);
  seqs = new Int32Array(64);
  order = new Int32Array(64);
  private readonly snapIndex: number;

  constructor(
    readonly mem: Memory,
    readonly alloc: Allocator,
    readonly slot: number,
  ) {
    this.mine = ~slot;
    this.snapIndex = slotOffset(slot, S_SNAPSHOT) >> 3;
    this.reclaimer = new Reclaimer(mem, alloc, slot);
    this.log = new CommitLog(mem, alloc, slot);
  }

  /** Step 1: takes a snapshot and publishes it (T1). */
  begin(): void {
    this.conflictCell = 0;
    this.history = undefined;
    const big = this.mem.big;
    for (;;) {
      const clock = Atomics.load(big, CLOCK_INDEX);
      Atomics.store(big, this.snapIndex, clock); // T1: publish before reading anything
      if (Atomics.load(big, CLOCK_INDEX) === clock) {
        this.snapshot = Number(clock);
        break;
      }
    }
    this.readCount = 0;
    if (this.claims.size !== 0) this.claims.clear();
    this.serial++;
    this.active = true;
  }

  /**
   * Step 2: reads the version of `cell` visible at the snapshot into outNum/outRef and
   * records the read. Callers check the write set first.
   */
  readCell(cell: number): void {
    const mem = this.mem;
    const li = cell >> 2;
    const fi = cell >> 3;
    let version: number;
    let num: number;
    let ref: number;
    let chain: number;
    for (;;) {
      const i32 = mem.i32;
      const f64 = mem.f64;
      const lock = Atomics.load(i32, li); // T2: first load
      if (lock < 0) {
        this.waitUnlocked(li);
        continue;
      }
      version = f64[fi + (C_VERSION >> 3)]!;
      num = f64[fi + (C_NUM >> 3)]!;
      ref = i32[li + (C_REF >> 2)]!;
      chain = i32[li + (C_CHAIN >> 2)]!;
      if (Atomics.load(i32, li) === lock) break; // T2: unchanged, the plain loads agree
    }
    if (this.readCount === this.reads.length) this.growReads();
    this.reads[this.readCount++] = cell;
    if (version <= this.snapshot) {
      this.outNum = num;
      this.outRef = ref;
      this.outVersion = version;
    } else {
      this.readOlder(chain, cell);
    }
    if (this.recording) this.readVersions[this.readCount - 1] = this.outVersion;
  }

  /**
   * Records a read of an empty TMap KEY cell at version 0 without loading it: the caller
   * saw its REF 0 with an atomic load (hash-table.ts H1). A claim stores REF with a CAS and
   * then version Infinity, so validation finds a recorded empty KEY cell changed once it is
   * claimed, like any cell written after the snapshot.
   */
  readEmpty(cell: number): void {
    if (this.readCount === this.reads.length) this.growReads();
    this.reads[this.readCount++] = cell;
    if (this.recording) this.readVersions[this.readCount - 1] = 0;
  }

  /** A KEY cell this attempt claimed (hash-table.ts H1); when recording, the history lists it as written. */
  claimed(cell: number): void {
    this.claims.add(cell);
  }

  /**
   * Validation found `cell` at `version`, newer than the snapshot: true if that is only
   * this attempt's own claim of a KEY cell it had recorded empty (a lookup, then a set of
   * the same key, as TMap.update does). Nobody else claimed it first (the CAS would have
   * failed), so the empty read still holds for every other key.
   */
  ownClaim(cell: number, version: number): boolean {
    return version === Infinity && this.claims.has(cell);
  }

  /** Follows the version chain to the newest record <= snapshot (T6 keeps it alive). */
  private readOlder(record: number, cell: number): void {
    const mem = this.mem;
    while (record !== 0) {
      mem.ensure(record + 32);
      const version = mem.f64[(record + R_VERSION) >> 3]!;
      if (version <= this.snapshot) {
        this.outNum = mem.f64[(record + R_NUM) >> 3]!;
        this.outRef = mem.i32[(record + R_REF) >> 2]!;
        this.outVersion = version;
        return;
      }
      record = mem.i32[(record + R_NEXT) >> 2]!;
    }
    throw new StmInvariantError(`no version of cell ${cell} is visible at snapshot ${this.snapshot}`);
  }

  /**
   * A commutative counter cell (W_ADD) as this transaction sees it: the snapshot's value
   * (a recorded read) plus this transaction's own adds.
   */
  readCounter(cell: number): number {
    this.readCell(cell);
    let value = this.outNum;
    const writes = this.writes;
    if (writes.count !== 0) {
      const e = writes.find(cell);
      if (e >= 0 && writes.kinds[e] === W_ADD) value += writes.nums[e]!;
    }
    return value;
  }

  /** Bytes of the encoded value block `ref` (a view into shared memory: decode, do not keep). */
  blockBytes(ref: number): Uint8Array {
    const mem = this.mem;
    mem.ensure(ref + B_PAYLOAD);
    const length = mem.i32[(ref + B_LENGTH) >> 2]!;
    mem.ensure(ref + B_PAYLOAD + length);
    return mem.u8.subarray(ref + B_PAYLOAD, ref + B_PAYLOAD + length);
  }

  /** Buffers `cell = value` (a number). */
  writeNum(cell: number, value: number): void {
    const e = this.writes.entry(cell, W_NUM);
    this.writes.kinds[e] = W_NUM;
    this.writes.nums[e] = value;
    this.writes.blobs[e] = null;
  }

  /** Buffers `cell = decode(bytes)`; `bytes` is owned by the write set from now on. */
  writeBlob(cell: number, bytes: Uint8Array): void {
    const e = this.writes.entry(cell, W_BLOB);
    this.writes.kinds[e] = W_BLOB;
    this.writes.blobs[e] = bytes;
  }

  /**
   * Buffers `cell = block`, a cell block this transaction allocated (cell-block.ts B1): the
   * write set owns it until the commit publishes it, and frees it if there is no commit. A
   * block this transaction gave the cell earlier is freed: the caller has removed every
   * write into it first.
   */
  writeOwned(cell: number, block: number): void {
    const writes = this.writes;
    const e = writes.entry(cell, W_OWN);
    if (writes.kinds[e] === W_OWN && writes.refs[e] !== 0 && writes.refs[e] !== block) {
      freeValue(this.mem, this.alloc, writes.refs[e]!);
    }
    writes.kinds[e] = W_OWN;
    writes.refs[e] = block;
    writes.blobs[e] = null;
  }

  /** Buffers `cell += delta` applied to the value current at commit (no read recorded). */
  addNum(cell: number, delta: number): void {
    const e = this.writes.entry(cell, W_ADD);
    this.writes.nums[e] = this.writes.nums[e]! + delta;
  }

  /** Ends a read-only look outside any transaction (no statistics). */
  release(): void {
    this.end();
  }

  /**
   * Step 3/4: commits. Returns false on a conflict (nothing published, transaction ended,
   * caller retries). Throws HeapFullError or ClockExhaustedError with nothing published.
   */
  commit(): boolean {
    if (this.writes.count === 0) {
      // Step 3: a read-only snapshot is consistent: never aborts.
      const slotF64 = slotOffset(this.slot, 0) >> 3;
      this.mem.f64[slotF64 + (S_READ_ONLY >> 3)]! += 1;
      this.mem.f64[slotF64 + (S_COMMITS >> 3)]! += 1;
      this.serialPoint = this.snapshot + 0.5;
      if (this.recording) this.history = keepHistory(this, 0);
      this.end();
      return true;
    }
    return commitUpdate(this);
  }

  /** The end of a successful update commit at version `wv` (commit.ts). */
  committed(wv: number): void {
    this.serialPoint = wv;
    if (this.recording) this.history = keepHistory(this, wv);
    this.end();
  }

  /**
   * True if every read is still current (no newer committed version): the condition under
   * which a user exception is the transaction's own outcome rather than a stale read's.
   * Holds no lock, so it may wait for one (T3 does not apply).
   */
  readsCurrent(): boolean {
    const mem = this.mem;
    // Reads current now are current as of this clock: commits <= it are published or locked (waited for).
    const clock = Number(Atomics.load(mem.big, CLOCK_INDEX));
    for (let k = 0; this.validateReads && k < this.readCount; k++) {
      const cell = this.reads[k]!;
      const li = cell >> 2;
      for (;;) {
        const lock = Atomics.load(mem.i32, li);
        if (lock < 0) {
          this.waitUnlocked(li);
          continue;
        }
        const version = mem.f64[(cell + C_VERSION) >> 3]!;
        if (Atomics.load(mem.i32, li) !== lock) continue;
        if (version > this.snapshot && !this.ownClaim(cell, version)) {
          this.conflictCell = cell;
          return false;
        }
        break;
      }
    }
    this.serialPoint = clock + 0.5;
    return true;
  }

  /**
   * Moves the snapshot forward to the current clock if every read is still current, so
   * that later reads see the newest state (a scheduler does this when a task becomes
   * inevitable or reaches its commit turn). Returns false if a read is stale; the
   * transaction must then be aborted. The new snapshot is published before the reads are
   * checked (T1): a read cell written after the old snapshot has a newer VERSION, or is
   * locked, and is found either way.
   */
  extend(): boolean {
    const big = this.mem.big;
    // The clock has not moved since the snapshot: no commit took a version above it (T4:
    // wv is taken before any cell is written), so every read is current and the snapshot
    // is already now. A task run alone at its turn (an ordered batch on one thread) ends here.
    let clock = Atomics.load(big, CLOCK_INDEX);
    if (Number(clock) === this.snapshot) {
      this.serialPoint = this.snapshot + 0.5;
      return true;
    }
    for (;;) {
      Atomics.store(big, this.snapIndex, clock); // T1: only ever raised while active
      const again = Atomics.load(big, CLOCK_INDEX);
      if (again === clock) break;
      clock = again;
    }
    // On failure the published snapshot stays raised (lowering it could let a reclaimer
    // free what the old snapshot reads): the caller must abort.
    if (!this.readsCurrent()) return false;
    this.snapshot = Number(clock);
    return true;
  }

  /**
   * Ends an attempt without publishing anything. `reason` picks the statistic:
   * 'conflict' (will be retried), 'error' (user exception), 'none' (none).
   */
  abort(reason: 'conflict' | 'error' | 'none'): void {
    const writes = this.writes;
    for (let e = 0; e < writes.count; e++) {
      // B2: a cell block no commit published goes back with the write set.
      if (writes.kinds[e] === W_OWN && writes.refs[e] !== 0) freeValue(this.mem, this.alloc, writes.refs[e]!);
    }
    if (reason !== 'none') {
      const field = reason === 'conflict' ? S_ABORT_CONFLICT : S_ABORT_ERROR;
      this.mem.f64[slotOffset(this.slot, field) >> 3]! += 1;
    }
    this.end();
  }

  /** Waits a little after a conflict before the next attempt (grows with `attempt`). */
  backoffAfterConflict(attempt: number): void {
    this.backoff.afterConflict(attempt);
  }

  private end(): void {
    Atomics.store(this.mem.big, this.snapIndex, NO_SNAPSHOT);
    this.active = false;
    this.readCount = 0;
    this.writes.clear();
  }

  /** Waits while the lock word at i32 index `li` is held (T2). */
  private waitUnlocked(li: number): void {
    for (let spins = 0; Atomics.load(this.mem.i32, li) < 0; spins++) this.backoff.spin(spins);
  }

  growScratch(n: number): void {
    const size = Math.max(n, this.records.length * 2);
    this.records = new Int32Array(size);
    this.order = new Int32Array(size);
    this.seqs = new Int32Array(size);
  }

  private growReads(): void {
    const bigger = new Int32Array(this.reads.length * 2);
    bigger.set(this.reads);
    this.reads = bigger;
  }
}
