/**
 * What `npm pack` puts in each published tarball: README, LICENSE, examples, the built
 * entry points, and the sources every source map points at (a map without its sources
 * sends stack traces and "go to definition" nowhere).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PUBLISHED, ROOT, packedFiles } from './helpers.js';

describe.each(PUBLISHED)('@ame/%s tarball', (pkg) => {
  const dir = join(ROOT, 'packages', pkg);
  const files = packedFiles(pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;

  test('has README, LICENSE, package.json and the built entry', () => {
    for (const f of ['README.md', 'LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts']) expect(files).toContain(f);
  });

  test('ships its examples and no tests', () => {
    if (existsSync(join(dir, 'examples'))) expect(files.some((f) => f.startsWith('examples/'))).toBe(true);
    expect(files.filter((f) => f.startsWith('test/'))).toEqual([]);
  });

  test('every source map points at a file in the tarball', () => {
    const maps = files.filter((f) => f.endsWith('.map'));
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[] };
      for (const s of sources) {
        const target = normalize(join(dirname(map), s));
        if (!files.includes(target)) missing.push(`${map} -> ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('has the metadata a registry page shows, and ranges for workspace dependencies', () => {
    expect(manifest.license).toBe('MIT');
    for (const key of ['repository', 'homepage', 'bugs', 'keywords', 'engines']) expect(manifest[key], key).toBeDefined();
    const deps = (manifest.dependencies ?? {}) as Record<string, string>;
    for (const [name, range] of Object.entries(deps)) if (name.startsWith('@ame/')) expect(range, name).toMatch(/^\^/);
    expect(existsSync(join(dir, 'LICENSE'))).toBe(true);
  });
});
