/** Everything one `npm run bench` measured: what the JSON file holds. */
import type { Machine } from '../machine.js';
import type { DispatchRow } from '../overheads/dispatch.js';
import type { MemoryResult } from '../overheads/memory.js';
import type { MicroResult } from '../overheads/micro.js';
import type { VariantResult } from '../runner.js';
import type { Target } from '../targets.js';

export interface BenchReport {
  /** ISO time the run started. */
  readonly date: string;
  readonly machine: Machine;
  readonly options: {
    readonly quick: boolean;
    readonly reps: number;
    /** First batches of fresh queues per queue row (older reports: absent). */
    readonly firstReps?: number;
    readonly warmups: number;
    readonly workers: readonly number[];
    readonly workloads: readonly string[];
    readonly executors: readonly string[];
  };
  readonly durationSeconds: number;
  readonly workloads: readonly { readonly name: string; readonly description: string }[];
  readonly executors: readonly {
    readonly id: string;
    readonly family: string;
    readonly label: string;
    readonly about: string;
    readonly check: string;
  }[];
  readonly variants: readonly VariantResult[];
  readonly micro?: MicroResult;
  readonly dispatch?: readonly DispatchRow[];
  readonly memory?: MemoryResult;
  readonly targets: readonly Target[];
  /** Rows whose state check failed. */
  readonly failures: readonly string[];
}
