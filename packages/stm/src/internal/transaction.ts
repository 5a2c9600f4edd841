/**
 * One thread's transaction on one heap: snapshot reads, buffered writes, and the commit
 * protocol. The concurrency-critical core of @ame/stm.
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
 *  4. commit, update: allocate version records and value blocks (no lock held yet); lock
 *     the written cells in address order (T3); wv = ++CLOCK; validate that every read cell
 *     still has VERSION <= S and no other owner (T4); publish each write at wv, keeping the
 *     old value as a version record (T5); trim records no snapshot can see (T6); unlock.
 *
 * Invariants:
 *  T1. A slot's SNAPSHOT is stored before the transaction reads anything, and the clock is
 *      re-read after storing it: if CLOCK moved, the snapshot is taken again. So a
 *      reclaimer that read CLOCK before scanning slots and missed this slot saw a CLOCK
 *      <= S: it cannot free a version S needs (see refreshBound).
 *  T2. A cell is read with the seqlock pattern: LOCK (Atomics.load) >= 0, plain loads of
 *      VERSION/NUM/REF/CHAIN, LOCK again unchanged. A locked cell is waited on, not
 *      skipped: its owner may already hold a wv <= S.
 *  T3. Commit locks are taken in ascending cell address and held only for the bounded
 *      commit step (no user code runs, no other lock is waited on out of order), so
 *      waiting for a lock cannot deadlock.
 *  T4. Validation runs after wv is taken and while the write locks are held. A commit with
 *      version in (S, wv) that wrote a read cell either still holds its lock (seen, abort)
 *      or has published VERSION > S (seen, abort). If wv == S + 1 there is no such commit.
 *  T5. Version records are written completely before the unlocking Atomics.store makes
 *      them reachable; a published record never changes, except that the lock holder may
 *      cut its NEXT (T6).
 *  T6. With bound B <= every active snapshot (refreshBound), the newest version <= B is
 *      kept and every older one freed. A reader with S >= B stops at or before that
 *      version, so it never touches freed memory.
 *  T7. Lock words hold ~slot while locked: the owner of a held lock is always known.
 *
 * Memory ordering: Atomics operations are sequentially consistent; plain loads between two
 * Atomics.loads of the same LOCK are validated by the second one. That relies on V8 not
 * moving plain loads across Atomics operations (it treats them as barriers) and, on the
 * hardware side, on loads not passing loads (true on x86-64). The 53-bit clock lives in a
 * BigInt64 word; versions in cells are f64s read under the seqlock, exact below 2^53.
 */
import { AmeError, ClockExhaustedError } from '../errors.js';
import type { Allocator, Memory } from './memory.js';
import { Backoff } from './backoff.js';
import {
  B_LENGTH,
  B_PAYLOAD,
  C_CHAIN,
  C_NUM,
  C_REF,
  C_VERSION,
  C_WRITER,
  H_CLOCK,
  H_SLOT_HIGH,
  NO_SNAPSHOT,
  R_NEXT,
  R_NUM,
  R_REF,
  R_VERSION,
  S_ABORT_CONFLICT,
  S_ABORT_ERROR,
  S_COMMITS,
  S_LIVE_VERSIONS,
  S_READ_ONLY,
  S_SNAPSHOT,
  VERSION_CLASS,
  slotOffset,
} from './layout.js';
import { W_ADD, W_BLOB, W_NUM, WriteSet } from './write-set.js';

const CLOCK_INDEX = H_CLOCK >> 3;
/** Update commits between two scans of every slot for the reclamation bound, at most. */
const BOUND_REFRESH_EVERY = 64;
/** Versions above the bound a trim may find before it asks for a fresh bound. */
const STALE_CHAIN = 4;

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
  /** Snapshot version S. */
  snapshot = 0;
  /** Cells read (addresses), in read order, duplicates allowed. */
  reads = new Int32Array(256);
  readCount = 0;
  readonly writes = new WriteSet();
  /** Value registers filled by readCell (no allocation per read). */
  outNum = 0;
  outRef = 0;

  /**
   * Tag stamped into every cell this transaction's commit writes (C_WRITER): a scheduler
   * sets it to the task index so a conflict can name the task that won.
   */
  tag = 0;
  /** The read cell found changed by the last failed validation or commit, else 0. */
  conflictCell = 0;

  /** Record read versions and written cells for `history` (a checker's input). */
  recording = false;
  /** When recording: the version each read in `reads` returned. */
  private readVersions: number[] = [];
  /** When recording: the last committed transaction's reads, writes and version. */
  history: { reads: [number, number][]; writes: number[]; version: number } | undefined;
  /** Version of the value readCell returned. */
  outVersion = 0;
  /**
   * Where the last finished transaction sits in the serial order of all transactions:
   * its commit version wv (update), snapshot + 0.5 (read-only: after commit S, before
   * S + 1), or clock + 0.5 when readsCurrent() confirmed its reads (a failure).
   */
  serialPoint = 0;

  /**
   * Direct mode, for callers that guarantee no other transaction runs at the same time (a
   * global lock, as GilQueue holds): commits overwrite values in place, keep no old
   * versions and skip validation. A reader that breaks that guarantee gets an
   * StmInvariantError, never a silently wrong value (no version older than the last
   * commit is kept).
   */
  direct = false;

  /** Test-only: when false, every read validation is skipped (a deliberately broken STM). */
  validateReads = true;

  private readonly mine: number;
  private readonly snapIndex: number;
  private bound = 0;
  private commitsSinceBound = BOUND_REFRESH_EVERY;
  private readonly backoff = new Backoff();
  /** Commit scratch, by write-set entry: version record, lock sequence; and lock order. */
  private records = new Int32Array(64);
  private seqs = new Int32Array(64);
  private order = new Int32Array(64);

  constructor(
    private readonly mem: Memory,
    private readonly alloc: Allocator,
    readonly slot: number,
  ) {
    this.mine = ~slot;
    this.snapIndex = slotOffset(slot, S_SNAPSHOT) >> 3;
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
    const writes = this.writes;
    const n = writes.count;
    const slotF64 = slotOffset(this.slot, 0) >> 3;
    if (n === 0) {
      // Step 3: a read-only snapshot is consistent: never aborts.
      this.serialPoint = this.snapshot + 0.5;
      if (this.recording) this.keepHistory(0);
      this.mem.f64[slotF64 + (S_READ_ONLY >> 3)]! += 1;
      this.mem.f64[slotF64 + (S_COMMITS >> 3)]! += 1;
      this.end();
      return true;
    }
    if (this.direct) return this.commitDirect();
    if (this.commitsSinceBound++ >= BOUND_REFRESH_EVERY) this.refreshBound();

    // Step 4a: allocate outside the locks, so a full heap aborts cleanly.
    if (this.records.length < n) this.growScratch(n);
    const records = this.records;
    records.fill(0, 0, n);
    try {
      for (let e = 0; e < n; e++) {
        records[e] = this.alloc.alloc(VERSION_CLASS);
        if (writes.kinds[e] === W_BLOB) writes.refs[e] = this.alloc.storeValue(writes.blobs[e]!);
      }
    } catch (error) {
      this.freeUnpublished(n);
      this.abort('none');
      throw error;
    }

    // Step 4b: lock in address order (T3, T7).
    const order = this.order;
    writes.sortedOrder(order, this.seqs);
    const seqs = this.seqs;
    for (let k = 0; k < n; k++) {
      const e = order[k]!;
      seqs[e] = this.lockCell(writes.cells[e]!);
    }

    // Step 4c: take the commit version.
    const wv = Number(Atomics.add(this.mem.big, CLOCK_INDEX, 1n)) + 1;
    if (wv > Number.MAX_SAFE_INTEGER) {
      this.unlockUnchanged(n);
      this.freeUnpublished(n);
      this.abort('none');
      throw new ClockExhaustedError(wv - 1);
    }

    // Step 4d: validate (T4).
    if (wv !== this.snapshot + 1 && this.validateReads && !this.readsCurrentLocked()) {
      this.unlockUnchanged(n);
      this.freeUnpublished(n);
      this.abort('conflict');
      return false;
    }

    // Step 4e: publish (T5), trim (T6), unlock with a new sequence.
    const mem = this.mem;
    const i32 = mem.i32;
    const f64 = mem.f64;
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const e = order[k]!;
      const cell = writes.cells[e]!;
      const record = records[e]!;
      const ci = cell >> 2;
      const cf = cell >> 3;
      const ri = record >> 2;
      const rf = record >> 3;
      i32[ri + (R_NEXT >> 2)] = i32[ci + (C_CHAIN >> 2)]!;
      i32[ri + (R_REF >> 2)] = i32[ci + (C_REF >> 2)]!;
      f64[rf + (R_VERSION >> 3)] = f64[cf + (C_VERSION >> 3)]!;
      f64[rf + (R_NUM >> 3)] = f64[cf + (C_NUM >> 3)]!;
      const kind = writes.kinds[e]!;
      if (kind === W_ADD) {
        f64[cf + (C_NUM >> 3)] = f64[cf + (C_NUM >> 3)]! + writes.nums[e]!;
      } else if (kind === W_BLOB) {
        i32[ci + (C_REF >> 2)] = writes.refs[e]!;
      } else {
        f64[cf + (C_NUM >> 3)] = writes.nums[e]!;
        i32[ci + (C_REF >> 2)] = 0;
      }
      f64[cf + (C_VERSION >> 3)] = wv;
      i32[ci + (C_CHAIN >> 2)] = record;
      i32[ci + (C_WRITER >> 2)] = this.tag;
      kept += 1 - this.trim(record);
      Atomics.store(i32, ci, (seqs[e]! + 1) & 0x7fffffff); // T5: publish; unlock (T3)
    }
    f64[slotF64 + (S_LIVE_VERSIONS >> 3)]! += kept;
    f64[slotF64 + (S_COMMITS >> 3)]! += 1;
    this.serialPoint = wv;
    if (this.recording) this.keepHistory(wv);
    this.end();
    return true;
  }

  /** Direct-mode commit: lock, overwrite at a new version, drop old versions, unlock. */
  private commitDirect(): boolean {
    const writes = this.writes;
    const n = writes.count;
    // Encode and allocate before locking, as in commit(): a full heap writes nothing.
    try {
      for (let e = 0; e < n; e++) if (writes.kinds[e] === W_BLOB) writes.refs[e] = this.alloc.storeValue(writes.blobs[e]!);
    } catch (error) {
      for (let e = 0; e < n; e++) if (writes.refs[e] !== 0) this.alloc.freeBlock(writes.refs[e]!);
      this.abort('none');
      throw error;
    }
    if (this.order.length < n) this.growScratch(n);
    writes.sortedOrder(this.order, this.seqs);
    for (let k = 0; k < n; k++) this.seqs[this.order[k]!] = this.lockCell(writes.cells[this.order[k]!]!);
    const wv = Number(Atomics.add(this.mem.big, CLOCK_INDEX, 1n)) + 1;
    if (wv > Number.MAX_SAFE_INTEGER) {
      this.unlockUnchanged(n);
      for (let e = 0; e < n; e++) if (writes.refs[e] !== 0) this.alloc.freeBlock(writes.refs[e]!);
      this.abort('none');
      throw new ClockExhaustedError(wv - 1);
    }
    const mem = this.mem;
    let freed = 0;
    for (let e = 0; e < n; e++) {
      const cell = writes.cells[e]!;
      const ci = cell >> 2;
      const cf = cell >> 3;
      const oldRef = mem.i32[ci + (C_REF >> 2)]!;
      const kind = writes.kinds[e]!;
      if (kind === W_ADD) mem.f64[cf + (C_NUM >> 3)] = mem.f64[cf + (C_NUM >> 3)]! + writes.nums[e]!;
      else if (kind === W_BLOB) mem.i32[ci + (C_REF >> 2)] = writes.refs[e]!;
      else {
        mem.f64[cf + (C_NUM >> 3)] = writes.nums[e]!;
        mem.i32[ci + (C_REF >> 2)] = 0;
      }
      if (oldRef !== 0 && kind !== W_ADD) this.alloc.freeBlock(oldRef);
      mem.f64[cf + (C_VERSION >> 3)] = wv;
      mem.i32[ci + (C_WRITER >> 2)] = this.tag;
      const chain = mem.i32[ci + (C_CHAIN >> 2)]!;
      mem.i32[ci + (C_CHAIN >> 2)] = 0;
      freed += this.freeChain(chain);
      Atomics.store(mem.i32, ci, (this.seqs[e]! + 1) & 0x7fffffff);
    }
    const slotF64 = slotOffset(this.slot, 0) >> 3;
    mem.f64[slotF64 + (S_LIVE_VERSIONS >> 3)]! -= freed;
    mem.f64[slotF64 + (S_COMMITS >> 3)]! += 1;
    this.serialPoint = wv;
    if (this.recording) this.keepHistory(wv);
    this.end();
    return true;
  }

  /** Keeps what the committing transaction read and wrote (recording only). */
  private keepHistory(version: number): void {
    const reads: [number, number][] = [];
    for (let k = 0; k < this.readCount; k++) reads.push([this.reads[k]!, this.readVersions[k]!]);
    const writes = Array.from(this.writes.cells.subarray(0, this.writes.count));
    this.history = { reads, writes, version };
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
        if (version > this.snapshot) {
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
   * transaction must then be aborted. The new snapshot is published before the reads are checked (T1): a
   * read cell written after the old snapshot has a newer VERSION, or is locked, and is
   * found either way.
   */
  extend(): boolean {
    const big = this.mem.big;
    let clock: bigint;
    for (;;) {
      clock = Atomics.load(big, CLOCK_INDEX);
      Atomics.store(big, this.snapIndex, clock); // T1: only ever raised while active
      if (Atomics.load(big, CLOCK_INDEX) === clock) break;
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

  /** T4: validation while holding the write locks; never waits (T3). */
  private readsCurrentLocked(): boolean {
    const i32 = this.mem.i32;
    const f64 = this.mem.f64;
    for (let k = 0; k < this.readCount; k++) {
      const cell = this.reads[k]!;
      const li = cell >> 2;
      const lock = Atomics.load(i32, li);
      const version = f64[(cell + C_VERSION) >> 3]!;
      if (
        (lock < 0 && lock !== this.mine) || // another commit is publishing it
        (lock >= 0 && Atomics.load(i32, li) !== lock) || // changed under us
        version > this.snapshot
      ) {
        this.conflictCell = cell;
        return false;
      }
    }
    return true;
  }

  /** Takes the lock of `cell` (T3, T7); returns the sequence it held. */
  private lockCell(cell: number): number {
    const li = cell >> 2;
    for (let spins = 0; ; spins++) {
      const i32 = this.mem.i32;
      const lock = Atomics.load(i32, li);
      if (lock >= 0 && Atomics.compareExchange(i32, li, lock, this.mine) === lock) return lock;
      this.backoff.spin(spins);
    }
  }

  private unlockUnchanged(n: number): void {
    for (let e = 0; e < n; e++) Atomics.store(this.mem.i32, this.writes.cells[e]! >> 2, this.seqs[e]!);
  }

  /** Waits while the lock word at i32 index `li` is held (T2). */
  private waitUnlocked(li: number): void {
    for (let spins = 0; Atomics.load(this.mem.i32, li) < 0; spins++) this.backoff.spin(spins);
  }

  /** Returns this commit's unpublished records and blocks to the free lists. */
  private freeUnpublished(n: number): void {
    const writes = this.writes;
    const records = this.records;
    for (let e = 0; e < n; e++) {
      if (records[e] !== 0) this.alloc.free(records[e]!, VERSION_CLASS);
      if (writes.refs[e] !== 0) {
        this.alloc.freeBlock(writes.refs[e]!);
        writes.refs[e] = 0;
      }
    }
  }

  /**
   * T6: keeps the newest version <= bound reachable from `record` and frees every older
   * one. Caller holds the cell's lock. Returns the number of records freed.
   */
  private trim(record: number): number {
    const mem = this.mem;
    let r = record;
    let above = 0;
    while (r !== 0 && mem.f64[(r + R_VERSION) >> 3]! > this.bound) {
      r = mem.i32[(r + R_NEXT) >> 2]!;
      above++;
    }
    // A long chain above the bound means the bound is old: refresh it at the next commit.
    if (above > STALE_CHAIN) this.commitsSinceBound = BOUND_REFRESH_EVERY;
    if (r === 0) return 0;
    const dead = mem.i32[(r + R_NEXT) >> 2]!;
    mem.i32[(r + R_NEXT) >> 2] = 0; // cut first: readers stop at r (T6)
    return this.freeChain(dead);
  }

  /** Frees the version records from `record` on (already unreachable) and their blocks. */
  private freeChain(record: number): number {
    const mem = this.mem;
    let freed = 0;
    for (let dead = record; dead !== 0; ) {
      mem.ensure(dead + 32);
      const next = mem.i32[(dead + R_NEXT) >> 2]!;
      const ref = mem.i32[(dead + R_REF) >> 2]!;
      if (ref !== 0) this.alloc.freeBlock(ref);
      this.alloc.free(dead, VERSION_CLASS);
      freed++;
      dead = next;
    }
    return freed;
  }

  /**
   * T1/T6: bound = min(CLOCK, every published snapshot). CLOCK is read before the slots:
   * a transaction this scan misses re-read CLOCK after publishing and found it unchanged,
   * so its snapshot is >= the CLOCK read here. Old bounds stay valid (snapshots only grow).
   */
  private refreshBound(): void {
    const big = this.mem.big;
    let min = Number(Atomics.load(big, CLOCK_INDEX));
    const high = Atomics.load(this.mem.i32, H_SLOT_HIGH >> 2);
    for (let s = 0; s < high; s++) {
      const snap = Atomics.load(big, slotOffset(s, S_SNAPSHOT) >> 3);
      if (snap !== NO_SNAPSHOT) {
        const v = Number(snap);
        if (v < min) min = v;
      }
    }
    this.bound = min;
    this.commitsSinceBound = 0;
  }

  private growScratch(n: number): void {
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
