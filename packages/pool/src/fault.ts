/**
 * Fault injection for tests: worker threads that die on purpose.
 *
 *   AME_FAULT=task-exit:0.01                  a worker exits (process.exit) with probability
 *                                             0.01 at each fault point of a task body
 *   AME_FAULT=commit-exit:0.002               ... at each numbered step of the commit protocol
 *   AME_FAULT=task-exit:0.01,commit-exit:0.002  both
 *   AME_FAULT_SEED=7                          seeds the draws (default 1)
 *
 * Points are only live in worker threads (the main thread never exits on purpose), once the
 * worker is warmed up (`armFaults`), and only when AME_FAULT is set when the thread starts: `FAULTS` is a module constant, so call sites
 * write `if (FAULTS) faultPoint('task-exit', 1)` and pay nothing else when it is unset.
 * Each thread draws from its own stream (seed, threadId), so a replacement worker does not
 * repeat its predecessor's draws.
 *
 * Dependency-free on purpose: the STM's commit protocol calls the same `faultPoint` for
 * `commit-exit` (the module can move down to @ame/stm unchanged; @ame/pool re-exports it).
 */
import { isMainThread, threadId } from 'node:worker_threads';

/** Kinds of fault points. */
export type FaultKind = 'task-exit' | 'commit-exit';

/** Exit code of a worker killed by a fault point (WorkerCrashedError says "exited with code 86"). */
export const FAULT_EXIT_CODE = 86;

const KINDS: readonly FaultKind[] = ['task-exit', 'commit-exit'];

/** Probabilities by kind from an AME_FAULT value; a string says what is wrong with it. */
export function parseFaults(spec: string): Partial<Record<FaultKind, number>> | string {
  const out: Partial<Record<FaultKind, number>> = {};
  for (const part of spec.split(',')) {
    const [kind, p, ...rest] = part.trim().split(':');
    if (!KINDS.includes(kind as FaultKind) || p === undefined || rest.length > 0) {
      return `expected kind:probability[,kind:probability] with kind ${KINDS.join(' or ')}, got ${JSON.stringify(part)}`;
    }
    const probability = Number(p);
    if (!(probability >= 0 && probability <= 1))
      return `the probability of ${kind} must be from 0 to 1, got ${JSON.stringify(p)}`;
    out[kind as FaultKind] = probability;
  }
  return out;
}

const spec = process.env.AME_FAULT;
const parsed = spec ? parseFaults(spec) : undefined;
const probabilities = typeof parsed === 'object' ? parsed : {};

/** True when fault points are live in this thread (checked before anything else). */
export const FAULTS: boolean = !isMainThread && Object.keys(probabilities).length > 0;

/** Points stay quiet until the thread is ready for real work (not during its warm-up). */
let armed = false;

/** Makes this thread's fault points live (a pool worker calls it after its warm-up). */
export function armFaults(): void {
  armed = FAULTS;
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
 * A place where a worker may die on purpose: with AME_FAULT's probability for `kind`, the
 * thread exits (code FAULT_EXIT_CODE) here. `step` numbers the point within its protocol
 * (task body: 0 before the call, 1 after it; commit: the steps in the STM's commit header),
 * kept for the call sites' readability and debugging. Call as `if (FAULTS) faultPoint(kind, step)`.
 */
export function faultPoint(kind: FaultKind, _step: number): void {
  if (!FAULTS || !armed) return;
  const p = probabilities[kind];
  if (p === undefined || p === 0 || draw() >= p) return;
  process.exit(FAULT_EXIT_CODE);
}
