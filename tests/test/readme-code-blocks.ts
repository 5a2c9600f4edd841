/**
 * The fenced code blocks of the repository's READMEs, each with the marker comment on the
 * line before it that says what the block is:
 *
 *   <!-- example: examples/x.mjs -->  the block is that file (relative to the README), verbatim
 *   <!-- run -->                      shell commands the tests run in the README's folder (exit 0;
 *                                     `<!-- run: exit 1 -->` for a command that must fail)
 *   <!-- output -->                   what the `run` block just before prints: its first line is checked
 *   <!-- not-run: why -->             a command or listing no test runs (installs, minutes-long benchmarks,
 *                                     sample output of a machine), with the reason
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export type Marker =
  | { kind: 'example'; file: string }
  | { kind: 'run'; exit: number }
  | { kind: 'output' }
  | { kind: 'not-run'; why: string };

export interface CodeBlock {
  /** README path relative to the repository root. */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  marker: Marker | undefined;
}

/** Every README of the repository: the root, packages/*, apps/*. */
export function readmes(): string[] {
  const found = ['README.md'];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(ROOT, group)).sort()) {
      try {
        readFileSync(join(ROOT, group, name, 'README.md'));
        found.push(`${group}/${name}/README.md`);
      } catch {
        // a folder without README
      }
    }
  }
  return found;
}

function parseMarker(line: string): Marker | undefined {
  const m = /^<!-- (example|run|output|not-run)(?::\s*(.*?))?\s*-->$/.exec(line.trim());
  if (!m) return undefined;
  const [, kind, arg = ''] = m;
  if (kind === 'example') return { kind, file: arg };
  if (kind === 'run') return { kind, exit: arg ? Number(/exit (\d+)/.exec(arg)?.[1] ?? Number.NaN) : 0 };
  if (kind === 'output') return { kind };
  return { kind: 'not-run', why: arg };
}

/** The fenced blocks of one README (top-level ``` fences, indented ones included). */
export function codeBlocks(readme: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, readme), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent));
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    blocks.push({
      readme,
      line: start + 1,
      lang: open[2]!,
      text: body.length ? `${body.join('\n')}\n` : '',
      marker: before >= 0 ? parseMarker(lines[before]!) : undefined,
    });
  }
  return blocks;
}

/** The shell commands of a `run` block: `$ ` prompts and trailing `# comments` removed. */
export function commands(block: CodeBlock): string[] {
  return block.text
    .split('\n')
    .map((l) =>
      l
        .replace(/^\$\s+/, '')
        .replace(/\s+#.*$/, '')
        .trim(),
    )
    .filter((l) => l !== '' && !l.startsWith('#'));
}
