/**
 * The shared memory of a batch: a control block of Int32 words and three growable logs
 * (task descriptors, their offsets, the commit order). Tasks are dispatched through it:
 * workers claim indices with CAS, no message per task.
 *
 * ## Control block (Int32 words; words written often sit on cache lines of their own)
 * | word  | name      | meaning                                           | written by          | how         |
 * |-------|-----------|---------------------------------------------------|---------------------|-------------|
 * |   0   | BATCH     | batch number, 1 for the first run                 | main, between runs  | store       |
 * |  16   | COUNT     | tasks published in the log                        | holder of LOG_LOCK  | store       |
 * |  32   | NEXT      | next task index to claim                          | workers             | CAS         |
 * |  48   | TURN      | ordered mode: the index allowed to commit next    | the task at its turn| store       |
 * |  64   | STOP      | 1: stop (a failure, onError 'stop'); 2: abort     | any                 | store       |
 * |  80   | COMMITS   | outcomes logged (commits and failures)            | finishing worker    | add         |
 * |  96   | LOCK      | global lock (GIL, inevitable token): 0 or owner+1 | workers             | CAS / store |
 * | 112   | GATE      | unordered commits in progress                     | committing workers  | add / sub   |
 * | 128   | LOG_LOCK  | append lock of the logs: 0 or owner+1             | appenders           | CAS / store |
 * | 129   | BYTES     | bytes used in the descriptor log                  | holder of LOG_LOCK  | store       |
 * | 130   | MODULES   | module URLs in the module table (never reset)     | holder of LOG_LOCK  | store       |
 * | 131   | MOD_BYTES | bytes used in the module table                    | holder of LOG_LOCK  | store       |
 * | 144   | WAKE      | bumped when waiters should re-check               | any                 | add         |
 * | 145   | WAITERS   | threads sleeping in waitForChange                 | waiters             | add / sub   |
 * | 160   | ABORTS    | aborted attempts (conflicts) in this batch        | workers             | add         |
 * | 176+16o   | CURRENT o  | index owner o is running, -1 idle             | owner o             | store       |
 * | 176+16o+1 | FINISHED o | tasks owner o finished (committed, failed, abandoned) | owner o     | add         |
 * Owners are worker indices 0..MAX_WORKERS-2 and the main thread, MAX_WORKERS-1.
 *
 * Invariants:
 *  B1. A task's descriptor and offsets are written before COUNT covers it (Atomics.store
 *      under LOG_LOCK): a worker that claims index i < COUNT reads a complete descriptor.
 *  B2. Children are appended by their parent's worker after the parent committed and
 *      before its owner's FINISHED counts the parent: when the sum of FINISHED (read
 *      before COUNT) equals COUNT, no task is running and none can appear: the batch is over.
 *  B3. In ordered mode TURN == i only while task i is the next to commit; it is advanced
 *      exactly once per task (committed, failed or abandoned), by that task's worker.
 *  B4. Module table entries (u32 length, UTF-16 units) are written before MODULES covers
 *      them, and never change: a module id means the same URL for the queue's lifetime.
 */

export const BATCH = 0;
export const COUNT = 16;
export const NEXT = 32;
export const TURN = 48;
export const STOP = 64;
export const COMMITS = 80;
export const LOCK = 96;
export const GATE = 112;
export const LOG_LOCK = 128;
export const BYTES = 129;
export const MODULES = 130;
export const MOD_BYTES = 131;
export const WAKE = 144;
export const WAITERS = 145;
export const ABORTS = 160;
const OWNERS = 176;
const OWNER_WORDS = 16;
/** Word of owner `o`'s running task index. */
export const CURRENT = (o: number): number => OWNERS + OWNER_WORDS * o;
/** Word of owner `o`'s finished-task count. */
export const FINISHED = (o: number): number => OWNERS + OWNER_WORDS * o + 1;
export const MAX_WORKERS = 256;

const MAX_LOG_BYTES = 1 << 30;
const MAX_TASKS = 1 << 26;

/** Structured-cloneable: passed to workers once, at start. */
export interface SharedBatchHandle {
  readonly control: SharedArrayBuffer;
  readonly modules: SharedArrayBuffer;
  readonly offsets: SharedArrayBuffer;
  readonly bytes: SharedArrayBuffer;
  readonly order: SharedArrayBuffer;
  readonly points: SharedArrayBuffer;
}

export class SharedBatch {
  readonly control: Int32Array;
  /** Fixed-length views of the growable logs, re-made when they grew (see `views`). */
  private offsets: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private order: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private points: Float64Array<ArrayBufferLike> = new Float64Array(0);
  /** This thread's copy of the module table: id -> URL, URL -> id. */
  private readonly moduleUrls: string[] = [];
  private readonly moduleIds = new Map<string, number>();

  private constructor(readonly handle: SharedBatchHandle) {
    this.control = new Int32Array(handle.control);
  }

  static create(): SharedBatch {
    return new SharedBatch({
      control: new SharedArrayBuffer(4 * (OWNERS + OWNER_WORDS * MAX_WORKERS)),
      modules: new SharedArrayBuffer(4096, { maxByteLength: 1 << 24 }),
      offsets: new SharedArrayBuffer(8 * 1024, { maxByteLength: 8 * MAX_TASKS }),
      bytes: new SharedArrayBuffer(64 * 1024, { maxByteLength: MAX_LOG_BYTES }),
      order: new SharedArrayBuffer(4 * 1024, { maxByteLength: 4 * MAX_TASKS }),
      points: new SharedArrayBuffer(8 * 1024, { maxByteLength: 8 * MAX_TASKS }),
    });
  }

  static attach(handle: SharedBatchHandle): SharedBatch {
    return new SharedBatch(handle);
  }

  /** Main thread, between batches: empties the logs and counters for batch `batch`. */
  reset(batch: number): void {
    const c = this.control;
    for (const word of [COUNT, NEXT, TURN, STOP, COMMITS, LOCK, GATE, LOG_LOCK, BYTES, ABORTS]) Atomics.store(c, word, 0);
    for (let o = 0; o < MAX_WORKERS; o++) {
      Atomics.store(c, CURRENT(o), -1);
      Atomics.store(c, FINISHED(o), 0);
    }
    Atomics.store(c, BATCH, batch);
  }

  /** Appends a task descriptor (B1); returns its index. `owner` identifies the appender. */
  append(descriptor: Uint8Array, owner: number): number {
    const c = this.control;
    this.lock(LOG_LOCK, owner);
    try {
      const index = Atomics.load(c, COUNT);
      const at = Atomics.load(c, BYTES);
      ensure(this.handle.bytes, at + descriptor.length);
      ensure(this.handle.offsets, 8 * (index + 1));
      this.views();
      this.bytes.set(descriptor, at);
      this.offsets[2 * index] = at;
      this.offsets[2 * index + 1] = descriptor.length;
      Atomics.store(c, BYTES, at + descriptor.length);
      Atomics.store(c, COUNT, index + 1); // B1: publish
      return index;
    } finally {
      Atomics.store(c, LOG_LOCK, 0);
    }
  }

  /** The descriptor bytes of task `index` < COUNT (a view into shared memory: decode, do not keep). */
  descriptor(index: number): Uint8Array {
    if (2 * index + 1 >= this.offsets.length) this.views();
    const at = this.offsets[2 * index]!;
    const length = this.offsets[2 * index + 1]!;
    if (at + length > this.bytes.length) this.views();
    return this.bytes.subarray(at, at + length);
  }

  /** The id of module `url` in the module table, adding it if new (B4). */
  moduleId(url: string, owner: number): number {
    let id = this.moduleIds.get(url);
    if (id !== undefined) return id;
    this.syncModules();
    id = this.moduleIds.get(url);
    if (id !== undefined) return id;
    this.lock(LOG_LOCK, owner);
    try {
      this.syncModules(); // another thread may have added it meanwhile
      id = this.moduleIds.get(url);
      if (id !== undefined) return id;
      const at = Atomics.load(this.control, MOD_BYTES);
      ensure(this.handle.modules, at + 4 + 2 * url.length);
      const view = new DataView(this.handle.modules);
      view.setUint32(at, url.length, true);
      for (let k = 0; k < url.length; k++) view.setUint16(at + 4 + 2 * k, url.charCodeAt(k), true);
      Atomics.store(this.control, MOD_BYTES, at + 4 + 2 * url.length);
      Atomics.store(this.control, MODULES, this.moduleUrls.length + 1); // B4: publish
      this.syncModules();
      return this.moduleIds.get(url)!;
    } finally {
      Atomics.store(this.control, LOG_LOCK, 0);
    }
  }

  /** The URL of module `id`. */
  moduleUrl(id: number): string {
    if (id >= this.moduleUrls.length) this.syncModules();
    const url = this.moduleUrls[id];
    if (url === undefined) throw new RangeError(`unknown task module id ${id}`);
    return url;
  }

  /** Reads module table entries this thread has not seen yet. */
  private syncModules(): void {
    const count = Atomics.load(this.control, MODULES);
    if (count === this.moduleUrls.length) return;
    const view = new DataView(this.handle.modules);
    let at = 0;
    for (let id = 0; id < count; id++) {
      const length = view.getUint32(at, true);
      if (id >= this.moduleUrls.length) {
        let url = '';
        for (let k = 0; k < length; k++) url += String.fromCharCode(view.getUint16(at + 4 + 2 * k, true));
        this.moduleUrls.push(url);
        this.moduleIds.set(url, id);
      }
      at += 4 + 2 * length;
    }
  }

  /** Re-makes the fixed-length views over the logs' current lengths. */
  private views(): void {
    this.offsets = new Int32Array(this.handle.offsets, 0, this.handle.offsets.byteLength >> 2);
    this.bytes = new Uint8Array(this.handle.bytes, 0, this.handle.bytes.byteLength);
    this.order = new Int32Array(this.handle.order, 0, this.handle.order.byteLength >> 2);
    this.points = new Float64Array(this.handle.points, 0, this.handle.points.byteLength >> 3);
  }

  /**
   * Claims up to `max` consecutive unclaimed indices; returns the first (the claim ends at
   * `claimEnd`), or -1 if every published task is claimed.
   */
  claim(max: number): number {
    const c = this.control;
    for (;;) {
      const next = Atomics.load(c, NEXT);
      const count = Atomics.load(c, COUNT);
      if (next >= count) return -1;
      const end = Math.min(count, next + Math.max(1, Math.min(max, Math.floor((count - next) / 16))));
      if (Atomics.compareExchange(c, NEXT, next, end) === next) {
        this.claimEnd = end;
        return next;
      }
    }
  }

  /** End (exclusive) of the last claim. */
  claimEnd = 0;

  /** Tasks finished so far, all owners (B2: read before COUNT when checking for the end). */
  finished(): number {
    let total = 0;
    for (let o = 0; o < MAX_WORKERS; o++) total += Atomics.load(this.control, FINISHED(o));
    return total;
  }

  /**
   * Logs the outcome of task `index`: committed, or failed (its error counted), at
   * `point` in the heap's serial order (TxControl.serialPoint).
   */
  recordOutcome(index: number, point: number, failed: boolean): void {
    const position = Atomics.add(this.control, COMMITS, 1);
    if (position >= this.order.length || position >= this.points.length) {
      ensure(this.handle.order, 4 * (position + 1));
      ensure(this.handle.points, 8 * (position + 1));
      this.views();
    }
    this.points[position] = point;
    Atomics.store(this.order, position, failed ? ~index : index); // the point is read after this
  }

  /**
   * Finished tasks in serial order (by point; ties in log order): running them one by one
   * in this order gives the run's results. `committedOnly` leaves failures out.
   */
  serialOrder(committedOnly: boolean): number[] {
    const n = Atomics.load(this.control, COMMITS);
    this.views();
    const entries: [number, number][] = [];
    for (let k = 0; k < n; k++) {
      const index = Atomics.load(this.order, k);
      if (committedOnly && index < 0) continue;
      entries.push([this.points[k]!, index < 0 ? ~index : index]);
    }
    return entries.sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }

  /** True when every published task has finished (B2). */
  done(): boolean {
    const finished = this.finished(); // B2: before COUNT
    return finished >= Atomics.load(this.control, COUNT);
  }

  /** Wakes every thread waiting for a change (new tasks, a turn, a finish, stop). */
  wake(): void {
    Atomics.add(this.control, WAKE, 1);
    // Waiters register before they re-check and sleep, so a notify is only owed to them.
    if (Atomics.load(this.control, WAITERS) !== 0) Atomics.notify(this.control, WAKE);
  }

  /**
   * Waits until WAKE moves past `seen` (read before the caller's last check), spinning a
   * little first (changes usually come within microseconds), then sleeping up to `ms`.
   */
  waitForChange(seen: number, ms: number): void {
    const c = this.control;
    for (let spin = 0; spin < 2000; spin++) if (Atomics.load(c, WAKE) !== seen) return;
    Atomics.add(c, WAITERS, 1);
    Atomics.wait(c, WAKE, seen, ms);
    Atomics.sub(c, WAITERS, 1);
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

/** Grows a growable SharedArrayBuffer to hold `bytes` (doubling); RangeError past its max. */
function ensure(buffer: SharedArrayBuffer, bytes: number): void {
  if (buffer.byteLength >= bytes) return;
  const target = Math.min(buffer.maxByteLength, Math.max(bytes, buffer.byteLength * 2));
  if (target < bytes) throw new RangeError(`task log full: needs ${bytes} bytes, the limit is ${buffer.maxByteLength}`);
  try {
    buffer.grow(target);
  } catch {
    if (buffer.byteLength < bytes) throw new RangeError(`task log could not grow to ${bytes} bytes`);
  }
}
