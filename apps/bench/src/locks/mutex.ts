/**
 * A futex-style mutex per lock word (Drepper, "Futexes Are Tricky", mutex 2): spin a
 * little with compareExchange, then sleep with Atomics.wait. Worker threads only (the
 * main thread may not Atomics.wait).
 *
 * Word states: 0 free, 1 held, 2 held and someone may be sleeping on it.
 *  I1. Only the holder moves a word away from 1 or 2 to 0 (unlock).
 *  I2. A thread that may sleep first sets the word to 2, so the unlocker knows to notify.
 */

const SPINS = 100;

/** Lock-wait count of this thread, read into the shared WAITS word after each run. */
export let waits = 0;

export function resetWaits(): void {
  waits = 0;
}

export function lock(words: Int32Array, i: number): void {
  for (let s = 0; s < SPINS; s++) {
    if (Atomics.load(words, i) === 0 && Atomics.compareExchange(words, i, 0, 1) === 0) return;
  }
  let c = Atomics.exchange(words, i, 2); // I2
  while (c !== 0) {
    waits++;
    Atomics.wait(words, i, 2);
    c = Atomics.exchange(words, i, 2);
  }
}

export function unlock(words: Int32Array, i: number): void {
  if (Atomics.exchange(words, i, 0) === 2) Atomics.notify(words, i, 1); // I1
}
