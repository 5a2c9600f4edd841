/**
 * Fault injection for crash tests: worker threads that die on purpose. One mechanism for
 * every package (`@ame/stm/fault`; @ame/pool re-exports it).
 *
 *   AME_FAULT=task-exit:0.01                  a worker exits with probability 0.01 at each
 *                                             fault point of a task body (@ame/pool)
 *   AME_FAULT=commit-exit:0.002               ... at each numbered step of the STM's commit
 *                                             protocol (internal/commit.ts lists steps 1-8)
 *   AME_FAULT=commit-exit@5:0.1               ... at step 5 only
 *   AME_FAULT=task-exit:0.01,commit-exit:0.002  both
 *   AME_FAULT_SEED=7                          seeds the draws (default 1)
 *
 * Points are live only in worker threads (the main thread never exits on purpose), only
 * when AME_FAULT is set as the thread starts (`FAULTS` is a module constant: call sites
 * write `if (FAULTS) faultPoint(kind, step)` and pay one predictable branch otherwise), and
 * only while armed (a pool worker disarms them for its warm-up). Each thread draws from
 * its own stream (seed, threadId), so a replacement worker does not repeat its
 * predecessor's draws. A task-exit fault exits with FAULT_EXIT_CODE; a commit-exit fault
 * with COMMIT_EXIT_CODE + step, so a test can tell where a worker died.
 */
import { isMainThread, threadId } from 'node:worker_threads';

/** Kinds of fault points. */
export type FaultKind = 'task-exit' | 'commit-exit';

/** Exit code of a worker killed by a task-exit fault point. */
export const FAULT_EXIT_CODE = 86;
/** A commit-exit fault at step s exits with COMMIT_EXIT_CODE + s (71-78). */
export const COMMIT_EXIT_CODE = 70;

const KINDS: readonly FaultKind[] = ['task-exit', 'commit-exit'];

/** One kind's setting: its probability, and the only step it fires at (0: every step). */
export interface FaultSetting {
  probability: number;
  step: number;
}

/** Settings by kind from an AME_FAULT value; a string says what is wrong with it. */
export function parseFaults(spec: string): Partial<Record<FaultKind, FaultSetting>> | string {
  const out: Partial<Record<FaultKind, FaultSetting>> = {};
  for (const part of spec.split(',')) {
    const [name, p, ...rest] = part.trim().split(':');
    const [kind, at] = (name ?? '').split('@');
    if (!KINDS.includes(kind as FaultKind) || p === undefined || rest.length > 0) {
      return `expected kind[@step]:probability[,...] with kind ${KINDS.join(' or ')}, got ${JSON.stringify(part)}`;
    }
    const probability = Number(p);
    if (!(probability >= 0 && probability <= 1)) {
      return `the probability of ${kind} must be from 0 to 1, got ${JSON.stringify(p)}`;
    }
    const step = at === undefined ? 0 : Number(at);
    if (!(Number.isInteger(step) && step >= 0 && step <= 8)) {
      return `the step of ${kind} must be an integer from 1 to 8, got ${JSON.stringify(at)}`;
    }
    out[kind as FaultKind] = { probability, step };
  }
  return out;
}

const spec = typeof process !== 'undefined' ? process.env.AME_FAULT : undefined;
const parsed = spec ? parseFaults(spec) : undefined;
const settings: Partial<Record<FaultKind, FaultSetting>> = typeof parsed === 'object' ? parsed : {};

/** True when fault points are live in this thread (checked before anything else). */
export const FAULTS: boolean = !isMainThread && Object.keys(settings).length > 0;

let armed = true;

/** Makes this thread's fault points live again (a pool worker calls it after its warm-up). */
export function armFaults(): void {
  armed = true;
}

/** Silences this thread's fault points (a pool worker's warm-up runs with them off). */
export function disarmFaults(): void {
  armed = false;
}

// mulberry32 over (seed, threadId): one stream per thread.
let state = (Math.imul(Number(process.env.AME_FAULT_SEED ?? 1) | 0, 0x9e3779b1) ^ Math.imul(threadId, 0x85ebca6b)) >>> 0;
function draw(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * A place where a worker may die on purpose: with AME_FAULT's probability for `kind` (and
 * at its step, if one was given), the thread exits here. Call as
 * `if (FAULTS) faultPoint(kind, step)`.
 */
export function faultPoint(kind: FaultKind, step: number): void {
  if (!armed) return;
  const setting = settings[kind];
  if (setting === undefined || setting.probability === 0 || (setting.step !== 0 && setting.step !== step)) return;
  if (draw() >= setting.probability) return;
  process.exit(kind === 'commit-exit' ? COMMIT_EXIT_CODE + step : FAULT_EXIT_CODE);
}
