/**
 * The word-count workload (issue 12): its lines end in the same counts and results on plain
 * JS and on a real TransactionQueue (2 workers, unordered and ordered: the workload is
 * order-free, so both must equal plain JS exactly), and its invariant (every word counted
 * as often as it occurs, counts summing to the words reported) catches broken counts.
 * Runs the built code (dist/): the workers load the compiled task module.
 */
import { describe, expect, it } from 'vitest';
import { reference } from '../dist/executors/plain.js';
import type { RunOutcome } from '../dist/executors/types.js';
import { verify } from '../dist/verify.js';
import type { MapState } from '../dist/workloads/types.js';
import { wordCountTotals, wordCountVariant } from '../dist/workloads/wordcount.js';
import { tokenize, word, wordIndex, wordLine } from '../dist/words.js';
import { agreesOnRealQueues, outcomeOf } from './helpers/agrees.js';

// 300 lines with ~3 µs of spin over 30 words: every line shares words, so concurrent tasks conflict and re-run.
const variant = wordCountVariant('wordcount/test', 'word count test', 'test', 300, 1000, 30);
const expected = reference(variant);

describe('the word-count text', () => {
  it('is prose that tokenizes back into vocabulary words, the same on every call', () => {
    const line = wordLine(7, 4000);
    expect(line).toMatch(/^[A-Z][a-zA-Z ,.]*\.$/);
    expect(wordLine(7, 4000)).toBe(line);
    const words = tokenize(line);
    expect(words.length).toBeGreaterThanOrEqual(10);
    expect(words.length).toBeLessThanOrEqual(20);
    for (const w of words) expect(word(wordIndex(w))).toBe(w);
    for (let k = 0; k < 4000; k++) expect(wordIndex(word(k))).toBe(k);
  });
});

describe('word count on a real TransactionQueue', () => {
  // Order-free: unordered and ordered must both equal plain JS in add order exactly.
  agreesOnRealQueues(variant, 'counts and results', 'exact', (outcome) => {
    expect(outcome.state.counts).toEqual(wordCountTotals(variant.ops));
  });
});

describe('word count checks', () => {
  const counts = expected.state.counts as MapState;
  const keys = Object.keys(counts);
  const run = (m: MapState, results = expected.results): RunOutcome => outcomeOf({ counts: m }, results, variant.ops.length);

  it('plain JS counts every word of the text, and the invariant accepts it', () => {
    expect(keys.length).toBe(30);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe((expected.results as number[]).reduce((a, b) => a + b, 0));
    expect(verify(variant, 'invariants', run(counts), expected)).toBe('ok');
  });

  it('catches a lost count, a miscounted word and a result that does not match the counts', () => {
    const [a, b] = keys as [string, string];
    expect(verify(variant, 'invariants', run({ ...counts, [a]: counts[a]! - 1 }), expected)).toMatch(/sum to/);
    expect(verify(variant, 'invariants', run({ ...counts, [a]: counts[a]! - 1, [b]: counts[b]! + 1 }), expected)).toMatch(
      new RegExp(`counts\\{"${a}"\\}`),
    );
    const results = [...expected.results] as number[];
    results[3] = results[3]! + 1;
    expect(verify(variant, 'invariants', run(counts, results), expected)).toMatch(/reported/);
  });
});
