import { ValueTypeError } from './errors.js';
import type { Core } from './internal/core.js';

/**
 * A commutative counter: `add` does not read the counter, so concurrent adds never
 * conflict; each is applied to the value current when its transaction commits.
 *
 * Use it for hot totals (hits, sums, sizes) that many tasks bump and few read. Reading
 * with `get` inside a transaction records a read like any other, and then conflicts with
 * concurrent adds as usual.
 *
 * @example
 * const hits = heap.tcounter('hits', 0);
 * heap.atomically(() => hits.add(1));
 */
export class TCounter {
  /** @internal */
  constructor(
    private readonly core: Core,
    /** The name the counter was created under. */
    readonly name: string,
    private readonly cell: number,
  ) {}

  /** Adds `delta` (a finite number) at commit, without reading the counter. */
  add(delta: number): void {
    const tx = this.core.requireTx(`${this.name}.add`);
    if (typeof delta !== 'number' || !Number.isFinite(delta)) {
      throw new ValueTypeError('$', `${String(delta)} is not a finite number`, `${this.name}.add`);
    }
    tx.addNum(this.cell, delta);
  }

  /** The counter in this transaction's snapshot plus this transaction's own adds. */
  get(): number {
    const tx = this.core.tx;
    if (!tx.active) return this.core.outside(() => this.get());
    return tx.readCounter(this.cell);
  }
}
