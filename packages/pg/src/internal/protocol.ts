/**
 * Messages between PgQueue (main thread) and its workers, and the shared control words.
 *
 * Control words (Int32Array over a SharedArrayBuffer, one per queue):
 *   word  meaning                                   written by                 with
 *   TURN  ordered: the chunk whose turn to commit   main (0 at run start),     Atomics.store + notify
 *                                                   the worker of chunk c (c+1)
 *   STOP  ordered: 1 once a failure stopped the run a worker (onError 'stop')  Atomics.store
 */
import type { SerializedError } from '@ame/pool';

export const TURN = 0;
export const STOP = 1;
export const CONTROL_WORDS = 2;

export interface WorkerData {
  connectionString: string;
  ns: string;
  seed: number;
  worker: number;
  control: SharedArrayBuffer;
  onError: 'stop' | 'continue';
  maxAttempts: number;
  dropChildren: boolean;
}

/** A task as a worker gets it. */
export interface TaskCallData {
  index: number;
  module: string;
  name: string;
  args: unknown[];
}

export interface ChunkMessage {
  type: 'chunk';
  /** The run's id: with the index, the task-id row of an idempotent commit. */
  run: string;
  /** The run number (ctx.random() streams). */
  batch: number;
  chunk: number;
  ordered: boolean;
  tasks: TaskCallData[];
}

export interface TaskOutcome {
  index: number;
  /** Commit sequence number (the serial order). */
  seq: number;
  attempt: number;
  result?: unknown;
  error?: SerializedError;
  afterCommitError?: SerializedError;
  children: { module: string; name: string; args: unknown[] }[];
  /** Keys of this task's aborts. */
  conflicts: string[];
}

export type WorkerReply =
  | { type: 'done'; chunk: number; outcomes: TaskOutcome[]; aborts: number; warnings: string[]; stopped: boolean }
  | { type: 'fatal'; chunk: number; error: SerializedError }
  | { type: 'ready' }
  | { type: 'closed' };
