/**
 * Replay files: a failing run written to JSON with everything needed to check it again
 * without the executor that produced it: the calls (children included), the serial order,
 * every result and error, the history and the final heap; plus the fuzzer's seed and path.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { ReplayFileError } from './errors.js';
import { fromJson, toJson } from './internal/json-values.js';
import type { Anomaly } from './anomaly.js';
import type { Difference } from './compare.js';
import type { RunRecord } from './run-record.js';
import type { Verdict } from './verdict.js';

/** The format tag of replay files this version writes and reads. */
export const REPLAY_FORMAT = 'ame-check/replay@1';

/** A replay file's content. */
export interface ReplayData {
  readonly format: typeof REPLAY_FORMAT;
  /** The workload module's URL when the failure was found. */
  readonly workload: string;
  /** fast-check seed and counterexample path of the search that found it (if any). */
  readonly seed?: number;
  readonly path?: string;
  /** What the checker found: the differences and the anomaly. */
  readonly found: {
    readonly mode: string;
    readonly replay: Verdict['replay'];
    readonly differences: readonly Difference[];
    readonly anomaly?: Anomaly;
  };
  /** The failing run. */
  readonly record: RunRecord;
}

/** Writes `verdict`'s run as a replay file at `file`. */
export async function writeReplayFile(
  file: string,
  workload: string,
  verdict: Verdict,
  search: { seed?: number; path?: string } = {},
): Promise<void> {
  const data: ReplayData = {
    format: REPLAY_FORMAT,
    workload,
    ...search,
    found: {
      mode: verdict.mode,
      replay: verdict.replay,
      differences: verdict.differences,
      ...(verdict.anomaly ? { anomaly: verdict.anomaly } : {}),
    },
    record: verdict.record,
  };
  await writeFile(file, `${JSON.stringify(toJson(data), null, 1)}\n`);
}

/** Reads a replay file; throws ReplayFileError if it is missing or not one. */
export async function readReplayFile(file: string): Promise<ReplayData> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ReplayFileError(file, `cannot read it (${(error as Error).message})`, error);
  }
  let data: ReplayData;
  try {
    data = fromJson(JSON.parse(text)) as ReplayData;
  } catch (error) {
    throw new ReplayFileError(file, `it is not valid JSON (${(error as Error).message})`, error);
  }
  if (!data || data.format !== REPLAY_FORMAT) {
    throw new ReplayFileError(
      file,
      `it is not an ${REPLAY_FORMAT} file (format: ${JSON.stringify((data as { format?: unknown } | null)?.format)})`,
    );
  }
  const r = data.record as Partial<RunRecord> | undefined;
  if (
    !r ||
    !Array.isArray(r.calls) ||
    !Array.isArray(r.tasks) ||
    !Array.isArray(r.serialOrder) ||
    typeof r.seed !== 'number' ||
    !r.snapshot
  ) {
    throw new ReplayFileError(file, 'its record is incomplete (calls, tasks, serialOrder, seed and snapshot are required)');
  }
  return data;
}
