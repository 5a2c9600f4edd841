import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The published packages, by folder under packages/. */
export const PUBLISHED = ['stm', 'pool', 'transaction', 'gil', 'check'] as const;

/** Runs npm with `args` in `cwd`; returns stdout. */
export function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The files `npm pack` would put in a package's tarball. */
export function packedFiles(pkg: string): string[] {
  const out = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], `${ROOT}packages/${pkg}`)) as {
    files: { path: string }[];
  }[];
  return out[0]!.files.map((f) => f.path);
}
