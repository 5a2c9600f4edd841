/**
 * The terminal helper shared by the CLI, the demo and the bench: Markdown tables aligned
 * column by column, and a progress display that writes only its plain lines where no bar can
 * be drawn (a pipe, or CI), so logs stay free of control characters.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { isInteractive, markdownTable, progress } from '../src/terminal.js';
import { runCli } from './helpers/cli.js';

describe('markdownTable', () => {
  test('pads every column to its widest cell', () => {
    expect(
      markdownTable(
        ['executor', 'time'],
        [
          ['sequential', '1,378'],
          ['GIL', '12'],
        ],
      ),
    ).toBe(['| executor   | time  |', '| ---------- | ----- |', '| sequential | 1,378 |', '| GIL        | 12    |'].join('\n'));
  });
});

describe('progress without a terminal', () => {
  test('writes the plain lines only, no escape codes', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
    expect(isInteractive(stream)).toBe(false);
    const bar = progress({
      format: '{bar} {value}/{total}',
      total: 4,
      stream,
      plain: (value, total) => (value % 2 === 0 ? `${value} of ${total}` : undefined),
    });
    expect(bar.interactive).toBe(false);
    for (let i = 1; i <= 4; i++) bar.update(i);
    bar.stop();
    expect(text).toBe('2 of 4\n4 of 4\n');
  });

  test('the CLI on a pipe prints its progress as plain lines on stderr', async () => {
    const r = await runCli(['fuzz', 'examples/bank-workload.mjs', '--runs', '10', '--seed', '1', '--modes', 'sequential']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('10/10 task lists\n');
    expect(r.stderr).not.toContain('\u001b['); // no escape codes
  });
});
