/**
 * The transaction engine shared by PgHeap (main thread, synchronous round trips) and the
 * queue workers (asynchronous, batched): a read cache, the writes of earlier tasks of the
 * batch (the overlay), and per task its read set (key -> version seen) and buffered writes.
 *
 * A batch is a list of tasks executed one after another in a pass: task k sees the writes
 * of tasks 1..k-1 (the overlay) over the cache. A read of a key not in the cache is a miss:
 * in 'sync' mode it is fetched at once (one round trip); in 'async' mode the task stops
 * with the MISS sentinel, the rest of the pass runs only to collect more misses, all of
 * them are fetched in one round trip, and the pass runs again. A pass without a miss is
 * committed in one round trip (ame_commit, see sql.ts) that validates every read.
 *
 * Invariants:
 *   E1  Within a pass the cache does not change: a task reading a key twice sees one value.
 *   E2  A read records the version it saw: >= 0 from the cache (the cell's `ver`), -j for a
 *       write of batch task j (valid iff task j committed and was the cell's last writer).
 *   E3  A tcounter add in the overlay does not know its base. A later task reading it makes
 *       the first adder read the base version and each later adder read its predecessor
 *       (E2), so the value it saw is validated as base + adds.
 *   E4  A task that caught MISS is still incomplete (its `missed` flag, not the exception).
 */
import { decodeValue, encodeValue, IndexRangeError, ObjectKindError, UnknownObjectError, ValueTypeError } from '@ame/stm';
import { InvalidOptionError, NotInTransactionError } from '@ame/stm';

/** Object kinds stored in `objects.kind`. */
export type ObjectKind = 'tvar' | 'tarray' | 'tcounter';

/** A named object's fixed shape. */
export interface ObjectMeta {
  readonly name: string;
  readonly kind: ObjectKind;
  readonly length: number;
  /** 'f64' or 'i32' for tarrays; 'value' otherwise. */
  readonly type: string;
}

/** A cell as fetched. */
export interface Cell {
  num: number | null;
  val: Uint8Array | null;
  ver: number;
}

/** A request to open (and maybe create) an object. */
export interface OpenRequest {
  name: string;
  kind: ObjectKind;
  create: boolean;
  length: number;
  type: string;
  num: number | null;
  val: Uint8Array | null;
}

/** Buffered write ops (ame_commit's w_op). */
export const OP_SET = 1;
export const OP_ADD = 2;

interface Write {
  obj: string;
  idx: number;
  op: number;
  num: number | null;
  val: Uint8Array | null;
}

interface OverlayEntry {
  obj: string;
  idx: number;
  /** Last writer (1-based position in the batch). */
  writer: number;
  num: number | null;
  val: Uint8Array | null;
  /** E3: adders since the last cached base, not yet chained; null once verified or for a set. */
  adders: number[] | null;
  /** Sum of the unverified adds. */
  pending: number;
}

/** One task of a batch during a pass. */
export class BatchTask {
  reads = new Map<string, number>();
  readKeys: [string, number][] = [];
  writes = new Map<string, Write>();
  missed = false;
  /** The pass ran it to the end (result or error) with no miss before it. */
  complete = false;
  reset(): void {
    this.reads.clear();
    this.readKeys.length = 0;
    this.writes.clear();
    this.missed = false;
    this.complete = false;
  }
}

/** Thrown at a read the cache cannot answer in async mode: no stack, caught by the engine only. */
export const MISS: { readonly miss: true } = Object.freeze({ miss: true });

/** What the engine needs from a connection, in sync mode. */
export interface SyncSource {
  fetch(keys: readonly [string, number][]): [string, number, Cell][];
  open(request: OpenRequest): ObjectMeta | undefined;
}

const keyOf = (obj: string, idx: number): string => `${idx}\u0000${obj}`;

export class Engine {
  /** Object shapes: immutable once created, kept for the thread's life. */
  readonly meta = new Map<string, ObjectMeta>();
  cache = new Map<string, Cell>();
  readonly missingCells = new Map<string, [string, number]>();
  readonly missingObjects = new Map<string, OpenRequest>();
  /** Async mode: names fetched in this chunk that do not exist (opening them throws UnknownObjectError). */
  readonly unknown = new Set<string>();
  private overlay = new Map<string, OverlayEntry>();
  private tasks: BatchTask[] = [];
  private cur: BatchTask | null = null;
  private pos = 0;

  constructor(private readonly sync: SyncSource | null) {}

  get active(): boolean {
    return this.cur !== null;
  }

  /** Starts a pass over `tasks` (the batch order); clears the overlay. */
  beginPass(tasks: BatchTask[]): void {
    this.tasks = tasks;
    this.overlay.clear();
    for (const t of tasks) t.reset();
  }

  /** Task at 1-based position `pos` of the pass starts. */
  beginTask(pos: number): void {
    this.pos = pos;
    this.cur = this.tasks[pos - 1]!;
  }

  /** The current task ended; `publish`: its writes join the overlay (it completed). */
  endTask(publish: boolean): void {
    const task = this.cur!;
    this.cur = null;
    if (!publish) return;
    for (const [key, w] of task.writes) {
      const prev = this.overlay.get(key);
      if (w.op === OP_ADD) {
        const delta = w.num!;
        if (prev === undefined) {
          this.overlay.set(key, {
            obj: w.obj,
            idx: w.idx,
            writer: this.pos,
            num: null,
            val: null,
            adders: [this.pos],
            pending: delta,
          });
        } else if (prev.adders) {
          prev.adders.push(this.pos);
          prev.pending += delta;
          prev.writer = this.pos;
        } else {
          prev.num = (prev.num ?? 0) + delta;
          prev.writer = this.pos;
        }
      } else {
        this.overlay.set(key, { obj: w.obj, idx: w.idx, writer: this.pos, num: w.num, val: w.val, adders: null, pending: 0 });
      }
    }
  }

  /** Clears what was fetched (after a commit: other clients move on). */
  clearCache(): void {
    this.cache = new Map();
  }

  /** Adds fetched cells to the cache. */
  fill(rows: readonly [string, number, Cell][]): void {
    for (const [obj, idx, cell] of rows) this.cache.set(keyOf(obj, idx), cell);
  }

  // ---------- objects ----------

  /** The shape of object `name` as `kind`, opening or creating it (a miss in async mode). */
  object(request: OpenRequest): ObjectMeta {
    const { name, kind } = request;
    if (typeof name !== 'string' || name.length === 0 || name.length > 1024) {
      throw new InvalidOptionError(
        'name',
        `object names are strings of 1 to 1024 characters, got ${JSON.stringify(name) ?? String(name)}`,
      );
    }
    let meta = this.meta.get(name);
    if (meta === undefined) {
      if (this.sync) {
        meta = this.sync.open(request);
      } else if (this.unknown.has(name) && !request.create) {
        meta = undefined;
      } else {
        const prev = this.missingObjects.get(name);
        if (!prev || (!prev.create && request.create)) this.missingObjects.set(name, request);
        this.miss();
      }
      if (meta === undefined) throw new UnknownObjectError(kind, name);
      this.meta.set(name, meta);
    }
    if (meta.kind !== kind) throw new ObjectKindError(name, meta.kind, kind);
    return meta;
  }

  // ---------- reads and writes ----------

  /** The value of cell (obj, idx) for the current task: own write, overlay, cache. */
  read(obj: string, idx: number): Cell {
    const task = this.cur;
    const key = keyOf(obj, idx);
    if (task === null) throw new NotInTransactionError(`reading ${obj}`); // callers wrap reads outside
    const own = task.writes.get(key);
    if (own !== undefined && own.op === OP_SET) return { num: own.num, val: own.val, ver: 0 };
    const base = this.readBase(task, key, obj, idx);
    if (own !== undefined) return { num: (base.num ?? 0) + own.num!, val: null, ver: 0 };
    return base;
  }

  private readBase(task: BatchTask, key: string, obj: string, idx: number): Cell {
    const ov = this.overlay.get(key);
    if (ov !== undefined) {
      if (ov.adders !== null) {
        const base = this.cached(key, obj, idx);
        // E3: chain the adders onto the base version.
        const adders = ov.adders;
        for (let a = 0; a < adders.length; a++) {
          const t = this.tasks[adders[a]! - 1]!;
          if (!t.reads.has(key)) {
            const ver = a === 0 ? base.ver : -adders[a - 1]!;
            t.reads.set(key, ver);
            t.readKeys.push([obj, idx]);
          }
        }
        ov.num = (base.num ?? 0) + ov.pending;
        ov.adders = null;
        ov.pending = 0;
      }
      this.record(task, key, obj, idx, -ov.writer);
      return { num: ov.num, val: ov.val, ver: -ov.writer };
    }
    const cell = this.cached(key, obj, idx);
    this.record(task, key, obj, idx, cell.ver);
    return cell;
  }

  private record(task: BatchTask, key: string, obj: string, idx: number, ver: number): void {
    if (task.reads.has(key)) return;
    task.reads.set(key, ver);
    task.readKeys.push([obj, idx]);
  }

  private cached(key: string, obj: string, idx: number): Cell {
    let cell = this.cache.get(key);
    if (cell !== undefined) return cell;
    if (this.sync) {
      this.fill(this.sync.fetch([[obj, idx]]));
      cell = this.cache.get(key);
      if (cell === undefined) throw new UnknownObjectError('object', obj);
      return cell;
    }
    this.missingCells.set(key, [obj, idx]);
    return this.miss();
  }

  private miss(): never {
    if (this.cur) this.cur.missed = true;
    throw MISS;
  }

  /** Buffers a set of a number or of Value bytes. */
  set(obj: string, idx: number, num: number | null, val: Uint8Array | null, what: string): void {
    const task = this.requireTask(what);
    task.writes.set(keyOf(obj, idx), { obj, idx, op: OP_SET, num, val });
  }

  /** Buffers a commutative add. */
  add(obj: string, idx: number, delta: number, what: string): void {
    const task = this.requireTask(what);
    const key = keyOf(obj, idx);
    const prev = task.writes.get(key);
    if (prev !== undefined) prev.num = prev.num! + delta;
    else task.writes.set(key, { obj, idx, op: OP_ADD, num: delta, val: null });
  }

  private requireTask(what: string): BatchTask {
    if (this.cur === null) throw new NotInTransactionError(what);
    return this.cur;
  }

  /** The arrays of ame_commit for `tasks` (1-based positions in order). */
  static payload(tasks: readonly BatchTask[]): CommitArrays {
    const out: CommitArrays = {
      rTask: [],
      rObj: [],
      rIdx: [],
      rVer: [],
      wTask: [],
      wObj: [],
      wIdx: [],
      wOp: [],
      wNum: [],
      wVal: [],
    };
    tasks.forEach((task, k) => {
      for (const [obj, idx] of task.readKeys) {
        out.rTask.push(k + 1);
        out.rObj.push(obj);
        out.rIdx.push(idx);
        out.rVer.push(task.reads.get(keyOf(obj, idx))!);
      }
      for (const w of task.writes.values()) {
        out.wTask.push(k + 1);
        out.wObj.push(w.obj);
        out.wIdx.push(w.idx);
        out.wOp.push(w.op);
        out.wNum.push(w.num);
        out.wVal.push(w.val);
      }
    });
    return out;
  }
}

/** ame_commit's per-read and per-write arrays. */
export interface CommitArrays {
  rTask: number[];
  rObj: string[];
  rIdx: number[];
  rVer: number[];
  wTask: number[];
  wObj: string[];
  wIdx: number[];
  wOp: number[];
  wNum: (number | null)[];
  wVal: (Uint8Array | null)[];
}

// ---------- value helpers shared by the handles ----------

/** A tvar cell's Value. */
export function cellValue(cell: Cell): unknown {
  return cell.val !== null ? decodeValue(cell.val) : cell.num;
}

/** Encodes a tvar value: numbers inline, the rest through the codec (throws TypeError). */
export function encodeCell(value: unknown, name: string): { num: number | null; val: Uint8Array | null } {
  if (typeof value === 'number') return { num: value, val: null };
  return { num: null, val: encodeValue(value as never, name) };
}

/** Checks an element index of a tarray. */
export function checkIndex(meta: ObjectMeta, index: number): void {
  if (index >>> 0 !== index || index >= meta.length) throw new IndexRangeError(meta.name, index, meta.length);
}

/** Checks a number written to a tarray element. */
export function checkElement(meta: ObjectMeta, index: number, value: unknown): number {
  if (typeof value !== 'number') throw new ValueTypeError('$', `a ${typeof value} is not a number`, `${meta.name}[${index}]`);
  if (meta.type === 'i32' && (value | 0) !== value) {
    throw new ValueTypeError('$', `${value} is not an int32 (integers from -2147483648 to 2147483647)`, `${meta.name}[${index}]`);
  }
  return value;
}
