/**
 * Queue and run() options: checked once, with an InvalidOptionError (code INVALID_OPTION)
 * naming the option and the value for anything wrong or unknown, and normalised.
 */
import os from 'node:os';
import { type Heap, InvalidOptionError } from '@ame/stm';
import { parseFaults } from './fault.js';
import type { QueueOptions, RunOptions } from './report.js';
import { MAX_WORKERS } from './shared-batch.js';

/** Normalised queue options. */
export interface ResolvedOptions {
  heap: Heap;
  workers: number;
  ordered: boolean;
  seed: number;
  onError: 'stop' | 'continue';
  maxAttempts: number;
  recordHistory: boolean;
  children: 'enqueue' | 'drop';
  policy: 'auto' | 'parallel' | 'inline';
  /** Infinity: no limit. */
  taskTimeoutMs: number;
  maxCrashes: number;
}

/** Every option name of QueueOptions: any other is a mistake (a typo would otherwise be ignored). */
const QUEUE_OPTIONS = new Set([
  'heap',
  'workers',
  'ordered',
  'seed',
  'onError',
  'maxAttempts',
  'recordHistory',
  'children',
  'policy',
  'taskTimeoutMs',
  'maxCrashes',
]);
const RUN_OPTIONS = new Set(['onProgress', 'taskTimeoutMs']);

/** InvalidOptionError naming the option and the value it got. */
function invalid(option: string, expected: string, value: unknown): InvalidOptionError {
  return new InvalidOptionError(option, `expected ${expected}, got ${show(value)}`);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

function checkKeys(options: object, known: Set<string>, what: string): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key))
      throw new InvalidOptionError(key, `${what} has no option ${JSON.stringify(key)}; known: ${[...known].join(', ')}`);
  }
}

/** taskTimeoutMs: a positive number of ms, or Infinity (no limit). */
function checkTimeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0)) throw invalid('taskTimeoutMs', 'a number of ms > 0 (or Infinity)', value);
  return value;
}

/** Checks run()'s options; returns its taskTimeoutMs, if given. */
export function checkRunOptions(options: RunOptions): number | undefined {
  if (!options || typeof options !== 'object') throw invalid('run options', 'an object', options);
  checkKeys(options, RUN_OPTIONS, 'run()');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw invalid('onProgress', 'a function', options.onProgress);
  }
  return checkTimeout(options.taskTimeoutMs);
}

export function resolveOptions(options: QueueOptions, defaults: { workers?: number }): ResolvedOptions {
  if (!options || typeof options !== 'object') throw invalid('queue options', 'an object with at least { heap }', options);
  checkKeys(options, QUEUE_OPTIONS, 'a queue');
  const heap = options.heap as Partial<Heap> | undefined;
  if (!heap || typeof heap.control !== 'function' || !heap.handle) {
    throw invalid('heap', 'a Heap from @ame/stm (Heap.create())', heap);
  }
  const workers = options.workers ?? defaults.workers ?? os.availableParallelism();
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS - 1) {
    throw invalid('workers', `an integer from 1 to ${MAX_WORKERS - 1}`, workers);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw invalid('seed', 'an integer', seed);
  const onError = options.onError ?? 'stop';
  if (onError !== 'stop' && onError !== 'continue') throw invalid('onError', "'stop' or 'continue'", onError);
  const maxAttempts = options.maxAttempts ?? 16;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw invalid('maxAttempts', 'an integer >= 1', maxAttempts);
  const policy = options.policy ?? 'auto';
  if (policy !== 'auto' && policy !== 'parallel' && policy !== 'inline') {
    throw invalid('policy', "'auto', 'parallel' or 'inline'", policy);
  }
  for (const flag of ['ordered', 'recordHistory'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw invalid(flag, 'a boolean', options[flag]);
  }
  const maxCrashes = options.maxCrashes ?? 3;
  if (!Number.isInteger(maxCrashes) || maxCrashes < 1) throw invalid('maxCrashes', 'an integer >= 1', maxCrashes);
  const fault = process.env.AME_FAULT;
  const faults = fault ? parseFaults(fault) : undefined;
  if (typeof faults === 'string') throw new InvalidOptionError('AME_FAULT', faults);
  return {
    heap: options.heap,
    workers,
    ordered: options.ordered ?? false,
    seed,
    onError,
    maxAttempts,
    recordHistory: options.recordHistory === true,
    children: checkChildren(options.children),
    policy: fault ? 'parallel' : policy,
    taskTimeoutMs: checkTimeout(options.taskTimeoutMs) ?? Infinity,
    maxCrashes,
  };
}

function checkChildren(children: unknown): 'enqueue' | 'drop' {
  if (children === undefined || children === 'enqueue' || children === 'drop') return children ?? 'enqueue';
  throw invalid('children', "'enqueue' or 'drop'", children);
}
