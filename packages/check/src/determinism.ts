/**
 * Non-determinism: a task that reads Math.random(), Date.now() or other outside state
 * makes the sequential oracle disagree with itself, and every check against it is moot.
 * Detected by running SequentialQueue twice on the same calls (fresh heaps, same seed);
 * if only the final heap differs, two serial replays snapshotting after every task find
 * the first task that left a different heap.
 *
 * The cause is then diagnosed by removing one source at a time, so that the advice fits:
 * both runs again with Math.random() replaced by the same seeded sequence and the clocks
 * (Date.now(), performance.now()) frozen, each on a fresh instance of the workload module
 * (imported again under another URL). If that makes them agree, runs on the same module
 * instance tell module-level state (a variable that survives from one run to the next)
 * from Math.random() and the clock, each frozen alone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  compareOutcomes,
  type Difference,
  firstSnapshotDifference,
  type NondeterminismCause,
  showTask,
  taskInfo,
} from './compare.js';
import { SEQUENTIAL } from './executors.js';
import { show } from './internal/show.js';
import { replaySerial } from './replay.js';
import { runMode, type RunRecord } from './run-record.js';
import { type Call, loadWorkload, type Snapshot, type Workload } from './workload.js';

/**
 * Runs the oracle twice (2 ms apart, so clocks move) and returns the first difference,
 * naming the task that is not deterministic, or undefined if both runs agree.
 *
 * @param seed the queues' seed (ctx.random() is deterministic; Math.random() is not)
 */
export async function findNondeterminism(workload: Workload, calls: readonly Call[], seed = 0): Promise<Difference | undefined> {
  const first = await runMode(workload, SEQUENTIAL, calls, { seed, workers: 1 });
  await sleep(2);
  const second = await runMode(workload, SEQUENTIAL, calls, { seed, workers: 1 });
  const order = Array.from({ length: Math.max(first.taskCount, second.taskCount) }, (_, i) => i);
  const [difference] = compareOutcomes(first, second, order, first.tasks, {
    actual: 'one sequential run',
    expected: 'in another',
  });
  if (!difference) return undefined;
  const located = difference.task ? difference : ((await locate(workload, first)) ?? difference);
  const culprit = located.task
    ? `task ${located.task.index} (${located.task.task}) is not deterministic`
    : 'the tasks are not deterministic';
  const cause = await diagnose(workload, calls, seed);
  return {
    ...located,
    kind: 'nondeterministic',
    cause,
    message: `${culprit}: ${located.message}. ${ADVICE[cause](workload)}`,
  };
}

const ADVICE: Record<NondeterminismCause, (workload: Workload) => string> = {
  'Math.random': () =>
    'It calls Math.random(): use ctx.random() instead (seeded per task: the same on every attempt, in every executor and in the replay)',
  clock: () =>
    'It reads the clock (Date.now(), performance.now()): pass the time in as an argument, or read it in ctx.afterCommit(fn) for I/O',
  'Math.random and clock': () =>
    'It calls Math.random() and reads the clock: use ctx.random(), and pass the time in as an argument (or read it in ctx.afterCommit)',
  'module state': (workload) =>
    `It keeps state outside the heap between calls (a module-level variable in ${workload.name}, such as a counter or a cache), so each run sees what the previous one left: keep shared state in ctx.heap (a tvar, tcounter or tmap), or compute it from the task's arguments`,
  unknown: () =>
    "Neither Math.random(), the clock nor the module's own variables explain it (I/O, another module's state?): keep tasks to their arguments, ctx.random() and ctx.heap, and do I/O in ctx.afterCommit",
};

/** Which source of non-determinism makes the two oracle runs differ (see the module comment). */
async function diagnose(workload: Workload, calls: readonly Call[], seed: number): Promise<NondeterminismCause> {
  const agree = (freeze: { random: boolean; clock: boolean }, fresh: boolean) =>
    oracleAgrees(workload, calls, seed, freeze, fresh);
  if (!(await agree({ random: true, clock: true }, true))) return 'unknown';
  if (!(await agree({ random: true, clock: true }, false))) return 'module state';
  const random = await agree({ random: true, clock: false }, false);
  const clock = await agree({ random: false, clock: true }, false);
  if (random && !clock) return 'Math.random';
  if (clock && !random) return 'clock';
  return 'Math.random and clock';
}

let instances = 0;

/** The time Date.now() returns while the clock is frozen (2026-01-01T00:00:00Z). */
const FROZEN_CLOCK = 1_767_225_600_000;

/** Runs the oracle twice with the given sources frozen; `fresh`: each run on a new instance of the workload module. */
async function oracleAgrees(
  workload: Workload,
  calls: readonly Call[],
  seed: number,
  freeze: { random: boolean; clock: boolean },
  fresh: boolean,
): Promise<boolean> {
  const records: RunRecord[] = [];
  for (let side = 0; side < 2; side++) {
    const target = fresh ? await freshInstance(workload) : workload;
    const restore = freezeSources(freeze);
    try {
      records.push(await runMode(target, SEQUENTIAL, calls, { seed, workers: 1 }));
    } finally {
      restore();
    }
    await sleep(2);
  }
  const [a, b] = records as [RunRecord, RunRecord];
  const order = Array.from({ length: Math.max(a.taskCount, b.taskCount) }, (_, i) => i);
  return compareOutcomes(a, b, order, a.tasks).length === 0;
}

/** The workload module imported again under another URL: its module-level variables start afresh. */
async function freshInstance(workload: Workload): Promise<Workload> {
  const url = new URL(workload.url);
  url.searchParams.set('ame-check-instance', String(++instances));
  return loadWorkload(url);
}

/** Replaces Math.random by one fixed seeded sequence and/or freezes the clocks; returns the undo. */
function freezeSources(freeze: { random: boolean; clock: boolean }): () => void {
  const { random } = Math;
  const dateNow = Date.now;
  const perfNow = performance.now;
  if (freeze.random) {
    let state = 0x9e3779b9;
    Math.random = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }
  if (freeze.clock) {
    Date.now = () => FROZEN_CLOCK; // the same instant in both runs
    performance.now = () => 0;
  }
  return () => {
    Math.random = random;
    Date.now = dateNow;
    performance.now = perfNow;
  };
}

/** The first task after which two serial replays' heaps differ. */
async function locate(workload: Workload, run: RunRecord): Promise<Difference | undefined> {
  const order = Array.from({ length: run.taskCount }, (_, i) => i);
  const snapshots: Snapshot[][] = [[], []];
  for (const side of [0, 1] as const) {
    if (side === 1) await sleep(2);
    await replaySerial(workload, run.tasks, order, run.seed, { afterTask: (_, heap) => snapshots[side]!.push(heap.snapshot()) });
  }
  for (let k = 0; k < order.length; k++) {
    const a = snapshots[0]![k];
    const b = snapshots[1]![k];
    if (!a || !b) break;
    const diff = firstSnapshotDifference(a, b);
    if (diff) {
      const task = taskInfo(run.tasks, order[k]!);
      return {
        kind: 'nondeterministic',
        task,
        key: diff.key,
        actual: diff.actual,
        expected: diff.expected,
        message: `after ${showTask(task)} the heap differs at ${diff.key}: ${show(diff.actual)} in one sequential run, ${show(diff.expected)} in another`,
      };
    }
  }
  return undefined;
}
