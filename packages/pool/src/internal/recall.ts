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

/**
 * What a queue remembers from one batch to the next (policy 'auto'): how fast its tasks ran
 * on the workers and, once measured, wholly on the calling thread, each over whole batches.
 * A user's steady state runs the same tasks batch after batch, and a batch of tasks that
 * lose on the workers by less than the recall needs to see, or in less time than it needs,
 * loses every time: measured on 2 cores (apps/bench, same-run medians), word count (~35 µs
 * tasks, hot map keys) 238 ms per batch on the workers against 210 ms inline; k-means-style
 * tasks (~10 µs, 50 writes into one of 8 clusters) 80 ms unordered and 122 ms ordered on the
 * workers against 55-63 ms inline, batches too short for a recall.
 *
 * The rule, per queue (times per task; the workers' is the median of their last RECENT
 * measured batches, as one batch in several is slowed by a GC or compiler thread on a core):
 * M1 Tasks whose sample (the calling thread's time per task before it hands over) differs
 *    by more than SAME_SIZE times either way from the last one start afresh (another
 *    workload); a smaller change is followed (a first batch samples cold code).
 * M2 The workers' first batch of these tasks is not measured (cold code, 1.2-1.5x slower per
 *    task), nor a batch shorter than MIN_JUDGED_MS on them; until RECENT batches are, the
 *    sample decides. Workers get faster over their first 4-6 batches of new tasks (V8 keeps
 *    compiling them; ordered map-mix batches on 2 workers ran 0.93x of plain JS when held
 *    inline after one measured batch, 1.46x when left on the workers): a batch held inline
 *    does not warm them, so holding on early evidence would keep them cold.
 * M3 Then the next batch runs inline for MEASURE_MS after its sample, to measure the calling
 *    thread (`measuring`, `inlineMeasured`); the workers take the rest of it unless the
 *    calling thread was faster by INLINE_MARGIN (then it finishes the batch, as M4 holds).
 *    The sample cannot stand in for this measure, as it runs right after the workers'
 *    batch, with the hot cells in their caches (k-means: 30-39 µs per task sampled, 12 µs
 *    over a whole batch inline). Measured over the whole batch before (2 cores, apps/bench),
 *    tasks the workers win paid one batch at the calling thread's speed: ~450 ms instead of
 *    ~250 for 1,500 tasks of ~300 µs; now MEASURE_MS with one core idle.
 * M4 If the calling thread is faster than the workers by INLINE_MARGIN, batches stay inline;
 *    the workers are tried again after `patience` batches, which doubles (up to MAX_PATIENCE)
 *    each time they lose again and drops back to MIN_PATIENCE when they win. A tried batch
 *    they win that does not yet move the median is tried again at once.
 * M5 The sample itself shortens: tasks of a size the workers have run a measured batch of
 *    (the window's time per task within SAME_SIZE of the last sample) need one window
 *    before the calling thread hands over, not the CONFIRMATIONS a queue that knows nothing
 *    waits for (code V8 has not optimised yet must not make tiny tasks look big): on 2 cores
 *    ~1 ms instead of ~4 ms of every batch with one core idle (4,000 bank transfers of ~15 µs
 *    take ~40 ms on 2 workers). Batches too short to be measured (M2) count for this once the
 *    workers have finished one before: their size is known, only not their speed (2,000
 *    transfers of ~20 µs take ~25 ms on 2 workers, and sampled 3 ms each time).
 * Only the placement of tasks changes, never their results (the policy's contract).
 */
export const SAME_SIZE = 4;
export const INLINE_MARGIN = 1.2;
export const MIN_PATIENCE = 2;
export const MAX_PATIENCE = 32;
export const RECENT = 3;
/** A batch shorter than this on the workers says nothing (their wake-up, ~1 ms each, would weigh too much). */
export const MIN_JUDGED_MS = 4 * RECALL_WINDOW_MS;
/** M3: how long the calling thread runs a batch's tasks, after its sample, to measure itself. */
export const MEASURE_MS = 2 * RECALL_WINDOW_MS;

export class PolicyMemory {
  /** The latest sample (ms per task); 0: nothing remembered. */
  private sizeMs = 0;
  /** The workers' time per task in their last RECENT measured batches, oldest first. */
  private readonly recent: number[] = [];
  /** The calling thread's time per task over a whole batch (M3); 0: not measured. */
  private inlineMs = 0;
  /** Batches held inline since the workers were last tried (M4). */
  private waited = 0;
  private patience = MIN_PATIENCE;
  /** The workers have run a batch of these tasks (M2). */
  private warm = false;
  /** M5: the workers have finished a batch, of any length. */
  private ranBefore = false;
  /** M5: the sample of the last batch the workers finished after their first (0: none). */
  private finishedMs = 0;

  /**
   * The sample finds tasks of `sampledMs` per task big enough for the workers: true if this
   * batch should stay on the calling thread instead. Gives one answer throughout a batch.
   */
  keepInline(sampledMs: number): boolean {
    if (this.sizeMs === 0) return false;
    if (!this.sameSize(sampledMs)) {
      this.forget(); // M1
      return false;
    }
    this.sizeMs = sampledMs;
    if (this.recent.length < RECENT) return false; // M2
    if (this.inlineMs === 0) return true; // M3
    return this.inlineWins() && this.waited < this.patience; // M4
  }

  /**
   * After keepInline() returned true: this batch is held to measure the calling thread
   * (M3), not because the workers lose (M4). Its caller measures MEASURE_MS of it
   * (`inlineMeasured`) and asks keepInline() again.
   */
  get measuring(): boolean {
    return this.recent.length >= RECENT && this.inlineMs === 0;
  }

  /** M3: the calling thread ran `ran` tasks in `ms` measuring itself (keepInline() may change its answer). */
  inlineMeasured(ran: number, ms: number): void {
    if (ran > 0) this.inlineMs = ms / ran;
  }

  /**
   * M5: true if the workers have run a measured batch of tasks of this size (a sample
   * window of `windowMs` per task, within SAME_SIZE of the last sample): one window of the
   * sample is then enough before handing over.
   */
  knows(windowMs: number): boolean {
    if (this.recent.length > 0) return this.sameSize(windowMs);
    return this.finishedMs !== 0 && this.sameSize(windowMs, this.finishedMs);
  }

  /** M1: tasks of `ms` per task are the size of the last sample (or `of`), within SAME_SIZE either way. */
  private sameSize(ms: number, of = this.sizeMs): boolean {
    return ms <= of * SAME_SIZE && ms * SAME_SIZE >= of;
  }

  /** A batch that keepInline() held on the calling thread ran `ran` tasks in `ms`. */
  inlineRan(ran: number, ms: number): void {
    if (ran === 0) return;
    this.inlineMs = ms / ran; // the calling thread's time varies little: the latest batch
    if (this.inlineWins()) this.waited++;
  }

  /**
   * A batch went to the workers after a sample of `sampledMs` per task; they finished
   * `finished` tasks in `ms`, and were recalled if `recalled`.
   */
  workersRan(sampledMs: number, finished: number, ms: number, recalled: boolean): void {
    if (finished === 0) return;
    if (this.ranBefore && !recalled) this.finishedMs = sampledMs; // M5
    this.ranBefore = true;
    if (ms < MIN_JUDGED_MS && !recalled) return;
    if (!this.warm) {
      this.warm = true; // M2 (its sample is cold too: up to 5x slower per task, not remembered)
      return;
    }
    this.sizeMs = sampledMs;
    const tried = this.inlineMs !== 0 && this.inlineWins();
    const perTask = ms / finished;
    this.recent.push(perTask);
    if (this.recent.length > RECENT) this.recent.shift();
    if (!tried) return;
    if (!this.inlineWins()) {
      this.waited = 0;
      this.patience = MIN_PATIENCE;
    } else if (this.inlineMs * INLINE_MARGIN < perTask) {
      this.waited = 0;
      this.patience = Math.min(this.patience * 2, MAX_PATIENCE);
    } // else this batch won but the median of the recent ones did not yet: the next batch tries them again
  }

  /** The workers' time per task: the median of the recent batches (the mean of two). */
  private workersMs(): number {
    const sorted = [...this.recent].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }

  private inlineWins(): boolean {
    return this.recent.length > 0 && this.inlineMs * INLINE_MARGIN < this.workersMs();
  }

  private forget(): void {
    this.sizeMs = this.inlineMs = this.waited = this.finishedMs = 0;
    this.ranBefore = false;
    this.recent.length = 0;
    this.patience = MIN_PATIENCE;
    this.warm = false;
  }
}
