/**
 * The fuzzer's speed, old path against new, in one process (`ame-check fuzz W --bench`):
 * the same seed's task lists checked with a fresh heap and queue per run (as before
 * sessions), then with one kept heap and queue per mode (session.ts). Worker start-up is
 * counted in both: it is what a user waits for.
 */
import { displayPath } from './format.js';
import { type FuzzOptions, fuzz } from './fuzz.js';

/** One side of the comparison. */
export interface BenchSide {
  /** Task lists checked. */
  readonly lists: number;
  /** Runs checked: lists x modes. */
  readonly runs: number;
  readonly seconds: number;
  readonly runsPerSecond: number;
}

/** What benchFuzz measured. */
export interface BenchResult {
  readonly workload: string;
  readonly seed: number;
  readonly modes: readonly string[];
  readonly workers: number;
  /** A fresh heap and queue per run. */
  readonly fresh: BenchSide;
  /** Kept heaps and queues (the default). */
  readonly kept: BenchSide;
}

/**
 * Fuzzes `options.workload` twice with the same seed: `freshLists` lists the old way
 * (default: a fifth of `runs`, at least 5: each of its runs costs the same, so fewer
 * suffice), then `runs` lists with kept queues. Throws if either finds a counterexample
 * (a benchmark of a failing workload would measure shrinking).
 */
export async function benchFuzz(options: FuzzOptions & { freshLists?: number }): Promise<BenchResult> {
  const runs = options.runs ?? 100;
  const seed = options.seed ?? 1;
  const freshLists = options.freshLists ?? Math.max(5, Math.ceil(runs / 5));
  const side = async (
    lists: number,
    reuseQueues: boolean,
  ): Promise<BenchSide & { modes: readonly string[]; workers: number; workload: string }> => {
    const result = await fuzz({ ...options, runs: lists, seed, reuseQueues, log: false, replayDir: null });
    if (!result.ok) throw new Error(`the benchmark workload is not serializable (seed ${seed}): fix it or pick another`);
    const seconds = result.durationMs / 1000;
    const checked = result.runs * result.modes.length;
    return {
      lists: result.runs,
      runs: checked,
      seconds,
      runsPerSecond: checked / seconds,
      modes: result.modes,
      workers: result.workers,
      workload: result.workload,
    };
  };
  const fresh = await side(freshLists, false);
  const kept = await side(runs, true);
  const strip = ({ lists, runs, seconds, runsPerSecond }: BenchSide): BenchSide => ({ lists, runs, seconds, runsPerSecond });
  return { workload: kept.workload, seed, modes: kept.modes, workers: kept.workers, fresh: strip(fresh), kept: strip(kept) };
}

/** The bench's report, a few lines. */
export function formatBench(result: BenchResult): string {
  const line = (name: string, s: BenchSide): string =>
    `  ${name}: ${s.runs} runs (${s.lists} lists) in ${s.seconds.toFixed(2)} s = ${s.runsPerSecond.toFixed(1)} checked runs/s`;
  return [
    `ame-check bench: ${displayPath(result.workload)}, modes ${result.modes.join(', ')}, ${result.workers} workers, seed ${result.seed}`,
    line('fresh heap + queue per run (old)', result.fresh),
    line('kept heap + queue per mode (new)', result.kept),
    `  speed-up: ${(result.kept.runsPerSecond / result.fresh.runsPerSecond).toFixed(1)}x`,
  ].join('\n');
}
