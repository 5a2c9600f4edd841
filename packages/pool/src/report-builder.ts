/**
 * Builds a RunReport from the batch's shared per-task arrays (outcome kind, numeric
 * result, serial point) and the threads' outputs (non-primitive results, failures,
 * conflicts, history). Runs on the main thread after every thread left the batch.
 */
import { decodeValue, type Value } from '@ame/stm';
import { TaskError, WorkerCrashedError, rebuildError } from './errors.js';
import type { ConflictPair, ConflictStat, RunMode, RunReport, TaskCall, TaskHandle, TaskHistory, TaskId } from './report.js';
import type { Execution } from './queue.js';
import { ABORTS, COUNT, FAILED, R_FALSE, R_NULL, R_NUMBER, R_TRUE, type SharedBatch } from './shared-batch.js';

export interface ReportMeta {
  mode: RunMode;
  ordered: boolean;
  workers: number;
  seed: number;
  recordHistory: boolean;
  durationMs: number;
}

export function buildReport(batch: SharedBatch, execution: Execution, meta: ReportMeta): RunReport {
  const count = Atomics.load(batch.control, COUNT);
  batch.views();
  const nameOf = (index: number): string => batch.taskName(batch.taskId(index)).name;
  const results = new Array<Value | undefined>(count);
  const commits = primitiveResults(batch, count, results);
  const errors: TaskError[] = [];
  const conflictMap = new Map<string, { count: number; pairs: Map<string, ConflictPair> }>();
  decodedResults(batch, execution, results);
  for (const output of execution.outputs) {
    for (const f of output.failures) {
      const info = { index: f.index, task: nameOf(f.index), args: batch.args(f.index, []) as Value[], attempt: f.attempt };
      errors.push(new TaskError({ ...info, phase: f.phase }, rebuildError(f.error)));
    }
    for (const [key, aborted, winner, n] of output.conflicts) {
      let stat = conflictMap.get(key);
      if (!stat) conflictMap.set(key, (stat = { count: 0, pairs: new Map() }));
      stat.count += n;
      const id = `${aborted}:${winner}`;
      const before = stat.pairs.get(id);
      const winnerId: TaskId | null = winner >= 0 && winner < count ? { index: winner, task: nameOf(winner) } : null;
      stat.pairs.set(id, {
        aborted: { index: aborted, task: nameOf(aborted) },
        winner: winnerId,
        count: (before?.count ?? 0) + n,
      });
    }
  }
  if (execution.restarts > 0) lostFailures(batch, errors, nameOf);
  errors.sort((a, b) => a.index - b.index || (a.phase === 'task' ? -1 : 1));
  const conflicts: ConflictStat[] = [...conflictMap]
    .map(([key, stat]) => ({
      key,
      count: stat.count,
      pairs: [...stat.pairs.values()].sort((a, b) => b.count - a.count).slice(0, 10),
    }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  const serialOrder = batch.serialOrder(false);
  const commitOrder = errors.length === 0 ? undefined : batch.serialOrder(true);
  let history: (TaskHistory | undefined)[] | undefined;
  let calls: TaskCall[] | undefined;
  if (meta.recordHistory) {
    history = new Array<TaskHistory | undefined>(count).fill(undefined);
    for (const output of execution.outputs) for (const h of output.history) history[h.index] = h;
    calls = [];
    for (let index = 0; index < count; index++) {
      const { module, name } = batch.taskName(batch.taskId(index));
      calls.push({ module, task: name, args: batch.args(index, []) as Value[] });
    }
  }
  const report: RunReport = {
    mode: meta.mode,
    ordered: meta.ordered,
    workers: meta.workers,
    seed: meta.seed,
    tasks: count,
    commits,
    aborts: Atomics.load(batch.control, ABORTS),
    results,
    errors,
    conflicts,
    durationMs: meta.durationMs,
    policy: execution.policy,
    inlineTasks: execution.inlineTasks,
    crashes: execution.crashes,
    restarts: execution.restarts,
    ...(history ? { history, calls } : {}),
  } as Omit<RunReport, 'result' | 'commitOrder' | 'serialOrder'> as RunReport;
  // Built when first read (the same array for both when no task failed): see SharedBatch.serialOrder.
  builtOnRead(report, 'serialOrder', serialOrder);
  builtOnRead(report, 'commitOrder', commitOrder ?? (() => report.serialOrder));
  Object.defineProperty(report, 'result', {
    value: <R>(handle: TaskHandle<R>): R | undefined => results[handle] as R | undefined,
    enumerable: false,
  });
  return report;
}

/**
 * The results that are primitives, from the shared per-task arrays, into `results`;
 * returns the number of committed tasks. The one loop over every task lives here, apart:
 * buildReport runs once per batch and stays unoptimised, where with this loop inside V8
 * compiled it on the stack and compiled it again after each deoptimisation (40-60 ms of a
 * background thread, while the next batch's workers needed the cores).
 */
function primitiveResults(batch: SharedBatch, count: number, results: (Value | undefined)[]): number {
  const outcome = batch.outcome;
  const nums = batch.nums;
  let commits = 0;
  for (let i = 0; i < count; i++) {
    const kind = outcome[i]!;
    if (kind === 0 || kind === FAILED) {
      results[i] = undefined;
      continue;
    }
    commits++;
    results[i] =
      kind === R_NUMBER ? nums[i] : kind === R_TRUE ? true : kind === R_FALSE ? false : kind === R_NULL ? null : undefined;
  }
  return commits;
}

/** The results that are not primitives (workers' result logs, the calling thread's output) into `results`: as primitiveResults, a loop apart. */
function decodedResults(batch: SharedBatch, execution: Execution, results: (Value | undefined)[]): void {
  for (const [index, bytes] of batch.resultLogs.records()) results[index] = decodeValue(bytes); // L1: every worker is done or dead
  for (const output of execution.outputs) for (const [index, bytes] of output.results) results[index] = decodeValue(bytes);
}

/**
 * Defines `key` as an enumerable, read-only property whose value `build` makes on the first
 * read (kept in the closure, so a frozen report reads it too).
 */
function builtOnRead<T>(target: object, key: string, build: () => T): void {
  let value: T | undefined;
  let built = false;
  Object.defineProperty(target, key, {
    enumerable: true,
    get(): T {
      if (!built) {
        value = build();
        built = true;
      }
      return value as T;
    },
  });
}

/**
 * A worker's failures travel in its output at the end of the batch: a worker that died
 * took the TaskErrors of tasks it had failed earlier in the batch with it. Their outcome
 * (FAILED) is in shared memory: report each as a TaskError whose cause says so.
 */
function lostFailures(batch: SharedBatch, errors: TaskError[], nameOf: (index: number) => string): void {
  const known = new Set(errors.map((e) => e.index));
  const count = Atomics.load(batch.control, COUNT);
  for (let i = 0; i < count; i++) {
    if (batch.outcome[i] !== FAILED || known.has(i)) continue;
    const cause = new WorkerCrashedError(-1, `task ${i} failed, and the worker that ran it died before reporting its error`);
    errors.push(new TaskError({ index: i, task: nameOf(i), args: batch.args(i, []) as Value[], attempt: 0 }, cause));
  }
}
