/**
 * A GilQueue's workers keep their compiled task path through the user's first batch. They
 * warm up as the owner they run as (pool internal/warm-up.ts): warmed up as the calling
 * thread, which runs alone and never takes the lock, a worker's claim loop had no type
 * feedback for taking it and deoptimised at its first task, on every worker (then V8
 * compiled it again while the batch ran). Real workers under `node --trace-deopt`;
 * deoptimisations are counted, not times.
 */
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { traceBetween } from '../../transaction/test/helpers/first-batch-deopts.js';

const fixture = fileURLToPath(new URL('./fixtures/gil-first-batch.mjs', import.meta.url));
/** The functions every task passes through in a worker (pool execute.ts, the GIL strategy). */
const TASK_PATH = /deoptimizing .*<JSFunction (loop|drain|runSelected|select|attempt|committed|run|take|release) /;

test.each(['unordered', 'ordered'])('%s: no deoptimisation of the task path in the first batch on 2 workers', (mode) => {
  const { lines, out } = traceBetween(fixture, [mode], 'ready', 'batch: 3000 commits');
  const deopts = lines.filter((line) => TASK_PATH.test(line));
  console.log(`${mode}: ${deopts.length} deoptimisations of the task path in the first batch\n${deopts.join('\n')}`);
  expect(out).toContain(JSON.stringify({ sum: 6000 })); // money conserved: the run itself is right
  expect(deopts).toEqual([]);
});
