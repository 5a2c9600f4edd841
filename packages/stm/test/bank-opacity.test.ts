/**
 * Bank: concurrent random transfers never create or destroy money, and a reader summing
 * all accounts sees the right total in every attempt, even one that would abort (opacity).
 */
import { describe, expect, test } from 'vitest';
import { Heap } from '@ame/stm';
import { runWorkers, testSeed } from './helpers/workers.js';

const ACCOUNTS = 100;
const INITIAL = 1000;

describe.each([2, 4])('bank with %i transfer workers', (workers) => {
  test('total is constant and every audit attempt sees it', async () => {
    const seed = testSeed();
    console.log(`bank-opacity seed=${seed} workers=${workers}`);
    const heap = Heap.create();
    const accounts = heap.tarray('accounts', ACCOUNTS, 'f64');
    heap.atomically(() => {
      for (let i = 0; i < ACCOUNTS; i++) accounts.set(i, INITIAL);
    });
    const stop = new SharedArrayBuffer(4);
    const expected = ACCOUNTS * INITIAL;
    const transfers = 5000;
    const auditor = runWorkers<{ audits: number; attempts: number; wrong: number[] }>([
      { fixture: 'bank-auditor.mjs', data: { handle: heap.handle, stop, expected, accounts: ACCOUNTS } },
    ]);
    const movers = await runWorkers<{ attempts: number }>(
      Array.from({ length: workers }, (_, w) => ({
        fixture: 'bank-transfers.mjs',
        data: { handle: heap.handle, transfers, seed: seed + w, accounts: ACCOUNTS },
      })),
    );
    Atomics.store(new Int32Array(stop), 0, 1);
    const [audit] = await auditor;

    expect(audit!.wrong).toEqual([]);
    expect(audit!.audits).toBeGreaterThanOrEqual(10);
    expect(audit!.attempts).toBe(audit!.audits); // read-only: never re-run
    const final = accounts.toArray();
    expect(final.reduce((a, b) => a + b, 0)).toBe(expected);
    expect(final.every((b) => b >= 0)).toBe(true);
    const stats = heap.stats();
    const moverAttempts = movers.reduce((a, m) => a + m.attempts, 0);
    // Every transfer committed once; every other attempt of a mover aborted on a conflict.
    expect(stats.commits).toBe(workers * transfers + audit!.audits + 1);
    expect(stats.aborts.conflict).toBe(moverAttempts - workers * transfers);
    expect(stats.aborts.error).toBe(0);
  });
});
