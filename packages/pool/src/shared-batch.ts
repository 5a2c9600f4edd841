/**
 * The shared memory of a batch: a control block of Int32 words, a task table, the task
 * record log, and per-task outcome arrays. Tasks are dispatched through it (threads claim
 * indices with CAS, no message per task) and their outcomes come back through it (no
 * message per task either; results that are not primitives go into each worker's result
 * log, result-log.ts; failures, conflicts and history travel by message, once per thread
 * and batch).
 *
 * ## Control block (Int32 words; words written often sit on cache lines of their own)
 * | word  | name      | meaning                                           | written by          | how         |
 * |-------|-----------|---------------------------------------------------|---------------------|-------------|
 * |   0   | BATCH     | batch number, 1 for the first run                 | main, between runs  | store       |
 * |   1   | WORKERS   | pool size: owners in use are 0..WORKERS-1 and MAIN_OWNER | main, at creation | store |
 * |  16   | COUNT     | tasks published in the log                        | holder of LOG_LOCK  | store       |
 * |  32   | NEXT      | next task index to claim                          | claimers            | CAS         |
 * |  48   | TURN      | ordered mode: the index allowed to commit next    | the task at its turn| store       |
 * |  64   | STOP      | 1: stop (a failure, onError 'stop'); 2: abort (close() during a run) | any | store |
 * |  80   | RECALL    | 1: workers leave at their next claim (policy)     | main                | store       |
 * |  96   | LOCK      | global lock (GIL, inevitable token): 0 or owner+1 | claimers            | CAS / store |
 * |  97   | GIL_WAITERS | threads sleeping on LOCK (GIL strategy)         | GIL waiters         | add / sub   |
 * | 128   | LOG_LOCK  | append lock of the logs: 0 or owner+1             | appenders           | CAS / store |
 * | 129   | SLOTS     | 8-byte slots used in the record log               | holder of LOG_LOCK  | store       |
 * | 130   | TASKS     | entries in the task table (never reset)           | holder of LOG_LOCK  | store       |
 * | 131   | TAB_BYTES | bytes used in the task table                      | holder of LOG_LOCK  | store       |
 * | 144   | WAKE      | bumped when waiters should re-check               | any, if WAITERS > 0 | add         |
 * | 145   | WAITERS   | threads registered in waitForChange               | waiters             | add / sub   |
 * | 160   | ABORTS    | aborted attempts (conflicts) in this batch        | claimers            | add         |
 * | 176+16o   | CLAIM_START o | first index of owner o's claim (B6)        | owner o; main after o died | plain |
 * | 176+16o+1 | FINISHED o | tasks owner o finished (committed, failed, abandoned) | owner o; main after o died | add |
 * | 176+16o+2 | GATE o     | 1 while owner o commits unordered (R2)        | owner o; main after o died | store |
 * | 176+16o+3 | CLAIM_END o | end (exclusive) of owner o's claim (B6)      | owner o; main after o died | plain |
 * | 176+16o+4 | CLAIM_BASE o | FINISHED o when the claim was taken (B6)    | owner o; main after o died | plain |
 * | 176+16o+5 | KILL o     | 1: the main thread is terminating owner o (B7) | main               | store       |
 * Owners are worker indices 0..MAX_WORKERS-2 and the main thread, MAX_WORKERS-1. A dead
 * worker's replacement takes over its owner number and its words.
 *
 * ## Per-task arrays (by task index; grown by the appender under LOG_LOCK before COUNT covers the index)
 * | array   | type | meaning                                                        | written by         |
 * |---------|------|----------------------------------------------------------------|--------------------|
 * | starts  | i32  | first slot of the task's record in the record log              | appender           |
 * | outcome | i32  | 0 none/abandoned, else a result kind (committed) or FAILED      | the finishing owner |
 * | nums    | f64  | the numeric result (outcome R_NUMBER)                          | the finishing owner |
 * | points  | f64  | the task's place in the heap's serial order (TxControl.serialPoint) | finishing owner |
 * Each entry is written once per batch by the one thread that finished the task, before
 * it counts the task in FINISHED (Atomics.add): whoever sees the batch done reads them all.
 *
 * Invariants:
 *  B1. A task's record and starts entry are written before COUNT covers it (Atomics.store
 *      under LOG_LOCK): a thread that claims index i < COUNT reads a complete record.
 *  B2. Children are appended by their parent's thread after the parent committed and
 *      before its owner's FINISHED counts the parent: when the sum of FINISHED (read
 *      before COUNT) equals COUNT, no task is running and none can appear: the batch is over.
 *  B3. In ordered mode TURN == i only while task i is the next to commit; it is advanced
 *      exactly once per task (committed, failed or abandoned), by that task's thread.
 *  B4. Task table entries are written before TASKS covers them and never change: a task id
 *      means the same (module URL, export name) for the queue's lifetime.
 *  B5. WAKE is bumped only when WAITERS > 0. A waiter registers (WAITERS += 1) before it
 *      re-checks its condition; a waker changes the state before it reads WAITERS. Both
 *      are sequentially consistent, so either the waker sees the waiter or the waiter sees
 *      the change: no wake-up is lost.
 *  B6. Claims are recoverable. Before its CAS on NEXT an owner writes its claim
 *      [CLAIM_START, CLAIM_END) and CLAIM_BASE = FINISHED o (plain stores: only the owner
 *      reads them while it lives, and the main thread reads them after the owner's 'exit'
 *      event, which follows the thread's end); a failed CAS empties the claim
 *      (CLAIM_END = CLAIM_START) before the next try. Within a claim the owner finishes tasks
 *      in index order and counts each in FINISHED exactly once, so at any time its first
 *      unfinished task is CLAIM_START + FINISHED o - CLAIM_BASE: one atomic word (FINISHED)
 *      says how far it got, with no store per task. When the owner is dead the main thread
 *      hands [that index, CLAIM_END) to the replacement (`runningIndex`): nothing is lost,
 *      nothing it finished runs twice. A task whose outcome is recorded but not yet counted
 *      (death between the two) is counted, not re-run.
 *  B7. A thread dies only in a task body, an afterCommit callback or the heap's commit
 *      (process.exit, a fault point, an uncaught error) or when the main thread terminates
 *      it (a task timeout). For the latter the main thread first stores KILL o = 1; the
 *      owner loads KILL o before each claim and parks instead of claiming, so a worker
 *      that escaped its timed-out task a moment before terminate() lands never dies
 *      half-way through a claim (between its CAS on NEXT and the task's first step).
 */
import { type TaskRecordWriter, readArgs, writeRecord } from './internal/descriptor.js';
import { ResultLogs } from './result-log.js';

export const BATCH = 0;
export const WORKERS = 1;
export const COUNT = 16;
export const NEXT = 32;
export const TURN = 48;
export const STOP = 64;
export const RECALL = 80;
export const LOCK = 96;
export const GIL_WAITERS = 97;
export const LOG_LOCK = 128;
export const SLOTS = 129;
export const TASKS = 130;
export const TAB_BYTES = 131;
export const WAKE = 144;
export const WAITERS = 145;
export const ABORTS = 160;
const OWNERS = 176;
const OWNER_WORDS = 16;
/** Word of the first index of owner `o`'s claim (B6). */
export const CLAIM_START = (o: number): number => OWNERS + OWNER_WORDS * o;
/** Word of owner `o`'s finished-task count. */
export const FINISHED = (o: number): number => OWNERS + OWNER_WORDS * o + 1;
/** Word of owner `o`'s unordered commit gate (R2 of the transaction strategy). */
export const GATE = (o: number): number => OWNERS + OWNER_WORDS * o + 2;
/** Word of the end (exclusive) of owner `o`'s claim (B6). */
export const CLAIM_END = (o: number): number => OWNERS + OWNER_WORDS * o + 3;
/** Word of FINISHED `o` when owner `o` took its claim (B6). */
export const CLAIM_BASE = (o: number): number => OWNERS + OWNER_WORDS * o + 4;
/** Word set by the main thread before it terminates owner `o` (B7). */
export const KILL = (o: number): number => OWNERS + OWNER_WORDS * o + 5;
export const MAX_WORKERS = 256;
/** The owner number the main thread uses in the batch's lock words. */
export const MAIN_OWNER = MAX_WORKERS - 1;

/** Outcome kinds: a committed task's result kind, or FAILED. */
export const R_NONE = 0;
export const R_NUMBER = 1;
export const R_FALSE = 2;
export const R_TRUE = 3;
export const R_UNDEFINED = 4;
export const R_NULL = 5;
/** A result that is not a primitive: its encoding travels in the thread's batch output. */
export const R_ENCODED = 6;
export const FAILED = 7;

/**
 * Re-checks before a waiter sleeps: a turn or a finish usually comes within microseconds,
 * and a futex wake-up costs tens of them (it would make ordered hand-offs slow).
 */
const SPINS_BEFORE_SLEEP = 2000;
const MAX_LOG_SLOTS = 1 << 27;
const MAX_TASKS = 1 << 26;

/** Structured-cloneable: passed to workers once, at start. */
export interface SharedBatchHandle {
  readonly control: SharedArrayBuffer;
  readonly table: SharedArrayBuffer;
  readonly log: SharedArrayBuffer;
  readonly starts: SharedArrayBuffer;
  readonly outcome: SharedArrayBuffer;
  readonly nums: SharedArrayBuffer;
  readonly points: SharedArrayBuffer;
  /** Per-worker logs of results that are not primitives (result-log.ts), made by setWorkers. */
  results: readonly SharedArrayBuffer[];
}

/** A task table entry as this thread knows it. */
export interface TaskName {
  readonly module: string;
  readonly name: string;
}

export class SharedBatch implements TaskRecordWriter {
  readonly control: Int32Array;
  /** Fixed-length views of the growable buffers, re-made when they grew (see `views`). */
  logF64: Float64Array<ArrayBufferLike> = new Float64Array(0);
  logI32: Int32Array<ArrayBufferLike> = new Int32Array(0);
  logU16: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
  logU8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  starts: Int32Array<ArrayBufferLike> = new Int32Array(0);
  outcome: Int32Array<ArrayBufferLike> = new Int32Array(0);
  nums: Float64Array<ArrayBufferLike> = new Float64Array(0);
  points: Float64Array<ArrayBufferLike> = new Float64Array(0);
  /** This thread's copy of the task table: id -> name, key -> id. */
  private readonly taskNames: TaskName[] = [];
  private readonly taskIds = new Map<string, number>();
  /** One-entry cache of taskId (adding the same task in a loop costs no lookup). */
  private lastRef: object | undefined;
  private lastId = -1;

  /** The workers' result logs (none for the main thread: its results stay in its output). */
  resultLogs: ResultLogs;

  private constructor(readonly handle: SharedBatchHandle) {
    this.control = new Int32Array(handle.control);
    this.resultLogs = new ResultLogs(handle.results);
    this.views();
  }

  static create(): SharedBatch {
    const handle: SharedBatchHandle = {
      control: new SharedArrayBuffer(4 * (OWNERS + OWNER_WORDS * MAX_WORKERS)),
      table: new SharedArrayBuffer(4096, { maxByteLength: 1 << 24 }),
      log: new SharedArrayBuffer(256 * 1024, { maxByteLength: 8 * MAX_LOG_SLOTS }),
      starts: new SharedArrayBuffer(16 * 1024, { maxByteLength: 4 * MAX_TASKS }),
      outcome: new SharedArrayBuffer(16 * 1024, { maxByteLength: 4 * MAX_TASKS }),
      nums: new SharedArrayBuffer(32 * 1024, { maxByteLength: 8 * MAX_TASKS }),
      points: new SharedArrayBuffer(32 * 1024, { maxByteLength: 8 * MAX_TASKS }),
      results: [],
    };
    // The first touch of a fresh page costs 25-120 µs on a VM (2-core machine, Node 20): a
    // queue's first add() and run() touched the first page of each of these, ~0.5 ms in all.
    // Touch them now (the queue's creation; nothing else can see the buffers yet): a plain
    // store of the zero already there.
    for (const buffer of [handle.control, handle.table, handle.log, handle.starts, handle.outcome, handle.nums, handle.points]) {
      new Uint8Array(buffer, 0, 1)[0] = 0;
    }
    return new SharedBatch(handle);
  }

  static attach(handle: SharedBatchHandle): SharedBatch {
    return new SharedBatch(handle);
  }

  /** Main thread, between batches (no other thread touches the batch): empties it for batch `batch`. */
  reset(batch: number): void {
    const c = this.control;
    const count = Atomics.load(c, COUNT);
    this.views();
    this.outcome.fill(0, 0, Math.min(count, this.outcome.length));
    this.resultLogs.reset();
    for (const word of [COUNT, NEXT, TURN, STOP, RECALL, LOCK, GIL_WAITERS, LOG_LOCK, SLOTS, ABORTS]) Atomics.store(c, word, 0);
    for (let o = 0; o < MAX_WORKERS; o++) {
      for (const word of [CLAIM_START(o), FINISHED(o), GATE(o), CLAIM_END(o), CLAIM_BASE(o), KILL(o)]) Atomics.store(c, word, 0);
    }
    Atomics.store(c, BATCH, batch);
  }

  // ---------------------------------------------------------------- appending (B1)

  /**
   * Appends one task record (B1) and returns its index; `publish` false leaves COUNT alone
   * (the main thread adds a whole batch before run() publishes it). Throws a TypeError
   * naming the argument if one is not a Value; nothing is appended then.
   */
  append(taskId: number, args: ArrayLike<unknown>, owner: number, publish = true): number {
    const c = this.control;
    // Staging happens between runs, on the main thread alone: no lock needed (B1 holds
    // through publishStaged's store of COUNT).
    if (publish) this.lock(LOG_LOCK, owner);
    try {
      const index = publish ? Atomics.load(c, COUNT) : this.staged;
      this.reserveTasks(index + 1);
      const start = Atomics.load(c, SLOTS);
      const end = writeRecord(this, start, taskId, args);
      this.starts[index] = start;
      Atomics.store(c, SLOTS, end);
      if (publish)
        Atomics.store(c, COUNT, index + 1); // B1: publish
      else this.staged = index + 1;
      return index;
    } finally {
      if (publish) Atomics.store(c, LOG_LOCK, 0);
    }
  }

  /** Tasks appended with publish false, not yet covered by COUNT (main thread only). */
  staged = 0;

  /** Publishes the staged tasks (main thread, between batches). */
  publishStaged(): void {
    Atomics.store(this.control, COUNT, this.staged); // B1
    this.staged = 0;
  }

  /** Drops staged tasks from `count` on (a bulk add that failed half-way), and their records. */
  truncateStaged(count: number, slots: number): void {
    this.staged = count;
    Atomics.store(this.control, SLOTS, slots);
  }

  /** TaskRecordWriter: makes the record log hold `slots` 8-byte slots. */
  reserveSlots(slots: number): void {
    if (slots <= this.logF64.length) return;
    if (slots > MAX_LOG_SLOTS) throw new RangeError(`task log full: ${slots} slots needed, the limit is ${MAX_LOG_SLOTS}`);
    grow(this.handle.log, 8 * slots);
    this.views();
  }

  private reserveTasks(n: number): void {
    if (n <= this.starts.length && n <= this.outcome.length && n <= this.nums.length && n <= this.points.length) return;
    if (n > MAX_TASKS) throw new RangeError(`task log full: at most ${MAX_TASKS} tasks per batch`);
    grow(this.handle.starts, 4 * n);
    grow(this.handle.outcome, 4 * n);
    grow(this.handle.nums, 8 * n);
    grow(this.handle.points, 8 * n);
    this.views();
  }

  /** Makes sure the per-task views cover `index` (another thread may have grown them). */
  cover(index: number): void {
    if (index >= this.starts.length || index >= this.outcome.length || index >= this.points.length) this.views();
  }

  /** Re-makes the fixed-length views over the buffers' current lengths. */
  views(): void {
    const h = this.handle;
    this.logF64 = new Float64Array(h.log, 0, h.log.byteLength >> 3);
    this.logI32 = new Int32Array(h.log, 0, h.log.byteLength >> 2);
    this.logU16 = new Uint16Array(h.log, 0, h.log.byteLength >> 1);
    this.logU8 = new Uint8Array(h.log, 0, h.log.byteLength);
    this.starts = new Int32Array(h.starts, 0, h.starts.byteLength >> 2);
    this.outcome = new Int32Array(h.outcome, 0, h.outcome.byteLength >> 2);
    this.nums = new Float64Array(h.nums, 0, h.nums.byteLength >> 3);
    this.points = new Float64Array(h.points, 0, h.points.byteLength >> 3);
  }

  // ---------------------------------------------------------------- reading records

  /** The task id of task `index` < COUNT (claimed by this thread, or the batch is over). */
  taskId(index: number): number {
    return this.logI32[2 * this.starts[index]!]!;
  }

  /** The arguments of task `index` (as for taskId), decoded into `out` (length set); returns `out`. */
  args(index: number, out: unknown[]): unknown[] {
    return readArgs(this, this.starts[index]!, out);
  }

  // ---------------------------------------------------------------- task table (B4)

  /** The id of task (`ref.module`, `ref.name`) in the task table, adding it if new (B4). */
  taskIdOf(ref: TaskName, owner: number): number {
    if (ref === this.lastRef) return this.lastId;
    const key = `${ref.name}\u0000${ref.module}`;
    let id = this.taskIds.get(key);
    if (id === undefined) id = this.addTask(ref, key, owner);
    this.lastRef = ref;
    this.lastId = id;
    return id;
  }

  private addTask(ref: TaskName, key: string, owner: number): number {
    this.syncTasks();
    let id = this.taskIds.get(key);
    if (id !== undefined) return id;
    this.lock(LOG_LOCK, owner);
    try {
      this.syncTasks(); // another thread may have added it meanwhile
      id = this.taskIds.get(key);
      if (id !== undefined) return id;
      let at = Atomics.load(this.control, TAB_BYTES);
      grow(this.handle.table, at + 8 + 2 * (ref.module.length + ref.name.length));
      const view = new DataView(this.handle.table);
      for (const text of [ref.module, ref.name]) {
        view.setUint32(at, text.length, true);
        for (let k = 0; k < text.length; k++) view.setUint16(at + 4 + 2 * k, text.charCodeAt(k), true);
        at += 4 + 2 * text.length;
      }
      Atomics.store(this.control, TAB_BYTES, at);
      Atomics.store(this.control, TASKS, this.taskNames.length + 1); // B4: publish
      this.syncTasks();
      return this.taskIds.get(key)!;
    } finally {
      Atomics.store(this.control, LOG_LOCK, 0);
    }
  }

  /** The module URL and export name of task id `id`. */
  taskName(id: number): TaskName {
    if (id >= this.taskNames.length) this.syncTasks();
    const name = this.taskNames[id];
    if (name === undefined) throw new RangeError(`unknown task id ${id}`);
    return name;
  }

  /** Reads task table entries this thread has not seen yet. */
  private syncTasks(): void {
    const count = Atomics.load(this.control, TASKS);
    if (count === this.taskNames.length) return;
    const view = new DataView(this.handle.table);
    let at = 0;
    const read = (): string => {
      const length = view.getUint32(at, true);
      let text = '';
      for (let k = 0; k < length; k++) text += String.fromCharCode(view.getUint16(at + 4 + 2 * k, true));
      at += 4 + 2 * length;
      return text;
    };
    for (let id = 0; id < count; id++) {
      const module = read();
      const name = read();
      if (id >= this.taskNames.length) {
        this.taskNames.push({ module, name });
        this.taskIds.set(`${name}\u0000${module}`, id);
      }
    }
  }

  // ---------------------------------------------------------------- claiming and finishing

  /**
   * Claims up to `max` consecutive unclaimed indices for `owner`; returns the first (the
   * claim ends at `claimEnd`), or -1 if every published task is claimed. The claim is
   * written to the owner's words first (B6); an owner being terminated parks here (B7).
   */
  claim(max: number, owner: number): number {
    const c = this.control;
    const start = CLAIM_START(owner);
    const claimEnd = CLAIM_END(owner);
    if (c[KILL(owner)] !== 0) park(c, KILL(owner)); // B7: terminate() is on its way
    for (;;) {
      const next = Atomics.load(c, NEXT);
      const count = Atomics.load(c, COUNT);
      if (next >= count) {
        c[claimEnd] = c[start]!; // B6: nothing claimed
        return -1;
      }
      const end = Math.min(count, next + Math.max(1, Math.min(max, Math.floor((count - next) / 16))));
      // B6: the claim is on record before it is taken (plain stores; FINISHED is this
      // owner's own word, stable while it claims).
      c[start] = next;
      c[claimEnd] = end;
      c[CLAIM_BASE(owner)] = c[FINISHED(owner)]!;
      if (Atomics.compareExchange(c, NEXT, next, end) === next) {
        this.claimEnd = end;
        // B1: the records and per-task entries below COUNT were written (and the buffers
        // grown) before COUNT was stored; make this thread's views cover them.
        if (this.logF64.length < Atomics.load(c, SLOTS) || end > this.starts.length || end > this.outcome.length) this.views();
        return next;
      }
      c[claimEnd] = next; // B6: the CAS failed, nothing claimed
    }
  }

  /**
   * B6: the first task owner `o` has not finished in its claim, and the claim's end; the
   * range is empty when it finished them all. Exact once `o` is dead (main thread, after
   * its exit event); a heuristic while it lives (the watchdog).
   */
  runningIndex(o: number): { index: number; end: number } {
    const c = this.control;
    const end = c[CLAIM_END(o)]!;
    const index = c[CLAIM_START(o)]! + (Atomics.load(c, FINISHED(o)) - c[CLAIM_BASE(o)]!);
    return { index: Math.min(index, end), end };
  }

  /** Main thread, for a dead owner's replacement: its claim is [from, end), nothing of it finished (B6). */
  handOver(o: number, from: number, end: number): void {
    const c = this.control;
    c[CLAIM_START(o)] = from;
    c[CLAIM_END(o)] = end;
    c[CLAIM_BASE(o)] = Atomics.load(c, FINISHED(o));
    Atomics.store(c, KILL(o), 0);
  }

  /** True if a published task is not claimed yet. */
  claimable(): boolean {
    return Atomics.load(this.control, NEXT) < Atomics.load(this.control, COUNT);
  }

  /** Published tasks not claimed yet. */
  unclaimed(): number {
    return Math.max(0, Atomics.load(this.control, COUNT) - Atomics.load(this.control, NEXT));
  }

  /** Progress so far: committed and finished tasks, tasks known (a scan of the outcome array). */
  progress(): { committed: number; finished: number; total: number } {
    const finished = this.finished();
    const total = Atomics.load(this.control, COUNT);
    this.views();
    let committed = 0;
    for (let i = 0; i < total; i++) {
      const kind = this.outcome[i]!;
      if (kind !== R_NONE && kind !== FAILED) committed++;
    }
    return { committed, finished: Math.min(finished, total), total };
  }

  /** End (exclusive) of the last claim. */
  claimEnd = 0;

  /**
   * Logs the outcome of task `index` (a result kind, or FAILED) at `point` in the heap's
   * serial order (TxControl.serialPoint). Plain stores: FINISHED's Atomics.add publishes them.
   */
  recordOutcome(index: number, kind: number, point: number): void {
    this.cover(index);
    this.points[index] = point;
    this.outcome[index] = kind;
  }

  /** Sets the pool size and makes the workers' result logs (main thread, once, before any worker starts). */
  setWorkers(workers: number): void {
    Atomics.store(this.control, WORKERS, workers);
    this.resultLogs = ResultLogs.create(workers);
    this.handle.results = this.resultLogs.buffers;
  }

  /** Tasks finished so far, all owners in use (B2: read before COUNT when checking for the end). */
  finished(): number {
    const c = this.control;
    const workers = Atomics.load(c, WORKERS);
    let total = Atomics.load(c, FINISHED(MAIN_OWNER));
    for (let o = 0; o < workers; o++) total += Atomics.load(c, FINISHED(o));
    return total;
  }

  /** True when every published task has finished (B2). */
  done(): boolean {
    const finished = this.finished(); // B2: before COUNT
    return finished >= Atomics.load(this.control, COUNT);
  }

  /** Counts one task of `owner` finished (B2) and wakes waiters (B5). */
  finish(owner: number, n = 1): void {
    Atomics.add(this.control, FINISHED(owner), n);
    this.wake();
  }

  /**
   * Finished tasks in serial order (by point; ties by index: tasks that tie wrote nothing,
   * so their order does not matter), as a function that builds the array. `committedOnly`
   * leaves failures out. When the points already rise with the index (sequential, ordered
   * and GIL runs) the order is the finished indices themselves: only the few left out are
   * kept, and the array is built when the function is called, not before (an array of a
   * whole batch costs ~20 ns per task to allocate where first touches of memory are slow).
   * Out-of-order points are sorted now: the shared arrays are reused by the next batch.
   */
  serialOrder(committedOnly: boolean): () => number[] {
    const count = Atomics.load(this.control, COUNT);
    this.views();
    const outcome = this.outcome;
    const points = this.points;
    const skipped: number[] = [];
    let last = -Infinity;
    let i = 0;
    for (; i < count; i++) {
      const kind = outcome[i]!;
      if (kind === R_NONE || (committedOnly && kind === FAILED)) {
        skipped.push(i);
        continue;
      }
      const p = points[i]!;
      if (p < last) break;
      last = p;
    }
    if (i === count) return () => indicesWithout(count, skipped);
    const picked: number[] = [];
    for (let k = 0; k < count; k++) {
      const kind = outcome[k]!;
      if (kind !== R_NONE && !(committedOnly && kind === FAILED)) picked.push(k);
    }
    const order = sortByPoint(picked, points);
    return () => order;
  }

  // ---------------------------------------------------------------- waiting (B5)

  /** Wakes every thread waiting for a change (new tasks, a turn, a finish, stop). */
  wake(): void {
    const c = this.control;
    if (Atomics.load(c, WAITERS) === 0) return; // B5: nobody registered
    Atomics.add(c, WAKE, 1);
    Atomics.notify(c, WAKE);
  }

  /**
   * Waits until `ready()` holds, spinning a little first (changes usually come within
   * microseconds), then sleeping in slices of up to `ms` (B5).
   */
  waitUntil(ready: () => boolean, ms: number): void {
    // Spin unregistered first: most waits end within microseconds, and a registered
    // waiter makes every finishing thread pay for a notify (B5).
    for (let spin = 0; spin < SPINS_BEFORE_SLEEP; spin++) if (ready()) return;
    const c = this.control;
    Atomics.add(c, WAITERS, 1); // B5: register before the re-check that precedes sleeping
    try {
      for (;;) {
        const seen = Atomics.load(c, WAKE);
        if (ready()) return;
        Atomics.wait(c, WAKE, seen, ms);
      }
    } finally {
      Atomics.sub(c, WAITERS, 1);
    }
  }

  /** Spin-then-sleep lock on `word`, owned by `owner` (a small integer >= 0). */
  lock(word: number, owner: number): void {
    const c = this.control;
    for (let spins = 0; Atomics.compareExchange(c, word, 0, owner + 1) !== 0; spins++) {
      if (spins > 64) Atomics.wait(c, word, Atomics.load(c, word), 1);
    }
  }

  unlock(word: number): void {
    Atomics.store(this.control, word, 0);
    Atomics.notify(this.control, word);
  }
}

/** B7: a thread about to be terminated waits here for it (it never claims again). */
function park(c: Int32Array, word: number): void {
  for (;;) Atomics.wait(c, word, 1, 1000);
}

/** 0..count-1 without `skipped` (ascending). */
function indicesWithout(count: number, skipped: readonly number[]): number[] {
  const out = new Array<number>(count - skipped.length);
  let at = 0;
  let s = 0;
  for (let i = 0; i < count; i++) {
    if (s < skipped.length && skipped[s] === i) {
      s++;
      continue;
    }
    out[at++] = i;
  }
  return out;
}

/**
 * Sorts task indices by serial point, ties by index. Points are commit versions or
 * version + 0.5, so 2 * (point - min) is an integer: when it fits, each (point, index)
 * pair packs into one exact double and the engine's numeric sort does the work.
 */
function sortByPoint(indices: number[], points: Float64Array<ArrayBufferLike>): number[] {
  let min = Infinity;
  let max = -Infinity;
  for (const i of indices) {
    const p = points[i]!;
    if (p < min) min = p;
    if (p > max) max = p;
  }
  const span = 2 * (max - min) + 1;
  if (span * 2 ** 26 < 2 ** 53) {
    const keys = new Float64Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      keys[k] = 2 * (points[i]! - min) * 2 ** 26 + i;
    }
    keys.sort();
    const out = new Array<number>(keys.length);
    for (let k = 0; k < keys.length; k++) out[k] = keys[k]! % 2 ** 26;
    return out;
  }
  return indices.sort((a, b) => points[a]! - points[b]! || a - b);
}

/** Grows a growable SharedArrayBuffer to hold `bytes` (doubling); RangeError past its max. */
function grow(buffer: SharedArrayBuffer, bytes: number): void {
  if (buffer.byteLength >= bytes) return;
  const target = Math.min(buffer.maxByteLength, Math.max(bytes, buffer.byteLength * 2));
  if (target < bytes) throw new RangeError(`task log full: needs ${bytes} bytes, the limit is ${buffer.maxByteLength}`);
  try {
    buffer.grow(target);
  } catch {
    if (buffer.byteLength < bytes) throw new RangeError(`task log could not grow to ${bytes} bytes`);
  }
}
