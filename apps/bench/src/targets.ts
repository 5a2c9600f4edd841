/**
 * Every performance target of DESIGN.md and issues 10 and 12, evaluated on this run's figures:
 * ratios to plain sequential JS measured in the same run, on this machine. Parallel
 * executors are judged at 2 workers (the design's 2-core machine). "First batch" figures
 * come from fresh queues (see runner.ts, FirstBatch); the others from the steady state.
 */
import type { DispatchRow } from './overheads/dispatch.js';
import type { MemoryResult } from './overheads/memory.js';
import { microNs, type MicroResult } from './overheads/micro.js';
import type { Row, VariantResult } from './runner.js';
import type { Spread } from './stats.js';

export interface Target {
  readonly workload: string;
  readonly measure: string;
  readonly target: string;
  /** The measured figure as text (with its min-max range where there is one). */
  readonly measured: string;
  readonly value: number | null;
  /** null: not measured in this run. */
  readonly met: boolean | null;
  /** Where the target is stated: 'DESIGN.md', 'issue 10' or 'issue 12' (older reports: absent). */
  readonly source?: string;
}

const WORKERS = 2;
const TQ = `tq-unordered-${WORKERS}`;
const ORDERED = `tq-ordered-${WORKERS}`;
const GIL = `gil-${WORKERS}`;
const LOCKS = `locks-${WORKERS}`;

/** A measured figure, or why there is none. */
interface Measured {
  readonly value: number | null;
  readonly text: string;
}

const NONE: Measured = { value: null, text: 'not measured' };
const x = (v: number): string => `${v.toFixed(2)}x`;

function row(results: readonly VariantResult[], variant: string, executor: string): Row | undefined {
  return results.find((v) => v.id === variant)?.rows.find((r) => r.executor === executor && r.state === 'ok');
}

function ratioOf(s: Spread | undefined): Measured {
  return s ? { value: s.median, text: `${x(s.median)} (${x(s.min)}-${x(s.max)})` } : NONE;
}

/** Steady-state speed-up over plain JS. */
function steady(results: readonly VariantResult[], variant: string, executor: string): Measured {
  return ratioOf(row(results, variant, executor)?.speedup);
}

/** First batch of a fresh queue: speed-up over plain JS's median. */
function first(results: readonly VariantResult[], variant: string, executor: string): Measured {
  return ratioOf(row(results, variant, executor)?.firstBatch?.speedup);
}

/** First batch of a fresh queue: committed tasks per second. */
function firstRate(results: readonly VariantResult[], variant: string, executor: string): Measured {
  const t = row(results, variant, executor)?.firstBatch?.throughput;
  return t ? { value: t.median, text: `${fmtInt(t.median)} /s (${fmtInt(t.min)}-${fmtInt(t.max)})` } : NONE;
}

/** Steady-state time of `b` / time of `a` (above 1: `a` is faster), with both speed-ups. */
function versus(results: readonly VariantResult[], variant: string, a: string, b: string): Measured {
  const ra = row(results, variant, a);
  const rb = row(results, variant, b);
  if (!ra || !rb) return NONE;
  const value = rb.timeMs.median / ra.timeMs.median;
  return { value, text: `${x(value)} (${x(ra.speedup.median)} vs ${x(rb.speedup.median)} of plain JS)` };
}

/** The lower of two ratios (both must be measured), named. */
function worst(a: Measured, an: string, b: Measured, bn: string): Measured {
  if (a.value === null || b.value === null) return NONE;
  return a.value <= b.value ? { value: a.value, text: `${an} ${a.text}` } : { value: b.value, text: `${bn} ${b.text}` };
}

function judge(
  source: string,
  workload: string,
  measure: string,
  target: string,
  m: Measured,
  ok: (v: number) => boolean,
): Target {
  return { source, workload, measure, target, measured: m.text, value: m.value, met: m.value === null ? null : ok(m.value) };
}

function notHere(source: string, workload: string, measure: string, target: string, where: string): Target {
  return { source, workload, measure, target, measured: `not measured by apps/bench (${where})`, value: null, met: null };
}

export function evaluateTargets(
  results: readonly VariantResult[],
  micro: MicroResult | undefined,
  memory: MemoryResult | undefined,
  dispatch?: readonly DispatchRow[],
): Target[] {
  const D = 'DESIGN.md';
  const I = 'issue 10';
  const I12 = 'issue 12';
  const w = `${WORKERS} workers`;
  const atLeast = (t: number) => (v: number) => v >= t;
  const atMost = (t: number) => (v: number) => v <= t;
  const k = 'kmeans/accumulate';
  const kmeansVsSeq = (executor: string): Measured => versus(results, k, executor, 'sequential');
  const ns = (prefix: string): Measured => {
    const v = micro ? microNs(micro, prefix) : undefined;
    return v === undefined ? NONE : { value: v, text: `${v.toFixed(1)} ns` };
  };
  const slowest = (ids: readonly string[]): DispatchRow | undefined =>
    (dispatch ?? [])
      .filter((r) => ids.includes(r.executor) && r.firstTaskMs !== null && r.firstTaskMs !== undefined)
      .sort((a, b) => b.firstTaskMs! - a.firstTaskMs!)[0];
  const latency = slowest([TQ, ORDERED, GIL]);
  const parallel = slowest([TQ, ORDERED, GIL].map((id) => `${id}/parallel`));
  const targets: Target[] = [
    judge(
      D,
      'compute-bound tasks (~300 µs), few conflicts',
      `TransactionQueue unordered ${w} / plain JS`,
      '>= 1.8x',
      steady(results, 'compute/few-conflicts', TQ),
      atLeast(1.8),
    ),
    judge(
      I,
      'same, steady state',
      `TransactionQueue unordered ${w} / plain JS`,
      '>= 1.9x',
      steady(results, 'compute/few-conflicts', TQ),
      atLeast(1.9),
    ),
    judge(
      D,
      'same, ordered mode',
      `TransactionQueue ordered ${w} / plain JS`,
      '>= 1.7x',
      steady(results, 'compute/few-conflicts', ORDERED),
      atLeast(1.7),
    ),
    judge(
      D,
      'same, GIL',
      `GilQueue ${w} / plain JS`,
      'about 1.0x (0.85-1.15)',
      steady(results, 'compute/few-conflicts', GIL),
      (v) => v >= 0.85 && v <= 1.15,
    ),
    judge(
      D,
      'one hot key, all tasks conflict',
      `TransactionQueue unordered ${w}, tvar read-modify-write / plain JS`,
      '>= 0.8x',
      steady(results, 'hotkey/tvar', TQ),
      atLeast(0.8),
    ),
    judge(
      D,
      'hot counter via TCounter.add',
      `TransactionQueue unordered ${w} / plain JS`,
      '>= 1.6x',
      steady(results, 'hotkey/tcounter', TQ),
      atLeast(1.6),
    ),
    judge(
      D,
      'tiny tasks (2 reads, 2 writes), fresh queue, add + run',
      `committed tx/s, TransactionQueue unordered ${w}`,
      '>= 1,000,000 /s (stretch 2M)',
      firstRate(results, 'tiny/transfer', TQ),
      atLeast(1_000_000),
    ),
    judge(
      D,
      'same',
      `committed tx/s, TransactionQueue ordered ${w}`,
      '>= 1,000,000 /s',
      firstRate(results, 'tiny/transfer', ORDERED),
      atLeast(1_000_000),
    ),
    judge(
      D,
      'same',
      'committed tx/s, SequentialQueue',
      '>= 2,000,000 /s',
      firstRate(results, 'tiny/transfer', 'sequential'),
      atLeast(2_000_000),
    ),
    judge(
      D,
      '~130 µs CPU tasks, first batch of a fresh queue',
      `TransactionQueue unordered ${w} / plain JS`,
      '>= 1.7x',
      first(results, 'compute/130us', TQ),
      atLeast(1.7),
    ),
    judge(
      D,
      'same',
      `TransactionQueue ordered ${w} / plain JS`,
      '>= 1.6x',
      first(results, 'compute/130us', ORDERED),
      atLeast(1.6),
    ),
    judge(D, 'same', `GilQueue ${w} / plain JS`, '>= 0.9x', first(results, 'compute/130us', GIL), atLeast(0.9)),
    judge(
      D,
      'bank transfers, 10k accounts, ~15 µs tasks',
      `TransactionQueue unordered ${w} vs locks ${w} (locks time / unordered time)`,
      '>= 1.0',
      versus(results, 'bank/uniform', TQ, LOCKS),
      atLeast(1.0),
    ),
    judge(
      D,
      '~20 µs transfers among 1000 accounts, first batch of a fresh queue',
      `TransactionQueue unordered ${w} / plain JS`,
      '>= 1.5x',
      first(results, 'bank/p2p20-1000', TQ),
      atLeast(1.5),
    ),
    judge(
      D,
      'same among 2 accounts',
      `TransactionQueue unordered ${w} / plain JS`,
      '>= 0.7x (no collapse)',
      first(results, 'bank/p2p20-2', TQ),
      atLeast(0.7),
    ),
    judge(
      D,
      'k-means-style: ~4 µs compute + ~50 read-modify-writes',
      `TransactionQueue unordered ${w} / plain JS`,
      '>= 1.0x',
      steady(results, k, TQ),
      atLeast(1.0),
    ),
    judge(D, 'same', `TransactionQueue ordered ${w} / plain JS`, '>= 1.0x', steady(results, k, ORDERED), atLeast(1.0)),
    judge(
      D,
      'same',
      `unordered and ordered ${w} vs SequentialQueue (its time / theirs, the lower)`,
      '>= 1.0 (never below)',
      worst(kmeansVsSeq(TQ), 'unordered', kmeansVsSeq(ORDERED), 'ordered'),
      atLeast(1.0),
    ),
    judge(
      I12,
      'map mix: ~50 µs tasks, 4 accesses to a 10,000-key map (Zipf 1, 20% read-modify-write sets)',
      `TransactionQueue unordered ${w} (TMap) / plain JS (Map)`,
      '>= 1.5x',
      steady(results, 'mapmix/zipf-1.0', TQ),
      atLeast(1.5),
    ),
    judge(D, 'single-thread overhead', 'tx read (TArray.get), micro-benchmark', '<= 30 ns', ns('tx read'), atMost(30)),
    judge(D, 'single-thread overhead', 'tx write (TArray.set), micro-benchmark', '<= 60 ns', ns('tx write'), atMost(60)),
    judge(
      D,
      'single-thread overhead',
      'begin + commit of a 2-read 2-write tx, micro-benchmark',
      '<= 250 ns',
      ns('of which begin + commit'),
      atMost(250),
    ),
    judge(
      D,
      'TMap inside a transaction',
      'TMap.get, 1024 string keys, micro-benchmark',
      '<= 80 ns',
      ns('tx TMap.get'),
      atMost(80),
    ),
    judge(D, 'same', 'TMap.set, 1024 string keys, micro-benchmark', '<= 150 ns', ns('tx TMap.set'), atMost(150)),
    notHere(D, 'ame-check fuzz, 5-20 tasks per list, both modes, 2 workers', 'checked runs per second', '>= 100', '@ame/check'),
    judge(
      I,
      'first task latency of a new queue, after ready()',
      `one empty task, add + run, worst of the ${w} queues`,
      '<= 2 ms',
      latency
        ? {
            value: latency.firstTaskMs!,
            text: `${latency.firstTaskMs!.toFixed(2)} ms (${latency.label}, policy ${latency.policy})${parallel ? `; forced 'parallel': ${parallel.firstTaskMs!.toFixed(2)} ms (${parallel.label})` : ''}`,
          }
        : NONE,
      atMost(2),
    ),
  ];
  targets.push({
    source: D,
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
