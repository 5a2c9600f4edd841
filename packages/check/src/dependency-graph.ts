/**
 * The direct serialization graph (Adya) of a run, from its recorded history: one node per
 * committed task, one edge per dependency, labelled with the key and versions.
 *
 *   ww  T1 -> T2  T2 wrote the version of k right after T1's (version order of k)
 *   wr  T1 -> T2  T2 read the version of k that T1 wrote
 *   rw  T1 -> T2  T1 read a version of k, T2 wrote the next one (anti-dependency)
 *
 * Version 0, and every version at or below the run's start version, is the initial state
 * (setup, or commits outside the batch): it has no writer node. A serializable run has an
 * acyclic graph; see anomaly.ts for what a cycle means.
 */
import type { TaskHistory } from '@ame/pool';

/** Dependency kinds. */
export type EdgeKind = 'ww' | 'wr' | 'rw';

/** One dependency between two committed tasks. */
export interface DependencyEdge {
  readonly from: number;
  readonly to: number;
  readonly kind: EdgeKind;
  readonly key: string;
  /** ww, wr: the version `from` wrote; rw: the version `from` read. */
  readonly fromVersion: number;
  /** ww, rw: the version `to` wrote; wr: the version `to` read (= fromVersion). */
  readonly toVersion: number;
}

/** A read of a version that no committed task (and not the initial state) wrote: G1a. */
export interface AbortedRead {
  readonly task: number;
  readonly key: string;
  readonly version: number;
}

/** The graph: nodes are task indices. */
export interface DependencyGraph {
  readonly nodes: readonly number[];
  readonly edges: readonly DependencyEdge[];
  /** Outgoing edges by node. */
  readonly out: ReadonlyMap<number, readonly DependencyEdge[]>;
  readonly abortedReads: readonly AbortedRead[];
  /** Task names by index. */
  readonly names: ReadonlyMap<number, string>;
}

/** Options of buildDependencyGraph. */
export interface GraphOptions {
  /**
   * The heap's version before the run. Reads of versions above it that no task of the
   * history wrote are aborted reads (G1a). Default: unknown (no G1a check).
   */
  startVersion?: number;
}

/**
 * Builds the dependency graph of `history` (indexed by task; undefined entries, failed or
 * not recorded tasks, are skipped).
 */
export function buildDependencyGraph(history: readonly (TaskHistory | undefined)[], options: GraphOptions = {}): DependencyGraph {
  const nodes: number[] = [];
  const names = new Map<number, string>();
  /** key -> writers sorted by version. */
  const writers = new Map<string, { version: number; task: number }[]>();
  /** `key@version` -> writer. */
  const writerOf = new Map<string, number>();
  for (const h of history) {
    if (!h) continue;
    nodes.push(h.index);
    names.set(h.index, h.task);
    for (const [key, version] of h.writes) {
      let list = writers.get(key);
      if (!list) writers.set(key, (list = []));
      list.push({ version, task: h.index });
      writerOf.set(`${key}@${version}`, h.index);
    }
  }
  for (const list of writers.values()) list.sort((a, b) => a.version - b.version || a.task - b.task);

  const edges: DependencyEdge[] = [];
  const abortedReads: AbortedRead[] = [];
  const add = (edge: DependencyEdge): void => {
    if (edge.from !== edge.to) edges.push(edge);
  };
  for (const [key, list] of writers) {
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      add({ from: a.task, to: b.task, kind: 'ww', key, fromVersion: a.version, toVersion: b.version });
    }
  }
  for (const h of history) {
    if (!h) continue;
    for (const [key, version] of h.reads) {
      const writer = writerOf.get(`${key}@${version}`);
      if (writer !== undefined) add({ from: writer, to: h.index, kind: 'wr', key, fromVersion: version, toVersion: version });
      else if (options.startVersion !== undefined && version > options.startVersion)
        abortedReads.push({ task: h.index, key, version });
      const next = nextWriter(writers.get(key), version);
      if (next) add({ from: h.index, to: next.task, kind: 'rw', key, fromVersion: version, toVersion: next.version });
    }
  }
  const out = new Map<number, DependencyEdge[]>(nodes.map((n) => [n, []]));
  for (const edge of edges) out.get(edge.from)?.push(edge);
  return { nodes, edges, out, abortedReads, names };
}

/** The writer of the first version after `version` (binary search). */
function nextWriter(
  list: readonly { version: number; task: number }[] | undefined,
  version: number,
): { version: number; task: number } | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.version > version) hi = mid;
    else lo = mid + 1;
  }
  return list[lo];
}
