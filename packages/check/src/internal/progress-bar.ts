/**
 * A one-line progress bar on a terminal (redrawn in place, at most every 100 ms); on a
 * pipe or CI log, a plain line every 10% instead.
 */
import type { FuzzProgress } from '../fuzz.js';

export class ProgressBar {
  private lastDraw = 0;
  private lastTenth = -1;
  private drawn = false;
  private readonly started = performance.now();

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(p: FuzzProgress): void {
    const tty = this.stream.isTTY === true;
    const now = performance.now();
    if (tty) {
      if (now - this.lastDraw < 100 && p.run < p.runs) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round((width * Math.min(p.run, p.runs)) / p.runs);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      const extra = p.phase === 'shrinking' ? `  counterexample! shrinking: ${p.shrinks} candidates` : '';
      const secs = ((now - this.started) / 1000).toFixed(1);
      this.stream.write(`\r[${bar}] ${p.run}/${p.runs} task lists  ${secs} s${extra}\x1b[K`);
      this.drawn = true;
    } else {
      const tenth = p.phase === 'shrinking' ? 11 + Math.floor(p.shrinks / 10) : Math.floor((10 * p.run) / p.runs);
      if (tenth === this.lastTenth) return;
      this.lastTenth = tenth;
      this.stream.write(
        p.phase === 'shrinking' ? `shrinking: ${p.shrinks} candidates tried\n` : `${p.run}/${p.runs} task lists\n`,
      );
    }
  }

  /** Clears the bar before the summary is printed. */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
