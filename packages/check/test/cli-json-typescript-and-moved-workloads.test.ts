/**
 * The CLI as scripts and real projects use it: `--json` output of fuzz and replay, a
 * workload written in TypeScript, and `replay --workload` after the workload moved (the
 * recorded task module URLs follow it).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PACKAGE_DIR, runCli } from './helpers/cli.js';

const scratch = join(PACKAGE_DIR, 'test-results');
mkdirSync(scratch, { recursive: true });
const temp = mkdtempSync(join(scratch, 'cli-json-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('ame-check --json', () => {
  test('fuzz of a .ts workload: a FuzzResult on stdout, nothing else, exit 0', async () => {
    const r = await runCli(['fuzz', 'test/fixtures/workloads/ts-counter.ts', '--runs', '5', '--seed', '3', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ ok: true, status: 'serializable', seed: 3, runs: 5, modes: ['unordered', 'ordered'] });
    expect(result.workload).toMatch(/ts-counter\.ts$/);
    expect(result).not.toHaveProperty('counterexample');
  });

  test('replay of a moved workload: --workload finds it, --json reports the reproduced failure', async () => {
    // A failure recorded with the workload in one folder ...
    const before = join(temp, 'before');
    mkdirSync(before);
    copyFileSync(join(PACKAGE_DIR, 'test/fixtures/workloads/breaks-own-invariant.mjs'), join(before, 'bank.mjs'));
    const found = await runCli([
      'fuzz',
      join(before, 'bank.mjs'),
      '--runs',
      '20',
      '--seed',
      '2',
      '--modes',
      'unordered',
      '--out',
      temp,
      '--json',
    ]);
    expect(found.code).toBe(1);
    const fuzzed = JSON.parse(found.stdout) as { status: string; counterexample: { replayFile: string } };
    expect(fuzzed.status).toBe('invariant');
    const file = fuzzed.counterexample.replayFile;
    expect(readdirSync(temp)).toContain(file.slice(temp.length + 1));

    // ... then the folder moves: the recorded path no longer loads, --workload does.
    const after = join(temp, 'after');
    renameSync(before, after);
    const lost = await runCli(['replay', file]);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(/was not found/);
    const r = await runCli(['replay', file, '--workload', join(after, 'bank.mjs'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const replay = JSON.parse(r.stdout) as { reproduced: boolean; same: boolean; verdict: { problem: string } };
    expect(replay).toMatchObject({ reproduced: true, same: true, verdict: { problem: 'invariant' } });
  });
});
