/** Chooses the variants and executors of a run from the command-line options. */
import { effect } from './executors/effect.js';
import { lockExecutor } from './executors/locks.js';
import { plain } from './executors/plain.js';
import { queueExecutors } from './executors/queues.js';
import type { Executor } from './executors/types.js';
import type { Options } from './cli.js';
import { workloads } from './workloads/index.js';
import type { Variant } from './workloads/types.js';

/** Every executor for these worker counts, plain JS first (the baseline). */
export function allExecutors(workers: readonly number[]): Executor[] {
  return [plain, ...queueExecutors(workers), ...workers.map(lockExecutor), effect];
}

/** The selected variants; throws naming the valid choices for an unknown name. */
export function selectVariants(options: Options): Variant[] {
  const all = workloads.flatMap((w) => w.variants(options.quick));
  if (options.workloads.length === 0) return all;
  const picked = all.filter((v) => options.workloads.some((name) => name === v.workload || name === v.id));
  const unknown = options.workloads.filter((name) => !all.some((v) => name === v.workload || name === v.id));
  if (unknown.length) {
    throw new Error(
      `unknown workload ${unknown.join(', ')}; choose from ${workloads.map((w) => w.name).join(', ')} or a variant id (--list)`,
    );
  }
  return picked;
}

/** The selected executors, plain JS always first. */
export function selectExecutors(options: Options): Executor[] {
  const all = allExecutors(options.workers);
  if (options.executors.length === 0) return all;
  const matches = (e: Executor, name: string): boolean =>
    e.id === name || e.id.replace(/-\d+$/, '') === name || e.family === name;
  const unknown = options.executors.filter((name) => !all.some((e) => matches(e, name)));
  if (unknown.length) throw new Error(`unknown executor ${unknown.join(', ')}; choose from ${all.map((e) => e.id).join(', ')}`);
  return all.filter((e) => e.id === 'plain' || options.executors.some((name) => matches(e, name)));
}

/** What --list prints. */
export function listing(options: Options): string {
  const lines = ['Workloads and variants:'];
  for (const w of workloads) {
    lines.push(`  ${w.name}: ${w.description}`);
    for (const v of w.variants(options.quick)) lines.push(`    ${v.id.padEnd(22)} ${v.description}`);
  }
  lines.push('', 'Executors:');
  for (const e of allExecutors(options.workers)) lines.push(`  ${e.id.padEnd(16)} ${e.about}`);
  return lines.join('\n');
}
