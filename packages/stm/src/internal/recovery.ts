/**
 * Repairs a heap after a thread died while attached (commit.ts, C1-C4): finishes or undoes
 * its commit in progress, withdraws its snapshot, releases what it locked and frees its
 * slot. Runs on any other thread while the rest keep going.
 *
 * Precondition R1: the dead slot's owner thread has exited (its exit event was seen):
 * nothing writes the slot, its log or the cells it locked any more, and its plain stores
 * are visible. Calling this for a live thread breaks the STM.
 */
import {
  C_CHAIN,
  C_NUM,
  C_REF,
  C_VERSION,
  C_WRITER,
  H_DIR_LOCK,
  H_SLOT_HIGH,
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
  NO_SNAPSHOT,
  NUM_CLASSES,
  R_NEXT,
  R_NUM,
  R_REF,
  R_VERSION,
  S_COMMIT_LOG,
  S_COMMIT_STATE,
  S_FREE_BYTES,
  S_FREE_HEADS,
  S_LAST_TAG,
  S_LAST_VERSION,
  S_SNAPSHOT,
  S_STATE,
  S_THREAD,
  slotOffset,
} from './layout.js';
import { COMMIT_IDLE, COMMIT_LOCKING, COMMIT_PUBLISHING, COMMIT_UNLOCKING } from './commit-log.js';
import type { Memory } from './memory.js';

/** What recovery found for one dead slot. */
export interface SlotRecovery {
  slot: number;
  /** 'none': no commit was in progress; else what was done to it (C2, C3, C4). */
  commit: 'none' | 'undone' | 'rolled-back' | 'rolled-forward';
  /** The interrupted commit's tag (a scheduler's task index), -1 when commit is 'none'. */
  tag: number;
  /** Cells unlocked. */
  unlocked: number;
  /**
   * The last update commit the thread made, counting one rolled forward here: its tag and
   * commit version; undefined if it made none. A scheduler compares it with the task the
   * thread was running to know whether that task's writes are in the heap.
   */
  lastCommit: { tag: number; version: number } | undefined;
}

/** Slots attached by `threadId` (S_STATE 1, S_THREAD threadId). */
export function slotsOfThread(mem: Memory, threadId: number): number[] {
  const slots: number[] = [];
  const high = Atomics.load(mem.i32, H_SLOT_HIGH >> 2);
  for (let s = 0; s < high; s++) {
    if (Atomics.load(mem.i32, slotOffset(s, S_STATE) >> 2) === 1 && mem.i32[slotOffset(s, S_THREAD) >> 2] === threadId) {
      slots.push(s);
    }
  }
  return slots;
}

/** Repairs dead slot `slot` (R1) and frees it. */
export function recoverSlot(mem: Memory, slot: number): SlotRecovery {
  mem.refresh();
  const i32 = mem.i32;
  const f64 = mem.f64;
  const mine = ~slot;
  const state = i32[slotOffset(slot, S_COMMIT_STATE) >> 2]!;
  const block = i32[slotOffset(slot, S_COMMIT_LOG) >> 2]!;
  const lastVersion = f64[slotOffset(slot, S_LAST_VERSION) >> 3]!;
  const result: SlotRecovery = {
    slot,
    commit: 'none',
    tag: -1,
    unlocked: 0,
    lastCommit: lastVersion > 0 ? { tag: i32[slotOffset(slot, S_LAST_TAG) >> 2]!, version: lastVersion } : undefined,
  };
  if (state !== COMMIT_IDLE && block !== 0) {
    mem.ensure(block + L_ENTRIES);
    const n = i32[(block + L_COUNT) >> 2]!;
    const oldInLog = i32[(block + L_OLD_IN_LOG) >> 2] === 1;
    mem.ensure(block + L_ENTRIES + n * LOG_ENTRY_BYTES);
    result.tag = i32[(block + L_TAG) >> 2]!;
    for (let k = 0; k < n; k++) {
      const at = block + L_ENTRIES + k * LOG_ENTRY_BYTES;
      const cell = i32[(at + LE_CELL) >> 2]!;
      const li = cell >> 2;
      if (Atomics.load(i32, li) !== mine) continue; // not locked yet (C2) or already unlocked (C4)
      const seq = i32[(at + LE_SEQ) >> 2]! & 0x7fffffff;
      if (state === COMMIT_LOCKING) {
        // C2: unchanged, and a reader that saw `seq` before may keep what it read.
        Atomics.store(i32, li, seq);
      } else {
        if (state === COMMIT_PUBLISHING) restore(mem, cell, at, oldInLog); // C3
        Atomics.store(i32, li, (seq + 1) & 0x7fffffff); // C3/C4: readers of the old sequence retry
      }
      result.unlocked++;
    }
    result.commit =
      state === COMMIT_LOCKING
        ? 'undone'
        : state === COMMIT_PUBLISHING
          ? 'rolled-back'
          : state === COMMIT_UNLOCKING
            ? 'rolled-forward'
            : 'none';
    if (state === COMMIT_UNLOCKING) {
      // C4: the commit happened at the version its log kept. Not a cell's version: a cell the
      // dead thread had already unlocked may hold a later commit's by now.
      result.lastCommit = { tag: result.tag, version: f64[(block + L_VERSION) >> 3]! };
    }
    i32[slotOffset(slot, S_COMMIT_STATE) >> 2] = COMMIT_IDLE;
  }
  // The log block and the free lists are dropped (leaked): the owner may have died while
  // changing a free list, so nothing on them can be trusted.
  i32[slotOffset(slot, S_COMMIT_LOG) >> 2] = 0;
  f64[slotOffset(slot, S_LAST_VERSION) >> 3] = 0;
  for (let c = 0; c < NUM_CLASSES; c++) i32[(slotOffset(slot, S_FREE_HEADS) >> 2) + c] = 0;
  f64[slotOffset(slot, S_FREE_BYTES) >> 3] = 0;
  Atomics.compareExchange(i32, H_DIR_LOCK >> 2, slot + 1, 0);
  Atomics.store(mem.big, slotOffset(slot, S_SNAPSHOT) >> 3, NO_SNAPSHOT);
  Atomics.store(i32, slotOffset(slot, S_STATE) >> 2, 0);
  return result;
}

/** C3: puts the cell's value before the commit back (from its record, or from the log: commit.ts T8). */
function restore(mem: Memory, cell: number, entry: number, oldInLog: boolean): void {
  const i32 = mem.i32;
  const f64 = mem.f64;
  const ci = cell >> 2;
  const cf = cell >> 3;
  if (oldInLog) {
    i32[ci + (C_REF >> 2)] = i32[(entry + LE_REF) >> 2]!;
    i32[ci + (C_CHAIN >> 2)] = i32[(entry + LE_CHAIN) >> 2]!;
    f64[cf + (C_VERSION >> 3)] = f64[(entry + LE_VERSION) >> 3]!;
    f64[cf + (C_NUM >> 3)] = f64[(entry + LE_NUM) >> 3]!;
  } else {
    const record = i32[(entry + LE_RECORD) >> 2]!;
    mem.ensure(record + 32);
    i32[ci + (C_REF >> 2)] = i32[(record + R_REF) >> 2]!;
    i32[ci + (C_CHAIN >> 2)] = i32[(record + R_NEXT) >> 2]!;
    f64[cf + (C_VERSION >> 3)] = f64[(record + R_VERSION) >> 3]!;
    f64[cf + (C_NUM >> 3)] = f64[(record + R_NUM) >> 3]!;
  }
  i32[ci + (C_WRITER >> 2)] = i32[(entry + LE_WRITER) >> 2]!;
}
