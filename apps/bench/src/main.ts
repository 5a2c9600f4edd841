/**
 * `npm run bench`: every workload with every executor in one run, checked against plain
 * sequential JavaScript; a table per variant, the DESIGN.md targets, and JSON, Markdown
 * and SVG files in apps/bench/results/. Exits 1 if any executor's state check failed.
 */
import { fileURLToPath } from 'node:url';
import { HELP, parseOptions } from './cli.js';
import { describeMachine, machine } from './machine.js';
import { dispatchExecutors, measureDispatch, type DispatchRow } from './overheads/dispatch.js';
import { measureMemory, type MemoryResult } from './overheads/memory.js';
import { runMicro, type MicroResult } from './overheads/micro.js';
import { listing, selectExecutors, selectVariants } from './plan.js';
import { type Progress, progress } from '@ame/check/terminal';
import { writeReport } from './report/files.js';
import type { BenchReport } from './report/model.js';
import { dispatchTable, microTable, targetsTable, variantTable } from './report/table.js';
import { firstRepsOf, runPlan, type VariantResult } from './runner.js';
import { evaluateTargets } from './targets.js';
import { workloads } from './workloads/index.js';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), RESULTS);
  if (options.help || options.list) {
    console.log(options.help ? HELP : listing(options));
    return 0;
  }
  const variants = selectVariants(options);
  const executors = selectExecutors(options);
  const warmups = options.quick ? 2 : 3;
  const started = new Date();
  const m = machine();
  console.log(`AME benchmarks: ${describeMachine(m)}`);
  console.log(
    `${variants.length} variants x ${executors.length} executors, ${options.reps} measured runs each after ${warmups} warm-up run(s)${options.quick ? ' (quick)' : ''}\n`,
  );

  const dispatchTasks = options.quick ? 5000 : 20_000;
  const memoryCommits = options.quick ? 1_000_000 : 10_000_000;
  const overheadSteps = options.micro ? 1 + dispatchExecutors().length + 10 : 0;
  const queues = executors.filter((e) => e.firstBatch).length;
  const firstSteps = variants.reduce((n, v) => {
    const reps = firstRepsOf(options, v);
    return n + (reps > 0 ? queues * (reps + 1) : 0);
  }, 0);
  const bar = steps(variants.length * executors.length * (options.reps + warmups) + firstSteps + overheadSteps);

  let micro: MicroResult | undefined;
  let dispatch: DispatchRow[] | undefined;
  let memory: MemoryResult | undefined;
  if (options.micro) {
    bar.step('@ame/stm micro-benchmark (own process)');
    micro = await runMicro();
    bar.log(`${micro.header}\n\n${microTable(micro)}\n`);
    dispatch = await measureDispatch(dispatchTasks, options.reps, (label) => bar.step(label));
    bar.log(`Per-task overhead (empty tasks):\n\n${dispatchTable(dispatch)}\n`);
    memory = await measureMemory(memoryCommits, (label) => bar.step(label));
    bar.log(
      `Memory: ${memory.commits.toLocaleString('en-US')} commits, heap ${memory.bounded ? 'bounded' : 'GREW'} (peak ${memory.firstHalfPeak} B in the first half, ${memory.secondHalfPeak} B in the second)\n`,
    );
  }

  const results: VariantResult[] = await runPlan({
    variants,
    executors,
    reps: options.reps,
    warmups,
    firstReps: options.firstReps,
    timeoutMs: options.quick ? 60_000 : 180_000,
    onStep: (label) => bar.step(label),
    onVariant: (v) => bar.log(`${variantTable(v)}\n`),
  });
  bar.stop();

  const targets = evaluateTargets(results, micro, memory, dispatch);
  console.log(
    `DESIGN.md, issue 10 and issue 12 targets (2 workers, ratios to plain JS in this run; first batch: fresh queues):\n\n${targetsTable(targets)}\n`,
  );
  const failures = results.flatMap((v) => v.rows.filter((r) => r.state !== 'ok').map((r) => `${v.id} · ${r.label}: ${r.state}`));
  const report: BenchReport = {
    date: started.toISOString(),
    machine: m,
    options: {
      quick: options.quick,
      reps: options.reps,
      firstReps: options.firstReps,
      warmups,
      workers: options.workers,
      workloads: options.workloads,
      executors: options.executors,
    },
    durationSeconds: (Date.now() - started.getTime()) / 1000,
    workloads: workloads.map((w) => ({ name: w.name, description: w.description })),
    executors: executors.map((e) => ({ id: e.id, family: e.family, label: e.label, about: e.about, check: e.check })),
    variants: results,
    ...(micro ? { micro } : {}),
    ...(dispatch ? { dispatch } : {}),
    ...(memory ? { memory } : {}),
    targets,
    failures,
  };
  const partial = options.quick || options.workloads.length > 0 || options.executors.length > 0;
  const tag = [options.quick ? 'quick' : '', ...options.workloads, ...options.executors]
    .filter(Boolean)
    .join('-')
    .replace(/[^\w.-]+/g, '-');
  const written = await writeReport(report, options.out, options.chart, partial ? tag || 'partial' : undefined);
  console.log(`Wrote ${written.json}\n      ${written.md}${written.svg ? `\n      ${written.svg}` : ''}`);
  console.log(`${report.durationSeconds.toFixed(0)} s in all.`);
  if (failures.length) {
    console.error(`\n${failures.length} row(s) FAILED their state check:\n${failures.map((f) => `  ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);

/**
 * One progress bar over every run of the plan (warm-ups included), showing what runs now;
 * `step(label)` advances it. Without a terminal (CI, pipes, turbo), only the tables are printed.
 */
function steps(total: number): Progress & { step(label: string): void } {
  const bar = progress({
    format: ' {bar} {percentage}% | {value}/{total} runs | ETA {eta_formatted} | {label}',
    total,
    payload: { label: 'starting' },
    stream: process.stdout.isTTY ? process.stderr : process.stdout, // no bar when stdout is piped
  });
  let done = -1;
  return Object.assign(bar, {
    step(label: string) {
      done++;
      bar.update(Math.min(done, total), { label: label.length > 70 ? `${label.slice(0, 67)}...` : label });
    },
  });
}
