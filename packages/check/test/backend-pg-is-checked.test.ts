/**
 * Backend pg: the checker runs the workload on PgQueues (@ame/pg) on a real embedded
 * PostgreSQL (started by the session of each check, stopped by its close()) and compares
 * every run with the STM oracles, as for the STM modes.
 *
 * - The shipped bank example fuzzed with backend pg (unordered and ordered) is serializable;
 *   PgQueue records report.history, so every verdict's dependency graph was checked
 *   (acyclic), with reads of setup's versions not taken for aborted reads.
 * - A deliberately broken PgQueue (AME_PG_FAULT=skip-validation: ame_commit gets no reads,
 *   so stale reads commit) is caught as not serializable, with the difference named and a
 *   dependency cycle; fuzzing it shrinks the counterexample and writes a replay file that
 *   reproduces it without PostgreSQL.
 * - The CLI: `--backend pg` runs a fuzz on PostgreSQL (exit 0); a bad backend, or a mode pg
 *   does not run, is a usage error (exit 2, message names it); without @ame/pg installed
 *   (simulated by a resolve hook) it exits 2 saying how to install it, and backend stm
 *   still works.
 *
 * Replay the fuzz with FC_SEED=<seed>.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  CheckSession,
  checkCalls,
  formatCallsVerdict,
  formatFuzzResult,
  fuzz,
  type FuzzResult,
  loadWorkload,
  replayFailure,
  resolveBackend,
  resolveExecutors,
  type Call,
} from '../src/index.js';
import { runCli } from './helpers/cli.js';
import { propertySeed, workloadUrl } from './helpers/property.js';

const seed = propertySeed();
console.log(`backend-pg-is-checked: fast-check seed ${seed} (replay with FC_SEED=${seed})`);
const bank = new URL('../examples/bank-workload.mjs', import.meta.url);

describe('backend pg', () => {
  test('the bank example fuzzed on PostgreSQL is serializable, its histories acyclic', async () => {
    const result = await fuzz({ workload: bank, runs: 3, seed, backend: 'pg', replayDir: null, log: false });
    expect(result.status).toBe('serializable');
    expect(result.backend).toBe('pg');
    expect(result.modes).toEqual(['unordered', 'ordered']);
    expect(result.runs).toBe(3);

    const calls: Call[] = [
      ['transfer', 0, 1, 30],
      ['transfer', 1, 2, 50],
      ['transfer', 0, 2, 200],
    ];
    const verdict = await checkCalls(bank, calls, { backend: 'pg', seed: 7 });
    expect(verdict.ok).toBe(true);
    expect(verdict.verdicts.map((v) => [v.mode, v.record.backend, v.graph, v.anomaly])).toEqual([
      ['unordered', 'pg', 'checked', undefined],
      ['ordered', 'pg', 'checked', undefined],
    ]);
    const record = verdict.verdicts[0]!.record;
    expect(record.results).toEqual([true, true, false]);
    // Every task read its accounts; the two transfers wrote theirs at their commit seq.
    const history = record.history!;
    expect(history.map((h) => h?.reads.map(([key]) => key).sort())).toEqual([
      ['accounts[0]', 'accounts[1]'],
      ['accounts[1]', 'accounts[2]'],
      ['accounts[0]'],
    ]);
    expect(history[0]!.writes.map(([key]) => key).sort()).toEqual(['accounts[0]', 'accounts[1]']);
    expect(history[0]!.writes.every(([, v]) => v === history[0]!.version && v > record.startVersion)).toBe(true);
    expect(history[2]!.writes).toEqual([]);
  }, 90_000);

  test('a PgQueue that skips read validation is caught as not serializable', async () => {
    const workload = await loadWorkload(workloadUrl('contended'));
    const calls: Call[] = Array.from({ length: 200 }, () => ['increment', 1, 0] as Call);
    const session = new CheckSession(workload, { workers: 2 });
    process.env.AME_PG_FAULT = 'skip-validation'; // read by the PgQueue workers when they start
    try {
      let caught: Awaited<ReturnType<typeof checkCalls>> | undefined;
      // Lost updates need two workers' batches to overlap: almost always at once, 5 tries at most.
      for (let attempt = 0; attempt < 5 && !caught; attempt++) {
        const verdict = await checkCalls(workload, calls, { backend: 'pg', modes: ['unordered'], seed: attempt, session });
        if (!verdict.ok) caught = verdict;
      }
      expect(caught, 'the broken PgQueue was not caught in 5 runs').toBeDefined();
      const failing = caught!.verdicts[0]!;
      expect(failing.mode).toBe('unordered');
      expect(failing.record.backend).toBe('pg');
      expect(failing.differences.length).toBeGreaterThan(0);
      // The counter lost updates: the heap (or a task's result) differs from the replay.
      expect(failing.differences.some((d) => d.kind === 'heap' || d.task !== undefined)).toBe(true);
      const text = formatCallsVerdict(caught!);
      expect(text).toContain('not serializable');
      expect(text).toContain('mode unordered on pg');
      expect(caught!.nondeterministic).toBeUndefined();
      // The lost updates also show in the recorded history: a dependency cycle.
      expect(failing.graph).toBe('checked');
      expect(failing.anomaly, formatCallsVerdict(caught!)).toBeDefined();
      console.log(`broken pg run: ${failing.differences[0]?.message}; anomaly ${failing.anomaly?.kind}`);
    } finally {
      delete process.env.AME_PG_FAULT;
      await session.close();
    }
  }, 90_000);

  test('fuzzing the broken PgQueue finds, shrinks and records a counterexample that replays without PostgreSQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ame-check-pg-'));
    process.env.AME_PG_FAULT = 'skip-validation';
    let result: FuzzResult;
    try {
      result = await fuzz({
        workload: workloadUrl('contended'),
        runs: 10,
        seed,
        backend: 'pg',
        modes: ['unordered'],
        replayDir: dir,
        shrinkRepeats: 1,
        shrinkTimeLimitMs: 10_000,
        log: false,
      });
    } finally {
      delete process.env.AME_PG_FAULT;
    }
    expect(result.status).toBe('counterexample');
    const c = result.counterexample!;
    console.log(`broken pg fuzz: caught after ${result.runs} lists, shrunk to ${c.calls.length} calls`);
    expect(c.failing?.record.backend).toBe('pg');
    expect(formatFuzzResult(result)).toContain('--modes unordered --backend pg');
    // The replay file is checked again on the STM oracle alone: no server needed.
    const replay = await replayFailure(c.replayFile!);
    expect(replay.reproduced).toBe(true);
    expect(replay.same).toBe(true);
  }, 90_000);

  test('backend and mode options are checked', () => {
    expect(resolveBackend(undefined)).toBe('stm');
    expect(resolveBackend('pg')).toBe('pg');
    expect(() => resolveBackend('mysql')).toThrow(/unknown backend "mysql"; expected one of stm, pg/);
    expect(() => resolveExecutors('pg', ['gil'])).toThrow(/backend pg runs the modes unordered, ordered \(PgQueue\), not "gil"/);
    expect(resolveExecutors('pg', ['ordered']).map((e) => e.name)).toEqual(['ordered']);
  });
});

describe('ame-check --backend', () => {
  test('--backend pg fuzzes on PostgreSQL, exit 0', async () => {
    const r = await runCli(['fuzz', 'examples/bank-workload.mjs', '--backend', 'pg', '--runs', '1', '--seed', '3', '--quiet']);
    expect(r.stdout).toContain('ame-check: examples/bank-workload.mjs is serializable');
    expect(r.stdout).toContain('--seed 3 --runs 1 --backend pg');
    expect(r.stdout).toContain('backend pg (PostgreSQL via @ame/pg)');
    expect(r.code).toBe(0);
  }, 90_000);

  test('--backend pg without @ame/pg installed: BackendUnavailableError, exit 2', async () => {
    const hook = fileURLToPath(new URL('./fixtures/hooks/without-ame-pg.mjs', import.meta.url));
    const r = await runCli(['fuzz', 'examples/bank-workload.mjs', '--backend', 'pg', '--runs', '1', '--quiet'], undefined, [
      '--import',
      hook,
    ]);
    expect(r.stderr).toContain('backend pg: the optional dependency @ame/pg is not installed');
    expect(r.stderr).toContain('npm install --save-dev @ame/pg');
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(2);
    // Backend stm does not load @ame/pg at all.
    const stm = await runCli(['fuzz', 'examples/bank-workload.mjs', '--runs', '1', '--seed', '1', '--quiet'], undefined, [
      '--import',
      hook,
    ]);
    expect(stm.code).toBe(0);
  }, 60_000);

  test.each([
    [['--backend', 'mysql'], /unknown backend "mysql"; backends: stm, pg/],
    [['--backend', 'pg', '--modes', 'gil'], /unknown mode "gil" for backend pg; modes: unordered, ordered/],
    [['--backend', 'pg', '--bench'], /no --backend pg/],
  ])('usage error %j: exit 2', async (args, message) => {
    const r = await runCli(['fuzz', 'examples/bank-workload.mjs', ...args]);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage:');
    expect(r.code).toBe(2);
  });
});
