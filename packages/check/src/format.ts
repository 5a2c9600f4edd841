/**
 * Human-readable reports: what the CLI prints and what NotSerializableError says.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCoverageLines, formatRunConflicts } from './coverage.js';
import { MODE_NAMES } from './executors.js';
import type { CallsVerdict, FuzzResult, ReplayResult } from './results.js';
import { showCall } from './internal/show.js';
import type { Verdict } from './verdict.js';
import type { Call } from './workload.js';

/** A verdict on one run, several lines, indented by `indent`. */
export function formatVerdict(verdict: Verdict, indent = ''): string {
  const lines: string[] = [];
  const r = verdict.record;
  const head = `mode ${verdict.mode}${r.backend === 'pg' ? ' on pg' : ''} (${r.workers} worker${r.workers === 1 ? '' : 's'}, queue seed ${r.seed}): ${verdictWords(verdict)}`;
  lines.push(head);
  if (r.aborts !== undefined) lines.push(`  concurrency: ${formatRunConflicts(r)}`);
  if (verdict.differences.length > 0) {
    const how = verdict.ordered
      ? 'against SequentialQueue in add order'
      : `against a sequential replay in the run's serial order [${r.serialOrder.join(', ')}]${verdict.replay === 'top-level-only' ? ' (top-level tasks only)' : ''}`;
    lines.push(`  sequential equivalence, ${how}:`);
    for (const d of verdict.differences) lines.push(`    - ${d.message}`);
  } else if (!verdict.ok) {
    lines.push(`  sequential equivalence: equal (${verdict.replay} replay)`);
  }
  if (verdict.anomaly) lines.push(`  dependency graph: ${verdict.anomaly.message}`);
  else if (verdict.graph === 'unavailable') lines.push(`  dependency graph: not checked (${noHistory(r.backend)})`);
  else if (!verdict.ok) lines.push('  dependency graph: acyclic');
  return lines.map((l) => indent + l).join('\n');
}

/** The verdict in words: whose fault a failure is. */
function verdictWords(verdict: Verdict): string {
  if (verdict.ok) return 'serializable';
  if (verdict.problem === 'invariant')
    return "serializable, but the tasks break the workload's invariant in sequential execution too (the workload's bug, not the executor's)";
  const against = verdict.ordered ? 'SequentialQueue in add order' : "a sequential run in the run's own serial order";
  if (verdict.differences.length === 0) return 'NOT serializable: no sequential order explains its history (a dependency cycle)';
  const cycle = verdict.anomaly ? ', and no sequential order explains its history (a dependency cycle)' : '';
  return `NOT serializable: the parallel run differs from ${against}${cycle}`;
}

function noHistory(backend: string | undefined): string {
  return `the ${backend === 'pg' ? 'pg queue' : 'executor'} recorded no read/write history`;
}

/** A task list as numbered lines. */
export function formatCalls(calls: readonly Call[], indent = ''): string {
  return calls.map(([task, ...args], i) => `${indent}${String(i).padStart(3)}  ${showCall(task, args)}`).join('\n');
}

/** The outcome of checkCalls. */
export function formatCallsVerdict(verdict: CallsVerdict): string {
  const lines: string[] = [];
  if (verdict.nondeterministic) {
    lines.push(`the workload is not deterministic: ${verdict.nondeterministic.message}`);
  } else {
    const executorFault = verdict.verdicts.some((v) => v.problem === 'not-serializable');
    lines.push(
      verdict.ok
        ? 'serializable'
        : executorFault
          ? 'not serializable'
          : "the tasks break the workload's invariant in sequential execution too (not an executor bug)",
    );
  }
  lines.push(`calls (queue seed ${verdict.seed}):`, formatCalls(verdict.calls, '  '));
  for (const v of verdict.verdicts) if (!v.ok || verdict.ok) lines.push(formatVerdict(v, '  '));
  return lines.join('\n');
}

/** The summary fuzz() prints. */
export function formatFuzzResult(result: FuzzResult): string {
  const name = displayPath(result.workload);
  const modes = `${result.modes.join(', ')}; ${result.workers} worker${result.workers === 1 ? '' : 's'}`;
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (result.ok) {
    return [
      `ame-check: ${name} is serializable`,
      `  ${result.runs} task lists x ${result.modes.length} modes (${modes}): ${result.runs * result.modes.length} runs checked in ${seconds} s`,
      `  seed ${result.seed} (same lists again: --seed ${result.seed} --runs ${result.runs}${backendFlag(result)})`,
      ...(result.backend === 'pg'
        ? [
            '  backend pg (PostgreSQL via @ame/pg): results, errors, children and final heaps equal sequential execution; dependency graphs acyclic',
          ]
        : []),
      ...formatCoverageLines(result.coverage, result.chaos, true),
    ].join('\n');
  }
  const c = result.counterexample!;
  const lines: string[] = [];
  if (result.status === 'nondeterministic') {
    lines.push(`ame-check: ${name} is not deterministic, so it cannot be checked`, `  ${c.verdict.nondeterministic!.message}`);
  } else if (result.status === 'invariant') {
    lines.push(
      `ame-check: ${name} breaks its own invariant when its tasks run one after another too, after ${result.runs} task lists (${seconds} s)`,
      '  the parallel run equals sequential execution; the tasks or the invariant are wrong, not the executor',
    );
  } else {
    lines.push(`ame-check: counterexample in mode ${c.failing?.mode ?? '?'} after ${result.runs} task lists (${seconds} s)`);
  }
  lines.push(`  seed ${result.seed}, path ${JSON.stringify(c.path)}`);
  lines.push(...formatCoverageLines(result.coverage, result.chaos));
  lines.push(
    `  shrunk (${c.shrinks} steps) to ${c.calls.length} call${c.calls.length === 1 ? '' : 's'}, queue seed ${c.queueSeed}:`,
  );
  lines.push(formatCalls(c.calls, '    '));
  if (c.failing) lines.push(formatVerdict(c.failing, '  '));
  if (c.replayFile) lines.push(`  replay file: ${c.replayFile}`, `  replay it:   ame-check replay ${displayPath(c.replayFile)}`);
  if (result.modes.every((m) => (MODE_NAMES as readonly string[]).includes(m))) {
    lines.push(
      `  search again: ame-check fuzz ${name} --seed ${result.seed} --path ${JSON.stringify(c.path)} --modes ${result.modes.join(',')}${backendFlag(result)}`,
    );
  } else {
    lines.push(`  search again: fuzz({ workload, seed: ${result.seed}, path: ${JSON.stringify(c.path)}, modes })`);
  }
  return lines.join('\n');
}

function backendFlag(result: FuzzResult): string {
  return result.backend === 'pg' ? ' --backend pg' : '';
}

/** The outcome of replaying a failure file. */
export function formatReplayResult(result: ReplayResult): string {
  const lines = [`ame-check: replay of ${displayPath(result.file)} (workload ${displayPath(result.data.workload)})`];
  lines.push(
    `  recorded run: mode ${result.data.record.mode}, ${result.data.record.calls.length} calls, ${result.data.record.taskCount} tasks`,
  );
  lines.push(formatCalls(result.data.record.calls, '    '));
  lines.push(formatVerdict(result.verdict, '  '));
  if (!result.reproduced)
    lines.push('  the recorded run now passes its checks: the workload or the checker changed since it was recorded');
  else
    lines.push(
      result.same
        ? '  reproduced: the same difference as recorded'
        : '  reproduced, with a different first difference than recorded',
    );
  return lines.join('\n');
}

/** A file URL or path, relative to the working directory when shorter. */
export function displayPath(urlOrPath: string): string {
  let path = urlOrPath;
  if (urlOrPath.startsWith('file:')) path = fileURLToPath(urlOrPath);
  const rel = relative(process.cwd(), path);
  return rel.length < path.length && !rel.startsWith('..') ? rel : path;
}
