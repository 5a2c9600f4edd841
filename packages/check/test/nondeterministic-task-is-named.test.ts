/**
 * A task that is not deterministic (Math.random) makes the sequential oracle disagree with
 * itself: the checker must say so and name the task, rather than blame the executor;
 * also when the task shows it only through the heap.
 */
import { describe, expect, test } from 'vitest';
import { checkCalls, findNondeterminism, fuzz, loadWorkload } from '../src/index.js';
import { workloadUrl } from './helpers/property.js';

describe('a non-deterministic task is named', () => {
  test('fuzz reports status nondeterministic, naming the task, and writes no replay file', async () => {
    const result = await fuzz({ workload: workloadUrl('nondeterministic'), runs: 50, seed: 3, log: false });
    expect(result.status).toBe('nondeterministic');
    expect(result.ok).toBe(false);
    const c = result.counterexample!;
    expect(c.calls).toEqual([['roll']]); // shrunk to the culprit alone
    expect(c.verdict.nondeterministic?.task).toMatchObject({ index: 0, task: 'roll' });
    expect(c.verdict.nondeterministic?.message).toMatch(/^task 0 \(roll\) is not deterministic: .*ctx\.random\(\)/);
    expect(c.replayFile).toBeUndefined();
  });

  test('a task that only writes a random value to the heap is located by per-task snapshots', async () => {
    const workload = await loadWorkload(workloadUrl('nondeterministic-heap'));
    const difference = await findNondeterminism(workload, [['bump', 1], ['stamp'], ['bump', 2]]);
    expect(difference).toMatchObject({ kind: 'nondeterministic', task: { index: 1, task: 'stamp' }, key: 'stamp' });
    expect(difference?.message).toMatch(
      /^task 1 \(stamp\) is not deterministic: after task 1 stamp\(\) the heap differs at stamp/,
    );
  });

  test('deterministic calls are not flagged, and checkCalls only looks when a run fails', async () => {
    const workload = await loadWorkload(workloadUrl('nondeterministic'));
    expect(
      await findNondeterminism(workload, [
        ['bump', 1],
        ['bump', 2],
      ]),
    ).toBeUndefined();
    const verdict = await checkCalls(workload, [['bump', 1]], { modes: ['sequential'] });
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.nondeterministic).toBeUndefined();
  });
});

describe('the advice fits the cause', () => {
  test.each([
    ['nondeterministic', [['roll']], 'Math.random', /It calls Math\.random\(\): use ctx\.random\(\) instead/],
    ['clock', [['stamp']], 'clock', /It reads the clock .*pass the time in as an argument/],
    [
      'module-state',
      [['ticket']],
      'module state',
      /It keeps state outside the heap between calls \(a module-level variable in module-state\.mjs/,
    ],
  ] as const)('%s: cause %s', async (name, calls, cause, advice) => {
    const workload = await loadWorkload(workloadUrl(name));
    const difference = await findNondeterminism(workload, calls as never);
    expect(difference?.cause).toBe(cause);
    expect(difference?.message).toMatch(advice);
    if (cause !== 'Math.random') expect(difference?.message).not.toMatch(/Math\.random\(\)/);
  });
});
