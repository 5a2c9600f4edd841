/**
 * `npm start`: a day of a shop's orders (tasks.ts) run by each executor on a fresh heap,
 * then one table: time, speed-up, commits, aborts, hot keys, and whether the outcome is
 * the sequential one.
 */
import os from 'node:os';
import { GilQueue, SequentialQueue } from '@ame/gil';
import { markdownTable, progress } from '@ame/check/terminal';
import { Heap } from '@ame/stm';
import { TransactionQueue, taskModule, type RunReport, type TaskContext } from '@ame/transaction';
import { placeOrder } from './tasks.js';
import { difference, replay, type Outcome } from './verdict.js';
import { HOT_PRODUCTS, PRODUCTS, brokenInvariants, orders, restockCall, setup } from './workload.js';

const ORDERS = 4_000;
const WARM_UP = 200;
const workers = os.availableParallelism();
const tasks = taskModule<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
const day = orders(ORDERS);

interface Executor {
  readonly name: string;
  readonly about: string;
  readonly ordered: boolean;
  queue(heap: Heap): SequentialQueue | GilQueue | TransactionQueue;
}

const executors: Executor[] = [
  {
    name: 'sequential',
    about: 'SequentialQueue: main thread, one task after another in add order (the reference)',
    ordered: true,
    queue: (heap) => new SequentialQueue({ heap }),
  },
  {
    name: 'GIL',
    about: `GilQueue: ${workers} workers, one global lock around each task (threads, no parallelism)`,
    ordered: false,
    queue: (heap) => new GilQueue({ heap, workers }),
  },
  {
    name: 'STM unordered',
    about: `TransactionQueue: ${workers} workers, tasks as transactions, conflicts re-run, commit when done`,
    ordered: false,
    queue: (heap) => new TransactionQueue({ heap, workers }),
  },
  {
    name: 'STM ordered',
    about: `TransactionQueue ordered: ${workers} workers, parallel execution, commits in add order`,
    ordered: true,
    queue: (heap) => new TransactionQueue({ heap, workers, ordered: true }),
  },
];

interface Run extends Outcome {
  readonly report: RunReport;
}

/** Runs the day's orders with `executor` on a fresh heap; closes its queue. */
async function run(executor: Executor): Promise<Run> {
  const heap = Heap.create();
  setup(heap);
  const queue = executor.queue(heap);
  const label = executor.name.padEnd(14);
  const bar = progress({ format: `  ${label} {bar} {value}/{total} tasks`, stream: process.stdout, keep: true });
  let done = { finished: 0, total: 0 };
  try {
    // Workers started with the queue; wait until they are warm, then a warm-up batch
    // (module import, JIT of the tasks): read-only quotes, state unchanged.
    await queue.ready();
    for (const order of day.slice(0, WARM_UP)) queue.add(tasks.quote, ...order);
    await queue.run();
    for (const order of day) queue.add(tasks.placeOrder, ...order);
    const report = await queue.run({
      onProgress: (p) => {
        done = p;
        bar.setTotal(p.total);
        bar.update(p.finished);
      },
    });
    done = { finished: report.tasks, total: report.tasks };
    bar.update(report.tasks);
    return { report, results: report.results, state: heap.snapshot() };
  } finally {
    bar.stop();
    if (!bar.interactive) console.log(`  ${label} ${done.finished}/${done.total} tasks done`); // a log: one line per run
    await queue.close();
  }
}

/** 'yes (exact)' if `run` equals the sequential run, else whether it equals a replay of its commit order. */
function verdict(run: Run, reference: Run, ordered: boolean): string {
  const broken = brokenInvariants(run.state, run.report, ORDERS);
  if (broken.length > 0) return `NO, broken: ${broken.join('; ')}`;
  if (run === reference) return 'reference';
  const exact = difference(run, reference);
  if (exact === undefined) return 'yes (exact)';
  if (ordered) return `NO: ${exact}`;
  const heap = Heap.create();
  setup(heap);
  const roots = day.map((order) => (ctx: TaskContext) => placeOrder(ctx, ...order));
  const results = replay(heap, roots, { commitOrder: run.report.commitOrder, results: run.results }, restockCall);
  const replayed = difference(run, { results, state: heap.snapshot() });
  return replayed === undefined ? 'yes (in commit order)' : `NO, vs its commit order: ${replayed}`;
}

console.log(`AME demo: a shop prices and fills ${ORDERS.toLocaleString('en-US')} orders (~0.3 ms of computation each) over`);
console.log(
  `${PRODUCTS} products in shared memory; ${HOT_PRODUCTS} best-sellers get 30% of the orders (hot keys), low stock adds restock child tasks.`,
);
console.log(
  `Machine: ${workers} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${process.platform}-${process.arch}\n`,
);
for (const e of executors) console.log(`  ${e.name.padEnd(14)} ${e.about}`);
console.log('');

const runs: Run[] = [];
for (const executor of executors) runs.push(await run(executor));
const reference = runs[0]!;
const rows = executors.map((executor, i) => {
  const { report } = runs[i]!;
  const hot = report.conflicts.slice(0, 3).map((c) => `${c.key} (${c.count})`);
  return [
    executor.name,
    Math.round(report.durationMs).toLocaleString('en-US'),
    `${(reference.report.durationMs / report.durationMs).toFixed(2)}x`,
    report.commits.toLocaleString('en-US'),
    report.aborts.toLocaleString('en-US'),
    hot.join(', ') || '-',
    verdict(runs[i]!, reference, executor.ordered),
  ];
});
const header = ['executor', 'time (ms)', 'speed-up', 'commits', 'aborts', 'top conflict keys', 'same result as sequential'];
console.log(`\n${markdownTable(header, rows)}\n`);
console.log('speed-up: sequential time / this time. yes (exact): same heap and results as sequential.');
console.log("yes (in commit order): same heap and results as a sequential replay of the run's commit order,");
console.log("and the shop's invariants hold (units on shelf + sold = initial + restocked, revenue = sum of sales ...).");
