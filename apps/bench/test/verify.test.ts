/**
 * The harness's state check: it must accept plain JS's own outcome and catch a wrong
 * balance, a wrong result, a bad commit order and broken invariants.
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../src/executors/plain.js';
import type { RunOutcome } from '../src/executors/types.js';
import { verify } from '../src/verify.js';
import { bankVariant } from '../src/workloads/bank.js';
import { compute } from '../src/workloads/compute.js';

const bank = bankVariant('bank/test', 'bank test', 'test', 200, 5, 0, 0);
const expected = reference(bank);

function outcome(overrides: Partial<RunOutcome> = {}): RunOutcome {
  return {
    ms: 1,
    commits: 200,
    aborts: 0,
    results: expected.results,
    state: expected.state,
    sharedBytes: null,
    errors: [],
    ...overrides,
  };
}

describe('verify', () => {
  it('accepts the plain JS outcome under every check', () => {
    const order = bank.ops.map((_, i) => i);
    expect(verify(bank, 'exact', outcome(), expected)).toBe('ok');
    expect(verify(bank, 'commit-order', outcome({ commitOrder: order }), expected)).toBe('ok');
    expect(verify(bank, 'invariants', outcome(), expected)).toBe('ok');
  });

  it('catches a changed balance that still conserves money', () => {
    const accounts = [...(expected.state.accounts as number[])];
    accounts[0]! += 1;
    accounts[1]! -= 1;
    expect(verify(bank, 'exact', outcome({ state: { accounts } }), expected)).toMatch(/accounts\[0\]/);
  });

  it('catches lost money under the invariants check', () => {
    const accounts = [...(expected.state.accounts as number[])];
    accounts[2]! -= 7;
    expect(verify(bank, 'invariants', outcome({ state: { accounts } }), expected)).toMatch(/total money/);
  });

  it('catches a wrong result and a missing commit', () => {
    const results = [...expected.results];
    results[3] = !results[3];
    expect(verify(bank, 'exact', outcome({ results }), expected)).toMatch(/task 3/);
    expect(verify(bank, 'exact', outcome({ commits: 199 }), expected)).toMatch(/199 commits/);
  });

  it('replays the commit order: the outcome of add order does not pass for another order', () => {
    // Order matters here: the second transfer only succeeds after the first.
    const tight = {
      ...bankVariant('bank/tight', 'tight', 'test', 0, 2, 0, 0),
      ops: [
        ['transfer', 0, 1, 1000, 0],
        ['transfer', 1, 0, 1500, 0],
      ] as const,
    };
    const inOrder = reference(tight);
    const reversed = reference(tight, [1, 0]);
    const run = (r: typeof inOrder, commitOrder: number[]): RunOutcome => ({ ...outcome(), commits: 2, ...r, commitOrder });
    expect(verify(tight, 'commit-order', run(reversed, [1, 0]), inOrder)).toBe('ok');
    expect(verify(tight, 'commit-order', run(inOrder, [1, 0]), inOrder)).not.toBe('ok');
  });

  it('requires exact equality from the lock-based executor on order-free variants', () => {
    const [variant] = compute.variants(true);
    const want = reference(variant!);
    const out = [...(want.state.out as number[])];
    out[5]! += 1;
    const run = { ...outcome(), commits: variant!.ops.length, results: want.results, state: { out } };
    expect(verify(variant!, 'invariants', run, want)).toMatch(/out\[5\]/);
  });
});
