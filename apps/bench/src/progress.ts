/**
 * One progress bar over every run of the plan (warm-ups included), with what runs now.
 * Without a terminal (CI, pipes, turbo) it prints one line per finished row instead.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Advances by one step, showing `label` as what runs next. */
  step(label: string): void;
  /** Prints a line above the bar (or plainly). */
  log(line: string): void;
  stop(): void;
}

export function progress(total: number): Progress {
  if (!process.stderr.isTTY || !process.stdout.isTTY || process.env.CI) {
    return { step: () => {}, log: (line) => console.log(line), stop: () => {} };
  }
  const multi = new cliProgress.MultiBar(
    {
      format: ' {bar} {percentage}% | {value}/{total} runs | ETA {eta_formatted} | {label}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(total, 0, { label: 'starting' });
  let done = -1;
  return {
    step(label) {
      done++;
      bar.update(Math.min(done, total), { label: label.length > 70 ? `${label.slice(0, 67)}...` : label });
    },
    log: (line) => multi.log(`${line}\n`),
    stop: () => multi.stop(),
  };
}
