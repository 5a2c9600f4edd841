/** Backoff after a conflict or a serialization failure: jittered, doubling, capped. */

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Milliseconds to wait before attempt `attempt + 1`: up to 0.25 ms * 2^attempt, at most 20 ms. */
export function backoffMs(attempt: number): number {
  if (attempt === 0) return 0;
  return Math.random() * Math.min(20, 0.25 * 2 ** Math.min(attempt, 10));
}

/** Blocks this thread for `ms` (for synchronous callers). */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Query values as `pg` wants them: byte arrays (also inside arrays) as Buffers. */
export function toPgValues(values: readonly unknown[] | undefined): unknown[] | undefined {
  if (!values) return undefined;
  return values.map(function convert(v: unknown): unknown {
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    if (Array.isArray(v)) return v.map(convert);
    return v;
  });
}
