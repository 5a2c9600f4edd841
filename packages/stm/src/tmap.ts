import { encodeValue, type Value } from './codec.js';
import type { Core } from './internal/core.js';
import type { HashTable } from './internal/hash-table.js';
import { checkKey, type Key } from './internal/keys.js';

/**
 * A transactional map from string or number keys to `Value`s, with per-key conflicts.
 *
 * Use it for state keyed by an id or a name (users, orders, word counts) that many tasks
 * touch a few keys of at a time: transactions on different keys do not conflict, and
 * inserts do not conflict on the size (it is a commutative count). Values are copied in on
 * `set` and out on `get`. Keys compare as in `Map` (SameValueZero); `entries()` and
 * `heap.snapshot()` list them sorted (numbers ascending, then strings).
 *
 * Conflicts: an operation on key k reads the map's table pointer and k's value (a key gets
 * its slot once, by an atomic claim that is not a write of the map). Two transactions
 * setting, updating or deleting different keys never conflict, inserts included; one
 * conflicts with another only if it grows the table (each growth doubles it), and a lookup
 * that found k absent conflicts with an insert that claims the free slot its probe ended
 * at (neighbouring hashes; the table is kept at most half full).
 *
 * @example
 * const users = heap.tmap<string, { visits: number }>('users');
 * heap.atomically(() => users.update('bob', (u) => ({ visits: (u?.visits ?? 0) + 1 })));
 */
export class TMap<K extends string | number = string | number, V extends Value = Value> {
  /** @internal */
  constructor(
    private readonly core: Core,
    /** The name the map was created under. */
    readonly name: string,
    private readonly table: HashTable,
  ) {}

  /** The value of `key` in this transaction's snapshot (latest committed, outside one), or undefined. */
  get(key: K): V | undefined {
    const k = checkKey(key, this.name);
    if (!this.core.tx.active) return this.core.outside(() => this.table.get(k) as V | undefined);
    return this.table.get(k) as V | undefined;
  }

  /** True if `key` has a value. */
  has(key: K): boolean {
    const k = checkKey(key, this.name);
    if (!this.core.tx.active) return this.core.outside(() => this.table.has(k));
    return this.table.has(k);
  }

  /**
   * Sets `key` to `value` (inside a transaction). Throws a TypeError naming the path for a
   * value that is not a `Value`, or for a key that is not a string or number; nothing is
   * written then. May grow the table (see the class notes). Returns the map.
   */
  set(key: K, value: V): this {
    this.core.requireTx(`${this.name}.set`);
    const k = checkKey(key, this.name);
    if (typeof value === 'number') this.table.set(k, value, null);
    else this.table.set(k, 0, encodeValue(value, this.name)); // encoded first: a bad value writes nothing
    return this;
  }

  /** Deletes `key` (inside a transaction); true if it had a value. */
  delete(key: K): boolean {
    this.core.requireTx(`${this.name}.delete`);
    return this.table.delete(checkKey(key, this.name));
  }

  /** Sets `key` to `fn(current)` (current is undefined for a missing key) and returns it. */
  update(key: K, fn: (current: V | undefined) => V): V {
    this.core.requireTx(`${this.name}.update`);
    const next = fn(this.get(key));
    this.set(key, next);
    return next;
  }

  /**
   * Number of keys. Reading it inside a transaction conflicts with concurrent inserts and
   * deletes (they change it); inserting alone does not.
   */
  get size(): number {
    if (!this.core.tx.active) return this.core.outside(() => this.table.size());
    return this.table.size();
  }

  /** Every [key, value] as one consistent copy, sorted by key (reads the whole map). */
  entries(): [K, V][] {
    if (!this.core.tx.active) return this.core.outside(() => this.entries());
    return this.table.entries() as [K, V][];
  }

  /** Every key, sorted. */
  keys(): K[] {
    return this.entries().map((e) => e[0]);
  }
}

export type { Key };
