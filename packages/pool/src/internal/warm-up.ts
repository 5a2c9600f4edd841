/**
 * Warms a thread up before its first real batch: runs a few thousand small tasks of this
 * package's own warm-up module through the same claim loop, strategy and STM paths, on a
 * private heap and batch. V8 then has type feedback and optimised code for the hot path
 * before the user's first batch, instead of compiling it while that batch runs (cold, a
 * tiny task costs 5-30 µs instead of 1). Every worker does it when it starts; the calling
 * thread does it once per strategy and process (`warmUpOnce`).
 */
import { Heap } from '@ame/stm';
import { BatchEnv, runBatch, type Strategy } from '../execute.js';
import { TaskLoader } from '../loader.js';
import { MAIN_OWNER, SharedBatch } from '../shared-batch.js';

const WARM_UP_TASKS = 4000;
const MODULE = new URL('./warm-up-tasks.js', import.meta.url).href;

export async function warmUp(createStrategy: (env: BatchEnv) => Strategy): Promise<void> {
  const heap = Heap.create({ initialBytes: 1 << 20, maxThreads: 2 });
  heap.tarray('cells', 64, 'f64');
  heap.tvar('log', { key: '', n: 0.5 });
  heap.tcounter('count', 0);
  const batch = SharedBatch.create();
  batch.setWorkers(0); // only MAIN_OWNER runs the warm-up
  batch.reset(1);
  const loader = new TaskLoader();
  const touch = { module: MODULE, name: 'touch' };
  const note = { module: MODULE, name: 'note' };
  const options = {
    batch: 1,
    ordered: false,
    seed: 0,
    onError: 'continue' as const,
    maxAttempts: 16,
    recordHistory: false,
    dropChildren: false,
  };
  for (const ordered of [false, true]) {
    const touchId = batch.taskIdOf(touch, MAIN_OWNER);
    const noteId = batch.taskIdOf(note, MAIN_OWNER);
    for (let i = 0; i < WARM_UP_TASKS / 2; i++) {
      if (i % 4 === 3) batch.append(noteId, [`k${i % 7}`, i % 2 === 0, 1.5 + i], MAIN_OWNER, false);
      else batch.append(touchId, [i, i % 64, (i * 7) % 64], MAIN_OWNER, false);
    }
    batch.publishStaged();
    const env = new BatchEnv(heap, batch, { ...options, ordered }, MAIN_OWNER);
    await runBatch(env, createStrategy(env), loader);
    batch.reset(1);
  }
  heap.detach();
}

const warmed = new Map<unknown, Promise<void>>();

/** Warms this thread up for `createStrategy` once per process (keyed by the function). */
export function warmUpOnce(createStrategy: (env: BatchEnv) => Strategy): Promise<void> {
  let done = warmed.get(createStrategy);
  if (!done) {
    done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => warmUp(createStrategy));
    warmed.set(createStrategy, done);
  }
  return done;
}
