/**
 * Every code block of every README is tested: a program is a file under `examples/` shown
 * verbatim (with its imports, runnable as pasted) and run here with node; shell commands
 * are run in the README's folder; the few blocks no test runs (installs, minutes-long
 * benchmarks, sample output of a machine) say why. See readme-code-blocks.ts for the markers.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './helpers.js';
import { type CodeBlock, codeBlocks, commands, readmes } from './readme-code-blocks.js';

interface ExampleRun {
  /** Entry point, relative to the repository root; run with node in its own folder (or `cwd`). */
  file: string;
  args?: string[];
  cwd?: string;
  /** Lines its output must contain. */
  expect: RegExp[];
  /** Other example files it imports or loads (so they run too). */
  uses?: string[];
}

/** The example programs, what each must print. Timings are printed, never asserted. */
const RUNS: ExampleRun[] = [
  {
    file: 'examples/quick-start/main.mjs',
    uses: ['examples/quick-start/tasks.mjs'],
    expect: [
      /^sequential: 2000 tasks in \d+ ms$/m,
      /^TransactionQueue \(\d+ workers\): 2000 tasks in/m,
      /^same balances as sequential: true$/m,
    ],
  },
  {
    file: 'packages/stm/examples/two-threads/main.mjs',
    uses: ['packages/stm/examples/two-threads/worker.mjs'],
    expect: [/^accounts 1 and 2: 95, 105; total 10000$/m],
  },
  {
    file: 'packages/stm/examples/bank.mjs',
    expect: [/^total 100000 \(expected 100000\)/m],
  },
  {
    file: 'packages/stm/examples/collections.mjs',
    expect: [/^job \{"user":"bob"\}; bob \{"visits":1\}; seen 1; jobs left 0$/m],
  },
  {
    file: 'packages/stm/examples/thread-dies/main.mjs',
    uses: ['packages/stm/examples/thread-dies/worker.mjs'],
    expect: [/^counter 41, then 42: no lock left held$/m],
  },
  {
    // Starts an embedded PostgreSQL server (as packages/pg's own tests do).
    file: 'packages/pg/examples/main.mjs',
    uses: ['packages/pg/examples/tasks.mjs'],
    expect: [/^1000 commits, \d+ aborts$/m, /^total 100000, connection postgres/m],
  },
  {
    file: 'packages/transaction/examples/main.mjs',
    uses: ['packages/transaction/examples/tasks.mjs'],
    expect: [/^10000 commits, \d+ aborts/m, /^total 100000, same as before: true$/m],
  },
  {
    file: 'packages/gil/examples/compare.mjs',
    uses: ['packages/gil/examples/tasks.mjs'],
    expect: [/^sequential: 1000 commits; GilQueue: 1000 commits, same heap: true$/m],
  },
  {
    file: 'packages/pool/examples/main.mjs',
    uses: ['packages/pool/examples/tasks.mjs'],
    expect: [/^hits: \d+ \(100 tasks and their children\)$/m],
  },
  {
    // The vitest recipe of @ame/check's README, run by vitest in its folder with its own config.
    file: 'node_modules/vitest/vitest.mjs',
    args: ['run'],
    cwd: 'packages/check/examples/vitest',
    uses: [
      'packages/check/examples/vitest/vitest.config.mjs',
      'packages/check/examples/vitest/bank.test.mjs',
      'packages/check/examples/bank-workload.mjs',
    ],
    expect: [/Tests\s+2 passed/],
  },
  {
    // What `npm start` runs (the root and demo READMEs): every executor's verdict.
    file: 'apps/demo/dist/main.js',
    expect: [
      /^\| GIL .*\| yes \((exact|in commit order)\) +\|$/m,
      /^\| STM unordered .*\| yes \((exact|in commit order)\) +\|$/m,
      /^\| STM ordered .*\| yes \(exact\) +\|$/m,
    ],
  },
];

const blocks: CodeBlock[] = readmes().flatMap((r) => codeBlocks(r));
const where = (b: CodeBlock) => `${b.readme}:${b.line}`;
const exampleFile = (b: CodeBlock) =>
  b.marker?.kind === 'example' ? normalize(join(dirname(b.readme), b.marker.file)) : undefined;

test('every README code block says what it is (example file, run, output or not-run with a reason)', () => {
  const unmarked = blocks.filter((b) => !b.marker || (b.marker.kind === 'not-run' && !b.marker.why)).map(where);
  expect(unmarked).toEqual([]);
  expect(blocks.filter((b) => b.marker?.kind === 'example').length).toBeGreaterThanOrEqual(RUNS.length);
});

test('every example block is its file, verbatim', () => {
  const differ: string[] = [];
  for (const b of blocks) {
    const file = exampleFile(b);
    if (file === undefined) continue;
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      differ.push(`${where(b)}: ${file} does not exist`);
      continue;
    }
    if (text !== b.text) differ.push(`${where(b)} differs from ${file}`);
  }
  expect(differ).toEqual([]);
});

test('every example file a README shows is run, by RUNS here or by a run block', () => {
  const covered = new Set(RUNS.flatMap((r) => [r.file, ...(r.uses ?? [])]));
  for (const b of blocks) {
    if (b.marker?.kind !== 'run') continue;
    for (const c of commands(b)) {
      for (const word of c.split(/\s+/)) covered.add(normalize(join(dirname(b.readme), word)));
    }
  }
  const shown = blocks.map(exampleFile).filter((f): f is string => f !== undefined);
  expect(shown.filter((f) => !covered.has(f))).toEqual([]);
});

describe.each(RUNS)('$file $cwd', ({ file, args = [], cwd = dirname(file), expect: patterns }) => {
  test('runs with node and prints what its README says', () => {
    const r = spawnSync(process.execPath, [join(ROOT, file), ...args], {
      cwd: join(ROOT, cwd),
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    if (r.status !== 0) console.error(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    for (const p of patterns) expect(r.stdout).toMatch(p);
  });
});

const runBlocks = blocks.flatMap((b, i) => (b.marker?.kind === 'run' ? [{ block: b, next: blocks[i + 1] }] : []));

describe.each(runBlocks.map((r) => ({ ...r, name: where(r.block) })))('run block $name', ({ block, next }) => {
  test('its commands run in the README folder with the exit code it shows', () => {
    const cwd = join(ROOT, dirname(block.readme));
    const exit = block.marker?.kind === 'run' ? block.marker.exit : 0;
    for (const command of commands(block)) {
      const r = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
      expect(r.status, `${command}\n${r.stdout}\n${r.stderr}`).toBe(exit);
      if (next?.marker?.kind === 'output') {
        const first = next.text.split('\n')[0]!;
        expect(r.stdout.split('\n')[0], relative(ROOT, cwd)).toBe(first);
      }
    }
  });
});
