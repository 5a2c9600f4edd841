/**
 * What a committed transaction read and wrote, kept when `recording` is on: the checker's
 * input for proving a run serializable (control.ts exposes it as TxHistory).
 */
import type { Transaction } from './transaction.js';

export interface History {
  /** [cell, version read] per read, in read order. */
  reads: [number, number][];
  /** Cells written (and, for an update, the KEY cells it claimed). */
  writes: number[];
  /** Commit version (update), or 0 for a read-only transaction. */
  version: number;
}

/** The finished transaction's history (recording only; allocates). */
export function keepHistory(tx: Transaction, version: number): History {
  const reads: [number, number][] = [];
  for (let k = 0; k < tx.readCount; k++) reads.push([tx.reads[k]!, tx.readVersions[k]!]);
  const writes = Array.from(tx.writes.cells.subarray(0, tx.writes.count));
  if (version !== 0) writes.push(...tx.claims); // KEY cells claimed (hash-table.ts H1), as written at the commit
  return { reads, writes, version };
}
