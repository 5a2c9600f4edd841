/**
 * What a workload is: named numeric state, a list of operations, and the checks a final
 * state must pass. Every executor implements the same operations (see ../ops/), so one
 * variant runs identically everywhere.
 *
 * Operations (arguments are numbers; results are Values):
 *
 * | op        | args                 | does                                                                     |
 * | --------- | -------------------- | ------------------------------------------------------------------------ |
 * | transfer  | from, to, amount, w  | read both balances, spin(w), move `amount` if `from` has it; -> boolean    |
 * | compute   | i, w, slots          | h = spin(w, i); out[i % slots] += h & 0xffff; -> h                        |
 * | hotRmw    | i, w                 | v = hot; spin(w, i); hot = v + (h & 0xff) (read first: all conflict)     |
 * | hotAdd    | i, w                 | spin(w, i); hits.add(h & 0xff) (commutative: TCounter)                   |
 * | scan      |                      | sum of every account, read-only; -> the sum                               |
 * | spread    | seed, k, w           | keysFor(seed, k): read all, spin(w), move 1 from each other key to the first; -> moved |
 * | noop      |                      | nothing (dispatch cost); -> null                                           |
 * | accumulate| i, w, k, d           | h = spin(w, i); c = h % k; acc[c*(d+1) + j] += (h >>> j%16) & 0xff for j < d, count acc[c*(d+1) + d] += 1; -> c |
 * | mapMix    | t, w, n              | mapMixAccesses(t, n): 2 accesses of map `m`, spin(w, t), 2 more; a get reads m.get(key) ?? 0, a set adds x to it; -> sum of the values read |
 * | wordCount | t, w, n              | tokenize(wordLine(t, n)), spin(w, t); counts.update(word, c + 1) for each word; -> words on the line |
 * | produce   | p, k, w              | spin(w, p); jobs.push(jobId(p, k, j)) for j < k; -> k                      |
 * | consume   | w                    | x = jobs.shift(); if none -> null; else spin(w, x), total.add(x), done[x - 1] += 1; -> x |
 */

export type OpName =
  | 'transfer'
  | 'compute'
  | 'hotRmw'
  | 'hotAdd'
  | 'scan'
  | 'spread'
  | 'noop'
  | 'accumulate'
  | 'mapMix'
  | 'wordCount'
  | 'produce'
  | 'consume';

/** One task: an operation and its numeric arguments. */
export type Op = readonly [OpName, ...number[]];

/**
 * A named object of the state: a numeric array, a numeric variable, a commutative counter,
 * or a map from the string keys `mapKey(0)` ... `mapKey(length - 1)` (or `word(0)` ...
 * with `keys: 'words'`) to numbers, which starts empty (a TMap, a JS Map, a TxHashMap; the
 * lock-based executor keeps one slot and one lock per possible key), or a FIFO queue of
 * numbers, which starts empty (a TQueue, a JS array, an Effect TxQueue; for locks an array of
 * `length` slots after a head and a tail index, one lock for the whole queue).
 */
export interface StateObject {
  readonly name: string;
  readonly kind: 'array' | 'tvar' | 'counter' | 'map' | 'queue';
  /** Elements (1 for tvar and counter; for a map, the number of possible keys; for a queue, the most items ever pushed). */
  readonly length: number;
  /** Initial value of every element (a map starts empty: 0, unused). */
  readonly initial: number;
  /** A map's possible keys: `mapKey(k)` ('index', the default) or the vocabulary's `word(k)` ('words'). */
  readonly keys?: 'index' | 'words';
}

/** A map's reported state: its keys and values, keys sorted (`Map` order, strings as `<`). */
export type MapState = Readonly<Record<string, number>>;

/** A state as every executor reports it: arrays as number[], tvars and counters as numbers, maps as MapState, queues as number[] (front first). */
export type State = Record<string, number | number[] | MapState>;

/** A result per task, by index (booleans, numbers or null). */
export type Results = readonly unknown[];

/** One parameterised instance of a workload: what a table is printed for. */
export interface Variant {
  /** Unique id, `workload/params`, e.g. `bank/zipf-1.2`. */
  readonly id: string;
  readonly workload: string;
  /** Short label for charts and tables. */
  readonly title: string;
  /** One sentence: what the tasks do and why the variant exists. */
  readonly description: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly state: readonly StateObject[];
  readonly ops: readonly Op[];
  /**
   * True if the final state (and every result) does not depend on the order tasks run in:
   * then every executor, locks included, must match plain JS exactly.
   */
  readonly orderFree: boolean;
  /** Checks that hold exactly in any serial order (e.g. money is conserved); a problem or undefined. */
  invariants(state: State, results: Results): string | undefined;
  /**
   * True if a DESIGN.md or issue 10 target reads this variant's first batch: it gets at
   * least TARGET_FIRST_REPS first batches, whatever --first-reps says (unless 0).
   */
  readonly firstBatchTarget?: boolean;
  /** Position on the throughput-versus-contention chart, if the variant is on it. */
  readonly contention?: { readonly series: string; readonly accounts: number };
}

/** A family of variants sharing operations, sized for a full or a quick run. */
export interface Workload {
  readonly name: string;
  readonly description: string;
  variants(quick: boolean): Variant[];
}

/** The initial state of `objects`, in the reporting shape. */
export function initialState(objects: readonly StateObject[]): State {
  const state: State = {};
  for (const o of objects) {
    state[o.name] =
      o.kind === 'array'
        ? new Array<number>(o.length).fill(o.initial)
        : o.kind === 'map'
          ? {}
          : o.kind === 'queue'
            ? []
            : o.initial;
  }
  return state;
}

/** A map state from `entries`, keys sorted: the one reporting shape of every executor's maps. */
export function mapState(entries: Iterable<readonly [string, number]>): MapState {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
