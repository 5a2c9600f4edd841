/**
 * The adaptive policy's memory between batches (PolicyMemory): a queue whose workers lose
 * to the calling thread on its tasks keeps the next batches of the same tasks inline, tries
 * the workers again at growing intervals, and never holds back tasks the workers win, tasks
 * of another size, or workers that lost one batch to noise. Fed with per-batch times per
 * task, some recorded on the 2-core machine (apps/bench, one queue, batch after batch).
 */
import { describe, expect, test } from 'vitest';
import { MAX_PATIENCE, MEASURE_MS, MIN_JUDGED_MS, MIN_PATIENCE, PolicyMemory, RECENT } from '../src/internal.js';

const TASKS = 5000;

interface Workload {
  /** The calling thread's sample, ms per task. */
  sampleMs: number;
  /** A whole batch inline, ms per task. */
  inlineMs: number;
  /** The workers' time per task in the k-th batch they run. */
  workersMs(k: number): number;
}

/**
 * Runs `batches` batches through one memory: 'W' for the workers, 'I' for inline, 'M' for a
 * batch whose first MEASURE_MS the calling thread ran to measure itself (M3) before the
 * workers took the rest.
 */
function placements(batches: number, work: Workload, memory = new PolicyMemory()): string {
  let out = '';
  let onWorkers = 0;
  for (let b = 0; b < batches; b++) {
    let tasks = TASKS;
    if (memory.keepInline(work.sampleMs)) {
      if (memory.measuring) {
        const measured = Math.min(TASKS, Math.floor(MEASURE_MS / work.inlineMs));
        memory.inlineMeasured(measured, measured * work.inlineMs);
        tasks -= measured;
      }
      if (tasks === TASKS || memory.keepInline(work.sampleMs)) {
        memory.inlineRan(TASKS, TASKS * work.inlineMs);
        out += 'I';
        continue;
      }
    }
    memory.workersRan(work.sampleMs, tasks, tasks * work.workersMs(onWorkers++), false);
    out += tasks === TASKS ? 'W' : 'M';
  }
  return out;
}

/** Batches between consecutive worker batches, once the memory holds. */
function gaps(line: string): number[] {
  const at = [...line].flatMap((c, i) => (c === 'W' ? [i] : [])).slice(RECENT); // after the cold and the measured ones
  return at.slice(1).map((i, k) => i - at[k]! - 1);
}

// k-means-style tasks, recorded: ~12 µs inline, 17-18 µs per task on 2 workers (unordered).
const kmeans: Workload = { sampleMs: 0.012, inlineMs: 0.0118, workersMs: (k) => (k === 0 ? 0.03 : 0.0175) };

describe('tasks the workers lose', () => {
  test('stay on the calling thread once the workers have run RECENT measured batches of them', () => {
    const line = placements(80, kmeans);
    // A cold batch, RECENT measured ones, then one that measures this thread and stays, and held.
    expect(line.slice(0, RECENT + 3)).toBe(`${'W'.repeat(RECENT + 1)}II`);
    expect([...line.slice(RECENT + 1)].filter((c) => c === 'I').length).toBeGreaterThanOrEqual(70);
  });

  test('the workers are tried again after MIN_PATIENCE batches, then twice as many each time, up to MAX_PATIENCE', () => {
    const held = gaps(placements(200, kmeans));
    expect(held[0]).toBe(MIN_PATIENCE);
    for (let k = 1; k < held.length; k++) expect(held[k]).toBe(Math.min(held[k - 1]! * 2, MAX_PATIENCE));
    expect(held.at(-1)).toBe(MAX_PATIENCE);
  });

  test('once the workers win again (the conflicts went away) they keep every batch from the first one they win', () => {
    // The workers lose their first RECENT + 2 batches (one cold), then run at 7 µs per task.
    const changed: Workload = { ...kmeans, workersMs: (k) => (k < RECENT + 2 ? 0.0175 : 0.007) };
    const line = placements(60, changed);
    const firstWin = [...line].flatMap((c, i) => (c === 'W' ? [i] : []))[RECENT + 2]!;
    expect(line.slice(0, firstWin)).toContain('I');
    expect(line.slice(firstWin)).toBe('W'.repeat(60 - firstWin));
  });

  test('tasks of another size start afresh: the sample decides again', () => {
    const memory = new PolicyMemory();
    expect(placements(8, kmeans, memory)).toContain('II');
    const bigger: Workload = { sampleMs: 0.3, inlineMs: 0.3, workersMs: () => 0.165 };
    expect(placements(10, bigger, memory)).toBe(`${'W'.repeat(RECENT + 1)}M${'W'.repeat(10 - RECENT - 2)}`); // as a new queue
  });
});

describe('tasks the workers win', () => {
  // After RECENT measured batches on the workers, one batch starts inline to measure this
  // thread (M3), and the workers take its rest; after that they keep every batch.
  const once = (n: number): string => `${'W'.repeat(RECENT + 1)}M${'W'.repeat(n - RECENT - 2)}`;

  test('compute-bound (~300 µs, 1.8x): MEASURE_MS of one batch inline to measure, never held', () => {
    expect(placements(60, { sampleMs: 0.3, inlineMs: 0.3, workersMs: () => 0.165 })).toBe(once(60));
  });

  test('an ordered bank queue warming up over its first batches (recorded): only the measure inline', () => {
    // Ordered transfers, one queue: per task 27, 18.1, 12.8, 14.6, 14.0, 11.3, 9.5 µs on the workers; 17.5-18 inline.
    const recorded = [0.027, 0.0181, 0.0128, 0.0146, 0.014, 0.0113, 0.0095];
    const bank: Workload = { sampleMs: 0.0175, inlineMs: 0.018, workersMs: (k) => recorded[Math.min(k, recorded.length - 1)]! };
    expect(placements(40, bank)).toBe(once(40));
  });

  test('ordered map mix still warming when first measured (~1.2x) is not held', () => {
    // Per task on the workers over their first batches, then steady (1.46x); 50 µs inline.
    const warming = [0.07, 0.045, 0.042, 0.04, 0.037, 0.035, 0.034];
    const mapmix: Workload = { sampleMs: 0.05, inlineMs: 0.05, workersMs: (k) => warming[Math.min(k, warming.length - 1)]! };
    expect(placements(30, mapmix)).toBe(once(30));
  });

  test('one slow batch among fast ones (a GC on one core) does not send the tasks inline', () => {
    const bank: Workload = { sampleMs: 0.0175, inlineMs: 0.0175, workersMs: (k) => (k === 6 ? 0.04 : 0.011) };
    expect(placements(30, bank)).toBe(once(30));
  });
});

describe('the sample of a batch (M5)', () => {
  // Bank transfers, ~15 µs per task inline and on each of 2 workers.
  const bank: Workload = { sampleMs: 0.015, inlineMs: 0.015, workersMs: () => 0.0085 };

  test('needs all its windows until the workers have run a measured batch of these tasks', () => {
    const memory = new PolicyMemory();
    expect(memory.knows(bank.sampleMs)).toBe(false); // a new queue knows nothing
    placements(1, bank, memory); // the workers' cold batch: not measured (M2)
    expect(memory.knows(bank.sampleMs)).toBe(false);
    placements(1, bank, memory);
    expect(memory.knows(bank.sampleMs)).toBe(true);
  });

  test('knows tasks from batches too short to be measured, once the workers have finished one before', () => {
    // ~20 µs transfers, 2,000 a batch: ~25 ms on 2 workers, under MIN_JUDGED_MS.
    const memory = new PolicyMemory();
    const short = MIN_JUDGED_MS / 2;
    memory.workersRan(0.02, 2000, short, false); // the workers' first batch: its sample is cold
    expect(memory.knows(0.02)).toBe(false);
    memory.workersRan(0.02, 2000, short, false);
    expect(memory.knows(0.02)).toBe(true);
    expect(memory.knows(0.02 * 5)).toBe(false);
    // Short batches are still not measured: the memory never holds them inline.
    expect(memory.keepInline(0.02)).toBe(false);
  });

  test('a recalled batch does not make its tasks known', () => {
    const memory = new PolicyMemory();
    memory.workersRan(0.02, 2000, MIN_JUDGED_MS / 2, false);
    memory.workersRan(0.02, 100, MIN_JUDGED_MS / 2, true);
    expect(memory.knows(0.02)).toBe(false);
  });

  test('needs all its windows again for tasks of another size', () => {
    const memory = new PolicyMemory();
    placements(3, bank, memory);
    expect(memory.knows(bank.sampleMs * 3)).toBe(true); // within SAME_SIZE
    expect(memory.knows(bank.sampleMs * 5)).toBe(false);
    expect(memory.knows(bank.sampleMs / 5)).toBe(false);
    // The bigger tasks run: the memory starts afresh for them (M1), and knows nothing yet.
    expect(memory.keepInline(bank.sampleMs * 5)).toBe(false);
    expect(memory.knows(bank.sampleMs * 5)).toBe(false);
  });
});
