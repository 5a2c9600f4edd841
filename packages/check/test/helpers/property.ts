/** Seeds and run counts of the property suites: FC_SEED / FC_NUM_RUNS override them. */

/** The FC_SEED env variable, or one from the clock. Print it (STYLE: property tests print their seed). */
export function propertySeed(): number {
  return process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
}

/** FC_NUM_RUNS, or `fallback` (kept small: every run starts worker threads). */
export function numRuns(fallback: number): number {
  return process.env.FC_NUM_RUNS ? Number(process.env.FC_NUM_RUNS) : fallback;
}

/** A workload fixture's URL. */
export function workloadUrl(name: string): URL {
  return new URL(`../fixtures/workloads/${name}.mjs`, import.meta.url);
}
