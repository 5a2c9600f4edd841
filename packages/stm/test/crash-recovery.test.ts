/**
 * A worker that dies at any step of a commit (AME_FAULT=commit-exit@<step>) leaves no lock
 * held and no torn value: Heap.recover rolls its commit back or forward, says which, and
 * the heap then equals a run where that commit either happened whole or not at all.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { runWorkers, testSeed } from './helpers/workers.js';

const ACCOUNTS = 16;
const START = 100;
/** What recovery must do to a commit interrupted after each step (commit.ts C2-C4). */
const EXPECTED = [
  'undone',
  'undone',
  'undone',
  'rolled-back',
  'rolled-back',
  'rolled-forward',
  'rolled-forward',
  'rolled-forward',
];
const fixture = new URL('./fixtures/crash-transfers.mjs', import.meta.url);

function setUp(): Heap {
  const heap = Heap.create();
  const accounts = heap.tarray('accounts', ACCOUNTS, 'f64');
  heap.tvar('last', {});
  heap.tcounter('transfers', 0);
  heap.atomically(() => {
    for (let i = 0; i < ACCOUNTS; i++) accounts.set(i, START);
  });
  return heap;
}

/** Starts the worker that dies at `step`; resolves with its exit code and threadId. */
function dyingWorker(heap: Heap, step: number, seed: number, direct: boolean): Promise<{ code: number; threadId: number }> {
  const worker = new Worker(fixture, {
    workerData: { handle: heap.handle, count: 2000, seed, first: 1, direct, name: 'a' },
    env: { ...process.env, AME_FAULT: `commit-exit@${step}:0.05`, AME_FAULT_SEED: String(seed) },
  });
  const threadId = worker.threadId;
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('exit', (code) => resolve({ code, threadId }));
  });
}

const seed = testSeed();
console.log(`crash-recovery seed=${seed} (replay with FC_SEED=${seed})`);

describe.each([false, true])('direct mode %s', (direct) => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])('a worker dying at commit step %i', async (step) => {
    const heap = setUp();
    const dying = dyingWorker(heap, step, seed + step, direct);
    // Beside it (versioned mode only: direct mode promises no concurrency), a healthy
    // worker that waits on whatever the dying one leaves locked until recovery frees it.
    const healthy = direct
      ? Promise.resolve([])
      : runWorkers(
          [
            {
              fixture: 'crash-transfers.mjs',
              data: { handle: heap.handle, count: 300, seed: seed + 99, first: 100_000, direct: false, name: 'b' },
            },
          ],
          30_000,
        );
    const { code, threadId } = await dying;
    expect(code).toBe(70 + step); // it died where it was told to
    let clockBeforeOverwrite = Number.POSITIVE_INFINITY;
    if (step === 8) {
      // Every cell the dead commit wrote is unlocked already: overwrite the accounts (same
      // values), so the cells' versions move past the dead commit's. Recovery must still
      // report the dead commit's own version (its log keeps it), not a cell's.
      clockBeforeOverwrite = heap.stats().clock;
      const accounts = heap.tarray('accounts');
      heap.atomically(() => {
        for (let i = 0; i < ACCOUNTS; i++) accounts.set(i, accounts.get(i));
      });
    }
    const [recovery, ...more] = heap.recover(threadId);
    if (step === 8) expect(recovery!.lastCommit!.version).toBeLessThanOrEqual(clockBeforeOverwrite);
    expect(more).toEqual([]);
    expect(recovery!.commit).toBe(EXPECTED[step - 1]);
    expect(recovery!.tag).toBeGreaterThanOrEqual(1);
    // The last commit the dead thread made: the interrupted one if rolled forward, else the one before.
    const lastTag = recovery!.commit === 'rolled-forward' ? recovery!.tag : recovery!.tag - 1;
    if (lastTag === 0) expect(recovery!.lastCommit).toBeUndefined();
    else expect(recovery!.lastCommit?.tag).toBe(lastTag);
    await healthy;

    const accounts = heap.tarray('accounts');
    const applied = recovery!.commit === 'rolled-forward' ? recovery!.tag : recovery!.tag - 1;
    const state = heap.atomically(() => {
      let sum = 0;
      for (let i = 0; i < ACCOUNTS; i++) sum += accounts.get(i);
      return { sum, transfers: heap.tcounter('transfers').get(), last: heap.tvar('last').get() };
    });
    expect(state.sum).toBe(ACCOUNTS * START);
    expect(state.transfers).toBe(applied + (direct ? 0 : 300));
    if (direct) expect(state.last).toEqual(applied === 0 ? {} : { a: applied, note: `transfer ${applied}` });
    // Nothing stays locked: every cell can be written again, and only this thread is attached.
    heap.atomically(() => {
      for (let i = 0; i < ACCOUNTS; i++) accounts.set(i, accounts.get(i));
      heap.tvar('last').set({ after: true });
    });
    expect(heap.stats().threads).toBe(1);
  });
});
