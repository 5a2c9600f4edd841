/**
 * Re-renders the Markdown and SVG of a stored run from its JSON, without measuring again
 * (after a change to the report's layout).
 *
 * Usage: node dist/tools/render.js <results/<date>.json>
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { renderFiles } from '../report/files.js';
import type { BenchReport } from '../report/model.js';

async function main(): Promise<void> {
  const [file] = process.argv.slice(2);
  if (!file?.endsWith('.json')) throw new Error('usage: render <results/<date>.json>');
  const report = JSON.parse(await readFile(file, 'utf8')) as BenchReport;
  const written = await renderFiles(report, path.dirname(file), path.basename(file, '.json'), true);
  console.log(`Wrote ${written.md}\n      ${written.svg}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
