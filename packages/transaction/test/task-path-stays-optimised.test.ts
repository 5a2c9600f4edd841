/**
 * A queue's task path stays optimised from one batch to the next. Every thread makes a new
 * argument array for each batch and a task table for each loader; started as `[]`, their
 * hidden class changed with what they first held, and the workers' optimised claim loop
 * deoptimised on a later batch's first task (then V8 compiled it again on a background
 * thread, 25-40 ms competing with the workers on 2 cores). The warm-up also leaves the
 * paths of a real batch prepared (waking a sleeping thread at a finish). Real workers in a
 * process under `node --trace-deopt`; the count of deoptimisations is asserted, not a time.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/many-batches.mjs', import.meta.url));
/** The functions every task passes through in a worker (pool: execute, loader, shared-batch, descriptor). */
const TASK_PATH = /deoptimizing .*<JSFunction (loop|drain|select|byId|args|readArgs|callWith|attempt|committed|finish|wake|run) /;

test('12 batches on 2 workers: no deoptimisation of the task path after the first batch', () => {
  const out = execFileSync(process.execPath, ['--trace-deopt', fixture, '12'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const lines = out.split('\n');
  const afterFirst = lines.slice(lines.findIndex((line) => line.startsWith('batch 0:')));
  const deopts = afterFirst.filter((line) => TASK_PATH.test(line));
  console.log(`${deopts.length} deoptimisations of the task path in batches 1-11:\n${deopts.join('\n')}`);
  expect(lines.filter((line) => line === 'batch 11: 2000 commits')).toHaveLength(1);
  expect(out).toContain(JSON.stringify({ sum: 6000 })); // money conserved: the run itself is right
  expect(deopts.length).toBeLessThanOrEqual(1);
});
