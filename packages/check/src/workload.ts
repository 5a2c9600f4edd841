/**
 * Workload modules: the tasks a user wants checked, how to set up the heap, and which
 * task lists to try. Loading validates the module once, so the fuzzer can say exactly
 * what is wrong (exit code 2) instead of reporting a bogus counterexample.
 */
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { Heap, encodeValue, type HeapOptions, type SnapshotValue, type Value } from '@ame/stm';
import { importModule } from '@ame/pool/internal';
import { WorkloadError } from './errors.js';

/** One task call: the task's export name, then its arguments. */
export type Call = readonly [task: string, ...args: Value[]];

/** A heap snapshot as `heap.snapshot()` returns it. */
export type Snapshot = Record<string, SnapshotValue>;

/**
 * What a workload module exports (besides its task functions).
 *
 * @example
 * // bank-workload.mjs
 * import fc from 'fast-check';
 * export function transfer(ctx, from, to, amount) { ... }   // tasks: any exported function
 * export function setup(heap) { heap.tarray('accounts', 4); }
 * export const calls = fc.array(fc.tuple(fc.constant('transfer'), fc.nat(3), fc.nat(3), fc.nat(50)));
 */
export interface WorkloadModule {
  /** Creates the named objects and initial state on a fresh heap (outside any task). */
  setup(heap: Heap): void;
  /** Random task lists, or a function of the checker's fast-check giving them. */
  calls: fc.Arbitrary<readonly Call[]> | ((fastCheck: typeof fc) => fc.Arbitrary<readonly Call[]>);
  /** Optional: checks a final heap snapshot; throw, or return false or a message, to fail. */
  invariant?(snapshot: Snapshot): unknown;
  /** Optional: options of the heaps the checker creates (default 1 MiB initial, 64 MiB max). */
  heapOptions?: HeapOptions;
}

/** A loaded, validated workload. */
export interface Workload {
  /** The module's URL: the task module every call refers to. */
  readonly url: string;
  /** Its file name, for messages. */
  readonly name: string;
  /** The module namespace. */
  readonly exports: Readonly<Record<string, unknown>>;
  readonly calls: fc.Arbitrary<readonly Call[]>;
  readonly setup: (heap: Heap) => void;
  readonly invariant: ((snapshot: Snapshot) => unknown) | undefined;
  readonly heapOptions: HeapOptions;
}

/** A workload given by module URL, file path (relative to the working directory) or loaded. */
export type WorkloadSource = string | URL | Workload;

const RESERVED = new Set(['setup', 'calls', 'invariant', 'heapOptions', 'default']);
const DEFAULT_HEAP: HeapOptions = { initialBytes: 1 << 20, maxBytes: 1 << 26 };

/**
 * Imports and validates a workload module: `setup` must be a function, `calls` a fast-check
 * arbitrary (or a function of fast-check returning one). Throws WorkloadError naming the
 * problem.
 *
 * @param source module URL, path (relative to `process.cwd()`), or an already loaded Workload
 */
export async function loadWorkload(source: WorkloadSource): Promise<Workload> {
  if (isWorkload(source)) return source;
  const url = toUrl(source);
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(url); // .ts too: Node's type stripping or tsx, as task modules
  } catch (error) {
    const code = (error as { code?: string }).code;
    const problem =
      code === 'ERR_MODULE_NOT_FOUND' ? 'the module (or one of its imports) was not found' : 'the module failed to load';
    throw new WorkloadError(url, `${problem}: ${(error as Error).message}`, error);
  }
  const setup = exports.setup;
  if (typeof setup !== 'function') {
    throw new WorkloadError(
      url,
      `missing export \`setup\`: export function setup(heap) { ... } creating the heap's named objects`,
    );
  }
  const calls = resolveCalls(url, exports.calls);
  const invariant = exports.invariant;
  if (invariant !== undefined && typeof invariant !== 'function') {
    throw new WorkloadError(
      url,
      `export \`invariant\` must be a function (snapshot) => boolean | string | void, got ${typeof invariant}`,
    );
  }
  const heapOptions = exports.heapOptions;
  if (heapOptions !== undefined && (typeof heapOptions !== 'object' || heapOptions === null)) {
    throw new WorkloadError(url, `export \`heapOptions\` must be an object like { initialBytes, maxBytes }`);
  }
  return Object.freeze({
    url,
    name: basename(new URL(url).pathname),
    exports,
    calls,
    setup: setup as (heap: Heap) => void,
    invariant: invariant as ((snapshot: Snapshot) => unknown) | undefined,
    heapOptions: { ...DEFAULT_HEAP, ...(heapOptions as HeapOptions | undefined) },
  });
}

/**
 * Checks one generated value: an array of calls `[taskName, ...args]` naming exported
 * functions, with Values as arguments. Throws WorkloadError ("bad arbitrary") otherwise.
 */
export function checkCallList(workload: Workload, value: unknown): Call[] {
  const bad = (problem: string): WorkloadError =>
    new WorkloadError(workload.url, `bad arbitrary: \`calls\` must generate arrays of [taskName, ...args]; ${problem}`);
  if (!Array.isArray(value)) throw bad(`it generated ${describe(value)}`);
  value.forEach((call: unknown, i) => {
    if (!Array.isArray(call) || typeof call[0] !== 'string') throw bad(`element ${i} is ${describe(call)}`);
    const name = call[0];
    if (RESERVED.has(name) || typeof workload.exports[name] !== 'function') {
      const tasks = taskNames(workload);
      throw bad(
        `element ${i} calls ${JSON.stringify(name)}, which is not a task the module exports (its tasks: ${tasks.join(', ') || 'none'})`,
      );
    }
    try {
      encodeValue(call.slice(1) as Value[], `${name} arguments`);
    } catch (error) {
      throw bad(`the arguments of element ${i} (${name}) are not Values: ${(error as Error).message}`);
    }
  });
  return value as Call[];
}

/** The exported functions that can be tasks. */
export function taskNames(workload: Workload): string[] {
  return Object.keys(workload.exports).filter((k) => !RESERVED.has(k) && typeof workload.exports[k] === 'function');
}

/** A fresh heap in the workload's initial state (setup run on it). */
export function setupHeap(workload: Workload): Heap {
  const heap = Heap.create(workload.heapOptions);
  try {
    workload.setup(heap);
  } catch (error) {
    heap.detach();
    throw new WorkloadError(workload.url, `setup(heap) threw: ${(error as Error)?.message ?? String(error)}`, error);
  }
  return heap;
}

function resolveCalls(url: string, calls: unknown): fc.Arbitrary<readonly Call[]> {
  if (calls === undefined) {
    throw new WorkloadError(
      url,
      'missing export `calls`: export const calls = fc.array(...) generating [taskName, ...args] lists',
    );
  }
  let arbitrary: unknown = calls;
  if (typeof calls === 'function' && !isArbitrary(calls)) {
    try {
      arbitrary = (calls as (f: typeof fc) => unknown)(fc);
    } catch (error) {
      throw new WorkloadError(url, `bad arbitrary: calls(fc) threw: ${(error as Error).message}`, error);
    }
  }
  if (!isArbitrary(arbitrary)) {
    throw new WorkloadError(
      url,
      `bad arbitrary: export \`calls\` must be a fast-check Arbitrary (or (fc) => Arbitrary), got ${describe(arbitrary)}`,
    );
  }
  return arbitrary as fc.Arbitrary<readonly Call[]>;
}

/** Duck-typed: the workload may use its own copy of fast-check. */
function isArbitrary(value: unknown): boolean {
  const v = value as { generate?: unknown; shrink?: unknown; canShrinkWithoutContext?: unknown } | null;
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof v.generate === 'function' &&
    typeof v.shrink === 'function' &&
    typeof v.canShrinkWithoutContext === 'function'
  );
}

function isWorkload(source: WorkloadSource): source is Workload {
  return (
    typeof source === 'object' && !(source instanceof URL) && typeof (source as Workload).url === 'string' && 'exports' in source
  );
}

function toUrl(source: string | URL): string {
  if (source instanceof URL) return source.href;
  if (/^(file|data|node):/.test(source)) return source;
  return pathToFileURL(source).href;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array ${truncate(JSON.stringify(value) ?? '')}`;
  if (typeof value === 'object') return `an object ${truncate(JSON.stringify(value) ?? '')}`;
  return `${typeof value} ${truncate(String(value))}`;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
