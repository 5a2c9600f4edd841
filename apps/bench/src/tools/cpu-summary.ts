/**
 * Summarises `node --cpu-prof` output: for each .cpuprofile in a folder (one per thread:
 * main and every worker), the functions with the most self time, and the share of idle
 * and garbage collection. Where the time goes, for the notes on a missed target.
 *
 * Usage: node dist/tools/cpu-summary.js <folder> [top=15]
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self time in µs per function ("name url:line"), from samples and their time deltas. */
export function selfTimes(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = new Map<string, number>();
  profile.samples.forEach((id, k) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const file = frame.url ? path.basename(frame.url.replace(/^file:\/\//, '')) : '';
    const key = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    times.set(key, (times.get(key) ?? 0) + (profile.timeDeltas[k] ?? 0));
  });
  return times;
}

async function main(): Promise<void> {
  const [dir, topArg] = process.argv.slice(2);
  if (!dir) throw new Error('usage: cpu-summary <folder with .cpuprofile files> [top]');
  const top = Number(topArg ?? 15);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Profile;
    const times = selfTimes(profile);
    const total = [...times.values()].reduce((a, b) => a + b, 0);
    const busy = total - (times.get('(idle)') ?? 0) - (times.get('(program)') ?? 0);
    console.log(`\n${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms in JavaScript and GC`);
    const rows = [...times].sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [name, us] of rows)
      console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
