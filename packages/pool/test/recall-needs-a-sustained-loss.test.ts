/**
 * The adaptive policy's recall rule (RecallWatch): the workers go back to the calling
 * thread only on a sustained, clear loss of throughput, never on one slow stretch, and
 * never for good on the bursts of a warming ordered batch. Fed with sample sequences
 * (8 ms windows, throughput relative to the calling thread's inline rate), some of them
 * recorded on the 2-core machine (ordered first batches of ~130 µs tasks) where the rule
 * before this one recalled batches that the workers then ran faster than the calling thread.
 */
import { describe, expect, test } from 'vitest';
import { RECALL_GAIN, RECALL_WINDOW_MS, RECALL_WINDOWS, RecallWatch } from '../src/internal.js';

const MEAN_INLINE_MS = 0.15;

/**
 * Feeds a watch one sample per window: first the end of the wake-up window, then one per
 * entry of `rates` (tasks finished in that window, as a multiple of the inline rate).
 * Returns the index of the window at which it recalled, or -1.
 */
function recalledAt(rates: readonly number[]): number {
  const watch = new RecallWatch(MEAN_INLINE_MS);
  let now = RECALL_WINDOW_MS;
  let finished = 40; // tasks finished when the wake-up window ended
  if (watch.sample(now, finished)) return -2;
  for (let k = 0; k < rates.length; k++) {
    now += RECALL_WINDOW_MS;
    finished += (rates[k]! * RECALL_WINDOW_MS) / MEAN_INLINE_MS;
    if (watch.sample(now, finished)) return k;
  }
  return -1;
}

const warm = (n: number, rate = 1.6): number[] => Array.from({ length: n }, () => rate);

describe('the workers are kept', () => {
  test.each([
    ['0.15, 0.85, 0.87, then warm', [0.15, 0.85, 0.87]],
    ['1.05, 0.46, 0.76, 0.90, then warm', [1.05, 0.46, 0.76, 0.9]],
    ['0.82, 0.90, 0.46, then warm', [0.82, 0.9, 0.46]],
    ['0.00, 0.71, 1.92, 0.45, then warm', [0.0, 0.71, 1.92, 0.45]],
  ])('through an ordered first batch warming up (recorded: %s)', (_name, start) => {
    expect(recalledAt([...start, ...warm(30)])).toBe(-1);
  });

  test('through three windows in which no task finished (a pause) in a fast batch', () => {
    expect(recalledAt([...warm(10), 0, 0, 0, ...warm(20)])).toBe(-1);
  });

  test('when they only match the calling thread (nothing to gain by recalling)', () => {
    expect(recalledAt(warm(40, 1.0))).toBe(-1);
  });
});

describe('the workers are recalled', () => {
  test('when they run at half the inline rate from the start: after RECALL_WINDOWS windows', () => {
    expect(recalledAt(warm(40, 0.5))).toBe(RECALL_WINDOWS - 1);
  });

  test('when a fast batch turns into a sustained loss (conflicts), within RECALL_WINDOWS windows of it', () => {
    const at = recalledAt([...warm(20), ...warm(40, 0.3)]);
    expect(at).toBeGreaterThanOrEqual(20);
    expect(at).toBeLessThan(20 + RECALL_WINDOWS);
  });

  test('just below the line, and not just above it', () => {
    expect(recalledAt(warm(20, RECALL_GAIN - 0.02))).toBe(RECALL_WINDOWS - 1);
    expect(recalledAt(warm(20, RECALL_GAIN + 0.02))).toBe(-1);
  });
});
