import type { Core } from './internal/core.js';
import type { HashTable } from './internal/hash-table.js';
import { checkKey } from './internal/keys.js';

/**
 * A transactional set of strings or numbers: a TMap without values, with the same per-key
 * conflicts (adding or deleting different elements does not conflict; the size is a
 * commutative count). `values()` and `heap.snapshot()` list the elements sorted.
 *
 * @example
 * const seen = heap.tset<string>('seen');
 * heap.atomically(() => { if (!seen.has(url)) seen.add(url); });
 */
export class TSet<T extends string | number = string | number> {
  /** @internal */
  constructor(
    private readonly core: Core,
    /** The name the set was created under. */
    readonly name: string,
    private readonly table: HashTable,
  ) {}

  /** Adds `value` (inside a transaction); true if it was not there. */
  add(value: T): boolean {
    this.core.requireTx(`${this.name}.add`);
    return this.table.set(checkKey(value, this.name), 1, null);
  }

  /** True if `value` is in the set in this transaction's snapshot (latest committed, outside one). */
  has(value: T): boolean {
    const k = checkKey(value, this.name);
    if (!this.core.tx.active) return this.core.outside(() => this.table.has(k));
    return this.table.has(k);
  }

  /** Removes `value` (inside a transaction); true if it was there. */
  delete(value: T): boolean {
    this.core.requireTx(`${this.name}.delete`);
    return this.table.delete(checkKey(value, this.name));
  }

  /** Number of elements (conflicts with concurrent adds and deletes when read in a transaction). */
  get size(): number {
    if (!this.core.tx.active) return this.core.outside(() => this.table.size());
    return this.table.size();
  }

  /** Every element as one consistent copy, sorted (numbers ascending, then strings). */
  values(): T[] {
    if (!this.core.tx.active) return this.core.outside(() => this.values());
    return this.table.entries().map((e) => e[0] as T);
  }
}
