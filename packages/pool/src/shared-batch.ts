/**
 * The shared memory of a batch: a control block of Int32 words and three growable logs
 * (task descriptors, their offsets, the commit order). Tasks are dispatched through it:
 * workers claim indices with CAS, no message per task.
 *
 * ## Control block (Int32 words)
 * | word | name      | meaning                                           | written by          | how         |
 * |------|-----------|---------------------------------------------------|---------------------|-------------|
 * |  0   | BATCH     | batch number, 1 for the first run                 | main, between runs  | store       |
 * |  1   | COUNT     | tasks published in the log                        | holder of LOG_LOCK  | store       |
 * |  2   | NEXT      | next task index to claim                          | workers             | CAS         |
 * |  3   | FINISHED  | tasks committed, failed or abandoned              | workers             | add         |
 * |  4   | TURN      | ordered mode: the index allowed to commit next    | the task at its turn| add         |
 * |  5   | STOP      | 1: stop claiming and committing                   | any                 | store       |
 * |  6   | COMMITS   | commits so far (next commit-order position)       | committing worker   | add         |
 * |  7   | LOCK      | global lock (GIL, inevitable token): 0 or owner+1 | workers             | CAS / store |
 * |  8   | GATE      | unordered commits in progress                     | committing workers  | add / sub   |
 * |  9   | LOG_LOCK  | append lock of the logs: 0 or owner+1             | appenders           | CAS / store |
 * | 10   | BYTES     | bytes used in the descriptor log                  | holder of LOG_LOCK  | store       |
 * | 11   | WAKE      | bumped (and notified) when waiters should re-check| any                 | add+notify  |
 * | 12   | ABORTS    | aborted attempts (conflicts) in this batch        | workers             | add         |
 * | 16+w | CURRENT w | index worker w is running, -1 idle                | worker w            | store       |
 *
 * Invariants:
 *  B1. A task's descriptor and offsets are written before COUNT covers it (Atomics.store
 *      under LOG_LOCK): a worker that claims index i < COUNT reads a complete descriptor.
 *  B2. Children are appended by their parent's worker after the parent committed and
 *      before FINISHED counts the parent: FINISHED == COUNT means no task is running and
 *      no task can appear, so the batch is over.
 *  B3. In ordered mode TURN == i only while task i is the next to commit; it is advanced
 *      exactly once per task (committed, failed or abandoned), by that task's worker.
 */

export const BATCH = 0;
export const COUNT = 1;
export const NEXT = 2;
export const FINISHED = 3;
export const TURN = 4;
export const STOP = 5;
export const COMMITS = 6;
export const LOCK = 7;
export const GATE = 8;
export const LOG_LOCK = 9;
export const BYTES = 10;
export const WAKE = 11;
export const ABORTS = 12;
export const CURRENT = 16;
export const MAX_WORKERS = 256;

const MAX_LOG_BYTES = 1 << 30;
const MAX_TASKS = 1 << 26;

/** Structured-cloneable: passed to workers once, at start. */
export interface SharedBatchHandle {
  readonly control: SharedArrayBuffer;
  readonly offsets: SharedArrayBuffer;
  readonly bytes: SharedArrayBuffer;
  readonly order: SharedArrayBuffer;
}

export class SharedBatch {
  readonly control: Int32Array;

  private constructor(readonly handle: SharedBatchHandle) {
    this.control = new Int32Array(handle.control);
  }

  static create(): SharedBatch {
    return new SharedBatch({
      control: new SharedArrayBuffer(4 * (CURRENT + MAX_WORKERS)),
      offsets: new SharedArrayBuffer(8 * 1024, { maxByteLength: 8 * MAX_TASKS }),
      bytes: new SharedArrayBuffer(64 * 1024, { maxByteLength: MAX_LOG_BYTES }),
      order: new SharedArrayBuffer(4 * 1024, { maxByteLength: 4 * MAX_TASKS }),
    });
  }

  static attach(handle: SharedBatchHandle): SharedBatch {
    return new SharedBatch(handle);
  }

  /** Main thread, between batches: empties the logs and counters for batch `batch`. */
  reset(batch: number): void {
    const c = this.control;
    for (const word of [COUNT, NEXT, FINISHED, TURN, STOP, COMMITS, LOCK, GATE, LOG_LOCK, BYTES, ABORTS]) Atomics.store(c, word, 0);
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
      new Uint8Array(this.handle.bytes).set(descriptor, at);
      const offsets = new Int32Array(this.handle.offsets);
      offsets[2 * index] = at;
      offsets[2 * index + 1] = descriptor.length;
      Atomics.store(c, BYTES, at + descriptor.length);
      Atomics.store(c, COUNT, index + 1); // B1: publish
      return index;
    } finally {
      Atomics.store(c, LOG_LOCK, 0);
    }
  }

  /** The descriptor bytes of task `index` (a copy: safe to keep). */
  descriptor(index: number): Uint8Array {
    const offsets = new Int32Array(this.handle.offsets);
    const at = offsets[2 * index]!;
    const length = offsets[2 * index + 1]!;
    return new Uint8Array(this.handle.bytes, at, length).slice();
  }

  /** Claims the next unclaimed task index, or returns -1 if every published one is claimed. */
  claim(): number {
    const c = this.control;
    for (;;) {
      const next = Atomics.load(c, NEXT);
      if (next >= Atomics.load(c, COUNT)) return -1;
      if (Atomics.compareExchange(c, NEXT, next, next + 1) === next) return next;
    }
  }

  /** Records that `index` committed; returns its position in the commit order. */
  recordCommit(index: number): number {
    const position = Atomics.add(this.control, COMMITS, 1);
    ensure(this.handle.order, 4 * (position + 1));
    Atomics.store(new Int32Array(this.handle.order), position, index);
    return position;
  }

  /** The commit order of the batch so far (task indices). */
  commitOrder(): number[] {
    const n = Atomics.load(this.control, COMMITS);
    return Array.from(new Int32Array(this.handle.order, 0, n));
  }

  /** True when every published task has finished (B2). */
  done(): boolean {
    return Atomics.load(this.control, FINISHED) >= Atomics.load(this.control, COUNT);
  }

  /** Wakes every thread waiting for a change (new tasks, a turn, a finish, stop). */
  wake(): void {
    Atomics.add(this.control, WAKE, 1);
    Atomics.notify(this.control, WAKE);
  }

  /** Blocks until WAKE moves past `seen` or `ms` pass. */
  waitForChange(seen: number, ms: number): void {
    Atomics.wait(this.control, WAKE, seen, ms);
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
