/**
 * Two different failures, told apart in the verdict: a workload whose own tasks break its
 * invariant (in sequential execution too) is the workload's bug, reported as such with
 * status 'invariant'; a run that differs from sequential execution is "NOT serializable"
 * (the executor's bug, see broken-stm-is-caught.test.ts).
 */
import { describe, expect, test } from 'vitest';
import { checkCalls, formatCallsVerdict, fuzz } from '../src/index.js';
import { runCli } from './helpers/cli.js';
import { workloadUrl } from './helpers/property.js';

const workload = workloadUrl('breaks-own-invariant');

describe('a workload that breaks its own invariant sequentially', () => {
  test('checkCalls: problem "invariant" in every mode, worded as the workload\'s bug', async () => {
    const verdict = await checkCalls(workload, [['withdraw', 150]], { modes: ['unordered', 'ordered'] });
    expect(verdict.ok).toBe(false);
    expect(verdict.verdicts.map((v) => v.problem)).toEqual(['invariant', 'invariant']);
    expect(verdict.verdicts[0]!.differences).toHaveLength(1);
    expect(verdict.verdicts[0]!.differences[0]!.message).toMatch(
      /fails the same way when the tasks run one after another in the run's serial order .*not in the executor: the balance is -50$/,
    );
    expect(verdict.verdicts[1]!.differences[0]!.message).toMatch(/when the tasks run SequentialQueue, in add order/);
    const text = formatCallsVerdict(verdict);
    expect(text.split('\n')[0]).toBe(
      "the tasks break the workload's invariant in sequential execution too (not an executor bug)",
    );
    expect(text).toMatch(
      /mode unordered .*: serializable, but the tasks break the workload's invariant in sequential execution too/,
    );
    expect(text).not.toMatch(/NOT serializable/);
  });

  test('fuzz: status "invariant", shrunk, and the CLI says whose bug it is (exit 1)', async () => {
    const result = await fuzz({ workload, runs: 30, seed: 5, replayDir: null, log: false, modes: ['unordered'] });
    expect(result.status).toBe('invariant');
    const calls = result.counterexample!.calls as [string, number][];
    const balance = calls.reduce((b, [task, amount]) => (task === 'deposit' ? b + amount : b - amount), 100);
    expect(balance).toBeLessThan(0); // the shrunk list breaks it on its own, one task after another
    const cli = await runCli([
      'fuzz',
      'test/fixtures/workloads/breaks-own-invariant.mjs',
      '--runs',
      '30',
      '--seed',
      '5',
      '--quiet',
      '--out',
      'test-results',
    ]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(
      /^ame-check: test\/fixtures\/workloads\/breaks-own-invariant\.mjs breaks its own invariant when its tasks run one after another too/,
    );
    expect(cli.stdout).toContain('the tasks or the invariant are wrong, not the executor');
    expect(cli.stdout).not.toMatch(/NOT serializable/);
  });
});
