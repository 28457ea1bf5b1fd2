import { FaultBed } from './fault-bed';
import { randomBetween, sleep } from './wait';
import { describeExit, WorkerProcess } from './worker-process';

export interface ChurnOptions {
  signal: 'SIGKILL' | 'SIGTERM';
  times: number;
  /** Transitions made so far, and how many the load will make in all. */
  progress: () => Promise<number>;
  total: number;
  /** The part of the load (fractions of `total`) the ends fall in: all of it, or a burst. */
  window: { from: number; to: number };
  /** Rolling restarts: the next worker is ended only once its predecessor's replacement is ready. */
  rolling: boolean;
  /**
   * Whether a job is in progress now: when given, each end waits for one (up
   * to BUSY_WAIT_MS). A transition takes a few milliseconds, and between the
   * load's steps the workers can be idle: an end then hits no job.
   */
  busy?: () => Promise<boolean>;
}

const BUSY_WAIT_MS = 3000;

export interface ChurnEvent {
  pid: number;
  atProgress: number;
  exit: string;
  /** A SIGTERMed worker that had to be killed because it did not exit. */
  forced: boolean;
  uptimeMs: number;
  /** From the signal to the process's exit. */
  stopMs: number;
}

/** Ends spread over the whole load. */
export const WHOLE_LOAD = { from: 0.03, to: 0.9 };

/** A window of 5% of the load placed at random: ends close together, as in a crash loop. */
export function burst(): { from: number; to: number } {
  const from = randomBetween(0.05, 0.85);
  return { from, to: from + 0.05 };
}

/**
 * Ends worker processes at random moments of the load and starts their
 * replacements. The moments are random points of progress (transitions made)
 * inside a window of the load, so every end falls while jobs are flowing,
 * whatever the speed of the machine; a short random pause puts it at no
 * particular step of a job.
 */
export class WorkerChurn {
  readonly events: ChurnEvent[] = [];
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly bed: FaultBed,
    private readonly options: ChurnOptions,
  ) {}

  start(): void {
    this.running = this.run();
  }

  /** Stops after the end in progress, if any; rethrows what went wrong. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async run(): Promise<void> {
    const { times, total, window } = this.options;
    const points = Array.from({ length: times }, () =>
      Math.floor(randomBetween(window.from, window.to) * total),
    ).sort((a, b) => a - b);
    for (const point of points) {
      let progress = 0;
      while (!this.stopped && (progress = await this.progress()) < point) await sleep(200);
      if (this.stopped) return;
      await sleep(randomBetween(0, 400));
      await this.untilBusy();
      await this.end(await this.victim(), progress);
    }
  }

  private async untilBusy(): Promise<void> {
    const busy = this.options.busy;
    if (!busy) return;
    const until = Date.now() + BUSY_WAIT_MS;
    while (!this.stopped && Date.now() < until && !(await busy().catch(() => false)))
      await sleep(5);
  }

  /**
   * Progress, or 0 when it cannot be read right now: the query shares the API's
   * connection pool, which a clock move firing thousands of timers can exhaust.
   */
  private async progress(): Promise<number> {
    return this.options.progress().catch(() => 0);
  }

  /** A random worker among those up; waits for one when all are starting. */
  private async victim(): Promise<WorkerProcess> {
    for (;;) {
      const ready = this.bed.liveWorkers().filter((w) => w.isReady);
      if (ready.length > 0) return ready[Math.floor(Math.random() * ready.length)];
      await Promise.race(
        this.bed
          .liveWorkers()
          .map((w) => w.ready.catch(() => undefined))
          .concat(sleep(1000)),
      );
    }
  }

  private async end(worker: WorkerProcess, progress: number): Promise<void> {
    const uptimeMs = Date.now() - worker.startedAt;
    const { exit, forced, stopMs, replacement } = await this.bed.replaceWorker(
      worker,
      this.options.signal,
    );
    this.events.push({
      pid: worker.pid,
      atProgress: progress,
      exit: describeExit(exit),
      forced,
      uptimeMs,
      stopMs,
    });
    if (this.options.rolling) await replacement.ready;
  }
}
