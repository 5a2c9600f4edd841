/**
 * Results that are not primitives, in shared memory: one append-only log per worker, so a
 * worker that dies does not take the results of the tasks it committed with it (they were
 * in its end-of-batch message before), and no message carries them.
 *
 * ## A worker's log (growable SharedArrayBuffer; byte offsets)
 * | off | type | meaning                                   | written by                      | how   |
 * |-----|------|-------------------------------------------|---------------------------------|-------|
 * |   0 | i32  | USED: bytes used, records included        | the owner; main between batches | plain |
 * |   8 | ...  | records: index i32, length i32, bytes, padded to 8 | the owner              | plain |
 *
 *  L1. A record is written before USED covers it, by the log's owner alone (a replacement
 *      owns its dead predecessor's log and appends after it). The main thread reads a log
 *      only after its owner's 'done' message or 'exit' event (both follow every store the
 *      owner made), and resets USED only between batches.
 *  L2. A task's record is written after its commit and before its outcome is recorded: a
 *      committed task's result is in some log. A task re-run after its worker died in that
 *      window has a later record, in the same log: the last record of an index wins.
 */
const USED = 0;
const FIRST = 8;
const INITIAL_BYTES = 64 * 1024;
const MAX_BYTES = 1 << 30;

/** The logs of a pool's workers, by owner; every thread holds the same buffers. */
export class ResultLogs {
  private u8: Uint8Array<ArrayBufferLike>[] = [];
  private i32: Int32Array<ArrayBufferLike>[] = [];

  constructor(readonly buffers: readonly SharedArrayBuffer[]) {
    for (let o = 0; o < buffers.length; o++) this.views(o);
  }

  /** Logs for `owners` workers (main thread, before any worker starts). */
  static create(owners: number): ResultLogs {
    return new ResultLogs(
      Array.from({ length: owners }, () => {
        const buffer = new SharedArrayBuffer(INITIAL_BYTES, { maxByteLength: MAX_BYTES });
        new Int32Array(buffer)[USED] = FIRST;
        return buffer;
      }),
    );
  }

  /** True if `owner` has a log (workers do; the main thread keeps its results in its output). */
  has(owner: number): boolean {
    return owner < this.buffers.length;
  }

  /** Owner `owner` appends the result of task `index` (L1, L2). */
  append(owner: number, index: number, bytes: Uint8Array): void {
    let i32 = this.i32[owner]!;
    const at = i32[USED]!;
    const end = at + 8 + ((bytes.length + 7) & ~7);
    if (end > this.u8[owner]!.length) {
      const buffer = this.buffers[owner]!;
      if (end > buffer.maxByteLength)
        throw new RangeError(`the results of one batch exceed ${buffer.maxByteLength} bytes in one worker`);
      buffer.grow(Math.min(buffer.maxByteLength, Math.max(end, 2 * buffer.byteLength)));
      this.views(owner);
      i32 = this.i32[owner]!;
    }
    i32[at >> 2] = index;
    i32[(at >> 2) + 1] = bytes.length;
    this.u8[owner]!.set(bytes, at + 8);
    i32[USED] = end; // L1: the record first, then USED
  }

  /** Every record, oldest first (main thread, after the owners' done/exit: L1). */
  *records(): Generator<[index: number, bytes: Uint8Array]> {
    for (let o = 0; o < this.buffers.length; o++) {
      this.views(o);
      const i32 = this.i32[o]!;
      const used = i32[USED]!;
      for (let at = FIRST; at < used; ) {
        const length = i32[(at >> 2) + 1]!;
        yield [i32[at >> 2]!, this.u8[o]!.subarray(at + 8, at + 8 + length)];
        at += 8 + ((length + 7) & ~7);
      }
    }
  }

  /** Empties every log (main thread, between batches). */
  reset(): void {
    for (let o = 0; o < this.buffers.length; o++) this.i32[o]![USED] = FIRST;
  }

  private views(o: number): void {
    const buffer = this.buffers[o]!;
    this.u8[o] = new Uint8Array(buffer, 0, buffer.byteLength);
    this.i32[o] = new Int32Array(buffer, 0, buffer.byteLength >> 2);
  }
}
