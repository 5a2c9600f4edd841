/**
 * Random task lists over the bank fixture and a report reduced to what must be equal between
 * executors: shared by the executor suites of @ame/transaction and @ame/pg (PgQueue runs the
 * same task files), so it imports nothing but @ame/pool, @ame/stm and fast-check.
 */
import { fc } from '@fast-check/vitest';
import { type RunReport, taskRef } from '@ame/pool';
import type { Value } from '@ame/stm';

export const BANK = new URL('../fixtures/bank-tasks.mjs', import.meta.url);
export const ACCOUNTS = 6;

/** A task call as data: export name and arguments. */
export type Call =
  | ['transfer', number, number, number]
  | ['increment', number]
  | ['hit', number]
  | ['withdrawOrThrow', number, number, boolean]
  | ['fanOut', number, number, number]
  | ['lucky', number]
  | ['audit']
  | ['slowIncrement', number, number]
  | ['slowAudit', number];

const account = fc.integer({ min: 0, max: ACCOUNTS - 1 });

/** Random calls; `children` and `random` include the tasks that use ctx.add / ctx.random. */
export function callArb(options: { children?: boolean; random?: boolean } = {}): fc.Arbitrary<Call> {
  const { children = true, random = true } = options;
  const arbs: fc.Arbitrary<Call>[] = [
    fc.tuple(fc.constant('transfer' as const), account, account, fc.integer({ min: 0, max: 60 })),
    fc.tuple(fc.constant('increment' as const), fc.integer({ min: 1, max: 5 })),
    fc.tuple(fc.constant('hit' as const), fc.integer({ min: 1, max: 3 })),
    fc.tuple(
      fc.constant('withdrawOrThrow' as const),
      account,
      fc.integer({ min: 0, max: 80 }),
      children ? fc.boolean() : fc.constant(false),
    ),
    fc.constant(['audit'] as Call),
  ];
  if (children)
    arbs.push(fc.tuple(fc.constant('fanOut' as const), account, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 20 })));
  if (random) arbs.push(fc.tuple(fc.constant('lucky' as const), account));
  return fc.oneof(...arbs);
}

export const balancesArb = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: ACCOUNTS, maxLength: ACCOUNTS });

/** Anything with add(): every queue of @ame/transaction and @ame/gil, and PgQueue. */
export interface Adder {
  add(task: ReturnType<typeof taskRef>, ...args: Value[]): number;
}

export function addCalls(queue: Adder, calls: readonly Call[]): void {
  for (const [name, ...args] of calls) queue.add(taskRef(BANK, name), ...args);
}

/** What must be equal between two executors that promise the same outcome. */
export function outcome(report: RunReport) {
  return {
    tasks: report.tasks,
    commits: report.commits,
    results: report.results,
    errors: report.errors.map((e) => ({
      index: e.index,
      task: e.task,
      args: e.args,
      phase: e.phase,
      cause: { name: (e.cause as Error).name, message: (e.cause as Error).message },
    })),
  };
}
