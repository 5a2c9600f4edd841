/**
 * Waiting without burning a core: spin briefly, then sleep in Atomics.wait with a timeout
 * that grows. Used while a cell's commit lock is held (held for a bounded commit step) and
 * between attempts after a conflict. Never waits for a notify, so nobody has to send one.
 */
export class Backoff {
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  /** One step of waiting for something another thread will finish soon. */
  spin(spins: number): void {
    if (spins < 64) return;
    const ms = Math.min(1, 0.002 * 2 ** Math.min(10, (spins - 64) >> 3));
    Atomics.wait(this.sleeper, 0, 0, ms);
  }

  /** Wait before attempt `attempt` (0-based) of a transaction that lost a conflict. */
  afterConflict(attempt: number): void {
    if (attempt < 2) return;
    const ms = Math.min(2, 0.005 * 2 ** Math.min(9, attempt) * Math.random());
    Atomics.wait(this.sleeper, 0, 0, ms);
  }
}
