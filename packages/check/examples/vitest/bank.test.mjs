// bank.test.mjs: a serializability property and a whole fuzz in a vitest suite
// (with vitest.config.mjs beside it: its testTimeout).
import { assertSerializable, CheckSession, fuzz, loadWorkload } from '@ame/check';
import { test } from '@fast-check/vitest';
import { afterAll, expect } from 'vitest';

const workload = await loadWorkload(new URL('../bank-workload.mjs', import.meta.url));

// One heap and queue per mode for all the lists (starting workers per list costs far more).
const session = new CheckSession(workload, { workers: 2 });
afterAll(() => session.close());

// A property: fast-check generates the lists and shrinks failures.
test.prop([workload.calls], { numRuns: 20 })('bank is serializable', async (calls) => {
  await assertSerializable(workload, calls, { modes: ['unordered', 'ordered'], session });
});

// Or the whole fuzzer (it keeps its own queues), with a replay file if it finds a failure.
test('bank fuzz', async () => {
  const result = await fuzz({ workload, runs: 50, seed: 42, replayDir: 'test-results', log: false });
  expect(result.status).toBe('serializable');
});
