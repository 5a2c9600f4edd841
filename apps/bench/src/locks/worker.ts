/**
 * A lock-based worker: on each 'run' message, claims ops in chunks from NEXT, runs them
 * with lockOps, then reports 'done'. Started once per (variant, worker count).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { COUNT, NEXT, OP_CODES, OP_WIDTH, WAITS, viewsOf, type Layout } from './layout.js';
import { resetWaits, waits } from './mutex.js';
import { lockOps, lockState } from './ops.js';

/** Ops claimed at once (fewer trips to the shared NEXT word). */
const CHUNK = 16;

const { buffer, layout } = workerData as { buffer: SharedArrayBuffer; layout: Layout };
const views = viewsOf(buffer, layout);
const state = lockState(views, layout);
const fns = OP_CODES.map((name) => lockOps[name]);
const port = parentPort!;

function runAll(): void {
  const { control, ops, results } = views;
  const count = Atomics.load(control, COUNT);
  resetWaits();
  for (;;) {
    const first = Atomics.add(control, NEXT, CHUNK);
    if (first >= count) break;
    const end = Math.min(first + CHUNK, count);
    for (let i = first; i < end; i++) {
      const o = i * OP_WIDTH;
      results[i] = fns[ops[o]!]!(state, ops[o + 1]!, ops[o + 2]!, ops[o + 3]!, ops[o + 4]!);
    }
  }
  Atomics.add(control, WAITS, waits);
}

port.on('message', (message: { type: 'run' | 'close' }) => {
  if (message.type === 'close') {
    port.close();
    return;
  }
  runAll();
  port.postMessage({ type: 'done' });
});
port.postMessage({ type: 'ready' });
