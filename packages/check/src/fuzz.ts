/**
 * Fuzzing a workload: fast-check generates task lists from the workload's `calls`, each
 * list runs in every requested mode and every run is checked (checkCalls). On a failure
 * fast-check shrinks the list; then the result names the seed, the path, the shrunk calls
 * and the difference, and a replay file holds the failing run.
 *
 * Unordered runs depend on timing: while shrinking, a candidate list is run up to
 * `shrinkRepeats` times, and only in the modes that failed, before it counts as passing.
 *
 * One CheckSession serves the whole fuzz, shrinking included: one heap and one queue per
 * mode, their workers started once (session.ts). The result says how many runs actually
 * conflicted (coverage.ts); `chaos` adds seeded pauses to unordered runs (chaos.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { type BackendName, resolveBackend } from './backend.js';
import { checkCalls, resolveExecutors } from './check-calls.js';
import type { Executor, Mode } from './executors.js';
import { formatFuzzResult } from './format.js';
import type { CallsVerdict, FuzzResult } from './results.js';
import { writeReplayFile } from './replay-file.js';
import { CoverageCounter } from './coverage.js';
import { CheckSession } from './session.js';
import { checkCallList, loadWorkload, type Workload, type WorkloadSource } from './workload.js';

/** Options of fuzz(). */
export interface FuzzOptions {
  /** The workload: module URL, path (relative to the working directory) or loaded Workload. */
  workload: WorkloadSource;
  /** Task lists to generate. Default 100. */
  runs?: number;
  /** fast-check seed. Default: a random one (printed, and in the result). */
  seed?: number;
  /** fast-check path of a counterexample, with its seed: go straight to it. */
  path?: string;
  /** Modes each list runs in. Default ['unordered', 'ordered']. */
  modes?: readonly Mode[];
  /** Worker threads per queue. Default 2. */
  workers?: number;
  /** Directory for the replay file (`ame-failure-<seed>.json`, created if missing); null: write none. Default the working directory. */
  replayDir?: string | null;
  /** Runs of a candidate while shrinking before it counts as passing. Default 3. */
  shrinkRepeats?: number;
  /** Shrinking stops after this long (the best counterexample so far is kept). Default 60000 ms. */
  shrinkTimeLimitMs?: number;
  /** Where the summary is printed; false: nowhere. Default console.log. */
  log?: ((text: string) => void) | false;
  /** Called before each list is checked. */
  onProgress?: (progress: FuzzProgress) => void;
  /** Seeded pauses at task start and before commit in unordered runs (see chaos.ts). Default false. */
  chaos?: boolean;
  /**
   * Keep one heap and one queue per mode for the whole fuzz (workers start once). false: a
   * fresh heap and queue for every run, as before (slower; for comparison). Default true.
   */
  reuseQueues?: boolean;
  /**
   * Where the runs execute: 'stm' (default), or 'pg': PgQueues on one embedded PostgreSQL
   * for the whole fuzz (needs the optional dependency @ame/pg; modes 'unordered' and
   * 'ordered'), each run in a fresh namespace, compared with the same STM oracles, and its
   * recorded history checked for dependency cycles.
   */
  backend?: BackendName;
}

/** Progress of a fuzz, for progress bars. */
export interface FuzzProgress {
  readonly phase: 'fuzzing' | 'shrinking';
  /** Lists checked so far (fuzzing), of `runs`. */
  readonly run: number;
  readonly runs: number;
  /** Shrink candidates tried so far. */
  readonly shrinks: number;
}

/** Thrown inside the property to carry a failing verdict to fast-check's report. */
class CounterexampleFound extends Error {
  constructor(readonly verdict: CallsVerdict) {
    super('not serializable');
  }
}

/**
 * Fuzzes a workload for serializability (see the module comment). Throws WorkloadError if
 * the workload cannot be checked; a counterexample is a result, not an exception.
 *
 * @example
 * const result = await fuzz({ workload: './bank-workload.mjs', runs: 100, seed: 42, workers: 2 });
 * if (!result.ok) process.exitCode = 1; // the summary, shrunk calls and replay file are printed
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const started = performance.now();
  const workload = await loadWorkload(options.workload);
  const backend = resolveBackend(options.backend);
  const executors = resolveExecutors(backend, options.modes ?? ['unordered', 'ordered']);
  const runs = checkInteger('runs', options.runs ?? 100, 1);
  const workers = checkInteger('workers', options.workers ?? 2, 1);
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) & 0x7fffffff;
  checkInteger('seed', seed, -(2 ** 31));
  const shrinkRepeats = checkInteger('shrinkRepeats', options.shrinkRepeats ?? 3, 1);
  const shrinkTimeLimitMs = options.shrinkTimeLimitMs ?? 60_000;
  const chaos = options.chaos ?? false;
  // Backend pg always has a session: it holds the one embedded server of the fuzz.
  const session = options.reuseQueues === false && backend === 'stm' ? undefined : new CheckSession(workload, { workers });
  try {
    await session?.prepare(executors);
    return await search(options, {
      workload,
      executors,
      runs,
      workers,
      seed,
      shrinkRepeats,
      shrinkTimeLimitMs,
      chaos,
      backend,
      session,
      started,
    });
  } finally {
    await session?.close();
  }
}

/** fuzz() after its options are checked. */
async function search(
  options: FuzzOptions,
  settings: {
    workload: Workload;
    executors: Executor[];
    runs: number;
    workers: number;
    seed: number;
    shrinkRepeats: number;
    shrinkTimeLimitMs: number;
    chaos: boolean;
    backend: BackendName;
    session: CheckSession | undefined;
    started: number;
  },
): Promise<FuzzResult> {
  const { workload, executors, runs, workers, seed, shrinkRepeats, shrinkTimeLimitMs, chaos, backend, session, started } =
    settings;
  const coverage = new CoverageCounter();

  let fatal: unknown;
  let failing: Executor[] | undefined;
  let shrinkStarted = 0;
  let run = 0;
  let shrinks = 0;
  const property = fc.asyncProperty(
    fc.tuple(workload.calls, fc.noShrink(fc.integer({ min: 0, max: 2 ** 31 - 1 }))),
    async ([calls, queueSeed]) => {
      if (fatal !== undefined) return true;
      const shrinking = failing !== undefined;
      if (shrinking && performance.now() - shrinkStarted > shrinkTimeLimitMs) return true;
      if (shrinking) shrinks++;
      else run++;
      options.onProgress?.({ phase: shrinking ? 'shrinking' : 'fuzzing', run, runs, shrinks });
      try {
        checkCallList(workload, calls);
        for (let repeat = 0; repeat < (shrinking ? shrinkRepeats : 1); repeat++) {
          const verdict = await checkCalls(workload, calls, {
            modes: failing ?? executors,
            workers,
            seed: queueSeed,
            chaos,
            ...(session ? { session } : {}),
          });
          if (!shrinking) for (const v of verdict.verdicts) coverage.add(v.record);
          if (verdict.ok) continue;
          if (!failing) {
            const modes = (failing ?? executors).filter((_, i) => !verdict.verdicts[i]!.ok);
            failing = modes.length > 0 ? modes : executors;
            shrinkStarted = performance.now();
          }
          throw new CounterexampleFound(verdict);
        }
      } catch (error) {
        if (error instanceof CounterexampleFound) throw error;
        fatal = error; // a workload error or a checker bug: stop, do not shrink it
      }
      return true;
    },
  );
  const details = await fc.check(property, {
    seed,
    numRuns: runs,
    ...(options.path !== undefined ? { path: options.path } : {}),
  });
  if (fatal !== undefined) throw fatal;

  const base = {
    workload: workload.url,
    seed: details.seed,
    modes: executors.map((e) => e.name),
    workers,
    chaos,
    backend,
    coverage: coverage.coverage,
  };
  let result: FuzzResult;
  if (!details.failed) {
    result = { ...base, ok: true, status: 'serializable', runs: details.numRuns, durationMs: performance.now() - started };
  } else {
    const found = details.errorInstance;
    if (!(found instanceof CounterexampleFound)) throw found;
    const [calls, queueSeed] = details.counterexample![0];
    const verdict = found.verdict;
    const failingVerdict = verdict.nondeterministic ? undefined : verdict.verdicts.find((v) => !v.ok);
    let replayFile: string | undefined;
    if (failingVerdict && options.replayDir !== null) {
      const dir = resolve(options.replayDir ?? process.cwd());
      await mkdir(dir, { recursive: true });
      replayFile = join(dir, `ame-failure-${details.seed}.json`);
      await writeReplayFile(replayFile, workload.url, failingVerdict, {
        seed: details.seed,
        path: details.counterexamplePath ?? '',
      });
    }
    result = {
      ...base,
      ok: false,
      status: verdict.nondeterministic
        ? 'nondeterministic'
        : verdict.verdicts.every((v) => v.ok || v.problem === 'invariant')
          ? 'invariant'
          : 'counterexample',
      runs: details.numRuns,
      durationMs: performance.now() - started,
      counterexample: {
        path: details.counterexamplePath ?? '',
        calls,
        queueSeed,
        shrinks: details.numShrinks,
        verdict,
        failing: failingVerdict,
        replayFile,
      },
    };
  }
  const log = options.log === undefined ? console.log : options.log;
  if (log) log(formatFuzzResult(result));
  return result;
}

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new TypeError(`fuzz option ${name} must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

export type { Counterexample, FuzzResult } from './results.js';
