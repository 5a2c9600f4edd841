/**
 * Progress of one run: a bar on a terminal, a single plain line when the output is not a
 * terminal or CI is set (no control characters in logs).
 */
import cliProgress from 'cli-progress';
import type { RunProgress } from '@ame/transaction';

export interface Progress {
  /** Feed to `run({ onProgress })`. */
  readonly onProgress: (p: RunProgress) => void;
  /** Clears the bar (or prints the plain line) once the run is over. */
  stop(): void;
}

export function progress(label: string): Progress {
  let last: RunProgress = { committed: 0, finished: 0, total: 0 };
  if (!process.stdout.isTTY || process.env.CI) {
    return {
      onProgress: (p) => void (last = p),
      stop: () => console.log(`  ${label.padEnd(14)} ${last.finished}/${last.total} tasks done`),
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `  ${label.padEnd(14)} {bar} {value}/{total} tasks`, clearOnComplete: false, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0);
  return {
    onProgress: (p) => {
      bar.setTotal(p.total);
      bar.update(p.finished);
    },
    stop: () => bar.stop(),
  };
}
