/**
 * The demo's task module: a shop processing a day of orders. Worker threads import it by
 * URL (see main.ts); every export taking a TaskContext is a task.
 *
 * Shared state (created by `setup` in workload.ts):
 *   stock[p]        units of product p on the shelf        tarray, read and written per order
 *   onOrder[p]      1 while a restock of p is pending      tarray
 *   biggestOrder    { order, cents } of the largest sale   tvar, read by every sale
 *   revenueCents, unitsSold, unitsRestocked, backorders    tcounters (commutative adds)
 */
import type { TaskContext } from '@ame/transaction';

/** A restock brings this many units; an order reorders when stock falls below REORDER_AT. */
export const RESTOCK_UNITS = 60;
export const REORDER_AT = 5;
/** Iterations of the pricing kernel: about 0.3 ms of arithmetic per call. */
const KERNEL_STEPS = 20_000;

/**
 * Sells `qty` units of `product`: prices the order (real computation), takes the units if
 * they are on the shelf and triggers a restock (a child task) when stock runs low.
 * Returns the price in cents, or -1 for a backorder.
 */
export function placeOrder(ctx: TaskContext, order: number, product: number, qty: number): number {
  const { heap } = ctx;
  const stock = heap.tarray('stock');
  const available = stock.get(product);
  const cents = qty * unitPriceCents(order * 7919 + product);
  if (available < qty) {
    heap.tcounter('backorders').add(1);
    return -1;
  }
  stock.set(product, available - qty);
  heap.tcounter('unitsSold').add(qty);
  heap.tcounter('revenueCents').add(cents);
  const onOrder = heap.tarray('onOrder');
  if (available - qty < REORDER_AT && onOrder.get(product) === 0) {
    onOrder.set(product, 1);
    ctx.add(restock, product);
  }
  const biggest = heap.tvar<{ order: number; cents: number }>('biggestOrder');
  if (cents > biggest.get().cents) biggest.set({ order, cents });
  return cents;
}

/** Quotes an order without selling it (read-only: never aborts). The demo's warm-up task. */
export function quote(ctx: TaskContext, order: number, product: number, qty: number): { inStock: boolean; cents: number } {
  const inStock = ctx.heap.tarray('stock').get(product) >= qty;
  return { inStock, cents: qty * unitPriceCents(order * 7919 + product) };
}

/**
 * Child of a sale: gets a supplier quote (computation) and puts RESTOCK_UNITS on the shelf.
 * Returns its product too: a child's index depends on timing, its result tells which it was.
 */
export function restock(ctx: TaskContext, product: number): { product: number; costCents: number } {
  const { heap } = ctx;
  const costCents = RESTOCK_UNITS * unitPriceCents(-product - 1);
  const stock = heap.tarray('stock');
  stock.set(product, stock.get(product) + RESTOCK_UNITS);
  heap.tarray('onOrder').set(product, 0);
  heap.tcounter('unitsRestocked').add(RESTOCK_UNITS);
  return { product, costCents };
}

/** A small Monte-Carlo demand model (xorshift32): a deterministic price from 5 to 25 dollars. */
function unitPriceCents(seed: number): number {
  let x = Math.imul(seed, 2654435761) >>> 0 || 1;
  let demand = 0;
  for (let i = 0; i < KERNEL_STEPS; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const u = (x >>> 0) / 4294967296;
    demand += Math.exp(-3 * u) * Math.sqrt(u + 0.5);
  }
  return 500 + Math.floor(2000 * ((demand * 1000) % 1));
}
