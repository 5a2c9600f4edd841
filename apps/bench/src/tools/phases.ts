/**
 * Splits TransactionQueue runs of one variant into phases, per task: adding (main
 * thread, encoding calls), executing (workers, until their outputs reached the main
 * thread: the last onProgress call), and building the report. For profiling notes.
 *
 * Usage: node dist/tools/phases.js [variant id, default tiny/transfer] [workers, default 2] [runs, default 5]
 */
import { Heap } from '@ame/stm';
import { TransactionQueue, taskRef } from '@ame/transaction';
import { workloads } from '../workloads/index.js';

async function main(): Promise<void> {
  const [id = 'tiny/transfer', workersArg = '2', runsArg = '5'] = process.argv.slice(2);
  const variant = workloads.flatMap((w) => w.variants(false)).find((v) => v.id === id);
  if (!variant) throw new Error(`unknown variant ${id}`);
  const heap = Heap.create({ initialBytes: 16 << 20 });
  for (const o of variant.state) {
    if (o.kind === 'array') heap.tarray(o.name, o.length, 'f64');
    else if (o.kind === 'tvar') heap.tvar<number>(o.name, o.initial);
    else if (o.kind === 'map') heap.tmap<string, number>(o.name);
    else if (o.kind === 'queue') heap.tqueue<number>(o.name);
    else heap.tcounter(o.name, o.initial);
  }
  const tasks = new URL('../tasks.js', import.meta.url);
  const calls = variant.ops.map((op) => [taskRef(tasks, op[0]), op.slice(1)] as const);
  const n = calls.length;
  const queue = new TransactionQueue({ heap, workers: Number(workersArg) });
  const us = (ms: number): string => `${((ms * 1000) / n).toFixed(2)} µs`;
  console.log(`${id}, ${n} tasks, ${workersArg} workers (state not reset between runs; first run is a warm-up)`);
  for (let run = 0; run < Number(runsArg); run++) {
    const t0 = performance.now();
    for (const [ref, args] of calls) queue.add(ref, ...args);
    const t1 = performance.now();
    let executed = t1;
    await queue.run({ onProgress: () => void (executed = performance.now()) });
    const t2 = performance.now();
    console.log(
      `run ${run}: add ${us(t1 - t0)}, execute ${us(executed - t1)}, report ${us(t2 - executed)}, ` +
        `total ${us(t2 - t0)} per task = ${Math.round((n / (t2 - t0)) * 1000).toLocaleString('en-US')} tasks/s`,
    );
  }
  await queue.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
