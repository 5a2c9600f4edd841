/** Writes a run's JSON, Markdown and SVG into the results folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderChart } from './chart.js';
import { markdown } from './markdown.js';
import type { BenchReport } from './model.js';

export interface Written {
  readonly json: string;
  readonly md: string;
  readonly svg?: string;
}

/**
 * Full runs go to `<dir>/<date>.*`; quick or filtered runs to `<dir>/partial/<date>-<tag>.*`
 * (kept out of git), so a trial run never overwrites the committed results.
 */
export async function writeReport(
  report: BenchReport,
  dir: string,
  chart: boolean,
  partialTag: string | undefined,
): Promise<Written> {
  const folder = partialTag ? path.join(dir, 'partial') : dir;
  await mkdir(folder, { recursive: true });
  const base = report.date.slice(0, 10) + (partialTag ? `-${partialTag}` : '');
  await writeFile(path.join(folder, `${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
  return renderFiles(report, folder, base, chart);
}

/** Writes `<base>.md` (and `<base>.svg`) for a report whose JSON is `<base>.json` in `folder`. */
export async function renderFiles(report: BenchReport, folder: string, base: string, chart: boolean): Promise<Written> {
  const json = `${base}.json`;
  const svg = chart ? `${base}.svg` : undefined;
  if (svg) await writeFile(path.join(folder, svg), await renderChart(report));
  await writeFile(path.join(folder, `${base}.md`), markdown(report, { json, ...(svg ? { svg } : {}) }));
  return { json: path.join(folder, json), md: path.join(folder, `${base}.md`), ...(svg ? { svg: path.join(folder, svg) } : {}) };
}
