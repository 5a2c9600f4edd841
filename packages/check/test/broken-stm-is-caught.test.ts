/**
 * The checker catches a broken STM: TransactionQueue's strategy with read validation
 * switched off (test-only hook; see helpers/broken-queue.ts), on a contended workload.
 * It must find a counterexample within 200 task lists, shrink it to a few tasks, and
 * write a replay file that reproduces the same difference, through the API and the CLI.
 * Replay the search with FC_SEED=<seed>.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fuzz, replayFailure, type Executor, type FuzzResult } from '../src/index.js';
import { brokenOrdered, brokenUnordered } from './helpers/broken-queue.js';
import { runCli } from './helpers/cli.js';
import { propertySeed, workloadUrl } from './helpers/property.js';

const seed = propertySeed();
console.log(`broken-stm-is-caught: fast-check seed ${seed} (replay with FC_SEED=${seed})`);
const dir = mkdtempSync(join(tmpdir(), 'ame-check-broken-'));

async function catchBroken(executor: Executor): Promise<FuzzResult> {
  const result = await fuzz({
    workload: workloadUrl('contended'),
    runs: 200,
    seed,
    modes: [executor],
    replayDir: join(dir, executor.name),
    log: false,
  });
  console.log(
    `${executor.name}: ${result.status} after ${result.runs} lists, shrunk to ${result.counterexample?.calls.length} calls in ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  return result;
}

describe.each([brokenUnordered, brokenOrdered])('a broken STM ($name)', (executor) => {
  test('is caught within 200 runs, shrunk to a few tasks, and its replay file reproduces it', async () => {
    const result = await catchBroken(executor);
    expect(result.status).toBe('counterexample');
    expect(result.runs).toBeLessThanOrEqual(200);
    const c = result.counterexample!;
    expect(c.calls.length).toBeGreaterThanOrEqual(2);
    expect(c.calls.length).toBeLessThanOrEqual(5);
    const failing = c.failing!;
    expect(failing.mode).toBe(executor.name);
    // A lost update shows in both checks: a result or heap key differs, and the history has a cycle.
    expect(failing.differences.length).toBeGreaterThan(0);
    expect(failing.anomaly?.kind).toMatch(/^G/);

    expect(c.replayFile && existsSync(c.replayFile)).toBe(true);
    const replayed = await replayFailure(c.replayFile!);
    expect(replayed.reproduced).toBe(true);
    expect(replayed.same).toBe(true);
    expect(replayed.verdict.differences.map((d) => d.message)).toEqual(failing.differences.map((d) => d.message));
    expect(replayed.verdict.anomaly?.message).toBe(failing.anomaly?.message);

    const cli = await runCli(['replay', c.replayFile!]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('reproduced: the same difference as recorded');
    expect(cli.stdout).toContain(failing.differences[0]!.message);
  });
});
