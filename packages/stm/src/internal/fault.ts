/**
 * Fault injection for crash tests: `AME_FAULT=commit-exit:<p>` makes this thread exit
 * (process.exit in a worker ends only that worker) with probability p at each numbered
 * step of the commit protocol (commit.ts lists the steps), drawn from a generator seeded
 * by AME_FAULT_SEED and the thread id; `commit-exit@<step>:<p>` arms one step only. Read once at load; when unset, `FAULTS` is false
 * and every call site is a single predictable branch.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import { InvalidOptionError } from '../errors.js';

/** `commit-exit:<p>` arms every step; `commit-exit@<step>:<p>` only that step (1..8). */
function commitExitSpec(): { probability: number; step: number } {
  const spec = typeof process !== 'undefined' ? process.env.AME_FAULT : undefined;
  if (!spec || isMainThread) return { probability: 0, step: 0 }; // the main thread never kills itself
  for (const part of spec.split(',')) {
    const [kind, p] = part.split(':');
    const [name, at] = (kind ?? '').trim().split('@');
    if (name !== 'commit-exit') continue;
    const probability = Number(p);
    const step = at === undefined ? 0 : Number(at);
    if (!(probability >= 0 && probability <= 1)) {
      throw new InvalidOptionError('AME_FAULT', `commit-exit probability must be a number in [0, 1], got '${p}'`);
    }
    if (!(Number.isInteger(step) && step >= 0 && step <= 8)) {
      throw new InvalidOptionError('AME_FAULT', `commit-exit step must be 1..8, got '${at}'`);
    }
    return { probability, step };
  }
  return { probability: 0, step: 0 };
}

const { probability, step: onlyStep } = commitExitSpec();
/** True when commit-exit faults are armed in this thread. */
export const FAULTS = probability > 0;

let state = (Number(process.env.AME_FAULT_SEED ?? 1) ^ Math.imul(threadId + 1, 0x9e3779b1)) >>> 0 || 1;

/** Exits this worker with the configured probability at commit step `step` (1..8). */
export function commitFault(step: number): void {
  if (onlyStep !== 0 && step !== onlyStep) return;
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  if ((state >>> 0) / 4294967296 < probability) {
    process.exitCode = 70 + step; // the exit code names the step, for test diagnostics
    process.exit(70 + step);
  }
}
