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
 * A recall is for good (the calling thread finishes the batch), so it needs a sustained
 * loss, not one slow stretch: ordered batches finish tasks in bursts (a task waits for its
 * turn), and workers in their first batch run the user's code before V8 has optimised it,
 * at ~0.85x of the calling thread for their first ~60 ms. Measured on 2 cores (ordered
 * first batches of 1,500 ~130 µs tasks, 20 fresh queues per rule; word count from
 * apps/bench, whose workers lose to conflicts for the whole batch):
 *   three 8 ms windows in a row below 0.9x (the rule before): 1 to 5 of 20 first batches
 *     recalled, each then ~1.5x slower than left on the workers;
 *   48 ms below 0.75x: none recalled, but word count kept on the workers at 0.64x of plain
 *     JS where a recall gives 0.77x;
 *   96 ms below 0.9x (this rule): none recalled; word count recalled (0.77x).
 */

/** The workers must finish tasks at least this many times as fast as the calling thread did. */
export const RECALL_GAIN = 0.9;
/** Throughput is sampled every this many ms... */
export const RECALL_WINDOW_MS = 8;
/** ...and judged over the last this many windows together (96 ms). */
export const RECALL_WINDOWS = 12;

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
