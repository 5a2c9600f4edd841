/**
 * The @ame/stm micro-benchmark (packages/stm/bench/micro.mjs: ns per transactional read,
 * write and commit), run in a child process of its own and parsed, so the report holds
 * its figures from the same run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface MicroRow {
  readonly operation: string;
  readonly ns: number;
  /** `<= 30` style target, if the micro-benchmark states one. */
  readonly target?: number;
}

export interface MicroResult {
  readonly rows: readonly MicroRow[];
  /** Its first line (machine and repetitions), or why it could not run. */
  readonly header: string;
  readonly ok: boolean;
}

/** Where micro.mjs is, next to @ame/stm's package.json. */
export function microPath(): string {
  return fileURLToPath(new URL('./bench/micro.mjs', import.meta.resolve('@ame/stm/package.json')));
}

/** Parses micro.mjs output: `name   12.3   <= 30 ...` lines after the header. */
export function parseMicro(output: string): MicroRow[] {
  const rows: MicroRow[] = [];
  for (const line of output.split('\n').slice(2)) {
    const m = /^(.+?)\s{2,}(-?\d+(?:\.\d+)?)(?:\s+<=\s*(\d+))?/.exec(line.trim());
    if (!m) continue;
    rows.push({ operation: m[1]!, ns: Number(m[2]), ...(m[3] ? { target: Number(m[3]) } : {}) });
  }
  return rows;
}

export function runMicro(): Promise<MicroResult> {
  const path = microPath();
  if (!existsSync(path)) return Promise.resolve({ rows: [], header: `not found: ${path}`, ok: false });
  return new Promise((resolve) => {
    execFile(process.execPath, [path], { timeout: 120_000 }, (error, stdout) => {
      if (error) resolve({ rows: [], header: `failed: ${error.message}`, ok: false });
      else resolve({ rows: parseMicro(stdout), header: stdout.split('\n')[0] ?? '', ok: true });
    });
  });
}

/** The ns figure of the first row whose name starts with `prefix`. */
export function microNs(micro: MicroResult, prefix: string): number | undefined {
  return micro.rows.find((r) => r.operation.startsWith(prefix))?.ns;
}
