/**
 * When the adaptive policy (`policy: 'auto'`) calls the workers back: the rule alone, fed
 * with samples (time, tasks finished), so it can be checked on recorded sequences.
 *
 * The calling thread ran the batch's first tasks at `meanInlineMs` per task before it woke
 * the workers. From then on the batch's FINISHED count is sampled every RECALL_WINDOW_MS;
 * the first sample only marks the end of the workers' wake-up. Once RECALL_WINDOWS windows
 * lie behind the newest sample, the workers are recalled if, over those windows together,
 * they finished tasks less than RECALL_GAIN times as fast as the calling thread did.
 *
 * A recall is for good (the calling thread finishes the batch), so it needs a sustained,
 * clear loss, not one slow stretch: ordered batches finish tasks in bursts (a task waits
 * for its turn), and workers in their first batch run the user's code before V8 has
 * optimised it. The rule before (three 8 ms windows in a row below 0.9x) recalled 1 to 5
 * in 20 ordered first batches of ~130 µs tasks on 2 cores, which the workers, left alone,
 * finish ~1.3x faster than the calling thread.
 */

/** The workers must finish tasks at least this many times as fast as the calling thread did. */
export const RECALL_GAIN = 0.75;
/** Throughput is sampled every this many ms... */
export const RECALL_WINDOW_MS = 8;
/** ...and judged over the last this many windows together (48 ms). */
export const RECALL_WINDOWS = 6;

export class RecallWatch {
  /** Sample times (ms) and FINISHED counts, the newest RECALL_WINDOWS + 1 of them. */
  private readonly times: number[] = [];
  private readonly counts: number[] = [];

  /** @param meanInlineMs the calling thread's time per task, measured inline. */
  constructor(private readonly meanInlineMs: number) {}

  /** Records a sample; true if the workers should be recalled now. */
  sample(now: number, finished: number): boolean {
    const { times, counts } = this;
    times.push(now);
    counts.push(finished);
    if (times.length > RECALL_WINDOWS + 1) {
      times.shift();
      counts.shift();
    }
    if (times.length <= RECALL_WINDOWS) return false;
    const rate = (counts[RECALL_WINDOWS]! - counts[0]!) / (times[RECALL_WINDOWS]! - times[0]!); // tasks per ms
    return rate * this.meanInlineMs < RECALL_GAIN;
  }
}
