/**
 * The commit protocol of an update transaction: the one design of @ame/stm's commit path.
 * Every other module that touches commits (transaction.ts begins and reads, reclaim.ts
 * trims, recovery.ts repairs a thread that died here) follows the steps and words below.
 *
 * ## Steps (one function, commitUpdate, for every update commit)
 *  a. allocate value blocks for object values and the shared commit log sized for the
 *     write set. No lock held: a full heap aborts with nothing written. (W_OWN entries
 *     bring a cell block the transaction allocated before commit; a failed commit frees it
 *     with the other unpublished blocks: B2.)
 *  b. log: the written cells, in address order, go into the commit log; state LOCKING.
 *  c. lock the cells in that order (T3, T7), saving each lock word's sequence in the log.
 *  d. wv = ++CLOCK, written into the log at once (C4 reports it).
 *  e. validate the reads (T4); on a conflict unlock unchanged, free, state IDLE. Then decide
 *     whether the old values are kept as versions (T8); if so, allocate one version record
 *     per written cell, still locked: a full heap unlocks unchanged and aborts, as a
 *     conflict does, with nothing written.
 *  f. save each cell's current value: kept, into its version record; not kept, into the
 *     log; then state PUBLISHING.
 *  g. overwrite each cell with its new value at version wv, linking the record if kept, else
 *     no chain (T5).
 *  h. state UNLOCKING; unlock each cell with sequence + 1, trimming its chain first if kept
 *     (T6). Not kept: after the last unlock, the old values and chains are freed (B2).
 *  i. the slot's LAST_TAG and LAST_VERSION name this commit; state IDLE.
 *
 * Direct mode (TxControl.direct: a caller's global lock promises that no other transaction
 * runs) is the same function with step e skipped and nothing kept: under that promise
 * validation cannot fail and T8 would find no other snapshot.
 *
 * ## Invariants
 *  T3. Commit locks are taken in ascending cell address and held only for the bounded
 *      commit step (no user code runs, no other lock is waited on out of order), so
 *      waiting for a lock cannot deadlock.
 *  T4. Validation runs after wv is taken and while the write locks are held. A commit with
 *      version in (S, wv) that wrote a read cell either still holds its lock (seen, abort)
 *      or has published VERSION > S (seen, abort). If wv == S + 1 there is no such commit.
 *      A TMap KEY cell recorded empty is not written by commits but claimed (hash-table.ts
 *      H1): version Infinity, seen the same way; this attempt's own claim is excused.
 *  T5. Nothing of a commit is visible before its first unlock: every written cell stays
 *      locked until all of them hold their new values (g before h). Version records are
 *      written completely before the cell links them; a linked record never changes,
 *      except that the lock holder may cut its NEXT (T6).
 *  T7. Lock words hold ~slot while locked: the owner of a held lock is always known.
 *  T8. The old values of a commit are kept as versions only if another slot's published
 *      snapshot is below wv when looked at after wv was taken (reclaim.ts othersMayRead).
 *      A reader not seen then stored its snapshot after the look, so (T1) it re-read the
 *      clock after wv was taken: its snapshot is >= wv, it waits on the locked cells (T2)
 *      and reads the new values, never an old one. So an old value nobody was seen to need
 *      is never read again: it can be overwritten in place and freed after the unlocks, as
 *      in direct mode. On one thread (a queue's batch run inline while its workers idle,
 *      heap.atomically in a script) commits keep no versions; SequentialQueue and GilQueue
 *      commit in direct mode, under their lock.
 *
 * ## A thread that dies inside a commit (worker.terminate, process.exit, AME_FAULT)
 * Its slot's COMMIT_STATE and COMMIT_LOG say how far it got. They are plain stores by the
 * owner, read only by recovery.ts after the owner's thread has exited (the exit is
 * observed through the worker's exit event, which orders the dead thread's stores before
 * it). Who repairs: whoever learns of the death (the pool's main thread, calling
 * `Heap.recover(threadId)`), while other threads keep running:
 *  C1. IDLE: nothing to do (the commit had not started, or had finished: then LAST_TAG and
 *      LAST_VERSION name it, so a scheduler can tell a task that committed just before
 *      its thread died from one that did not).
 *  C2. LOCKING (steps b-f): no cell was changed. Every logged cell still locked by ~slot
 *      is unlocked; the commit did not happen. A gap in the clock (wv taken, never
 *      published) is harmless: T4's shortcut needs wv == S + 1, which a gap only makes
 *      rarer.
 *  C3. PUBLISHING (step g): every logged cell is locked by ~slot (c completed) and its old
 *      value is saved (f completed: in its record, or in the log when the log says the old
 *      values are kept there: L_OLD_IN_LOG); some cells hold new values. Each is restored
 *      (value, version, chain) and unlocked with sequence + 1, so a reader that saw the
 *      lock word before the commit retries. Nobody read a new value (T5): rolled back, the
 *      commit did not happen.
 *  C4. UNLOCKING (step h): every cell holds its new value; some may be unlocked already
 *      and read. Rolled forward: the rest are unlocked with sequence + 1. The commit
 *      happened; its tag (the task index a scheduler set) and the wv its log kept are
 *      reported (not a cell's version: a cell unlocked before the death may already hold
 *      a later commit's, and a scheduler placing the task by it would misorder it).
 * Recovery also withdraws the dead slot's snapshot, releases DIR_LOCK if it held it, drops
 * its free lists (leaked: the owner may have died mid-update of one) and frees the slot.
 *
 * ## Fault injection
 * With AME_FAULT=commit-exit:<p>, a worker exits with probability p at each step marked
 * `faultPoint('commit-exit', n)`: 1 logged, not locked; 2 first lock held; 3 all locked, wv taken;
 * 4 validated, records written; 5 first cell overwritten; 6 all overwritten, none
 * unlocked; 7 first cell unlocked; 8 all unlocked, state not yet IDLE.
 *
 * Memory ordering: Atomics operations are sequentially consistent; plain stores to a cell
 * are published by the unlocking Atomics.store (T5).
 */
import { ClockExhaustedError } from '../errors.js';
import { COMMIT_IDLE, COMMIT_PUBLISHING, COMMIT_UNLOCKING } from './commit-log.js';
import { FAULTS, faultPoint } from '../fault.js';
import {
  C_CHAIN,
  C_NUM,
  C_REF,
  C_VERSION,
  C_WRITER,
  H_CLOCK,
  R_NEXT,
  R_NUM,
  R_REF,
  R_VERSION,
  S_COMMITS,
  S_LIVE_VERSIONS,
  slotOffset,
  VERSION_CLASS,
} from './layout.js';
import type { Transaction } from './transaction.js';
import { freeValue } from './cell-block.js';
import { W_ADD, W_BLOB, W_OWN } from './write-set.js';

const CLOCK_INDEX = H_CLOCK >> 3;

/**
 * Steps a-i for a transaction with writes, both modes. Returns false on a conflict.
 * Throws HeapFullError or ClockExhaustedError with nothing published.
 */
export function commitUpdate(tx: Transaction): boolean {
  const n = tx.writes.count;
  const direct = tx.direct;
  if (!direct) tx.reclaimer.beforeCommit();

  // a. Allocate what every commit needs outside the locks, so a full heap aborts cleanly.
  const log = tx.log;
  if (tx.records.length < n) tx.growScratch(n);
  try {
    log.reserve(n);
    storeBlobs(tx, n);
  } catch (error) {
    freeUnpublished(tx, n, false);
    tx.abort('none');
    throw error;
  }

  // b-d. Log, lock, take wv.
  const wv = lockAndStamp(tx, n);
  // e. Validate (T4), then keep the old values only if a snapshot may read them (T8); their
  // records are allocated only then, under the locks: a full heap unlocks unchanged.
  if (!direct && wv !== tx.snapshot + 1 && tx.validateReads && !readsCurrentLocked(tx)) {
    unlockUnchanged(tx, n);
    freeUnpublished(tx, n, false);
    tx.abort('conflict');
    return false;
  }
  const keep = !direct && tx.reclaimer.othersMayRead(wv);
  if (keep) {
    try {
      allocateRecords(tx, n);
    } catch (error) {
      unlockUnchanged(tx, n);
      freeUnpublished(tx, n, true);
      tx.abort('none');
      throw error;
    }
  }

  // f-g. Each current value saved (record or log: C3), then every cell overwritten at wv,
  // still locked (T5).
  publish(tx, n, wv, keep);
  // h. Unlock with a new sequence: the commit becomes visible (C4 from here).
  const kept = unlockAll(tx, n, keep);
  if (FAULTS) faultPoint('commit-exit', 8);
  // i.
  log.done(tx.tag, wv);
  // Not kept: what the old values held goes now (B2), after the last unlock so that a
  // rollback (C3) never points at freed memory.
  const live = keep ? kept : -freeOldValues(tx, n);
  const f64 = tx.mem.f64;
  const slotF64 = slotOffset(tx.slot, 0) >> 3;
  f64[slotF64 + (S_LIVE_VERSIONS >> 3)]! += live;
  f64[slotF64 + (S_COMMITS >> 3)]! += 1;
  tx.committed(wv);
  return true;
}

// The loops over the write set live in functions of their own (below), each holding one
// loop and nothing after it. V8 compiles a function on the stack (OSR) while one long loop
// runs in it, such as the commit of a transaction that fills a 100,000-cell array; code
// compiled then has no type feedback for what follows the loop, and on Node 20 later
// small commits entered that code and deoptimised again and again (2,179 deoptimisations of
// commitUpdate in 100,000 small transactions after one such transaction; 0 with the loops
// apart: test/commit-path-stays-optimised.test.ts).

/** Step e, old values kept (T8): one version record per written cell. */
function allocateRecords(tx: Transaction, n: number): void {
  const records = tx.records;
  let e = 0;
  try {
    for (; e < n; e++) records[e] = tx.alloc.alloc(VERSION_CLASS);
  } catch (error) {
    records.fill(0, e, n); // freeUnpublished frees only what was allocated
    throw error;
  }
}

/** Step a: value blocks for encoded values. */
function storeBlobs(tx: Transaction, n: number): void {
  const writes = tx.writes;
  for (let e = 0; e < n; e++) if (writes.kinds[e] === W_BLOB) writes.refs[e] = tx.alloc.storeValue(writes.blobs[e]!);
}

/**
 * Steps f-g: each cell's old value saved (kept: into its version record; not kept: into the
 * log), state PUBLISHING, every cell overwritten at wv, state UNLOCKING.
 */
function publish(tx: Transaction, n: number, wv: number, keep: boolean): void {
  if (keep) copyIntoRecords(tx, n);
  else copyIntoLog(tx, n);
  tx.log.setOldInLog(!keep); // C3 reads it from PUBLISHING on
  tx.log.setState(COMMIT_PUBLISHING);
  if (FAULTS) faultPoint('commit-exit', 4);
  publishValues(tx, n, wv, keep);
  tx.log.setState(COMMIT_UNLOCKING);
  if (FAULTS) faultPoint('commit-exit', 6);
}

/** Step f, kept: each cell's current value into its version record; the log names the record (C3). */
function copyIntoRecords(tx: Transaction, n: number): void {
  const { writes, records, order, log } = tx;
  const i32 = tx.mem.i32;
  const f64 = tx.mem.f64;
  for (let k = 0; k < n; k++) {
    const ent = order[k]!;
    const ci = writes.cells[ent]! >> 2;
    const record = records[ent]!;
    const ri = record >> 2;
    const rf = record >> 3;
    i32[ri + (R_NEXT >> 2)] = i32[ci + (C_CHAIN >> 2)]!;
    i32[ri + (R_REF >> 2)] = i32[ci + (C_REF >> 2)]!;
    f64[rf + (R_VERSION >> 3)] = f64[(ci >> 1) + (C_VERSION >> 3)]!;
    f64[rf + (R_NUM >> 3)] = f64[(ci >> 1) + (C_NUM >> 3)]!;
    log.setRecord(k, record, i32[ci + (C_WRITER >> 2)]!);
  }
}

/**
 * Step g: every locked cell gets its new value at version wv (T5: none is unlocked yet).
 * Kept, the cell links its version record; not kept, it has no chain.
 */
function publishValues(tx: Transaction, n: number, wv: number, keep: boolean): void {
  const { writes, records, order } = tx;
  const i32 = tx.mem.i32;
  const f64 = tx.mem.f64;
  const tag = tx.tag;
  for (let k = 0; k < n; k++) {
    const ent = order[k]!;
    const ci = writes.cells[ent]! >> 2;
    const cf = ci >> 1;
    const kind = writes.kinds[ent]!;
    if (kind === W_ADD) {
      f64[cf + (C_NUM >> 3)] = f64[cf + (C_NUM >> 3)]! + writes.nums[ent]!;
    } else if (kind === W_BLOB || kind === W_OWN) {
      i32[ci + (C_REF >> 2)] = writes.refs[ent]!;
    } else {
      f64[cf + (C_NUM >> 3)] = writes.nums[ent]!;
      i32[ci + (C_REF >> 2)] = 0;
    }
    f64[cf + (C_VERSION >> 3)] = wv;
    i32[ci + (C_CHAIN >> 2)] = keep ? records[ent]! : 0;
    i32[ci + (C_WRITER >> 2)] = tag;
    if (FAULTS && k === 0) faultPoint('commit-exit', 5);
  }
}

/**
 * Step h: unlocks each cell with sequence + 1 (T5: the commit becomes visible); kept, it
 * first trims the cell's chain while still holding its lock (T6). Returns the versions
 * kept (0 when not kept).
 */
function unlockAll(tx: Transaction, n: number, keep: boolean): number {
  const { writes, records, order, seqs } = tx;
  const i32 = tx.mem.i32;
  let kept = 0;
  for (let k = 0; k < n; k++) {
    const ent = order[k]!;
    if (keep) kept += 1 - tx.reclaimer.trim(records[ent]!);
    Atomics.store(i32, writes.cells[ent]! >> 2, (seqs[ent]! + 1) & 0x7fffffff); // T5: publish; unlock (T3)
    if (FAULTS && k === 0) faultPoint('commit-exit', 7);
  }
  return kept;
}

/** Step f, not kept: each cell's old value into the log (C3 restores it from there). */
function copyIntoLog(tx: Transaction, n: number): void {
  const { writes, order, log } = tx;
  const i32 = tx.mem.i32;
  const f64 = tx.mem.f64;
  for (let k = 0; k < n; k++) {
    const ci = writes.cells[order[k]!]! >> 2;
    log.setOld(
      k,
      i32[ci + (C_WRITER >> 2)]!,
      i32[ci + (C_REF >> 2)]!,
      i32[ci + (C_CHAIN >> 2)]!,
      f64[(ci >> 1) + (C_VERSION >> 3)]!,
      f64[(ci >> 1) + (C_NUM >> 3)]!,
    );
  }
}

/** After step h, not kept: frees the value blocks and version chains the old values held (B2). Returns the records freed. */
function freeOldValues(tx: Transaction, n: number): number {
  const { writes, order, log } = tx;
  let freed = 0;
  for (let k = 0; k < n; k++) {
    const kind = writes.kinds[order[k]!]!;
    const oldRef = log.oldRef(k);
    if (oldRef !== 0 && kind !== W_ADD) freed += freeValue(tx.mem, tx.alloc, oldRef); // B2
    freed += tx.reclaimer.freeChain(log.oldChain(k));
  }
  return freed;
}

/**
 * Steps b-d: log the cells in lock order (C2 needs them before the first lock), lock them
 * in that order (T3, T7), take wv. Throws ClockExhaustedError with everything unlocked and
 * freed.
 */
function lockAndStamp(tx: Transaction, n: number): number {
  const writes = tx.writes;
  const order = tx.order;
  const seqs = tx.seqs;
  const log = tx.log;
  writes.sortedOrder(order, seqs);
  log.begin(writes.cells, order, n, tx.tag);
  if (FAULTS) faultPoint('commit-exit', 1);
  lockAll(tx, n);
  const wv = Number(Atomics.add(tx.mem.big, CLOCK_INDEX, 1n)) + 1;
  log.setVersion(wv); // read by recovery in C4: the cells' own versions may be newer by then
  if (FAULTS) faultPoint('commit-exit', 3);
  if (wv > Number.MAX_SAFE_INTEGER) {
    unlockUnchanged(tx, n);
    freeUnpublished(tx, n, false);
    tx.abort('none');
    throw new ClockExhaustedError(wv - 1);
  }
  return wv;
}

/** Step c: locks the written cells in address order (T3, T7), logging each lock's sequence. */
function lockAll(tx: Transaction, n: number): void {
  const { writes, order, seqs, log } = tx;
  for (let k = 0; k < n; k++) {
    const seq = lockCell(tx, writes.cells[order[k]!]!);
    seqs[order[k]!] = seq;
    log.setSeq(k, seq);
    if (FAULTS && k === 0) faultPoint('commit-exit', 2);
  }
}

/** T4: validation while holding the write locks; never waits (T3). */
function readsCurrentLocked(tx: Transaction): boolean {
  const i32 = tx.mem.i32;
  const f64 = tx.mem.f64;
  const reads = tx.reads;
  const mine = tx.mine;
  for (let k = 0; k < tx.readCount; k++) {
    const cell = reads[k]!;
    const li = cell >> 2;
    const lock = Atomics.load(i32, li);
    const version = f64[(cell + C_VERSION) >> 3]!;
    if (
      (lock < 0 && lock !== mine) || // another commit is publishing it
      (lock >= 0 && Atomics.load(i32, li) !== lock) || // changed under us
      (version > tx.snapshot && !tx.ownClaim(cell, version))
    ) {
      tx.conflictCell = cell;
      return false;
    }
  }
  return true;
}

/** Takes the lock of `cell` (T3, T7); returns the sequence it held. */
function lockCell(tx: Transaction, cell: number): number {
  const li = cell >> 2;
  for (let spins = 0; ; spins++) {
    const i32 = tx.mem.i32;
    const lock = Atomics.load(i32, li);
    if (lock >= 0 && Atomics.compareExchange(i32, li, lock, tx.mine) === lock) return lock;
    tx.backoff.spin(spins);
  }
}

/** Step e's way out: every lock back to the sequence it held (nothing changed); state IDLE. */
function unlockUnchanged(tx: Transaction, n: number): void {
  for (let e = 0; e < n; e++) Atomics.store(tx.mem.i32, tx.writes.cells[e]! >> 2, tx.seqs[e]!);
  tx.log.setState(COMMIT_IDLE);
}

/**
 * Returns this commit's unpublished blocks to the free lists, and its version records if
 * `withRecords` (allocateRecords left 0 where it did not get one).
 */
function freeUnpublished(tx: Transaction, n: number, withRecords: boolean): void {
  const writes = tx.writes;
  const records = tx.records;
  for (let e = 0; e < n; e++) {
    if (withRecords && records[e] !== 0) {
      tx.alloc.free(records[e]!, VERSION_CLASS);
      records[e] = 0;
    }
    if (writes.refs[e] !== 0) {
      freeValue(tx.mem, tx.alloc, writes.refs[e]!); // B2: a W_OWN cell block with its contents
      writes.refs[e] = 0;
    }
  }
}
