/** A one-line progress bar on a terminal's stderr; silent when stderr is not a TTY (CI, pipes). */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled: boolean = Boolean(process.stderr.isTTY),
  ) {}

  /** Redraws at most ~12 times a second, and always for the final value. */
  update(done: number, detail = ""): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (done < this.total && now - this.lastDraw < 80) return;
    this.lastDraw = now;
    const width = 24;
    const ratio = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const filled = Math.round(ratio * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const text = `${this.label} ${bar} ${done}/${this.total} ${detail}`;
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r${text.slice(0, columns - 1).padEnd(Math.min(columns - 1, text.length + 10))}`);
    this.drawn = true;
  }

  /** Clears the line so the summary prints cleanly. */
  done(): void {
    if (this.enabled && this.drawn) this.stream.write("\r\x1b[2K");
  }
}
