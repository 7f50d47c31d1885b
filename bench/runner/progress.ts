/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per sample otherwise (CI logs).
 */
export interface ProgressStream {
  write(s: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export class Progress {
  private done = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly out: ProgressStream = process.stderr,
    private readonly width = 28,
  ) {}

  /** A sample finished; `note` is its one-line verdict. */
  tick(id: string, note: string): void {
    this.done++;
    const frac = this.total === 0 ? 1 : this.done / this.total;
    const filled = Math.round(frac * this.width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : 0;
    const line = `${bar} ${String(this.done).padStart(String(this.total).length)}/${this.total}  ${fmtDuration(elapsed)} elapsed, ~${fmtDuration(eta)} left  ${id}: ${note}`;
    if (this.out.isTTY) {
      const cols = this.out.columns ?? 120;
      this.out.write(`\r\x1b[2K${line.length > cols - 1 ? line.slice(0, cols - 2) + '…' : line}`);
      if (this.done === this.total) this.out.write('\n');
    } else {
      this.out.write(line + '\n');
    }
  }

  /** A message that must not be overwritten by the bar. */
  log(message: string): void {
    this.out.write(this.out.isTTY ? `\r\x1b[2K${message}\n` : `${message}\n`);
  }
}

export function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  const sec = Math.round(s - m * 60);
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
