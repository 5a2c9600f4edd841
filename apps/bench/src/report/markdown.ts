/** The Markdown summary written next to the JSON and SVG of a run. */
import { describeMachine } from '../machine.js';
import { fmtBytes, fmtInt } from '../targets.js';
import type { BenchReport } from './model.js';
import { dispatchTable, microTable, table, targetsTable, variantTable } from './table.js';

export function markdown(report: BenchReport, files: { svg?: string; json: string }): string {
  const out: string[] = [];
  const o = report.options;
  out.push(`# AME benchmarks, ${report.date.slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(`Machine: ${describeMachine(report.machine)}.`);
  out.push(
    `Run: \`npm run bench${o.quick ? ' -- --quick' : ''}\`${o.workloads.length ? ` (workloads: ${o.workloads.join(', ')})` : ''}; ` +
      `${o.reps} measured repetitions per row after ${o.warmups} warm-up run(s); workers ${o.workers.join(', ')}; ${report.durationSeconds.toFixed(0)} s in all.`,
  );
  out.push(`Raw figures: [${files.json}](${files.json})${files.svg ? `; chart: [${files.svg}](${files.svg})` : ''}.`);
  out.push('');
  if (report.failures.length) {
    out.push(`**${report.failures.length} row(s) FAILED their state check:**`);
    out.push('');
    for (const f of report.failures) out.push(`- ${f}`);
    out.push('');
  }
  if (files.svg) out.push(`![speed-up and contention chart](${files.svg})`, '');
  out.push('## Performance targets (DESIGN.md, issues 10 and 12)', '');
  out.push(
    'Ratios are medians over the repetitions (min-max in brackets), against plain sequential JavaScript measured in the same run; "first batch" figures come from fresh queues (after `await queue.ready()` and a one-task warm-up batch).',
    '',
  );
  out.push(targetsTable(report.targets), '');
  if (report.micro)
    out.push(
      '## @ame/stm micro-benchmark (one thread)',
      '',
      `\`packages/stm/bench/micro.mjs\`, run in its own process (${report.micro.header.replace(/^@ame\/stm micro-benchmark:\s*/, '')}).`,
      '',
      microTable(report.micro),
      '',
    );
  if (report.dispatch)
    out.push(
      '## Per-task overhead',
      '',
      "Empty tasks through each executor: what a task costs besides its own work, ns per task, adding and running apart; the policy each queue chose (pooled queues also with policy 'parallel' forced: the worker path); first task: one empty task on a new queue after `await queue.ready()`.",
      '',
      dispatchTable(report.dispatch),
      '',
    );
  if (report.memory) {
    const m = report.memory;
    out.push('## Memory over many commits', '');
    out.push(
      `${fmtInt(m.commits)} small update transactions on one heap (main thread, ${m.seconds.toFixed(1)} s): ${m.bounded ? 'bounded' : '**grew**'}.`,
      '',
    );
    out.push(
      table(
        ['commits', 'heap bytes used', 'live versions'],
        m.samples.map(([c, b, l]) => [fmtInt(c), fmtBytes(b), fmtInt(l)]),
      ),
      '',
    );
  }
  out.push('## Workloads', '');
  out.push(
    'time: wall time of one run as a user pays it (adding the tasks included, state set-up excluded); throughput: committed tasks per second; ' +
      'speed-up: plain JS median time / this median time; heap: STM heap bytes in use (the lock buffer for locks); RSS: whole process, all threads, after the runs; ' +
      'state: the final state and results checked against plain JS (see the README).',
    '',
  );
  let workload = '';
  for (const v of report.variants) {
    if (v.workload !== workload) {
      workload = v.workload;
      const w = report.workloads.find((x) => x.name === workload);
      out.push(`### ${workload}`, '', w ? `${w.description}.` : '', '');
    }
    out.push(`#### ${variantTable(v)}`, '');
  }
  out.push('## Executors', '');
  out.push(
    table(
      ['executor', 'what it is', 'state check'],
      report.executors.map((e) => [e.label, e.about, e.check]),
    ),
    '',
  );
  return out.join('\n');
}
