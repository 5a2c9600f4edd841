/**
 * A queue's task path stays optimised from one batch to the next. Every thread makes a new
 * argument array for each batch and a task table for each loader; started as `[]`, their
 * hidden class changed with what they first held, and the workers' optimised claim loop
 * deoptimised on a later batch's first task (then V8 compiled it again on a background
 * thread, 25-40 ms competing with the workers on 2 cores). The warm-up also leaves the
 * paths of a real batch prepared (waking a sleeping thread at a finish), and the first batch
 * of new tasks keeps it too when they make sparse arrays or claim TMap keys. Real workers in
 * a process under `node --trace-deopt`; deoptimisations are counted, not times.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { traceBetween } from './helpers/first-batch-deopts.js';

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

/** The task-path functions V8 threw away ("marking dependent code") or deoptimised in the first batch of `kind`. */
function firstBatchLosses(kind: 'sparse' | 'map'): { losses: string[]; out: string } {
  const fixture = fileURLToPath(new URL('./fixtures/first-batch-sparse.mjs', import.meta.url));
  const { lines, out } = traceBetween(fixture, [kind], 'ready', 'batch: 2000 commits');
  const dropped = /marking dependent code .*SharedFunctionInfo (loop|drain|select|attempt|run|committed|begin)>/;
  const losses = lines.filter((line) => dropped.test(line) || TASK_PATH.test(line));
  console.log(`first batch of ${kind} tasks: ${losses.length} task-path functions lost\n${losses.join('\n')}`);
  return { losses, out };
}

test("a task that makes a sparse array does not cost the workers' task path its compiled code", () => {
  // Before: V8 had compiled the claim loop, the strategy's run and the attempt on the
  // promise that the hidden class of the argument and task arrays stays "stable"; the
  // user's first sparse array (a cache filled at scattered indices) broke it and threw
  // that code away in every worker ("marking dependent code ... code dependencies"),
  // recompiled while the batch ran (20-50 ms of a compiler thread per function).
  const { losses, out } = firstBatchLosses('sparse');
  const sum = Array.from({ length: 2000 }, (_, i) => `item:${(i * 7919) % 1_000_000}`.length).reduce((a, b) => a + b, 0);
  expect(out).toContain(JSON.stringify({ sum, keys: 0 })); // the run itself is right
  expect(losses).toEqual([]);
});

test("the first keys a TMap claims do not deoptimise the workers' task path", () => {
  // Before: the transaction's begin, inlined into the strategy's run, had no type feedback
  // for emptying the claims of an attempt that claimed a key (the warm-up never claimed
  // one): the run deoptimised at the first task after a claim, in every worker, and was
  // compiled again (40-50 ms of a compiler thread) while the batch ran.
  const { losses, out } = firstBatchLosses('map');
  expect(out).toContain(JSON.stringify({ sum: 0, keys: 1500 }));
  expect(losses).toEqual([]);
});
