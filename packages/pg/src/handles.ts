/**
 * The object handles of a PgHeap: the same methods as @ame/stm's TVar, TArray and TCounter,
 * so task modules written for a Heap run unchanged. Each handle talks to its thread's
 * transaction engine (internal/tx.ts).
 */
import { InvalidOptionError, ValueTypeError, type SnapshotValue, type Value, type Widen } from '@ame/stm';
import { type Engine, type ObjectMeta, cellValue, checkElement, checkIndex, encodeCell } from './internal/tx.js';

/** Runs `fn` in a transaction when called outside one (reads outside a task). */
export type Outside = <R>(fn: () => R) => R;

/** A transactional variable holding one Value (like @ame/stm's TVar). */
export class PgTVar<T extends Value = Value> {
  /** @internal */
  constructor(
    private readonly engine: Engine,
    private readonly outside: Outside,
    /** The name the variable was created under. */
    readonly name: string,
  ) {}

  /** The value in this transaction (or the latest committed value, outside one). */
  get(): T {
    if (!this.engine.active) return this.outside(() => this.get());
    return cellValue(this.engine.read(this.name, 0)) as T;
  }

  /** Replaces the value (inside a transaction); a value that is not a Value throws TypeError. */
  set(value: T): void {
    const { num, val } = encodeCell(value, this.name);
    this.engine.set(this.name, 0, num, val, `${this.name}.set`);
  }

  /** Sets the value to `fn(current)` and returns it. */
  update(fn: (current: T) => T): T {
    const next = fn(this.get());
    this.set(next);
    return next;
  }
}

/** A fixed-length transactional array of numbers (like @ame/stm's TArray). */
export class PgTArray {
  /** @internal */
  constructor(
    private readonly engine: Engine,
    private readonly outside: Outside,
    private readonly meta: ObjectMeta,
  ) {}

  /** The name the array was created under. */
  get name(): string {
    return this.meta.name;
  }

  /** Number of elements, fixed at creation. */
  get length(): number {
    return this.meta.length;
  }

  /** Element type, fixed at creation. */
  get type(): 'f64' | 'i32' {
    return this.meta.type as 'f64' | 'i32';
  }

  /** Element `index` in this transaction (or the latest committed, outside one). */
  get(index: number): number {
    checkIndex(this.meta, index);
    if (!this.engine.active) return this.outside(() => this.get(index));
    return this.engine.read(this.meta.name, index).num ?? 0;
  }

  /** Sets element `index` (inside a transaction). */
  set(index: number, value: number): void {
    checkIndex(this.meta, index);
    const checked = checkElement(this.meta, index, value);
    this.engine.set(this.meta.name, index, checked, null, `${this.meta.name}.set`);
  }

  /** Every element, as one consistent copy. */
  toArray(): number[] {
    if (!this.engine.active) return this.outside(() => this.toArray());
    const out = new Array<number>(this.meta.length);
    for (let i = 0; i < this.meta.length; i++) out[i] = this.get(i);
    return out;
  }
}

/** A commutative counter (like @ame/stm's TCounter): `add` does not read it. */
export class PgTCounter {
  /** @internal */
  constructor(
    private readonly engine: Engine,
    private readonly outside: Outside,
    /** The name the counter was created under. */
    readonly name: string,
  ) {}

  /** Adds `delta` (a finite number) at commit, without reading the counter. */
  add(delta: number): void {
    if (typeof delta !== 'number' || !Number.isFinite(delta)) {
      throw new ValueTypeError('$', `${String(delta)} is not a finite number`, `${this.name}.add`);
    }
    this.engine.add(this.name, 0, delta, `${this.name}.add`);
  }

  /** The counter in this transaction plus this transaction's own adds. */
  get(): number {
    if (!this.engine.active) return this.outside(() => this.get());
    return this.engine.read(this.name, 0).num ?? 0;
  }
}

/** Opens objects by name for one thread: what `ctx.heap` and a PgHeap share. */
export class Objects {
  private readonly handles = new Map<string, PgTVar<Value> | PgTArray | PgTCounter>();

  constructor(
    private readonly engine: Engine,
    private readonly outside: Outside,
  ) {}

  tvar<T extends Value>(name: string, ...initial: [] | [T]): PgTVar<Widen<T>> {
    const found = this.handles.get(name);
    if (found instanceof PgTVar) return found as unknown as PgTVar<Widen<T>>;
    const create = initial.length > 0;
    const cell = create ? encodeCell(initial[0], name) : { num: null, val: null };
    this.engine.object({ name, kind: 'tvar', create, length: 1, type: 'value', num: cell.num, val: cell.val });
    const handle = new PgTVar<Widen<T>>(this.engine, this.outside, name);
    this.handles.set(name, handle as unknown as PgTVar<Value>);
    return handle;
  }

  tarray(name: string, length?: number, type: 'f64' | 'i32' = 'f64'): PgTArray {
    const found = this.handles.get(name);
    if (found instanceof PgTArray) return found;
    const create = length !== undefined;
    if (create && (!Number.isInteger(length) || length < 0 || length > 1 << 26)) {
      throw new InvalidOptionError('length', `expected an integer from 0 to ${1 << 26}, got ${String(length)}`);
    }
    if (type !== 'f64' && type !== 'i32') throw new InvalidOptionError('type', `expected 'f64' or 'i32', got ${String(type)}`);
    const meta = this.engine.object({ name, kind: 'tarray', create, length: length ?? 0, type, num: 0, val: null });
    const handle = new PgTArray(this.engine, this.outside, meta);
    this.handles.set(name, handle);
    return handle;
  }

  tcounter(name: string, initial?: number): PgTCounter {
    const found = this.handles.get(name);
    if (found instanceof PgTCounter) return found;
    const create = initial !== undefined;
    if (create && (typeof initial !== 'number' || !Number.isFinite(initial))) {
      throw new InvalidOptionError('initial', `a tcounter starts at a finite number, got ${String(initial)}`);
    }
    this.engine.object({ name, kind: 'tcounter', create, length: 1, type: 'value', num: initial ?? 0, val: null });
    const handle = new PgTCounter(this.engine, this.outside, name);
    this.handles.set(name, handle);
    return handle;
  }

  /** A plain value of an object, inside a transaction (for snapshot). */
  plain(meta: ObjectMeta): SnapshotValue {
    if (meta.kind === 'tarray') return this.tarray(meta.name).toArray();
    if (meta.kind === 'tcounter') return this.tcounter(meta.name).get();
    return this.tvar(meta.name).get();
  }
}
