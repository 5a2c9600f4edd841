/**
 * DESIGN.md's performance targets, evaluated on this run's figures (ratios to plain
 * sequential JS measured in the same run, on this machine).
 */
import type { MemoryResult } from './overheads/memory.js';
import { microNs, type MicroResult } from './overheads/micro.js';
import type { Row, VariantResult } from './runner.js';

export interface Target {
  readonly workload: string;
  readonly measure: string;
  readonly target: string;
  /** The measured figure as text (with its min-max range where there is one). */
  readonly measured: string;
  readonly value: number | null;
  /** null: not measured in this run. */
  readonly met: boolean | null;
}

/** Parallel executors are judged at 2 workers: the design's 2-core machine. */
const WORKERS = 2;

function row(results: readonly VariantResult[], variant: string, executor: string): Row | undefined {
  return results.find((v) => v.id === variant)?.rows.find((r) => r.executor === executor && r.state === 'ok');
}

function ratio(results: readonly VariantResult[], variant: string, executor: string): { value: number | null; text: string } {
  const r = row(results, variant, executor);
  if (!r) return { value: null, text: 'not measured' };
  const s = r.speedup;
  return { value: s.median, text: `${s.median.toFixed(2)}x (${s.min.toFixed(2)}-${s.max.toFixed(2)})` };
}

function judge(
  workload: string,
  measure: string,
  target: string,
  m: { value: number | null; text: string },
  ok: (v: number) => boolean,
): Target {
  return { workload, measure, target, measured: m.text, value: m.value, met: m.value === null ? null : ok(m.value) };
}

export function evaluateTargets(
  results: readonly VariantResult[],
  micro: MicroResult | undefined,
  memory: MemoryResult | undefined,
): Target[] {
  const targets: Target[] = [
    judge(
      'compute-bound tasks, few conflicts',
      `TransactionQueue unordered ${WORKERS} workers / plain JS`,
      '>= 1.8x',
      ratio(results, 'compute/few-conflicts', `tq-unordered-${WORKERS}`),
      (v) => v >= 1.8,
    ),
    judge(
      'same, ordered mode',
      `TransactionQueue ordered ${WORKERS} workers / plain JS`,
      '>= 1.7x',
      ratio(results, 'compute/few-conflicts', `tq-ordered-${WORKERS}`),
      (v) => v >= 1.7,
    ),
    judge(
      'same, GIL',
      `GilQueue ${WORKERS} workers / plain JS`,
      'about 1.0x (0.85-1.15)',
      ratio(results, 'compute/few-conflicts', `gil-${WORKERS}`),
      (v) => v >= 0.85 && v <= 1.15,
    ),
    judge(
      'one hot key, all tasks conflict',
      `TransactionQueue unordered ${WORKERS} workers, tvar read-modify-write / plain JS`,
      '>= 0.8x',
      ratio(results, 'hotkey/tvar', `tq-unordered-${WORKERS}`),
      (v) => v >= 0.8,
    ),
    judge(
      'hot counter via TCounter.add',
      `TransactionQueue unordered ${WORKERS} workers / plain JS`,
      '>= 1.6x',
      ratio(results, 'hotkey/tcounter', `tq-unordered-${WORKERS}`),
      (v) => v >= 1.6,
    ),
  ];
  const tiny = row(results, 'tiny/transfer', `tq-unordered-${WORKERS}`);
  targets.push(
    judge(
      'tiny tasks (4 accesses, no compute)',
      `committed transactions per second, TransactionQueue unordered ${WORKERS} workers (add + run)`,
      '>= 1,000,000 /s',
      tiny
        ? {
            value: tiny.throughput.median,
            text: `${fmtInt(tiny.throughput.median)} /s (${fmtInt(tiny.throughput.min)}-${fmtInt(tiny.throughput.max)})`,
          }
        : { value: null, text: 'not measured' },
      (v) => v >= 1_000_000,
    ),
  );
  const ns = (prefix: string): { value: number | null; text: string } => {
    const v = micro ? microNs(micro, prefix) : undefined;
    return v === undefined ? { value: null, text: 'not measured' } : { value: v, text: `${v.toFixed(1)} ns` };
  };
  targets.push(
    judge('single-thread overhead', 'tx read (TArray.get), micro-benchmark', '<= 30 ns', ns('tx read'), (v) => v <= 30),
    judge('single-thread overhead', 'tx write (TArray.set), micro-benchmark', '<= 60 ns', ns('tx write'), (v) => v <= 60),
    judge(
      'single-thread overhead',
      'begin + commit of a 2-read 2-write tx, micro-benchmark',
      '<= 300 ns',
      ns('of which begin + commit'),
      (v) => v <= 300,
    ),
  );
  targets.push({
    workload: 'memory',
    measure: memory ? `heap bytes in use over ${fmtInt(memory.commits)} commits` : 'heap bytes in use after 10M commits',
    target: 'bounded',
    measured: memory
      ? `peak ${fmtBytes(memory.firstHalfPeak)} in the first half, ${fmtBytes(memory.secondHalfPeak)} in the second`
      : 'not measured',
    value: memory ? memory.secondHalfPeak : null,
    met: memory ? memory.bounded : null,
  });
  return targets;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}
