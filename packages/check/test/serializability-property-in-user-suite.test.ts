/**
 * How users put a serializability property in their own vitest suite: @fast-check/vitest
 * generates task lists from the workload's `calls`, assertSerializable checks each one
 * and throws NotSerializableError (with the full report) so fast-check shrinks it.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { assertSerializable, CheckSession, loadWorkload, type Call } from '../src/index.js';
import { brokenUnordered } from './helpers/broken-queue.js';
import { numRuns, propertySeed, workloadUrl } from './helpers/property.js';

const seed = propertySeed();
console.log(`serializability-property-in-user-suite: fast-check seed ${seed} (replay with FC_SEED=${seed})`);
const workload = await loadWorkload(workloadUrl('random'));

describe('a serializability property in a user suite', () => {
  test.prop([workload.calls], { seed, numRuns: numRuns(5) })(
    'random workload is serializable (unordered, GIL)',
    async (calls) => {
      await assertSerializable(workload, calls as Call[], { modes: ['unordered', 'gil'] });
    },
  );

  test('a broken executor fails the property with NotSerializableError and a readable report', async () => {
    const contended = await loadWorkload(workloadUrl('contended'));
    const calls: Call[] = Array.from({ length: 12 }, () => ['increment', 1, 1]);
    let error: { name?: string; code?: string; message?: string } | undefined;
    // One session: its queue's workers are up after the first attempt, so the tasks of later
    // attempts overlap (a fresh queue's second worker may start after 12 tiny tasks are done).
    const session = new CheckSession(contended, { workers: 2 });
    try {
      for (let attempt = 0; attempt < 8 && !error; attempt++) {
        try {
          // chaos: seeded pauses make these tiny tasks overlap (timing alone rarely does on warm workers).
          await assertSerializable(contended, calls, { modes: [brokenUnordered], chaos: true, session });
        } catch (e) {
          error = e as typeof error;
        }
      }
    } finally {
      await session.close();
    }
    expect(error).toMatchObject({ name: 'NotSerializableError', code: 'NOT_SERIALIZABLE' });
    expect(error?.message).toMatch(/^not serializable\ncalls \(queue seed 0\):\n {2}\s+0 {2}increment\(1, 1\)/);
    expect(error?.message).toMatch(/mode broken-stm .*NOT serializable/);
    expect(error?.message).toMatch(/dependency graph: G(-single|2|1c|0)/);
  });

  test('fast-check shrinks through assertSerializable', async () => {
    const contended = await loadWorkload(workloadUrl('contended'));
    const details = await fc.check(
      fc.asyncProperty(contended.calls, async (calls) => {
        await assertSerializable(contended, calls as Call[], { modes: [brokenUnordered], chaos: true });
      }),
      { seed, numRuns: 50 },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample![0].length).toBeLessThanOrEqual(6);
  });
});
