/**
 * After one transaction that writes 100,000 cells (a typical set-up), small transactions
 * commit through optimised code, validated and in direct mode. On Node 20, V8 compiled the
 * commit function on the stack during the big commit's loops, with no type feedback for
 * what followed them, and every later small commit entered that code and deoptimised
 * (hundreds to thousands of deoptimisations of the commit function in 50,000 commits). commit.ts keeps each loop in a function of its own. Real processes under
 * `node --trace-deopt`; the count, not a time, is asserted.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/big-then-small-commits.mjs', import.meta.url));

describe.each(['versioned', 'direct'])('%s mode', (mode) => {
  test('50,000 small commits after a 100,000-cell commit do not keep deoptimising the commit path', () => {
    const out = execFileSync(process.execPath, ['--trace-deopt', fixture, mode], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    const deopts = out.split('\n').filter((line) => /deoptimizing .*<JSFunction commitUpdate\b/.test(line));
    console.log(`${mode}: ${deopts.length} deoptimisations of the commit function`);
    expect(out).toContain(JSON.stringify({ sum: 100_000 * 1000 })); // money conserved: the run itself is right
    expect(deopts.length).toBeLessThan(20);
  });
});
