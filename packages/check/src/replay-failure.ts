/**
 * Replaying a recorded failure: the recorded run is checked again, deterministically, on
 * the main thread: sequential execution in the recorded serial order (ordered runs: add
 * order) against the recorded results and heap, and the recorded history's graph. The
 * executor that failed is not needed (it may have been a test-only one).
 */
import { resolve } from 'node:path';
import type { Difference } from './compare.js';
import { readReplayFile } from './replay-file.js';
import type { ReplayResult } from './results.js';
import type { RunRecord } from './run-record.js';
import { checkRecord } from './verdict.js';
import { loadWorkload, type WorkloadSource } from './workload.js';

/** Options of replayFailure. */
export interface ReplayFailureOptions {
  /** Load the workload from here instead of the URL recorded in the file (it moved). */
  workload?: WorkloadSource;
}

/**
 * The record with its task modules moved along with the workload: the workload's own URL
 * becomes the new one, and modules beside it (or below its folder) keep their place
 * relative to it. Modules elsewhere (packages) stay as recorded.
 */
function moved(record: RunRecord, from: string, to: string): RunRecord {
  const fromDir = new URL('.', from).href;
  const toDir = new URL('.', to).href;
  const relocate = (module: string): string =>
    module === from ? to : module.startsWith(fromDir) ? toDir + module.slice(fromDir.length) : module;
  return { ...record, tasks: record.tasks.map((call) => (call ? { ...call, module: relocate(call.module) } : call)) };
}

/**
 * Re-checks the failing run recorded in `file`.
 *
 * @example
 * const { reproduced, verdict } = await replayFailure('ame-failure-42.json');
 * console.log(formatVerdict(verdict));
 */
export async function replayFailure(file: string, options: ReplayFailureOptions = {}): Promise<ReplayResult> {
  const path = resolve(file);
  const data = await readReplayFile(path);
  const workload = await loadWorkload(options.workload ?? data.workload);
  const record = workload.url === data.workload ? data.record : moved(data.record, data.workload, workload.url);
  const verdict = await checkRecord(workload, record);
  const first = (list: readonly Difference[]): string | undefined => list[0]?.message;
  const same = first(verdict.differences) === first(data.found.differences) && verdict.anomaly?.kind === data.found.anomaly?.kind;
  return { file: path, data, verdict, reproduced: !verdict.ok, same };
}

export type { ReplayResult } from './results.js';
