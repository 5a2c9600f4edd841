/**
 * The dependency-graph check on hand-made histories: each of Adya's anomaly classes is
 * detected and named, with the cycle's tasks and keys; serializable histories pass.
 * Version 0 is the initial state; writes of one task share its commit version.
 */
import { describe, expect, test } from 'vitest';
import type { TaskHistory } from '@ame/pool';
import { buildDependencyGraph, findAnomaly } from '../src/index.js';

type Access = readonly [string, number];
function tx(index: number, reads: Access[], writes: Access[], task = `t${index}`): TaskHistory {
  return { index, task, reads, writes, version: writes[0]?.[1] ?? 0 };
}

describe('anomalies are detected and named', () => {
  test('G0: two tasks overwrite x and y in opposite orders', () => {
    const history = [
      tx(
        0,
        [],
        [
          ['x', 1],
          ['y', 4],
        ],
      ),
      tx(
        1,
        [],
        [
          ['x', 2],
          ['y', 3],
        ],
      ),
    ];
    const anomaly = findAnomaly(history);
    expect(anomaly?.kind).toBe('G0');
    expect(anomaly?.cycle.map((s) => [s.from.index, s.kind, s.key, s.to.index])).toEqual([
      [0, 'ww', 'x', 1],
      [1, 'ww', 'y', 0],
    ]);
    expect(anomaly?.message).toMatch(/^G0 \(write cycle/);
  });

  test('G1a: a task read a version no committed task wrote (an aborted write)', () => {
    const history = [tx(0, [['x', 7]], [['y', 8]])];
    const anomaly = findAnomaly(history, { startVersion: 1 });
    expect(anomaly).toMatchObject({ kind: 'G1a', keys: ['x'], tasks: [{ index: 0, task: 't0' }] });
    expect(anomaly?.message).toContain('read x at version 7');
    // Without the run's start version, version 7 could be initial state: no G1a claim.
    expect(findAnomaly(history)).toBeUndefined();
  });

  test('G1c: each task read what the other wrote', () => {
    const history = [tx(0, [['y', 2]], [['x', 1]]), tx(1, [['x', 1]], [['y', 2]])];
    const anomaly = findAnomaly(history);
    expect(anomaly?.kind).toBe('G1c');
    expect(anomaly?.cycle.every((s) => s.kind === 'wr')).toBe(true);
    expect(anomaly?.keys).toEqual(expect.arrayContaining(['x', 'y']));
  });

  test('G-single: a lost update (both read counter at v0, both wrote it)', () => {
    const history = [
      tx(0, [['counter', 0]], [['counter', 1]], 'increment'),
      tx(1, [['counter', 0]], [['counter', 2]], 'increment'),
    ];
    const anomaly = findAnomaly(history);
    expect(anomaly?.kind).toBe('G-single');
    expect(anomaly?.cycle.filter((s) => s.kind === 'rw')).toHaveLength(1);
    expect(anomaly?.message).toContain('task 1 (increment) -[rw counter: read v0, next v1]-> task 0 (increment)');
    expect(anomaly?.message).toContain('-[ww counter: v1 then v2]->');
  });

  test('G-single: read skew (a reader saw x before and y after a writer)', () => {
    const history = [
      tx(
        0,
        [],
        [
          ['x', 1],
          ['y', 1],
        ],
        'write',
      ),
      tx(
        1,
        [
          ['x', 0],
          ['y', 1],
        ],
        [['z', 2]],
        'audit',
      ),
    ];
    expect(findAnomaly(history)?.kind).toBe('G-single');
  });

  test('G2: write skew (each read what the other overwrote)', () => {
    const history = [
      tx(
        0,
        [
          ['x', 0],
          ['y', 0],
        ],
        [['x', 1]],
        'oncall-a',
      ),
      tx(
        1,
        [
          ['x', 0],
          ['y', 0],
        ],
        [['y', 2]],
        'oncall-b',
      ),
    ];
    const anomaly = findAnomaly(history);
    expect(anomaly?.kind).toBe('G2');
    expect(anomaly?.cycle.map((s) => s.kind)).toEqual(['rw', 'rw']);
    expect(anomaly?.keys).toEqual(['y', 'x']);
  });

  test('the most severe class is reported when several cycles exist', () => {
    const history = [
      tx(
        0,
        [],
        [
          ['x', 1],
          ['y', 4],
        ],
      ),
      tx(
        1,
        [],
        [
          ['x', 2],
          ['y', 3],
        ],
      ), // G0 with task 0
      tx(
        2,
        [
          ['a', 0],
          ['b', 0],
        ],
        [['a', 5]],
      ),
      tx(
        3,
        [
          ['a', 0],
          ['b', 0],
        ],
        [['b', 6]],
      ), // G2 with task 2
    ];
    expect(findAnomaly(history)?.kind).toBe('G0');
  });
});

describe('serializable histories pass', () => {
  test("a serial history: each task reads the previous one's writes", () => {
    const history = [
      tx(0, [['x', 0]], [['x', 1]]),
      tx(
        1,
        [
          ['x', 1],
          ['y', 0],
        ],
        [
          ['x', 2],
          ['y', 2],
        ],
      ),
      tx(
        2,
        [
          ['x', 2],
          ['y', 2],
        ],
        [],
      ), // read-only
    ];
    expect(findAnomaly(history, { startVersion: 0 })).toBeUndefined();
  });

  test('a read-only task on an older snapshot is serialized before later writers (no cycle)', () => {
    const history = [
      tx(0, [], [['x', 1]]),
      tx(1, [], [['y', 2]]),
      tx(
        2,
        [
          ['x', 1],
          ['y', 0],
        ],
        [],
      ),
    ];
    expect(findAnomaly(history)).toBeUndefined();
    const edges = buildDependencyGraph(history).edges.map((e) => `${e.from}-${e.kind}-${e.to}`);
    expect(edges).toEqual(expect.arrayContaining(['0-wr-2', '2-rw-1']));
  });

  test('blind writes (counter adds) only order the writers', () => {
    const history = [tx(0, [], [['hits', 1]]), tx(1, [], [['hits', 2]]), tx(2, [], [['hits', 3]])];
    expect(findAnomaly(history)).toBeUndefined();
    expect(buildDependencyGraph(history).edges.map((e) => e.kind)).toEqual(['ww', 'ww']);
  });

  test('a task that reads and writes the same key has no self-edge', () => {
    expect(buildDependencyGraph([tx(0, [['x', 0]], [['x', 1]])]).edges).toEqual([]);
  });

  test('failed and unrecorded tasks (holes in the history) are skipped', () => {
    expect(findAnomaly([undefined, tx(1, [['x', 0]], [['x', 1]]), undefined])).toBeUndefined();
  });
});
