/**
 * Anomalies of a recorded history, named by Adya's classes (Adya, Liskov, O'Neil,
 * "Generalized Isolation Level Definitions", ICDE 2000), the most severe first:
 *
 *   G0        write cycle: ww edges only (dirty writes)
 *   G1a       aborted read: a task read a version no committed task wrote
 *   G1c       circular information flow: a cycle of ww and wr edges
 *   G-single  a cycle with exactly one rw edge (lost update, read skew)
 *   G2        a cycle with rw edges (write skew)
 *
 * G1b (intermediate reads) cannot occur here: a task writes each key once, at commit.
 *
 * Search: strongly connected components of the whole graph first (linear; a serializable
 * run has none with two tasks, and the search stops there). Inside a component: a G0
 * cycle over ww edges, then G1c over ww+wr, then for each rw edge u->v a ww/wr path
 * v ~> u (G-single), then any cycle (G2). Each cycle is the shortest through its start.
 */
import type { TaskHistory, TaskId } from '@ame/pool';
import {
  buildDependencyGraph,
  type DependencyEdge,
  type DependencyGraph,
  type EdgeKind,
  type GraphOptions,
} from './dependency-graph.js';

/** Adya's anomaly classes this checker reports. */
export type AnomalyClass = 'G0' | 'G1a' | 'G1c' | 'G-single' | 'G2';

/** One step of a cycle: `from` depends-on-edge `to`, on `key`. */
export interface CycleStep {
  readonly from: TaskId;
  readonly to: TaskId;
  readonly kind: EdgeKind;
  readonly key: string;
  readonly fromVersion: number;
  readonly toVersion: number;
}

/** A detected anomaly: its class, the cycle (tasks and keys) and a one-line message. */
export interface Anomaly {
  readonly kind: AnomalyClass;
  /** What the class means, in words. */
  readonly description: string;
  /** The cycle, back to its first task (empty for G1a). */
  readonly cycle: readonly CycleStep[];
  /** Tasks involved, in cycle order. */
  readonly tasks: readonly TaskId[];
  /** Keys involved, in cycle order, without repeats. */
  readonly keys: readonly string[];
  readonly message: string;
}

const DESCRIPTIONS: Record<AnomalyClass, string> = {
  G0: 'write cycle: tasks overwrote each other in opposite orders (dirty write)',
  G1a: 'aborted read: a task read a version that no committed task wrote',
  G1c: "circular information flow: each task saw or overwrote the next one's writes",
  'G-single': 'single anti-dependency cycle: a task missed one write it should have seen (lost update, read skew)',
  G2: "anti-dependency cycle: tasks missed each other's writes (write skew)",
};

/**
 * The most severe anomaly in `history`, or undefined if its dependency graph is acyclic
 * (the run is conflict-serializable).
 *
 * @param history `report.history` of a run with `recordHistory: true` (indexed by task)
 * @param options.startVersion the heap version before the run, to detect G1a
 * @example
 * const anomaly = findAnomaly(report.history!, { startVersion });
 * if (anomaly) console.log(anomaly.message);
 * // G2 (...): task 0 (a) -[rw y: read v0, next v2]-> task 1 (b) -[rw x: read v0, next v1]-> task 0 (a)
 */
export function findAnomaly(history: readonly (TaskHistory | undefined)[], options: GraphOptions = {}): Anomaly | undefined {
  return classify(buildDependencyGraph(history, options));
}

/** The most severe anomaly of a built graph. */
export function classify(graph: DependencyGraph): Anomaly | undefined {
  const components = stronglyConnected(graph, () => true).filter((c) => c.length > 1);
  const id = (index: number): TaskId => ({ index, task: graph.names.get(index) ?? '?' });
  const make = (kind: AnomalyClass, edges: readonly DependencyEdge[]): Anomaly => {
    const cycle = edges.map((e) => ({
      from: id(e.from),
      to: id(e.to),
      kind: e.kind,
      key: e.key,
      fromVersion: e.fromVersion,
      toVersion: e.toVersion,
    }));
    const message = `${kind} (${DESCRIPTIONS[kind]}): ${cycle.map((s) => `${showId(s.from)} ${showEdge(s)}`).join(' ')} ${showId(cycle[0]!.from)}`;
    return {
      kind,
      description: DESCRIPTIONS[kind],
      cycle,
      tasks: cycle.map((s) => s.from),
      keys: [...new Set(cycle.map((s) => s.key))],
      message,
    };
  };
  for (const component of components) {
    const cycle = cycleWithin(graph, component, (e) => e.kind === 'ww');
    if (cycle) return make('G0', cycle);
  }
  const aborted = graph.abortedReads[0];
  if (aborted) {
    const task = id(aborted.task);
    return {
      kind: 'G1a',
      description: DESCRIPTIONS.G1a,
      cycle: [],
      tasks: [task],
      keys: [aborted.key],
      message: `G1a (${DESCRIPTIONS.G1a}): ${showId(task)} read ${aborted.key} at version ${aborted.version}, which no committed task wrote`,
    };
  }
  if (components.length === 0) return undefined;
  for (const component of components) {
    const cycle = cycleWithin(graph, component, (e) => e.kind !== 'rw');
    if (cycle) return make('G1c', cycle);
  }
  for (const component of components) {
    const members = new Set(component);
    const rws = graph.edges.filter((e) => e.kind === 'rw' && members.has(e.from) && members.has(e.to));
    for (const rw of rws) {
      const path = shortestPath(graph, members, rw.to, rw.from, (e) => e.kind !== 'rw');
      if (path) return make('G-single', [rw, ...path]);
    }
  }
  for (const component of components) {
    const cycle = cycleWithin(graph, component, () => true);
    if (cycle) return make('G2', cycle);
  }
  return undefined;
}

function showId(id: TaskId): string {
  return `task ${id.index} (${id.task})`;
}

function showEdge(step: CycleStep): string {
  if (step.kind === 'wr') return `-[wr ${step.key}: read v${step.fromVersion}]->`;
  if (step.kind === 'ww') return `-[ww ${step.key}: v${step.fromVersion} then v${step.toVersion}]->`;
  return `-[rw ${step.key}: read v${step.fromVersion}, next v${step.toVersion}]->`;
}

/** A shortest cycle inside `component` over edges passing `keep`, through some member. */
function cycleWithin(
  graph: DependencyGraph,
  component: readonly number[],
  keep: (e: DependencyEdge) => boolean,
): DependencyEdge[] | undefined {
  const members = new Set(component);
  for (const inner of stronglyConnected(graph, keep, members)) {
    if (inner.length < 2) continue;
    const start = Math.min(...inner);
    const innerSet = new Set(inner);
    for (const edge of graph.out.get(start) ?? []) {
      if (!keep(edge) || !innerSet.has(edge.to)) continue;
      const back = shortestPath(graph, innerSet, edge.to, start, keep);
      if (back) return [edge, ...back];
    }
  }
  return undefined;
}

/** Breadth-first: the shortest path from `from` to `to` inside `members` over `keep` edges. */
function shortestPath(
  graph: DependencyGraph,
  members: ReadonlySet<number>,
  from: number,
  to: number,
  keep: (e: DependencyEdge) => boolean,
): DependencyEdge[] | undefined {
  if (from === to) return [];
  const via = new Map<number, DependencyEdge>();
  const queue = [from];
  const seen = new Set([from]);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const edge of graph.out.get(node) ?? []) {
      if (!keep(edge) || !members.has(edge.to) || seen.has(edge.to)) continue;
      seen.add(edge.to);
      via.set(edge.to, edge);
      if (edge.to === to) {
        const path: DependencyEdge[] = [];
        for (let at = to; at !== from; ) {
          const step = via.get(at)!;
          path.push(step);
          at = step.from;
        }
        return path.reverse();
      }
      queue.push(edge.to);
    }
  }
  return undefined;
}

/** Tarjan's strongly connected components (iterative), over `keep` edges inside `within`. */
function stronglyConnected(
  graph: DependencyGraph,
  keep: (e: DependencyEdge) => boolean,
  within?: ReadonlySet<number>,
): number[][] {
  const nodes = within ? graph.nodes.filter((n) => within.has(n)) : graph.nodes;
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: number; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.out.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const edge = edges[frame.edge++]!;
        if (!keep(edge) || (within && !within.has(edge.to))) continue;
        const next = edge.to;
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          work.push({ node: next, edge: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: number[] = [];
        for (let node = stack.pop()!; ; node = stack.pop()!) {
          onStack.delete(node);
          component.push(node);
          if (node === frame.node) break;
        }
        components.push(component);
      }
    }
  }
  return components;
}
