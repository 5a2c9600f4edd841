/**
 * Runs every selected variant with every executor: a queue's session starts once
 * `queue.ready()` resolves (workers started and warmed up), then `warmups` unmeasured runs
 * (module import, JIT of the tasks in each worker), then `reps` measured runs, each one
 * checked against plain sequential JavaScript.
 */
import { reference } from './executors/plain.js';
import type { Executor, FirstBatchStart, RunOutcome, Session } from './executors/types.js';
import { spread, type Spread } from './stats.js';
import { verify } from './verify.js';
import type { Variant } from './workloads/types.js';

/** One executor's figures on one variant. */
export interface Row {
  readonly executor: string;
  readonly family: string;
  readonly label: string;
  readonly workers: number;
  /** Wall time per run, ms. */
  readonly timeMs: Spread;
  /** Committed tasks per second. */
  readonly throughput: Spread;
  /** Plain JS median time / this median time (and the range from this row's min/max). */
  readonly speedup: Spread;
  /** Aborted attempts per commit (median), null where the executor cannot abort. */
  readonly abortsPerCommit: number | null;
  readonly lockWaitsPerOp?: number;
  /** Of timeMs, the median spent adding tasks (queues) or writing ops (locks). */
  readonly addMs?: number;
  /** Shared state bytes after the last run (STM heap used, or the lock buffer), null for none. */
  readonly sharedBytes: number | null;
  /** Process RSS after the runs (every thread), bytes: the largest seen. */
  readonly rssBytes: number;
  /** 'ok', or the first problem found (a FAIL), first batches included. */
  readonly state: string;
  /** Queues: where the measured batches ran ('inline', 'parallel', or 'mixed' when they differed). */
  readonly policy?: string;
  /** Queues: tasks run on the calling thread per measured batch (median). */
  readonly inlineTasks?: number;
  /** Queues: the first batch of a fresh queue (see FirstBatch). */
  readonly firstBatch?: FirstBatch;
}

/**
 * The first batch of a fresh heap and queue, as a new user times it: `await queue.ready()`
 * (worker start-up excluded) and one warm-up batch of one empty task, then add + run timed
 * together. Ratios divide plain JS's median time measured in the same run.
 */
export interface FirstBatch {
  readonly runs: number;
  readonly timeMs: Spread;
  readonly throughput: Spread;
  readonly speedup: Spread;
  readonly policy: string;
  readonly inlineTasks: number;
  /** One cold first batch: from `new Queue()` (workers not started yet) to the end of run(). */
  readonly cold: {
    readonly ms: number;
    readonly throughput: number;
    readonly speedup: number;
    readonly policy: string;
    readonly inlineTasks: number;
  } | null;
}

export interface VariantResult {
  readonly id: string;
  readonly workload: string;
  readonly title: string;
  readonly description: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly tasks: number;
  readonly contention?: Variant['contention'];
  readonly rows: Row[];
}

export interface RunPlan {
  readonly variants: readonly Variant[];
  readonly executors: readonly Executor[];
  readonly reps: number;
  /** Unmeasured runs first (worker start-up, imports, JIT in every worker). */
  readonly warmups: number;
  /**
   * First batches of fresh queues per queue row (then one cold one); 0: none. Variants a
   * target reads (`firstBatchTarget`) get at least TARGET_FIRST_REPS.
   */
  readonly firstReps: number;
  /** Limit per run before it counts as a FAIL (hang, livelock). */
  readonly timeoutMs: number;
  /** Called before each run (warm-up or measured), with what is about to run. */
  readonly onStep: (label: string) => void;
  /** Called when every executor finished a variant. */
  readonly onVariant: (result: VariantResult) => void;
}

/** First batches of a variant a target reads: enough for a median. */
export const TARGET_FIRST_REPS = 3;

/** How many first batches (after ready()) each queue row of `variant` runs. */
export function firstRepsOf(plan: Pick<RunPlan, 'firstReps'>, variant: Variant): number {
  if (plan.firstReps === 0) return 0;
  return variant.firstBatchTarget ? Math.max(plan.firstReps, TARGET_FIRST_REPS) : plan.firstReps;
}

/** Runs `plan`; the plain JS executor must come first (its median is the baseline). */
export async function runPlan(plan: RunPlan): Promise<VariantResult[]> {
  const out: VariantResult[] = [];
  for (const variant of plan.variants) {
    const expected = reference(variant);
    const rows: Row[] = [];
    let baseline = NaN;
    for (const executor of plan.executors) {
      const row = await measure(plan, variant, executor, expected, baseline);
      if (executor.id === 'plain') baseline = row.timeMs.median;
      rows.push(row);
    }
    const result: VariantResult = {
      id: variant.id,
      workload: variant.workload,
      title: variant.title,
      description: variant.description,
      params: variant.params,
      tasks: variant.ops.length,
      ...(variant.contention ? { contention: variant.contention } : {}),
      rows,
    };
    out.push(result);
    plan.onVariant(result);
  }
  return out;
}

async function measure(
  plan: RunPlan,
  variant: Variant,
  executor: Executor,
  expected: ReturnType<typeof reference>,
  baseline: number,
): Promise<Row> {
  const outcomes: RunOutcome[] = [];
  let state = 'ok';
  let rss = 0;
  let session: Session | undefined;
  let steps = 0;
  try {
    session = await withTimeout(executor.open(variant), plan.timeoutMs, 'start');
    for (let r = 1 - plan.warmups; r <= plan.reps; r++) {
      plan.onStep(`${variant.id} · ${executor.label} · ${r <= 0 ? 'warm-up' : `run ${r}/${plan.reps}`}`);
      steps++;
      const outcome = await withTimeout(session.run(variant.ops), plan.timeoutMs, 'run');
      const verdict = verify(variant, executor.check, outcome, expected);
      if (state === 'ok') state = verdict; // keep measuring after a FAIL; report the first problem
      if (r > 0) outcomes.push(outcome);
      rss = Math.max(rss, process.memoryUsage.rss());
    }
  } catch (error) {
    state = `error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  } finally {
    await session?.close().catch(() => undefined);
  }
  for (; steps < plan.reps + plan.warmups; steps++) plan.onStep(`${variant.id} · ${executor.label} · skipped`);
  const times = outcomes.map((o) => o.ms);
  const timeMs = spread(times);
  const last = outcomes[outcomes.length - 1];
  const base = executor.id === 'plain' ? timeMs.median : baseline;
  let firstBatch: FirstBatch | undefined;
  if (executor.firstBatch && firstRepsOf(plan, variant) > 0) {
    const first = await measureFirstBatch(plan, variant, executor, expected, base);
    firstBatch = first.firstBatch;
    if (state === 'ok' && first.state !== 'ok') state = `first batch: ${first.state}`;
  }
  const aborts =
    outcomes.every((o) => o.aborts !== null) && outcomes.length > 0
      ? spread(outcomes.map((o) => o.aborts! / Math.max(1, o.commits))).median
      : null;
  return {
    executor: executor.id,
    family: executor.family,
    label: executor.label,
    workers: executor.workers,
    timeMs,
    throughput: spread(outcomes.map((o) => (o.commits / o.ms) * 1000)),
    speedup: { median: base / timeMs.median, min: base / timeMs.max, max: base / timeMs.min },
    abortsPerCommit: aborts,
    ...(last?.addMs !== undefined ? { addMs: spread(outcomes.map((o) => o.addMs ?? 0)).median } : {}),
    ...(last?.lockWaits !== undefined
      ? { lockWaitsPerOp: spread(outcomes.map((o) => (o.lockWaits ?? 0) / o.commits)).median }
      : {}),
    sharedBytes: last?.sharedBytes ?? null,
    rssBytes: rss,
    state,
    ...(last?.policy !== undefined
      ? { policy: policyOf(outcomes), inlineTasks: spread(outcomes.map((o) => o.inlineTasks ?? 0)).median }
      : {}),
    ...(firstBatch ? { firstBatch } : {}),
  };
}

/** 'inline' or 'parallel' if every outcome ran so, else 'mixed'. */
function policyOf(outcomes: readonly RunOutcome[]): string {
  const kinds = new Set(outcomes.map((o) => o.policy ?? '-'));
  return kinds.size === 1 ? [...kinds][0]! : 'mixed';
}

/** `plan.firstReps` first batches of fresh queues after ready(), then one cold; each checked. */
async function measureFirstBatch(
  plan: RunPlan,
  variant: Variant,
  executor: Executor,
  expected: ReturnType<typeof reference>,
  base: number,
): Promise<{ firstBatch?: FirstBatch; state: string }> {
  const outcomes: RunOutcome[] = [];
  let cold: RunOutcome | undefined;
  let state = 'ok';
  let steps = 0;
  const reps = firstRepsOf(plan, variant);
  const once = async (start: FirstBatchStart, label: string): Promise<RunOutcome> => {
    plan.onStep(`${variant.id} · ${executor.label} · ${label}`);
    steps++;
    const outcome = await withTimeout(executor.firstBatch!(variant, variant.ops, start), plan.timeoutMs, label);
    const verdict = verify(variant, executor.check, outcome, expected);
    if (state === 'ok' && verdict !== 'ok') state = `${start}: ${verdict}`;
    return outcome;
  };
  try {
    for (let r = 1; r <= reps; r++) outcomes.push(await once('warm', `first batch ${r}/${reps}`));
    cold = await once('cold', 'cold first batch');
  } catch (error) {
    state = `error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
  for (; steps < reps + 1; steps++) plan.onStep(`${variant.id} · ${executor.label} · skipped`);
  if (outcomes.length === 0) return { state };
  const timeMs = spread(outcomes.map((o) => o.ms));
  return {
    state,
    firstBatch: {
      runs: outcomes.length,
      timeMs,
      throughput: spread(outcomes.map((o) => (o.commits / o.ms) * 1000)),
      speedup: { median: base / timeMs.median, min: base / timeMs.max, max: base / timeMs.min },
      policy: policyOf(outcomes),
      inlineTasks: spread(outcomes.map((o) => o.inlineTasks ?? 0)).median,
      cold: cold
        ? {
            ms: cold.ms,
            throughput: (cold.commits / cold.ms) * 1000,
            speedup: base / cold.ms,
            policy: cold.policy ?? '-',
            inlineTasks: cold.inlineTasks ?? 0,
          }
        : null,
    },
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
