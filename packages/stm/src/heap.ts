import { encodeValue, type Value } from './codec.js';
import {
  AsyncTransactionError,
  HeapDetachedError,
  InvalidHandleError,
  InvalidOptionError,
  ObjectKindError,
  TooManyThreadsError,
  UnknownObjectError,
} from './errors.js';
import { Core } from './internal/core.js';
import { findEntry, findOrCreate, listEntries, type Entry } from './internal/directory.js';
import {
  C_NUM,
  ELEM_F64,
  ELEM_I32,
  H_BUMP,
  H_LAYOUT,
  H_MAGIC,
  H_MAX_BYTES,
  H_MAX_SLOTS,
  H_SLOT_HIGH,
  HEADER_BYTES,
  KIND_TARRAY,
  KIND_TCOUNTER,
  KIND_TMAP,
  KIND_TQUEUE,
  KIND_TSET,
  KIND_TVAR,
  C_REF,
  M_TABLE,
  Q_RING,
  LAYOUT_VERSION,
  MAGIC,
  MAX_HEAP_BYTES,
  NO_SNAPSHOT,
  S_ABORT_CONFLICT,
  S_ABORT_ERROR,
  S_COMMITS,
  S_FREE_BYTES,
  S_LIVE_VERSIONS,
  S_READ_ONLY,
  S_SNAPSHOT,
  S_COMMIT_STATE,
  S_LAST_VERSION,
  S_STATE,
  S_THREAD,
  SLOT_BYTES,
  SLOTS_OFFSET,
  slotOffset,
  H_CLOCK,
} from './internal/layout.js';
import { Allocator, Memory } from './internal/memory.js';
import { Transaction } from './internal/transaction.js';
import { TxControl } from './control.js';
import { TArray, type TArrayType } from './tarray.js';
import { TCounter } from './tcounter.js';
import { TVar } from './tvar.js';
import { TMap } from './tmap.js';
import { TQueue, initialRing } from './tqueue.js';
import { TSet } from './tset.js';
import { HashTable, initialTable, type Key } from './internal/hash-table.js';
import { threadId as ownThreadId } from 'node:worker_threads';
import { recoverSlot, type SlotRecovery, slotsOfThread } from './internal/recovery.js';

/** Options of `Heap.create`. */
export interface HeapOptions {
  /** Bytes allocated up front. Default 1 MiB. */
  initialBytes?: number;
  /** Bytes the heap may grow to (at most 2147483640). Default 1 GiB (reserved, not committed). */
  maxBytes?: number;
  /** Threads that may attach at once (each claims a slot). Default 64. */
  maxThreads?: number;
}

/** What `Heap.attach` needs in another worker: structured-cloneable (workerData, postMessage). */
export interface HeapHandle {
  readonly kind: 'ame-heap';
  readonly buffer: SharedArrayBuffer;
}

/** The type a tvar holds when created from a literal: `tvar('n', 0)` holds any number. */
export type Widen<T> = T extends number
  ? number
  : T extends string
    ? string
    : T extends boolean
      ? boolean
      : T extends bigint
        ? bigint
        : T;

/** A named object as `heap.snapshot()` shows it (a TMap as a Map sorted by key). */
export type SnapshotValue = Value | number[] | Map<Key, Value>;

/** Any handle on a named object. */
type Handle = TVar<Value> | TArray | TCounter | TMap | TQueue | TSet;

/** Figures from `heap.stats()`, summed over every thread that used the heap. */
export interface HeapStats {
  /** Bytes allocated and not on a free list. */
  bytesUsed: number;
  /** Current size of the shared buffer. */
  bytesReserved: number;
  /** Size the buffer may grow to. */
  bytesMax: number;
  /** Older versions kept for snapshots that may still read them. */
  liveVersions: number;
  /** Committed transactions, update and read-only. */
  commits: number;
  /** Committed transactions that wrote nothing. */
  readOnlyCommits: number;
  /** Aborted attempts by reason: `conflict` (re-run), `error` (exception, rethrown). */
  aborts: { conflict: number; error: number };
  /** The version clock: advanced once by every update commit that got as far as locking. */
  clock: number;
  /** Threads attached now. */
  threads: number;
}

const DEFAULTS = { initialBytes: 1 << 20, maxBytes: 1 << 30, maxThreads: 64 } as const;
/** @internal The per-thread core of a heap: for this package's own internals and tests. */
export function coreOf(heap: Heap): Core {
  return (heap as unknown as { core: Core }).core;
}

/**
 * A transactional heap in shared memory: named objects (`tvar`, `tarray`, `tcounter`,
 * `tmap`, `tqueue`, `tset`)
 * read and written inside `atomically`, from any number of worker threads.
 *
 * Create it once with `Heap.create`, pass `heap.handle` to workers, and `Heap.attach` it
 * there. Every thread then opens the objects it needs by name.
 *
 * @example
 * const heap = Heap.create();
 * const accounts = heap.tarray('accounts', 100);
 * heap.atomically(() => accounts.set(0, 1000));
 * new Worker(url, { workerData: heap.handle }); // worker: Heap.attach(workerData)
 */
export class Heap {
  /** Pass this to other threads; `Heap.attach(handle)` opens the same heap there. */
  readonly handle: HeapHandle;
  private readonly objects = new Map<string, Handle>();
  private readonly core: Core;
  private txControl: TxControl | undefined;

  private constructor(buffer: SharedArrayBuffer) {
    this.handle = Object.freeze({ kind: 'ame-heap', buffer });
    const mem = new Memory(buffer);
    const slot = claimSlot(mem);
    const alloc = new Allocator(mem, slot);
    this.core = new Core(mem, alloc, new Transaction(mem, alloc, slot), slot);
  }

  /**
   * Creates a heap.
   * @param options.initialBytes bytes allocated now (default 1 MiB)
   * @param options.maxBytes growth limit (default 1 GiB, at most 2147483640)
   * @param options.maxThreads threads attached at once (default 64)
   */
  static create(options: HeapOptions = {}): Heap {
    const maxBytes = checkInt('maxBytes', options.maxBytes ?? DEFAULTS.maxBytes, 4096, MAX_HEAP_BYTES);
    const maxThreads = checkInt('maxThreads', options.maxThreads ?? DEFAULTS.maxThreads, 1, 4096);
    const dataStart = SLOTS_OFFSET + maxThreads * SLOT_BYTES;
    const initial = checkInt('initialBytes', options.initialBytes ?? Math.min(DEFAULTS.initialBytes, maxBytes), 0, maxBytes);
    const initialBytes = Math.min(maxBytes, Math.max(initial, dataStart + 4096));
    if (dataStart + 4096 > maxBytes) {
      throw new InvalidOptionError(
        'maxBytes',
        `${maxBytes} bytes cannot hold ${maxThreads} thread slots; raise maxBytes or lower maxThreads`,
      );
    }
    const buffer = new SharedArrayBuffer(align8(initialBytes), { maxByteLength: align8(maxBytes) & ~7 });
    const i32 = new Int32Array(buffer);
    const big = new BigInt64Array(buffer);
    i32[H_MAGIC >> 2] = MAGIC;
    i32[H_LAYOUT >> 2] = LAYOUT_VERSION;
    i32[H_MAX_SLOTS >> 2] = maxThreads;
    i32[H_MAX_BYTES >> 2] = align8(maxBytes) & ~7;
    i32[H_BUMP >> 2] = Math.ceil(dataStart / 64) * 64;
    for (let s = 0; s < maxThreads; s++) big[slotOffset(s, S_SNAPSHOT) >> 3] = NO_SNAPSHOT;
    return new Heap(buffer);
  }

  /** Opens, in this thread, the heap whose `handle` another thread passed here. */
  static attach(handle: HeapHandle): Heap {
    const buffer = (handle as { buffer?: unknown } | null | undefined)?.buffer;
    if (!(buffer instanceof SharedArrayBuffer)) throw new InvalidHandleError('it has no SharedArrayBuffer `buffer`');
    if (buffer.byteLength < HEADER_BYTES || new Int32Array(buffer, 0, 2)[0] !== MAGIC) {
      throw new InvalidHandleError('its buffer is not an AME heap');
    }
    if (new Int32Array(buffer, 0, 2)[1] !== LAYOUT_VERSION) {
      throw new InvalidHandleError('it was made by an incompatible version of @ame/stm');
    }
    return new Heap(buffer);
  }

  /**
   * The transactional variable `name`: created with `initial` if it does not exist yet,
   * opened otherwise (then `initial` is ignored). Without `initial`, opening a name that
   * does not exist throws UnknownObjectError.
   */
  tvar<T extends Value>(name: string, ...initial: [] | [T]): TVar<Widen<T>> {
    this.live();
    const cached = this.cached(name, 'tvar');
    if (cached) return cached as TVar<Widen<T>>;
    const core = this.live();
    const entry = this.lookup(name, 'tvar', KIND_TVAR, initial.length === 0, () => {
      const value = initial[0] as Value;
      // Encode (and validate) before creating anything: a bad initial value creates nothing.
      const bytes = typeof value === 'number' ? undefined : encodeValue(value, name);
      return findOrCreate(core.mem, core.slot, name, KIND_TVAR, 1, ELEM_F64, (base) => {
        if (bytes) core.mem.i32[(base + C_REF) >> 2] = core.alloc.storeValue(bytes);
        else core.mem.f64[(base + C_NUM) >> 3] = value as number;
      });
    });
    return this.remember(name, new TVar<Widen<T>>(core, name, entry.base));
  }

  /**
   * The transactional array `name` of `length` numbers of `type` (default 'f64'), all 0
   * when created. Without `length`, opens an existing array or throws UnknownObjectError.
   */
  tarray(name: string, length?: number, type: TArrayType = 'f64'): TArray {
    this.live();
    const cached = this.cached(name, 'tarray');
    if (cached) return cached as TArray;
    const core = this.live();
    const entry = this.lookup(name, 'tarray', KIND_TARRAY, length === undefined, () => {
      const n = checkInt('length', length, 0, 1 << 26);
      if (type !== 'f64' && type !== 'i32') throw new InvalidOptionError('type', `expected 'f64' or 'i32', got ${String(type)}`);
      return findOrCreate(core.mem, core.slot, name, KIND_TARRAY, n, type === 'i32' ? ELEM_I32 : ELEM_F64, () => {});
    });
    const elem: TArrayType = entry.elem === ELEM_I32 ? 'i32' : 'f64';
    return this.remember(name, new TArray(core, name, entry.base, entry.length, elem));
  }

  /**
   * The commutative counter `name`, created at `initial` if it does not exist yet. Without
   * `initial`, opens an existing counter or throws UnknownObjectError.
   */
  tcounter(name: string, initial?: number): TCounter {
    this.live();
    const cached = this.cached(name, 'tcounter');
    if (cached) return cached as TCounter;
    const core = this.live();
    const entry = this.lookup(name, 'tcounter', KIND_TCOUNTER, initial === undefined, () => {
      if (typeof initial !== 'number' || !Number.isFinite(initial)) {
        throw new InvalidOptionError('initial', `a tcounter starts at a finite number, got ${String(initial)}`);
      }
      return findOrCreate(core.mem, core.slot, name, KIND_TCOUNTER, 1, ELEM_F64, (base) => {
        core.mem.f64[(base + C_NUM) >> 3] = initial;
      });
    });
    return this.remember(name, new TCounter(core, name, entry.base));
  }

  /**
   * The transactional map `name` (keys: strings or numbers; values: `Value`s), created
   * empty if it does not exist yet, opened otherwise. Different keys do not conflict; the
   * table grows as needed (see TMap).
   *
   * @example
   * const users = heap.tmap<string, { visits: number }>('users');
   */
  tmap<K extends string | number = string | number, V extends Value = Value>(name: string): TMap<K, V> {
    const core = this.live();
    const cached = this.cached(name, 'tmap');
    if (cached) return cached as unknown as TMap<K, V>;
    const entry = this.lookup(name, 'tmap', KIND_TMAP, false, () => this.createTable(name, KIND_TMAP));
    return this.remember(name, new TMap<K, V>(core, name, new HashTable(core, name, entry.base, entry.base)));
  }

  /**
   * The transactional set `name` of strings or numbers, created empty if it does not exist
   * yet, opened otherwise (a TMap without values).
   */
  tset<T extends string | number = string | number>(name: string): TSet<T> {
    const core = this.live();
    const cached = this.cached(name, 'tset');
    if (cached) return cached as unknown as TSet<T>;
    const entry = this.lookup(name, 'tset', KIND_TSET, false, () => this.createTable(name, KIND_TSET));
    return this.remember(name, new TSet<T>(core, name, new HashTable(core, name, entry.base, entry.base)));
  }

  /**
   * The transactional FIFO queue `name`, created empty if it does not exist yet, opened
   * otherwise. A push and a shift on a non-empty queue do not conflict (see TQueue).
   *
   * @example
   * const jobs = heap.tqueue<{ id: number }>('jobs');
   */
  tqueue<T extends Value = Value>(name: string): TQueue<T> {
    const core = this.live();
    const cached = this.cached(name, 'tqueue');
    if (cached) return cached as unknown as TQueue<T>;
    const entry = this.lookup(name, 'tqueue', KIND_TQUEUE, false, () =>
      findOrCreate(core.mem, core.slot, name, KIND_TQUEUE, 3, ELEM_F64, (base) => {
        core.mem.i32[(base + Q_RING + C_REF) >> 2] = initialRing(core, base);
      }),
    );
    return this.remember(name, new TQueue<T>(core, name, entry.base));
  }

  /**
   * Runs `fn` as a transaction on this thread and returns its result. On a conflict it is
   * re-run, transparently; every run sees one consistent snapshot. An exception thrown by
   * `fn` aborts (nothing written) and is rethrown unchanged, once the reads it was based
   * on are known to be current (otherwise `fn` is re-run). Nested calls join the outer
   * transaction (flat nesting: an exception caught inside the outer one does not undo
   * the inner writes). `fn` must be synchronous.
   *
   * @example
   * heap.atomically(() => counter.set(counter.get() + 1));
   */
  atomically<R>(fn: () => R): R {
    const core = this.live();
    const tx = core.tx;
    if (typeof fn !== 'function') throw new TypeError('heap.atomically needs a function');
    if (tx.active) {
      // Flat nesting: join the outer transaction; an exception aborts the outer one.
      const inner = fn();
      if (isThenable(inner)) throw new AsyncTransactionError('a nested heap.atomically callback');
      return inner;
    }
    tx.tag = 0; // not a scheduler's task
    for (let attempt = 0; ; attempt++) {
      tx.begin();
      let result: R;
      try {
        result = fn();
      } catch (error) {
        if (tx.readsCurrent()) {
          tx.abort('error');
          throw error;
        }
        tx.abort('conflict'); // the exception came from a stale snapshot: run again
        tx.backoffAfterConflict(attempt);
        continue;
      }
      if (isThenable(result)) {
        tx.abort('error');
        throw new AsyncTransactionError('the heap.atomically callback');
      }
      if (tx.commit()) return result;
      tx.backoffAfterConflict(attempt);
    }
  }

  /**
   * Step-by-step control of this thread's transactions, for schedulers (see TxControl).
   * Application code wants `atomically`.
   */
  control(): TxControl {
    const core = this.live();
    return (this.txControl ??= new TxControl(core));
  }

  /** True while this thread runs a transaction on this heap. */
  get inTransaction(): boolean {
    return this.live().tx.active;
  }

  /**
   * A consistent plain-JS copy of every named object, keys sorted by name: tvar -> its
   * value, tarray -> number[], tcounter -> number, tmap -> Map sorted by key, tqueue ->
   * array front first, tset -> sorted array. For comparing states.
   */
  snapshot(): Record<string, SnapshotValue> {
    return this.atomically(() => {
      const out: Record<string, SnapshotValue> = {};
      const entries = listEntries(this.live().mem).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        Object.defineProperty(out, entry.name, {
          value: this.snapshotOf(entry),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    });
  }

  /** Memory and transaction figures, summed over all threads (see HeapStats). */
  stats(): HeapStats {
    const { mem } = this.live();
    const i32 = mem.i32;
    const f64 = mem.f64;
    const sum = (field: number): number => {
      let total = 0;
      const high = Atomics.load(i32, H_SLOT_HIGH >> 2);
      for (let s = 0; s < high; s++) total += f64[slotOffset(s, field) >> 3]!;
      return total;
    };
    let threads = 0;
    for (let s = 0; s < Atomics.load(i32, H_SLOT_HIGH >> 2); s++) threads += Atomics.load(i32, slotOffset(s, S_STATE) >> 2);
    return {
      bytesUsed: Atomics.load(i32, H_BUMP >> 2) - sum(S_FREE_BYTES),
      bytesReserved: mem.buffer.byteLength,
      bytesMax: i32[H_MAX_BYTES >> 2]!,
      liveVersions: sum(S_LIVE_VERSIONS),
      commits: sum(S_COMMITS),
      readOnlyCommits: sum(S_READ_ONLY),
      aborts: { conflict: sum(S_ABORT_CONFLICT), error: sum(S_ABORT_ERROR) },
      clock: Number(Atomics.load(mem.big, H_CLOCK >> 3)),
      threads,
    };
  }

  /**
   * Repairs the heap after thread `threadId` (a worker's `threadId`) died while attached:
   * a commit it left half done is rolled back (if no cell had been unlocked yet) or
   * forward (if some had), so no lock stays held and no value is torn; its snapshot is
   * withdrawn and its slot freed. Call it once the thread has exited (its Worker's 'exit'
   * event), from any thread that has the heap; others may keep running transactions.
   * Calling it for a thread that is still running breaks the STM.
   *
   * Returns one entry per slot the thread held: what happened to its commit in progress
   * and that commit's tag (the task index a scheduler set), so a scheduler knows whether
   * the interrupted task's writes were applied ('rolled-forward') or not.
   */
  recover(threadId: number): SlotRecovery[] {
    const core = this.live();
    if (threadId === ownThreadId) throw new InvalidOptionError('threadId', 'a thread cannot recover itself');
    return slotsOfThread(core.mem, threadId).map((slot) => recoverSlot(core.mem, slot));
  }

  /**
   * Gives this thread's slot back (call it when a thread is done with the heap; a slot is
   * otherwise held until the heap is garbage). The heap object and its handles are
   * unusable afterwards. Not inside a transaction.
   */
  detach(): void {
    const core = this.core;
    if (core.detached) return;
    if (core.tx.active) throw new TypeError('heap.detach() cannot run inside a transaction');
    core.detached = true;
    core.tx.log.release();
    Atomics.store(core.mem.big, slotOffset(core.slot, S_SNAPSHOT) >> 3, NO_SNAPSHOT);
    Atomics.store(core.mem.i32, slotOffset(core.slot, S_STATE) >> 2, 0);
  }

  private live(): Core {
    const core = this.core;
    if (core.detached) throw new HeapDetachedError();
    return core;
  }

  private cached(name: string, kind: string): Handle | undefined {
    const found = this.objects.get(name);
    if (found === undefined) return undefined;
    const actual = kindOf(found);
    if (actual !== kind) throw new ObjectKindError(name, actual, kind);
    return found;
  }

  private remember<H extends object>(name: string, handle: H): H {
    this.objects.set(name, handle as unknown as Handle);
    return handle;
  }

  /** Finds `name` as `kind`, or (unless `openOnly`) creates it with `create`. */
  private lookup(name: string, kindName: string, kind: number, openOnly: boolean, create: () => Entry): Entry {
    if (typeof name !== 'string' || name.length === 0 || name.length > 1024) {
      throw new InvalidOptionError(
        'name',
        `object names are strings of 1 to 1024 characters, got ${JSON.stringify(name) ?? String(name)}`,
      );
    }
    const entry = findEntry(this.live().mem, name) ?? (openOnly ? undefined : create());
    if (entry === undefined) throw new UnknownObjectError(kindName, name);
    if (entry.kind !== kind) throw new ObjectKindError(name, kindNames[entry.kind] ?? 'object', kindName);
    return entry;
  }

  /** Creates a TMap or TSet entry: TABLE and SIZE cells, and a first table. */
  private createTable(name: string, kind: number): Entry {
    const core = this.live();
    return findOrCreate(core.mem, core.slot, name, kind, 2, ELEM_F64, (base) => {
      core.mem.i32[(base + M_TABLE + C_REF) >> 2] = initialTable(core, base);
    });
  }

  /** The value of a directory entry as snapshot() shows it. */
  private snapshotOf(entry: Entry): SnapshotValue {
    switch (entry.kind) {
      case KIND_TARRAY:
        return this.tarray(entry.name).toArray();
      case KIND_TCOUNTER:
        return this.tcounter(entry.name).get();
      case KIND_TMAP:
        return new Map(this.tmap(entry.name).entries());
      case KIND_TSET:
        return this.tset(entry.name).values();
      case KIND_TQUEUE:
        return this.tqueue(entry.name).toArray();
      default:
        return this.tvar(entry.name).get();
    }
  }
}

const kindNames: Record<number, string> = {
  [KIND_TVAR]: 'tvar',
  [KIND_TARRAY]: 'tarray',
  [KIND_TCOUNTER]: 'tcounter',
  [KIND_TMAP]: 'tmap',
  [KIND_TQUEUE]: 'tqueue',
  [KIND_TSET]: 'tset',
};

/** The kind name of a handle. */
function kindOf(handle: Handle): string {
  if (handle instanceof TVar) return 'tvar';
  if (handle instanceof TArray) return 'tarray';
  if (handle instanceof TCounter) return 'tcounter';
  if (handle instanceof TMap) return 'tmap';
  if (handle instanceof TQueue) return 'tqueue';
  return 'tset';
}

/** Claims a free thread slot (STATE 0 -> 1 by CAS) and raises SLOT_HIGH to cover it. */
function claimSlot(mem: Memory): number {
  const i32 = mem.i32;
  const max = i32[H_MAX_SLOTS >> 2]!;
  for (let s = 0; s < max; s++) {
    if (Atomics.compareExchange(i32, slotOffset(s, S_STATE) >> 2, 0, 1) !== 0) continue;
    i32[slotOffset(s, S_THREAD) >> 2] = ownThreadId;
    i32[slotOffset(s, S_COMMIT_STATE) >> 2] = 0; // no commit, none made yet (recovery.ts)
    mem.f64[slotOffset(s, S_LAST_VERSION) >> 3] = 0;
    Atomics.store(mem.big, slotOffset(s, S_SNAPSHOT) >> 3, NO_SNAPSHOT);
    for (;;) {
      const high = Atomics.load(i32, H_SLOT_HIGH >> 2);
      if (high > s || Atomics.compareExchange(i32, H_SLOT_HIGH >> 2, high, s + 1) === high) break;
    }
    return s;
  }
  throw new TooManyThreadsError(max);
}

function checkInt(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, `expected an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
