/**
 * What one thread holds of one heap: views, allocator, transaction, slot. Shared by the
 * Heap object and every handle (TVar, TArray, TCounter) the thread opened on it.
 */
import { decodeValue, type Value } from '../codec.js';
import { HeapDetachedError, NotInTransactionError } from '../errors.js';
import type { Allocator, Memory } from './memory.js';
import type { Transaction } from './transaction.js';

export class Core {
  detached = false;

  constructor(
    readonly mem: Memory,
    readonly alloc: Allocator,
    readonly tx: Transaction,
    readonly slot: number,
  ) {}

  /** Throws unless a transaction is running on this thread: writes need one. */
  requireTx(operation: string): Transaction {
    if (!this.tx.active) {
      if (this.detached) throw new HeapDetachedError();
      throw new NotInTransactionError(operation);
    }
    return this.tx;
  }

  /** Runs `read` in a momentary read-only snapshot: reads outside a transaction. */
  outside<T>(read: () => T): T {
    if (this.detached) throw new HeapDetachedError();
    this.tx.begin();
    try {
      return read();
    } finally {
      this.tx.release();
    }
  }

  /** The value readCell left in the transaction's registers, copied out. */
  lastValue(): Value {
    const tx = this.tx;
    return tx.outRef === 0 ? tx.outNum : decodeValue(tx.blockBytes(tx.outRef));
  }
}
