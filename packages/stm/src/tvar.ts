import { decodeValue, encodeValue, type Value } from './codec.js';
import type { Core } from './internal/core.js';
import { W_NUM } from './internal/write-set.js';

/**
 * A transactional variable holding one `Value`.
 *
 * Use it for a piece of shared state read and replaced as a whole (a config object, a
 * counter read with the rest of a transaction, the head of a list). Values are copied in
 * on `set` and out on `get`: mutating a returned object changes nothing shared.
 *
 * @example
 * const total = heap.tvar('total', 0);
 * heap.atomically(() => total.set(total.get() + 1));
 */
export class TVar<T extends Value = Value> {
  /** @internal */
  constructor(
    private readonly core: Core,
    /** The name the variable was created under. */
    readonly name: string,
    private readonly cell: number,
  ) {}

  /** The value in this transaction's snapshot (or the latest committed value, outside one). */
  get(): T {
    const tx = this.core.tx;
    if (!tx.active) return this.core.outside(() => this.get());
    const writes = tx.writes;
    if (writes.count !== 0) {
      const e = writes.find(this.cell);
      if (e >= 0) return (writes.kinds[e] === W_NUM ? writes.nums[e]! : decodeValue(writes.blobs[e]!)) as T;
    }
    tx.readCell(this.cell);
    return this.core.lastValue() as T;
  }

  /**
   * Replaces the value (inside a transaction). Throws a TypeError naming the path for a
   * value that is not a `Value`; nothing is written then.
   */
  set(value: T): void {
    const tx = this.core.requireTx(`${this.name}.set`);
    if (typeof value === 'number') tx.writeNum(this.cell, value);
    else tx.writeBlob(this.cell, encodeValue(value, this.name));
  }

  /** Sets the value to `fn(current)` and returns it. */
  update(fn: (current: T) => T): T {
    this.core.requireTx(`${this.name}.update`);
    const next = fn(this.get());
    this.set(next);
    return next;
  }
}
