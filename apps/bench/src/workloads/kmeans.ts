/**
 * k-means-style accumulation: each task does ~4 µs of compute to pick a cluster, then
 * adds its point into that cluster's running sums: ~50 transactional read-modify-writes
 * (49 coordinates and a count). Tasks conflict when two concurrent ones pick the same
 * cluster; the sums are integers, so the final state is the same in any order.
 */
import type { Workload } from './types.js';

/** Spin iterations per task (about 4 µs). */
const WORK = 1250;
/** Clusters: two concurrent tasks pick the same one about 1 time in 8. */
const CLUSTERS = 8;
/** Coordinates per point: with the count, 50 read-modify-writes per task. */
const DIMS = 49;

export const kmeans: Workload = {
  name: 'kmeans',
  description: `k-means-style accumulation: ~4 µs of compute, then ${DIMS + 1} read-modify-writes into one of ${CLUSTERS} clusters' sums`,
  variants(quick) {
    const tasks = quick ? 2000 : 5000;
    return [
      {
        id: 'kmeans/accumulate',
        workload: 'kmeans',
        title: 'k-means accumulate',
        description: `${tasks} tasks: ~4 µs of compute, then ${DIMS + 1} read-modify-writes into one of ${CLUSTERS} clusters (sums and count)`,
        params: { tasks, work: WORK, clusters: CLUSTERS, dims: DIMS },
        state: [{ name: 'acc', kind: 'array', length: CLUSTERS * (DIMS + 1), initial: 0 }],
        ops: Array.from({ length: tasks }, (_, i) => ['accumulate', i, WORK, CLUSTERS, DIMS] as const),
        orderFree: true,
        invariants: () => undefined,
      },
    ];
  },
};
