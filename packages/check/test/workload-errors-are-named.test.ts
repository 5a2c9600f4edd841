/**
 * A workload that cannot be checked is a WorkloadError (CLI exit 2) whose message names
 * the problem: missing export, bad arbitrary, unknown task, setup failure, missing module.
 */
import { describe, expect, test } from 'vitest';
import { checkCalls, fuzz, loadWorkload } from '../src/index.js';
import { workloadUrl } from './helpers/property.js';

async function failure(promise: Promise<unknown>): Promise<{ name: string; code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; code: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('workload errors name the problem', () => {
  test('missing setup export', async () => {
    const e = await failure(loadWorkload(workloadUrl('missing-setup')));
    expect([e.name, e.code]).toEqual(['WorkloadError', 'WORKLOAD_INVALID']);
    expect(e.message).toMatch(/missing-setup\.mjs: missing export `setup`/);
  });

  test('calls that is not an arbitrary', async () => {
    const e = await failure(loadWorkload(workloadUrl('bad-arbitrary')));
    expect(e.message).toMatch(/bad arbitrary: export `calls` must be a fast-check Arbitrary .*got an array/);
  });

  test('an arbitrary that generates an unknown task (fuzz stops, no shrinking)', async () => {
    const e = await failure(fuzz({ workload: workloadUrl('unknown-task'), runs: 5, seed: 1, log: false }));
    expect(e.code).toBe('WORKLOAD_INVALID');
    expect(e.message).toMatch(/element 1 calls "nope", which is not a task the module exports \(its tasks: noop\)/);
  });

  test('arguments that are not Values', async () => {
    const e = await failure(checkCalls(workloadUrl('unknown-task'), [['noop', (() => 1) as never]]));
    expect(e.message).toMatch(/the arguments of element 0 \(noop\) are not Values/);
  });

  test('setup that throws', async () => {
    const e = await failure(checkCalls(workloadUrl('setup-throws'), [['noop']]));
    expect(e.message).toMatch(/setup\(heap\) threw: no database here/);
  });

  test('a module that does not exist', async () => {
    const e = await failure(loadWorkload('./no-such-workload.mjs'));
    expect(e.message).toMatch(/no-such-workload\.mjs: the module \(or one of its imports\) was not found/);
  });

  test('an unknown mode', async () => {
    const e = await failure(checkCalls(workloadUrl('unknown-task'), [['noop']], { modes: ['parallel' as never] }));
    expect(e.message).toMatch(/unknown mode "parallel"; expected one of unordered, ordered, gil, gil-ordered, sequential/);
  });
});
