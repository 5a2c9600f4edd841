/**
 * Memory stays bounded: `commits` small update transactions (a transfer among 1024
 * cells) on one heap, sampling heap.stats() ten times. Bounded means the bytes in use in
 * the second half never exceed the first half's peak by more than 5% (steady state).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Heap } from '@ame/stm';

export interface MemoryResult {
  readonly commits: number;
  /** [commits so far, bytes used, live versions] at each sample. */
  readonly samples: readonly (readonly [number, number, number])[];
  readonly firstHalfPeak: number;
  readonly secondHalfPeak: number;
  readonly bounded: boolean;
  readonly seconds: number;
}

export async function measureMemory(commits: number, onStep: (label: string) => void): Promise<MemoryResult> {
  const heap = Heap.create();
  const n = 1024;
  const cells = heap.tarray('cells', n, 'f64');
  const samples: [number, number, number][] = [];
  const step = Math.ceil(commits / 10);
  const t0 = performance.now();
  for (let done = 0; done < commits; ) {
    onStep(`memory · ${(done / 1e6).toFixed(0)}M of ${(commits / 1e6).toFixed(0)}M commits`);
    await yieldToEventLoop(); // let the progress bar draw
    const end = Math.min(commits, done + step);
    for (let k = done; k < end; k++) {
      const i = k & (n - 1);
      const j = (k * 7 + 1) & (n - 1);
      heap.atomically(() => {
        cells.set(i, cells.get(i) - 1);
        cells.set(j, cells.get(j) + 1);
      });
    }
    done = end;
    const stats = heap.stats();
    samples.push([done, stats.bytesUsed, stats.liveVersions]);
  }
  const seconds = (performance.now() - t0) / 1000;
  heap.detach();
  const half = Math.floor(samples.length / 2);
  const firstHalfPeak = Math.max(...samples.slice(0, half).map((s) => s[1]));
  const secondHalfPeak = Math.max(...samples.slice(half).map((s) => s[1]));
  return { commits, samples, firstHalfPeak, secondHalfPeak, bounded: secondHalfPeak <= firstHalfPeak * 1.05, seconds };
}
