/**
 * Warms a thread up before its first real batch: runs a few thousand small tasks of this
 * package's own warm-up module through the same claim loop, strategy and STM paths, on a
 * private heap and batch. V8 then has type feedback and optimised code for the hot path
 * before the user's first batch, instead of compiling it while that batch runs (cold, a
 * tiny task costs 5-30 µs instead of 1). Every worker does it when it starts; the calling
 * thread does it once per strategy and process (`warmUpOnce`).
 */
import { Heap, type HeapHandle } from '@ame/stm';
import { BatchEnv, runBatch, type Strategy } from '../execute.js';
import { TaskLoader } from '../loader.js';
import { MAIN_OWNER, SharedBatch, WAITERS } from '../shared-batch.js';
import { anyArray } from './arrays.js';
import { cpuMs } from './cpu.js';
import { setOtherHandle, WARM_UP_MAX_ATTEMPTS } from './warm-up-tasks.js';

const WARM_UP_TASKS = 4000;
const MODULE = new URL('./warm-up-tasks.js', import.meta.url).href;

/** Cells of the warm-up heap: few, so that warm-ups running at once conflict. */
const CELLS = 64;
/** Cells that the large write sets pick at random (hash collisions in the write set). */
const WIDE_CELLS = 4096;
/** The tasks of 0 to 6 arguments (warm-up-tasks.ts) and the arguments each gets. */
const BY_ARGS: readonly (readonly [string, unknown[]])[] = [
  ['args0', []],
  ['args4', [3, 4, 0.5, 2]],
  ['args5', [5, 6, 0.5, 2, 1.25]],
  ['args6', [7, 8, 0.5, 2, 1.25, 'six']],
];

/** Where a starting worker warms up: on the heap the workers starting together share, or (undefined) on one of its own. */
export interface WarmUpPlace {
  readonly shared: HeapHandle | undefined;
}

/**
 * A heap for the warm-up of `threads` threads at once (each also opens a second handle):
 * the pool makes one for the workers it starts together, so that their warm-ups contend
 * for cells as a real batch does (locks held by another thread, reads that wait for a
 * commit to finish, lock back-off). Paths that a warm-up never took cost a deoptimisation
 * and a recompilation, competing for the cores, in the user's first batch.
 */
export function createWarmUpHeap(threads: number): Heap {
  const heap = Heap.create({ initialBytes: 1 << 20, maxThreads: 2 * threads + 2 });
  heap.tarray('cells', CELLS, 'f64');
  heap.tarray('wide', WIDE_CELLS, 'f64');
  heap.tvar('log', { key: '', n: 0.5 });
  heap.tcounter('count', 0);
  heap.tmap('map');
  return heap;
}

/** What a warm-up ran (both modes together). */
export interface WarmUpSummary {
  tasks: number;
  /** Aborted attempts: the conflict path was taken this many times. */
  conflicts: number;
  /** The most aborts of one task: WARM_UP_MAX_ATTEMPTS means a task ran exclusive after them (R4). */
  mostAborts: number;
  failures: number;
}

/** Arguments of 0 to 6 values for the `any` tasks (warm-up-tasks.ts): one list per count. */
const ANY_ARGS: readonly unknown[][] = [
  [],
  [1],
  [2, 'b'],
  [3, 0.5, true],
  [4, null, 'd', 2],
  [5, 1, 2, 3, 4],
  [6, 'f', 1.5, 2, 3, false],
];
const ANY_TASKS = 5;
/** Tasks of the round on a heap and batch of their own. */
const FRESH_TASKS = 100;
/**
 * Small tasks of a last round: V8 optimises the claim loop (ClaimRun.drain) once it has run
 * enough bytecode, which the rounds above do not reach; without this round it was compiled
 * (10-20 ms of a background thread, per thread) during the user's first batch. Measured on 2
 * cores, first batch of ~130 µs tasks, 6 paired fresh queues after ready(): unordered 1.55x
 * -> 1.61x of plain JS, ordered 1.32x -> 1.52x; ready() ~120 ms longer.
 */
const LOOP_TASKS = 6000;

/**
 * Runs the warm-up on `shared` (attached here) or on a heap of its own: a round unordered
 * and a round ordered, then a short round on a new heap and batch, then a round of small
 * tasks on that heap (LOOP_TASKS). V8 gives a function type
 * feedback only after its first calls, so a path that a thread takes only at the first use of
 * a heap or a batch (the first lookup of a name on a heap, a new batch's first tasks) had
 * none, and deoptimised in the user's first batch; the last round takes those paths again,
 * with feedback.
 */
export async function warmUp(
  createStrategy: (env: BatchEnv) => Strategy,
  shared?: HeapHandle,
  /** The owner number this thread runs batches as: a worker's index, or MAIN_OWNER (see round). */
  owner = MAIN_OWNER,
): Promise<WarmUpSummary> {
  const summary: WarmUpSummary = { tasks: 0, conflicts: 0, mostAborts: 0, failures: 0 };
  unsettleArrayMaps();
  const loader = new TaskLoader();
  const heap = shared ? Heap.attach(shared) : createWarmUpHeap(1);
  const other = Heap.attach(heap.handle);
  setOtherHandle(other);
  for (const ordered of [false, true]) await round(createStrategy, heap, ordered, WARM_UP_TASKS / 2, loader, summary, owner);
  setOtherHandle(undefined);
  other.detach();
  heap.detach();
  const fresh = createWarmUpHeap(1);
  await round(createStrategy, fresh, false, FRESH_TASKS, loader, summary, owner);
  await round(createStrategy, fresh, false, LOOP_TASKS, loader, summary, owner, true);
  fresh.detach();
  return summary;
}

/**
 * Turns one array of each elements kind into a sparse (dictionary-mode) one, before the
 * rounds. V8 optimises code for an array's hidden class on the promise that the class is
 * "stable" (no array of it has ever changed to another one); the first sparse array made
 * from a class breaks that promise and throws away every function compiled on it. The
 * task path handles argument and task arrays (HOLEY_ELEMENTS, arrays.ts), so a user's task
 * that made one sparse array (a cache filled at scattered indices: `keys[k] ??= ...`)
 * deoptimised the claim loop, the strategy's run and the attempt in that worker during the
 * user's first batch: 20-50 ms of a background compiler thread each, per worker, competing
 * with the workers for the cores. Once the classes are unstable here, V8 checks the class
 * where it matters instead, and nothing a task does to its own arrays deoptimises the path.
 */
function unsettleArrayMaps(): void {
  const arrays: unknown[][] = [[], [0], [0.5], [''], anyArray()];
  // The holey kinds: a hole at index 1 (one literal per kind: V8 keeps kind feedback per literal).
  for (const holey of [[0], [0.5], ['']] as unknown[][]) {
    holey[2] = holey[0];
    arrays.push(holey);
  }
  for (const array of arrays) array[1 << 16] = 0;
}

/** One warm-up batch of `tasks` tasks on `heap`, in a batch of its own. */
async function round(
  createStrategy: (env: BatchEnv) => Strategy,
  heap: Heap,
  ordered: boolean,
  tasks: number,
  loader: TaskLoader,
  summary: WarmUpSummary,
  owner: number,
  /** Only `touch` tasks (the LOOP_TASKS round). */
  small = false,
): Promise<void> {
  const batch = SharedBatch.create();
  // The thread runs the round as the owner it runs real batches as, alone: a worker under
  // its index, with a result log like in a real batch. Warmed up as the main thread, a
  // worker never took the paths only workers take (the GIL's lock, results that are not
  // primitives into its result log, ordered claims one task at a time): each deoptimised
  // the claim loop in the user's first batch on every worker (GilQueue: at taking the lock).
  batch.setWorkers(owner === MAIN_OWNER ? 0 : owner + 1);
  batch.reset(1);
  const id = (name: string): number => batch.taskIdOf({ module: MODULE, name }, MAIN_OWNER);
  const touchId = id('touch');
  const noteId = id('note');
  const interfereId = id('interfere');
  const byArgsIds = BY_ARGS.map(([name]) => id(name));
  const anyIds = Array.from({ length: ANY_TASKS }, (_, k) => id(`any${k}`));
  for (let i = 0; i < tasks; i++) {
    const kind = small ? 0 : i % 8; // 0: a `touch` task
    if (kind === 3 || kind === 7) batch.append(noteId, [`k${i % 7}`, i % 2 === 0, 1.5 + i], MAIN_OWNER, false);
    else if (kind === 5) batch.append(interfereId, [i, i % CELLS, (i * 5 + 1) % CELLS, i % 32 === 5], MAIN_OWNER, false);
    else if (kind === 6) {
      const n = (i >> 3) % BY_ARGS.length;
      batch.append(byArgsIds[n]!, BY_ARGS[n]![1], MAIN_OWNER, false);
    } else if (kind === 4) {
      const n = i >> 3;
      batch.append(anyIds[n % ANY_TASKS]!, ANY_ARGS[n % ANY_ARGS.length]!, MAIN_OWNER, false);
    } else batch.append(touchId, [i, i % CELLS, (i * 7) % CELLS], MAIN_OWNER, false);
  }
  batch.publishStaged();
  // A pretend sleeper (nobody waits on this private batch): every finish() then takes
  // wake()'s notify path, as in a real batch while another thread sleeps, not only in
  // the user's first batch, where reaching it unprepared deoptimised the task path.
  Atomics.store(batch.control, WAITERS, 1);
  const options = {
    batch: 1,
    ordered,
    seed: 0,
    onError: 'continue' as const,
    maxAttempts: WARM_UP_MAX_ATTEMPTS,
    recordHistory: false,
    dropChildren: false,
  };
  const env = new BatchEnv(heap, batch, options, owner);
  // Unordered rounds ask a LeaveCheck (that never leaves) before each claim, as the calling
  // thread's sample does: that path of the claim loop gets type feedback too, and the loop
  // runs more of its own code per task, so that V8 optimises it within the warm-up (without
  // it in the LOOP_TASKS round, the loop was compiled after ready() more often than not).
  const output = await runBatch(env, createStrategy(env), loader, ordered ? undefined : stay);
  summary.tasks += output.ran;
  summary.conflicts += output.conflicts.reduce((sum, [, , , count]) => sum + count, 0);
  const aborts = new Map<number, number>();
  for (const [, index, , count] of output.conflicts) aborts.set(index, (aborts.get(index) ?? 0) + count);
  summary.mostAborts = Math.max(summary.mostAborts, ...aborts.values());
  summary.failures += output.failures.length;
}

/** The warm-up's LeaveCheck: never leaves. */
const stay = (): boolean => false;

const warmed = new Map<unknown, Promise<void>>();

/** Warms this thread up for `createStrategy` once per process (keyed by the function). */
export function warmUpOnce(createStrategy: (env: BatchEnv) => Strategy): Promise<void> {
  let done = warmed.get(createStrategy);
  if (!done) {
    done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      await warmUp(createStrategy);
    });
    warmed.set(createStrategy, done);
  }
  return done;
}

/** A window in which the process used less than SETTLED_CORES of CPU ends the wait. */
const SETTLE_WINDOW_MS = 5;
const SETTLED_CORES = 0.25;
/** The longest settled() waits. */
export const SETTLE_MAX_MS = 200;

/**
 * Waits until the process is idle (under SETTLED_CORES busy over SETTLE_WINDOW_MS), at
 * most SETTLE_MAX_MS: after the warm-ups, V8 is still compiling what they made hot on
 * background threads (20-30 ms a function on 2 cores), which would otherwise take cores
 * from the user's first batch.
 */
export async function settled(): Promise<void> {
  const start = performance.now();
  let at = start;
  let cpu = cpuMs();
  while (at - start < SETTLE_MAX_MS) {
    await new Promise<void>((resolve) => setTimeout(resolve, SETTLE_WINDOW_MS));
    const now = performance.now();
    const used = cpuMs();
    if (used - cpu < SETTLED_CORES * (now - at)) return;
    at = now;
    cpu = used;
  }
}
