/**
 * Checking one task list in every requested mode: the building block of `fuzz`, and the
 * helper for a serializability property in a user's own test suite.
 */
import { NotSerializableError } from './errors.js';
import type { CallsVerdict } from './results.js';
import { findNondeterminism } from './determinism.js';
import { coverageOf } from './coverage.js';
import { type BackendName, pgExecutors, resolveBackend } from './backend.js';
import { resolveModes, type Executor, type Mode } from './executors.js';
import { formatCallsVerdict } from './format.js';
import { runMode } from './run-record.js';
import { CheckSession } from './session.js';
import { checkRecord, type Verdict } from './verdict.js';
import { checkCallList, loadWorkload, type Call, type WorkloadSource } from './workload.js';

/** Options of checkCalls / assertSerializable. */
export interface CheckOptions {
  /** Modes to run the calls in. Default ['unordered', 'ordered']. */
  modes?: readonly Mode[];
  /** Worker threads per queue. Default 2. */
  workers?: number;
  /** The queues' seed (ctx.random()). Default 0. */
  seed?: number;
  /** Seeded pauses in the tasks of unordered runs (see chaos.ts). Default false. */
  chaos?: boolean;
  /** Run on this session's kept heaps and queues instead of fresh ones per run (see session.ts). */
  session?: CheckSession;
  /**
   * Where the runs execute: 'stm' (default) or 'pg': PgQueues on PostgreSQL (@ame/pg, an
   * optional dependency; modes 'unordered' and 'ordered' only), compared with the same STM
   * oracles. Without `session`, an embedded PostgreSQL is started for this call.
   */
  backend?: BackendName;
}

/**
 * Runs `calls` in every mode on fresh heaps and checks each run (sequential equivalence
 * and dependency graph, see Verdict). If a run fails, also checks that the oracle is
 * deterministic on these calls.
 *
 * @example
 * const verdict = await checkCalls(new URL('./bank-workload.mjs', import.meta.url), [['transfer', 0, 1, 5]]);
 * if (!verdict.ok) console.log(formatCallsVerdict(verdict));
 */
export async function checkCalls(
  workload: WorkloadSource,
  calls: readonly Call[],
  options: CheckOptions = {},
): Promise<CallsVerdict> {
  const loaded = await loadWorkload(workload);
  checkCallList(loaded, calls);
  const executors = resolveExecutors(options.backend, options.modes ?? ['unordered', 'ordered']);
  const seed = options.seed ?? 0;
  const verdicts: Verdict[] = [];
  // Backend pg needs a session (its server); one made here is closed at the end.
  const own = !options.session && resolveBackend(options.backend) === 'pg' ? new CheckSession(loaded) : undefined;
  const session = options.session ?? own;
  try {
    for (const executor of executors) {
      const runOptions = { seed, workers: options.workers ?? 2, chaos: options.chaos ?? false };
      const record = session
        ? await session.run(executor, calls, runOptions)
        : await runMode(loaded, executor, calls, runOptions);
      verdicts.push(await checkRecord(loaded, record));
    }
  } finally {
    await own?.close();
  }
  const coverage = coverageOf(verdicts.map((v) => v.record));
  if (verdicts.every((v) => v.ok)) return { ok: true, calls, seed, verdicts, coverage };
  const nondeterministic = await findNondeterminism(loaded, calls, seed);
  return { ok: false, calls, seed, verdicts, coverage, ...(nondeterministic ? { nondeterministic } : {}) };
}

/** The executors of `modes` on `backend` (TypeError naming a bad backend or mode). */
export function resolveExecutors(backend: unknown, modes: readonly Mode[]): Executor[] {
  return resolveBackend(backend) === 'pg' ? pgExecutors(modes) : resolveModes(modes);
}

/**
 * Like checkCalls, but throws NotSerializableError (message: the full report) if a run is
 * not serializable. Made for property tests: fast-check then shrinks the task list.
 *
 * @example
 * import { fc, test } from '@fast-check/vitest';
 * import { calls } from './bank-workload.mjs';
 * const workload = new URL('./bank-workload.mjs', import.meta.url);
 * test.prop([calls], { numRuns: 20 })('bank is serializable', async (list) => {
 *   await assertSerializable(workload, list, { modes: ['unordered', 'ordered'] });
 * });
 */
export async function assertSerializable(
  workload: WorkloadSource,
  calls: readonly Call[],
  options: CheckOptions = {},
): Promise<CallsVerdict> {
  const verdict = await checkCalls(workload, calls, options);
  if (!verdict.ok) throw new NotSerializableError(formatCallsVerdict(verdict), verdict);
  return verdict;
}

export type { CallsVerdict } from './results.js';
