/** What the progress line shows. */
export interface ProgressState {
  /** Days of the season simulated so far, and the expected total (an estimate until the end). */
  day: number;
  days: number;
  date: string;
  transitions: number;
  elapsedMs: number;
  /** Applications still under review or on notice. */
  inFlight: number;
}

const COUNT = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return COUNT.format(Math.round(n));
}

/** Transitions per second; 0 before any time has passed. */
export function ratePerSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}

/**
 * `[########------------]  40% 2025-10-12 day 41/103  12,345 transitions  456/s  in review 1,234`.
 * The percentage never reaches 100 before the last day, however wrong the estimate.
 */
export function formatProgress(s: ProgressState, width = 24): string {
  const done = s.day >= s.days;
  const fraction = done ? 1 : Math.min(0.99, s.days > 0 ? s.day / s.days : 0);
  const filled = Math.round(fraction * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return (
    `[${bar}] ${percent} ${s.date} day ${s.day}/${Math.max(s.day, s.days)}` +
    `  ${formatCount(s.transitions)} transitions` +
    `  ${formatCount(ratePerSecond(s.transitions, s.elapsedMs))}/s` +
    `  in review ${formatCount(s.inFlight)}`
  );
}

/** Redraws one line on a terminal; elsewhere prints a line at most every `everyMs`. */
export class ProgressLine {
  private lastPrinted = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly everyMs = 10_000,
  ) {}

  update(line: string, now = Date.now()): void {
    if (this.out.isTTY) {
      this.out.write(`\r${line.padEnd(this.out.columns ? this.out.columns - 1 : line.length)}`);
    } else if (now - this.lastPrinted >= this.everyMs) {
      this.out.write(`${line}\n`);
      this.lastPrinted = now;
    }
  }

  finish(line: string): void {
    this.out.write(this.out.isTTY ? `\r${line}\n` : `${line}\n`);
  }
}
