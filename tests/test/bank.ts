/**
 * The reliability suites' bank: a heap with tarray 'accounts', a deterministic list of
 * transfers (and parents that add transfers as children), and the two oracles every run
 * under faults is held to: SequentialQueue on the same adds (ordered runs) and a replay of
 * the recorded calls in commitOrder (unordered runs).
 */
import { Heap, type Value } from '@ame/stm';
import { SequentialQueue } from '@ame/gil';
import { type RunReport, taskModule, taskRef } from '@ame/transaction';

export const TASKS = new URL('./fixtures/reliability-tasks.mjs', import.meta.url);
export const tasks = taskModule<typeof import('./fixtures/reliability-tasks.mjs')>(TASKS);
export const ACCOUNTS = 8;
export const START_BALANCE = 100;

/** A fresh heap with every account at START_BALANCE. */
export function bankHeap(): Heap {
  const heap = Heap.create({ initialBytes: 1 << 20, maxBytes: 1 << 26 });
  const accounts = heap.tarray('accounts', ACCOUNTS);
  heap.atomically(() => {
    for (let i = 0; i < ACCOUNTS; i++) accounts.set(i, START_BALANCE);
  });
  return heap;
}

export function accounts(heap: Heap): number[] {
  return heap.snapshot().accounts as number[];
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** A task call as data. */
export type Call = [name: 'transfer' | 'payAll', ...args: number[]];

/** `n` calls drawn from `seed`: transfers between accounts, every 25th a parent paying 3 children. */
export function bankCalls(n: number, seed: number): Call[] {
  let s = seed >>> 0 || 1;
  const next = (m: number): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % m;
  };
  const calls: Call[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 25 === 0) calls.push(['payAll', next(ACCOUNTS), 3, 1 + next(10)]);
    else calls.push(['transfer', next(ACCOUNTS), next(ACCOUNTS), 1 + next(40)]);
  }
  return calls;
}

/** Anything with add(). */
export interface Adder {
  add(task: ReturnType<typeof taskRef>, ...args: Value[]): number;
}

export function addCalls(queue: Adder, calls: readonly Call[]): void {
  for (const [name, ...args] of calls) queue.add(taskRef(TASKS, name), ...args);
}

/** SequentialQueue on the same adds, from a fresh bank: the oracle of ordered runs. */
export async function sequentialRun(calls: readonly Call[]): Promise<{ report: RunReport; accounts: number[] }> {
  const heap = bankHeap();
  const queue = new SequentialQueue({ heap, onError: 'continue' });
  addCalls(queue, calls);
  const report = await queue.run();
  await queue.close();
  return { report, accounts: accounts(heap) };
}

/**
 * Replays a run recorded with recordHistory: every committed task (children included) in
 * commitOrder, children not re-enqueued, from a fresh bank. Returns the results by index
 * and the final accounts: an unordered run must equal this.
 */
export async function replayInCommitOrder(report: RunReport): Promise<{ results: (Value | undefined)[]; accounts: number[] }> {
  const heap = bankHeap();
  const queue = new SequentialQueue({ heap, onError: 'continue', children: 'drop' });
  const calls = report.calls!;
  for (const index of report.commitOrder) {
    const call = calls[index]!;
    queue.add(taskRef(TASKS, call.task), ...call.args);
  }
  const replay = await queue.run();
  await queue.close();
  const results: (Value | undefined)[] = new Array(report.tasks).fill(undefined);
  report.commitOrder.forEach((index, k) => {
    results[index] = replay.results[k];
  });
  return { results, accounts: accounts(heap) };
}

/** Runs `body` with AME_FAULT (and its seed) set, as workers started meanwhile see it. */
export async function withFaults<T>(fault: string, seed: number, body: () => Promise<T>): Promise<T> {
  const before = [process.env.AME_FAULT, process.env.AME_FAULT_SEED];
  process.env.AME_FAULT = fault;
  process.env.AME_FAULT_SEED = String(seed);
  try {
    return await body();
  } finally {
    if (before[0] === undefined) delete process.env.AME_FAULT;
    else process.env.AME_FAULT = before[0];
    if (before[1] === undefined) delete process.env.AME_FAULT_SEED;
    else process.env.AME_FAULT_SEED = before[1];
  }
}
