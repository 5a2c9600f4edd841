/**
 * The results the checker returns and format.ts prints: one task list's verdicts, a fuzz,
 * a replay. Types only, below the modules that compute them (check-calls, fuzz,
 * replay-failure) and the one that prints them (format), so neither imports the other.
 */
import type { BackendName } from './backend.js';
import type { Difference } from './compare.js';
import type { Coverage } from './coverage.js';
import type { ReplayData } from './replay-file.js';
import type { Verdict } from './verdict.js';
import type { Call } from './workload.js';

/** The outcome of checking one task list. */
export interface CallsVerdict {
  /** True if every mode's run is serializable. */
  readonly ok: boolean;
  readonly calls: readonly Call[];
  readonly seed: number;
  /** One verdict per mode, in the order of `modes`. */
  readonly verdicts: readonly Verdict[];
  /** How many of the runs conflicted, with which keys. */
  readonly coverage: Coverage;
  /**
   * Set when a run failed its checks and the sequential oracle disagreed with itself on
   * the same calls: a task is not deterministic (named here), so the failure is the
   * workload's, not the executor's.
   */
  readonly nondeterministic?: Difference;
}

/** A shrunk counterexample. */
export interface Counterexample {
  /** fast-check path: `fuzz({ seed, path })` (CLI `--seed S --path P`) goes straight to it. */
  readonly path: string;
  /** The shrunk task list. */
  readonly calls: readonly Call[];
  /** The queue seed of the failing run (ctx.random()). */
  readonly queueSeed: number;
  /** Shrink steps fast-check took. */
  readonly shrinks: number;
  /** The shrunk list checked in the failing modes. */
  readonly verdict: CallsVerdict;
  /** The first failing run's verdict (undefined if only non-determinism was found). */
  readonly failing: Verdict | undefined;
  /** The replay file's path (not written for non-determinism, or with replayDir null). */
  readonly replayFile: string | undefined;
}

/** What fuzz() returns. */
export interface FuzzResult {
  /** True if every run was serializable. */
  readonly ok: boolean;
  /**
   * `counterexample`: a run is not serializable (the executor's fault). `invariant`: the runs
   * equal sequential execution, but the tasks break the workload's invariant sequentially too
   * (the workload's fault). `nondeterministic`: the workload's tasks are not deterministic
   * (named in the counterexample).
   */
  readonly status: 'serializable' | 'counterexample' | 'invariant' | 'nondeterministic';
  readonly workload: string;
  readonly seed: number;
  /** Task lists checked before the end or the first failure. */
  readonly runs: number;
  readonly modes: readonly string[];
  readonly workers: number;
  readonly durationMs: number;
  /** Whether unordered runs had chaos pauses. */
  readonly chaos: boolean;
  /** Where the runs executed. */
  readonly backend: BackendName;
  /** How many of the runs checked while fuzzing (not shrinking) actually conflicted. */
  readonly coverage: Coverage;
  readonly counterexample?: Counterexample;
}

/** The outcome of a replay. */
export interface ReplayResult {
  /** The replay file's absolute path. */
  readonly file: string;
  readonly data: ReplayData;
  /** The recorded run checked again. */
  readonly verdict: Verdict;
  /** True if the recorded run still fails its checks. */
  readonly reproduced: boolean;
  /** True if the first difference (or the anomaly class) is the one recorded. */
  readonly same: boolean;
}
