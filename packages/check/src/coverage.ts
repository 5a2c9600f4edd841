/**
 * Concurrency coverage: did the checked runs actually overlap? A run whose tasks never
 * conflicted was, in effect, sequential, and its being serializable proves little. From
 * each run's report the checker keeps the aborted attempts and the keys whose conflicts
 * caused them (RunRecord.aborts, .conflicts); this module adds them up and says when a
 * fuzz exercised (almost) no conflicts, and what to change.
 */
import type { RunRecord } from './run-record.js';

/** Conflict figures over a set of runs. */
export interface Coverage {
  /** Runs counted. */
  readonly runs: number;
  /** Runs that can conflict at all (not gil, gil-ordered or sequential). */
  readonly concurrentRuns: number;
  /** Runs with at least one aborted attempt (a conflict). */
  readonly conflictedRuns: number;
  /** Aborted attempts, summed. */
  readonly aborts: number;
  /** Keys that caused aborts, with counts, most first (at most MAX_KEYS). */
  readonly keys: readonly { readonly key: string; readonly count: number }[];
}

/** Keys listed in a Coverage. */
const MAX_KEYS = 8;
/** Below this share of concurrent runs with a conflict, the coverage warns. */
export const LOW_CONFLICT_SHARE = 0.05;
/** Executors that never conflict: one task at a time. */
const SERIAL_MODES: ReadonlySet<string> = new Set(['gil', 'gil-ordered', 'sequential']);

/** Adds up runs as they are checked (fuzz keeps one for the whole search). */
export class CoverageCounter {
  private runs = 0;
  private concurrentRuns = 0;
  private conflictedRuns = 0;
  private aborts = 0;
  private readonly keys = new Map<string, number>();

  /** Counts one run. */
  add(record: RunRecord): void {
    this.runs++;
    if (!SERIAL_MODES.has(record.mode)) this.concurrentRuns++;
    const aborts = record.aborts ?? 0;
    if (aborts > 0 || (record.conflicts?.length ?? 0) > 0) this.conflictedRuns++;
    this.aborts += aborts;
    for (const { key, count } of record.conflicts ?? []) this.keys.set(key, (this.keys.get(key) ?? 0) + count);
  }

  /** The figures so far. */
  get coverage(): Coverage {
    const keys = [...this.keys]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, MAX_KEYS);
    const { runs, concurrentRuns, conflictedRuns, aborts } = this;
    return { runs, concurrentRuns, conflictedRuns, aborts, keys };
  }
}

/** The coverage of some runs. */
export function coverageOf(records: readonly RunRecord[]): Coverage {
  const counter = new CoverageCounter();
  for (const record of records) counter.add(record);
  return counter.coverage;
}

/** True if the runs that could conflict (almost) never did: fewer than LOW_CONFLICT_SHARE of them. */
export function lowConflict(coverage: Coverage): boolean {
  return coverage.concurrentRuns > 0 && coverage.conflictedRuns < coverage.concurrentRuns * LOW_CONFLICT_SHARE;
}

/** One line: "12 of 200 runs actually conflicted (6%), 31 aborts (0.16 per run); keys: counter (20), accounts[1] (11)". */
export function formatCoverage(coverage: Coverage): string {
  const { runs, conflictedRuns, aborts, keys } = coverage;
  const share = runs === 0 ? 0 : Math.round((100 * conflictedRuns) / runs);
  const perRun = runs === 0 ? 0 : aborts / runs;
  const keyList = keys.length === 0 ? 'none' : keys.map((k) => `${k.key} (${k.count})`).join(', ');
  return `${conflictedRuns} of ${runs} run${runs === 1 ? '' : 's'} actually conflicted (${share}%), ${aborts} abort${aborts === 1 ? '' : 's'} (${perRun.toFixed(2)} per run); keys: ${keyList}`;
}

/** The warning for lowConflict coverage: what was seen and what to change. */
export function lowConflictAdvice(coverage: Coverage, chaos: boolean): string {
  const tips = [
    'more tasks per list (a larger minLength/maxLength in `calls`)',
    'fewer keys (so that tasks touch the same accounts or variables)',
  ];
  if (!chaos) tips.push('--chaos (option chaos: seeded pauses that stretch tasks across each other)');
  return `warning: only ${coverage.conflictedRuns} of ${coverage.concurrentRuns} concurrent runs had a conflict: the tasks barely overlapped, so "serializable" says little. Try ${tips.join('; ')}.`;
}

/**
 * The summary's lines: the coverage ("serializable under ..." when `serializable`), with
 * chaos if it was on, and the warning if it is low.
 */
export function formatCoverageLines(coverage: Coverage, chaos: boolean, serializable = false): string[] {
  const how = serializable ? 'serializable under ' : '';
  const lines = [`  concurrency${chaos ? ' (chaos on)' : ''}: ${how}${formatCoverage(coverage)}`];
  if (lowConflict(coverage)) lines.push(`  ${lowConflictAdvice(coverage, chaos)}`);
  return lines;
}

/** One run's conflicts: "3 aborts; keys: counter (2), accounts[0] (1)". */
export function formatRunConflicts(record: RunRecord): string {
  const aborts = record.aborts ?? 0;
  const keys = (record.conflicts ?? []).map((k) => `${k.key} (${k.count})`).join(', ');
  return `${aborts} abort${aborts === 1 ? '' : 's'}${keys ? `; keys: ${keys}` : ''}`;
}
