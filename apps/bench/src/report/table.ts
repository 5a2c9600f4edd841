/** Tables for the terminal and for Markdown (the same aligned pipe tables serve both). */
import { markdownTable as table } from '@ame/check/terminal';
import type { DispatchRow } from '../overheads/dispatch.js';
import type { MicroResult } from '../overheads/micro.js';
import type { Row, VariantResult } from '../runner.js';
import { fmtBytes, fmtInt, type Target } from '../targets.js';

/** Aligned Markdown tables: the helper the ame-check CLI and the demo use too. */
export { markdownTable as table } from '@ame/check/terminal';

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** 'state ok' or 'FAIL: ...' as the table shows it. */
export function stateCell(row: Row): string {
  return row.state === 'ok' ? 'state ok' : `FAIL: ${row.state}`;
}

export function rowCells(row: Row): string[] {
  const t = row.timeMs;
  return [
    row.label,
    Number.isNaN(t.median) ? '-' : `${ms(t.median)} (${ms(t.min)}-${ms(t.max)})`,
    Number.isNaN(row.throughput.median) ? '-' : `${fmtInt(row.throughput.median)}/s`,
    Number.isNaN(row.speedup.median) ? '-' : `${row.speedup.median.toFixed(2)}x`,
    row.abortsPerCommit === null ? '-' : row.abortsPerCommit.toFixed(3),
    row.sharedBytes === null ? '-' : fmtBytes(row.sharedBytes),
    `${(row.rssBytes / 2 ** 20).toFixed(0)} MiB`,
    stateCell(row),
  ];
}

export const ROW_HEADER = [
  'executor',
  'time ms, median (min-max)',
  'throughput',
  'speed-up',
  'aborts/commit',
  'heap',
  'RSS',
  'state',
];

/** A variant's heading line and its table (the queue columns after the speed-up). */
export function variantTable(v: VariantResult): string {
  return `${v.id}: ${v.description}\n\n${table(
    withQueueColumns(ROW_HEADER, QUEUE_HEADER),
    v.rows.map((r) => withQueueColumns(rowCells(r), queueCells(r))),
  )}`;
}

export function targetsTable(targets: readonly Target[]): string {
  return table(
    ['workload', 'measure', 'target', 'measured', 'met?', 'from'],
    targets.map((t) => [
      t.workload,
      t.measure,
      t.target,
      t.measured,
      t.met === null ? 'not measured' : t.met ? 'met' : '**not met**',
      t.source ?? 'DESIGN.md',
    ]),
  );
}

export function microTable(micro: MicroResult): string {
  if (!micro.ok) return `micro-benchmark not run: ${micro.header}`;
  return table(
    ['operation', 'ns/op', 'target'],
    micro.rows.map((r) => [r.operation, r.ns.toFixed(1), r.target === undefined ? '' : `<= ${r.target}`]),
  );
}

export function dispatchTable(rows: readonly DispatchRow[]): string {
  const ns = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : fmtInt(v));
  return table(
    ['executor', 'empty tasks', 'ns/task (add + run)', 'add ns/task', 'run ns/task', 'policy', 'first task ms (new queue)'],
    rows.map((r) => [
      r.label,
      fmtInt(r.tasks),
      ns(r.nsPerTask ?? (r.usPerTask ?? NaN) * 1000),
      ns(r.addNsPerTask === undefined ? (r.addUsPerTask ?? NaN) * 1000 : r.addNsPerTask),
      ns(r.runNsPerTask ?? (r.runUsPerTask ?? NaN) * 1000),
      r.policy ?? '-',
      r.firstTaskMs === null || r.firstTaskMs === undefined ? '-' : ms(r.firstTaskMs),
    ]),
  );
}

/** Queue columns: the first batch of a fresh queue (ratio to plain JS), the cold first batch, the policy. */
export const QUEUE_HEADER = ['first batch (fresh queue)', 'cold first', 'policy'];

const x = (v: number): string => `${v.toFixed(2)}x`;

/** How a queue's batches ran: `parallel (12 inline)`, `inline`; the first batch's if it differs. */
export function policyCell(row: Row): string {
  if (!row.policy) return '-';
  const say = (policy: string, inline: number): string =>
    policy === 'inline' ? 'inline' : `${policy} (${fmtInt(inline)} inline)`;
  const steady = say(row.policy, row.inlineTasks ?? 0);
  const f = row.firstBatch;
  if (!f) return steady;
  const first = say(f.policy, f.inlineTasks);
  return first === steady ? steady : `${steady}; first: ${first}`;
}

export function queueCells(row: Row): string[] {
  const f = row.firstBatch;
  return [
    f ? `${x(f.speedup.median)} (${x(f.speedup.min)}-${x(f.speedup.max)})` : '-',
    f?.cold ? x(f.cold.speedup) : '-',
    policyCell(row),
  ];
}

/** `cells` with `extra` inserted after the speed-up column (the fourth). */
export function withQueueColumns<T>(cells: readonly T[], extra: readonly T[]): T[] {
  return [...cells.slice(0, 4), ...extra, ...cells.slice(4)];
}
