/** Command-line options of `npm run bench -- [options]`. */
import os from 'node:os';
import { parseArgs } from 'node:util';

export interface Options {
  /** Workload names or variant ids to run (empty: all). */
  readonly workloads: readonly string[];
  /** Executor ids or families to run besides plain JS (empty: all). */
  readonly executors: readonly string[];
  readonly quick: boolean;
  readonly reps: number;
  /** First batches of fresh queues per queue row, after ready() (then one cold); 0: none. */
  readonly firstReps: number;
  readonly workers: readonly number[];
  /** Results folder. */
  readonly out: string;
  readonly micro: boolean;
  readonly chart: boolean;
  readonly list: boolean;
  readonly help: boolean;
}

export const HELP = `Usage: npm run bench -- [options]

  --workload, -w NAME   run only this workload or variant (repeatable, or comma-separated):
                        bank, compute, hotkey, tiny, readmostly, longtx, kmeans, mapmix, wordcount, pipeline,
                        or an id such as bank/p2p-2
  --executor, -e ID     run only these executors besides plain JS (repeatable): plain, sequential,
                        gil, tq-unordered, tq-ordered, locks, effect, or with workers: tq-unordered-2
  --quick, -q           smaller task counts, 3 repetitions, shorter overhead checks (about 1 minute for one workload)
  --reps N              measured repetitions per row (default 7, quick 3); warm-up runs (3, quick 2) are extra
  --first-reps N        first batches of fresh queues per queue row (default 1; at least 3 on the
                        variants a target reads; 0: none), each after ready() and a one-task
                        warm-up batch, then one cold first batch
  --workers LIST        worker counts of parallel executors (default 1,2,<cores>)
  --out DIR             results folder (default apps/bench/results)
  --no-micro            skip the @ame/stm micro-benchmark, dispatch and memory checks
  --no-chart            skip the SVG chart
  --list                list workloads, variants and executors, then exit
  --help, -h            this text

Full runs write <out>/<date>.{json,md,svg}; quick or filtered runs write <out>/partial/.`;

export function parseOptions(argv: readonly string[], resultsDir: string): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      workload: { type: 'string', short: 'w', multiple: true },
      executor: { type: 'string', short: 'e', multiple: true },
      quick: { type: 'boolean', short: 'q', default: false },
      reps: { type: 'string' },
      'first-reps': { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      'no-micro': { type: 'boolean', default: false },
      'no-chart': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const split = (list: string[] | undefined): string[] =>
    (list ?? [])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
  const quick = values.quick === true;
  const reps = values.reps === undefined ? (quick ? 3 : 7) : Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps needs a positive integer, got ${values.reps}`);
  const firstReps = values['first-reps'] === undefined ? 1 : Number(values['first-reps']);
  if (!Number.isInteger(firstReps) || firstReps < 0)
    throw new Error(`--first-reps needs an integer >= 0, got ${values['first-reps']}`);
  const cores = os.availableParallelism();
  const workers = values.workers === undefined ? [1, 2, cores] : split([values.workers]).map(Number);
  if (workers.some((w) => !Number.isInteger(w) || w < 1 || w > 64))
    throw new Error(`--workers needs integers from 1 to 64, got ${values.workers}`);
  return {
    workloads: split(values.workload),
    executors: split(values.executor),
    quick,
    reps,
    firstReps,
    workers: [...new Set(workers)].sort((a, b) => a - b),
    out: values.out ?? resultsDir,
    micro: values['no-micro'] !== true,
    chart: values['no-chart'] !== true,
    list: values.list === true,
    help: values.help === true,
  };
}
