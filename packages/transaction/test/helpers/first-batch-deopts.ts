/**
 * Runs a first-batch fixture under `node --trace-deopt` and returns the trace lines printed
 * between its markers: the fixture prints `from` once its queue is ready and warm, and `to`
 * after the batch under test. Shared by the task-path suites of @ame/transaction and @ame/gil.
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';

export function traceBetween(fixture: string, args: string[], from: string, to: string): { lines: string[]; out: string } {
  const out = execFileSync(process.execPath, ['--trace-deopt', fixture, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const lines = out.split('\n');
  const start = lines.indexOf(from);
  const end = lines.indexOf(to);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return { lines: lines.slice(start, end), out };
}
