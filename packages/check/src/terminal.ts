/**
 * Terminal output shared by the ame-check CLI, apps/demo and apps/bench (import from
 * '@ame/check/terminal'): a progress bar ([cli-progress](https://www.npmjs.com/package/cli-progress))
 * that stays off pipes and CI logs, and aligned Markdown tables, which read well in a
 * terminal and paste into a README or a results file as they are.
 */
import cliProgress from 'cli-progress';

/** Options of progress(). */
export interface ProgressOptions {
  /** cli-progress format: `{bar}`, `{value}`, `{total}`, `{percentage}`, `{eta_formatted}`, `{duration_formatted}` and payload keys such as `{label}`. */
  format: string;
  /** Steps in all. Default 1 (setTotal() may change it). */
  total?: number;
  /** Initial payload values. Default {}. */
  payload?: Record<string, unknown>;
  /** The bar's stream. Default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Leave the finished bar on screen. Default false: stop() clears it. */
  keep?: boolean;
  /**
   * Without a terminal (a pipe, or `CI` set): called on every update; the line it returns,
   * if any, is written to the stream instead of a bar. Default: nothing is written.
   */
  plain?: (value: number, total: number, payload: Readonly<Record<string, unknown>>) => string | undefined;
}

/** A progress display: a bar on a terminal, optional plain lines elsewhere. */
export interface Progress {
  /** True when a bar is drawn (a terminal, CI not set). */
  readonly interactive: boolean;
  /** Moves to `value`, with new payload values. */
  update(value: number, payload?: Record<string, unknown>): void;
  setTotal(total: number): void;
  /** Prints a line above the bar (or plainly, without a terminal). */
  log(line: string): void;
  /** Ends the bar (cleared unless `keep`). */
  stop(): void;
}

/** Whether `stream` is a terminal a bar may redraw (not a pipe, not CI). */
export function isInteractive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return stream.isTTY === true && !process.env.CI;
}

/**
 * A progress bar on a terminal; on a pipe or in CI, the `plain` lines instead.
 *
 * @example
 * const bar = progress({ format: '  {bar} {value}/{total} tasks', total: 100 });
 * await queue.run({ onProgress: (p) => { bar.setTotal(p.total); bar.update(p.finished); } });
 * bar.stop();
 */
export function progress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  let total = options.total ?? 1;
  if (!isInteractive(stream)) {
    const payload: Record<string, unknown> = { ...options.payload };
    return {
      interactive: false,
      update(value, more) {
        Object.assign(payload, more);
        const line = options.plain?.(value, total, payload);
        if (line !== undefined) stream.write(`${line}\n`);
      },
      setTotal: (t) => void (total = t),
      log: (line) => console.log(line),
      stop: () => {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      format: options.format,
      stream,
      hideCursor: true,
      clearOnComplete: !options.keep,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(total, 0, options.payload ?? {});
  return {
    interactive: true,
    update: (value, more) => bar.update(value, more ?? {}),
    setTotal: (t) => bar.setTotal((total = t)),
    log: (line) => multi.log(`${line}\n`),
    stop: () => multi.stop(),
  };
}

/**
 * Rows of cells as an aligned Markdown table (each column as wide as its widest cell).
 *
 * @example
 * markdownTable(['executor', 'time'], [['sequential', '1,378']]);
 * // | executor   | time  |
 * // | ---------- | ----- |
 * // | sequential | 1,378 |
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]?.length ?? 0)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
