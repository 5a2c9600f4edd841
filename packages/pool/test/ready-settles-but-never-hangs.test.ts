/**
 * `queue.ready()` ends with settled(): it waits for the process to go quiet (V8 finishing
 * the compiles the warm-ups started), but a process that never goes quiet (other threads of
 * the user's computing) must not hold ready() longer than SETTLE_MAX_MS.
 */
import { Worker } from 'node:worker_threads';
import { expect, test } from 'vitest';
import { SETTLE_MAX_MS, settled } from '../src/internal.js';

/** A thread that keeps one core busy until `stop` is set; counts its rounds in `rounds`. */
const BUSY = `
const { workerData } = require('node:worker_threads');
const words = new Int32Array(workerData);
while (Atomics.load(words, 0) === 0) {
  let x = 0;
  for (let i = 0; i < 100000; i++) x = (x + i) | 0;
  Atomics.add(words, 1, 1 + (x & 0));
}
`;

test(
  'settled() resolves while another thread keeps a core busy the whole time',
  async () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    const busy = new Worker(BUSY, { eval: true, workerData: words.buffer });
    try {
      while (Atomics.load(words, 1) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      const before = Atomics.load(words, 1);
      await settled();
      // The busy thread ran throughout: the process never went quiet, and settled() still ended.
      expect(Atomics.load(words, 1)).toBeGreaterThan(before);
      expect(Atomics.load(words, 0)).toBe(0);
    } finally {
      Atomics.store(words, 0, 1);
      await busy.terminate();
    }
  },
  10 * SETTLE_MAX_MS + 5000,
);
