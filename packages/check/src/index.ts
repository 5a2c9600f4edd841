// Fuzzing and checking workloads.
export { fuzz } from './fuzz.js';
export type { Counterexample, FuzzOptions, FuzzProgress, FuzzResult } from './fuzz.js';
export { assertSerializable, checkCalls } from './check-calls.js';
export type { CallsVerdict, CheckOptions } from './check-calls.js';
export { checkRecord } from './verdict.js';
export type { Verdict } from './verdict.js';
export { CheckSession } from './session.js';
export type { SessionStats } from './session.js';
export { CoverageCounter, coverageOf, formatCoverage, lowConflict } from './coverage.js';
export type { Coverage } from './coverage.js';
export { CHAOS_MAX_PAUSE_US, chaosPauseUs } from './chaos.js';
export { benchFuzz, formatBench } from './bench.js';
export type { BenchResult, BenchSide } from './bench.js';
export { runMode } from './run-record.js';
export type { ErrorRecord, Outcome, RunModeOptions, RunRecord } from './run-record.js';
export { findNondeterminism } from './determinism.js';
export { replaySerial } from './replay.js';
export type { ReplayOptions, ReplayOutcome } from './replay.js';

// Workloads and executors.
export { checkCallList, loadWorkload, setupHeap, taskNames } from './workload.js';
export type { Call, Snapshot, Workload, WorkloadModule, WorkloadSource } from './workload.js';
export { MODE_NAMES, SEQUENTIAL, resolveModes } from './executors.js';
export { BACKEND_NAMES, BackendUnavailableError, PG_MODE_NAMES, resolveBackend } from './backend.js';
export type { BackendName } from './backend.js';
export { resolveExecutors } from './check-calls.js';
export type { CheckableQueue, Executor, Mode, ModeName } from './executors.js';

// Histories and anomalies.
export { classify, findAnomaly } from './anomaly.js';
export type { Anomaly, AnomalyClass, CycleStep } from './anomaly.js';
export { buildDependencyGraph } from './dependency-graph.js';
export type { AbortedRead, DependencyEdge, DependencyGraph, EdgeKind, GraphOptions } from './dependency-graph.js';
export { compareOutcomes, showTask, taskInfo } from './compare.js';
export type { Difference, DifferenceKind, TaskInfo } from './compare.js';

// Replay files.
export { REPLAY_FORMAT, readReplayFile, writeReplayFile } from './replay-file.js';
export type { ReplayData } from './replay-file.js';
export { replayFailure } from './replay-failure.js';
export type { ReplayFailureOptions, ReplayResult } from './replay-failure.js';

// Reports and errors.
export { displayPath, formatCalls, formatCallsVerdict, formatFuzzResult, formatReplayResult, formatVerdict } from './format.js';
export { NotSerializableError, ReplayFileError, WorkloadError } from './errors.js';
