/**
 * The workload around tasks.ts: the shop's initial state, the day's orders, and the
 * invariants every correct run keeps whatever order its tasks committed in.
 */
import type { Heap, SnapshotValue, Value } from '@ame/stm';
import type { RunReport } from '@ame/transaction';
import { RESTOCK_UNITS } from './tasks.js';

export const PRODUCTS = 400;
/** Best-sellers: 30% of all orders go to these few products, the hot keys. */
export const HOT_PRODUCTS = 3;
const HOT_SHARE = 0.3;
const HOT_STOCK = 2_000;
const STOCK = 20;

/** An order as placeOrder's arguments: [order number, product, quantity]. */
export type Order = [order: number, product: number, qty: number];

/** Creates the shop's shared objects on `heap`. */
export function setup(heap: Heap): void {
  const stock = heap.tarray('stock', PRODUCTS, 'i32');
  heap.tarray('onOrder', PRODUCTS, 'i32');
  heap.tvar('biggestOrder', { order: -1, cents: 0 });
  for (const name of ['revenueCents', 'unitsSold', 'unitsRestocked', 'backorders']) heap.tcounter(name, 0);
  heap.atomically(() => {
    for (let p = 0; p < PRODUCTS; p++) stock.set(p, p < HOT_PRODUCTS ? HOT_STOCK : STOCK);
  });
}

/** `count` orders, the same on every call (a fixed xorshift stream). */
export function orders(count: number): Order[] {
  let x = 0x9e3779b9;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, (_, order): Order => {
    const hot = next() < HOT_SHARE;
    const product = hot ? Math.floor(next() * HOT_PRODUCTS) : HOT_PRODUCTS + Math.floor(next() * (PRODUCTS - HOT_PRODUCTS));
    return [order, product, 1 + Math.floor(next() * 5)];
  });
}

/** The call a child task was, told by its result (restock returns its product): for replays. */
export function restockCall(result: Value | undefined): readonly [string, readonly unknown[]] {
  return ['restock', [(result as { product: number } | undefined)?.product]];
}

/**
 * The invariants of a finished run of `orderCount` orders (tasks 0 .. orderCount-1, their
 * restocks after them): one line per broken invariant, none if all hold.
 */
export function brokenInvariants(state: Record<string, SnapshotValue>, report: RunReport, orderCount: number): string[] {
  const stock = state.stock as number[];
  const counter = (name: string): number => state[name] as number;
  const sales = report.results.slice(0, orderCount) as number[];
  const sold = sales.filter((cents) => cents >= 0);
  const restocks = report.tasks - orderCount;
  const initialUnits = HOT_PRODUCTS * HOT_STOCK + (PRODUCTS - HOT_PRODUCTS) * STOCK;
  const units = stock.reduce((a, b) => a + b, 0);
  const broken: string[] = [];
  const check = (ok: boolean, what: string): void => void (ok || broken.push(what));
  check(report.errors.length === 0 && report.commits === report.tasks, 'every task commits once');
  check(units + counter('unitsSold') === initialUnits + counter('unitsRestocked'), 'units on shelf + sold = initial + restocked');
  check(counter('unitsRestocked') === restocks * RESTOCK_UNITS, 'one restock task per restock');
  check(counter('revenueCents') === sold.reduce((a, b) => a + b, 0), 'revenue = sum of sale results');
  check(counter('backorders') === orderCount - sold.length, 'backorders = orders without a sale');
  check(
    (state.onOrder as number[]).every((flag) => flag === 0),
    'no restock left pending',
  );
  check(
    stock.every((units) => units >= 0),
    'stock never negative',
  );
  check((state.biggestOrder as { cents: number }).cents === Math.max(0, ...sold), 'biggestOrder = largest sale');
  return broken;
}
