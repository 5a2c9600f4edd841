#!/usr/bin/env node
/**
 * ame-check: fuzz a workload for serializability, or replay a recorded failure.
 *
 *   ame-check fuzz <workload> [--runs N] [--seed S] [--path P] [--modes unordered,ordered]
 *                             [--workers W] [--out DIR] [--quiet] [--chaos] [--bench] [--json]
 *                             [--backend stm|pg]
 *   ame-check replay <file> [--workload PATH] [--json]
 *
 * Exit codes: 0 serializable (or the replay did not reproduce), 1 counterexample found
 * (including a non-deterministic task, named in the message), 2 usage or workload error
 * (or backend pg without @ame/pg installed).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendName, PG_MODE_NAMES } from './backend.js';
import { MODE_NAMES, type ModeName } from './executors.js';
import { formatReplayResult } from './format.js';
import { benchFuzz, formatBench } from './bench.js';
import { type FuzzOptions, type FuzzProgress, fuzz } from './fuzz.js';
import { jsonReport } from './json-report.js';
import { replayFailure } from './replay-failure.js';
import { type Progress, progress } from './terminal.js';

const USAGE = `usage:
  ame-check fuzz <workload> [options]   fuzz a workload module for serializability
  ame-check replay <file> [options]     re-check a recorded failure (ame-failure-<seed>.json)

fuzz options:
  --runs N          task lists to generate (default 100)
  --seed S          fast-check seed (default: random, printed)
  --path P          with --seed: go straight to a recorded counterexample path
  --modes LIST      comma-separated: ${MODE_NAMES.join(', ')} (default unordered,ordered)
  --workers W       worker threads per queue (default 2)
  --out DIR         where to write the replay file (default: the working directory)
  --quiet           no progress bar
  --chaos           seeded pauses at task start and before commit in unordered runs
  --bench           measure checked runs/s: fresh queues per run (old) vs kept queues
  --json            print the result as JSON (FuzzResult) instead of the summary; no progress
  --backend B       ${BACKEND_NAMES.join(' or ')} (default stm); pg: PgQueues on an embedded PostgreSQL
                    (needs @ame/pg installed; modes ${PG_MODE_NAMES.join(', ')})
replay options:
  --workload PATH   the workload module, if it moved since the file was written (task modules
                    beside it move along)
  --json            print the result as JSON (ReplayResult)

workloads may be TypeScript (.ts): Node >= 22.18 strips the types, older versions need tsx installed

exit codes: 0 serializable, 1 counterexample (or a non-deterministic task), 2 usage or workload error`;

/** A usage problem: exit 2 with the usage text. */
class UsageError extends Error {}

function parseCliArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      seed: { type: 'string' },
      path: { type: 'string' },
      modes: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
      chaos: { type: 'boolean' },
      bench: { type: 'boolean' },
      json: { type: 'boolean' },
      workload: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(pkg.version);
    return 0;
  }
  const [command, target, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  if (command === 'fuzz') {
    if (!target) throw new UsageError('fuzz needs a workload module: ame-check fuzz ./workload.mjs');
    const modes = values.modes
      ?.split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    const backend = values.backend ?? 'stm';
    if (!(BACKEND_NAMES as readonly string[]).includes(backend))
      throw new UsageError(`unknown backend ${JSON.stringify(backend)}; backends: ${BACKEND_NAMES.join(', ')}`);
    const allowed: readonly string[] = backend === 'pg' ? PG_MODE_NAMES : MODE_NAMES;
    for (const mode of modes ?? []) {
      if (!allowed.includes(mode))
        throw new UsageError(
          `unknown mode ${JSON.stringify(mode)}${backend === 'pg' ? ' for backend pg' : ''}; modes: ${allowed.join(', ')}`,
        );
    }
    if (backend === 'pg' && values.bench) throw new UsageError('--bench measures the stm backend: no --backend pg');
    if (values.path !== undefined && values.seed === undefined) throw new UsageError('--path needs the --seed it was found with');
    if (values.path !== undefined && values.bench) throw new UsageError('--bench measures a search: no --path');
    if (values.json && values.bench) throw new UsageError('--bench prints a table: no --json');
    const json = values.json === true;
    const runs = values.runs !== undefined ? integer('--runs', values.runs, 1) : undefined;
    const bar = values.quiet || values.bench || json ? undefined : fuzzProgress(runs ?? 100);
    const bench = async (o: FuzzOptions): Promise<{ ok: boolean }> => {
      console.log(formatBench(await benchFuzz(o)));
      return { ok: true };
    };
    const run = values.bench ? bench : fuzz;
    const result = await run({
      workload: target,
      ...(runs !== undefined ? { runs } : {}),
      ...(values.seed !== undefined ? { seed: integer('--seed', values.seed, -(2 ** 31)) } : {}),
      ...(values.path !== undefined ? { path: values.path } : {}),
      ...(modes ? { modes: modes as ModeName[] } : {}),
      ...(values.workers !== undefined ? { workers: integer('--workers', values.workers, 1) } : {}),
      ...(values.out !== undefined ? { replayDir: values.out } : {}),
      ...(values.chaos ? { chaos: true } : {}),
      ...(backend === 'pg' ? { backend: backend as BackendName } : {}),
      ...(bar
        ? {
            onProgress: (p: FuzzProgress) => {
              bar.setTotal(p.runs);
              bar.update(Math.min(p.run, p.runs), {
                phase: p.phase,
                shrinks: p.shrinks,
                extra: p.phase === 'shrinking' ? `  counterexample! shrinking: ${p.shrinks} candidates` : '',
              });
            },
          }
        : {}),
      log: json
        ? false
        : (text) => {
            bar?.stop();
            console.log(text);
          },
    });
    if (json) console.log(jsonReport(result));
    return result.ok ? 0 : 1;
  }
  if (command === 'replay') {
    if (!target) throw new UsageError('replay needs a replay file: ame-check replay ./ame-failure-42.json');
    const result = await replayFailure(target, values.workload !== undefined ? { workload: values.workload } : {});
    console.log(values.json ? jsonReport(result) : formatReplayResult(result));
    return result.reproduced ? 1 : 0;
  }
  throw new UsageError(command === undefined ? 'missing command' : `unknown command ${JSON.stringify(command)}`);
}

/** The fuzz's bar on a terminal; on a pipe or CI log, a plain line every 10% (and every 10 shrink candidates). */
function fuzzProgress(runs: number): Progress {
  let lastTenth = -1;
  return progress({
    format: '[{bar}] {value}/{total} task lists  {duration_formatted}{extra}',
    total: runs,
    payload: { extra: '' },
    plain: (run, runs, payload) => {
      const shrinking = payload.phase === 'shrinking';
      const shrinks = Number(payload.shrinks ?? 0);
      const tenth = shrinking ? 11 + Math.floor(shrinks / 10) : Math.floor((10 * run) / runs);
      if (tenth === lastTenth) return undefined;
      lastTenth = tenth;
      return shrinking ? `shrinking: ${shrinks} candidates tried` : `${run}/${runs} task lists`;
    },
  });
}

function integer(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`${flag} needs an integer >= ${min}, got ${JSON.stringify(text)}`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = error as { name?: string; code?: string; message?: string };
    if (error instanceof UsageError) {
      console.error(`ame-check: ${e.message}\n\n${USAGE}`);
    } else if (
      e.code === 'WORKLOAD_INVALID' ||
      e.code === 'REPLAY_FILE_INVALID' ||
      e.code === 'BACKEND_UNAVAILABLE' ||
      e.name === 'TypeError'
    ) {
      console.error(`ame-check: ${e.message}`);
    } else {
      console.error('ame-check: internal error:', error);
    }
    process.exitCode = 2;
  },
);
