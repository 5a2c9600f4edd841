/**
 * Test-only hooks. Not exported from the package entry point (only reachable by a path
 * into dist/internal/), never used by the library itself.
 */
import type { Heap } from '../heap.js';
import { coreOf } from '../heap.js';
import { H_CLOCK } from './layout.js';

/** Sets the version clock, e.g. near 2^31 or 2^53 to test its limits. Only before use. */
export function setClockForTesting(heap: Heap, value: bigint): void {
  Atomics.store(coreOf(heap).mem.big, H_CLOCK >> 3, value);
}

/**
 * Switches read validation off or on for this thread's transactions on `heap`: with it
 * off, the STM is deliberately broken (lost updates, write skew), to prove tests can fail.
 */
export function setReadValidationForTesting(heap: Heap, on: boolean): void {
  coreOf(heap).tx.validateReads = on;
}
