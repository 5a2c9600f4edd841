/**
 * Reclamation of old versions: the bound below which no snapshot can read, and the trim
 * that frees every version record a cell keeps below it.
 *
 * Invariants:
 *  T1. (with transaction.ts) A slot's SNAPSHOT is stored before the transaction reads
 *      anything, and the clock is re-read after storing it: if CLOCK moved, the snapshot
 *      is taken again. So a reclaimer that read CLOCK before scanning slots and missed
 *      this slot saw a CLOCK <= S: it cannot free a version S needs (refreshBound).
 *  T6. With bound B <= every active snapshot (refreshBound), the newest version <= B is
 *      kept and every older one freed. A reader with S >= B stops at or before that
 *      version, so it never touches freed memory. Only the holder of a cell's lock trims
 *      its chain.
 *  T8. (with commit.ts) A commit keeps its old values as versions only if another slot's
 *      snapshot, looked at after its wv was taken, is below wv (othersMayRead).
 */
import { freeRecords } from './cell-block.js';
import type { Allocator, Memory } from './memory.js';
import { H_CLOCK, H_SLOT_HIGH, NO_SNAPSHOT, R_NEXT, R_VERSION, S_SNAPSHOT, slotOffset } from './layout.js';

/** Update commits between two scans of every slot for the reclamation bound, at most. */
const BOUND_REFRESH_EVERY = 64;
/** Versions above the bound a trim may find before it asks for a fresh bound. */
const STALE_CHAIN = 4;
/**
 * Commits that keep their versions without looking (T8) after a look found another
 * snapshot: while other threads run transactions, most looks would find one.
 */
const KEEP_WITHOUT_LOOKING = 256;

export class Reclaimer {
  /** B: no active snapshot is older (T6). Old bounds stay valid: snapshots only grow. */
  private bound = 0;
  private commitsSinceBound = BOUND_REFRESH_EVERY;
  /** Commits left that keep their versions without looking (T8). */
  private keepBlindly = 0;

  constructor(
    private readonly mem: Memory,
    private readonly alloc: Allocator,
    /** This thread's slot: its own snapshot ends with the commit, it reads nothing older. */
    private readonly slot: number,
  ) {}

  /** Called once per update commit, before its locks: refreshes the bound now and then. */
  beforeCommit(): void {
    if (this.commitsSinceBound++ >= BOUND_REFRESH_EVERY) this.refreshBound();
  }

  /**
   * T6: keeps the newest version <= bound reachable from `record` and frees every older
   * one. Caller holds the cell's lock. Returns the number of records freed.
   */
  trim(record: number): number {
    const mem = this.mem;
    let r = record;
    let above = 0;
    for (; r !== 0; above++) {
      mem.ensure(r + 32); // a record another thread allocated may lie past this thread's views
      if (mem.f64[(r + R_VERSION) >> 3]! <= this.bound) break;
      r = mem.i32[(r + R_NEXT) >> 2]!;
    }
    // A long chain above the bound means the bound is old: refresh it at the next commit.
    if (above > STALE_CHAIN) this.commitsSinceBound = BOUND_REFRESH_EVERY;
    if (r === 0) return 0;
    const dead = mem.i32[(r + R_NEXT) >> 2]!;
    mem.i32[(r + R_NEXT) >> 2] = 0; // cut first: readers stop at r (T6)
    return this.freeChain(dead);
  }

  /** Frees the version records from `record` on (already unreachable) and their values (B2). */
  freeChain(record: number): number {
    return freeRecords(this.mem, this.alloc, record);
  }

  /**
   * T8: true if the old values of a commit at version `wv` must be kept as versions, that
   * is if another slot published a snapshot below wv. Call after wv is taken (commit.ts
   * step e): a snapshot published after this look is >= wv (T1). Answering true is always
   * safe, so after finding one the next KEEP_WITHOUT_LOOKING commits answer true unlooked.
   */
  othersMayRead(wv: number): boolean {
    if (this.keepBlindly > 0) {
      this.keepBlindly--;
      return true;
    }
    if (this.oldestSnapshot(wv, this.slot) === wv) return false;
    this.keepBlindly = KEEP_WITHOUT_LOOKING;
    return true;
  }

  /**
   * T1/T6: bound = min(CLOCK, every published snapshot). CLOCK is read before the slots:
   * a transaction this scan misses re-read CLOCK after publishing and found it unchanged,
   * so its snapshot is >= the CLOCK read here.
   */
  private refreshBound(): void {
    this.bound = this.oldestSnapshot(Number(Atomics.load(this.mem.big, H_CLOCK >> 3)), -1);
    this.commitsSinceBound = 0;
  }

  /** The oldest snapshot published by a slot other than `skip`, or `limit` if none is older. */
  private oldestSnapshot(limit: number, skip: number): number {
    const big = this.mem.big;
    let min = limit;
    const high = Atomics.load(this.mem.i32, H_SLOT_HIGH >> 2);
    for (let s = 0; s < high; s++) {
      if (s === skip) continue; // its own snapshot: not loaded (a BigInt load costs ~20 ns)
      const snap = Atomics.load(big, slotOffset(s, S_SNAPSHOT) >> 3);
      if (snap !== NO_SNAPSHOT && Number(snap) < min) min = Number(snap);
    }
    return min;
  }
}
