/**
 * The version clock never wraps silently: commits cross 2^31 and 2^32 (where an Int32
 * clock would wrap) with exact results, and at 2^53 a commit fails with a typed error
 * that leaves the heap unchanged and unlocked.
 */
import { expect, test } from 'vitest';
import { ClockExhaustedError, Heap } from '@ame/stm';
import { setClockForTesting } from '../dist/internal/testing.js';
import { runWorkers } from './helpers/workers.js';

test.each([2n ** 31n - 1000n, 2n ** 32n - 1000n])('contended commits across clock %s keep every update', async (start) => {
  const heap = Heap.create();
  setClockForTesting(heap, start);
  const counter = heap.tvar('counter', 0);
  const barrier = new SharedArrayBuffer(4);
  await runWorkers(
    [0, 1].map(() => ({
      fixture: 'increment.mjs',
      data: { handle: heap.handle, count: 2000, name: 'counter', workers: 2, start: barrier },
    })),
  );
  expect(counter.get()).toBe(4000);
  expect(heap.stats().clock).toBeGreaterThan(Number(start) + 4000 - 1);
  expect(heap.stats().clock).toBeGreaterThan(Number(start + 1000n));
});

test('at 2^53 a commit throws ClockExhaustedError and writes nothing', () => {
  const heap = Heap.create();
  const counter = heap.tvar('counter', 0);
  const other = heap.tvar('other', 'before');
  setClockForTesting(heap, BigInt(Number.MAX_SAFE_INTEGER) - 2n);
  heap.atomically(() => counter.set(1)); // version MAX_SAFE - 1
  heap.atomically(() => counter.set(2)); // version MAX_SAFE
  let caught: unknown;
  try {
    heap.atomically(() => {
      counter.set(3);
      other.set('after');
    });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ClockExhaustedError);
  expect((caught as ClockExhaustedError).code).toBe('CLOCK_EXHAUSTED');
  expect((caught as Error).message).toMatch(/version clock is exhausted/);
  // Nothing written, nothing left locked: reads outside and inside transactions work.
  expect(counter.get()).toBe(2);
  expect(other.get()).toBe('before');
  expect(heap.atomically(() => [counter.get(), other.get()])).toEqual([2, 'before']);
  expect(heap.snapshot()).toEqual({ counter: 2, other: 'before' });
  // It keeps failing loudly rather than wrapping.
  expect(() => heap.atomically(() => counter.set(4))).toThrow(ClockExhaustedError);
});
