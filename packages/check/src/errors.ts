/**
 * Public errors of @ame/check. Like every AME error they carry a readonly `code` and an
 * explicit `name`: recognise them by those, not with `instanceof`.
 */
import { AmeError } from '@ame/stm';

/**
 * A workload module cannot be checked: it is missing an export, its `calls` is not a
 * fast-check arbitrary or generated something that is not a task list, or `setup` threw.
 * The CLI exits with code 2 on it.
 */
export class WorkloadError extends AmeError {
  override readonly name = 'WorkloadError';
  /** The workload module's URL. */
  readonly workload: string;

  constructor(workload: string, problem: string, cause?: unknown) {
    super('WORKLOAD_INVALID', `workload ${workload}: ${problem}`, cause === undefined ? undefined : { cause });
    this.workload = workload;
  }
}

/**
 * Thrown by `assertSerializable` (and `expectSerializable`) when a run differs from
 * sequential execution, has a dependency cycle, or a task is not deterministic. The
 * message is the full human-readable report; `report` holds it as data.
 */
export class NotSerializableError extends AmeError {
  override readonly name = 'NotSerializableError';
  /** The checked outcome as data (a CallsVerdict or a FuzzResult). */
  readonly report: unknown;

  constructor(message: string, report: unknown) {
    super('NOT_SERIALIZABLE', message);
    this.report = report;
  }
}

/** A replay file is missing, not JSON, or not written by this version of @ame/check. */
export class ReplayFileError extends AmeError {
  override readonly name = 'ReplayFileError';
  readonly file: string;

  constructor(file: string, problem: string, cause?: unknown) {
    super('REPLAY_FILE_INVALID', `replay file ${file}: ${problem}`, cause === undefined ? undefined : { cause });
    this.file = file;
  }
}
