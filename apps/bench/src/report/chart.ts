/**
 * The SVG chart, drawn with Vega-Lite (compiled to Vega, rendered headless by
 * `view.toSVG()`, no browser): speed-up over plain JS per executor and variant (log
 * scale), and throughput against contention on the Block-STM peer-to-peer variants.
 * Rows that failed their state check are left out.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describeMachine } from '../machine.js';
import type { BenchReport } from './model.js';

/** Light to dark shades per executor family (more workers, darker). */
const FAMILY_SHADES: Record<string, readonly string[]> = {
  'plain JS': ['#3b3b3b'],
  SequentialQueue: ['#9c755f'],
  GilQueue: ['#ffbe7d', '#f28e2b', '#b85f00', '#7a3f00'],
  'TransactionQueue unordered': ['#a0cbe8', '#4e79a7', '#1f3f66', '#0d1f36'],
  'TransactionQueue ordered': ['#8cd17d', '#59a14f', '#2e6b26', '#173d12'],
  'locks (worker_threads)': ['#ff9d9a', '#e15759', '#a3282a', '#5e1011'],
  'Effect STM': ['#b07aa1'],
};

function palette(executors: BenchReport['executors']): string[] {
  const seen = new Map<string, number>();
  return executors.map((e) => {
    const key = e.family in FAMILY_SHADES ? e.family : 'plain JS';
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const shades = FAMILY_SHADES[key]!;
    return shades[Math.min(k, shades.length - 1)]!;
  });
}

export async function renderChart(report: BenchReport): Promise<string> {
  const ok = report.variants.flatMap((v) =>
    v.rows.filter((r) => r.state === 'ok' && Number.isFinite(r.speedup.median)).map((r) => ({ v, r })),
  );
  const executorOrder = report.executors.map((e) => e.label);
  const speedups = ok.map(({ v, r }) => ({
    variant: v.title,
    executor: r.label,
    speedup: r.speedup.median,
    min: r.speedup.min,
    max: r.speedup.max,
  }));
  const contention = ok
    .filter(({ v }) => v.contention)
    .map(({ v, r }) => ({ accounts: v.contention!.accounts, executor: r.label, throughput: r.throughput.median }));
  const color = {
    field: 'executor',
    type: 'nominal',
    sort: executorOrder,
    scale: { domain: executorOrder, range: palette(report.executors) },
    legend: { title: 'executor', labelLimit: 320 },
  } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `AME benchmarks, ${report.date.slice(0, 10)}`,
      subtitle: `${describeMachine(report.machine)}. Rows that failed their state check are not drawn.`,
    },
    config: { font: 'sans-serif' },
    vconcat: [
      {
        title: 'Speed-up over plain sequential JavaScript (median of runs; log scale; 1 = as fast as plain JS)',
        data: { values: speedups },
        width: 760,
        height: { step: 9 },
        layer: [
          {
            mark: { type: 'bar' },
            encoding: {
              y: { field: 'variant', type: 'nominal', sort: null, title: null },
              yOffset: { field: 'executor', type: 'nominal', sort: executorOrder },
              x: { field: 'speedup', type: 'quantitative', scale: { type: 'log' }, title: 'speed-up (x), bars start at 1' },
              x2: { datum: 1 },
              color,
              tooltip: [{ field: 'variant' }, { field: 'executor' }, { field: 'speedup', format: '.2f' }],
            },
          },
          { mark: { type: 'rule', color: 'black', strokeDash: [4, 3] }, encoding: { x: { datum: 1 } } },
        ],
      },
      {
        title: 'Throughput against contention: Block-STM peer-to-peer transfers (fewer accounts, more conflicts)',
        data: { values: contention },
        width: 760,
        height: 300,
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'accounts',
            type: 'quantitative',
            scale: { type: 'log', reverse: true },
            title: 'accounts (log scale, more contention to the right)',
          },
          y: { field: 'throughput', type: 'quantitative', title: 'committed transfers per second' },
          color,
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
