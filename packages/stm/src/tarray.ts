import { IndexRangeError, ValueTypeError } from './errors.js';
import type { Core } from './internal/core.js';
import { CELL_SHIFT } from './internal/layout.js';
import { W_NUM } from './internal/write-set.js';

/** Element type of a TArray: any float64, or integers in int32 range. */
export type TArrayType = 'f64' | 'i32';

/**
 * A fixed-length transactional array of numbers; every element is its own cell, so
 * transactions touching different elements never conflict.
 *
 * Use it for dense numeric state indexed by an integer: account balances, histogram
 * buckets, grid cells. `'i32'` arrays reject numbers that are not int32 instead of
 * wrapping them.
 *
 * @example
 * const accounts = heap.tarray('accounts', 100, 'f64');
 * heap.atomically(() => {
 *   accounts.set(1, accounts.get(1) - 5);
 *   accounts.set(2, accounts.get(2) + 5);
 * });
 */
export class TArray {
  /** @internal */
  constructor(
    private readonly core: Core,
    /** The name the array was created under. */
    readonly name: string,
    private readonly base: number,
    /** Number of elements, fixed at creation. */
    readonly length: number,
    /** Element type, fixed at creation. */
    readonly type: TArrayType,
  ) {}

  /** Element `index` in this transaction's snapshot (or the latest committed, outside one). */
  get(index: number): number {
    if (index >>> 0 !== index || index >= this.length) throw new IndexRangeError(this.name, index, this.length);
    const cell = this.base + (index << CELL_SHIFT);
    const tx = this.core.tx;
    if (!tx.active) return this.core.outside(() => this.get(index));
    const writes = tx.writes;
    if (writes.count !== 0) {
      const e = writes.find(cell);
      if (e >= 0 && writes.kinds[e] === W_NUM) return writes.nums[e]!;
    }
    tx.readCell(cell);
    return tx.outNum;
  }

  /** Sets element `index` (inside a transaction). */
  set(index: number, value: number): void {
    if (index >>> 0 !== index || index >= this.length) throw new IndexRangeError(this.name, index, this.length);
    const tx = this.core.requireTx(`${this.name}.set`);
    if (typeof value !== 'number') {
      throw new ValueTypeError('$', `a ${typeof value} is not a number`, `${this.name}[${index}]`);
    }
    if (this.type === 'i32' && (value | 0) !== value) {
      throw new ValueTypeError(
        '$',
        `${value} is not an int32 (integers from -2147483648 to 2147483647)`,
        `${this.name}[${index}]`,
      );
    }
    tx.writeNum(this.base + (index << CELL_SHIFT), this.type === 'i32' ? value | 0 : value);
  }

  /** Every element, as one consistent copy. */
  toArray(): number[] {
    if (!this.core.tx.active) return this.core.outside(() => this.toArray());
    const out = new Array<number>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i);
    return out;
  }
}
