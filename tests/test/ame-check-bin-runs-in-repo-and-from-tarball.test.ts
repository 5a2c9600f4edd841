/**
 * `npx ame-check` as a new user meets it: in this repository after `npm ci` (the bin is a
 * committed file that loads dist/cli.js, so npm links it before anything is built), and
 * from the packed tarballs installed into an empty project.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PUBLISHED, ROOT, npm } from './helpers.js';

const temp = mkdtempSync(join(tmpdir(), 'ame-check-bin-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function npx(args: string[], cwd: string) {
  return spawnSync('npx', ['--no', '--', 'ame-check', ...args], { cwd, encoding: 'utf8' });
}

describe('in the repository', () => {
  test('npx ame-check resolves to the workspace bin and runs the built CLI', () => {
    const r = npx(['--version'], ROOT);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = npx(['--help'], ROOT);
    expect(help.stdout).toContain('ame-check fuzz <workload>');
  });

  test('without dist, the bin says to build first', () => {
    const pkg = join(temp, 'unbuilt');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    copyFileSync(join(ROOT, 'packages/check/bin/ame-check.mjs'), join(pkg, 'bin/ame-check.mjs'));
    const r = spawnSync(process.execPath, [join(pkg, 'bin/ame-check.mjs'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('run npm run build first');
  });
});

describe('from the packed tarballs', () => {
  test('installed into an empty project, npx ame-check fuzzes the shipped example workload', () => {
    const packs = join(temp, 'packs');
    const project = join(temp, 'project');
    mkdirSync(packs);
    mkdirSync(project);
    for (const pkg of PUBLISHED) npm(['pack', '--pack-destination', packs, '--ignore-scripts'], join(ROOT, 'packages', pkg));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    const tarballs = readdirSync(packs).map((f) => join(packs, f));
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], project);
    const workload = join(project, 'node_modules/@ame/check/examples/bank-workload.mjs');
    const r = npx(['fuzz', workload, '--runs', '3', '--seed', '1', '--quiet'], project);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('is serializable');
    expect(r.status).toBe(0);
    // The installed bin is a real file in the tarball, not a link into dist.
    const version = execFileSync('npm', ['exec', '--no', '--', 'ame-check', '--version'], { cwd: project, encoding: 'utf8' });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
