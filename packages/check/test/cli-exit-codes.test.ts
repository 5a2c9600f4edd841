/**
 * The `ame-check` CLI (dist/cli.js): fuzz prints a summary with the seed and exits 0 when
 * serializable, 1 with the task named for a non-deterministic workload, 2 for usage and
 * workload errors (message names the problem). Replay exit codes are covered by
 * broken-stm-is-caught.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('ame-check CLI', () => {
  test('fuzz of the shipped example: serializable, with the seed, exit 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ame-check-cli-'));
    const r = await runCli([
      'fuzz',
      'examples/bank-workload.mjs',
      '--runs',
      '10',
      '--seed',
      '42',
      '--modes',
      'unordered,gil',
      '--out',
      out,
    ]);
    expect(r.stdout).toContain('ame-check: examples/bank-workload.mjs is serializable');
    expect(r.stdout).toContain('10 task lists x 2 modes (unordered, gil; 2 workers): 20 runs checked');
    expect(r.stdout).toContain('seed 42');
    expect(r.stderr).toContain('10/10 task lists'); // progress (plain lines on a pipe)
    expect(r.code).toBe(0);
  });

  test('fuzz of a non-deterministic workload names the task, exit 1', async () => {
    const r = await runCli(['fuzz', 'test/fixtures/workloads/nondeterministic.mjs', '--runs', '30', '--seed', '1', '--quiet']);
    expect(r.stdout).toContain('is not deterministic, so it cannot be checked');
    expect(r.stdout).toMatch(/task 0 \(roll\) is not deterministic/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  test('a workload with a missing export: exit 2, naming it', async () => {
    const r = await runCli(['fuzz', 'test/fixtures/workloads/missing-setup.mjs']);
    expect(r.stderr).toMatch(/missing-setup\.mjs: missing export `setup`/);
    expect(r.code).toBe(2);
  });

  test('a bad arbitrary: exit 2', async () => {
    const r = await runCli(['fuzz', 'test/fixtures/workloads/bad-arbitrary.mjs']);
    expect(r.stderr).toMatch(/bad arbitrary/);
    expect(r.code).toBe(2);
  });

  test.each([
    [['fuzz'], /fuzz needs a workload module/],
    [['fuzz', 'examples/bank-workload.mjs', '--runs', 'many'], /--runs needs an integer >= 1, got "many"/],
    [['fuzz', 'examples/bank-workload.mjs', '--modes', 'fast'], /unknown mode "fast"/],
    [['fuzz', 'examples/bank-workload.mjs', '--path', '1:2'], /--path needs the --seed/],
    [['launch'], /unknown command "launch"/],
    [['fuzz', 'x.mjs', '--bogus'], /Unknown option '--bogus'/],
    [['replay', '/nonexistent/ame-failure-1.json'], /replay file .*cannot read it/],
  ])('usage error %j: exit 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });

  test('replay of a file that is not a replay file: exit 2', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ame-check-cli-')), 'x.json');
    writeFileSync(file, '{"format": "something-else"}');
    const r = await runCli(['replay', file]);
    expect(r.stderr).toMatch(/it is not an ame-check\/replay@1 file/);
    expect(r.code).toBe(2);
  });

  test('--help: exit 0 with the usage and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toMatch(/exit codes: 0 serializable, 1 counterexample/);
    expect(r.code).toBe(0);
  });
});
