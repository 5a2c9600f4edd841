/**
 * Checks a run's outcome against plain sequential JavaScript (checked, never assumed):
 * exact equality for executors that keep add order, a plain replay of the commit order
 * for unordered queues, and the variant's invariants (plus exact equality for
 * order-free variants) for the lock-based executor.
 */
import { reference } from './executors/plain.js';
import type { CheckKind, RunOutcome } from './executors/types.js';
import type { Results, State, Variant } from './workloads/types.js';

/** The first difference between two states, or undefined. */
export function stateDifference(actual: State, expected: State): string | undefined {
  for (const name of Object.keys(expected)) {
    const a = actual[name];
    const e = expected[name]!;
    if (Array.isArray(e)) {
      if (!Array.isArray(a) || a.length !== e.length) return `${name}: expected ${e.length} elements`;
      for (let i = 0; i < e.length; i++) if (a[i] !== e[i]) return `${name}[${i}] is ${a[i]}, expected ${e[i]}`;
    } else if (typeof e === 'object') {
      if (typeof a !== 'object' || Array.isArray(a)) return `${name}: expected a map`;
      for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
        if (a[key] !== e[key]) return `${name}{"${key}"} is ${a[key]}, expected ${e[key]}`;
      }
    } else if (a !== e) return `${name} is ${String(a)}, expected ${e}`;
  }
  return undefined;
}

/** The first differing result, or undefined. */
export function resultsDifference(actual: Results, expected: Results): string | undefined {
  if (actual.length !== expected.length) return `${actual.length} results, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) return `result of task ${i} is ${String(actual[i])}, expected ${String(expected[i])}`;
  }
  return undefined;
}

/** 'ok', or what is wrong with `outcome` for `variant` checked as `check`. */
export function verify(
  variant: Variant,
  check: CheckKind,
  outcome: RunOutcome,
  expected: { state: State; results: Results },
): string {
  const problem = findProblem(variant, check, outcome, expected);
  return problem === undefined ? 'ok' : problem;
}

function findProblem(
  variant: Variant,
  check: CheckKind,
  outcome: RunOutcome,
  expected: { state: State; results: Results },
): string | undefined {
  const tasks = variant.ops.length;
  if (outcome.errors.length > 0) return `${outcome.errors.length} failed tasks, first: ${outcome.errors[0]}`;
  if (outcome.commits !== tasks) return `${outcome.commits} commits for ${tasks} tasks`;
  const invariant = variant.invariants(outcome.state, outcome.results);
  if (invariant) return invariant;
  let want = expected;
  if (check === 'commit-order') {
    const order = outcome.commitOrder ?? [];
    if (order.length !== tasks || new Set(order).size !== tasks)
      return `commitOrder holds ${new Set(order).size} distinct of ${tasks} tasks`;
    want = reference(variant, order);
  } else if (check === 'invariants' && !variant.orderFree) {
    return undefined;
  }
  return stateDifference(outcome.state, want.state) ?? resultsDifference(outcome.results, want.results);
}
