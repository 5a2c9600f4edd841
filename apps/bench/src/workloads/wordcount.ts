/**
 * Word count (issue 12): task `t` takes line `t` of a made-up text (10-20 words from a
 * vocabulary of a few thousand, Zipf-distributed: ../words.ts), tokenizes and lowercases it,
 * does some CPU work (spin), then adds 1 to the count of each of its words in the map
 * `counts`: about 30 µs per line. The baseline is a plain JS `Map`; the @ame queues use a
 * TMap (`update`: per-key conflicts, and the commonest words are on most lines), Effect a
 * TxHashMap, the lock-based executor a lock per vocabulary word.
 *
 * Counts only add and a task's result is its own word count, so the final map and every
 * result are the same in any order: the variant is order-free (every executor must match
 * plain JS exactly). The invariants check the counts against the text itself.
 */
import { tokenize, WORD_SKEW, WORDS_MAX, WORDS_MIN, wordLine } from '../words.js';
import { mapState, type MapState, type Op, type Results, type State, type Variant, type Workload } from './types.js';

/** Spin iterations per line (about 25 µs; making and tokenizing the line adds a few). */
const WORK = 8_000;
/** Words in the vocabulary. */
const VOCABULARY = 4_000;

/** The counts every order of `ops` reaches: each word's occurrences in their lines. */
export function wordCountTotals(ops: readonly Op[]): MapState {
  const counts = new Map<string, number>();
  for (const op of ops) for (const w of tokenize(wordLine(op[1]!, op[3]!))) counts.set(w, (counts.get(w) ?? 0) + 1);
  return mapState(counts);
}

/**
 * The counts in map `counts` sum to the words the tasks reported, and each word's count is
 * its number of occurrences in the text (true in any order); a problem or undefined.
 */
export function wordCountInvariant(expected: MapState, state: State, results: Results): string | undefined {
  const counts = state.counts;
  if (counts === undefined || typeof counts === 'number' || Array.isArray(counts)) return 'no map counts in the final state';
  const sum = Object.values(counts).reduce((a, b) => a + b, 0);
  const reported = results.reduce<number>((a, r) => a + (r as number), 0);
  if (sum !== reported) return `the counts sum to ${sum}, but the tasks reported ${reported} words`;
  for (const key of new Set([...Object.keys(expected), ...Object.keys(counts)])) {
    if (counts[key] !== expected[key]) return `counts{"${key}"} is ${counts[key]}, expected ${expected[key]} (its occurrences)`;
  }
  return undefined;
}

/** A word-count variant: lines 0 ... `tasks` - 1 over a vocabulary of `words`, `work` spin iterations each. */
export function wordCountVariant(
  id: string,
  title: string,
  description: string,
  tasks: number,
  work: number,
  words: number,
): Variant {
  const ops: Op[] = Array.from({ length: tasks }, (_, t) => ['wordCount', t, work, words] as const);
  const expected = wordCountTotals(ops);
  return {
    id,
    workload: id.split('/')[0]!,
    title,
    description,
    params: { tasks, work, words, skew: WORD_SKEW },
    state: [{ name: 'counts', kind: 'map', length: words, initial: 0, keys: 'words' }],
    ops,
    orderFree: true,
    invariants: (state, results) => wordCountInvariant(expected, state, results),
  };
}

export const wordcount: Workload = {
  name: 'wordcount',
  description: `~30 µs per line of ${WORDS_MIN}-${WORDS_MAX} words (tokenize, spin), then +1 per word in a map of up to ${VOCABULARY} words (Zipf s=${WORD_SKEW})`,
  variants(quick) {
    const tasks = quick ? 2500 : 6000;
    return [
      wordCountVariant(
        'wordcount/zipf-1.0',
        'word count',
        `${tasks} lines of ${WORDS_MIN}-${WORDS_MAX} words from ${VOCABULARY} (Zipf s=${WORD_SKEW}): tokenize, ~25 µs of CPU, +1 per word in a shared map (issue 12)`,
        tasks,
        WORK,
        VOCABULARY,
      ),
    ];
  },
};
